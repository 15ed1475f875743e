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


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("name", ["good.jsonl", "good.csv"])
def test_reads_files_saved_with_a_utf16_or_utf32_mark(tmp_path: Path, name: str,
                                                      encoding: str) -> None:
    """Read as UTF-8, such a list gave a bad first row and NUL-interleaved names."""
    text = (GAZ / name).read_text(encoding="utf-8")
    path = tmp_path / name
    mark = b"\xfe\xff" if encoding == "utf-16-be" else b""
    path.write_bytes(mark + text.encode(encoding))
    assert read_gazetteer(path) == read_gazetteer(GAZ / name)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-be"])
def test_a_list_in_utf16_without_its_mark_is_one_error(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes((GAZ / "good.csv").read_text(encoding="utf-8").encode(encoding))
    with pytest.raises(DataFileError) as info:
        read_gazetteer(path)
    # A list has no --encoding: it is to be saved as UTF-8.
    assert str(info.value) == (f"{path}:1: looks like UTF-{encoding[4:6]} text without its "
                               "byte-order mark (NUL bytes between the letters); save it as "
                               "UTF-8")


def test_a_nul_byte_in_a_row_is_its_error(tmp_path: Path) -> None:
    """It was dropped by normalisation, and 'Ah\\x00mad Massoud' matched."""
    path = tmp_path / "g.csv"
    path.write_bytes(b"id,name\nx1,Amir Khan\nx2,Ah\x00mad Massoud\n")
    problems: list[DataFileError] = []
    assert [e.id for e in read_gazetteer(path, errors=problems.append)] == ["x1"]
    assert [str(p) for p in problems] == [
        f"{path}:3: row 3: a NUL byte at byte 6 (text has none)"]


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


# --- lists in one CSV cell ----------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from aliaskit._gazetteer import join_cell, split_cell  # noqa: E402

_VALUE = st.text(alphabet=st.sampled_from("ab |\\,\"x"), min_size=1, max_size=8).map(str.strip) \
    .filter(bool)


@given(st.lists(_VALUE, max_size=5))
def test_a_cell_of_values_reads_back_as_written(values: list[str]) -> None:
    assert split_cell(join_cell(values)) == values


def test_entities_csv_reads_back_as_the_same_gazetteer(tmp_path: Path) -> None:
    """`aliaskit entities --csv` writes a gazetteer that --data reads back: aliases
    holding "|" or a backslash, birth dates and countries included."""
    import json

    from test_cli import run

    source = tmp_path / "people.jsonl"
    source.write_text(json.dumps({
        "id": "p1", "name": "Ahmad Karimi", "kind": "person",
        "aliases": ["A|B Karimi", "C\\D Karimi", "Ahmad Karimy"],
        "birth_dates": ["1970-03"], "countries": ["af", "ir"]}) + "\n", encoding="utf-8")
    written = run("entities", "--no-bundled", "--data", str(source), "--csv")
    assert written.returncode == 0, written.stderr
    (tmp_path / "people.csv").write_text(written.stdout, encoding="utf-8")
    [before] = read_gazetteer(source)
    [after] = read_gazetteer(tmp_path / "people.csv")
    assert [a.name for a in after.aliases] == [a.name for a in before.aliases]
    assert (after.birth_dates, after.countries) == (before.birth_dates, before.countries)
