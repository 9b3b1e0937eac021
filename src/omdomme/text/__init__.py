"""What the terminal shows: the summaries of ``analyse``, ``compare`` and ``trend`` in bokmål.

Floor 6: formats result records of :mod:`omdomme.analysis`; computes nothing.
"""
