"""A malformed entity file (or seed) is one clear error naming the file, never a traceback:
from ``build_reference()`` a :class:`DataFileError`, from ``aliaskit reference build``
one ``aliaskit: error:`` line on standard error and a non-zero exit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from aliaskit import AliaskitError, DataFileError
from aliaskit._reference import build_reference

SEEDS = REPO / "seeds"
BIN = Path(sys.executable).parent
ALIASKIT = shutil.which("aliaskit", path=str(BIN)) or shutil.which("aliaskit")

ENTITY = """
[[entity]]
id = "person/x"
kind = "person"
name = "X"
description = "someone"
"""
DECISION = """
[[decision]]
source = "000_ec6549140e362a5b.txt"
start = 1794
text = "Massoud"
entity = "person/x"
why = "because"
"""
EXCLUDE = """
[[exclude]]
source = "002_b42d4b06c29c7d07.txt"
from_line = "Explore"
"""


def _with(block: str, old: str, new: str) -> bytes:
    assert old in block
    return ("schema = 1\n" + block.replace(old, new)).encode("utf-8")


# (test id, content of the entity file, a fragment the message must hold)
CASES: list[tuple[str, bytes, str]] = [
    # the file itself
    ("invalid-utf8", b"\xff\xfd", ":1: not valid UTF-8"),
    ("invalid-utf8-line-3", b'schema = 1\n# a comment\nx = "\xe9"\n', ":3: not valid UTF-8"),
    ("toml-syntax", b"schema = 1\n[[entity]\n", "not valid TOML"),
    ("toml-duplicate-key", b"schema = 1\nschema = 1\n", "not valid TOML"),
    ("toml-nested-too-deeply", b"schema = 1\nx = " + b"[" * 100_000, "not valid TOML"),
    ("empty-file", b"", "expected 'schema = 1'"),
    # top level
    ("schema-missing", b"[[entity]]\n", "expected 'schema = 1'"),
    ("schema-string", b'schema = "1"\n', "expected 'schema = 1'"),
    ("schema-boolean", b"schema = true\n", "expected 'schema = 1'"),
    ("schema-float", b"schema = 1.0\n", "expected 'schema = 1'"),
    ("schema-2", b"schema = 2\n", "expected 'schema = 1'"),
    ("unknown-top-key", b"schema = 1\nentities = []\n", "unknown key 'entities'"),
    ("entity-integer", b"schema = 1\nentity = 5\n", "'entity' must be an array of tables"),
    ("entity-array-of-integers", b"schema = 1\nentity = [5]\n", "'entity' must be an array of tables"),
    ("entity-table", b"schema = 1\n[entity]\nid = 'person/x'\n", "'entity' must be an array of tables"),
    ("exclude-integer", b"schema = 1\nexclude = 5\n", "'exclude' must be an array of tables"),
    ("exclude-array-of-integers", b"schema = 1\nexclude = [5]\n", "'exclude' must be an array of tables"),
    ("decision-integer", b"schema = 1\ndecision = 5\n", "'decision' must be an array of tables"),
    ("decision-string", b'schema = 1\ndecision = "x"\n', "'decision' must be an array of tables"),
    # [[exclude]]
    ("exclude-source-integer", _with(EXCLUDE, 'source = "002_b42d4b06c29c7d07.txt"', "source = 5"),
     "[[exclude]] 1: 'source' must be a string, not an integer"),
    ("exclude-from-line-array", _with(EXCLUDE, 'from_line = "Explore"', "from_line = []"),
     "'from_line' must be a string, not an array"),
    ("exclude-why-integer", _with(EXCLUDE, 'from_line = "Explore"', 'from_line = "Explore"\nwhy = 1'),
     "'why' must be a string"),
    ("exclude-from-line-missing", _with(EXCLUDE, 'from_line = "Explore"', ""),
     "[[exclude]] 1: missing key 'from_line'"),
    ("exclude-unknown-key", _with(EXCLUDE, 'from_line = "Explore"', 'from_line = "Explore"\nline = 3'),
     "[[exclude]] 1: unknown key 'line'"),
    # [[entity]]
    ("entity-id-integer", _with(ENTITY, 'id = "person/x"', "id = 5"),
     "[[entity]] 1: 'id' must be a string, not an integer"),
    ("entity-id-missing", _with(ENTITY, 'id = "person/x"', ""), "[[entity]] 1: missing key 'id'"),
    ("entity-kind-integer", _with(ENTITY, 'kind = "person"', "kind = 5"),
     "[[entity]] 1 ('person/x'): 'kind' must be a string"),
    ("entity-name-boolean", _with(ENTITY, 'name = "X"', "name = false"),
     "'name' must be a string, not a boolean"),
    ("entity-description-date", _with(ENTITY, 'description = "someone"', "description = 2022-01-09"),
     "'description' must be a string, not a date"),
    ("entity-description-missing", _with(ENTITY, 'description = "someone"', ""),
     "[[entity]] 1 ('person/x'): missing key 'description'"),
    ("entity-aliases-string", _with(ENTITY, 'name = "X"', 'name = "X"\naliases = "X"'),
     "'aliases' must be an array of strings, not a string"),
    ("entity-aliases-array-of-integers", _with(ENTITY, 'name = "X"', 'name = "X"\naliases = ["X", 5]'),
     "'aliases' must be an array of strings, not an array holding an integer (item 2)"),
    ("entity-ambiguous-integer", _with(ENTITY, 'name = "X"', 'name = "X"\nambiguous = 5'),
     "'ambiguous' must be an array of strings"),
    ("entity-ambiguous-array-of-floats", _with(ENTITY, 'name = "X"', 'name = "X"\nambiguous = [1.5]'),
     "'ambiguous' must be an array of strings, not an array holding a float"),
    ("entity-curated-integer", _with(ENTITY, 'name = "X"', 'name = "X"\ncurated = 5'),
     "[[entity]] 1 ('person/x'): 'curated' must be an array of tables, not an integer"),
    ("entity-curated-array-of-integers", _with(ENTITY, 'name = "X"', 'name = "X"\ncurated = [5]'),
     "'curated' must be an array of tables, not an array holding an integer"),
    ("entity-curated-table", _with(ENTITY, 'name = "X"', 'name = "X"\ncurated = { name = "Y", note = "n" }'),
     "'curated' must be an array of tables, not a table"),
    ("curated-name-integer",
     _with(ENTITY, 'name = "X"', 'name = "X"\ncurated = [{ name = 5, note = "n" }]'),
     "[[entity]] 1 ('person/x'): curated 1: 'name' must be a string, not an integer"),
    ("curated-note-missing", _with(ENTITY, 'name = "X"', 'name = "X"\ncurated = [{ name = "Y" }]'),
     "curated 1: missing key 'note'"),
    ("curated-unknown-key",
     _with(ENTITY, 'name = "X"', 'name = "X"\ncurated = [{ name = "Y", note = "n", lang = "fa" }]'),
     "curated 1: unknown key 'lang'"),
    ("entity-unknown-key", _with(ENTITY, 'name = "X"', 'name = "X"\nalias = ["X"]'),
     "[[entity]] 1 ('person/x'): unknown key 'alias'"),
    # [[decision]]
    ("decision-source-integer", _with(DECISION, 'source = "000_ec6549140e362a5b.txt"', "source = 0"),
     "[[decision]] 1: 'source' must be a string, not an integer"),
    ("decision-start-string", _with(DECISION, "start = 1794", 'start = "1794"'),
     "'start' must be an integer, not a string"),
    ("decision-start-boolean", _with(DECISION, "start = 1794", "start = true"),
     "'start' must be an integer, not a boolean"),
    ("decision-start-float", _with(DECISION, "start = 1794", "start = 1794.0"),
     "'start' must be an integer, not a float"),
    ("decision-text-array", _with(DECISION, 'text = "Massoud"', 'text = ["Massoud"]'),
     "'text' must be a string, not an array"),
    ("decision-entity-integer", _with(DECISION, 'entity = "person/x"', "entity = 0"),
     "'entity' must be a string, not an integer"),
    ("decision-entity-missing", _with(DECISION, 'entity = "person/x"', ""),
     "[[decision]] 1: missing key 'entity'"),
    ("decision-why-time", _with(DECISION, 'why = "because"', "why = 07:32:00"),
     "'why' must be a string, not a time"),
    ("decision-unknown-key", _with(DECISION, 'why = "because"', 'why = "because"\nnote = "n"'),
     "[[decision]] 1: unknown key 'note'"),
]


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return tmp_path / "out" / "reference.json"


@pytest.mark.parametrize(("content", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_build_reference_raises_a_data_file_error(tmp_path: Path, content: bytes, fragment: str) -> None:
    entities = tmp_path / "bad-entities.toml"
    entities.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        build_reference(entities, SEEDS)
    assert isinstance(info.value, AliaskitError)
    assert info.value.path == str(entities)
    message = str(info.value)
    assert message.startswith(str(entities) + ":"), message
    assert fragment in message, message
    assert "\n" not in message, message


def _cli(entities: Path, seeds: Path, output: Path) -> subprocess.CompletedProcess[str]:
    assert ALIASKIT, "the aliaskit console script is not installed"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [ALIASKIT, "reference", "build", "--entities", str(entities), "--seeds", str(seeds),
         "--output", str(output)],
        capture_output=True, text=True, encoding="utf-8", timeout=120, env=env,
    )


def _assert_one_error_line(result: subprocess.CompletedProcess[str], path: Path, output: Path) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aliaskit: error: "), lines[0]
    assert str(path) in lines[0], lines[0]
    assert result.stdout == ""
    assert not output.exists()
    return lines[0]


@pytest.mark.cli
@pytest.mark.parametrize(("content", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_prints_one_error_line(tmp_path: Path, output: Path, content: bytes, fragment: str) -> None:
    entities = tmp_path / "bad-entities.toml"
    entities.write_bytes(content)
    line = _assert_one_error_line(_cli(entities, SEEDS, output), entities, output)
    assert fragment in line, line


def test_every_problem_is_named_on_one_line(tmp_path: Path) -> None:
    entities = tmp_path / "entities.toml"
    entities.write_bytes(_with(ENTITY, 'name = "X"', 'name = 5\nnickname = "Y"') + b"zzz = 1\n")
    with pytest.raises(DataFileError) as info:
        build_reference(entities, SEEDS)
    message = str(info.value)
    assert "\n" not in message
    for fragment in ("unknown key 'zzz'", "unknown key 'nickname'", "'name' must be a string"):
        assert fragment in message, message


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_an_entity_file_that_cannot_be_read(tmp_path: Path, output: Path, kind: str) -> None:
    entities = tmp_path / "entities.toml"
    if kind == "directory":
        entities.mkdir()
    with pytest.raises(DataFileError, match=re.escape(f"{entities}: ")):
        build_reference(entities, SEEDS)
    _assert_one_error_line(_cli(entities, SEEDS, output), entities, output)


def test_a_seed_that_is_not_utf8(tmp_path: Path, output: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    bad = seeds / "000_bad.txt"
    bad.write_bytes(b"Kabul\nTehr\xe2n\n")
    entities = tmp_path / "entities.toml"
    entities.write_text("schema = 1\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        build_reference(entities, seeds)
    assert str(info.value).startswith(f"{bad}:2: not valid UTF-8"), str(info.value)
    _assert_one_error_line(_cli(entities, seeds, output), bad, output)


def test_a_well_formed_minimal_file_still_builds(tmp_path: Path) -> None:
    entities = tmp_path / "entities.toml"
    entities.write_text(
        'schema = 1\n[[entity]]\nid = "place/tehran"\nkind = "place"\nname = "Tehran"\n'
        'description = "capital of Iran"\naliases = ["Tehran"]\nambiguous = []\n'
        'curated = [{ name = "تهران", note = "Persian spelling" }]\n', encoding="utf-8")
    data = build_reference(entities, SEEDS)
    [entity] = data["entities"]
    assert entity["id"] == "place/tehran"
    assert [a["origin"] for a in entity["aliases"]] == ["seed", "curated"]
