"""Hostile YAML (issue 15, points 1, 2, 7, 8): refused fast, in one line naming file and line."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import yaml

import sim
import sim.cli
from sim.io import data_dir, read_yaml

PRESET = data_dir() / "processes" / "amazon_style_loop.yaml"
PROFILES = data_dir() / "profiles" / "amazon_style_loop.yaml"


def preset_text() -> str:
    return PRESET.read_text(encoding="utf-8")


def error_of(path: Path) -> sim.SpecError:
    with pytest.raises(sim.SpecError) as info:
        sim.load_process(path)
    return info.value


def assert_one_line(exc: sim.SpecError, path: Path, *fragments: str, limit: int = 400) -> str:
    """``exc`` is one printable line naming ``path`` and every fragment; return it."""
    text = str(exc)
    assert "\n" not in text, text[:2000]
    assert text.isprintable() and len(text) <= limit, text[:2000]
    assert text.startswith(f"{path}: "), text
    for fragment in fragments:
        assert fragment in text, text
    return text


def cli(*argv: str) -> tuple[int, str, str]:
    """``hiring-sim ARGV`` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = sim.cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def laughs(levels: int) -> str:
    """Nested aliases: ``lol{levels-1}`` expands to 10**levels strings."""
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- point 1
def test_billion_laughs_is_refused_at_its_alias_and_small_aliases_work(tmp_path: Path) -> None:
    # Six levels (10**6 strings): main took seconds re-walking every alias, then said OK.
    path = tmp_path / "bomb.yaml"
    path.write_text(laughs(6) + preset_text())
    text = assert_one_line(error_of(path), path, "alias *lol", "expands", "50,000", "line 5")
    assert "lol, lol" not in text
    # Aliases within the budget still work: a reused block of interviewer settings.
    text = preset_text().replace("  - {name: peer_1,", "  - &peer {name: peer_1,")
    text = text.replace(
        "  - {name: peer_2, role: Peer interviewer, leniency: -0.1, noise_sd: 0.7, halo: 0.25}",
        "  - {<<: *peer, name: peer_2, leniency: -0.1}",
    )
    assert "*peer" in text
    path.write_text(text)
    reused = sim.load_process(path).interviewer("peer_2")
    assert reused == sim.load_process(PRESET).interviewer("peer_2")


def test_a_bomb_as_a_bad_value_is_not_quoted_in_full(tmp_path: Path) -> None:
    # Within the alias budget (10**4 strings) but a bad name: main quoted every string
    # (at 9 levels, a 226 MB line).
    path = tmp_path / "bomb.yaml"
    notes = "notes:\n" + "".join(f"  {line}\n" for line in laughs(4).splitlines())
    path.write_text(notes + preset_text().replace("name: amazon_style_loop", "name: *lol3"))
    assert_one_line(error_of(path), path, "name: must be a non-empty string (got [[[[...], [...]")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("[" + ", ".join(["lol"] * 4000) + "]", "['lol', 'lol', 'lol'"),
        ("'" + "x" * 100_000 + "'", "'xxxxxxxx"),
        ("{" + ", ".join(f"k{i}: {i}" for i in range(3000)) + "}", "{'k0': 0"),
    ],
    ids=["long list", "long string", "big mapping"],
)
def test_a_bad_value_is_quoted_in_at_most_80_characters(
    tmp_path: Path, value: str, shown: str
) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(preset_text().replace("name: amazon_style_loop", f"name: {value}"))
    text = assert_one_line(error_of(path), path, "name: must be", shown)
    quoted = text.split("(got ", 1)[1][:-1]
    assert len(quoted) <= 80 and "..." in quoted, quoted


# --------------------------------------------------------------------------- point 2
@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: &a [*a]\n", "line 1, column 8"),
        ("x: 1\nnotes: &a {b: [1, *a]}\n", "line 2, column 19"),
        ("notes: &a {<<: *a}\n", "line 1, column 16"),
    ],
    ids=["list", "mapping", "merge key"],
)
def test_recursive_anchor_is_a_one_line_error(tmp_path: Path, text: str, line: str) -> None:
    path = tmp_path / "recursive.yaml"
    path.write_text(text)
    assert_one_line(error_of(path), path, "recursive anchor", line)


@pytest.mark.parametrize("flow", [True, False], ids=["flow", "block"])
def test_deep_nesting_is_a_one_line_error(tmp_path: Path, flow: bool) -> None:
    path = tmp_path / "deep.yaml"
    if flow:
        path.write_text("notes: " + "[" * 500 + "]" * 500 + "\n")
    else:
        path.write_text("".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "x: 1\n")
    assert_one_line(error_of(path), path, "nested more than 20 levels", "line")


def test_deep_nesting_through_the_api_and_cli(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 500 + "]" * 500 + "\n")
    with pytest.raises(sim.SpecError):
        read_yaml(path)
    code, _, err = cli("validate", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}: 1 error",
        f"{path}: lists and mappings are nested more than 20 levels deep (the limit) "
        "(line 1, column 23)",
    ]


# --------------------------------------------------------------------------- point 7
def test_a_big_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(preset_text() + ("# padding\n" * 110_000))  # 1.1 MB of comments
    assert_one_line(error_of(path), path, "larger than the limit of 1,048,576 bytes")


def test_a_big_broken_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("a: [" + "1, " * 400_000 + "\n")  # 1.2 MB, never closed
    assert_one_line(error_of(path), path, "larger than the limit")


def test_a_file_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One YAML loader per file (main composed it for the duplicate check, then loaded it)."""
    made = []
    for cls in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        original = cls.__init__

        def counting(self, stream, original=original) -> None:
            made.append(type(self).__name__)
            original(self, stream)

        monkeypatch.setattr(cls, "__init__", counting)
    read_yaml(PRESET)
    assert len(made) == 1, made


@pytest.mark.parametrize(
    ("section", "count", "fragment"),
    [
        ("competencies", 33, "at most 32 competencies"),
        ("interviewers", 33, "at most 32 interviewers"),
        ("rounds", 17, "at most 16 rounds"),
    ],
)
def test_limits_on_the_parts_of_a_process(
    tmp_path: Path, section: str, count: int, fragment: str
) -> None:
    doc = yaml.safe_load(preset_text())
    doc[section] = [dict(doc[section][0], name=f"n{i}") for i in range(count)]
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert_one_line(error_of(path), path, f"{section}: {fragment} are allowed (got {count})")


def test_limit_on_the_items_of_a_list(tmp_path: Path) -> None:
    path = tmp_path / "items.yaml"
    path.write_text("notes: [" + ", ".join("1" for _ in range(5000)) + "]\n")
    assert_one_line(error_of(path), path, "holds 5,000 items; the limit is 4,096", "line 1")


def test_limit_on_the_length_of_a_number(tmp_path: Path) -> None:
    path = tmp_path / "number.yaml"
    path.write_text("notes: 1" + ":1" * 20_000 + "\n")  # a sexagesimal integer
    assert_one_line(error_of(path), path, "a number of 40,001 characters", "line 1")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ('"customer\\nobsession"', "U+000A"),
        ('"customer\\0obsession"', "U+0000"),
        ('"customer\\u202eobsession"', "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ('"customer\\u2066obsession"', "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ('"customer_obsession "', "must not start or end with a space"),
        ("c" * 65, "must be at most 64 characters long"),
    ],
    ids=["newline", "NUL", "RLO", "LRI", "trailing space", "too long"],
)
def test_bad_names_are_refused(tmp_path: Path, value: str, fragment: str) -> None:
    path = tmp_path / "names.yaml"
    path.write_text(preset_text().replace("{name: customer_obsession,", f"{{name: {value},"))
    text = str(error_of(path))
    lines = text.split("\n")
    assert all(line.isprintable() for line in lines), text
    assert f"{path}: competencies[0].name: " in lines[0] and fragment in lines[0], text


def test_bad_profile_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "profiles.yaml"
    text = PROFILES.read_text(encoding="utf-8").replace("loved_by_team:", '"loved\\u202eteam":')
    path.write_text(text)
    with pytest.raises(sim.SpecError) as info:
        sim.load_profiles(path)
    assert "profiles.loved\\u202eteam: must not contain the character U+202E" in str(info.value)


def test_keys_that_mean_the_same_are_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("compensation: {yes: 1, true: 2}\n" + preset_text())
    assert_one_line(error_of(path), path, "compensation.true: duplicate key (line 1)")


# --------------------------------------------------------------------------- point 8
@pytest.mark.parametrize(
    ("char", "fragment"),
    [
        ("\x00", "U+0000"),
        ("\x01", "U+0001"),
        ("\x1b", "U+001B"),
        ("\x7f", "U+007F"),
        ("\x9b", "U+009B"),
    ],
)
def test_characters_yaml_refuses_give_one_line(tmp_path: Path, char: str, fragment: str) -> None:
    path = tmp_path / "control.yaml"
    path.write_text(preset_text().replace("title: Amazon-style", f"title: Ama{char}zon-style"))
    assert_one_line(error_of(path), path, fragment, "line 11, column 11")


def test_a_file_that_is_not_a_mapping_is_quoted_briefly(tmp_path: Path) -> None:
    path = tmp_path / "passwd"
    path.write_text(
        "".join(f"user{i}:x:{i}:{i}:User {i}:/home/u{i}:/bin/sh\n" for i in range(200))
    )
    code, _, err = cli("simulate", "--process", str(path))
    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith(f"hiring-sim: error: {path}: must be a mapping (got 'user0:x:0:0:")
    quoted = line.split("(got ", 1)[1][:-1]
    assert len(quoted) <= 80, line


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "expected a preset name or a YAML file (got '')"),
        ("   ", "expected a preset name or a YAML file (got '   ')"),
        ("x" * 300 + ".yaml", "cannot read file: File name too long"),
        ("bad\x00name.yaml", "bad\\x00name.yaml: the file name holds a NUL character"),
    ],
    ids=["empty", "spaces", "too long", "NUL"],
)
def test_bad_process_names_on_the_command_line(name: str, fragment: str) -> None:
    code, _, err = cli("simulate", "--process", name)
    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith("hiring-sim: error: ") and fragment in line, line
    assert line.isprintable() and len(line) < 400, line


def test_a_folder_is_not_a_process_file(tmp_path: Path) -> None:
    code, _, err = cli("validate", str(tmp_path))
    assert code == 1
    assert f"{tmp_path}: is a folder; expected a YAML file" in err


def test_every_yaml_error_is_one_line(tmp_path: Path) -> None:
    """Syntax errors of either parser (libyaml or PyYAML's own) name line and column."""
    cases = [
        "a: [1, 2\n",
        "a:\n\tb: 1\n",
        "a: b: c\n",
        "- a\n--- \n- b\n",
        "a: *missing\n",
        "a: &x 1\nb: &x 2\n",
        "a: !!python/object/apply:os.system [true]\n",
        "a: !!binary xx=\n",
        "a: 2026-02-30\n",
        "a: 1" + "0" * 1200 + "\n",
        "? [a, b]\n: c\n",
        '"unterminated\n',
        "a: [\t@\n",
    ]
    for text in cases:
        path = tmp_path / "syntax.yaml"
        path.write_text(text)
        with pytest.raises(sim.SpecError) as info:
            read_yaml(path)
        message = assert_one_line(info.value, path)
        assert re.search(r"line \d+, column \d+", message), message


def test_both_parsers_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python fallback (no libyaml) reads the presets alike and refuses alike."""
    import sim.yaml_reader as reader

    hostile = ["a: &a [*a]\n", "a: " + "[" * 50 + "]" * 50, laughs(6), "a: 1\na: 2\n"]
    results = []
    for loader in reader._LOADERS:
        monkeypatch.setattr(reader, "_Loader", loader)
        presets = [read_yaml(p) for p in sorted(data_dir().glob("*/*.yaml"))]
        errors = []
        for text in hostile:
            with pytest.raises(sim.SpecError) as info:
                reader.parse_yaml(text, "x.yaml")
            errors.append(str(info.value))
        results.append((presets, errors))
    assert all(r == results[0] for r in results)
    assert results[0][0] == [
        yaml.safe_load(p.read_text()) for p in sorted(data_dir().glob("*/*.yaml"))
    ]
