"""The report's colours, and the contrast check that keeps them readable (WCAG 2.1 AA).

Graphics (points, lines, bar segments) need a contrast of at least 3:1 against the white
background (success criterion 1.4.11), text at least 4.5:1 (1.4.3). Colour is never the only
cue: Østfold also has its own marker and a bold label, trend lines are labelled at their
ends, and bar segments carry their numbers.

Examples
--------
>>> round(contrast_ratio("#FFFFFF", "#000000"), 1)
21.0
>>> all(contrast_ratio(c, BACKGROUND) >= 3 for c in GRAPHICS.values())
True
"""

from __future__ import annotations

BACKGROUND = "#FFFFFF"
TEXT = "#2B2D33"
MUTED_TEXT = "#5A5F69"
OSTFOLD = "#00798C"
AKERSHUS = "#B35C00"
NORGE = "#3D405B"
OTHER = "#737B86"   # the other counties
# Ranks 1-3 (the goal: third or better) in teals, 4 and 5 in greys; white numbers on each.
RANK_COLOURS = ("#003B44", "#00798C", "#3B7D6E", "#6B7380", "#46525E")
RANK_TEXT = "#FFFFFF"
CATEGORY_COLOURS = (OSTFOLD, AKERSHUS, NORGE, "#4E7D63", "#8A6D1E", "#9C6644")
# The other four counties where each needs its own shade (the association profile): dark to light,
# the lightest still >= 3:1 on white.
COUNTY_GREYS = ("#2E3238", "#4D535B", "#656C75", "#7A818A")

# Every colour drawn as a graphic the reader needs (checked >= 3:1 against the background).
GRAPHICS: dict[str, str] = {
    "ostfold": OSTFOLD, "akershus": AKERSHUS, "norge": NORGE, "other": OTHER,
    **{f"rank_{i + 1}": c for i, c in enumerate(RANK_COLOURS)},
    **{f"category_{i + 1}": c for i, c in enumerate(CATEGORY_COLOURS)},
    **{f"county_grey_{i + 1}": c for i, c in enumerate(COUNTY_GREYS)},
}
# Every text colour with the colour it is drawn on (checked >= 4.5:1).
TEXTS: dict[str, tuple[str, str]] = {
    "text": (TEXT, BACKGROUND), "muted_text": (MUTED_TEXT, BACKGROUND),
    **{f"rank_{i + 1}_label": (RANK_TEXT, c) for i, c in enumerate(RANK_COLOURS)},
}


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours (1 to 21).

    Examples
    --------
    >>> round(contrast_ratio("#00798C", "#FFFFFF"), 2)
    5.1
    """
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def low_contrast(graphics: dict[str, str] | None = None, texts: dict[str, tuple[str, str]] | None = None,
                 background: str = BACKGROUND) -> list[str]:
    """The colours that fail: graphics under 3:1 against ``background``, texts under 4.5:1.

    Examples
    --------
    >>> low_contrast({"pale": "#D5D9DF"}, {})
    ['pale: 1.42:1 against #FFFFFF (graphics need 3:1)']
    """
    graphics = GRAPHICS if graphics is None else graphics
    texts = TEXTS if texts is None else texts
    failures = [f"{name}: {contrast_ratio(c, background):.2f}:1 against {background} (graphics need 3:1)"
                for name, c in graphics.items() if contrast_ratio(c, background) < 3.0]
    failures += [f"{name}: {contrast_ratio(fg, bg):.2f}:1 on {bg} (text needs 4.5:1)"
                 for name, (fg, bg) in texts.items() if contrast_ratio(fg, bg) < 4.5]
    return failures
