"""omdomme: survey microdata to honest numbers and reports.

The public surface is small and loaded lazily (``import omdomme`` and ``omdomme --help`` stay
fast); the work is done in the layer packages below it (docs/architecture.md):

- reading: :func:`read` → ``(polars.DataFrame, Metadata)``, SPSS and CSV with labels and
  user-missing («vet ikke») codes intact (:mod:`omdomme.io`);
- definitions: :func:`load_definition` (:mod:`omdomme.definitions`);
- estimation: :class:`Survey`, :func:`rake`, :func:`poststratify` (:mod:`omdomme.estimate`),
  agreeing with R's ``survey``;
- analyses: :func:`analyse_round`, :func:`compare_rounds`, :func:`trend`, :func:`weight_round`,
  :func:`validate_round` (:mod:`omdomme.analysis`);
- outputs: :func:`write_analysis`, :func:`load_round` (:mod:`omdomme.results`);
- reports: :func:`render_report` (:mod:`omdomme.report`).

Example
-------
>>> import omdomme
>>> omdomme.analyse_round.__module__
'omdomme.analysis.reputation'
"""

from __future__ import annotations

import importlib
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

if TYPE_CHECKING:
    from omdomme.analysis.reputation import analyse_round
    from omdomme.analysis.rounds import compare_rounds
    from omdomme.analysis.trend import trend
    from omdomme.analysis.validate import validate_round
    from omdomme.analysis.weighting import weight_round
    from omdomme.definitions import load_definition
    from omdomme.estimate.survey import Survey
    from omdomme.estimate.weighting import poststratify, rake
    from omdomme.io import Metadata, VariableInfo, read
    from omdomme.report import render_report
    from omdomme.results.read import load_round
    from omdomme.results.write import write_analysis

#: public name -> the module that holds it (imported on first use).
_LAZY = {
    "read": "omdomme.io",
    "Metadata": "omdomme.io",
    "VariableInfo": "omdomme.io",
    "load_definition": "omdomme.definitions",
    "Survey": "omdomme.estimate.survey",
    "rake": "omdomme.estimate.weighting",
    "poststratify": "omdomme.estimate.weighting",
    "analyse_round": "omdomme.analysis.reputation",
    "compare_rounds": "omdomme.analysis.rounds",
    "trend": "omdomme.analysis.trend",
    "weight_round": "omdomme.analysis.weighting",
    "validate_round": "omdomme.analysis.validate",
    "write_analysis": "omdomme.results.write",
    "load_round": "omdomme.results.read",
    "render_report": "omdomme.report",
}

__all__ = [
    "AnalysisError",
    "DefinitionError",
    "DesignError",
    "EstimationWarning",
    "GeographyError",
    "InputError",
    "OmdommeError",
    "OmdommeWarning",
    "ReadError",
    "UsageError",
    "WeightingError",
    "__version__",
    "read",
    "Metadata",
    "VariableInfo",
    "load_definition",
    "Survey",
    "rake",
    "poststratify",
    "analyse_round",
    "compare_rounds",
    "trend",
    "weight_round",
    "validate_round",
    "write_analysis",
    "load_round",
    "render_report",
]


def __getattr__(name: str) -> Any:
    # Lazy so that `omdomme --help` does not pay for pyreadstat/scipy at start-up.
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'omdomme' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
