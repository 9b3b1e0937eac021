"""The output contract of ``analyses/<round>/``: every table's columns, in order, with dtypes.

One place for the columns that ``omdomme analyse`` writes and that the report, ``compare``,
``trend`` and an Excel user read (docs/output.md says what each column means). A change
here is a change of the contract: raise :data:`omdomme._meta.SCHEMA_VERSION` with it.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from omdomme.labels import UNITS

__all__ = ["COMPARISON_COLUMNS", "COMPARISON_SCHEMA", "ESTIMATE_COLUMNS", "ESTIMATE_SCHEMA", "LABEL_EN_COLUMNS", "MAX_RANK",
           "RANK_SCHEMA", "ROUND_COMPARISON_COLUMNS", "TABLE_COLUMNS", "UNITS"]

ESTIMATE_SCHEMA: dict[str, Any] = {
    "survey": pl.String, "round": pl.Int64, "indicator": pl.String, "label": pl.String,
    "label_en": pl.String, "kind": pl.String, "unit": pl.String, "base": pl.String, "better": pl.String,
    "target": pl.String, "target_label": pl.String, "domain": pl.String,
    "domain_label": pl.String, "domain_label_en": pl.String, "n": pl.Int64, "eff_n": pl.Float64, "estimate": pl.Float64,
    "se": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "ci_method": pl.String,
    "level": pl.Float64, "df": pl.Float64, "deff": pl.Float64, "cv": pl.Float64,
    "flag": pl.String, "display": pl.String, "note": pl.String,
    # The analyst's tables: breakdown rows and whole-scale rows (empty on the definition's own rows).
    "breakdown": pl.String, "breakdown_level": pl.String, "category": pl.String, "letters": pl.String,
    # The multiple-response set a row belongs to (the association frame's question, e.g.
    # «assosiasjon»): its rows' shares do not sum to 1. Empty on every other row.
    "set": pl.String,
}
#: Columns only the reputation survey's tables fill (breakdown and whole-scale rows; the compact
#: letters of the counties; the multiple-response set of the association frame's rows); empty elsewhere.
TABLE_COLUMNS: tuple[str, ...] = ("breakdown", "breakdown_level", "category", "letters", "set")
#: The English labels (``--lang en``), null where the definition gives none: a survey module that
#: does not fill them gets nulls.
LABEL_EN_COLUMNS: tuple[str, ...] = ("label_en", "domain_label_en")
#: Columns of ``estimates``, in order.
ESTIMATE_COLUMNS: list[str] = list(ESTIMATE_SCHEMA)

COMPARISON_SCHEMA: dict[str, Any] = {
    "survey": pl.String, "indicator": pl.String, "label": pl.String, "kind": pl.String,
    "better": pl.String, "domain": pl.String, "comparison": pl.String, "target_a": pl.String,
    "target_b": pl.String, "round_a": pl.Int64, "round_b": pl.Int64, "estimate_a": pl.Float64,
    "estimate_b": pl.Float64, "difference": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
    "ci_high": pl.Float64, "df": pl.Float64, "ratio": pl.Float64, "ratio_ci_low": pl.Float64,
    "ratio_ci_high": pl.Float64, "p_value": pl.Float64, "p_adjusted": pl.Float64,
    "adjust_method": pl.String, "family": pl.String, "method": pl.String,
    "significant": pl.Boolean, "note": pl.String,
    # The domain of estimate_b: `domain` itself except in a domain-against-domain row.
    "domain_b": pl.String,
}
#: Columns of ``comparisons``, in order.
COMPARISON_COLUMNS: list[str] = list(COMPARISON_SCHEMA)

#: Columns of ``analyses/compare-<a>-<b>/comparisons``: the comparisons contract plus
#: ``comparable`` and ``break_reason`` (before ``note``).
ROUND_COMPARISON_COLUMNS: tuple[str, ...] = (
    *[c for c in COMPARISON_COLUMNS if c not in ("note", "domain_b")], "comparable", "break_reason", "note",
)

#: The most counties a rank table has columns for (``p_rank_1`` … ``p_rank_<MAX_RANK>``).
MAX_RANK = 5

RANK_SCHEMA: dict[str, Any] = {
    "survey": pl.String, "round": pl.Int64, "indicator": pl.String, "domain": pl.String,
    "target": pl.String, "target_label": pl.String, "better": pl.String, "rank_point": pl.Int64,
    **{f"p_rank_{r}": pl.Float64 for r in range(1, MAX_RANK + 1)},
    "rank_low": pl.Int64, "rank_high": pl.Int64, "p_top3": pl.Float64, "draws": pl.Int64,
    "seed": pl.Int64, "method": pl.String,
}
