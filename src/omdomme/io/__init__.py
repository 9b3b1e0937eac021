"""Reading vendor files: SPSS (``.sav``, ``.zsav``, ``.por``) and CSV, labels and user-missing
codes intact, and the codebook of a file.

Floor 2: imports only ``omdomme.errors`` (and pyreadstat, lazily, where a file is read).

- :func:`read` returns ``(polars.DataFrame, Metadata)``; user-missing codes («vet ikke») stay
  values, only system-missing is null.
- :class:`Metadata`, :class:`VariableInfo`: the project's own frozen record of a file's
  variables, made where the file is read.
- :mod:`omdomme.io.codebook`: ``omdomme codebook FILE`` as text or JSON.
"""

from omdomme.io._read import Metadata, VariableInfo, read

__all__ = ["Metadata", "VariableInfo", "read"]
