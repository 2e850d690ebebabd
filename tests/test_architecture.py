"""The layout is the data flow: layers, no import cycles, modules a reader can hold.

The layers contract lives in ``pyproject.toml`` (``[tool.importlinter]``) and is
checked with import-linter; the cycle check below also follows imports made
inside functions, and the size limits are the ones ``tools/sizes.py`` prints.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import sizes  # noqa: E402  (tools/sizes.py)

MAX_MODULE_LINES = 700
MAX_LONG_FUNCTIONS = 3


def test_import_linter_layers_contract_is_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.fail("lint-imports not installed (pip install -e '.[test]')")
    proc = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


def _module_imports() -> dict[str, set[str]]:
    """Every module of ``sim`` and the ``sim`` modules it imports, at any depth of code."""
    modules = {}
    for path in (ROOT / "sim").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                # `from pkg import sub` imports the submodule; `from pkg import name` the package.
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    candidate = sub if sub in modules else target
                    if candidate in modules and candidate != name:
                        found.add(candidate)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in modules and a.name != name}
        graph[name] = found
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
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
            visit(v)
    return out


def test_no_import_cycle_through_any_import() -> None:
    graph = _module_imports()
    # The package root re-exports the public API (and the version): only the command line,
    # at the very top, may import it back; anywhere lower it would hide a cycle.
    assert [m for m, deps in graph.items() if "sim" in deps] == ["sim.cli"]
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_modules_and_functions_stay_small() -> None:
    lines = sizes.module_lines(ROOT)
    big = {name: n for name, n in lines.items() if n > MAX_MODULE_LINES}
    assert not big, f"modules over {MAX_MODULE_LINES} lines: {big}"
    long = sizes.long_functions(ROOT)
    assert len(long) <= MAX_LONG_FUNCTIONS, f"functions over 80 lines: {long}"
