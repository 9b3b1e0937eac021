"""How well two codings of the same answers agree, per code: share agreeing and Cohen's kappa.

Each coding is, per answer, a set of categories (an empty set with «vet ikke» true for
«vet ikke» / nothing said). Per code ``c`` (and the ``vet_ikke`` row) the two codings give two
0/1 vectors; the share agreeing is ``p_o``, Cohen's kappa ``(p_o − p_e) / (1 − p_e)`` with
``p_e = p_a p_b + (1 − p_a)(1 − p_b)`` (undefined, null, when both codings are constant and
equal, ``p_e = 1``). Unweighted: agreement is about the answers, not the population.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from omdomme.coding._lexicon import VET_IKKE


def mention_matrix(codes: pl.Series, vet_ikke: pl.Series, frame: Sequence[str]) -> np.ndarray:
    """0/1 matrix (answers × ``[*frame, "vet_ikke"]``): is each code in the answer's set.

    Examples
    --------
    >>> mention_matrix(pl.Series([["steder"], []]), pl.Series([False, True]), ["steder", "natur"]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    frame = list(frame)
    cols = [codes.list.contains(c).fill_null(False).to_numpy() for c in frame]
    cols.append(vet_ikke.fill_null(False).to_numpy())
    return np.column_stack(cols).astype(float) if cols else np.zeros((codes.len(), 0))


def agreement(a: pl.DataFrame, b: pl.DataFrame, frame: Sequence[str]) -> pl.DataFrame:
    """Per code of the frame (and «vet ikke»): how often coding ``a`` and coding ``b`` agree.

    Parameters
    ----------
    a, b
        The same answers in the same order, each with ``codes`` (list of categories) and
        ``vet_ikke`` (bool), e.g. :func:`~omdomme.coding.propose_codes` and the vendor's coding.
    frame
        The categories, in the order of the output.

    Returns
    -------
    polars.DataFrame
        ``code, n, both, only_a, only_b, neither, agree`` (share of answers on which the two
        agree about this code), ``kappa`` (Cohen's; null when undefined).

    Examples
    --------
    >>> a = pl.DataFrame({"codes": [["steder"], ["steder"], [], ["natur"]], "vet_ikke": [False, False, True, False]})
    >>> b = pl.DataFrame({"codes": [["steder"], ["natur"], [], ["natur"]], "vet_ikke": [False, False, True, False]})
    >>> agreement(a, b, ["steder", "natur"]).select("code", "agree", "kappa").rows()
    [('steder', 0.75, 0.5), ('natur', 0.75, 0.5), ('vet_ikke', 1.0, 1.0)]
    """
    if a.height != b.height:
        raise ValueError(f"agreement: the two codings cover {a.height} and {b.height} answers; they must be the same answers")
    x = mention_matrix(a["codes"], a["vet_ikke"], frame)
    y = mention_matrix(b["codes"], b["vet_ikke"], frame)
    n = x.shape[0]
    both = (x * y).sum(axis=0)
    only_a = (x * (1 - y)).sum(axis=0)
    only_b = ((1 - x) * y).sum(axis=0)
    neither = n - both - only_a - only_b
    with np.errstate(invalid="ignore", divide="ignore"):
        po = (both + neither) / n
        pa, pb = x.mean(axis=0), y.mean(axis=0)
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = np.where(np.isclose(pe, 1.0), np.nan, (po - pe) / (1 - pe))
    return pl.DataFrame({
        "code": [*frame, VET_IKKE], "n": [n] * x.shape[1], "both": both.astype(np.int64),
        "only_a": only_a.astype(np.int64), "only_b": only_b.astype(np.int64), "neither": neither.astype(np.int64),
        "agree": po, "kappa": kappa,
    }).with_columns(pl.col("agree", "kappa").fill_nan(None))
