"""Module sizes, long functions and the reading path of ``sim/`` (issue 9's size targets).

    python tools/sizes.py            # this checkout
    python tools/sizes.py --root /path/to/other/checkout

Prints every module's line count (largest first), each function longer than 80
lines, and the lines of the reading path spec -> model -> rules -> engine -> result.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

#: Modules (or packages) a new reader goes through to follow one simulation. Before the
#: redesign the rules lived in ``sim.debrief`` (with the closed form, transcript and CLI).
READING_PATH = ("spec", "model", "rules", "engine", "result")
LONG_FUNCTION = 80


def module_lines(root: Path) -> dict[str, int]:
    """Lines of every module under ``root/sim``, keyed by dotted name."""
    out = {}
    for path in sorted((root / "sim").rglob("*.py")):
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        out[name] = len(path.read_text(encoding="utf-8").splitlines())
    return out


def code_lines(path: Path) -> int:
    """Lines of ``path`` that hold code: not blank, not a comment, not inside a docstring."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    doc: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                doc.update(range(value.lineno, value.end_lineno + 1))
    return sum(
        1
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.strip().startswith("#") and number not in doc
    )


def long_functions(root: Path, limit: int = LONG_FUNCTION) -> list[tuple[str, int]]:
    """``(module:function, lines)`` of every function longer than ``limit`` lines."""
    out = []
    for path in sorted((root / "sim").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    out.append((f"{path.relative_to(root)}:{node.name}", length))
    return sorted(out, key=lambda item: -item[1])


def reading_path(lines: dict[str, int]) -> dict[str, int]:
    """Lines of each step of :data:`READING_PATH` (a package counts all its modules)."""
    old_layout = "sim.rules.__init__" not in lines
    steps = [("debrief" if old_layout and s == "rules" else s) for s in READING_PATH]
    return {
        step: sum(
            n
            for name, n in lines.items()
            if name == f"sim.{step}" or name.startswith(f"sim.{step}.")
        )
        for step in steps
    }


def code_by_module(root: Path) -> dict[str, int]:
    """:func:`code_lines` of every module under ``root/sim``, keyed by dotted name."""
    return {
        ".".join(path.relative_to(root).with_suffix("").parts): code_lines(path)
        for path in sorted((root / "sim").rglob("*.py"))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    lines = module_lines(args.root)
    code = code_by_module(args.root)
    print(f"{'module':<36} lines  code")
    for name, n in sorted(lines.items(), key=lambda item: -item[1]):
        print(f"{name:<36} {n:5d} {code[name]:5d}")
    print(f"{'total':<36} {sum(lines.values()):5d} {sum(code.values()):5d}")
    print(f"\nfunctions over {LONG_FUNCTION} lines:")
    for name, n in long_functions(args.root):
        print(f"  {name:<60} {n:4d}")
    print()
    for label, table in (("lines", lines), ("code lines", code)):
        path = reading_path(table)
        steps = " + ".join(f"{k} {v}" for k, v in path.items())
        print(f"reading path ({label}): {steps} = {sum(path.values())}")


if __name__ == "__main__":
    main()
