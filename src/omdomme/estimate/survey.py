"""The survey design and its estimators: :class:`Survey`.

A :class:`Survey` is built once from a data frame and the names of its design columns
(weights, strata, PSU, fpc), validated at construction. Its estimators — :meth:`Survey.mean`,
:meth:`Survey.total`, :meth:`Survey.proportion`, :meth:`Survey.ratio` — compute every
group and every variable of a call in one vectorised pass and return a tidy
``polars.DataFrame`` (one row per variable × group) whose numbers agree with R's ``survey``
package (Taylor linearisation, with-replacement first stage, fpc, R's lonely-PSU options,
R's ``deff``, ``svyciprop``'s interval methods). With ``vcov=True`` they also return the
design covariance of the estimates, for paired comparisons and ranks.

Domains (``by=``) are subsets of the design, never of the data: rows outside a domain keep
their PSU and stratum and contribute zero. Rows whose analysed value is null — or, with
``meta=``, a user-missing code such as 9 "vet ikke" — leave that estimate's domain (R's
``na.rm = TRUE``; SPSS's rule for user-missing values) and are counted in ``n_excluded``.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast, overload

import numpy as np
import polars as pl

from omdomme.errors import DesignError, EstimationWarning, InputError
from omdomme.estimate.intervals import PROPORTION_METHODS, proportion_interval, t_interval
from omdomme.estimate.variance import (
    PsuStructure,
    covariance_from_psu_totals,
    psu_totals,
    variance_from_psu_totals,
)


class VariableCodes(Protocol):
    """What the estimators need to know of a variable: its user-missing codes."""

    @property
    def missing_values(self) -> tuple[Any, ...]: ...
    @property
    def missing_ranges(self) -> tuple[tuple[float, float], ...]: ...
    def missing_expr(self) -> pl.Expr: ...


class Metadata(Protocol):
    """What the estimators need of a file's metadata (:class:`omdomme.Metadata` has it).

    A protocol, so that estimation does not depend on the readers: any object with a
    ``file`` name, ``name in meta`` and ``meta[name]`` giving :class:`VariableCodes` will do.
    """

    @property
    def file(self) -> str: ...
    def __contains__(self, name: object) -> bool: ...
    def __getitem__(self, name: str) -> VariableCodes: ...

__all__ = ["DesignSpec", "Survey"]

LONELY_PSU = ("fail", "remove", "adjust", "average")
DF_ROWS = ("group", "valid")
RESULT_COLUMNS = (
    "variable",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "level",
    "df",
    "deff",
    "n",
    "eff_n",
    "cv",
    "method",
    "n_excluded",
    "flag",
    "note",
)

VarSpec = str | pl.Expr


@dataclass(frozen=True)
class DesignSpec:
    """The design as column names (``None`` where the design has no such column).

    Attributes
    ----------
    weights, strata, psu, fpc : str or None
        Column names in :attr:`Survey.data`.
    lonely_psu : str
        ``fail``, ``remove``, ``adjust`` or ``average`` (R's ``survey.lonely.psu``).
    """

    weights: str | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    lonely_psu: str = "fail"


@dataclass(frozen=True, eq=False)
class _Target:
    """One analysed variable, resolved to arrays (rows in data order)."""

    name: str
    y: np.ndarray  # float; anything where not valid
    valid: np.ndarray  # bool: in this estimate's domain of valid values
    user_missing: np.ndarray  # bool: excluded because of a user-missing code
    codes: str  # the user-missing codes, for the note ("9", "8, 9", ...)
    x: np.ndarray | None = None  # ratio denominator


def _suggest(name: str, columns: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(columns), n=3, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    return (
        f"; the data has {len(columns)} columns: "
        + ", ".join(list(columns)[:12])
        + (", ..." if len(columns) > 12 else "")
    )


def _row_list(mask: np.ndarray, limit: int = 5) -> str:
    # data row numbers as a spreadsheet or SPSS shows them: the first data row is 1
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(int(r) + 1) for r in rows[:limit])
    return (
        ("data row " if rows.size == 1 else "data rows ")
        + shown
        + (", ..." if rows.size > limit else "")
    )


def _expr_name(expr: pl.Expr) -> str:
    # polars prints [(col("q")) == (dyn int: 9)]; a result table wants col("q") == 9
    text = str(expr)
    for junk in ("dyn int: ", "dyn float: ", "dyn str: "):
        text = text.replace(junk, "")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    # drop the parentheses around a column or a literal, but not a call's own: col("q")
    return re.sub(r"(?<![\w\]])\((col\(\"[^\"]*\"\)|\"[^\"]*\"|-?[\d.]+)\)", r"\1", text)


def _dense_codes(s: pl.Series) -> tuple[np.ndarray, int]:
    """Codes ``0 .. m-1`` of a column's values in sorted order, null last, and ``m``.

    O(n) for integers with a moderate range and for strings (via the categorical codes);
    a sort otherwise. Much faster than polars' ``rank`` on a million rows.
    """
    n = s.len()
    nulls = s.is_null().to_numpy() if s.null_count() else None
    if s.dtype == pl.Boolean:
        s = s.cast(pl.Int8)
    elif isinstance(s.dtype, pl.Enum):
        s = s.to_physical()  # an Enum sorts in the order of its categories
    if s.dtype.is_integer():
        v = s.fill_null(s.min() if s.null_count() < n else 0).to_numpy().astype(np.int64)
        lo = int(v.min())
        size = int(v.max()) - lo + 1
        if size <= 4 * n + 1024:
            raw = v - lo
            present = np.bincount(raw if nulls is None else raw[~nulls], minlength=size) > 0
            codes = (np.cumsum(present) - 1)[raw]
            m = int(present.sum())
        else:
            keep = v if nulls is None else v[~nulls]
            uniq = np.unique(keep)
            codes = np.searchsorted(uniq, v)
            m = int(uniq.size)
    elif s.dtype in (pl.String, pl.Categorical):
        phys = s.cast(pl.Categorical).to_physical().fill_null(0).to_numpy().astype(np.int64)
        size = int(phys.max()) + 1
        present = np.bincount(phys if nulls is None else phys[~nulls], minlength=size) > 0
        first = np.empty(size, dtype=np.int64)
        # one row per code (which one does not matter: same label), never a null row
        rows = np.arange(n) if nulls is None else np.flatnonzero(~nulls)
        first[phys[rows]] = rows
        ids = np.flatnonzero(present)
        labels = s.gather(first[ids]).cast(pl.String)
        rank = np.empty(size, dtype=np.int64)
        rank[ids[labels.arg_sort().to_numpy()]] = np.arange(ids.size)
        codes = rank[phys]
        m = int(ids.size)
    else:
        ranked = s.rank("dense").to_numpy()
        codes = (
            np.where(np.isnan(ranked), 0, ranked).astype(np.int64) - 1
            if nulls is not None
            else ranked.astype(np.int64) - 1
        )
        m = int(codes.max()) + 1 if n else 0
    if nulls is not None:
        codes = np.where(nulls, m, codes)
        m += 1
    return codes.astype(np.int64), m


def _combined_codes(columns: list[pl.Series]) -> tuple[np.ndarray, int]:
    """Dense codes of the combinations of several columns, in lexicographic sorted order."""
    key, size = _dense_codes(columns[0])
    for s in columns[1:]:
        c, m = _dense_codes(s)
        if size * m >= 2**62:
            uniq, inverse = np.unique(key, return_inverse=True)  # renumber before overflow
            key, size = inverse.astype(np.int64).ravel(), int(uniq.size)
        key = key * m + c
        size = size * m
    if size <= 4 * key.size + 1024:
        present = np.bincount(key, minlength=size) > 0
        return (np.cumsum(present) - 1)[key], int(present.sum())
    uniq, inverse = np.unique(key, return_inverse=True)
    return inverse.astype(np.int64), int(uniq.size)


class _Cells:
    """The (PSU, group) cells of an estimation call, flat: dense ``P × G`` or only the non-empty.

    Dense while ``P × G`` is moderate (it is in any clustered design); when it is not (a
    large sample without clusters, many groups), only the cells that have rows are kept,
    so memory stays proportional to the rows.
    """

    # dense while P x G <= max(dense_factor * n, dense_limit)
    dense_factor = 4
    dense_limit = 2_000_000

    def __init__(self, key: np.ndarray, n_psus: int, n_groups: int) -> None:
        size = n_psus * n_groups
        self.dense = size <= max(self.dense_factor * key.size, self.dense_limit)
        if self.dense:
            self.index = key
            self.size = size
            flat = np.arange(size)
        else:
            flat, self.index = np.unique(key, return_inverse=True)
            self.size = int(flat.size)
        self.psu = flat // n_groups
        self.group = flat % n_groups
        self.n_groups = n_groups

    def sum(self, values: np.ndarray | None = None) -> np.ndarray:
        """Sum of a per-row array within each cell."""
        return np.bincount(self.index, values, self.size)

    def by_group(self, cell_values: np.ndarray) -> np.ndarray:
        """Sum of a per-cell array within each group."""
        return np.bincount(self.group, cell_values, self.n_groups)


EstimatorKind = Literal["mean", "total", "ratio", "proportion"]
DfRows = Literal["group", "valid"]
LonelyPsu = Literal["fail", "remove", "adjust", "average"]


def _check_options(level: float, df_rows: str) -> None:
    if not 0 < level < 1:
        raise InputError(f"level={level!r} must be between 0 and 1, e.g. 0.95")
    if df_rows not in DF_ROWS:
        raise InputError(
            f"df_rows={df_rows!r} is not 'group' (the df of every row of the by group, as "
            "R's na.rm=TRUE) or 'valid' (the df of the group's rows with a valid value, "
            "for a domain coded as null outside it)"
        )


@dataclass(frozen=True, eq=False)
class _Accumulated:
    """What one pass over the rows gives: per target × group, in target-major order."""

    est: np.ndarray
    df: np.ndarray
    stats: dict[str, np.ndarray]  # n, nobs, excl, um, rows, S2, W
    likelihood: dict[str, np.ndarray] | None  # sw, phi (method="likelihood" only)
    totals: Any  # PSU totals of the scores: P x K ndarray or scipy sparse matrix


@dataclass(frozen=True, eq=False)
class _Estimates:
    """Everything the result frame is made of: named, so that no two arrays can swap places."""

    kind: EstimatorKind
    targets: list[_Target]
    groups: pl.DataFrame | None
    n_groups: int
    est: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    level: float
    df: np.ndarray
    deff: np.ndarray
    eff_n: np.ndarray
    cv: np.ndarray
    method: str
    stats: dict[str, np.ndarray]
    df_rows: DfRows


class Survey:
    """A survey design and its design-based estimators (R ``survey``'s ``svydesign``).

    Parameters
    ----------
    data : polars.DataFrame
        One row per respondent (or per respondent × rated county in long format).
    weights : str, optional
        Sampling weight column (positive or zero, finite, no nulls). Default: all 1.
    strata : str, optional
        Stratum column. Default: one stratum.
    psu : str, optional
        Primary sampling unit (cluster) column; PSUs are nested in strata. Default: each row
        is its own PSU. In long format (a respondent rates several counties) use the
        respondent id, so that estimates for different counties get their covariance.
    fpc : str, optional
        Finite population correction per stratum: the population number of PSUs, or the
        sampling fraction when every value is ``<= 1`` (as R's ``svydesign``).
    lonely_psu : {"fail", "remove", "adjust", "average"}
        What to do with a stratum that has one PSU (R's ``options(survey.lonely.psu)``).
    meta : omdomme.Metadata, optional
        Metadata from :func:`omdomme.read`; its user-missing codes ("vet ikke" 9, …) are
        excluded from means, totals, ratios and shares of valid answers.

    Raises
    ------
    DesignError
        Unknown columns, null/negative/non-finite weights, null strata or PSUs, fpc not
        constant within a stratum or smaller than the number of PSUs, a lonely PSU under
        ``lonely_psu="fail"``.

    Notes
    -----
    - Variance: Taylor linearisation, with replacement at the first stage, fpc per stratum,
      lonely PSUs as R (see :mod:`omdomme.estimate.variance`).
    - ``df``: PSUs minus strata of the whole design (non-zero weights) without ``by``; with
      ``by``, the group's own PSUs minus its strata (R's ``degf`` of the domain, as
      ``svyciprop`` inside ``svyby``). The same df is used for every variable of a group:
      rows left out for a null value do not change it (as R's ``na.rm = TRUE``). For the
      df of a domain coded as nulls outside it, put the domain in ``by`` or pass
      ``df_rows="valid"`` (the df of each variable's valid rows in the group).
    - ``deff``: R's ``deff=TRUE`` (SRS without replacement, ``N`` estimated by the weights)
      when the design has an fpc; R's ``deff="replace"`` (SRS with replacement) when it has
      none, so that weights scaled to the sample size still give a design effect.
      ``eff_n = n / deff``.
    - PSU ids are nested in strata (R's ``nest=TRUE``): PSU 1 of two strata are two PSUs.
    - Null values of a ``by`` column form their own group (sorted last); R drops them.

    Examples
    --------
    >>> df = pl.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 2.0, 2.0],
    ...                    "h": ["a", "a", "b", "b"]})
    >>> s = Survey(df, weights="w", strata="h")
    >>> s.mean("y")["estimate"].to_list()
    [2.8333333333333335]
    >>> s.degf
    2
    """

    def __init__(
        self,
        data: pl.DataFrame,
        *,
        weights: str | None = None,
        strata: str | None = None,
        psu: str | None = None,
        fpc: str | None = None,
        lonely_psu: str = "fail",
        meta: Metadata | None = None,
    ) -> None:
        if isinstance(data, pl.LazyFrame):
            data = data.collect()
        if not isinstance(data, pl.DataFrame):
            raise DesignError(
                f"Survey needs a polars DataFrame, got {type(data).__name__}; "
                "convert with polars.from_pandas(...) or read the file with omdomme.read"
            )
        if lonely_psu not in LONELY_PSU:
            raise DesignError(
                f"lonely_psu={lonely_psu!r} is not one of {', '.join(LONELY_PSU)} "
                "(R's survey.lonely.psu options)"
            )
        # errors name the data file when the metadata says which one it is
        file = getattr(meta, "file", None)
        self._in_file = f" in {file}" if file else ""
        for role, col in (("weights", weights), ("strata", strata), ("psu", psu), ("fpc", fpc)):
            if col is not None and col not in data.columns:
                raise DesignError(
                    f"design column {role}={col!r} is not in the data{self._in_file}"
                    f"{_suggest(col, data.columns)}"
                )
        if data.height == 0:
            raise DesignError(
                f"the data{self._in_file} have no rows; a design needs at least one respondent"
            )
        self._data = data
        self._design = DesignSpec(weights, strata, psu, fpc, lonely_psu)
        self._meta = meta
        self._calibration: Any = None
        self._diagnostics: Any = None
        self._group_cache: dict[tuple[str, ...], tuple[np.ndarray, int, pl.DataFrame]] = {}
        self._w = self._read_weights()
        self._stratum, self._structure, self._has_fpc = self._build_structure()
        self._degf = self._compute_degf(self._w)

    # -- construction ---------------------------------------------------------------------

    def _read_weights(self) -> np.ndarray:
        col = self._design.weights
        if col is None:
            return np.ones(self._data.height)
        s = self._data[col]
        if not (s.dtype.is_numeric() or s.dtype == pl.Boolean):
            raise DesignError(
                f"weights column `{col}`{self._in_file} has type {s.dtype}; weights must be numbers "
                "(convert it, e.g. pl.col(...).cast(pl.Float64))"
            )
        w = s.cast(pl.Float64).to_numpy()
        checks = (
            (np.isnan(w) & s.is_null().to_numpy(), "null"),
            (np.isnan(w) & ~s.is_null().to_numpy(), "NaN"),
            (np.isinf(w), "infinite"),
            (w < 0, "negative"),
        )
        for mask, what in checks:
            if mask.any():
                raise DesignError(
                    f"weights column `{col}`{self._in_file} has {int(mask.sum())} {what} value(s) "
                    f"({_row_list(mask)}); every weight must be a finite number >= 0: "
                    "fix the weights or drop those respondents before building the Survey"
                )
        if not (w > 0).any():
            raise DesignError(
                f"weights column `{col}`{self._in_file} is zero on every row; nothing to estimate"
            )
        return w

    def _codes(self, cols: list[str]) -> np.ndarray:
        # Dense 0-based codes in sorted order of the key columns (a PSU id repeated in two
        # strata gives two PSUs, because the stratum is part of the key: PSUs are nested).
        return _combined_codes([self._data[c] for c in cols])[0]

    def _build_structure(self) -> tuple[np.ndarray, PsuStructure, bool]:
        d, n = self._design, self._data.height
        for role, col in (("strata", d.strata), ("psu", d.psu)):
            if col is not None:
                nulls = self._data[col].is_null().to_numpy()
                if nulls.any():
                    raise DesignError(
                        f"{role} column `{col}`{self._in_file} is empty on {int(nulls.sum())} row(s) "
                        f"({_row_list(nulls)}); every respondent needs a {role} value"
                    )
        stratum = np.zeros(n, dtype=np.int64) if d.strata is None else self._codes([d.strata])
        if d.psu is None:
            order = np.argsort(stratum, kind="stable")
            psu = np.empty(n, dtype=np.int64)
            psu[order] = np.arange(n)
        else:
            cols = [d.psu] if d.strata is None else [d.strata, d.psu]
            psu = self._codes(cols)
        n_psus = int(psu.max()) + 1
        psu_stratum = np.zeros(n_psus, dtype=np.int64)
        psu_stratum[psu] = stratum
        n_strata = int(stratum.max()) + 1
        n_psu = np.bincount(psu_stratum, minlength=n_strata)
        fpc_factor, has_fpc = self._fpc_factor(stratum, n_psu)
        if d.lonely_psu == "fail":
            lonely = (n_psu == 1) & (fpc_factor >= 1e-7)
            if lonely.any():
                names = self._stratum_names(stratum, np.flatnonzero(lonely))
                raise DesignError(
                    f"{int(lonely.sum())} stratum/strata of `{d.strata}` have only one PSU "
                    f"({names}); the variance cannot be estimated there. Merge the stratum "
                    "with a similar one, or choose lonely_psu='adjust', 'average' or 'remove'"
                )
        structure = PsuStructure(psu, psu_stratum, n_psu, fpc_factor, d.lonely_psu)
        return stratum, structure, has_fpc

    def _stratum_names(self, stratum: np.ndarray, codes: np.ndarray, limit: int = 5) -> str:
        col = self._design.strata
        if col is None:
            return "the whole sample"
        first = np.unique(stratum, return_index=True)[1]
        values = self._data[col].gather(first[codes[:limit]]).to_list()
        text = ", ".join(f"{col}={v!r}" for v in values)
        return text + (", ..." if codes.size > limit else "")

    def _fpc_factor(self, stratum: np.ndarray, n_psu: np.ndarray) -> tuple[np.ndarray, bool]:
        col = self._design.fpc
        n_strata = n_psu.shape[0]
        if col is None:
            return np.ones(n_strata), False
        s = self._data[col]
        if not s.dtype.is_numeric():
            raise DesignError(
                f"fpc column `{col}`{self._in_file} has type {s.dtype}; it must be numeric"
            )
        f = s.cast(pl.Float64).to_numpy()
        bad = ~np.isfinite(f) | (f <= 0)
        if bad.any():
            raise DesignError(
                f"fpc column `{col}`{self._in_file} has {int(bad.sum())} empty, non-finite or non-positive "
                f"value(s) ({_row_list(bad)}); give the population size or the sampling "
                "fraction of the stratum on every row"
            )
        lo = np.full(n_strata, np.inf)
        hi = np.full(n_strata, -np.inf)
        np.minimum.at(lo, stratum, f)
        np.maximum.at(hi, stratum, f)
        varying = hi - lo > 1e-9 * np.maximum(np.abs(hi), 1.0)
        if varying.any():
            names = self._stratum_names(stratum, np.flatnonzero(varying))
            raise DesignError(
                f"fpc column `{col}`{self._in_file} is not constant within stratum ({names}); the fpc is a "
                "property of the stratum: one population size (or sampling fraction) per stratum"
            )
        if (lo <= 1).all():
            pop = n_psu / lo  # sampling fractions, as R's as.fpc
        elif (lo <= 1).any():
            raise DesignError(
                f"fpc column `{col}`{self._in_file} mixes sampling fractions (<= 1) and population sizes "
                "(> 1); use one or the other for every stratum"
            )
        else:
            pop = lo
        small = pop < n_psu - 1e-9
        if small.any():
            names = self._stratum_names(stratum, np.flatnonzero(small))
            raise DesignError(
                f"fpc column `{col}`{self._in_file} gives a population smaller than the number of sampled "
                f"PSUs in {names}; the fpc must be the population number of PSUs in the "
                "stratum (or the sampling fraction)"
            )
        return (pop - n_psu) / pop, True

    def _compute_degf(self, w: np.ndarray) -> int:
        inset = w != 0
        st = self._structure
        psus = np.count_nonzero(np.bincount(st.psu_code[inset], minlength=st.n_psus))
        strata = np.count_nonzero(np.bincount(self._stratum[inset], minlength=st.n_strata))
        return int(psus - strata)

    # -- public attributes ----------------------------------------------------------------

    @property
    def data(self) -> pl.DataFrame:
        """The data the design was built on (unchanged)."""
        return self._data

    @property
    def weights(self) -> pl.Series:
        """The final weights, in row order (after raking, the raked weights)."""
        return pl.Series(self._design.weights or "weights", self._w)

    @property
    def degf(self) -> int:
        """Design degrees of freedom: PSUs minus strata, counting non-zero weights (R's ``degf``)."""
        return self._degf

    @property
    def design(self) -> DesignSpec:
        """The design's column names and lonely-PSU policy."""
        return self._design

    @property
    def meta(self) -> Metadata | None:
        """The metadata given at construction (user-missing codes), or None."""
        return self._meta

    @property
    def weighting(self) -> Any:
        """Diagnostics of the raking/post-stratification that made these weights, or None."""
        return self._diagnostics

    def __repr__(self) -> str:
        d = self._design
        parts = [f"{self._data.height} rows"]
        parts.append(f"{self._structure.n_strata} strata ({d.strata})" if d.strata else "no strata")
        parts.append(f"{self._structure.n_psus} PSUs" + (f" ({d.psu})" if d.psu else " (rows)"))
        parts.append(
            f"weights {d.weights!r} (sum {self._w.sum():.6g})" if d.weights else "equal weights"
        )
        if d.fpc:
            parts.append(f"fpc {d.fpc!r}")
        parts.append(f"df {self._degf}")
        parts.append(f"lonely_psu={d.lonely_psu!r}")
        if self._calibration is not None:
            parts.append("calibrated")
        return "Survey(" + ", ".join(parts) + ")"

    # -- weighting hooks ------------------------------------------------------------------

    def _with_weights(
        self, weights: np.ndarray, calibration: object | None, diagnostics: object | None = None
    ) -> Survey:
        """The same design with new final weights (and the calibration for the variance).

        ``calibration``, when not None, has ``adjust(scores) -> scores``: it maps the ``n × k``
        matrix of weighted linearised scores (rows in data order) to the calibrated ones
        (R's ``calibrate()``: weighted-regression residuals on the calibration variables).
        """
        w = np.asarray(weights, dtype=float)
        if w.shape != (self._data.height,):
            raise DesignError(
                f"new weights have shape {w.shape}; expected one per row ({self._data.height})"
            )
        if not np.isfinite(w).all() or (w < 0).any():
            bad = ~np.isfinite(w) | (w < 0)
            raise DesignError(
                f"new weights have {int(bad.sum())} negative or non-finite value(s) "
                f"({_row_list(bad)})"
            )
        new = object.__new__(Survey)
        new.__dict__.update(self.__dict__)
        new._w = w
        new._calibration = calibration
        new._diagnostics = diagnostics
        new._degf = self._compute_degf(w)
        return new

    def rake(self, margins: Any, **kwargs: Any) -> Survey:
        """Rake the weights to population margins; see :func:`omdomme.estimate.weighting.rake`."""
        from omdomme.estimate.weighting import rake

        return rake(self, margins, **kwargs)

    def poststratify(self, *args: Any, **kwargs: Any) -> Survey:
        """Post-stratify the weights; see :func:`omdomme.estimate.weighting.poststratify`."""
        from omdomme.estimate.weighting import poststratify

        return poststratify(self, *args, **kwargs)

    # -- resolving variables --------------------------------------------------------------

    def _check_columns(self, names: Sequence[str], what: str) -> None:
        for name in names:
            if name not in self._data.columns:
                raise InputError(
                    f"{what} `{name}` is not in the data{self._in_file}"
                    f"{_suggest(name, self._data.columns)}"
                )

    def _user_missing(self, names: Sequence[str]) -> tuple[np.ndarray, str]:
        mask = np.zeros(self._data.height, dtype=bool)
        codes: list[str] = []
        if self._meta is None:
            return mask, ""
        exprs = []
        for name in names:
            if name not in self._meta:
                continue
            info = self._meta[name]
            if not (info.missing_values or info.missing_ranges):
                continue
            exprs.append(info.missing_expr().alias(name))
            codes += [f"{v:g}" if isinstance(v, float) else str(v) for v in info.missing_values]
            codes += [f"{lo:g}–{hi:g}" for lo, hi in info.missing_ranges]
        if exprs:
            frame = self._data.select(exprs)
            mask = np.logical_or.reduce([frame[c].to_numpy() for c in frame.columns])
        return mask, ", ".join(dict.fromkeys(codes))

    def _parse_specs(self, spec: Any, what: str) -> list[tuple[str, pl.Expr]]:
        if isinstance(spec, (str, pl.Expr)):
            items: list[tuple[str | None, Any]] = [(None, spec)]
        elif isinstance(spec, Mapping):
            items = list(spec.items())
        elif isinstance(spec, Sequence):
            items = [(None, s) for s in spec]
        else:
            raise InputError(
                f"{what} must be a column name, a polars expression, a list of them or a "
                f"dict name -> expression; got {type(spec).__name__}"
            )
        if not items:
            raise InputError(f"no {what} given")
        out = []
        for name, item in items:
            if isinstance(item, str):
                out.append((name or item, pl.col(item)))
            elif isinstance(item, pl.Expr):
                out.append((name or _expr_name(item), item))
            else:
                raise InputError(
                    f"{what} {item!r} is neither a column name nor a polars expression"
                )
        return out

    def _evaluate(self, expr: pl.Expr, what: str) -> tuple[pl.Series, list[str]]:
        roots = expr.meta.root_names()
        self._check_columns(roots, what)
        try:
            values = self._data.select(expr.alias("__v"))["__v"]
        except pl.exceptions.PolarsError as exc:
            raise InputError(
                f"{what} {_expr_name(expr)} cannot be evaluated on the data: {exc}"
            ) from exc
        if values.len() != self._data.height:
            raise InputError(
                f"{what} {_expr_name(expr)} gives {values.len()} values, not one per row "
                f"({self._data.height}); use a row-wise expression"
            )
        return values, roots

    def _numeric_targets(self, spec: Any, what: str) -> list[_Target]:
        targets = []
        for name, expr in self._parse_specs(spec, what):
            values, roots = self._evaluate(expr, what)
            if not (values.dtype.is_numeric() or values.dtype == pl.Boolean):
                raise InputError(
                    f"{what} `{name}`{self._in_file} has type {values.dtype}; a mean, total or ratio needs "
                    "numbers (for a share of answers use Survey.proportion)"
                )
            y = values.cast(pl.Float64).to_numpy()
            um, codes = self._user_missing(roots)
            valid = np.isfinite(y) & ~um
            targets.append(_Target(name, y, valid, um & np.isfinite(y), codes))
        return targets

    def _proportion_targets(self, spec: Any, base: str) -> list[_Target]:
        if base not in ("valid", "all"):
            raise InputError(
                f"base={base!r} is not 'valid' (share of valid answers, user-missing codes "
                "excluded) or 'all' (share of every respondent with a value, codes included)"
            )
        targets = []
        for name, expr in self._parse_specs(spec, "proportion variable"):
            values, roots = self._evaluate(expr, "proportion variable")
            if values.dtype == pl.Boolean or values.dtype.is_numeric():
                y = values.cast(pl.Float64).to_numpy()
            else:
                raise InputError(
                    f"proportion variable `{name}`{self._in_file} has type {values.dtype}; give a boolean "
                    f"expression such as pl.col({name!r}) == 'Ja', or a 0/1 column"
                )
            present = np.isfinite(y)
            um, codes = self._user_missing(roots)
            any_um = bool(codes) and bool(um.any())
            valid = present & ~um if base == "valid" and any_um else present
            # A boolean, or integers within [0, 1] everywhere, needs no row-wise check.
            binary = values.dtype == pl.Boolean or (
                values.dtype.is_integer()
                and not any_um
                and (
                    values.null_count() == values.len()
                    or (cast(float, values.min()) >= 0 and cast(float, values.max()) <= 1)
                )
            )
            odd = np.zeros(0, dtype=bool) if binary else valid & (y != 0) & (y != 1)
            if odd.any():
                shown = ", ".join(f"{v:g}" for v in np.unique(y[odd])[:5])
                raise InputError(
                    f"proportion variable `{name}`{self._in_file} has values other than 0/1 ({shown}; "
                    f"{_row_list(odd)}); give a boolean expression that says which answers "
                    f"count, e.g. pl.col({name!r}).is_in([4, 5])"
                )
            if base == "valid" and codes:
                on_missing = present & um & (y == 1)
                if on_missing.any() and not (valid & (y == 1)).any():
                    raise InputError(
                        f"proportion `{name}` selects only user-missing codes ({codes}) of "
                        f"{', '.join(f'`{r}`' for r in roots)}, which the default base='valid' "
                        "excludes, so the share would be 0 by construction. For the share of "
                        "all respondents giving that answer (e.g. 'vet ikke') ask "
                        "base='all': s.proportion(expr, base='all')"
                    )
            excluded_um = um & present if base == "valid" and any_um else np.zeros_like(present)
            targets.append(_Target(name, y, valid, excluded_um, codes))
        return targets

    def _groups(
        self, by: str | Sequence[str] | None
    ) -> tuple[np.ndarray, int, pl.DataFrame | None]:
        n = self._data.height
        if by is None:
            return np.zeros(n, dtype=np.int64), 1, None
        cols = [by] if isinstance(by, str) else list(by)
        if not cols:
            return np.zeros(n, dtype=np.int64), 1, None
        self._check_columns(cols, "by column")
        cache_key = tuple(cols)
        if cache_key in self._group_cache:
            return self._group_cache[cache_key]
        gid, n_groups = _combined_codes([self._data[c] for c in cols])
        first = np.empty(n_groups, dtype=np.int64)
        first[gid] = np.arange(n)  # one row per group (any: they share the by values)
        result = (gid, n_groups, self._data.select(cols)[first])
        # The data never change, so the codes of a grouping can be reused by every later
        # call (an analysis asks many indicators by the same domains); keep a few.
        if len(self._group_cache) >= 8:
            self._group_cache.pop(next(iter(self._group_cache)))
        self._group_cache[cache_key] = result
        return result

    # -- the engine -----------------------------------------------------------------------

    def _estimate(
        self,
        kind: EstimatorKind,
        targets: list[_Target],
        by: str | Sequence[str] | None,
        level: float,
        vcov: bool,
        method: str = "wald_t",
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]:
        """Every estimator: scores per (PSU, group) cell, their covariance, intervals, a frame."""
        _check_options(level, df_rows)
        gid, G, groups = self._groups(by)
        acc = self._accumulate(kind, targets, gid, G, method=method, valid_df=df_rows == "valid")
        # Without vcov only the variances are needed: for k estimates their diagonal costs P k
        # instead of the product's P k² (the same values up to the summation's rounding). An
        # analysis makes hundreds of calls with k in the tens to hundreds and P in the thousands.
        cov = self._covariance(acc, gid, G, len(targets), diagonal=not vcov)
        se = np.sqrt(np.clip(cov if cov.ndim == 1 else np.diag(cov), 0, None))
        deff, eff_n, cv = self._design_effects(kind, acc, se)
        if kind == "proportion":
            lik = acc.likelihood
            lo, hi = proportion_interval(
                method,
                acc.est,
                se,
                acc.df,
                level,
                n=acc.stats["n"],
                n_rows=acc.stats["rows"],
                weight_sum=None if lik is None else lik["sw"],
                dispersion=None if lik is None else lik["phi"],
            )
        else:
            lo, hi = t_interval(acc.est, se, acc.df, level)
        frame = self._frame(
            _Estimates(
                kind=kind, targets=targets, groups=groups, n_groups=G, est=acc.est, se=se,
                ci_low=lo, ci_high=hi, level=level, df=acc.df, deff=deff, eff_n=eff_n, cv=cv,
                method=method, stats=acc.stats, df_rows=df_rows,
            )
        )
        flagged = frame.filter(pl.col("flag") != "")
        if flagged.height:
            codes = ", ".join(
                f"{c} ({k})" for c, k in flagged.group_by("flag").len().sort("flag").iter_rows()
            )
            warnings.warn(
                f"{flagged.height} of {frame.height} {kind} estimate(s) flagged: {codes}; "
                "see the `flag` and `note` columns",
                EstimationWarning,
                stacklevel=3,
            )
        if vcov:
            return frame, cov
        return frame

    def _accumulate(
        self,
        kind: EstimatorKind,
        targets: list[_Target],
        gid: np.ndarray,
        G: int,
        *,
        method: str,
        valid_df: bool,
    ) -> _Accumulated:
        """Estimates, counts, df and the PSU totals of the linearised scores of every target × group."""
        st = self._structure
        w = self._w
        n = w.shape[0]
        V = len(targets)
        K = V * G
        P = st.n_psus
        key = st.psu_code * G + gid
        calibrated = self._calibration is not None
        cells = _Cells(key, P, G)
        # PSU totals of the scores: a P x K matrix, or (sparse cells) triplets of it
        T = np.zeros((P, K) if cells.dense else (0, K))
        t_rows: list[np.ndarray] = []
        t_cols: list[np.ndarray] = []
        t_vals: list[np.ndarray] = []

        def put(j: int, cell_values: np.ndarray) -> None:
            if cells.dense:
                T[:, j * G : (j + 1) * G] = cell_values.reshape(P, G)
            else:
                t_rows.append(cells.psu)
                t_cols.append(j * G + cells.group)
                t_vals.append(cell_values)
        # the calibrated path needs the n x K score matrix (rows in data order)
        dense = np.zeros((n, K) if calibrated else (0, K))
        rows = np.arange(n if calibrated else 0)
        est = np.empty(K)
        stats = {name: np.empty(K) for name in ("n", "nobs", "excl", "um", "rows", "S2", "W")}
        lik = {"sw": np.empty(K), "phi": np.empty(K)} if method == "likelihood" else None
        cell_rows = cells.sum()
        in_group = cells.by_group(cell_rows)
        nonzero = w != 0
        all_nonzero = bool(nonzero.all())
        # Means, shares and totals of an uncalibrated design need only sums per
        # (PSU, group) cell: a few passes over the rows, then arithmetic on the cells.
        use_cells = not calibrated and kind != "ratio"
        cell_w_all = cells.sum(w) if use_cells else np.empty(0)
        # Degrees of freedom: the domain's own PSUs minus its strata (R's degf of the
        # subset design, non-zero weights). By default the by group is the domain, the
        # same for every variable (R's na.rm=TRUE); with df_rows="valid" the domain is the
        # group's rows with a valid value, per variable.
        if G == 1 and not valid_df:
            df_group = np.array([float(self._degf)])
        else:
            df_group = self._cell_df(cell_rows if all_nonzero else cells.sum(nonzero), cells)
        df = np.tile(df_group, V)

        for j, t in enumerate(targets):
            cols = slice(j * G, (j + 1) * G)
            valid = t.valid
            all_valid = bool(valid.all())
            if valid_df and not all_valid:
                df[cols] = self._cell_df(cells.sum(valid & nonzero), cells)
            # Invalid rows get weight 0 and value 0, so they drop out of every sum below
            # (and their score is exactly 0) without further masking.
            wv = w if all_valid else np.where(valid, w, 0.0)
            y = t.y if all_valid else np.where(valid, t.y, 0.0)
            if use_cells:
                cw = cell_w_all if all_valid else cells.sum(wv)
                W = cells.by_group(cw)
                # Shift by the overall mean so that the sums of squares below do not
                # cancel (shares are bounded: no shift, so that p = 0 stays exactly 0).
                tot_w = W.sum()
                c = 0.0 if kind == "proportion" or tot_w == 0 else float(np.dot(wv, y) / tot_w)
                yc = y - c if c else y
                wy = wv * yc
                cy = cells.sum(wy)
                ss = np.bincount(gid, wy * yc, G)
                with np.errstate(divide="ignore", invalid="ignore"):
                    Yc = cells.by_group(cy)
                    ec = Yc / W  # group mean of the shifted values
                    ec_safe = np.where(np.isfinite(ec), ec, 0.0)
                    if kind == "total":
                        est[cols] = Yc + c * W
                        put(j, cy + c * cw)
                    else:
                        est[cols] = ec + c
                        g = cells.group
                        put(j, np.where(W[g] > 0, (cy - ec_safe[g] * cw) / W[g], 0.0))
                    stats["S2"][cols] = np.maximum(ss - W * ec_safe**2, 0.0)
                self._counts(
                    stats, cols, gid, G, t, valid, all_valid, nonzero, all_nonzero, in_group, W
                )
                if lik is not None:
                    self._likelihood_stats(lik, stats, cols, W)
                continue
            Y = np.bincount(gid, wv * y, G)
            W = np.bincount(gid, wv, G)
            with np.errstate(divide="ignore", invalid="ignore"):
                if kind == "total":
                    e = Y
                    score = wv * y
                    resid = y - np.where(W > 0, Y / W, 0.0)[gid]
                else:
                    if t.x is None:
                        x, X = None, W
                    else:
                        x = t.x if all_valid else np.where(valid, t.x, 0.0)
                        X = np.bincount(gid, wv * x, G)
                    e = np.asarray(Y / X, dtype=float)
                    inv = np.where(X != 0, 1.0 / X, 0.0)
                    # an empty group's NaN estimate must not leak into its rows' scores
                    e_rows = np.where(np.isfinite(e), e, 0.0)[gid]
                    resid = y - e_rows if x is None else y - e_rows * x
                    if kind == "ratio":
                        resid = resid * inv[gid]
                        score = wv * resid
                    else:
                        score = wv * resid * inv[gid]
            est[cols] = e
            if calibrated:
                dense[rows, j * G + gid] = score
            else:
                put(j, cells.sum(score))
            self._counts(
                stats, cols, gid, G, t, valid, all_valid, nonzero, all_nonzero, in_group, W
            )
            stats["S2"][cols] = np.bincount(gid, wv * resid * resid, G)
            if lik is not None:
                self._likelihood_stats(lik, stats, cols, W)

        totals: Any = T
        if calibrated:
            totals = psu_totals(self._calibration.adjust(dense), st)
        elif not cells.dense:
            from scipy import sparse

            totals = sparse.csr_matrix(
                (np.concatenate(t_vals), (np.concatenate(t_rows), np.concatenate(t_cols))),
                shape=(P, K),
            )
        return _Accumulated(est=est, df=df, stats=stats, likelihood=lik, totals=totals)

    def _covariance(self, acc: _Accumulated, gid: np.ndarray, G: int, V: int, *,
                    diagonal: bool = False) -> np.ndarray:
        """The design covariance of every estimate from the PSU totals of its scores (``diagonal``: the variances)."""
        st = self._structure
        present = None
        if st.lonely_psu == "average":
            H = st.n_strata
            pres = np.bincount(self._stratum * G + gid, minlength=H * G).reshape(H, G) > 0
            present = np.tile(pres, (1, V))
        if diagonal:
            return variance_from_psu_totals(acc.totals, st, present)
        return covariance_from_psu_totals(acc.totals, st, present)

    def _design_effects(
        self, kind: EstimatorKind, acc: _Accumulated, se: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Design effect, effective n and CV of every estimate.

        Design effect as R's deff=TRUE (SRS without replacement, N estimated by the
        weights) when the design has an fpc; with-replacement SRS (R's deff="replace")
        when it has none, so that weights scaled to the sample size still give a deff.
        """
        stats = acc.stats
        nobs, W = stats["nobs"], stats["W"]
        with np.errstate(divide="ignore", invalid="ignore"):
            s2 = stats["S2"] / W * nobs / (nobs - 1)
            srs = (W - nobs) / (W * nobs) if self._has_fpc else 1.0 / nobs
            # a mean compares with S²/n; a total or ratio with (ΣW)² S²/n
            vsrs = s2 * srs if kind in ("mean", "proportion") else s2 * W**2 * srs
            deff = np.where(vsrs > 0, se**2 / vsrs, np.nan)
            eff_n = stats["n"] / deff
            cv = se / acc.est
        return deff, eff_n, cv

    def _cell_df(self, counts: np.ndarray, cells: _Cells) -> np.ndarray:
        """Per group: PSUs minus strata among the (PSU, group) cells with ``counts > 0``."""
        G = cells.n_groups
        occupied = counts > 0
        group = cells.group[occupied]
        psus_in = np.bincount(group, minlength=G)
        pairs = np.unique(self._structure.psu_stratum[cells.psu[occupied]] * G + group)
        strata_in = np.bincount(pairs % G, minlength=G)
        return (psus_in - strata_in).astype(float)

    @staticmethod
    def _counts(
        stats: dict[str, np.ndarray],
        cols: slice,
        gid: np.ndarray,
        G: int,
        t: _Target,
        valid: np.ndarray,
        all_valid: bool,
        nonzero: np.ndarray,
        all_nonzero: bool,
        in_group: np.ndarray,
        W: np.ndarray,
    ) -> None:
        n_g = in_group if all_valid else np.bincount(gid, valid, G)
        stats["n"][cols] = n_g
        stats["nobs"][cols] = n_g if all_nonzero else np.bincount(gid, valid & nonzero, G)
        stats["excl"][cols] = in_group - n_g
        stats["um"][cols] = np.bincount(gid, t.user_missing, G) if t.user_missing.any() else 0.0
        stats["rows"][cols] = in_group
        stats["W"][cols] = W

    @staticmethod
    def _likelihood_stats(
        lik: dict[str, np.ndarray], stats: dict[str, np.ndarray], cols: slice, W: np.ndarray
    ) -> None:
        # R's likelihood interval: svyglm rescales the weights to mean 1 in the domain
        # (S_W = their sum) and its dispersion is the design variance of Pearson residuals
        # with the sampling weights divided out: exactly nobs / (nobs - 1) for an
        # intercept-only binomial fit.
        nob = stats["nobs"][cols]
        meanw = W / np.maximum(stats["n"][cols], 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            lik["phi"][cols] = nob / (nob - 1)
            lik["sw"][cols] = np.where(meanw > 0, W / meanw, 0.0)

    def _frame(self, r: _Estimates) -> pl.DataFrame:
        """The result frame of an estimator call (RESULT_COLUMNS, after the group columns)."""
        kind, targets, groups, G = r.kind, r.targets, r.groups, r.n_groups
        est, se, lo, hi, df = r.est, r.se, r.ci_low, r.ci_high, r.df
        level, deff, eff_n, cv, method, stats, df_rows = (
            r.level, r.deff, r.eff_n, r.cv, r.method, r.stats, r.df_rows
        )
        n_valid = stats["n"]
        empty = (n_valid == 0) | ~np.isfinite(est)
        est = np.where(empty, np.nan, est)
        se = np.where(empty, np.nan, se)
        lo = np.where(empty, np.nan, lo)
        hi = np.where(empty, np.nan, hi)
        V = len(targets)
        codes = np.repeat(np.array([t.codes for t in targets], dtype=object), G)
        base = pl.DataFrame(
            {
                "variable": np.repeat(
                    np.array([t.name for t in targets], dtype=object), G
                ).tolist(),
                "estimate": est,
                "se": se,
                "ci_low": lo,
                "ci_high": hi,
                "level": np.full(est.shape, float(level)),
                "df": df,
                "deff": deff,
                "n": n_valid.astype(np.int64),
                "eff_n": eff_n,
                "cv": cv,
                "method": [method] * est.shape[0],
                "n_excluded": stats["excl"].astype(np.int64),
                "__um": stats["um"].astype(np.int64),
                "__codes": codes.tolist(),
                "__empty": empty,
            },
            schema_overrides={"__codes": pl.String, "variable": pl.String},
        ).lazy()
        proportion = kind == "proportion"
        nans_at_bounds = method not in ("wilson", "korn_graubard_nchs")
        flag = (
            pl.when(pl.col("__empty"))
            .then(pl.lit("empty"))
            .when(pl.col("df") <= 0)
            .then(pl.lit("df<=0"))
            .when(pl.lit(proportion) & (pl.col("estimate") == 0))
            .then(pl.lit("p=0"))
            .when(pl.lit(proportion) & (pl.col("estimate") == 1))
            .then(pl.lit("p=1"))
            # zero up to round-off (constant values give se ~ 1e-17, not exactly 0)
            .when(pl.col("se") <= 1e-12 * pl.col("estimate").abs())
            .then(pl.lit("se=0"))
            .otherwise(pl.lit(""))
        )
        bound_note = (
            pl.lit(
                f"the {method} interval is undefined at {{}}; ask method='korn_graubard_nchs' "
                "or 'wilson' for an interval defined there"
            )
            if nans_at_bounds
            else pl.lit(f"{method} interval by convention at the bound (effective n = n)")
        )
        why = (
            pl.when(pl.col("flag") == "empty")
            .then(
                pl.lit(
                    "no respondent in this group has a valid value (or the weighted "
                    "denominator is 0): nothing to estimate"
                )
            )
            .when(pl.col("flag") == "df<=0")
            .then(
                pl.format(
                    "design df is {} ("
                    + (
                        "PSUs minus strata of the group's rows with a valid value"
                        if df_rows == "valid"
                        else "the group's PSUs minus its strata"
                    )
                    + "): no interval",
                    pl.col("df").cast(pl.Int64),
                )
            )
            .when(pl.col("flag") == "p=0")
            .then(bound_note.str.replace("{}", "0 %", literal=True))
            .when(pl.col("flag") == "p=1")
            .then(bound_note.str.replace("{}", "100 %", literal=True))
            .when(pl.col("flag") == "se=0")
            .then(
                pl.lit(
                    "standard error is 0 (constant values or one PSU in the group): "
                    "the interval has zero width"
                )
            )
        )
        excluded = pl.when(pl.col("n_excluded") > 0).then(
            pl.concat_str(
                pl.col("n_excluded").cast(pl.String),
                pl.lit(" row(s) excluded"),
                pl.when(pl.col("__um") > 0)
                .then(pl.format(" ({} user-missing: {})", pl.col("__um"), pl.col("__codes")))
                .otherwise(pl.lit("")),
            )
        )
        frame = (
            base.with_columns(flag.alias("flag"))
            .with_columns(
                pl.concat_str(why, excluded, separator="; ", ignore_nulls=True)
                .fill_null("")
                .alias("note")
            )
            .with_columns(
                # An undefined interval at p = 0/1 must not look like a point: NaN, not [p, p].
                pl.when(pl.col("flag").is_in(["p=0", "p=1"]) & pl.lit(nans_at_bounds))
                .then(float("nan"))
                .otherwise(pl.col(c))
                .alias(c)
                for c in ("ci_low", "ci_high")
            )
        )
        result = frame.select(RESULT_COLUMNS).collect()  # one collect: the frame is small
        if groups is not None:
            result = pl.concat([pl.concat([groups] * V), result], how="horizontal")
        return result

    # -- estimators -----------------------------------------------------------------------

    @overload
    def mean(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: Literal[False] = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame: ...

    @overload
    def mean(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: Literal[True],
        df_rows: DfRows = "group",
    ) -> tuple[pl.DataFrame, np.ndarray]: ...

    @overload
    def mean(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: bool = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]: ...

    def mean(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: bool = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]:
        """Weighted mean of one or more variables, by group (R's ``svymean``/``svyby``).

        Parameters
        ----------
        y : str, polars.Expr, list of them, or dict name -> expression
            Numeric variables. Nulls and (with ``meta=``) user-missing codes are excluded.
        by : str or list of str, optional
            Grouping columns; each group is a domain of the full design.
        level : float
            Confidence level of the t interval with the design (domain) df.
        vcov : bool
            Also return the design covariance matrix of the ``estimate`` column.
        df_rows : {"group", "valid"}
            Which rows the degrees of freedom count (PSUs minus strata, non-zero weights).
            ``"group"`` (default): every row of the ``by`` group, so item-missing values do
            not change the df (R's ``svyby(..., svyciprop, na.rm = TRUE)``). ``"valid"``: the
            group's rows with a valid value of each variable — the df of a domain coded as
            null outside it (R's ``svyby`` on ``subset(design, !is.na(y))``), e.g. one column
            per domain in a single vectorised call.

        Returns
        -------
        polars.DataFrame or (polars.DataFrame, numpy.ndarray)
            One row per variable × group (variable-major), columns: the ``by`` columns,
            ``variable, estimate, se, ci_low, ci_high, level, df, deff, n, eff_n, cv, method,
            n_excluded, flag, note``.

        Examples
        --------
        >>> df = pl.DataFrame({"y": [1.0, 2.0, None, 4.0], "g": ["a", "a", "b", "b"]})
        >>> Survey(df).mean("y", by="g").select("g", "estimate", "n", "n_excluded").rows()
        [('a', 1.5, 2, 0), ('b', 4.0, 1, 1)]

        A domain coded as null outside it (here: ``g == "a"``) gets its own df with
        ``df_rows="valid"``; by default it keeps the df of the whole sample:

        >>> dom = {"y_a": pl.when(pl.col("g") == "a").then(pl.col("y"))}
        >>> Survey(df).mean(dom)["df"].item(), Survey(df).mean(dom, df_rows="valid")["df"].item()
        (3.0, 1.0)
        """
        return self._estimate(
            "mean", self._numeric_targets(y, "variable"), by, level, vcov, df_rows=df_rows
        )

    @overload
    def total(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: Literal[False] = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame: ...

    @overload
    def total(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: Literal[True],
        df_rows: DfRows = "group",
    ) -> tuple[pl.DataFrame, np.ndarray]: ...

    @overload
    def total(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: bool = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]: ...

    def total(
        self,
        y: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: bool = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]:
        """Weighted total of one or more variables, by group (R's ``svytotal``).

        Same arguments (``df_rows`` included) and result as :meth:`mean`. Excluded values
        (null, user-missing) contribute nothing to the total.

        Examples
        --------
        >>> df = pl.DataFrame({"y": [1.0, 2.0, 3.0, None], "w": [10.0, 10.0, 20.0, 20.0]})
        >>> Survey(df, weights="w").total("y")[["estimate", "df"]].row(0)
        (90.0, 3.0)
        >>> Survey(df, weights="w").total("y", df_rows="valid")["df"].item()
        2.0
        """
        return self._estimate(
            "total", self._numeric_targets(y, "variable"), by, level, vcov, df_rows=df_rows
        )

    @overload
    def ratio(
        self,
        num: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        den: VarSpec,
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: Literal[False] = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame: ...

    @overload
    def ratio(
        self,
        num: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        den: VarSpec,
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: Literal[True],
        df_rows: DfRows = "group",
    ) -> tuple[pl.DataFrame, np.ndarray]: ...

    @overload
    def ratio(
        self,
        num: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        den: VarSpec,
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: bool = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]: ...

    def ratio(
        self,
        num: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        den: VarSpec,
        by: str | Sequence[str] | None = None,
        *,
        level: float = 0.95,
        vcov: bool = False,
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]:
        """Ratio of two totals, ``Σ w y / Σ w x``, by group (R's ``svyratio``).

        A row leaves the estimate when either value is null or user-missing.
        ``variable`` is ``"num/den"``. Arguments as :meth:`mean`; with ``df_rows="valid"``
        the df counts the rows where both values are valid.

        Examples
        --------
        >>> df = pl.DataFrame({"fou": [1.0, 3.0, 2.0], "ansatte": [10.0, 20.0, 10.0]})
        >>> Survey(df).ratio("fou", "ansatte")["estimate"].to_list()
        [0.15]
        """
        dens = self._numeric_targets(den, "ratio denominator")
        if len(dens) != 1:
            raise InputError("ratio takes one denominator; call ratio once per denominator")
        d = dens[0]
        targets = []
        for t in self._numeric_targets(num, "ratio numerator"):
            valid = t.valid & d.valid
            um = (t.user_missing | d.user_missing) & ~(t.valid & d.valid)
            codes = ", ".join(c for c in dict.fromkeys([t.codes, d.codes]) if c)
            targets.append(_Target(f"{t.name}/{d.name}", t.y, valid, um, codes, x=d.y))
        return self._estimate("ratio", targets, by, level, vcov, df_rows=df_rows)

    @overload
    def proportion(
        self,
        expr_or_names: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        method: str = "logit",
        level: float = 0.95,
        vcov: Literal[False] = False,
        base: Literal["valid", "all"] = "valid",
        df_rows: DfRows = "group",
    ) -> pl.DataFrame: ...

    @overload
    def proportion(
        self,
        expr_or_names: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        method: str = "logit",
        level: float = 0.95,
        vcov: Literal[True],
        base: Literal["valid", "all"] = "valid",
        df_rows: DfRows = "group",
    ) -> tuple[pl.DataFrame, np.ndarray]: ...

    @overload
    def proportion(
        self,
        expr_or_names: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        method: str = "logit",
        level: float = 0.95,
        vcov: bool = False,
        base: Literal["valid", "all"] = "valid",
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]: ...

    def proportion(
        self,
        expr_or_names: VarSpec | Sequence[VarSpec] | Mapping[str, VarSpec],
        by: str | Sequence[str] | None = None,
        *,
        method: str = "logit",
        level: float = 0.95,
        vcov: bool = False,
        base: Literal["valid", "all"] = "valid",
        df_rows: DfRows = "group",
    ) -> pl.DataFrame | tuple[pl.DataFrame, np.ndarray]:
        """Share of respondents (weighted) for whom an expression is true, by group.

        Parameters
        ----------
        expr_or_names : polars.Expr, str, list of them, or dict name -> expression
            A boolean expression (``pl.col("inntrykk") >= 4``), or the name of a 0/1 or
            boolean column, or a list of them; a dict gives readable ``variable`` names.
        by : str or list of str, optional
            Grouping columns (domains of the full design).
        method : str
            Interval method: R's ``svyciprop`` names ``logit`` (default), ``likelihood``,
            ``asin``, ``beta`` (Korn–Graubard), ``mean`` (Wald), ``xlogit``; plus ``wilson``
            and ``korn_graubard_nchs`` (defined at 0 % and 100 %). See
            :mod:`omdomme.estimate.intervals`.
        level : float
            Confidence level.
        vcov : bool
            Also return the design covariance matrix of the ``estimate`` column.
        base : {"valid", "all"}
            Who is in the denominator. ``"valid"`` (default): respondents with a valid
            answer — user-missing codes ("vet ikke" 9, …) of every column the expression
            uses are excluded (SPSS's rule) and counted in ``n_excluded``. ``"all"``: every
            respondent with a value, user-missing codes included as answers; this is how to
            ask for the share answering "vet ikke" itself.
        df_rows : {"group", "valid"}
            Which rows the df counts (PSUs minus strata). ``"group"`` (default): every row of
            the ``by`` group (R's ``svyciprop`` with ``na.rm = TRUE`` inside ``svyby``).
            ``"valid"``: the group's rows in the base with a value — the domain's own df when
            a domain is coded as null outside it, as R's ``svyby(~I(y), ~g,
            subset(design, in_domain), svyciprop)``. See :meth:`mean`.

        Raises
        ------
        InputError
            Values other than 0/1 in a named column; an expression that is true only on
            user-missing codes under ``base="valid"`` (the share would be 0 by
            construction — ask ``base="all"``).

        Examples
        --------
        With ``meta`` saying that 9 is "vet ikke" (user-missing) on a 1–5 scale:

        >>> from omdomme import Metadata, VariableInfo
        >>> df = pl.DataFrame({"inntrykk": [5, 4, 2, 9, 9, 5], "w": [1.0] * 6})
        >>> meta = Metadata(file="x.sav", format="sav", n_rows=6, encoding=None,
        ...                 file_label=None,
        ...                 variables=(VariableInfo("inntrykk", missing_values=(9,)),))
        >>> s = Survey(df, weights="w", meta=meta)

        Share with a very good impression among those with an opinion (4 answers):

        >>> s.proportion({"svaert_godt": pl.col("inntrykk") == 5})["estimate"].to_list()
        [0.5]

        Share answering "vet ikke" among all respondents — an explicit base:

        >>> s.proportion({"vet_ikke": pl.col("inntrykk") == 9}, base="all")["estimate"].to_list()
        [0.3333333333333333]

        Share with very good impression among all respondents (vet ikke counted as "no"):

        >>> s.proportion(pl.col("inntrykk") == 5, base="all")["estimate"].to_list()
        [0.3333333333333333]

        ``s.proportion(pl.col("inntrykk") == 9)`` (base "valid") raises ``InputError``:
        it can only select excluded codes.

        A domain as a null-coded column (the first three respondents) with its own df:

        >>> first = {"svaert_godt_3": pl.when(pl.int_range(pl.len()) < 3).then(pl.col("inntrykk") == 5)}
        >>> s.proportion(first, base="all", df_rows="valid")[["n", "df"]].row(0)
        (3, 2.0)
        """
        if method not in PROPORTION_METHODS:
            raise InputError(
                f"method={method!r} is not a proportion interval method; choose one of "
                + ", ".join(PROPORTION_METHODS)
            )
        targets = self._proportion_targets(expr_or_names, base)
        return self._estimate("proportion", targets, by, level, vcov, method, df_rows)
