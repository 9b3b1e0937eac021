"""Reading a Quarto document (``.qmd``): front matter, Markdown and executable cells.

Only what the built-in engine needs: the YAML header, the Markdown between cells, and the
``{python}`` cells with their ``#|`` options (``echo``, ``output``, ``include``, ``fig-cap``,
``tags``…). The same file renders unchanged with the real ``quarto`` CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omdomme.errors import UsageError

_FENCE = re.compile(r"^(?P<ticks>`{3,})\s*\{(?P<lang>[A-Za-z0-9_]+)(?P<rest>[^}]*)\}\s*$")
_OPTION = re.compile(r"^#\|\s?(.*)$")


@dataclass(frozen=True)
class Cell:
    """An executable cell: its language, code (options removed), options and first line."""

    language: str
    source: str
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0

    @property
    def tags(self) -> list[str]:
        """The cell's ``tags`` option as a list (``parameters`` marks the parameter cell)."""
        tags = self.options.get("tags", [])
        return [tags] if isinstance(tags, str) else list(tags or [])


@dataclass(frozen=True)
class QmdDocument:
    """A parsed ``.qmd``: front matter and the body as Markdown strings and :class:`Cell`s."""

    path: Path
    front_matter: dict[str, Any]
    body: tuple[str | Cell, ...]

    @property
    def cells(self) -> list[Cell]:
        """The executable cells, in order."""
        return [part for part in self.body if isinstance(part, Cell)]

    def execute_option(self, name: str, default: Any) -> Any:
        """A document-wide ``execute:`` option (``echo``, ``warning``…), else ``default``."""
        execute = self.front_matter.get("execute") or {}
        return execute.get(name, default) if isinstance(execute, dict) else default


def _yaml(text: str, where: str) -> dict[str, Any]:
    import yaml

    try:
        value = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        raise UsageError(f"{where}: the YAML cannot be read ({error}); fix the header or the #| options.") from error
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UsageError(f"{where}: expected YAML key: value pairs, found {type(value).__name__}.")
    return value


def parse_qmd(path: str | Path) -> QmdDocument:
    """Parse a Quarto document.

    Raises
    ------
    UsageError
        When the file is missing, its YAML header or a cell's options cannot be read, or a
        cell is not closed.

    Examples
    --------
    >>> doc = parse_qmd("reports/omdomme.qmd")          # doctest: +SKIP
    >>> [c.options.get("label") for c in doc.cells][:2]  # doctest: +SKIP
    ['setup', 'banner']
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"report template {path} does not exist; put a .qmd template there or pass another --root.")
    lines = path.read_text(encoding="utf-8").splitlines()
    front: dict[str, Any] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                front = _yaml("\n".join(lines[1:i]), f"{path}: YAML header")
                start = i + 1
                break
        else:
            raise UsageError(f"{path}: the YAML header opened on line 1 is never closed with '---'.")
    body: list[str | Cell] = []
    text: list[str] = []
    i = start
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            text.append(lines[i])
            i += 1
            continue
        ticks, first = match["ticks"], i + 1
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == ticks), None)
        if end is None:
            raise UsageError(f"{path}, line {first}: the {{{match['lang']}}} cell is never closed with {ticks}.")
        code = lines[i + 1:end]
        option_lines = []
        while code and _OPTION.match(code[0]):
            option_lines.append(_OPTION.match(code[0])[1])  # type: ignore[index]
            code = code[1:]
        options = _yaml("\n".join(option_lines), f"{path}, line {first}: cell options")
        if text:
            body.append("\n".join(text))
            text = []
        body.append(Cell(match["lang"].lower(), "\n".join(code), options, first))
        i = end + 1
    if text:
        body.append("\n".join(text))
    return QmdDocument(path, front, tuple(body))
