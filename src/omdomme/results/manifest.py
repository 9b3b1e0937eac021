"""``manifest.json``: what went in (files with sha256), what came out, with which software.

One builder for every folder under ``analyses/`` (a round, ``compare-<a>-<b>``, ``trend``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from omdomme._meta import SCHEMA_VERSION, __version__, software_versions


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB chunks (vendor files can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(path: Path, root: Path) -> dict[str, Any]:
    """``{path, size, sha256}`` of an input file, the path relative to ``root`` when inside it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "x.csv"
    ...     _ = p.write_text("a\\n1\\n")
    ...     e = file_entry(p, Path(d))
    >>> e["path"], e["size"], e["sha256"][:8]
    ('x.csv', 4, '309b0e45')
    """
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return {"path": shown, "size": path.stat().st_size, "sha256": sha256_of(path)}


def manifest(command: str, **fields: Any) -> dict[str, Any]:
    """A manifest: version, output-contract version, ``command``, the given fields, software.

    ``command`` is what wrote the folder: ``analyse``, ``compare`` or ``trend``; ``fields`` are that folder's own
    entries (inputs, parameters, rows, ...), kept in the order given.
    """
    return {
        "omdomme_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "command": command,
        **fields,
        "software": software_versions(),
    }
