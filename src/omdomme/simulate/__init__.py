"""Synthetic survey rounds with a known truth: the project's shipped default data.

Real microdata are confidential, so ``surveys/2016`` … ``surveys/2026`` hold synthetic
rounds drawn from known population models (see ``surveys/README.md``):

- :func:`reputation_population` / :func:`draw_reputation_sample` / :func:`write_reputation_round`
  for Omdømmeundersøkelsen (every round 2016–2026);
- :func:`innovation_population` / :func:`draw_innovation_sample` / :func:`write_innovation_round`
  for Innovasjonsundersøkelsen (2016–2024);
- :func:`reputation_truth` / :func:`innovation_truth`: the population value of every
  indicator × target × domain the round's definition defines;
- :func:`simulate_rounds`: everything, deterministically from one seed.

Coverage studies build a population once and draw many samples from it::

    pop = reputation_population(2018, seed=20161)
    truth = reputation_truth(pop, 2018)
    for rep in range(200):
        raw, info = draw_reputation_sample(pop, 2018, seed=rep)
        ...  # or write_reputation_round(tmp, 2018, raw=raw, truth=truth) and analyse it
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from omdomme.errors import UsageError
from omdomme.simulate.definitions import innovation_definition, reputation_definition
from omdomme.simulate.innovation import (
    INNOVATION_ROUNDS,
    draw_innovation_sample,
    innovation_population,
)
from omdomme.simulate.reputation import (
    ReputationSample,
    draw_reputation_sample,
    reputation_population,
)
from omdomme.simulate.truth import innovation_truth, reputation_truth
from omdomme.simulate.vendor_c import (
    VENDOR_C_ROUNDS,
    vendor_c_definition,
    vendor_c_layout,
    vendor_c_metadata,
)
from omdomme.simulate.vendors import (
    innovation_metadata,
    reputation_layout,
    reputation_metadata,
)
from omdomme.simulate.writers import write_csv_with_codebook, write_spss

__all__ = [
    "DEFAULT_SEED",
    "INNOVATION_ROUNDS",
    "REPUTATION_ROUNDS",
    "ReputationSample",
    "draw_innovation_sample",
    "draw_reputation_sample",
    "innovation_population",
    "innovation_truth",
    "reputation_population",
    "reputation_truth",
    "simulate_rounds",
    "write_innovation_round",
    "write_reputation_round",
]

DEFAULT_SEED = 20161
REPUTATION_ROUNDS = (2016, 2018, 2020, 2022, 2024, 2026)


def _previous(round: int, rounds: Sequence[int]) -> int | None:
    earlier = [r for r in rounds if r < round]
    return max(earlier) if earlier else None


def write_reputation_round(out_dir: str | Path, round: int, *, raw: pl.DataFrame,
                           truth: pl.DataFrame | None = None, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write a reputation round: the data file in the vendor's format, ``omdomme.toml``, ``truth.csv``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The round's folder (``surveys/<round>``); created if missing.
    round : int
        The round.
    raw : polars.DataFrame
        Respondents in the vendor's shape, from :func:`draw_reputation_sample`.
    truth : polars.DataFrame, optional
        From :func:`reputation_truth`; written as ``truth.csv`` when given.
    seed : int
        Named in the definition's note.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> pop = reputation_population(2018)
    >>> raw, _ = draw_reputation_sample(pop, 2018, seed=1)
    >>> [p.name for p in write_reputation_round(tempfile.mkdtemp(), 2018, raw=raw)]
    ['omdomme-2018.sav', 'omdomme.toml']
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    previous = _previous(round, REPUTATION_ROUNDS)
    definition = folder / "omdomme.toml"
    if round in VENDOR_C_ROUNDS:
        c = vendor_c_layout(round)
        data_path = folder / c.file_name
        write_spss(raw, data_path, vendor_c_metadata(c), stamp_year=round)
        definition.write_text(vendor_c_definition(c, previous=previous, seed=seed), encoding="utf-8")
        written = [data_path, definition]
        if truth is not None:
            written.append(_write_truth(truth, folder / "truth.csv"))
        return written
    layout = reputation_layout(round)
    meta = reputation_metadata(layout)
    data_path = folder / layout.file_name
    written = [data_path]
    if layout.file_format == "csv":
        written.append(write_csv_with_codebook(raw, data_path, meta, decimal_columns=(layout.weight,)))
    else:
        write_spss(raw, data_path, meta, stamp_year=round)
    definition.write_text(reputation_definition(layout, previous=previous, seed=seed), encoding="utf-8")
    written.append(definition)
    if truth is not None:
        written.append(_write_truth(truth, folder / "truth.csv"))
    return written


def write_innovation_round(out_dir: str | Path, round: int, *, sample: pl.DataFrame,
                           truth: pl.DataFrame | None = None, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write an innovation round: ``innovasjon-<round>.sav``, ``innovasjon.toml``, ``truth-innovasjon.csv``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        The round's folder; created if missing.
    round : int
        The round.
    sample : polars.DataFrame
        From :func:`draw_innovation_sample`.
    truth : polars.DataFrame, optional
        From :func:`innovation_truth`.
    seed : int
        Named in the definition's note.

    Returns
    -------
    list of pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> sample, _ = draw_innovation_sample(innovation_population(2018), 2018, seed=1)
    >>> [p.name for p in write_innovation_round(tempfile.mkdtemp(), 2018, sample=sample)]
    ['innovasjon-2018.sav', 'innovasjon.toml']
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    data_path = folder / f"innovasjon-{round}.sav"
    write_spss(sample, data_path, innovation_metadata(), stamp_year=round)
    definition = folder / "innovasjon.toml"
    definition.write_text(innovation_definition(round, data_path.name, seed=seed), encoding="utf-8")
    written = [data_path, definition]
    if truth is not None:
        written.append(_write_truth(truth, folder / "truth-innovasjon.csv"))
    return written


def _write_truth(truth: pl.DataFrame, path: Path) -> Path:
    # Full precision, '.' decimal, UTF-8: a machine-readable file for tests and coverage studies.
    truth.write_csv(path, float_precision=12)
    return path


def simulate_rounds(out_dir: str | Path = "surveys", seed: int = DEFAULT_SEED, *,
                    rounds: Sequence[int] | None = None,
                    progress: Callable[[str], None] | None = None) -> list[Path]:
    """Generate the synthetic rounds (data, definitions, truth) under ``out_dir/<round>/``.

    Deterministic: the same seed gives byte-identical files.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder that receives one sub-folder per round (normally ``surveys``).
    seed : int
        Master seed; every population and sample is derived from it and the round.
    rounds : sequence of int, optional
        Which rounds (default: 2016, 2018, …, 2026); innovation rounds are written for those
        among 2016–2024.
    progress : callable, optional
        Called with one line of text per step.

    Returns
    -------
    list of pathlib.Path
        Every file written.

    Raises
    ------
    UsageError
        A round that the generator does not make.

    Examples
    --------
    >>> import tempfile
    >>> files = simulate_rounds(tempfile.mkdtemp(), rounds=[2024])
    >>> sorted(p.name for p in files)[:3]
    ['innovasjon-2024.sav', 'innovasjon.toml', 'omdomme-2024.sav']
    """
    chosen = tuple(REPUTATION_ROUNDS if rounds is None else rounds)
    unknown = [r for r in chosen if r not in REPUTATION_ROUNDS]
    if unknown:
        raise UsageError(
            f"no synthetic round {unknown} (rounds made: {', '.join(map(str, REPUTATION_ROUNDS))}); "
            f"pick from those, e.g. --rounds 2016,2018"
        )
    say = progress or (lambda _line: None)
    root = Path(out_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"cannot create the output folder {root} ({error.strerror}); choose a writable --out"
        ) from None
    written: list[Path] = []
    for round in chosen:
        folder = root / str(round)
        pop = reputation_population(round, seed=seed)
        raw, info = draw_reputation_sample(pop, round, seed=seed)
        files = write_reputation_round(folder, round, raw=raw, truth=reputation_truth(pop, round), seed=seed)
        written += files
        say(f"{round}: omdømme – {raw.height} respondenter (populasjon {pop.height}, "
            f"Kish deff {info.kish_deff:.2f}) -> {files[0]}")
        if round in INNOVATION_ROUNDS:
            firms = innovation_population(round, seed=seed)
            sample, strata = draw_innovation_sample(firms, round, seed=seed)
            written += write_innovation_round(folder, round, sample=sample,
                                              truth=innovation_truth(firms, round), seed=seed)
            say(f"{round}: innovasjon – {sample.height} foretak i {strata.height} strata "
                f"(populasjon {firms.height}) -> {folder / f'innovasjon-{round}.sav'}")
    return written
