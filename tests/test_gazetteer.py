from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CASES, load_csv

from aliaskit import DataFileError, Entity, InvalidArgumentError, read_gazetteer

GAZ = CASES / "gazetteers"
ERRORS = load_csv("gazetteer_errors.csv")


@pytest.mark.parametrize("name", ["good.jsonl", "good.csv"])
def test_reads_good_files(name: str) -> None:
    entities = read_gazetteer(GAZ / name)
    assert [e.id for e in entities] == ["x1", "x2", "x3"]
    assert entities[0].names == ("Amir Khan Muttaqi", "Mottaki", "امیر خان متقی")
    assert entities[0].kind == "person" and entities[2].kind is None
    assert entities[0].aliases[0].origin == "user"


@pytest.mark.parametrize("case", ERRORS, ids=[c["note"] for c in ERRORS])
def test_reports_every_bad_row(case: dict[str, str]) -> None:
    with pytest.raises(DataFileError) as info:
        read_gazetteer(GAZ / case["file"])
    assert case["expected"] in str(info.value)
    assert case["file"] in str(info.value)


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="file not found"):
        read_gazetteer(tmp_path / "nope.csv")
    (tmp_path / "g.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown gazetteer format"):
        read_gazetteer(tmp_path / "g.txt")


def test_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(b"id,name\nx1,Ahmad \xff\n")
    with pytest.raises(DataFileError, match=r"(?i)not valid utf-8"):
        read_gazetteer(path)


def test_entity_from_plain_strings_validates() -> None:
    e = Entity(id="x1", name="Amir Khan Muttaqi", aliases=["Mottaki"])
    assert e.kind is None and e.names == ("Amir Khan Muttaqi", "Mottaki")
    with pytest.raises(InvalidArgumentError, match="kind"):
        Entity(id="x1", name="A", kind="city")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of names"):
        Entity(id="x1", name="A", aliases="Mottaki")  # type: ignore[arg-type]


@pytest.mark.parametrize("text, expected", [
    ('{"id": "x", "name": "Kabul", "kind": false}\n', "kind must be a string"),
    ('{"id": "x", "name": "Kabul", "aliases": {}}\n', "aliases must be a list"),
    ('{"id": "x", "name": "Kabul", "countries": {}}\n', "expected a list of strings"),
    ('{"id": "x", "name": "Kabul", "aliases": [{"name": "Kabol", "weak": "yes"}]}\n',
     "Alias.weak must be bool"),
])
def test_json_values_of_the_wrong_kind(tmp_path: Path, text: str, expected: str) -> None:
    """Falsy values of the wrong type ({} for a list, false for a kind) were taken as
    missing; they are malformed rows."""
    path = tmp_path / "g.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=expected):
        read_gazetteer(path)


def test_a_repeated_csv_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("id,name,name\nx,Kabul,Kabol\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="header repeats column"):
        read_gazetteer(path)
