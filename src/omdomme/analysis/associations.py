"""Associations as a multiple-response set: the whole code frame and indicators over groups of codes.

What people think of when they hear a county's name is coded into the categories of a frame
(``[questions.<q>.codes]``); one respondent may mention several. The frame is estimated as a
multiple-response set: for each rated county × domain, the share mentioning each category
(the shares do not sum to 1) and the share answering only «vet ikke» (its own row), all on the
same base — every respondent of the domain who answered the question — and in one estimator
call, so the joint covariance of all the shares of a county (and between counties: the same
respondents rate every county) comes with them.

The estimator works on the harmonised representation of a coded question: per long row
(respondent × rated county) ``<q>`` (the list of categories mentioned, null: no answer) and
``<q>__vet_ikke``; a multiple-category set (code slots) and a multiple-dichotomy set (one 0/1
variable per category) both harmonise to it, and :func:`mentions` turns it into one 0/1
column per category.

Frame indicators get the ids ``assos_<category>`` and ``assos_vet_ikke``: the prefix
``ASSOCIATION_PREFIX`` marks the rows of the multiple-response set in the estimates table
(``kind`` stays ``share``: each row is a share); derived indicators are declared in the
definition with ``count = {any = [...], only = [...], none_of = [...]}``
(:class:`omdomme.definitions.CodeGroup`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from omdomme.definitions import CodeGroup, Definition, Indicator, Question
from omdomme.labels import builtin_en

ASSOCIATION_PREFIX = "assos_"
VET_IKKE_ROW = "vet_ikke"
# Norwegian labels of the shipped frame's categories (a definition's own categories keep their id).
CATEGORY_LABELS = {
    "steder": "steder og byer", "sverige": "Sverige og grensehandel", "natur": "natur og kyst",
    "dialekt": "dialekt", "naeringsliv": "næringsliv og industri", "verdier": "verdier og egenskaper",
    "kultur": "kultur og historie", "negativ": "negative stereotypier", "annet": "annet",
}
# ... and their English names (``--lang en``).
CATEGORY_LABELS_EN = {
    "steder": "places and towns", "sverige": "Sweden and border trade", "natur": "nature and coast",
    "dialekt": "dialect", "naeringsliv": "business and industry", "verdier": "values and characteristics",
    "kultur": "culture and history", "negativ": "negative stereotypes", "annet": "other",
}


def coded_question(definition: Definition) -> Question | None:
    """The definition's association question (the first coded one), if any."""
    return next((q for q in definition.questions.values() if q.is_coded), None)


def frame_indicators(definition: Definition) -> tuple[Indicator, ...]:
    """One indicator per category of the frame, and one for «vet ikke», over every domain.

    Examples
    --------
    >>> from omdomme.definitions import load_definition
    >>> [i.id for i in frame_indicators(load_definition(2018))][:3]
    ['assos_steder', 'assos_sverige', 'assos_natur']
    """
    q = coded_question(definition)
    if q is None:
        return ()
    domains = tuple(definition.domains)
    categories = list(q.categories)
    out = [
        Indicator(id=f"{ASSOCIATION_PREFIX}{c}", label=f"Nevner {CATEGORY_LABELS.get(c, c)}", question=q.name,
                  count=CodeGroup(any=(c,)), base="all", better="higher", domains=domains,
                  label_en=f"Mentions {CATEGORY_LABELS_EN[c]}" if c in CATEGORY_LABELS_EN else None)
        for c in categories
    ]
    out.append(Indicator(id=f"{ASSOCIATION_PREFIX}{VET_IKKE_ROW}", label="Vet ikke / nevner ingenting",
                         question=q.name, count="vet_ikke", base="all", better="lower", domains=domains,
                         label_en=builtin_en("Vet ikke / nevner ingenting")))
    return tuple(out)


def mentions(q: Question) -> dict[str, pl.Expr]:
    """0/1 «mentions category c» per long row (null: no answer), for every category of the frame."""
    listed = pl.col(q.name)
    return {c: pl.when(listed.is_not_null()).then(listed.list.contains(c).cast(pl.Float64))
            for c in q.categories}


def group_hit(group: CodeGroup, q: Question) -> pl.Expr:
    """True where a respondent's mentions satisfy the code group (false for no answer or «vet ikke»).

    Examples
    --------
    >>> from omdomme.definitions import Question
    >>> q = Question(name="a", variable=None, variables=("x",), vet_ikke=(), codes={1: "steder", 2: "natur", 3: "verdier"})
    >>> df = pl.DataFrame({"a": [["steder"], ["steder", "verdier"], [], None]})
    >>> df.select(group_hit(CodeGroup(only=("steder", "natur")), q)).to_series().to_list()
    [True, False, False, False]
    """
    m = mentions(q)
    hit = pl.lit(True)
    if group.any:
        hit = hit & pl.any_horizontal([m[c] == 1 for c in group.any])
    if group.only:
        outside = [c for c in m if c not in group.only]
        hit = hit & pl.any_horizontal([m[c] == 1 for c in group.only])
        if outside:
            hit = hit & ~pl.any_horizontal([m[c] == 1 for c in outside])
    if group.none_of:
        hit = hit & ~pl.any_horizontal([m[c] == 1 for c in group.none_of])
    return hit.fill_null(False)


def frame_covariance(estimated: Any, target: str, domain: str = "alle") -> pl.DataFrame:
    """The joint covariance of the frame's shares for one rated county and domain.

    Parameters
    ----------
    estimated
        :class:`omdomme.analysis.reputation.RoundEstimates` (its ``joint`` covariance).
    target, domain
        The rated county and the domain.

    Returns
    -------
    polars.DataFrame
        ``row, col, cov`` over the ``assos_*`` indicators, in frame order.
    """
    frame = [i.id for i in frame_indicators(estimated.definition)]
    # The frame's shares are in the first estimator call (with the definition's own share cells):
    # ``joint[0] = (keys, V)``, ``keys._pos`` the row of ``V``.
    keys, v = estimated.joint[0]
    cells = keys.filter(pl.col("breakdown").is_null() & pl.col("category").is_null()
                        & (pl.col("domain") == domain) & (pl.col("target") == target))
    index = dict(zip(cells["indicator"].to_list(), cells["_pos"].to_list(), strict=True))
    pos = [index[ind] for ind in frame]
    block = np.asarray(v)[np.ix_(pos, pos)]
    return pl.DataFrame({
        "row": [a for a in frame for _ in frame], "col": [b for _ in frame for b in frame],
        "cov": block.reshape(-1),
    })
