"""County keys, names and order, and the one formatter of every number a person sees.

Floor 0–1: imports nothing of omdomme. Every surface that shows a number — the terminal
summaries, the ``display`` column of ``estimates``, the Excel workbook, the reports — formats
it here, so one number reads the same everywhere.

Counties, targets, surveys, units
---------------------------------
:data:`COUNTIES` are the stable keys of the five rated counties, in the order of the
definitions and the data; :data:`NORGE` is the innovation survey's national target.
:data:`TARGET_ORDER` is the order a reader sees (Østfold first, then Akershus, the other
counties, Norway last); :func:`target_label` gives the name in bokmål or English. :data:`SURVEYS` are the two
surveys in the order they are shown; :data:`UNITS` the definitions' display units.

Rounding (decision 3 of issue 12)
---------------------------------
A number is rounded **half away from zero on the decimal value a spreadsheet shows**, not on
the binary float: the float's shortest decimal representation (``repr``), cut to the 15
significant digits Excel and LibreOffice display. So 0.4525 shows as «45,3 %» (the binary
float is 0.45249999999999996…, which Python's ``f"{x:.1%}"`` rounds down), as it does in Excel
and for a reader who rounds 45,25 by hand. The polars twins (:func:`number_expr`,
:func:`pct_expr`, :func:`unit_expr`) give the same strings, computed on the decimal digits
of the same representation (``tests/test_labels.py`` checks the equality).

Forms
-----
========================  =====================  ==================
what                      bokmål (``nb``)        English (``en``)
========================  =====================  ==================
share, percent            ``45,3 %``             ``45.3%``
number, thousands         ``1 404,8``            ``1,404.8``
difference of shares      ``−2,8 p.p.``          ``−2.8 pp``
net score (points)        ``+35,2 p.p.``         ``+35.2 pp``
mean score                ``3,72``               ``3.72``
interval                  ``41,2–49,5``          ``41.2–49.5``
p-value                   ``0,032``, ``< 0,001``  ``0.032``, ``< 0.001``
suppressed or missing     ``:``                  ``:``
========================  =====================  ==================

The spaces in ``45,3 %``, ``1 404,8``, ``p.p.``/``pp`` and ``< 0,001`` are non-breaking
(U+00A0, as SSB prints them, so a line never breaks inside a number); a negative number has a
true minus sign (U+2212) in both languages; a number that rounds to zero has no sign
(``0,0``, never ``−0,0`` or ``+0,0``). Percentage points are «p.p.» in bokmål (the reports'
and SSB's abbreviation) and «pp» in English.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, Literal

import polars as pl

__all__ = [
    "BENCHMARK",
    "BUILT_IN_EN",
    "COUNTIES",
    "COUNTY_NAMES",
    "EN_DASH",
    "FOCUS",
    "MINUS",
    "NBSP",
    "NORGE",
    "OUTSIDE",
    "SUPPRESSED",
    "SURVEYS",
    "SURVEY_ORDER",
    "TARGETS",
    "TARGET_LABELS",
    "TARGET_ORDER",
    "UNITS",
    "UNTRANSLATED",
    "Lang",
    "Unit",
    "builtin_en",
    "display_unit",
    "display_unit_expr",
    "fmt_bound",
    "fmt_int",
    "fmt_number",
    "fmt_p",
    "fmt_pct",
    "fmt_pp",
    "fmt_range",
    "fmt_unit",
    "label_in",
    "fmt_value",
    "number_expr",
    "pct_expr",
    "pp_expr",
    "round_half_up",
    "target_label",
    "unit_expr",
    "unit_of",
]

# --------------------------------------------------------------------------------------------
# Counties and targets

COUNTIES: tuple[str, ...] = ("akershus", "oslo", "buskerud", "vestfold", "ostfold")
"""The keys of the five rated counties, in the definitions' order (stable across rounds)."""
FOCUS = "ostfold"
"""The county the partnership works for."""
BENCHMARK = "akershus"
"""The county Østfold is to approach."""
NORGE = "norge"
"""The innovation survey's national target (all of Norway)."""
OUTSIDE = "utenfor"
"""The key of a place outside the five counties."""
TARGETS = (*COUNTIES, NORGE)
"""Every target an estimate can have, in the order of the estimates tables."""

COUNTY_NAMES: dict[str, str] = {
    "akershus": "Akershus",
    "oslo": "Oslo",
    "buskerud": "Buskerud",
    "vestfold": "Vestfold",
    "ostfold": "Østfold",
}
TARGET_LABELS: dict[str, str] = {**COUNTY_NAMES, NORGE: "Norge"}
"""The bokmål name of every target (the ``target_label`` column of ``estimates``)."""
_TARGET_LABELS_EN = {**COUNTY_NAMES, NORGE: "Norway"}
_TARGET_NAMES_EN = {TARGET_LABELS[k]: v for k, v in _TARGET_LABELS_EN.items()}

TARGET_ORDER: dict[str, int] = {key: i for i, key in enumerate((FOCUS, BENCHMARK, "oslo", "buskerud", "vestfold", NORGE))}
"""The order a reader sees targets in: Østfold, Akershus, Oslo, Buskerud, Vestfold, Norge.

An unknown key sorts last: ``TARGET_ORDER.get(key, len(TARGET_ORDER))``.
"""

SURVEYS: tuple[str, ...] = ("omdomme", "innovasjon")
"""The surveys, in the order they are shown."""
SURVEY_ORDER: dict[str, int] = {s: i for i, s in enumerate(SURVEYS)}

UNITS: tuple[str, ...] = ("percent", "nok", "number")
"""How an indicator's value is shown (the ``unit`` column of ``estimates``): percent, NOK, number."""

Lang = Literal["nb", "en"]
"""The two languages: ``nb`` (bokmål) and ``en``. Any other ``lang`` is an error."""


def target_label(key: str, lang: str = "nb") -> str:
    """The name of a target key: ``"ostfold"`` → «Østfold», ``"norge"`` → «Norge» (``en``: «Norway»).

    A key that is not a target is returned as it is.

    Examples
    --------
    >>> target_label("ostfold"), target_label("norge", "en"), target_label("utenfor")
    ('Østfold', 'Norway', 'utenfor')
    """
    return (TARGET_LABELS if lang == "nb" else _TARGET_LABELS_EN).get(key, key)


BUILT_IN_EN: dict[str, str] = {
    "Alle": "All",
    "Alle foretak": "All firms",
    "Bosatt utenfor de fem fylkene": "Living outside the five counties",
    "Vet ikke": "Don't know",
    "Vet ikke / nevner ingenting": "Don't know / mentions nothing",
    "Mann": "Man",
    "Kvinne": "Woman",
    "Menn": "Men",
    "Kvinner": "Women",
    "år": "years",
}
"""English names (``--lang en``) of the labels omdomme gives itself (its own domains and levels,
«Vet ikke», «år») and of the commonest value labels; a definition's own labels get theirs from
``label_en``. The one table: the analysis fills ``label_en``/``domain_label_en`` from it."""

UNTRANSLATED = " (nb)"
"""Appended to a Norwegian label shown in an English surface because it has no English one."""


def builtin_en(text: str | None) -> str | None:
    """The English name of a built-in label, or ``None`` when it has none.

    An age band «18–29 år» reads «18–29 years».

    Examples
    --------
    >>> builtin_en("Alle"), builtin_en("18–29 år"), builtin_en("Østfold"), builtin_en("Tilleggsutvalg")
    ('All', '18–29 years', 'Østfold', None)
    """
    if text is None:
        return None
    if text in BUILT_IN_EN:
        return BUILT_IN_EN[text]
    if text in _TARGET_NAMES_EN:  # Østfold is Østfold; Norge is Norway
        return _TARGET_NAMES_EN[text]
    if text.endswith(" år") and text[:-3].replace("\u2013", "").replace("-", "").isdigit():
        return text[:-3] + " years"
    return None


def label_in(label: str, label_en: str | None, lang: str = "nb") -> str:
    """The label a reader of ``lang`` sees: bokmål as it is; English from ``label_en``, else the
    bokmål label marked «(nb)».

    Examples
    --------
    >>> label_in("Kjønn", "Sex", "en"), label_in("Kjønn", None, "en"), label_in("Kjønn", "Sex")
    ('Sex', 'Kjønn (nb)', 'Kjønn')
    """
    if lang == "nb":
        return label
    return label_en or builtin_en(label) or label + UNTRANSLATED


# --------------------------------------------------------------------------------------------
# Numbers

NBSP = "\u00a0"  # keeps «45,3 %» and «12 345» on one line
MINUS = "\u2212"
EN_DASH = "\u2013"
SUPPRESSED = ":"  # SSB's symbol: «Tall kan ikke offentliggjøres»

_SHOWN_DIGITS = 15  # significant digits a spreadsheet shows of a double
# Enough digits for any finite double at any scale used here (1.8e308 has 309 digits).
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)
_ZEROS = "0" * 400


def _check(lang: str) -> None:
    if lang not in ("nb", "en"):
        raise ValueError(f"lang must be 'nb' or 'en', got {lang!r}")


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def round_half_up(value: float | int, decimals: int = 0, *, scale: int = 0) -> Decimal:
    """``value × 10**scale`` rounded half away from zero to ``decimals``, on the value a spreadsheet shows.

    The float's shortest representation (``repr``) is cut to 15 significant digits (what
    Excel shows of a double), multiplied by ``10**scale`` exactly, then rounded.

    Parameters
    ----------
    value
        A finite number.
    decimals
        Digits after the decimal mark (may be negative: ``-3`` rounds to thousands).
    scale
        Power of ten to multiply by first: 2 for percent, -6 for millions.

    Returns
    -------
    decimal.Decimal
        The rounded number with exactly ``decimals`` digits after the mark.

    Examples
    --------
    >>> round_half_up(0.4525, 1, scale=2), round_half_up(-2.5), round_half_up(1.005, 2)
    (Decimal('45.3'), Decimal('-3'), Decimal('1.01'))
    >>> round_half_up(0.45249999999999996, 1, scale=2)   # 15 digits: 0.452500000000000
    Decimal('45.3')
    """
    shown = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    if len(shown.as_tuple().digits) > _SHOWN_DIGITS:
        shown = _CONTEXT.quantize(shown, Decimal(1).scaleb(shown.adjusted() - _SHOWN_DIGITS + 1))
    return _CONTEXT.quantize(shown.scaleb(scale), Decimal(1).scaleb(-decimals))


def fmt_number(value: float | int | None, decimals: int = 1, *, lang: str = "nb", sign: bool = False,
               scale: int = 0) -> str:
    """Format a number with the separators of ``lang``, rounded half away from zero.

    Parameters
    ----------
    value
        The number; ``None``, NaN or infinite gives ``:``.
    decimals
        Digits after the decimal mark.
    lang
        ``"nb"`` (decimal comma, non-breaking space between thousands) or ``"en"``.
    sign
        Show ``+`` before a positive number (changes and differences); a number that rounds
        to zero never has a sign.
    scale
        Power of ten to multiply by, exactly, before rounding (2: percent; -6: millions).

    Examples
    --------
    >>> fmt_number(12345.678, 1)
    '12\\xa0345,7'
    >>> fmt_number(-2.05, 1, sign=True, lang="en"), fmt_number(-0.04, 1, sign=True)
    ('−2.1', '0,0')
    >>> fmt_number(1404837234.36, 1, scale=-6)
    '1\\xa0404,8'
    """
    _check(lang)
    if _missing(value):
        return SUPPRESSED
    rounded = round_half_up(value, decimals, scale=scale)  # type: ignore[arg-type]
    text = f"{abs(rounded):,.{max(decimals, 0)}f}"
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",")
    if rounded < 0:
        return MINUS + text
    if sign and rounded > 0:
        return "+" + text
    return text


def fmt_int(value: float | int | None, *, lang: str = "nb") -> str:
    """Format a count: ``1234`` → ``1 234`` (non-breaking space), ``1,234`` in English.

    Examples
    --------
    >>> fmt_int(1234), fmt_int(1234, lang="en")
    ('1\\xa0234', '1,234')
    """
    return fmt_number(value, 0, lang=lang)


def fmt_pct(share: float | None, decimals: int = 1, *, lang: str = "nb", sign: bool = False,
            symbol: bool = True) -> str:
    """Format a share (0–1) as percent: ``0.453`` → ``45,3 %`` (``45.3%`` in English).

    ``symbol=False`` leaves out the percent sign (the bounds of an interval).

    Examples
    --------
    >>> fmt_pct(0.4525), fmt_pct(0.4525, lang="en"), fmt_pct(None)
    ('45,3\\xa0%', '45.3%', ':')
    """
    number = fmt_number(share, decimals, lang=lang, sign=sign, scale=2)
    if number == SUPPRESSED or not symbol:
        return number
    return f"{number}{NBSP}%" if lang == "nb" else f"{number}%"


def fmt_pp(difference: float | None, decimals: int = 1, *, lang: str = "nb", symbol: bool = True) -> str:
    """Format a difference of two shares in percentage points, always signed.

    Examples
    --------
    >>> fmt_pp(0.021), fmt_pp(-0.028, lang="en"), fmt_pp(-0.00004)
    ('+2,1\\xa0p.p.', '−2.8\\xa0pp', '0,0\\xa0p.p.')
    """
    number = fmt_number(difference, decimals, lang=lang, sign=True, scale=2)
    if number == SUPPRESSED or not symbol:
        return number
    return f"{number}{NBSP}p.p." if lang == "nb" else f"{number}{NBSP}pp"


def fmt_range(low: float | None, high: float | None, decimals: int = 1, *, lang: str = "nb",
              scale: int = 2, sign: bool = False, sep: str = EN_DASH) -> str:
    """Format an interval without its unit: ``41,2–49,5`` (shares in percent by default).

    Parameters
    ----------
    low, high
        The bounds; either missing gives ``:``.
    decimals, lang, sign
        As for :func:`fmt_number`.
    scale
        Power of ten (2: shares shown in percent; 0: as they are; -6: millions).
    sep
        Between the bounds: an en dash, or words («til», «to») when a bound can be negative.

    Examples
    --------
    >>> fmt_range(0.412, 0.495), fmt_range(-0.032, 0.018, sign=True, sep=" til ")
    ('41,2–49,5', '−3,2 til +1,8')
    """
    if _missing(low) or _missing(high):
        return SUPPRESSED
    lo = fmt_number(low, decimals, lang=lang, sign=sign, scale=scale)
    hi = fmt_number(high, decimals, lang=lang, sign=sign, scale=scale)
    return f"{lo}{sep}{hi}"


def fmt_p(p: float | None, *, lang: str = "nb") -> str:
    """Format a p-value with three decimals; below 0.001 as ``< 0,001``.

    Examples
    --------
    >>> fmt_p(0.0321), fmt_p(0.00001), fmt_p(0.0015, lang="en")
    ('0,032', '<\\xa00,001', '0.002')
    """
    if _missing(p):
        return SUPPRESSED
    if float(p) < 0.001:  # type: ignore[arg-type]
        return f"<{NBSP}" + fmt_number(0.001, 3, lang=lang)
    return fmt_number(p, 3, lang=lang)


Unit = Literal["pct", "kr", "mill_kr", "number", "points", "score"]
"""How a value is shown: a share in percent, NOK (millions for totals), a number, percentage
points (a net score: top share minus bottom share, always signed), a mean score of a rating
scale (two decimals)."""


def display_unit(unit: str | None, kind: str | None) -> Unit:
    """How an indicator of a definition's ``unit`` and an estimate's ``kind`` is shown.

    ``percent`` → ``pct``; ``nok`` → ``mill_kr`` for a total (sums over firms run to
    billions), else ``kr``; a net score (``kind = "net"``, unit ``points``) → ``points``; a mean
    score (``kind = "mean"``) → ``score``; anything else → ``number``. A share (and a code of a
    whole scale) is always a percent.

    Examples
    --------
    >>> display_unit("nok", "total"), display_unit("nok", "ratio"), display_unit(None, "share")
    ('mill_kr', 'kr', 'pct')
    >>> display_unit("points", "net"), display_unit("number", "mean")
    ('points', 'score')
    """
    if kind in ("share", "scale") or unit == "percent":
        return "pct"
    if unit == "nok":
        return "mill_kr" if kind == "total" else "kr"
    if kind == "net" or unit == "points":
        return "points"
    if kind == "mean":
        return "score"
    return "number"


def display_unit_expr(unit: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """:func:`display_unit` for a column: the :data:`Unit` of each row from its ``unit`` and ``kind``.

    Examples
    --------
    >>> f = pl.DataFrame({"u": ["percent", "nok", "nok", "points", "number"],
    ...                   "k": ["share", "total", "ratio", "net", "mean"]})
    >>> f.select(display_unit_expr(pl.col("u"), pl.col("k"))).to_series().to_list()
    ['pct', 'mill_kr', 'kr', 'points', 'score']
    """
    return (pl.when(kind.is_in(["share", "scale"]) | (unit == "percent")).then(pl.lit("pct"))
            .when((unit == "nok") & (kind == "total")).then(pl.lit("mill_kr"))
            .when(unit == "nok").then(pl.lit("kr"))
            .when((kind == "net") | (unit == "points")).then(pl.lit("points"))
            .when(kind == "mean").then(pl.lit("score"))
            .otherwise(pl.lit("number")))


def unit_of(kind: str | None, display: str | None = None) -> Unit:
    """The unit of an estimate read back from its ``display`` text (``45,3 %``, ``18 695 kr``).

    Examples
    --------
    >>> unit_of("ratio", "5,3 %"), unit_of("total", "1 404,8 mill. kr"), unit_of("share")
    ('pct', 'mill_kr', 'pct')
    >>> unit_of("net", "+35,2 p.p."), unit_of("mean", "3,72")
    ('points', 'score')
    """
    text = (display or "").strip()
    if kind in ("share", "scale") or text.endswith("%"):
        return "pct"
    if text.endswith("kr"):
        return "mill_kr" if kind == "total" else "kr"
    # a net or mean score whatever its display says (the kinds display_unit knows)
    return display_unit(None, kind)


def _unit_suffix(unit: Unit, lang: str) -> str:
    if unit == "mill_kr":
        return f"{NBSP}mill.{NBSP}kr" if lang == "nb" else f"{NBSP}NOK{NBSP}m"
    if unit == "kr":
        return NBSP + ("kr" if lang == "nb" else "NOK")
    return ""


_UNIT_NUMBER = {"pct": (1, 2), "mill_kr": (1, -6), "kr": (0, 0), "number": (1, 0), "points": (1, 2),
                "score": (2, 0)}  # decimals, scale


def fmt_unit(value: float | None, unit: Unit, *, lang: str = "nb", sign: bool = False,
             difference: bool = False) -> str:
    """Format ``value`` in ``unit`` (:func:`display_unit`); a difference of percents in points.

    Points (a net score, or its difference) are always signed, as :func:`fmt_pp`.

    Examples
    --------
    >>> fmt_unit(0.053, "pct"), fmt_unit(1404837234, "mill_kr"), fmt_unit(-9788.3, "kr", sign=True)
    ('5,3\\xa0%', '1\\xa0404,8\\xa0mill.\\xa0kr', '−9\\xa0788\\xa0kr')
    >>> fmt_unit(-0.1626, "pct", difference=True), fmt_unit(0.352, "points"), fmt_unit(3.7249, "score")
    ('−16,3\\xa0p.p.', '+35,2\\xa0p.p.', '3,72')
    """
    if _missing(value):
        return SUPPRESSED
    if unit == "pct":
        return fmt_pp(value, lang=lang) if difference else fmt_pct(value, lang=lang, sign=sign)
    if unit == "points":
        return fmt_pp(value, lang=lang)
    decimals, scale = _UNIT_NUMBER[unit]
    return fmt_number(value, decimals, lang=lang, sign=sign, scale=scale) + _unit_suffix(unit, lang)


def fmt_bound(value: float | None, unit: Unit, *, lang: str = "nb", sign: bool = True) -> str:
    """One end of an interval in ``unit``, without the unit: the number :func:`fmt_unit` shows.

    Signed by default (the bounds of a difference: ``+1,8``).

    Examples
    --------
    >>> fmt_bound(0.018, "pct"), fmt_bound(-3210.0, "kr"), fmt_bound(1404837234, "mill_kr", sign=False)
    ('+1,8', '−3\\xa0210', '1\\xa0404,8')
    """
    decimals, scale = _UNIT_NUMBER[unit]
    return fmt_number(value, decimals, lang=lang, sign=sign, scale=scale)


def fmt_value(value: float | None, kind: str, *, decimals: int | None = None, lang: str = "nb") -> str:
    """Format an estimate by its kind: a share as percent, any other kind as a number.

    Without ``decimals``, a number of 100 or more has none and a smaller one has two.

    Examples
    --------
    >>> fmt_value(0.5, "share"), fmt_value(15321.4, "ratio"), fmt_value(1.234, "mean")
    ('50,0\\xa0%', '15\\xa0321', '1,23')
    """
    if kind == "share":
        return fmt_pct(value, 1 if decimals is None else decimals, lang=lang)
    if decimals is None:
        decimals = 0 if not _missing(value) and abs(float(value)) >= 100 else 2  # type: ignore[arg-type]
    return fmt_number(value, decimals, lang=lang)


# --------------------------------------------------------------------------------------------
# The polars twins: the same strings for a column


def _grouped(digits: pl.Expr, sep: str) -> pl.Expr:
    # Rust's regex has no look-around: group the reversed digits in threes.
    return digits.str.reverse().str.replace_all(r"(\d{3})", "${1}" + sep).str.strip_chars_end(sep).str.reverse()


def _number_series(values: pl.Series, decimals: int, lang: str, sign: bool, scale: int) -> pl.Series:
    # Each step is a column of its own, so every intermediate is computed once.
    c = pl.col
    steps = [
        {"x": c("x").cast(pl.Float64)},
        {"parts": c("x").abs().cast(pl.String).str.extract_groups(
            r"^(?P<w>\d+)(?:\.(?P<f>\d*))?(?:e(?P<e>[+-]?\d+))?$")},
        {"f": c("parts").struct.field("f").fill_null(""),
         "w": c("parts").struct.field("w"),
         "e": c("parts").struct.field("e").cast(pl.Int64).fill_null(0)},
        {"digits": pl.concat_str(c("w"), c("f")).str.strip_chars_start("0"),
         "exp": c("e") - c("f").str.len_chars().cast(pl.Int64)},
        {"n": c("digits").str.len_chars().cast(pl.Int64)},
        # What a spreadsheet shows: at most 15 significant digits, the 16th rounded half up.
        {"shown": pl.when(c("n") > _SHOWN_DIGITS).then(
            (c("digits").str.slice(0, _SHOWN_DIGITS).cast(pl.Int64, strict=False)
             + (c("digits").str.slice(_SHOWN_DIGITS, 1) >= "5").cast(pl.Int64)).cast(pl.String)
         ).otherwise(c("digits")),
         "exp": c("exp") + (c("n") - _SHOWN_DIGITS).clip(lower_bound=0)},
        # The integer of value × 10^(scale + decimals), rounded half up on those digits.
        {"shift": c("exp") + (scale + decimals)},
        {"keep": c("shown").str.len_chars().cast(pl.Int64) + c("shift")},
        {"pad": c("shift").clip(lower_bound=0), "head": c("keep").clip(lower_bound=0)},
        {"integer": (
            pl.when(c("shown") == "").then(pl.lit("0"))
            .when(c("shift") >= 0).then(pl.concat_str(c("shown"), pl.lit(_ZEROS).str.slice(0, c("pad"))))
            .when(c("keep") < 0).then(pl.lit("0"))  # below half a unit of the last decimal
            .otherwise((c("shown").str.slice(0, c("head")).cast(pl.Int64, strict=False).fill_null(0)
                        + (c("shown").str.slice(c("head"), 1) >= "5").cast(pl.Int64)).cast(pl.String))
        ).str.zfill(decimals + 1)},
        {"cut": c("integer").str.len_chars().cast(pl.Int64) - decimals,
         "nonzero": c("integer").str.contains("[1-9]")},
        {"whole": _grouped(c("integer").str.slice(0, c("cut")), NBSP if lang == "nb" else ",")},
    ]
    frame = values.to_frame("x")
    for step in steps:
        frame = frame.with_columns(**step)
    text = c("whole")
    if decimals > 0:
        text = pl.concat_str(text, pl.lit("," if lang == "nb" else "."), c("integer").str.slice(c("cut")))
    plus = "+" if sign else ""
    prefix = (pl.when(c("nonzero") & (c("x") < 0)).then(pl.lit(MINUS))
              .when(c("nonzero") & (c("x") > 0)).then(pl.lit(plus)).otherwise(pl.lit("")))
    out = pl.concat_str(prefix, text)
    missing = c("x").is_null() | ~c("x").is_finite()
    return frame.select(pl.when(missing).then(pl.lit(SUPPRESSED)).otherwise(out).alias(values.name)).to_series()


def number_expr(value: pl.Expr, decimals: int = 1, *, lang: str = "nb", sign: bool = False,
                scale: int = 0) -> pl.Expr:
    """:func:`fmt_number` for a column: the same string for every value (null, NaN, inf → ``:``).

    The digits come from the float's shortest representation (polars' cast to string gives
    the digits of ``repr``); rounding is done on those decimal digits, never on the float.

    Examples
    --------
    >>> s = pl.Series([0.4525, -1404837234.36, None, -0.00004])
    >>> pl.select(number_expr(pl.lit(s), 1, scale=2)).to_series().to_list()
    ['45,3', '−140\\xa0483\\xa0723\\xa0436,0', ':', '0,0']
    """
    _check(lang)
    if decimals < 0:
        raise ValueError(f"number_expr needs decimals >= 0, got {decimals}")
    return value.map_batches(lambda s: _number_series(s, decimals, lang, sign, scale),
                             return_dtype=pl.String, is_elementwise=True)


def pct_expr(share: pl.Expr, decimals: int = 1, *, lang: str = "nb", sign: bool = False,
             symbol: bool = True) -> pl.Expr:
    """:func:`fmt_pct` for a column.

    Examples
    --------
    >>> pl.select(pct_expr(pl.lit(0.4525))).item()
    '45,3\\xa0%'
    """
    number = number_expr(share, decimals, lang=lang, sign=sign, scale=2)
    if not symbol:
        return number
    suffix = f"{NBSP}%" if lang == "nb" else "%"
    return pl.when(number == SUPPRESSED).then(number).otherwise(pl.concat_str(number, pl.lit(suffix)))


def pp_expr(difference: pl.Expr, decimals: int = 1, *, lang: str = "nb", symbol: bool = True) -> pl.Expr:
    """:func:`fmt_pp` for a column: percentage points, always signed.

    Examples
    --------
    >>> pl.select(pp_expr(pl.lit(0.352))).item(), pl.select(pp_expr(pl.lit(-0.1234), lang="en")).item()
    ('+35,2\\xa0p.p.', '−12.3\\xa0pp')
    """
    number = number_expr(difference, decimals, lang=lang, sign=True, scale=2)
    if not symbol:
        return number
    suffix = f"{NBSP}p.p." if lang == "nb" else f"{NBSP}pp"
    return pl.when(number == SUPPRESSED).then(number).otherwise(pl.concat_str(number, pl.lit(suffix)))


def unit_expr(value: pl.Expr, unit: pl.Expr, *, lang: str = "nb", units: Collection[str] | None = None) -> pl.Expr:
    """:func:`fmt_unit` for a column, the unit per row (``pct``, ``kr``, ``mill_kr``, ``number``,
    ``points``, ``score``).

    ``units``: the units the column can hold, when known (each unit formats the whole column once;
    a row of another unit gets null).

    Examples
    --------
    >>> f = pl.DataFrame({"v": [0.4534, 1404837234.4, 18694.7], "u": ["pct", "mill_kr", "kr"]})
    >>> f.select(unit_expr(pl.col("v"), pl.col("u"))).to_series().to_list()
    ['45,3\\xa0%', '1\\xa0404,8\\xa0mill.\\xa0kr', '18\\xa0695\\xa0kr']
    """
    def shown(name: Unit) -> pl.Expr:
        decimals, scale = _UNIT_NUMBER[name]
        number = number_expr(value, decimals, lang=lang, scale=scale)
        suffix = pl.lit(_unit_suffix(name, lang))
        return pl.when(number == SUPPRESSED).then(number).otherwise(pl.concat_str(number, suffix))

    forms: dict[str, pl.Expr] = {
        "pct": pct_expr(value, lang=lang), "mill_kr": shown("mill_kr"), "kr": shown("kr"),
        "number": shown("number"), "points": pp_expr(value, lang=lang), "score": shown("score"),
    }
    out: Any = pl
    for name, form in forms.items():
        if units is None or name in units:
            out = out.when(unit == name).then(form)
    return pl.lit(None, pl.String) if out is pl else out.otherwise(pl.lit(None, pl.String))
