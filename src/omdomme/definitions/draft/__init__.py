"""A first round definition drafted from a vendor file's own metadata (``omdomme draft``).

A well-labelled SPSS file (or a CSV with its codebook) says most of what ``omdomme.toml``
needs: which variable asks which question about which county (the variable labels), which
codes are «vet ikke» or a refusal (the value labels), how sex is coded, whether age is in
years or bands, which variables are the weight, the id and the sample. :func:`draft_definition`
reads that and writes the definition with the partnership's standard indicators and domains,
under the ids of the shipped rounds so that series continue. Every guess it cannot read off a
label carries a ``# TODO:`` comment; when the labels say everything, the draft runs as it is.

- :mod:`._words`: the label vocabulary (Norwegian and English) and the readers of one label:
  :func:`county_named`, :func:`question_role`, :func:`code_role`, :func:`age_band`;
- :mod:`._file`: what the whole file says (grids, codes by role, respondent variables);
- :mod:`._toml`: the definition's text, the standard set, the comparison with a previous round.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omdomme.definitions.draft._file import Reader
from omdomme.definitions.draft._toml import Previous, render
from omdomme.definitions.draft._words import age_band, code_role, county_named, question_role
from omdomme.errors import UsageError
from omdomme.io import read

__all__ = ["Draft", "age_band", "code_role", "county_named", "draft_definition", "question_role", "write_draft"]


@dataclass(frozen=True)
class Draft:
    """A drafted ``omdomme.toml``: its text, the guesses to check, and what was found.

    Attributes
    ----------
    text : str
        The definition (TOML), every guess marked ``# TODO: …``.
    todos : tuple of str
        One line per guess, as in the file.
    found : tuple of str
        One line per part of the definition read off the labels (for the terminal).
    """

    text: str
    todos: tuple[str, ...]
    found: tuple[str, ...]


def draft_definition(file: str | Path, round: int, *, definition_path: str | Path | None = None,
                     like: tuple[int, Any, Any] | None = None) -> Draft:
    """Draft ``omdomme.toml`` for ``round`` from the labels of the vendor file ``file``.

    Parameters
    ----------
    file : str or pathlib.Path
        The vendor's data file as delivered (``.sav``, ``.zsav``, ``.por``, or ``.csv`` with
        its codebook beside it).
    round : int
        The round the file belongs to.
    definition_path : str or pathlib.Path, optional
        Where the definition will be written (``surveys/<round>/omdomme.toml``): the data
        file's path is written relative to it. Default: beside the data file.
    like : (round, Definition, Metadata), optional
        The previous round's definition and its data file's metadata: labels that changed
        get a new ``scale_id`` and a comment.

    Returns
    -------
    Draft
    """
    path = Path(file)
    data, meta = read(path)
    facts = Reader(data, meta, round).facts()
    previous = Previous(*like) if like is not None else None
    where = Path(definition_path) if definition_path is not None else path.with_name("omdomme.toml")
    text, todos, found = render(facts, path, where, previous)
    return Draft(text, tuple(todos), tuple(found))


def write_draft(file: str | Path, round: int, *, root: str | Path = ".", like: int | None = None,
                force: bool = False) -> tuple[Path, Draft]:
    """Draft ``surveys/<round>/omdomme.toml`` from ``file`` and write it (``omdomme draft``).

    Parameters
    ----------
    file : str or pathlib.Path
        The vendor's data file as delivered.
    round : int
        The round to draft.
    root : str or pathlib.Path
        The project folder holding ``surveys/``.
    like : int, optional
        A previous round (its definition and data file): labels that changed since then get a
        new ``scale_id`` and a comment; ``previous`` is set to it.
    force : bool
        Overwrite an existing definition.

    Returns
    -------
    (pathlib.Path, Draft)
        The file written and the draft.

    Raises
    ------
    UsageError
        The definition exists and ``force`` is false; ``like`` names a round without a definition.
    ReadError
        The data file cannot be read.
    """
    from omdomme.definitions._load import load_definition

    target = Path(root) / "surveys" / str(round) / "omdomme.toml"
    if target.exists() and not force:
        raise UsageError(
            f"{target} exists; `omdomme draft` does not overwrite a definition (it may hold your edits). "
            f"Pass --force to replace it, or move it away first."
        )
    previous = None
    if like is not None:
        definition = load_definition(like, "omdomme", root=root)
        _, meta = definition.read()
        previous = (like, definition, meta)
    draft = draft_definition(file, round, definition_path=target, like=previous)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written whole or not at all: a half-written definition would be read as a broken one.
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(draft.text, encoding="utf-8")
    partial.replace(target)
    return target, draft
