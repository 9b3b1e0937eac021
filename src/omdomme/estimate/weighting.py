"""Weighting: raking (iterative proportional fitting) and post-stratification.

The numerical core, :func:`ipf`, works on plain numpy arrays (integer category codes and
population totals per code), so that it can be tested against R and reused by other
modules without a :class:`~omdomme.Survey`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from omdomme.errors import WeightingError

if TYPE_CHECKING:
    from omdomme.estimate.survey import Survey

__all__ = [
    "Calibration",
    "IPFResult",
    "Margin",
    "WeightingDiagnostics",
    "ipf",
    "kish_deff",
    "weight_diagnostics",
    "parse_margins",
    "poststratify",
    "rake",
]


@dataclass(frozen=True)
class IPFResult:
    """The outcome of :func:`ipf`.

    Attributes
    ----------
    weights : numpy.ndarray
        Final weights, one per row, in row order.
    iterations : int
        Full sweeps over all margins that were run.
    converged : bool
        True when every margin was reproduced within ``tol`` (relative).
    max_discrepancy : float
        Largest relative discrepancy ``|achieved - target| / target`` over every margin
        category after the last sweep.
    """

    weights: np.ndarray
    iterations: int
    converged: bool
    max_discrepancy: float


def kish_deff(weights: np.ndarray) -> float:
    """Kish's design effect of unequal weighting, ``n Σw² / (Σw)² = 1 + CV²``.

    ``CV`` is the coefficient of variation of the weights (population form, ``ddof=0``).
    The weighting efficiency is ``1 / deff`` and the effective sample size ``n / deff``.

    Parameters
    ----------
    weights : numpy.ndarray
        Positive weights.

    Returns
    -------
    float

    Examples
    --------
    >>> kish_deff(np.array([1.0, 1.0, 1.0, 1.0]))
    1.0
    >>> round(kish_deff(np.array([1.0, 3.0])), 6)
    1.25
    """
    w = np.asarray(weights, dtype=float)
    return float(w.size * np.dot(w, w) / w.sum() ** 2)


def weight_diagnostics(weights: np.ndarray) -> dict[str, float | int]:
    """What a set of weights costs in precision: Kish deff, efficiency, effective n, weight range.

    Weights of 0 are left out (they are not in the weighted sample). Every round reports these
    for the weights it estimates with — the vendor's as well as raked ones.

    Examples
    --------
    >>> d = weight_diagnostics(np.array([1.0, 3.0, 0.0]))
    >>> d["n"], d["deff"], d["efficiency"], d["eff_n"], d["weight_ratio"]
    (2, 1.25, 0.8, 1.6, 3.0)
    """
    w = np.asarray(weights, dtype=float)
    w = w[w > 0]
    deff = kish_deff(w)
    return {"n": int(w.size), "deff": deff, "efficiency": 1.0 / deff, "eff_n": w.size / deff,
            "weight_min": float(w.min()), "weight_max": float(w.max()), "weight_ratio": float(w.max() / w.min())}


def _discrepancies(
    weights: np.ndarray, categories: list[np.ndarray], targets: list[np.ndarray]
) -> list[np.ndarray]:
    # Relative discrepancy per category of every margin; zero targets count absolutely.
    out = []
    for codes, target in zip(categories, targets, strict=True):
        achieved = np.bincount(codes, weights=weights, minlength=target.size)
        out.append(np.abs(achieved - target) / np.where(target > 0, target, 1.0))
    return out


def ipf(
    design_weights: np.ndarray,
    categories: list[np.ndarray],
    targets: list[np.ndarray],
    *,
    bounds: tuple[float, float] | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> IPFResult:
    """Rake design weights to population totals by iterative proportional fitting.

    Each sweep scales the weights, margin by margin, so that the weighted count of every
    category equals its target: ``w_i ← w_i · T_jk / Σ_{l: c_jl = k} w_l``. The fixed point is
    the raking solution (R's ``rake()`` and ``calibrate(..., calfun = "raking")``).

    Parameters
    ----------
    design_weights : numpy.ndarray
        Positive starting (design) weights ``d_i``, one per row.
    categories : list of numpy.ndarray
        One integer array per margin: the code ``0 .. K_j - 1`` of each row.
    targets : list of numpy.ndarray
        One array per margin: the population total of each code (length ``K_j``). All
        margins must have the same grand total.
    bounds : tuple of float, optional
        ``(low, high)`` limits on the g-weights ``w_i / d_i``; after every margin step the
        g-weights are clipped to them (bounded IPF). Margins may then be unreachable, which
        shows as ``converged=False``.
    max_iter : int
        Maximum number of sweeps.
    tol : float
        Convergence when every relative margin discrepancy is below ``tol``.

    Returns
    -------
    IPFResult

    Raises
    ------
    WeightingError
        A category with a positive target but no rows (or zero total weight), a negative
        target, codes out of range, or non-positive design weights.

    Examples
    --------
    >>> d = np.ones(4)
    >>> sex = np.array([0, 0, 1, 1]); young = np.array([0, 1, 0, 1])
    >>> r = ipf(d, [sex, young], [np.array([6.0, 4.0]), np.array([5.0, 5.0])])
    >>> r.converged, np.round(r.weights, 6).tolist()
    (True, [3.0, 3.0, 2.0, 2.0])
    """
    d = np.asarray(design_weights, dtype=float)
    if d.ndim != 1 or not np.all(np.isfinite(d)) or np.any(d <= 0):
        bad = d[~(np.isfinite(d) & (d > 0))]
        raise WeightingError(
            f"design weights must be positive and finite; found {bad.size} bad value(s), "
            f"e.g. {bad[:3].tolist()}; fix the weight variable or drop those rows before raking"
        )
    codes = [np.asarray(c, dtype=np.int64) for c in categories]
    tots = [np.asarray(t, dtype=float) for t in targets]
    if len(codes) != len(tots) or not codes:
        raise WeightingError(
            f"ipf needs one target array per margin; got {len(codes)} margin(s) and {len(tots)} target array(s)"
        )
    for j, (c, t) in enumerate(zip(codes, tots, strict=True)):
        if c.shape != d.shape:
            raise WeightingError(f"margin {j}: {c.size} category codes for {d.size} weights")
        if c.size and (c.min() < 0 or c.max() >= t.size):
            raise WeightingError(
                f"margin {j}: codes must lie in 0..{t.size - 1}; found {int(c.min())}..{int(c.max())}"
            )
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise WeightingError(f"margin {j}: population totals must be non-negative; got {t.tolist()}")
        present = np.bincount(c, minlength=t.size)
        empty = np.flatnonzero((present == 0) & (t > 0))
        if empty.size:
            raise WeightingError(
                f"margin {j}: category code(s) {empty.tolist()} have a population total but no "
                "respondents; merge them with a neighbouring category"
            )

    low, high = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    w = d.copy()
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        for c, t in zip(codes, tots, strict=True):
            current = np.bincount(c, weights=w, minlength=t.size)
            # A category whose target is 0 gets weight 0; categories with rows all have current > 0.
            factor = np.divide(t, current, out=np.zeros_like(t), where=current > 0)
            w = w * factor[c]
            if bounds is not None:
                w = d * np.clip(w / d, low, high)
        worst = max(float(x.max(initial=0.0)) for x in _discrepancies(w, codes, tots))
        if worst < tol:
            converged = True
            break
    worst = max(float(x.max(initial=0.0)) for x in _discrepancies(w, codes, tots))
    return IPFResult(weights=w, iterations=iterations, converged=converged, max_discrepancy=worst)


# ---------------------------------------------------------------------------------------
# Raking and post-stratification of a Survey
# ---------------------------------------------------------------------------------------

_TOTAL_COLUMNS = ("total", "persons")


@dataclass(frozen=True)
class Margin:
    """One population margin: the variables it crosses, its categories and their totals.

    Attributes
    ----------
    name : str
        ``"stype"``, or ``"county × sex"`` for a crossed margin.
    variables : tuple of str
        Data columns the margin is defined on.
    categories : polars.DataFrame
        One string column per variable, one row per category (population order).
    totals : numpy.ndarray
        Population total of each category.
    """

    name: str
    variables: tuple[str, ...]
    categories: pl.DataFrame
    totals: np.ndarray

    def label(self, index: int) -> str:
        """The category at ``index`` as text: ``"E"`` or ``"oslo, mann"``."""
        return ", ".join(str(v) for v in self.categories.row(index))


@dataclass(frozen=True)
class WeightingDiagnostics:
    """What raking or post-stratification did and what it cost in precision.

    Attributes
    ----------
    method : str
        ``"rake"`` or ``"poststratify"``.
    algorithm : str
        ``"ipf"`` (iterative proportional fitting) or ``"newton"`` (bounded raking, R's
        ``grake``).
    iterations : int
    converged : bool
    max_discrepancy : float
        Largest relative discrepancy ``|achieved − target| / target`` of any margin category.
    discrepancy : dict of str to float
        The same per margin.
    n : int
        Respondents weighted.
    deff : float
        Kish design effect of weighting, ``1 + CV²`` of the final weights.
    efficiency : float
        ``1 / deff``.
    eff_n : float
        ``n / deff``.
    weight_min, weight_max, weight_ratio : float
        Smallest and largest final weight and their ratio.
    g_min, g_max : float
        Smallest and largest adjustment ``final / starting weight``.
    bounds : tuple of float or None
        g-weight bounds asked for.
    trimmed : int
        Weights changed by trimming.
    notes : tuple of str
        Notes to show with the results (population sources, filled gaps, trimming).
    """

    method: str
    algorithm: str
    iterations: int
    converged: bool
    max_discrepancy: float
    discrepancy: dict[str, float]
    n: int
    deff: float
    efficiency: float
    eff_n: float
    weight_min: float
    weight_max: float
    weight_ratio: float
    g_min: float
    g_max: float
    bounds: tuple[float, float] | None
    trimmed: int
    notes: tuple[str, ...]

    def table(self) -> pl.DataFrame:
        """The diagnostics as a two-column frame (``measure``, ``value`` as text).

        Examples
        --------
        >>> d = _diagnostics("rake", "ipf", 3, True, {"a": 0.0}, np.ones(2), np.ones(2), None, 0, ())
        >>> d.table()["measure"].to_list()[:3]
        ['method', 'converged', 'iterations']
        """
        rows: list[tuple[str, str]] = [
            ("method", f"{self.method} ({self.algorithm})"),
            ("converged", "yes" if self.converged else "no"),
            ("iterations", str(self.iterations)),
        ]
        # Below 1e-9 the size is rounding noise of the last sweep, not information.
        rows += [
            (f"max discrepancy: {name}", f"{value:.2e}" if value >= 1e-9 else "< 1e-9")
            for name, value in self.discrepancy.items()
        ]
        rows += [
            ("n", str(self.n)),
            ("Kish deff (1 + CV²)", f"{self.deff:.4f}"),
            ("efficiency (1 / deff)", f"{self.efficiency:.1%}"),
            ("effective n", f"{self.eff_n:.1f}"),
            ("weight min", f"{self.weight_min:.6g}"),
            ("weight max", f"{self.weight_max:.6g}"),
            ("weight max / min", f"{self.weight_ratio:.4g}"),
            ("g min", f"{self.g_min:.4f}"),
            ("g max", f"{self.g_max:.4f}"),
            ("g bounds", "none" if self.bounds is None else f"[{self.bounds[0]:g}, {self.bounds[1]:g}]"),
            ("trimmed weights", str(self.trimmed)),
        ]
        return pl.DataFrame(rows, schema=["measure", "value"], orient="row")

    def text(self) -> str:
        """A plain-text table of :meth:`table` followed by the notes."""
        frame = self.table()
        width = max(len(m) for m in frame["measure"])
        lines = [f"{m:<{width}}  {v}" for m, v in frame.iter_rows()]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _diagnostics(
    method: str,
    algorithm: str,
    iterations: int,
    converged: bool,
    discrepancy: dict[str, float],
    start: np.ndarray,
    final: np.ndarray,
    bounds: tuple[float, float] | None,
    trimmed: int,
    notes: tuple[str, ...],
) -> WeightingDiagnostics:
    deff = kish_deff(final)
    g = final / start
    return WeightingDiagnostics(
        method=method,
        algorithm=algorithm,
        iterations=iterations,
        converged=converged,
        max_discrepancy=max(discrepancy.values(), default=0.0),
        discrepancy=discrepancy,
        n=int(final.size),
        deff=deff,
        efficiency=1.0 / deff,
        eff_n=final.size / deff,
        weight_min=float(final.min()),
        weight_max=float(final.max()),
        weight_ratio=float(final.max() / final.min()) if final.min() > 0 else float("inf"),
        g_min=float(g.min()),
        g_max=float(g.max()),
        bounds=bounds,
        trimmed=trimmed,
        notes=notes,
    )


class Calibration:
    """The variance side of a calibration, as R's ``calibrate()`` stores it in ``postStrata``.

    R keeps ``qr = qr(X * sqrt(d))`` (the calibration model matrix scaled by the square root
    of the starting weights ``d``) and ``w = g * sqrt(d)`` (``g``: the calibration
    adjustments); ``svyrecvar`` then replaces the weighted scores ``x`` (final weight × z) by
    ``qr.resid(qr, x / w) * w`` before summing by PSU. :meth:`adjust` does the same with an
    orthonormal basis of the column space of ``X * sqrt(d)`` (the residual of a projection
    does not depend on how the space is parametrised, so one-hot columns of every margin do).
    When a calibrated survey is calibrated again, the earlier adjustment is applied first,
    as R applies its ``postStrata`` list in order.

    Parameters
    ----------
    model : numpy.ndarray
        n × p calibration model matrix (indicators of every margin category), data row order.
    start : numpy.ndarray
        Starting weights ``d``.
    final : numpy.ndarray
        Calibrated weights ``g · d``.
    previous : Calibration, optional
        The calibration of the starting weights, if any.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> cal = Calibration(x, np.ones(3), np.array([2.0, 2.0, 3.0]))
    >>> np.round(cal.adjust(np.array([4.0, 2.0, 3.0])), 12).tolist()
    [1.0, -1.0, 0.0]
    """

    def __init__(
        self, model: np.ndarray, start: np.ndarray, final: np.ndarray, previous: Calibration | None = None
    ) -> None:
        root = np.sqrt(start)
        u, s, _ = np.linalg.svd(model * root[:, None], full_matrices=False)
        # Numerical rank as LAPACK-based least squares would judge it.
        rank = int(np.sum(s > s.max(initial=0.0) * max(model.shape) * np.finfo(float).eps))
        self._basis = u[:, :rank]
        self._scale = final / root  # = g * sqrt(d)
        self._previous = previous

    @property
    def n(self) -> int:
        """Rows the calibration was made for."""
        return int(self._scale.size)

    def adjust(self, scores: np.ndarray) -> np.ndarray:
        """Replace weighted linearised scores by their calibration residuals times ``g``.

        Parameters
        ----------
        scores : numpy.ndarray
            n × k matrix (or length-n vector) of final weight × linearised variable, rows in
            data order; rows outside a domain hold 0.

        Returns
        -------
        numpy.ndarray
            Same shape: ``resid(x / (g √d) on X √d) · g √d``.
        """
        x = np.asarray(scores, dtype=float)
        if self._previous is not None:
            x = self._previous.adjust(x)
        if x.shape[0] != self.n:
            raise WeightingError(
                f"calibration made for {self.n} rows was asked to adjust {x.shape[0]} rows; "
                "subset a design with domains, not by filtering its data"
            )
        flat = x.reshape(self.n, -1) / self._scale[:, None]
        resid = flat - self._basis @ (self._basis.T @ flat)
        return (resid * self._scale[:, None]).reshape(x.shape)


def _as_text(column: pl.Series) -> pl.Series:
    # Compare data and margins as text, so TOML keys ("1") match integer codes and 1.0 matches 1.
    if column.dtype.is_float():
        finite = column.drop_nulls()
        if finite.len() and (finite == finite.round(0)).all():
            column = column.cast(pl.Int64)
    return column.cast(pl.String)


def _key_text(key: object) -> str:
    # The text polars gives the same value in a data column (True -> "true", 2.0 -> "2").
    if isinstance(key, bool):
        return str(key).lower()
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def _total_column(frame: pl.DataFrame, where: str) -> str:
    found = [c for c in _TOTAL_COLUMNS if c in frame.columns]
    if not found:
        raise WeightingError(
            f"margin frame {where} has columns {frame.columns} but no column of population totals; "
            "name it `total` (or `persons`)"
        )
    return found[0]


def _margin_from_frame(frame: pl.DataFrame, where: str) -> Margin:
    total = _total_column(frame, where)
    keys = [c for c in frame.columns if c != total]
    if not keys:
        raise WeightingError(f"margin frame {where} has only the total column; add the category column(s)")
    cats = frame.select(_as_text(frame[k]).alias(k) for k in keys)
    dup = cats.is_duplicated()
    if dup.any():
        raise WeightingError(
            f"margin {' × '.join(keys)}: category {cats.filter(dup).row(0)} appears more than once; "
            "give one total per category"
        )
    return Margin(" × ".join(keys), tuple(keys), cats, frame[total].cast(pl.Float64).to_numpy())


def parse_margins(margins: object) -> list[Margin]:
    """Read margins given as a dict, a long frame, or frames per margin.

    Accepted forms:

    - ``{"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}``;
    - a polars frame with columns ``variable``, ``category``, ``total`` (one margin per
      ``variable``, in order of appearance);
    - a polars frame of category column(s) and ``total`` (or ``persons``): one margin, crossed
      when it has several category columns (e.g. :func:`~omdomme.population.population_margins`
      with ``by=["county", "sex"]``);
    - a list of such frames, or a dict of name → frame, one margin each.

    Category values are compared with the data as text (``"1"`` matches the integer code 1).

    Examples
    --------
    >>> [m.name for m in parse_margins({"sex": {"mann": 48, "kvinne": 52}})]
    ['sex']
    >>> f = pl.DataFrame({"county": ["oslo", "oslo"], "sex": ["mann", "kvinne"], "total": [5.0, 6.0]})
    >>> parse_margins([f])[0].name
    'county × sex'
    """
    if isinstance(margins, pl.DataFrame):
        if {"variable", "category", "total"} <= set(margins.columns) and margins.width == 3:
            out = []
            for name in margins["variable"].unique(maintain_order=True).to_list():
                part = margins.filter(pl.col("variable") == name)
                out.append(_margin_from_frame(part.select(pl.col("category").alias(name), "total"), f"variable={name!r}"))
            return out
        return [_margin_from_frame(margins, "given")]
    if isinstance(margins, dict) and margins and all(isinstance(v, pl.DataFrame) for v in margins.values()):
        return [_margin_from_frame(v, f"{k!r}") for k, v in margins.items()]
    if isinstance(margins, dict):
        out = []
        for name, cats in margins.items():
            if not isinstance(cats, dict) or not cats:
                raise WeightingError(
                    f"margin {name!r}: expected a mapping category -> population total, got {cats!r}"
                )
            out.append(
                Margin(
                    str(name),
                    (str(name),),
                    pl.DataFrame({str(name): [_key_text(k) for k in cats]}),
                    np.array([float(v) for v in cats.values()]),
                )
            )
        return out
    if isinstance(margins, list | tuple) and margins and all(isinstance(m, pl.DataFrame) for m in margins):
        return [_margin_from_frame(m, f"#{i + 1}") for i, m in enumerate(margins)]
    raise WeightingError(
        f"margins must be a dict {{variable: {{category: total}}}}, a polars frame or a list of frames; got {type(margins).__name__}"
    )


def _codes(data: pl.DataFrame, margin: Margin) -> np.ndarray:
    """Category index of every row for ``margin``; every row must fall in a known category."""
    missing = [v for v in margin.variables if v not in data.columns]
    if missing:
        raise WeightingError(
            f"margin {margin.name}: variable(s) {missing} not in the data; the data has {data.columns[:20]}"
        )
    keys = data.select(_as_text(data[v]).alias(v) for v in margin.variables)
    index = margin.categories.with_row_index("_code")
    coded = keys.join(index, on=list(margin.variables), how="left", maintain_order="left", nulls_equal=False)
    unmatched = coded.filter(pl.col("_code").is_null())
    if unmatched.height:
        counts = unmatched.group_by(list(margin.variables)).len().sort("len", descending=True)
        shown = "; ".join(
            f"{', '.join('null' if x is None else str(x) for x in row[:-1])} ({row[-1]} rows)"
            for row in counts.head(5).iter_rows()
        )
        raise WeightingError(
            f"margin {margin.name}: data value(s) not among the margin's categories "
            f"{[margin.label(i) for i in range(margin.totals.size)]}: {shown}; add them to the margin, "
            "recode them, or drop those respondents before weighting"
        )
    return coded["_code"].cast(pl.Int64).to_numpy()


def _check_margins(margins: list[Margin], codes: list[np.ndarray]) -> None:
    for margin, code in zip(margins, codes, strict=True):
        present = np.bincount(code, minlength=margin.totals.size)
        empty = np.flatnonzero((present == 0) & (margin.totals > 0))
        if empty.size:
            cats = ", ".join(f"{margin.label(i)} (population {margin.totals[i]:,.0f})" for i in empty.tolist())
            raise WeightingError(
                f"margin {margin.name}: category {cats} has no respondents; merge it with a "
                "neighbouring category (e.g. wider age groups) in the margins"
            )
        if np.any(margin.totals < 0) or not np.all(np.isfinite(margin.totals)):
            raise WeightingError(f"margin {margin.name}: population totals must be non-negative numbers")
    grand = [float(m.totals.sum()) for m in margins]
    if max(grand) - min(grand) > 1e-9 * max(grand):
        listed = ", ".join(f"{m.name} = {t:,.6g}" for m, t in zip(margins, grand, strict=True))
        raise WeightingError(
            f"margin totals disagree: {listed}; every margin must describe the same population "
            "(same year, same age range)"
        )


def _model_matrix(margins: list[Margin], codes: list[np.ndarray], n: int) -> np.ndarray:
    # One indicator column per category of every margin (rank-deficient by design; handled by SVD).
    blocks = []
    for margin, code in zip(margins, codes, strict=True):
        block = np.zeros((n, margin.totals.size))
        block[np.arange(n), code] = 1.0
        blocks.append(block)
    return np.hstack(blocks)


def _bounded_raking(
    model: np.ndarray, start: np.ndarray, population: np.ndarray, bounds: tuple[float, float], max_iter: int, tol: float
) -> tuple[np.ndarray, int, bool]:
    """R's ``grake`` with ``calfun = "raking"`` and bounds: g = clip(exp(x'η), L, U), Newton in η."""
    low, high = np.log(bounds[0]) if bounds[0] > 0 else -np.inf, np.log(bounds[1])
    eta = np.zeros(model.shape[1])
    scale = np.where(population > 0, population, 1.0)
    g = np.ones_like(start)
    for iteration in range(1, max_iter + 1):
        u = model @ eta
        eu = np.exp(u)
        # Rows held at a bound do not move with η: their derivative is 0 (the redistribution).
        slope = np.where((u > low) & (u < high), eu, 0.0)
        misfit = population - model.T @ (start * np.clip(eu, bounds[0], bounds[1]))
        jacobian = (model * (start * slope)[:, None]).T @ model
        step = np.linalg.pinv(jacobian) @ misfit
        # Halve the step while it makes the misfit worse (clipping makes Newton overshoot).
        old = np.abs(misfit / scale).max()
        for _ in range(30):
            g = np.clip(np.exp(model @ (eta + step)), bounds[0], bounds[1])
            new = np.abs((population - model.T @ (start * g)) / scale).max()
            if new <= old or new < tol:
                break
            step = step / 2
        eta = eta + step
        if new < tol:
            return g, iteration, True
    return g, max_iter, False


def _trim(weights: np.ndarray, trim: tuple[float, float], max_iter: int = 100) -> tuple[np.ndarray, int]:
    """Clip final weights to ``trim`` and share what was cut among the others, keeping Σw."""
    low, high = float(trim[0]), float(trim[1])
    w = weights.copy()
    total = w.sum()
    if not low * w.size <= total <= high * w.size:
        raise WeightingError(
            f"trim limits [{low:g}, {high:g}] cannot hold {w.size} weights summing to {total:,.6g}; "
            f"the mean weight is {total / w.size:,.6g}"
        )
    held = np.zeros(w.size, dtype=bool)
    for _ in range(max_iter):
        held |= (w <= low) | (w >= high)
        w = np.clip(w, low, high)
        free = ~held
        excess = total - w.sum()
        if abs(excess) <= 1e-12 * total or not free.any():
            break
        # Proportional to the weight, so the free weights keep their relative sizes.
        w[free] += excess * w[free] / w[free].sum()
    changed = int(np.sum(~np.isclose(w, weights, rtol=1e-12, atol=0)))
    return w, changed


def _calibrate(
    survey: Survey,
    margins: list[Margin],
    *,
    method: str,
    bounds: tuple[float, float] | None,
    max_iter: int,
    tol: float,
    trim: tuple[float, float] | None,
    notes: tuple[str, ...],
) -> Survey:
    data = survey.data
    start = np.asarray(survey.weights.to_numpy(), dtype=float)
    bad = ~(np.isfinite(start) & (start > 0))
    if bad.any():
        raise WeightingError(
            f"weight variable {survey.weights.name!r}: {int(bad.sum())} row(s) have a non-positive or "
            f"missing weight (e.g. {start[bad][:3].tolist()}); fix or drop them before weighting"
        )
    codes = [_codes(data, m) for m in margins]
    _check_margins(margins, codes)
    # Vendors often scale weights to sum to n; the g-weights (and their bounds) are meant
    # relative to weights on the population scale. A common factor changes neither the raked
    # weights nor the calibration variance, and is 1 for design weights that sum to N.
    start = start * (margins[0].totals.sum() / start.sum())
    if bounds is not None:
        bounds = (float(bounds[0]), float(bounds[1]))
        if not bounds[0] < 1 < bounds[1]:
            raise WeightingError(f"g-weight bounds {list(bounds)} must enclose 1, e.g. [0.2, 5.0]")
    model = _model_matrix(margins, codes, data.height)
    if bounds is None:
        result = ipf(start, codes, [m.totals for m in margins], max_iter=max_iter, tol=tol)
        final, iterations, converged, algorithm = result.weights, result.iterations, result.converged, "ipf"
    else:
        population = np.concatenate([m.totals for m in margins])
        g, iterations, converged = _bounded_raking(model, start, population, bounds, max_iter, tol)
        final, algorithm = start * g, "newton"
    discrepancy = {
        m.name: float(d.max(initial=0.0))
        for m, d in zip(margins, _discrepancies(final, codes, [m.totals for m in margins]), strict=True)
    }
    if not converged:
        worst = max(discrepancy, key=discrepancy.__getitem__)
        raise WeightingError(
            f"{method} did not converge in {max_iter} iterations: margin {worst} is still off by "
            f"{discrepancy[worst]:.2e} (relative); widen the g-weight bounds, merge sparse categories "
            "or raise max_iter"
        )
    trimmed = 0
    if trim is not None:
        final, trimmed = _trim(final, trim)
        discrepancy = {
            m.name: float(d.max(initial=0.0))
            for m, d in zip(margins, _discrepancies(final, codes, [m.totals for m in margins]), strict=True)
        }
        if trimmed:
            notes = (*notes, f"{trimmed} vekter er trimmet til [{trim[0]:g}, {trim[1]:g}]; marginene holder da ikke eksakt.")
    # A survey calibrated before keeps that adjustment first (R applies postStrata in order).
    previous = getattr(survey, "calibration", None) or getattr(survey, "_calibration", None)
    calibration = Calibration(model, start, final, previous=previous)
    diagnostics = _diagnostics(
        method, algorithm, iterations, converged, discrepancy, start, final, bounds, trimmed, tuple(notes)
    )
    return survey._with_weights(final, calibration, diagnostics)


def rake(
    survey: Survey,
    margins: object,
    *,
    bounds: tuple[float, float] | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
    trim: tuple[float, float] | None = None,
    notes: tuple[str, ...] = (),
) -> Survey:
    """Rake a survey's weights to population margins (R's ``calibrate(calfun = "raking")``).

    The current weights are the starting weights ``d``; the new weights ``w = g · d``
    reproduce every margin. Without bounds, iterative proportional fitting (:func:`ipf`)
    finds them; with ``bounds = (L, U)``, ``g = clip(exp(x'η), L, U)`` is solved by Newton's
    method as R's ``grake`` does, so that rows held at a bound pass their share on to the
    others. The returned survey carries a :class:`Calibration` whose ``adjust`` gives
    variances as R's ``calibrate()`` (residuals of a weighted regression on the margin
    indicators, times ``g``).

    Parameters
    ----------
    survey : Survey
        The design to re-weight.
    margins : dict or polars.DataFrame or list of polars.DataFrame
        Population totals per category; see :func:`parse_margins` for the accepted forms.
    bounds : tuple of float, optional
        Limits ``(L, U)`` on the g-weights, ``L < 1 < U``. g is measured against the
        starting weights scaled to the population total (the same as R's when they already
        sum to it, as design weights do).
    max_iter : int
        Maximum sweeps (IPF) or Newton steps.
    tol : float
        Largest relative margin discrepancy accepted.
    trim : tuple of float, optional
        ``(low, high)`` limits on the final weights (R's ``trimWeights``); what is cut is
        shared among the other weights in proportion to their size, keeping the total.
        Margins then hold only approximately (shown in the diagnostics).
    notes : tuple of str
        Extra notes for the diagnostics (e.g. :func:`~omdomme.population.population_notes`).

    Returns
    -------
    Survey
        A new survey with the raked weights; ``.weighting`` holds the
        :class:`WeightingDiagnostics`.

    Raises
    ------
    WeightingError
        Non-positive weights; a margin category without respondents; a data value missing
        from a margin; margins whose totals disagree; no convergence (names the worst margin).

    Examples
    --------
    >>> import omdomme  # doctest: +SKIP
    >>> raked = rake(s, {"stype": {"E": 4421, "H": 755, "M": 1018},
    ...                  "sch.wide": {"No": 1072, "Yes": 5122}})  # doctest: +SKIP
    >>> raked.weighting.deff  # doctest: +SKIP
    1.008...
    """
    return _calibrate(
        survey,
        parse_margins(margins),
        method="rake",
        bounds=bounds,
        max_iter=max_iter,
        tol=tol,
        trim=trim,
        notes=tuple(notes),
    )


def poststratify(
    survey: Survey,
    by: str | list[str] | pl.DataFrame,
    totals: object = None,
    *,
    trim: tuple[float, float] | None = None,
    notes: tuple[str, ...] = (),
) -> Survey:
    """Post-stratify a survey: weights in each cell of ``by`` sum to its population total.

    This is raking to one (possibly crossed) margin; its variance is the calibration
    (GREG) variance on the cell indicators, as R's ``calibrate(design, ~cells - 1, totals)``
    gives it.

    Parameters
    ----------
    survey : Survey
    by : str or list of str or polars.DataFrame
        The variable(s) whose cells are post-strata; or, with ``totals`` omitted, the frame
        of totals itself (its columns other than ``total``/``persons`` are the cells).
    totals : dict or polars.DataFrame, optional
        ``{category: total}`` for a single ``by`` variable, or a frame with the ``by``
        columns and ``total`` (or ``persons``).
    trim : tuple of float, optional
        As in :func:`rake`.
    notes : tuple of str
        Extra notes for the diagnostics.

    Returns
    -------
    Survey

    Examples
    --------
    >>> ps = poststratify(s, "stype", {"E": 4421, "H": 755, "M": 1018})  # doctest: +SKIP
    >>> cells = population_margins(2024, age_groups=[(18, 105)], by=["county", "sex"])  # doctest: +SKIP
    >>> ps = poststratify(s, cells)  # doctest: +SKIP
    """
    if isinstance(by, pl.DataFrame) and totals is None:
        totals = by
        by = [c for c in by.columns if c not in _TOTAL_COLUMNS]
    keys = [by] if isinstance(by, str) else list(by)
    if isinstance(totals, dict):
        if len(keys) != 1:
            raise WeightingError(
                f"poststratify by {keys}: give the totals as a frame with columns {keys} and `total`"
            )
        margin = parse_margins({keys[0]: totals})[0]
    elif isinstance(totals, pl.DataFrame):
        total = _total_column(totals, "of post-strata totals")
        absent = [k for k in keys if k not in totals.columns]
        if absent:
            raise WeightingError(f"post-strata totals lack the column(s) {absent}; they have {totals.columns}")
        margin = _margin_from_frame(totals.select(*keys, total), "of post-strata totals")
    else:
        raise WeightingError(f"post-strata totals must be a dict or a polars frame; got {type(totals).__name__}")
    return _calibrate(
        survey, [margin], method="poststratify", bounds=None, max_iter=10, tol=1e-10, trim=trim, notes=tuple(notes)
    )
