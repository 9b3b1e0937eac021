"""Reading what `omdomme analyse` wrote: the report's only source of numbers.

The report never re-estimates. It reads ``analyses/<round>/`` (estimates, comparisons, ranks
and manifest.json, docs/architecture.md §5), earlier analysed rounds for the trend, and the
round definition only for what the outputs do not carry (whether the data are synthetic, the
round to compare with).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from omdomme.definitions import read_toml
from omdomme.errors import InputError, UsageError
from omdomme.labels import UNTRANSLATED, label_in

TABLES = ("estimates", "comparisons", "ranks")

#: Columns a round's ``estimates`` table must carry for rounds to be compared.
REQUIRED_ESTIMATE_COLUMNS = (
    "survey",
    "round",
    "indicator",
    "label",
    "kind",
    "better",
    "target",
    "domain",
    "estimate",
    "se",
    "df",
    "level",
    "flag",
)


#: Indicator kinds of the analyst's tables only (whole scales, mean and net scores).
TABLE_KINDS = ("scale", "mean", "net")
#: Comparisons of the analyst's tables (all pairs of counties, domain against domain).
TABLE_COMPARISONS = ("pair", "domain")


def main_estimates(frame: pl.DataFrame) -> pl.DataFrame:
    """The definition's own share rows (and the innovation survey's): no breakdown, scale, mean or net rows.

    Reports, ``compare`` and ``trend`` read these; ``omdomme table`` reads everything. A table
    written before the breakdown columns existed is returned as it is.

    Examples
    --------
    >>> f = pl.DataFrame({"domain": ["alle", "kjonn=mann"], "breakdown": [None, "kjonn"],
    ...                   "category": [None, None]})
    >>> main_estimates(f)["domain"].to_list()
    ['alle']
    """
    keep = pl.lit(True)
    for column in ("breakdown", "category"):
        if column in frame.columns:
            keep = keep & pl.col(column).is_null()
    if "kind" in frame.columns:
        keep = keep & ~pl.col("kind").is_in(TABLE_KINDS)
    return frame.filter(keep)


def labels_in(estimates: pl.DataFrame, lang: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    """How the estimates' ``label`` and ``domain_label`` read in ``lang``, and those left in bokmål.

    Returns ``{"label": {bokmål: shown}, "domain_label": {...}}`` (from ``label_en`` and
    ``domain_label_en``, :func:`omdomme.labels.label_in`) and the bokmål labels without an English
    one, which the English surfaces show marked «(nb)» and list. An analysis without the English
    columns (schema 3) has every label untranslated.
    """
    shown: dict[str, dict[str, str]] = {}
    untranslated: dict[str, None] = {}
    for col in ("label", "domain_label"):
        shown[col] = {}
        if not estimates.height or col not in estimates.columns:
            continue
        english = f"{col}_en"
        pairs = estimates.select(col, pl.col(english) if english in estimates.columns
                                 else pl.lit(None, pl.String).alias(english)).unique(maintain_order=True)
        for nb, en in pairs.iter_rows():
            if nb is None:
                continue
            shown[col][nb] = label_in(nb, en, lang)
            if lang != "nb" and shown[col][nb].endswith(UNTRANSLATED) and not nb.endswith(UNTRANSLATED):
                untranslated[nb] = None
    return shown, list(untranslated)


def main_comparisons(frame: pl.DataFrame) -> pl.DataFrame:
    """Comparisons without the analyst's tables' rows: all pairs, domain against domain, and the
    change across rounds of a breakdown level (``domain`` ``<breakdown>=<level>``) or of a mean or
    net score.

    Examples
    --------
    >>> f = pl.DataFrame({"comparison": ["round", "round", "pair"], "domain": ["alle", "kjonn=mann", "alle"],
    ...                   "kind": ["share", "share", "share"]})
    >>> main_comparisons(f)["domain"].to_list()
    ['alle']
    """
    keep = pl.lit(True)
    if "comparison" in frame.columns:
        keep = keep & ~pl.col("comparison").is_in(TABLE_COMPARISONS)
    if "domain" in frame.columns:
        keep = keep & ~pl.col("domain").str.contains("=", literal=True).fill_null(False)
    if "kind" in frame.columns:
        keep = keep & ~pl.col("kind").is_in(TABLE_KINDS).fill_null(False)
    return frame.filter(keep)


@dataclass(frozen=True)
class RoundResults:
    """The analysed outputs of one round, as the report sees them.

    Attributes
    ----------
    round
        The survey round, e.g. 2018.
    path
        The folder ``analyses/<round>/``.
    estimates, comparisons, ranks
        The contract's tables (empty frames when a table is absent).
    manifest
        ``manifest.json`` as a dict (empty when absent).
    """

    round: int
    path: Path
    estimates: pl.DataFrame
    comparisons: pl.DataFrame
    ranks: pl.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def surveys(self) -> list[str]:
        """The surveys present in the estimates, in the order ``omdomme``, ``innovasjon``, others."""
        present = set(self.estimates["survey"].unique().to_list()) if self.estimates.height else set()
        order = ["omdomme", "innovasjon"]
        return [s for s in order if s in present] + sorted(present - set(order))


def analyses_path(round: int, root: str | Path = ".") -> Path:
    """The folder where ``omdomme analyse <round>`` writes, under ``root``."""
    return Path(root) / "analyses" / str(round)


def _round_of(folder: Path) -> str:
    """The round a folder under ``analyses/`` belongs to, as the `omdomme analyse` argument."""
    return folder.name if folder.name.isdigit() else "<round>"


def damaged(path: Path, error: BaseException | str, rerun: str | None = None) -> InputError:
    """The one error for a damaged file under ``analyses/``: which file, what is wrong, the fix."""
    what = error if isinstance(error, str) else f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    fix = rerun or f"omdomme analyse {_round_of(path.parent)}"
    return InputError(
        f"{path} is damaged or incomplete ({str(what).rstrip('.')}); rerun `{fix}` to write it again."
    )


def read_manifest(folder: Path, required: bool = False) -> dict[str, Any]:
    """``manifest.json`` of an output folder as a dict; ``{}`` when absent (and not required).

    Raises
    ------
    InputError
        The file is not readable JSON object (truncated, hand-edited, a folder).

    Examples
    --------
    >>> read_manifest(Path("/nonexistent/analyses/2018"))
    {}
    """
    path = folder / "manifest.json"
    if not path.exists() and not required:
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise damaged(path, error) from None
    if not isinstance(manifest, dict):
        raise damaged(path, f"a JSON {type(manifest).__name__}, not an object")
    return manifest


def _sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_outputs(folder: Path, manifest: dict[str, Any], names: list[str] | None = None) -> None:
    """Check files of an output folder against the sha256 the writer put in the manifest.

    A table's CSV and parquet are written together from one frame; the report, ``compare`` and
    ``trend`` read the parquet. A CSV edited by hand (in Excel, say) or a parquet changed since
    no longer agree, so reading either would mislead: the message says which file changed and
    which one omdomme reads. Manifests from before the checksums (no ``outputs``) pass.

    Raises
    ------
    InputError
        Naming the file that changed.
    """
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict):
        return
    for name in names if names is not None else sorted(outputs):
        expected = outputs.get(name)
        path = folder / name
        if expected is None or not path.is_file():
            continue
        try:
            actual = _sha256_of(path)
        except OSError as error:
            raise damaged(path, error) from None
        if actual == expected:
            continue
        fix = f"omdomme analyse {_round_of(folder)}"
        if name.endswith(".csv"):
            stem = name.removesuffix(".csv")
            raise InputError(
                f"{path} was changed after omdomme wrote it (its sha256 is not the one in "
                f"{folder / 'manifest.json'}), so it no longer agrees with {stem}.parquet, which "
                f"omdomme reads. Undo the edit (edit a copy instead), or rerun `{fix}` to write both again."
            )
        raise damaged(path, f"its sha256 is not the one in {folder / 'manifest.json'}")


def read_output(path: Path, manifest: dict[str, Any] | None = None) -> pl.DataFrame:
    """Read one table file (parquet or CSV) under ``analyses/``; any damage is one InputError.

    With ``manifest``, the file and its CSV/parquet twin are checked against its checksums
    first (:func:`check_outputs`).

    Examples
    --------
    >>> read_output(Path("/nonexistent/analyses/2018/estimates.parquet"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    omdomme.errors.InputError: /nonexistent/analyses/2018/estimates.parquet is damaged or incomplete (FileNotFoundError...
    """
    if manifest is not None:
        stem = path.name.rsplit(".", 1)[0]
        check_outputs(path.parent, manifest, [f"{stem}.parquet", f"{stem}.csv"])
    try:
        if path.suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=None)
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError, ValueError) as error:
        raise damaged(path, error) from None


def read_table(folder: Path, name: str, manifest: dict[str, Any] | None = None) -> pl.DataFrame:
    """One table of a folder under ``analyses/``: ``<name>.parquet``, else ``<name>.csv``, else empty.

    The one place a table of the output contract is read from disk (the report, ``compare``
    and ``trend`` all come here). The files are checked against the checksums of the folder's
    manifest (read here when not given) and any damage is one :class:`InputError` naming the
    file and the rerun.
    """
    if manifest is None:
        manifest = read_manifest(folder)
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        return read_output(parquet, manifest)
    if csv.exists():
        return read_output(csv, manifest)
    return pl.DataFrame()


def load_round(round: int, root: str | Path = ".", *, tables: bool = False) -> RoundResults:
    """Read ``analyses/<round>/`` under ``root``.

    ``tables=False`` (what reports, ``compare`` and ``trend`` use): the definition's own
    indicator × domain rows only (:func:`main_estimates`, :func:`main_comparisons`);
    ``tables=True``: also the breakdown, whole-scale, all-pairs and domain rows.

    Raises
    ------
    UsageError
        When the round has not been analysed (no folder or no estimates table).

    Examples
    --------
    >>> results = load_round(2018, root=".")
    >>> results.round, results.surveys(), results.manifest["command"]
    (2018, ['omdomme', 'innovasjon'], 'analyse')
    """
    folder = analyses_path(round, root)
    if not (folder / "estimates.parquet").exists() and not (folder / "estimates.csv").exists():
        where = folder if folder.exists() else folder.parent
        raise UsageError(
            f"no analysis of round {round}: {folder}/estimates.parquet (or .csv) does not exist "
            f"(looked in {where.resolve()}); run `omdomme analyse {round}` first"
            + (f" (with --root {root})" if str(root) != "." else "")
            + ", then `omdomme report " + str(round) + "`."
        )
    manifest = read_manifest(folder)
    frames = {name: read_table(folder, name, manifest) for name in TABLES}
    if not tables:
        frames["estimates"] = main_estimates(frames["estimates"])
        frames["comparisons"] = main_comparisons(frames["comparisons"])
        # The ranks of the analyst's tables (mean and net scores, breakdown levels) go with their rows.
        if frames["ranks"].height and {"survey", "indicator", "domain"} <= set(frames["estimates"].columns):
            frames["ranks"] = frames["ranks"].join(frames["estimates"].select("survey", "indicator", "domain").unique(),
                                                   on=["survey", "indicator", "domain"], how="semi",
                                                   maintain_order="left")
    return RoundResults(round, folder, frames["estimates"], frames["comparisons"], frames["ranks"], manifest)


TREND_COLUMNS = ("survey", "round", "indicator", "label", "kind", "better", "target", "target_label",
                 "domain", "estimate", "ci_low", "ci_high", "flag", "segment")


def trend_estimates(survey: str, upto: int, root: str | Path = ".") -> pl.DataFrame:
    """Estimates of ``survey`` from every analysed round up to ``upto``, one frame.

    ``analyses/trend/trend.parquet`` (written by ``omdomme trend``) comes first: it carries
    ``segment``, which changes at a series break, so the chart does not join rounds across a
    break. Rounds it lacks come from their own ``analyses/<round>/``.

    Examples
    --------
    >>> trend_estimates("omdomme", 2018, root="/nonexistent").height
    0
    """
    parts: list[pl.DataFrame] = []
    trend_file = Path(root) / "analyses" / "trend" / "trend.parquet"
    needed = {"round", "indicator", "target", "domain", "estimate", "ci_low", "ci_high"}
    if trend_file.exists():
        frame = read_output(trend_file, read_manifest(trend_file.parent))
        if needed <= set(frame.columns):
            if "survey" in frame.columns:
                frame = frame.filter(pl.col("survey") == survey)
            frame = frame.filter(pl.col("round") <= upto)
            parts.append(frame.select([c for c in TREND_COLUMNS if c in frame.columns]))
    seen = set(parts[0]["round"].unique().to_list()) if parts else set()
    for r in analysed_rounds(root):
        if r > upto or r in seen:
            continue
        est = load_round(r, root).estimates
        cols = [c for c in TREND_COLUMNS if c in est.columns]
        parts.append(est.filter(pl.col("survey") == survey).select(cols))
    if not parts:
        return pl.DataFrame(schema={"round": pl.Int64, "indicator": pl.String, "target": pl.String,
                                    "domain": pl.String, "estimate": pl.Float64})
    return pl.concat(parts, how="diagonal_relaxed").sort(["indicator", "domain", "target", "round"])


def trend_goals(survey: str, upto: int, root: str | Path = ".") -> pl.DataFrame:
    """The goal rows of ``analyses/trend/goals`` for ``survey`` judged as of round ``upto``.

    Only rows whose latest analysed round is ``upto``: a trend written before ``upto`` was
    analysed is out of date, one written after it judges with rounds a report of ``upto``
    does not have. Empty when ``omdomme trend`` has not written the table.

    Examples
    --------
    >>> trend_goals("omdomme", 2018, root="/nonexistent").height
    0
    """
    path = Path(root) / "analyses" / "trend" / "goals.parquet"
    if not path.exists():
        return pl.DataFrame(schema={"survey": pl.String, "indicator": pl.String, "domain": pl.String,
                                    "round_latest": pl.Int64, "status": pl.String})
    frame = read_output(path, read_manifest(path.parent))
    return frame.filter(pl.col("survey") == survey, pl.col("round_latest") == upto)


def read_definition(round: int, survey: str, root: str | Path = ".") -> dict[str, Any]:
    """The round definition ``surveys/<round>/<survey>.toml`` as a dict, or ``{}`` when absent."""
    path = Path(root) / "surveys" / str(round) / f"{survey}.toml"
    if not path.exists():
        return {}
    return read_toml(path)


def survey_parameters(results: RoundResults, survey: str) -> dict[str, Any]:
    """``manifest["surveys"][survey]["parameters"]``, or ``{}``."""
    entry = results.manifest.get("surveys", {}).get(survey, {})
    params = entry.get("parameters", {}) if isinstance(entry, dict) else {}
    return params if isinstance(params, dict) else {}


def is_synthetic(results: RoundResults, survey: str, root: str | Path = ".") -> bool:
    """Whether the round's data are synthetic: the manifest's parameters, else the definition.

    Examples
    --------
    >>> empty = RoundResults(2018, Path("."), pl.DataFrame(), pl.DataFrame(), pl.DataFrame(), {})
    >>> is_synthetic(empty, "omdomme", root="/nonexistent")
    False
    """
    params = survey_parameters(results, survey)
    for key in ("synthetic",):
        if key in params:
            return bool(params[key])
        nested = params.get("survey")
        if isinstance(nested, dict) and key in nested:
            return bool(nested[key])
    definition = read_definition(results.round, survey, root)
    return bool(definition.get("survey", {}).get("synthetic", False))


def previous_round(results: RoundResults, survey: str, root: str | Path = ".",
                   compare_round: int | None = None) -> int | None:
    """The round to compare with: the parameter, the round comparisons, the definition, or the latest earlier analysed round."""
    if compare_round is not None:
        return int(compare_round)
    cmp = results.comparisons
    if cmp.height and "comparison" in cmp.columns:
        rounds = (cmp.filter((pl.col("survey") == survey) & (pl.col("comparison") == "round"))
                  ["round_b"].unique().to_list())
        if rounds:
            return int(max(rounds))
    declared = read_definition(results.round, survey, root).get("survey", {}).get("previous")
    if declared is not None:
        return int(declared)
    earlier = [r for r in analysed_rounds(root) if r < results.round]
    return earlier[-1] if earlier else None


def compare_table(earlier: int, later: int, root: str | Path = ".") -> pl.DataFrame:
    """The round comparisons ``omdomme compare <earlier> <later>`` wrote, or an empty frame.

    ``analyses/compare-<earlier>-<later>/comparisons`` follows the comparisons contract with
    ``round_a`` the later round and ``round_b`` the reference (docs/rounds.md).

    Examples
    --------
    >>> compare_table(2016, 2018, root="/nonexistent").height
    0
    """
    # The report shows the definition's own rows (the compare table also has the analyst's tables').
    return main_comparisons(read_table(Path(root) / "analyses" / f"compare-{earlier}-{later}", "comparisons"))


def analysed_rounds(root: Path | str = ".") -> list[int]:
    """Rounds with ``analyses/<round>/estimates.parquet`` under ``root``, sorted.

    Examples
    --------
    >>> analysed_rounds("/nonexistent")
    []
    """
    analyses = Path(root) / "analyses"
    if not analyses.is_dir():
        return []
    return sorted(
        int(p.name)
        for p in analyses.iterdir()
        # A folder with a manifest but no estimates is a damaged analysis, not no analysis:
        # listed here, so that reading it says which file is missing.
        if p.is_dir() and p.name.isdigit()
        and ((p / "estimates.parquet").exists() or (p / "manifest.json").exists())
    )


def read_estimates(round: int, root: Path | str = ".", *, tables: bool = False) -> pl.DataFrame:
    """Read ``analyses/<round>/estimates.parquet`` (its :func:`main_estimates`; ``tables=True``: every
    row) and check the columns rounds need.

    Examples
    --------
    >>> read_estimates(2018, "/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    omdomme.errors.UsageError: round 2018 is not analysed: ...
    """
    path = Path(root) / "analyses" / str(round) / "estimates.parquet"
    if not path.exists():
        raise UsageError(
            f"round {round} is not analysed: {path} not found; run `omdomme analyse {round}` first."
        )
    frame = read_table(path.parent, "estimates")
    frame = frame if tables else main_estimates(frame)
    missing = [c for c in REQUIRED_ESTIMATE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: column(s) {', '.join(missing)} missing from the estimates table "
            f"(found: {', '.join(frame.columns)}); rerun `omdomme analyse {round}` "
            "to write it in the current output contract."
        )
    return frame


def read_comparisons(round: int, root: Path | str = ".") -> pl.DataFrame | None:
    """Read ``analyses/<round>/comparisons.parquet``, or None when the round has none."""
    folder = Path(root) / "analyses" / str(round)
    if not (folder / "comparisons.parquet").is_file():
        return None
    return read_table(folder, "comparisons")
