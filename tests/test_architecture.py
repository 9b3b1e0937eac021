"""The layers of docs/architecture.md, checked on the code itself.

Every import between omdomme modules is counted, at any depth (function bodies included;
only ``if TYPE_CHECKING:`` blocks are left out, since they never run): there must be no
import cycle, and every import must point to the same or a lower floor. ``lint-imports``
(pyproject's ``[tool.importlinter]``, run by ``.ci/run``) checks the same contracts on the
module level; this test also sees imports inside functions, which it does not.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "omdomme"

#: floor of each top-level part of the package (docs/architecture.md).
FLOORS = {
    "errors": 0, "_meta": 0, "labels": 1,
    "io": 2, "geography": 2, "population": 2,
    "definitions": 3, "estimate": 3, "coding": 3,
    "results": 4,
    "analysis": 5,
    "report": 6, "text": 6, "simulate": 6,
    "cli": 7, "__main__": 7,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, known: set[str]) -> set[str]:
    """omdomme modules imported anywhere in ``path`` (outside ``if TYPE_CHECKING:``)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "omdomme")
        elif (isinstance(node, ast.ImportFrom) and node.module and node.level == 0
              and node.module.split(".")[0] == "omdomme"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: {m for m in _imports(path, known) if m in known and m != name}
            for name, path in modules.items()}


def _floor(module: str) -> int:
    parts = module.split(".")
    return FLOORS[parts[1]] if len(parts) > 1 else 7  # the facade omdomme/__init__ is the top


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_every_part_of_the_package_has_a_floor() -> None:
    parts = {m.split(".")[1] for m in _modules() if "." in m}
    assert parts <= set(FLOORS), f"give these a floor in FLOORS and docs/architecture.md: {parts - set(FLOORS)}"


def test_no_import_cycle_at_any_depth() -> None:
    assert _cycles(_graph()) == []


def test_imports_point_down_only() -> None:
    upward = sorted(
        f"{a} (floor {_floor(a)}) imports {b} (floor {_floor(b)})"
        for a, targets in _graph().items() for b in targets
        if a != "omdomme" and _floor(b) > _floor(a)
    )
    assert upward == []


@pytest.mark.parametrize("package", ["estimate"])
def test_estimate_imports_only_numpy_polars_scipy_and_errors(package: str) -> None:
    allowed = {"numpy", "polars", "scipy", "omdomme"}
    stdlib_ok = set(sys.stdlib_module_names) | {"__future__"}
    offenders = []
    for path in (PACKAGE / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            for name in names:
                top = name.split(".")[0]
                own = name.startswith("omdomme.estimate") or name == "omdomme.errors"
                if (top == "omdomme" and not own) or top not in allowed | stdlib_ok:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    # The mechanism itself: a cycle hidden in a function body is found.
    code = tmp_path / "m.py"
    code.write_text("def f():\n    from omdomme.analysis import reputation\n", encoding="utf-8")
    assert _imports(code, {"omdomme.analysis.reputation"}) == {"omdomme.analysis.reputation"}
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
