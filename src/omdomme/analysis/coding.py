"""`omdomme code <round>`: proposals for every free-text answer in ``surveys/<round>/koding.csv``.

The file has one row per respondent × rated county with a free-text answer (the definition's
``text =`` variable): ``respondent, county, text, vendor`` (the vendor's coding), ``proposed``
(:func:`omdomme.coding.propose_codes`), ``reason`` (the words behind each proposed code),
``same`` (``ja``/``nei``: proposal and vendor agree) and ``analyst`` — the one column the
analyst edits. Codes are written as category ids of the frame separated by ``;``, «vet ikke»
/ nothing as ``vet_ikke``.

Running the command again rewrites every column but ``analyst``, which is kept for every
respondent × county already in the file. ``analyse`` then uses, per answer, the analyst's
coding where the ``analyst`` cell is filled in, the vendor's otherwise
(:func:`apply_coding`), and records how many of each in the manifest.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from omdomme.analysis.associations import coded_question
from omdomme.definitions import Definition, load_definition
from omdomme.errors import DefinitionError
from omdomme.results.manifest import file_entry, sha256_of

FILE_NAME = "koding.csv"
VET_IKKE = "vet_ikke"
COLUMNS = ["respondent", "county", "text", "vendor", "proposed", "reason", "same", "analyst"]


@dataclass(frozen=True)
class CodingRun:
    """What ``omdomme code`` wrote: the file, its rows, the analyst's rows kept, the agreement."""

    path: Path
    rows: int
    analyst_kept: int
    agreement: pl.DataFrame
    disagreements: int


def _codes_text(codes: pl.Expr, vet_ikke: pl.Expr) -> pl.Expr:
    return pl.when(vet_ikke.fill_null(False)).then(pl.lit(VET_IKKE)).otherwise(codes.list.join(";"))


def _respondent(data: pl.DataFrame, name: str) -> pl.Expr:
    """The respondent id as written in the file; whole numbers stored as floats (SPSS) without «.0»."""
    col = data.get_column(name)
    if col.dtype.is_float() and col.drop_nulls().is_finite().all() and (col.drop_nulls() % 1 == 0).all():
        return pl.col(name).cast(pl.Int64).alias("respondent")
    return pl.col(name).alias("respondent")


def _answers(definition: Definition, data: pl.DataFrame) -> pl.DataFrame:
    """Respondent, rated county and free text, one row per respondent × county (text may be null)."""
    q = coded_question(definition)
    if q is None or not q.text:
        raise DefinitionError(
            f"{definition.path}: no free text to code: [questions.<name>] of the associations has no "
            f"`text = \"...{{target}}\"` variable; add the vendor's free-text variable, e.g. text = \"assos_tekst_{{target}}\"."
        )
    frames = []
    for county, token in definition.targets.items():
        column = q.text.replace("{target}", token)
        if column not in data.columns:
            raise DefinitionError(
                f"{definition.path}: free-text variable `{column}` ([questions.{q.name}] text for {county}) "
                f"is not in {definition.data_path.name}; fix `text` or the file."
            )
        frames.append(data.select(
            _respondent(data, definition.design.id), pl.lit(county).alias("county"),
            pl.col(column).cast(pl.String).str.strip_chars().alias("text"),
        ))
    return pl.concat(frames)


def code_round(round: int, *, root: str | Path = Path(".")) -> CodingRun:
    """Propose codes for every free-text answer of a round and (re)write ``surveys/<round>/koding.csv``.

    Parameters
    ----------
    round
        The round; ``<root>/surveys/<round>/omdomme.toml`` must name a ``text =`` variable.
    root
        The project folder.

    Returns
    -------
    CodingRun
        The file written, its rows, how many analyst codings were kept, the agreement of the
        proposals with the vendor's coding per code (share agreeing, Cohen's kappa), and the
        number of answers on which they disagree (``same = nei`` in the file).

    Examples
    --------
    >>> run = code_round(2018)                                      # doctest: +SKIP
    >>> run.agreement.select("code", "agree", "kappa")              # doctest: +SKIP
    """
    from omdomme.coding import agreement, propose_codes
    from omdomme.definitions.harmonise import harmonise

    root = Path(root)
    definition = load_definition(round, "omdomme", root)
    q = coded_question(definition)
    data, meta = definition.read()
    answers = _answers(definition, data)
    assert q is not None
    frame = list(q.categories)
    vendor = harmonise(definition, data, meta).long.select(
        pl.col("respondent").cast(answers["respondent"].dtype), pl.col("target").alias("county"),
        pl.col(q.name).fill_null([]).alias("v_codes"), pl.col(f"{q.name}__vet_ikke").fill_null(True).alias("v_vi"),
    )
    answers = answers.join(vendor, on=["respondent", "county"], how="left", maintain_order="left")
    # The vendor's categories in frame order, as the proposals are.
    order = {c: i for i, c in enumerate(frame)}
    answers = answers.with_columns(pl.col("v_codes").list.eval(
        pl.element().sort_by(pl.element().replace_strict(order, default=len(order), return_dtype=pl.Int64))))
    proposed = propose_codes(answers["text"], frame)
    table = answers.with_columns(p_codes=proposed["codes"], p_vi=proposed["vet_ikke"], reason=proposed["reason"])
    table = table.with_columns(
        _codes_text(pl.col("v_codes"), pl.col("v_vi")).alias("vendor"),
        _codes_text(pl.col("p_codes"), pl.col("p_vi")).alias("proposed"),
    ).with_columns(pl.when(pl.col("vendor") == pl.col("proposed")).then(pl.lit("ja")).otherwise(pl.lit("nei")).alias("same"))
    path = definition.path.parent / FILE_NAME
    kept = 0
    if path.is_file():
        old = read_coding(path, frame)
        kept_rows = old.filter(pl.col("analyst").is_not_null()).select(
            pl.col("respondent").cast(table["respondent"].dtype), "county", "analyst")
        table = table.join(kept_rows, on=["respondent", "county"], how="left", maintain_order="left")
        kept = int(table["analyst"].is_not_null().sum())
    else:
        table = table.with_columns(pl.lit(None, pl.String).alias("analyst"))
    stats = agreement(
        table.select(pl.col("p_codes").alias("codes"), pl.col("p_vi").alias("vet_ikke")),
        table.select(pl.col("v_codes").alias("codes"), pl.col("v_vi").alias("vet_ikke")), frame,
    )
    out = table.select(COLUMNS)
    _write_atomic(out, path)
    return CodingRun(path=path, rows=out.height, analyst_kept=kept, agreement=stats,
                     disagreements=int((out["same"] == "nei").sum()))


def _write_atomic(frame: pl.DataFrame, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        frame.write_csv(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_coding(path: Path, frame: list[str]) -> pl.DataFrame:
    """Read ``koding.csv``; every ``analyst`` cell must be categories of the frame or ``vet_ikke``."""
    try:
        table = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as err:
        raise DefinitionError(f"{path}: cannot be read as CSV ({err}); rerun `omdomme code` to rewrite it.") from err
    missing = [c for c in ("respondent", "county", "analyst") if c not in table.columns]
    if missing:
        raise DefinitionError(f"{path}: columns {missing} are missing; rerun `omdomme code` to rewrite the file.")
    table = table.with_columns(pl.col("analyst").str.strip_chars().replace("", None))
    parts = table.filter(pl.col("analyst").is_not_null()).with_row_index("line", offset=2).select(
        "line", "respondent", "county", pl.col("analyst").str.split(";").alias("codes")).explode("codes").with_columns(
        pl.col("codes").str.strip_chars())
    bad = parts.filter(~pl.col("codes").is_in([*frame, VET_IKKE]))
    if bad.height:
        r = bad.row(0, named=True)
        raise DefinitionError(
            f"{path}: `analyst` of respondent {r['respondent']} about {r['county']} is {r['codes']!r}, not a "
            f"category of the frame; use {', '.join(frame)} or {VET_IKKE}, separated by ';' "
            f"({bad.height} such cell(s))."
        )
    return table


def coding_file(definition: Definition) -> Path | None:
    """The round's ``koding.csv`` when it exists and the definition has a coded question, else None.

    ``analyse`` reads it (:func:`apply_coding`), so it is an input of the round like the data
    file: listed in the manifest's ``inputs`` and part of the check that lets a stored previous
    round be reused.
    """
    path = definition.path.parent / FILE_NAME
    return path if coded_question(definition) is not None and path.is_file() else None


def coding_inputs(definition: Definition, root: Path) -> list[dict[str, Any]]:
    """The manifest's ``inputs`` entry of ``koding.csv`` (path, size, sha256, ``role = "coding"``), if any."""
    path = coding_file(definition)
    return [] if path is None else [file_entry(path, root) | {"role": "coding"}]


def apply_coding(definition: Definition, long: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Any] | None]:
    """Use the analyst's coding from ``koding.csv`` where filled in, the vendor's elsewhere.

    Returns the long frame with the association columns replaced for the analyst's rows, and
    the manifest entry (``file``, ``sha256``, ``analyst`` and ``vendor`` answer counts), or
    ``None`` when the round has no ``koding.csv`` (the vendor's coding throughout).
    """
    q = coded_question(definition)
    path = coding_file(definition)
    if q is None or path is None:
        return long, None
    frame = list(q.categories)
    table = read_coding(path, frame).filter(pl.col("analyst").is_not_null())
    analyst = table.select(
        pl.col("respondent").cast(long["respondent"].dtype, strict=False), pl.col("county").alias("target"),
        pl.col("analyst").str.split(";").list.eval(pl.element().str.strip_chars()).alias("_codes"),
    ).with_columns(
        pl.col("_codes").list.contains(VET_IKKE).alias("_vi"),
        pl.col("_codes").list.filter(pl.element() != VET_IKKE).list.unique().list.sort().alias("_codes"),
    )
    out = long.join(analyst, on=["respondent", "target"], how="left", maintain_order="left")
    use = pl.col("_vi").is_not_null()
    out = out.with_columns(
        pl.when(use).then(pl.col("_codes")).otherwise(pl.col(q.name)).alias(q.name),
        pl.when(use).then(pl.col("_vi") & (pl.col("_codes").list.len() == 0))
        .otherwise(pl.col(f"{q.name}__vet_ikke")).alias(f"{q.name}__vet_ikke"),
    ).drop("_codes", "_vi")
    n_analyst = long.join(analyst.select("respondent", "target"), on=["respondent", "target"], how="semi").height
    answered = int(long[f"{q.name}__vet_ikke"].is_not_null().sum())
    info = {
        "file": path.name, "sha256": sha256_of(path),
        "analyst": n_analyst, "vendor": answered - n_analyst,
        "rule": "the analyst's coding where koding.csv has it, the vendor's elsewhere",
    }
    return out, info
