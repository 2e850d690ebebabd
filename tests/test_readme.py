"""The README's examples are tests: its Python runs and its YAML validates."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import sim
from sim.io import process_from_dict, profiles_from_dict

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.S)


def test_python_example_runs() -> None:
    (code,) = blocks("python")
    exec(compile(code, str(README), "exec"), {})


def test_yaml_examples_validate() -> None:
    process_doc, profiles_doc = (yaml.safe_load(b) for b in blocks("yaml"))
    process = process_from_dict(process_doc, source="README")
    profiles = profiles_from_dict(profiles_doc, process=process, source="README")
    result = sim.simulate(process, list(profiles.values()), n=2000, rng=0)
    assert result.n == 2000


def test_readme_commands_match_ci() -> None:
    ci = (README.parent / ".ci" / "run").read_text()
    test_command = next(
        line for line in README.read_text().splitlines() if 'pip install -e ".[test]"' in line
    )
    assert test_command.strip() in ci
