"""The output contract: what ``omdomme analyse`` writes to ``analyses/<round>/`` and how it is read.

Floor 4: imports definitions, io and lower floors; never analysis, report, text or cli.

- :mod:`omdomme.results.write`: the one atomic writer (parquet + CSV + Excel + manifest).
- :mod:`omdomme.results.read`: the one reader of ``analyses/<round>/``; the report,
  ``compare`` and ``trend`` all read through it.
"""
