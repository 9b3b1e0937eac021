"""The fault suite's machinery: copies of the shipped rounds, seeded mutations, one oracle.

A *case* copies a project root (the shipped ``surveys/`` and the report templates, every round
already analysed), damages it (``setup``), drives the command line as a user would (a
subprocess of ``python -m omdomme``, optionally as the unprivileged user ``nobody``, optionally
killed), and hands the result to :func:`violations`, the one oracle every case shares:

* the exit code is 0, 1 (environment / analysis) or 2 (input); never a crash or a hang;
* no ``Traceback`` on stdout or stderr;
* a failing command's first line is a complete sentence that names the file (or folder) the
  case damaged;
* ``analyses/`` holds nothing half-written: no staging or ``.old`` folder is left behind, a
  failed command leaves every previous output byte-identical, a successful ``analyse`` leaves
  a complete ``analyses/<round>/`` and touches nothing else, and from unchanged inputs it
  reproduces the previous outputs byte for byte;
* after a successful ``analyse`` the manifest's respondent accounting adds up (read = used +
  excluded, every subset of the used no larger than the used) and, when the case damaged a
  data file, the rows read are the rows the undamaged file holds (a truncation that silently
  loses respondents fails here).

Some cases also say that success is wrong (``must_fail``: a definition mistake, text weights)
or that failure is wrong (``must_pass``: a rerun after a kill, an unused out-of-range date).
Everything else is the same check for every case, so a new mutation needs no new oracle.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = 20261201
FULL = os.environ.get("OMDOMME_FAULTS", "").lower() == "full"
PYTHON = os.environ.get("OMDOMME_FAULTS_PYTHON", sys.executable)
TIMEOUT = 300.0
TABLES = ("estimates", "comparisons", "ranks")
NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")

Setup = Callable[[Path], None]


# --------------------------------------------------------------------------------------------
# The shipped rounds


def shipped_rounds() -> list[int]:
    """Every round folder of the repository's ``surveys/`` that holds a definition."""
    return sorted(int(p.name) for p in (REPO / "surveys").iterdir()
                  if p.is_dir() and p.name.isdigit() and any(p.glob("*.toml")))


def definitions(round_: int) -> dict[str, Path]:
    """``kind -> definition path`` (relative to the root) of a shipped round."""
    out: dict[str, Path] = {}
    for path in sorted((REPO / "surveys" / str(round_)).glob("*.toml")):
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        out[spec["survey"]["kind"]] = path.relative_to(REPO)
    return out


def data_file(definition: Path) -> Path:
    """The data file a shipped definition names, relative to the root."""
    spec = tomllib.loads((REPO / definition).read_text(encoding="utf-8"))
    return definition.parent / spec["data"]["file"]


def csv_rows(raw: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` byte offsets of every data line (after the header) of an unquoted CSV."""
    starts = [0] + [m.end() for m in re.finditer(rb"\n", raw)]
    lines = [(a, b) for a, b in zip(starts, starts[1:] + [len(raw)], strict=True) if b > a]
    return lines[1:]


# --------------------------------------------------------------------------------------------
# Mutations (each returns a Setup that damages a copied root)


def truncate(rel: Path, at: int) -> Setup:
    def setup(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_bytes()[:at])
    return setup


def flip(rel: Path, at: int, xor: int) -> Setup:
    def setup(root: Path) -> None:
        path = root / rel
        raw = bytearray(path.read_bytes())
        raw[at] ^= xor
        path.write_bytes(bytes(raw))
    return setup


def empty(rel: Path) -> Setup:
    def setup(root: Path) -> None:
        (root / rel).write_bytes(b"")
    return setup


def directory_instead(rel: Path) -> Setup:
    def setup(root: Path) -> None:
        path = root / rel
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        path.mkdir()
        (path / "stray.txt").write_text("a folder where a file should be\n")
    return setup


def file_instead(rel: Path) -> Setup:
    def setup(root: Path) -> None:
        path = root / rel
        if path.is_dir():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("a file where a folder should be\n")
    return setup


def remove(rel: Path) -> Setup:
    def setup(root: Path) -> None:
        path = root / rel
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return setup


def chmod(rel: Path, mode: int) -> Setup:
    def setup(root: Path) -> None:
        os.chmod(root / rel, mode)
    return setup


def edit_text(rel: Path, old: str, new: str, count: int = 1, encoding: str = "utf-8") -> Setup:
    """Replace ``old`` by ``new`` in a text file; fails loudly if ``old`` is not there."""
    def setup(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding=encoding)
        if old not in text:
            raise AssertionError(f"fault suite: {old!r} not in {rel}")
        path.write_text(text.replace(old, new, count), encoding=encoding, newline="")
    return setup


def rename_data(definition: Path, new_name: str) -> Setup:
    """Give the data file another name (and so another extension) and point the definition at it."""
    def setup(root: Path) -> None:
        old = data_file(definition)
        (root / old).rename(root / old.parent / new_name)
        toml = root / definition
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace(f'file = "{old.name}"', f'file = "{new_name}"', 1), encoding="utf-8")
    return setup


def transform_csv(rel: Path, change: Callable[[list[bytes]], list[bytes]]) -> Setup:
    """Rewrite the data lines of a CSV (CRLF kept): ``change`` gets and returns whole lines."""
    def setup(root: Path) -> None:
        path = root / rel
        lines = path.read_bytes().split(b"\r\n")
        path.write_bytes(b"\r\n".join(change(lines)))
    return setup


def set_field(rel: Path, line: int, column: str, value: bytes) -> Setup:
    """Set one field of an unquoted ``;`` CSV (``line`` counts from 1 = header)."""
    def change(lines: list[bytes]) -> list[bytes]:
        header = lines[0].split(b";")
        fields = lines[line - 1].split(b";")
        fields[header.index(column.encode())] = value
        lines[line - 1] = b";".join(fields)
        return lines
    return transform_csv(rel, change)


def quote_text_fields(rel: Path) -> Setup:
    """Quote every free-text field (``*tekst*`` columns), as Excel and many vendors write them."""
    def change(lines: list[bytes]) -> list[bytes]:
        header = lines[0].split(b";")
        text_at = [i for i, name in enumerate(header) if b"tekst" in name]
        out = [lines[0]]
        for line in lines[1:]:
            if not line:
                out.append(line)
                continue
            fields = line.split(b";")
            for i in text_at:
                fields[i] = b'"' + fields[i].replace(b'"', b'""') + b'"'
            out.append(b";".join(fields))
        return out
    return transform_csv(rel, change)


def recode_csv(rel: Path, encoding: str, delimiter: bytes | None = None) -> Setup:
    """Re-encode a windows-1252 CSV (and optionally change its delimiter)."""
    def setup(root: Path) -> None:
        path = root / rel
        raw = path.read_bytes()
        if delimiter is not None:
            raw = raw.replace(b";", delimiter)
        path.write_bytes(raw.decode("windows-1252").encode(encoding))
    return setup


def rewrite_sav(rel: Path, change: Callable[..., object]) -> Setup:
    """Read an SPSS file with its metadata, let ``change(frame, meta)`` alter the pandas frame
    (returning extra ``write_sav`` keyword arguments or None), and write it back as SPSS."""
    def setup(root: Path) -> None:
        import pyreadstat

        path = root / rel
        reader = pyreadstat.read_sav if path.suffix != ".por" else pyreadstat.read_por
        frame, meta = reader(str(path), user_missing=True)
        extra = change(frame, meta) or {}
        missing = {k: v for k, v in (meta.missing_ranges or {}).items() if k in frame.columns}
        formats = {k: v for k, v in (meta.original_variable_types or {}).items()
                   if k in frame.columns and k not in extra.get("_drop_formats", ())}
        extra = {k: v for k, v in extra.items() if not k.startswith("_")}
        kwargs: dict[str, object] = dict(
            file_label=meta.file_label or "",
            column_labels={k: v for k, v in zip(meta.column_names, meta.column_labels, strict=True)
                           if k in frame.columns},
            variable_value_labels={k: v for k, v in meta.variable_value_labels.items() if k in frame.columns},
            missing_ranges=missing, variable_format=formats,
        )
        kwargs.update(extra)
        # A .zsav is written compressed by pyreadstat only with compress=True.
        if path.suffix == ".zsav":
            kwargs["compress"] = True
        pyreadstat.write_sav(frame, str(path), **kwargs)
    return setup


def chain(*setups: Setup) -> Setup:
    def setup(root: Path) -> None:
        for step in setups:
            step(root)
    return setup


# --------------------------------------------------------------------------------------------
# Cases


@dataclass
class Run:
    """One command line run and what it did."""

    args: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    checked: bool = True
    as_nobody: bool = False

    def describe(self) -> str:
        who = "as nobody: " if self.as_nobody else ""
        err = "\n      ".join(self.stderr.strip().splitlines()[:6])
        out = "\n      ".join(self.stdout.strip().splitlines()[:3])
        return (f"{who}omdomme {' '.join(self.args)} -> exit {self.returncode} ({self.seconds:.1f} s)"
                f"\n    stderr: {err}\n    stdout: {out}")


Drive = Callable[["Case", Path, dict[str, str], list[str]], list[Run]]


@dataclass
class Case:
    """A damaged root, the commands to run on it, and what the oracle must know."""

    id: str
    setup: Setup
    commands: Sequence[tuple[str, ...]]
    involved: str | tuple[str, ...]        # the damaged file or folder (or either of several)
    true_rows: dict[str, int] | None = None  # survey -> rows of the undamaged data file
    must_fail: bool = False
    must_pass: bool = False
    as_nobody: bool = False
    drive: Drive | None = None             # custom driving (kills, concurrent runs)
    group: str = ""

    def names(self) -> list[str]:
        """What the first line of an error may say to name the damaged thing."""
        paths = (self.involved,) if isinstance(self.involved, str) else self.involved
        return [Path(p).name or p for p in paths]


@dataclass
class Outcome:
    case: Case
    runs: list[Run]
    before: dict[str, str]
    after: dict[str, str]
    base: dict[str, str]
    inputs_touched: bool
    root: Path
    notes: list[str] = field(default_factory=list)


def tree_digest(folder: Path) -> dict[str, str]:
    """``relative path -> sha256`` of every file under ``folder`` (folders as ``<dir>``)."""
    out: dict[str, str] = {}
    if not folder.exists():
        return out
    if not folder.is_dir():
        return {".": hashlib.sha256(folder.read_bytes()).hexdigest()}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_dir():
            out[rel] = "<dir>"
        else:
            try:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as error:
                out[rel] = f"<unreadable {error.errno}>"
    return out


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "OMDOMME_UPDATE"))}
    env.update(HOME=str(home), MPLCONFIGDIR=str(home / "mpl"), PYTHONDONTWRITEBYTECODE="1",
               COLUMNS="100", PYTHONWARNINGS="default", LC_ALL="C.UTF-8")
    return env


def command(args: Sequence[str], as_nobody: bool = False) -> list[str]:
    prefix = list(NOBODY) if as_nobody else []
    return [*prefix, PYTHON, "-m", "omdomme", *args]


def run(args: Sequence[str], root: Path, env: dict[str, str], as_nobody: bool = False,
        checked: bool = True) -> Run:
    start = time.monotonic()
    try:
        done = subprocess.run(command(args, as_nobody), cwd=root, env=env, capture_output=True,
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        code: int | None = done.returncode
        out, err = done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        code, out, err = None, expired.stdout or b"", expired.stderr or b""
    return Run(tuple(args), code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.monotonic() - start, checked, as_nobody)


def nobody_available() -> str | None:
    """Why the unprivileged-user cases cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return None  # not root: chmod alone makes a folder unwritable for us
    if shutil.which("setpriv") is None:
        return "running as root and setpriv is not installed: cannot drop to an unprivileged user"
    probe = subprocess.run([*NOBODY, PYTHON, "-c", "import omdomme"], capture_output=True)
    if probe.returncode != 0:
        return ("the package cannot be imported as user nobody (setpriv): "
                + probe.stderr.decode(errors="replace").strip().splitlines()[-1:][0:1].__str__())
    return None


# --------------------------------------------------------------------------------------------
# The base root and running a case


def build_base(dest: Path) -> dict[str, dict[str, int]]:
    """Copy the shipped rounds and the report templates to ``dest`` and analyse every round.

    Returns ``round -> survey -> rows read`` from the undamaged manifests.
    """
    shutil.copytree(REPO / "surveys", dest / "surveys",
                    ignore=shutil.ignore_patterns("README.md", "truth*.csv"))
    (dest / "reports").mkdir()
    for item in (REPO / "reports").iterdir():
        if item.suffix == ".qmd":
            shutil.copy2(item, dest / "reports" / item.name)
        elif item.name == "assets":
            shutil.copytree(item, dest / "reports" / "assets")
    home = dest.parent / "home"
    home.mkdir(exist_ok=True)
    os.chmod(home, 0o777)
    env = environment(home)
    rows: dict[str, dict[str, int]] = {}
    for round_ in shipped_rounds():
        done = run(("analyse", str(round_), "-q"), dest, env)
        if done.returncode != 0:
            raise RuntimeError(f"the undamaged round {round_} does not analyse:\n{done.describe()}")
        manifest = json.loads((dest / "analyses" / str(round_) / "manifest.json").read_text())
        rows[str(round_)] = {name: s["rows"]["read"] for name, s in manifest["surveys"].items()}
    # Everything world-readable and -traversable, so that the cases run as nobody can read it.
    for path in [dest, *dest.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return rows


def run_case(case: Case, base: Path, work: Path) -> Outcome:
    """Copy ``base`` to a fresh root under ``work``, damage it, drive it, and record everything."""
    root = work / re.sub(r"[^A-Za-z0-9_.-]+", "_", case.id)
    shutil.copytree(base, root, symlinks=True)
    os.chmod(root, 0o755)
    base_analyses = tree_digest(base / "analyses")
    base_surveys = tree_digest(base / "surveys")
    case.setup(root)
    home = work / "home"
    env = environment(home)
    before = tree_digest(root / "analyses")
    touched = tree_digest(root / "surveys") != base_surveys
    notes: list[str] = []
    if case.drive is not None:
        runs = case.drive(case, root, env, notes)
    else:
        runs = [run(args, root, env, case.as_nobody) for args in case.commands]
    after = tree_digest(root / "analyses")
    return Outcome(case, runs, before, after, base_analyses, touched, root, notes)


# --------------------------------------------------------------------------------------------
# The oracle

_SENTENCE_END = re.compile(r"[.?!:][)\"'`»]*$")
_LITTER = re.compile(r"^\.(\d+)\.(tmp-.*|old)$")


def first_line(run_: Run) -> str:
    """The first line of what a failing command said (stderr, else stdout), ``Error: `` removed."""
    for stream in (run_.stderr, run_.stdout):
        for line in stream.splitlines():
            if line.strip():
                return line.strip().removeprefix("Error:").strip()
    return ""


def _complete(folder: Path) -> str | None:
    """Why an ``analyses/<round>`` folder is not a complete set of outputs (None when it is)."""
    import polars as pl

    if not folder.is_dir():
        return f"{folder.name} is not a folder"
    try:
        json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"manifest.json unreadable ({error})"
    for name in TABLES:
        try:
            parquet = pl.read_parquet(folder / f"{name}.parquet")
            csv = pl.read_csv(folder / f"{name}.csv", infer_schema_length=0)
        except Exception as error:  # noqa: BLE001 - any failure means incomplete
            return f"{name} unreadable ({type(error).__name__}: {error})"
        if parquet.height != csv.height:
            return f"{name}.csv has {csv.height} rows, {name}.parquet {parquet.height}"
    if not list(folder.glob("*.xlsx")):
        return "no Excel workbook"
    return None


def accounting(manifest: dict[str, object], true_rows: dict[str, int] | None) -> list[str]:
    """Respondent accounting of a manifest: read = used + excluded; subsets within used."""
    problems: list[str] = []
    surveys = manifest.get("surveys", {})
    assert isinstance(surveys, dict)
    for name, survey in surveys.items():
        rows = survey.get("rows", {})
        read, used = rows.get("read"), rows.get("used")
        if not isinstance(read, int) or not isinstance(used, int):
            problems.append(f"{name}: rows read/used missing from the manifest ({rows})")
            continue
        excluded = sum(int(e["count"]) for e in rows.get("excluded", []))
        if read != used + excluded:
            problems.append(f"{name}: rows read {read} != used {used} + excluded {excluded}")
        for key, entries in rows.items():
            if key in {"read", "used", "excluded"} or not isinstance(entries, list):
                continue
            for entry in entries:
                if isinstance(entry, dict) and int(entry.get("count", 0)) > used:
                    problems.append(f"{name}: {key} entry {entry} counts more rows than were used ({used})")
        if true_rows and name in true_rows and read != true_rows[name]:
            problems.append(f"{name}: {read} rows read but the undamaged file holds {true_rows[name]} "
                            f"(respondents lost without an error)")
    return problems


def violations(outcome: Outcome) -> list[str]:
    """Everything the case did that breaks the project's promises about bad input and faults."""
    case = outcome.case
    problems = list(outcome.notes)
    analysed_ok: set[str] = set()
    for run_ in outcome.runs:
        if not run_.checked:
            continue
        where = f"`omdomme {' '.join(run_.args)}`"
        text = run_.stdout + run_.stderr
        if run_.returncode is None:
            problems.append(f"{where} hung (no exit after {TIMEOUT:.0f} s)")
            continue
        if run_.returncode not in (0, 1, 2):
            problems.append(f"{where} exit code {run_.returncode}, expected 0, 1 or 2")
        if "Traceback" in text:
            problems.append(f"{where} printed a Python traceback")
        if run_.returncode != 0:
            line = first_line(run_)
            if not line:
                problems.append(f"{where} failed without a message")
            else:
                if not _SENTENCE_END.search(line):
                    problems.append(f"{where} first line is not a complete sentence: {line!r}")
                if not any(name in line for name in case.names()):
                    problems.append(f"{where} first line does not name {' or '.join(case.names())}: {line!r}")
            if case.must_pass:
                problems.append(f"{where} failed (exit {run_.returncode}) where it must succeed")
        else:
            if case.must_fail:
                problems.append(f"{where} succeeded (exit 0) where the input is wrong")
            if run_.args[0] == "analyse":
                analysed_ok.add(run_.args[1])
                manifest_path = outcome.root / "analyses" / run_.args[1] / "manifest.json"
                try:
                    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as error:
                    problems.append(f"{where} exit 0 but its manifest is unreadable ({error})")
                else:
                    rows = case.true_rows if outcome.inputs_touched else None
                    problems += [f"{where}: {p}" for p in accounting(manifest, rows)]
    problems += _analyses_problems(outcome, analysed_ok)
    return problems


def _analyses_problems(outcome: Outcome, analysed_ok: set[str]) -> list[str]:
    problems: list[str] = []
    before, after = outcome.before, outcome.after
    analyses = outcome.root / "analyses"
    for rel in after:
        top = rel.split(os.sep)[0]
        match = _LITTER.match(top)
        if match and rel == top and (rel not in before or match.group(1) in analysed_ok):
            problems.append(f"analyses/{rel} left behind")

    def top_of(rel: str) -> str:
        return rel.split(os.sep)[0]

    changed = {top_of(r) for r in set(before) | set(after) if before.get(r) != after.get(r)}
    for top in sorted(changed):
        if _LITTER.match(top):
            continue  # reported above when it matters
        if top in analysed_ok:
            why = _complete(analyses / top)
            if why:
                problems.append(f"analyses/{top} incomplete after a successful analyse: {why}")
            elif not outcome.inputs_touched:
                same = {k: v for k, v in after.items() if top_of(k) == top} == \
                       {k: v for k, v in outcome.base.items() if top_of(k) == top}
                if not same:
                    problems.append(f"analyses/{top} differs from the outputs of the same inputs")
        else:
            problems.append(f"analyses/{top} changed although no analyse of it succeeded")
    return problems


# --------------------------------------------------------------------------------------------
# Drives: kills and concurrent runs


def _wait_for(pattern: str, folder: Path, proc: subprocess.Popen[bytes], deadline: float) -> bool:
    """Poll until ``pattern`` exists in ``folder`` (True), the process ends or time runs out."""
    while time.monotonic() < deadline and proc.poll() is None:
        if list(folder.glob(pattern)):
            return True
        time.sleep(0.002)
    return False


def kill_drive(round_: int, signum: int, delay: float | None) -> Drive:
    """Start ``analyse``, send ``signum`` after ``delay`` seconds (None: the moment its staging
    folder exists), check that the previous outputs survived, then rerun (the run the oracle
    judges: it must succeed, clean up and reproduce the outputs)."""
    def drive(case: Case, root: Path, env: dict[str, str], notes: list[str]) -> list[Run]:
        args = ("analyse", str(round_), "-q")
        start = time.monotonic()
        proc = subprocess.Popen(command(args), cwd=root, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        if delay is None:
            _wait_for(f".{round_}.tmp-*", root / "analyses", proc, start + TIMEOUT)
        else:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=delay)
        if proc.poll() is None:
            proc.send_signal(signum)
        out, err = proc.communicate(timeout=TIMEOUT)
        killed = Run(args, proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"),
                     time.monotonic() - start, checked=False)
        why = _complete(root / "analyses" / str(round_))
        if why:
            notes.append(f"after {signal.Signals(signum).name} at {time.monotonic() - start:.2f} s the "
                         f"previous analyses/{round_} is not intact: {why}")
        return [killed, run(args, root, env)]
    return drive


def concurrent_drive(round_: int, copies: int = 2) -> Drive:
    def drive(case: Case, root: Path, env: dict[str, str], notes: list[str]) -> list[Run]:
        args = ("analyse", str(round_), "-q")
        start = time.monotonic()
        procs = [subprocess.Popen(command(args), cwd=root, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
                 for _ in range(copies)]
        runs = []
        for proc in procs:
            out, err = proc.communicate(timeout=TIMEOUT)
            runs.append(Run(args, proc.returncode, out.decode(errors="replace"),
                            err.decode(errors="replace"), time.monotonic() - start))
        return runs
    return drive


# --------------------------------------------------------------------------------------------
# The catalogue


def _offsets(rng: random.Random, size: int, k: int, low: int = 1) -> list[int]:
    return sorted(rng.sample(range(low, size), k)) if size > low + k else list(range(low, size))


def catalogue(base_rows: dict[str, dict[str, int]] | None = None) -> list[Case]:
    """Every case of the suite, deterministic for a given ``SEED`` (more with OMDOMME_FAULTS=full)."""
    rng = random.Random(SEED)
    cases: list[Case] = []
    n_trunc = 12 if FULL else 2
    n_flip = 8 if FULL else 1

    def add(case: Case) -> None:
        cases.append(case)

    for round_ in shipped_rounds():
        r = str(round_)
        for kind, definition in definitions(round_).items():
            data = data_file(definition)
            raw = (REPO / data).read_bytes()
            true = {kind: _true_rows(data, raw)}
            analyse = ("analyse", r, "-q")
            codebook = ("codebook", str(data))
            tag = f"{r}-{kind}"
            # Truncations.
            offsets = _offsets(rng, len(raw), n_trunc)
            if data.suffix == ".csv":
                rows = csv_rows(raw)
                line = rows[rng.randrange(len(rows) // 2, len(rows) - 1)]
                offsets += [line[1], line[1] - 1, rows[-1][1] - 2]  # at a line end, inside CRLF, last CR
                offsets.append(rng.randrange(1, rows[0][0]))           # inside the header
            else:
                offsets += [rng.randrange(1, 512), len(raw) - 1]       # inside the header, last byte
            for at in sorted(set(offsets)):
                add(Case(f"{tag}-data-truncated-{at}", truncate(data, at), [analyse], str(data),
                         true_rows=true, group="data"))
            for at in _offsets(rng, len(raw), n_flip):
                xor = rng.randrange(1, 256)
                add(Case(f"{tag}-data-flip-{at}-{xor}", flip(data, at, xor), [analyse], str(data),
                         true_rows=true, group="data"))
            add(Case(f"{tag}-data-empty", empty(data), [analyse, codebook], str(data), must_fail=True, group="data"))
            add(Case(f"{tag}-data-directory", directory_instead(data), [analyse, codebook], str(data),
                     must_fail=True, group="data"))
            if round_ == 2018 or FULL:
                add(Case(f"{tag}-data-missing", remove(data), [analyse], str(data), must_fail=True, group="data"))
            other = {".csv": ".sav", ".sav": ".csv", ".zsav": ".sav", ".por": ".sav"}[data.suffix]
            wrong = data.with_suffix(other)
            add(Case(f"{tag}-data-named{other}", rename_data(definition, wrong.name),
                     [analyse, ("codebook", str(wrong))], str(wrong), true_rows=true, group="data"))
            # The definition itself.
            text = (REPO / definition).read_bytes()
            for at in _offsets(rng, len(text), 2 if FULL else 1):
                add(Case(f"{tag}-definition-truncated-{at}", truncate(definition, at), [analyse],
                         str(definition), group="definition"))
            for at in _offsets(rng, len(text), 3 if FULL else 1):
                xor = rng.randrange(1, 256)
                add(Case(f"{tag}-definition-flip-{at}-{xor}", flip(definition, at, xor), [analyse],
                         str(definition), group="definition"))
            if round_ == 2018 or FULL:
                add(Case(f"{tag}-definition-empty", empty(definition), [analyse, ("validate", r)],
                         str(definition), must_fail=True, group="definition"))
                add(Case(f"{tag}-definition-directory", directory_instead(definition),
                         [analyse, ("validate", r)], str(definition), must_fail=True, group="definition"))
                add(Case(f"{tag}-definition-unreadable", chmod(definition, 0o000),
                         [analyse, ("validate", r)], str(definition), must_fail=True, as_nobody=True,
                         group="permissions"))
                add(Case(f"{tag}-data-unreadable", chmod(data, 0o000), [analyse, codebook], str(data),
                         must_fail=True, as_nobody=True, group="permissions"))
    cases += _csv_cases(rng)
    cases += _definition_mistakes()
    cases += _content_cases()
    cases += _output_cases(rng)
    cases += _environment_cases(rng)
    return cases


def _true_rows(data: Path, raw: bytes) -> int:
    if data.suffix == ".csv":
        return len(csv_rows(raw))
    import pyreadstat

    reader = pyreadstat.read_por if data.suffix == ".por" else pyreadstat.read_sav
    _, meta = reader(str(REPO / data), metadataonly=True)
    return int(meta.number_rows)


CSV_DEF = Path("surveys/2016/omdomme.toml")
CSV = Path("surveys/2016/omdomme-2016.csv")
CODEBOOK = Path("surveys/2016/omdomme-2016.codebook.json")


def _csv_cases(rng: random.Random) -> list[Case]:
    """The 2016 CSV: quoted free text (cut inside a quoted field), codebook damage, CSV syntax."""
    raw = (REPO / CSV).read_bytes()
    n = len(csv_rows(raw))
    true = {"omdomme": n}
    analyse = ("analyse", "2016", "-q")
    quoted = quote_text_fields(CSV)
    cases = [Case("2016-csv-quoted-control", quoted, [analyse], str(CSV), true_rows=true, must_pass=True,
                  group="csv")]

    def cut_in_quoted_field(line_no: int) -> Setup:
        def setup(root: Path) -> None:
            quoted(root)
            path = root / CSV
            data = path.read_bytes()
            start = csv_rows(data)[line_no - 2][0]
            opening = data.index(b';"', start) + 2
            path.write_bytes(data[: opening + 3])
        return setup

    rows = [1001, *rng.sample(range(3, n), 4 if FULL else 1)]
    for line_no in rows:
        cases.append(Case(f"2016-csv-quoted-cut-in-field-row-{line_no}", cut_in_quoted_field(line_no),
                          [analyse, ("codebook", str(CSV))], str(CSV), true_rows=true, group="csv"))

    def quoted_then(step: Callable[[Path, bytes], bytes]) -> Setup:
        def setup(root: Path) -> None:
            quoted(root)
            path = root / CSV
            path.write_bytes(step(path, path.read_bytes()))
        return setup

    cases.append(Case("2016-csv-quoted-cut-at-line-end", quoted_then(
        lambda p, d: d[: csv_rows(d)[-200][1]]), [analyse], str(CSV), true_rows=true, group="csv"))
    for at in _offsets(rng, len(raw), 6 if FULL else 2):
        cases.append(Case(f"2016-csv-quoted-truncated-{at}", quoted_then(lambda p, d, at=at: d[:at]),
                          [analyse], str(CSV), true_rows=true, group="csv"))
    # The codebook that states the row count.
    cases += [
        Case("2016-codebook-truncated", truncate(CODEBOOK, 700), [analyse], str(CODEBOOK), group="csv"),
        Case("2016-codebook-empty", empty(CODEBOOK), [analyse], str(CODEBOOK), group="csv"),
        Case("2016-codebook-directory", directory_instead(CODEBOOK), [analyse], str(CODEBOOK), group="csv"),
        Case("2016-codebook-n-rows-wrong", edit_text(CODEBOOK, f'"n_rows": {n}', f'"n_rows": {n + 13}'),
             [analyse], str(CSV), must_fail=True, group="csv"),
    ]
    return cases


def _definition_mistakes() -> list[Case]:
    rep = Path("surveys/2018/omdomme.toml")
    inn = Path("surveys/2018/innovasjon.toml")
    both = [("analyse", "2018", "-q"), ("validate", "2018")]
    mistakes = [
        ("design-key-typo", rep, 'weight = "vekt"', 'wieght = "vekt"'),
        ("weight-variable-unknown", rep, 'weight = "vekt"', 'weight = "vekten"'),
        ("question-variable-unknown", rep, 'variable = "inntrykk_{target}"', 'variable = "inntryk_{target}"'),
        ("count-code-never-used", rep, "count = [5]", "count = [7]"),
        ("previous-is-itself", rep, "[data]", "previous = 2018\n\n[data]"),
        ("previous-is-later", rep, "[data]", "previous = 2020\n\n[data]"),
        ("previous-not-analysable", rep, "[data]", "previous = 2012\n\n[data]"),
        ("data-file-unknown", rep, 'file = "omdomme-2018.sav"', 'file = "omdome-2018.sav"'),
        ("toml-syntax", rep, "[design]", "[design"),
        ("inn-count-never-used", inn, "variable = \"inno_akt\"\ncount = [1]", "variable = \"inno_akt\"\ncount = [7]"),
        ("inn-variable-unknown", inn, 'variable = "inno_akt"', 'variable = "inno_aktivitet"'),
        ("inn-strata-unknown", inn, 'strata = "stratum"', 'strata = "strata"'),
        ("inn-kind-unknown", inn, 'kind = "share"', 'kind = "shares"'),
        ("inn-goal-baseline-missing", inn, "baseline = 2016", "baseline = 2012"),
        ("inn-weight-unknown", inn, 'weight = "vekt"', 'weight = "vekten"'),
    ]
    data = {rep: "surveys/2018/omdomme-2018.sav", inn: "surveys/2018/innovasjon-2018.sav"}
    # A mistake is named by the definition or by the data file it disagrees with.
    cases = [Case(f"2018-mistake-{name}", edit_text(path, old, new), both, (str(path), data[path]),
                  must_fail=not name.startswith("inn-goal"), group="mistakes")
             for name, path, old, new in mistakes]
    csv_mistakes = [
        ("delimiter-comma", 'delimiter = ";"', 'delimiter = ","'),
        ("decimal-point", 'decimal = ","', 'decimal = "."'),
        ("encoding-utf16", 'encoding = "windows-1252"', 'encoding = "utf-16"'),
        ("encoding-unknown", 'encoding = "windows-1252"', 'encoding = "latin-9x"'),
    ]
    cases += [Case(f"2016-mistake-{name}", edit_text(CSV_DEF, old, new), [("analyse", "2016", "-q"),
                   ("validate", "2016")], (str(CSV), str(CSV_DEF)), must_fail=True, group="mistakes")
              for name, old, new in csv_mistakes]
    return cases


def _content_cases() -> list[Case]:
    """Bad values in otherwise readable files."""
    analyse = ("analyse", "2016", "-q")
    val = ("validate", "2016")
    n = len(csv_rows((REPO / CSV).read_bytes()))
    true = {"omdomme": n}

    def csv_case(name: str, setup: Setup, must_fail: bool = True) -> Case:
        return Case(f"2016-content-{name}", setup, [analyse, val], str(CSV), true_rows=true,
                    must_fail=must_fail, group="content")

    def drop_field(lines: list[bytes]) -> list[bytes]:
        fields = lines[11].split(b";")
        lines[11] = b";".join(fields[:20] + fields[21:])
        return lines

    def bare_cr(lines: list[bytes]) -> list[bytes]:
        lines[11] = lines[11].replace(b";", b";\r", 1)
        return lines

    def stray_quote(lines: list[bytes]) -> list[bytes]:
        fields = lines[11].split(b";")
        fields[-1] = b'"' + fields[-1]
        lines[11] = b";".join(fields)
        return lines

    def duplicate_id(lines: list[bytes]) -> list[bytes]:
        lines[12] = lines[11].split(b";", 1)[0] + b";" + lines[12].split(b";", 1)[1]
        return lines

    cases = [
        csv_case("weight-text", set_field(CSV, 12, "vekt", b"abc")),
        csv_case("weight-empty", set_field(CSV, 12, "vekt", b"")),
        csv_case("weight-negative", set_field(CSV, 12, "vekt", b"-3,5")),
        csv_case("answer-unknown-code", set_field(CSV, 12, "inntrykk_ostf", b"7")),
        csv_case("answer-text", set_field(CSV, 12, "inntrykk_ostf", b"godt")),
        csv_case("kommune-empty", set_field(CSV, 12, "kommune", b"")),
        csv_case("kommune-unknown", set_field(CSV, 12, "kommune", b"0999")),
        csv_case("id-duplicate", transform_csv(CSV, duplicate_id)),
        csv_case("field-missing-line-12", transform_csv(CSV, drop_field)),
        csv_case("bare-cr-line-12", transform_csv(CSV, bare_cr), must_fail=False),
        csv_case("stray-quote-line-12", transform_csv(CSV, stray_quote), must_fail=False),
        csv_case("header-only", transform_csv(CSV, lambda lines: lines[:1] + [b""])),
        csv_case("utf16-declared-1252", recode_csv(CSV, "utf-16")),
        csv_case("tab-separated", recode_csv(CSV, "windows-1252", delimiter=b"\t")),
        csv_case("utf8-bom", recode_csv(CSV, "utf-8-sig"), must_fail=False),
    ]
    sav = Path("surveys/2018/omdomme-2018.sav")
    inn = Path("surveys/2018/innovasjon-2018.sav")
    both = [("analyse", "2018", "-q"), ("validate", "2018")]
    rows18 = _true_rows(sav, b"")
    rows_inn = _true_rows(inn, b"")

    def as_text(column: str) -> Callable[..., object]:
        def change(frame: object, meta: object) -> dict[str, object]:
            frame[column] = frame[column].map(lambda v: "" if v != v else f"{v:g}")  # type: ignore[index]
            return {"_drop_formats": (column,), "missing_ranges": {}}
        return change

    def set_value(column: str, value: float | str | None, row: int = 10) -> Callable[..., object]:
        def change(frame: object, meta: object) -> None:
            frame.loc[row, column] = value  # type: ignore[attr-defined]
        return change

    def add_date(frame: object, meta: object) -> dict[str, object]:
        # Seconds since 1582-10-14 of the year 201416: beyond Python's datetime (as haven's datetime.sav).
        frame["intervjudato"] = 13_569_465_600.0  # type: ignore[index]
        frame.loc[3, "intervjudato"] = 6.3e15  # type: ignore[attr-defined]
        formats = {k: v for k, v in (meta.original_variable_types or {}).items()}  # type: ignore[attr-defined]
        formats["intervjudato"] = "DATETIME20"
        return {"variable_format": formats}

    sav_true = {"omdomme": rows18}
    inn_true = {"innovasjon": rows_inn}
    cases += [
        Case("2018-content-rewritten-control", rewrite_sav(sav, lambda f, m: None), both, str(sav),
             true_rows=sav_true, must_pass=True, group="content"),
        Case("2018-content-answer-as-text", rewrite_sav(sav, as_text("inntrykk_ostf")), both, str(sav),
             true_rows=sav_true, group="content"),
        Case("2018-content-weight-as-text", rewrite_sav(sav, as_text("vekt")), both, str(sav),
             true_rows=sav_true, group="content"),
        Case("2018-content-date-out-of-range", rewrite_sav(sav, add_date),
             [("codebook", str(sav)), *both], str(sav), true_rows=sav_true, must_pass=True, group="content"),
        Case("2018-content-inn-kommune-missing", rewrite_sav(inn, set_value("kommune", "")), both, str(inn),
             true_rows=inn_true, must_fail=True, group="content"),
        Case("2018-content-inn-kommune-unknown", rewrite_sav(inn, set_value("kommune", "0000")), both, str(inn),
             true_rows=inn_true, must_fail=True, group="content"),
        Case("2018-content-inn-share-coded-7", rewrite_sav(inn, set_value("inno_akt", 7.0)), both, str(inn),
             true_rows=inn_true, must_fail=True, group="content"),
        Case("2018-content-inn-weight-as-text", rewrite_sav(inn, as_text("vekt")), both, str(inn),
             true_rows=inn_true, group="content"),
        Case("2018-content-inn-weight-missing", rewrite_sav(inn, set_value("vekt", None)), both, str(inn),
             true_rows=inn_true, must_fail=True, group="content"),
    ]
    return cases


def _output_cases(rng: random.Random) -> list[Case]:
    """Damaged or hand-edited ``analyses/`` read by report, compare and trend; odd folders."""
    est = Path("analyses/2018/estimates.parquet")
    man = Path("analyses/2018/manifest.json")
    cmp_ = Path("analyses/2018/comparisons.parquet")
    compare = ("compare", "2016", "2018")
    trend = ("trend",)
    report = ("report", "2018", "--survey", "omdomme", "--format", "html", "-q")
    cases: list[Case] = []
    for frac in ([0.5, 0.05, 0.97, 0.3, 0.8] if FULL else [0.5, 0.97]):
        cases.append(Case(f"outputs-estimates-truncated-{frac}", _truncate_fraction(est, frac),
                          [compare, trend], str(est), must_fail=True, group="outputs"))
        cases.append(Case(f"outputs-manifest-truncated-{frac}", _truncate_fraction(man, frac),
                          [compare, trend], str(man), must_fail=True, group="outputs"))
    cases += [
        Case("outputs-estimates-truncated-report", _truncate_fraction(est, 0.5), [report], str(est),
             must_fail=True, group="outputs"),
        Case("outputs-manifest-truncated-report", _truncate_fraction(man, 0.5), [report], str(man),
             must_fail=True, group="outputs"),
        Case("outputs-comparisons-truncated-report", _truncate_fraction(cmp_, 0.5), [report], str(cmp_),
             must_fail=True, group="outputs"),
        Case("outputs-estimates-missing", remove(est), [compare, trend], str(est), must_fail=True,
             group="outputs"),
        Case("outputs-estimates-directory", directory_instead(est), [compare, trend], str(est),
             must_fail=True, group="outputs"),
        Case("outputs-estimates-csv-edited", _edit_estimates_csv, [report, compare],
             "analyses/2018/estimates.csv", must_fail=True, group="outputs"),
        Case("outputs-round-is-a-file", file_instead(Path("analyses/2018")), [("analyse", "2018", "-q")],
             "analyses/2018", must_fail=True, group="outputs"),
        Case("outputs-analyses-is-a-file", file_instead(Path("analyses")), [("analyse", "2018", "-q")],
             "analyses", must_fail=True, group="outputs"),
        Case("outputs-report-round-is-a-file", file_instead(Path("reports/2018")), [report], "reports/2018",
             must_fail=True, group="outputs"),
        Case("outputs-stale-staging-cleaned", _stale_staging, [("analyse", "2018", "-q")], "analyses",
             must_pass=True, group="outputs"),
    ]
    for _ in range(3 if FULL else 1):
        frac, xor = round(rng.random(), 4), rng.randrange(1, 256)
        cases.append(Case(f"outputs-estimates-flip-{frac}-{xor}", _flip_fraction(est, frac, xor),
                          [compare], str(est), group="outputs"))
    return cases


def _truncate_fraction(rel: Path, frac: float) -> Setup:
    def setup(root: Path) -> None:
        path = root / rel
        raw = path.read_bytes()
        path.write_bytes(raw[: max(1, int(len(raw) * frac))])
    return setup


def _flip_fraction(rel: Path, frac: float, xor: int) -> Setup:
    def setup(root: Path) -> None:
        path = root / rel
        raw = bytearray(path.read_bytes())
        raw[min(len(raw) - 1, int(len(raw) * frac))] ^= xor
        path.write_bytes(bytes(raw))
    return setup


def _edit_estimates_csv(root: Path) -> None:
    # What an analyst does in Excel: change one estimate and save the CSV.
    path = root / "analyses/2018/estimates.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    col = header.index("estimate")
    fields = lines[1].rstrip("\n").split(",")
    fields[col] = "0.99"
    lines[1] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _stale_staging(root: Path) -> None:
    stale = root / "analyses" / ".2018.tmp-deadbeef"
    stale.mkdir()
    (stale / "estimates.parquet").write_bytes(b"PAR1 half written")
    (root / "analyses" / "notes.txt").write_text("the analyst's own notes; must survive\n")


def _environment_cases(rng: random.Random) -> list[Case]:
    """Kills at random moments, concurrent runs, folders the user cannot write."""
    cases: list[Case] = []
    nothing: Setup = lambda root: None  # noqa: E731
    moments: list[float | None] = [None] + [round(rng.uniform(0.2, 3.0), 2) for _ in range(4 if FULL else 2)]
    for signum in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
        for moment in (moments if signum != signal.SIGINT else [None]):
            label = "at-staging" if moment is None else f"after-{moment}s"
            cases.append(Case(f"kill-{signal.Signals(signum).name}-{label}", nothing, [], "analyses",
                              must_pass=True, drive=kill_drive(2018, signum, moment), group="kill"))
    cases.append(Case("concurrent-analyse-2018", nothing, [], "analyses/2018",
                      drive=concurrent_drive(2018), group="concurrent"))

    def unwritable(rel: str) -> Setup:
        return chmod(Path(rel), 0o555)

    cases += [
        Case("permissions-analyses-unwritable", unwritable("analyses"), [("analyse", "2018", "-q")],
             "analyses", must_fail=True, as_nobody=True, group="permissions"),
        Case("permissions-root-unwritable-no-analyses", chain(remove(Path("analyses")), unwritable(".")),
             [("analyse", "2018", "-q")], "analyses", must_fail=True, as_nobody=True, group="permissions"),
        Case("permissions-reports-unwritable", unwritable("reports"),
             [("report", "2018", "--survey", "omdomme", "--format", "html", "-q")], "reports",
             must_fail=True, as_nobody=True, group="permissions"),
    ]
    return cases
