"""Norwegian (and English) number formats for report text and tables.

Norwegian style, as SSB prints it: decimal comma, a non-breaking space as the thousands
separator and before the percent sign (``45,3 %``, ``12 345``), an en dash in ranges
(``41,2–49,5``), a true minus sign (``−2,1``). English style: ``45.3%``, ``12,345``.
Missing or suppressed values show SSB's symbol ``:``.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"  # keeps «45,3 %» and «12 345» on one line
MINUS = "\u2212"
EN_DASH = "\u2013"
SUPPRESSED = ":"


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | int | None, decimals: int = 1, *, lang: str = "nb", sign: bool = False) -> str:
    """Format a number with the separators of ``lang``.

    Parameters
    ----------
    value
        The number; ``None`` or NaN gives ``:``.
    decimals
        Digits after the decimal mark.
    lang
        ``"nb"`` (decimal comma, non-breaking space for thousands) or ``"en"``.
    sign
        Show ``+`` before positive numbers (for changes and differences).

    Examples
    --------
    >>> fmt_number(12345.678, 1)
    '12\\xa0345,7'
    >>> fmt_number(-2.05, 1, sign=True, lang="en")
    '-2.1'
    """
    if value is None or _missing(value):
        return SUPPRESSED
    # Round half away from zero on the decimal string, as people (and SPSS) do, not banker's.
    text = f"{abs(float(value)) + 1e-12:,.{decimals}f}"
    rounded_zero = float(text.replace(",", "")) == 0
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",")
    negative = float(value) < 0 and not rounded_zero
    if negative:
        text = (MINUS if lang == "nb" else "-") + text
    elif sign and not rounded_zero:
        text = "+" + text
    elif sign and rounded_zero:
        text = "±" + text
    return text


def fmt_int(value: float | int | None, *, lang: str = "nb") -> str:
    """Format a count: ``1234`` → ``1 234`` (non-breaking space), ``1,234`` in English.

    Examples
    --------
    >>> fmt_int(1234)
    '1\\xa0234'
    """
    return fmt_number(value, 0, lang=lang)


def fmt_pct(share: float | None, decimals: int = 1, *, lang: str = "nb", sign: bool = False) -> str:
    """Format a share (0–1) as percent: ``0.453`` → ``45,3 %`` (``45.3%`` in English).

    Examples
    --------
    >>> fmt_pct(0.453)
    '45,3\\xa0%'
    >>> fmt_pct(None)
    ':'
    """
    if _missing(share):
        return SUPPRESSED
    number = fmt_number(100 * float(share), decimals, lang=lang, sign=sign)  # type: ignore[arg-type]
    return f"{number}{NBSP}%" if lang == "nb" else f"{number}%"


def fmt_pp(difference: float | None, decimals: int = 1, *, lang: str = "nb") -> str:
    """Format a difference of two shares in percentage points, with its sign.

    Examples
    --------
    >>> fmt_pp(0.021)
    '+2,1\\xa0p.p.'
    >>> fmt_pp(-0.021, lang="en")
    '-2.1 pp'
    """
    if _missing(difference):
        return SUPPRESSED
    number = fmt_number(100 * float(difference), decimals, lang=lang, sign=True)  # type: ignore[arg-type]
    return f"{number}{NBSP}p.p." if lang == "nb" else f"{number} pp"


def fmt_range(low: float | None, high: float | None, *, percent: bool = True, decimals: int = 1, lang: str = "nb") -> str:
    """Format an interval: ``41,2–49,5`` (shares in percent, without the sign).

    Examples
    --------
    >>> fmt_range(0.412, 0.495)
    '41,2–49,5'
    """
    if _missing(low) or _missing(high):
        return SUPPRESSED
    scale = 100.0 if percent else 1.0
    lo = fmt_number(scale * float(low), decimals, lang=lang)  # type: ignore[arg-type]
    hi = fmt_number(scale * float(high), decimals, lang=lang)  # type: ignore[arg-type]
    return f"{lo}{EN_DASH}{hi}"


def fmt_value(value: float | None, kind: str, *, decimals: int | None = None, lang: str = "nb") -> str:
    """Format an estimate by its kind: shares as percent, other kinds as numbers.

    Examples
    --------
    >>> fmt_value(0.5, "share")
    '50,0\\xa0%'
    >>> fmt_value(15321.4, "ratio")
    '15\\xa0321'
    """
    if kind == "share":
        return fmt_pct(value, 1 if decimals is None else decimals, lang=lang)
    if decimals is None:
        decimals = 0 if not _missing(value) and abs(float(value)) >= 100 else 2  # type: ignore[arg-type]
    return fmt_number(value, decimals, lang=lang)


def fmt_p(p: float | None, *, lang: str = "nb") -> str:
    """Format a p-value: ``0,032``; below 0.001 as ``< 0,001``.

    Examples
    --------
    >>> fmt_p(0.0321)
    '0,032'
    >>> fmt_p(0.00001)
    '<\\xa00,001'
    """
    if _missing(p):
        return SUPPRESSED
    if float(p) < 0.001:  # type: ignore[arg-type]
        return f"<{NBSP}" + fmt_number(0.001, 3, lang=lang)
    return fmt_number(p, 3, lang=lang)


def unit_of(kind: str | None, display: str | None = None) -> str:
    """The unit a value is shown in: ``"pct"``, ``"kr"``, ``"mill_kr"`` or ``"number"``.

    The analysis's own ``display`` column says how it shows a value (``5,3 %``, ``18 695 kr``);
    a share is always a percent.

    Examples
    --------
    >>> unit_of("ratio", "5,3 %"), unit_of("total", "1 404 837 234 kr"), unit_of("share")
    ('pct', 'mill_kr', 'pct')
    """
    text = (display or "").strip()
    if kind == "share" or text.endswith("%"):
        return "pct"
    if text.endswith("kr"):
        return "mill_kr" if kind == "total" else "kr"
    return "number"


def fmt_unit(value: float | None, unit: str, *, lang: str = "nb", sign: bool = False, difference: bool = False) -> str:
    """Format ``value`` in ``unit`` (from :func:`unit_of`); differences of percents in points.

    Examples
    --------
    >>> fmt_unit(0.053, "pct"), fmt_unit(1404837234, "mill_kr"), fmt_unit(-9788.3, "kr", sign=True)
    ('5,3\\xa0%', '1\\xa0404,8\\xa0mill.\\xa0kr', '−9\\xa0788\\xa0kr')
    >>> fmt_unit(-0.1626, "pct", difference=True)
    '−16,3\\xa0p.p.'
    """
    if _missing(value):
        return SUPPRESSED
    if unit == "pct":
        return fmt_pp(value, lang=lang) if difference else fmt_pct(value, lang=lang, sign=sign)
    if unit == "mill_kr":
        unit_text = f"{NBSP}mill.{NBSP}kr" if lang == "nb" else f"{NBSP}NOK{NBSP}m"
        return fmt_number(float(value) / 1e6, 1, lang=lang, sign=sign) + unit_text  # type: ignore[arg-type]
    if unit == "kr":
        return fmt_number(value, 0, lang=lang, sign=sign) + NBSP + ("kr" if lang == "nb" else "NOK")
    return fmt_number(value, 0 if abs(float(value)) >= 100 else 2, lang=lang, sign=sign)  # type: ignore[arg-type]


def fmt_bound(value: float | None, unit: str, *, lang: str = "nb") -> str:
    """One end of a difference's interval, signed and without the unit (``+1,8``, ``−3,2``).

    Examples
    --------
    >>> fmt_bound(0.018, "pct"), fmt_bound(-3210.0, "kr")
    ('+1,8', '−3\\xa0210')
    """
    if _missing(value):
        return SUPPRESSED
    if unit == "pct":
        return fmt_number(100 * float(value), 1, lang=lang, sign=True)  # type: ignore[arg-type]
    if unit == "mill_kr":
        return fmt_number(float(value) / 1e6, 1, lang=lang, sign=True)  # type: ignore[arg-type]
    return fmt_number(value, 0 if abs(float(value)) >= 100 else 2, lang=lang, sign=True)  # type: ignore[arg-type]
