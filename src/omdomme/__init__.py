"""omdomme: survey microdata to honest numbers and reports.

The public surface is small; the work is done in private one-concern modules:

- :func:`read` (``omdomme.io``): SPSS (``.sav``, ``.zsav``, ``.por``) and CSV with labels and
  user-missing ("vet ikke") codes intact, returning ``(polars.DataFrame, Metadata)``.
- :class:`Survey` (``omdomme.estimate.survey``): the design and its estimators (mean, total,
  proportion, ratio) with design-based intervals that agree with R's ``survey``.
- geography, definitions, analysis, reports: see ``docs/architecture.md``.

Heavy modules (plotnine, nbclient) are imported only where used, so that ``import omdomme``
and ``omdomme --help`` start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omdomme._meta import __version__
from omdomme.errors import (
    AnalysisError,
    DefinitionError,
    DesignError,
    EstimationWarning,
    GeographyError,
    InputError,
    OmdommeError,
    OmdommeWarning,
    ReadError,
    UsageError,
    WeightingError,
)

__all__ = [
    "AnalysisError",
    "DefinitionError",
    "DesignError",
    "EstimationWarning",
    "GeographyError",
    "InputError",
    "Metadata",
    "OmdommeError",
    "OmdommeWarning",
    "ReadError",
    "Survey",
    "UsageError",
    "VariableInfo",
    "WeightingError",
    "__version__",
    "read",
]

if TYPE_CHECKING:
    from omdomme.estimate.survey import Survey
    from omdomme.io import Metadata, VariableInfo, read

_LAZY = {
    "read": "omdomme.io",
    "Metadata": "omdomme.io",
    "VariableInfo": "omdomme.io",
    "Survey": "omdomme.estimate.survey",
}


def __getattr__(name: str) -> Any:
    # Lazy so that `omdomme --help` does not pay for pyreadstat/scipy at start-up.
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'omdomme' has no attribute {name!r}")
