"""The one exception hierarchy of omdomme.

Every error a user can cause derives from :class:`OmdommeError`. Its message says what was
expected, what was found, and how to fix it; the CLI turns it into one line and an exit
code (``InputError`` and ``UsageError``: 2, ``AnalysisError``: 1) without a traceback.
"""

from __future__ import annotations


class OmdommeError(Exception):
    """Base class of every error omdomme raises on purpose."""

    exit_code = 1


class InputError(OmdommeError):
    """Bad input: a file, a definition, a variable or a value that cannot be used (exit 2)."""

    exit_code = 2


class ReadError(InputError):
    """A data file cannot be read: corrupt, truncated, encrypted, misnamed, wrong encoding."""


class DefinitionError(InputError):
    """A round definition (``surveys/<round>/<survey>.toml``) is wrong or disagrees with the data."""


class GeographyError(InputError):
    """A municipality or county code that cannot be placed in one of the Oslofjord counties."""


class DesignError(InputError):
    """A survey design that cannot be used: bad weights, lonely PSUs under ``fail``, ..."""


class WeightingError(InputError):
    """Raking or post-stratification cannot be done: empty category, inconsistent margins, no convergence."""


class UsageError(InputError):
    """A call that asks for something that does not exist (unknown round, unanalysed round, ...)."""


class AnalysisError(OmdommeError):
    """An analysis-level failure that is not the input's fault (exit 1)."""


class OmdommeWarning(UserWarning):
    """Base class of omdomme's warnings: flagged, explained results (empty domain, p = 0, df <= 0)."""


class EstimationWarning(OmdommeWarning):
    """An estimate was computed but is flagged (NaN or defined-by-convention interval)."""
