"""The list importers on small files in each published format (invented records)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import CASES, load_csv, load_json
from test_cli import ALIASKIT

from aliaskit import DataFileError, read_gazetteer
from aliaskit._gazetteer import SNIFFED, iter_gazetteer
from aliaskit._importers import sniff_head

LISTS = CASES / "importers"
EXPECTED = load_json("importer_entities.json")
ERRORS = load_csv("importer_errors.csv")
FORMATS = {"ftm/entities.ftm.json": "ftm", "ofac/sdn.csv": "ofac", "un/consolidated.xml": "un",
           "geonames/XX.txt": "geonames"}


def _summary(path: Path, fmt: str | None = None) -> tuple[list[dict[str, object]], list[DataFileError]]:
    problems: list[DataFileError] = []
    entities = read_gazetteer(path, format=fmt, errors=problems.append)
    return [{"id": e.id, "name": e.name, "kind": e.kind,
             "aliases": [[a.name, a.weak] for a in e.aliases],
             "birth_years": [list(y) for y in e.birth_years], "countries": list(e.countries),
             "source": e.source} for e in entities], problems


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_reads_fixture(name: str) -> None:
    detected, problems = _summary(LISTS / name)
    assert detected == EXPECTED[name]
    assert _summary(LISTS / name, FORMATS[name])[0] == detected
    assert sniff_head(LISTS / name, (LISTS / name).read_bytes()[:SNIFFED]) == FORMATS[name]
    # every malformed row of the fixture is reported, with its file and line
    expected = [(c["reported_file"], int(c["line"])) for c in ERRORS if c["file"] == name]
    assert sorted((Path(p.path or "").name, p.line) for p in problems) == sorted(expected)


@pytest.mark.parametrize("case", ERRORS, ids=[f"{c['file']}:{c['line']}" for c in ERRORS])
def test_reports_bad_row(case: dict[str, str]) -> None:
    _, problems = _summary(LISTS / case["file"])
    found = [p for p in problems if Path(p.path or "").name == case["reported_file"]
             and p.line == int(case["line"])]
    assert len(found) == 1 and case["expected"] in str(found[0])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_without_handler_raises_listing_every_row(name: str) -> None:
    count = sum(1 for c in ERRORS if c["file"] == name)
    with pytest.raises(DataFileError, match=f"{count} malformed row"):
        read_gazetteer(LISTS / name)


def test_rows_accounted_for() -> None:
    """Each record of a fixture gives an entity, an error, or is a record that names no
    party (the FTM Sanction record)."""
    entities, problems = _summary(LISTS / "ftm/entities.ftm.json")
    lines = [ln for ln in (LISTS / "ftm/entities.ftm.json").read_text().splitlines() if ln.strip()]
    assert len(entities) + len(problems) + 1 == len(lines)


def test_weak_aliases_and_context() -> None:
    [person] = [e for e in read_gazetteer(LISTS / "un/consolidated.xml", errors=lambda _: None)
                if e.id == "un:XXi.001"]
    assert {a.name for a in person.aliases if a.weak} == {"Abu Layla"}
    assert person.birth_years == ((1956, 1956),) and person.countries == ("georgia",)


def test_doctype_refused() -> None:
    with pytest.raises(DataFileError, match="DOCTYPE and ENTITY declarations are refused"):
        read_gazetteer(LISTS / "un/doctype.xml")


def test_streams(tmp_path: Path) -> None:
    """iter_gazetteer yields the first entity before the rest of the file is read."""
    path = tmp_path / "list.jsonl"
    shutil.copy(LISTS / "ftm/entities.ftm.json", path)
    stream = iter_gazetteer(path, errors=lambda _: None)
    assert next(stream).id == "os-p-1"
    with path.open("a") as handle:  # appended after the first entity was read
        handle.write('{"id": "late", "schema": "Person", "properties": {"name": ["Late Arrival"]}}\n')
    assert [e.id for e in stream][-1] == "late"


def test_ambiguous_format(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text("<other/>", encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown gazetteer format"):
        read_gazetteer(path)
    with pytest.raises(DataFileError, match="unknown gazetteer format 'xls'"):
        read_gazetteer(path, format="xls")


def test_doctype_in_utf16_refused(tmp_path: Path) -> None:
    """The declarations were looked for in UTF-8 bytes only: the same file in UTF-16
    was read, its entities expanded."""
    path = tmp_path / "consolidated.xml"
    text = (LISTS / "un/doctype.xml").read_text(encoding="utf-8")
    path.write_bytes(text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
                     .encode("utf-16"))
    with pytest.raises(DataFileError, match="not UTF-8 XML"):
        read_gazetteer(path, format="un")


@pytest.mark.parametrize("wide", ["utf-16", "utf-32"])
@pytest.mark.parametrize("rel", ["ftm/entities.ftm.json", "ofac/sdn.csv", "geonames/XX.txt"])
def test_a_list_saved_as_utf16_with_its_mark_is_told_and_read(tmp_path: Path, rel: str,
                                                              wide: str) -> None:
    """cli.md: lists saved as UTF-16 or UTF-32 with their byte-order mark are read as
    such. Their format was told from their first bytes as UTF-8: an FtM file was taken for
    aliaskit's JSON Lines ("unknown field(s) of entity: ..."), GeoNames and OFAC were
    "unknown gazetteer format" unless named."""
    source = LISTS / rel
    for side in source.parent.iterdir():
        (tmp_path / side.name).write_bytes(side.read_bytes().decode("utf-8").encode(wide))
    found = read_gazetteer(tmp_path / source.name, errors=lambda _: None)
    expected = read_gazetteer(source, errors=lambda _: None)
    assert found and [e.to_dict() for e in found] == [e.to_dict() for e in expected]


@pytest.mark.parametrize("fmt, name, line", [
    ("ofac", "sdn.csv", '9²,"TANNURI, Zarif","individual","SDGT",' + ",".join(['"-0- "'] * 8)),
    ("geonames", "XX.txt", "8²\tOrrin Valley\tOrrin Valley\t\t41.6\t44.9\tT\tVAL\tGE\t\t01"
                           "\t\t\t\t0\t\t800\tAsia/Tbilisi\t2026-01-01"),
])
def test_digits_int_refuses_are_a_bad_row(tmp_path: Path, fmt: str, name: str, line: str) -> None:
    """"²" is a digit to str.isdigit() but not to int(): a ValueError escaped."""
    path = tmp_path / name
    path.write_text(line + "\n", encoding="utf-8")
    problems: list[DataFileError] = []
    assert read_gazetteer(path, format=fmt, errors=problems.append) == []
    assert len(problems) == 1 and problems[0].line == 1


def test_an_unreadable_side_file_is_a_data_file_error(tmp_path: Path) -> None:
    shutil.copy(LISTS / "ofac/sdn.csv", tmp_path / "sdn.csv")
    (tmp_path / "alt.csv").mkdir()
    with pytest.raises(DataFileError, match=r"alt\.csv"):
        read_gazetteer(tmp_path / "sdn.csv", errors=lambda _: None)


@pytest.mark.parametrize("names", [("SDN.CSV", "ALT.CSV", "ADD.CSV"),
                                   ("sdn.csv", "ALT.CSV", "Add.Csv"),
                                   ("SDN.CSV", "alt.csv", "add.csv")])
def test_side_files_are_found_whatever_the_case_of_their_names(
        tmp_path: Path, names: tuple[str, str, str]) -> None:
    """OFAC's files are also unpacked as SDN.CSV, ALT.CSV and ADD.CSV: the side files
    were looked for in lower case only, and their aliases and countries silently lost."""
    for name, given in zip(("sdn.csv", "alt.csv", "add.csv"), names):
        shutil.copy(LISTS / "ofac" / name, tmp_path / given)
    found = read_gazetteer(tmp_path / names[0], errors=lambda _: None)
    expected = read_gazetteer(LISTS / "ofac" / "sdn.csv", errors=lambda _: None)
    assert [e.to_dict() for e in found] == [e.to_dict() for e in expected]
    assert any(e.aliases for e in found) and any(e.countries for e in found)


def test_geonames_place_without_alternate_rows_keeps_its_column(tmp_path: Path) -> None:
    """With alternateNamesV2.txt beside the dump, a place with no rows there lost the
    names of the dump's own alternatenames column."""
    shutil.copy(LISTS / "geonames/alternateNamesV2.txt", tmp_path / "alternateNamesV2.txt")
    columns = ["8000009", "Qalay Dawlatzay", "Qalay Dawlatzay", "Qala-i Dawlatzai,Dawlatzay",
               "34.5", "69.1", "P", "PPL", "ZZ", "", "01", "", "", "", "0", "", "1800",
               "Asia/Kabul", "2026-01-01"]
    (tmp_path / "ZZ.txt").write_text("\t".join(columns) + "\n", encoding="utf-8")
    [place] = read_gazetteer(tmp_path / "ZZ.txt", format="geonames", errors=lambda _: None)
    assert [a.name for a in place.aliases] == ["Qala-i Dawlatzai", "Dawlatzay"]


@pytest.mark.parametrize("case", load_csv("importer_long_ids.csv"),
                         ids=lambda c: c["written"])
def test_an_id_of_more_digits_than_python_converts_is_a_bad_row(
        tmp_path: Path, case: dict[str, str]) -> None:
    """An id past Python's int conversion limit (4,300 digits) stopped the import with a
    ValueError; it is one malformed row, with its line."""
    folder = tmp_path / "list"
    shutil.copytree((LISTS / case["file"]).parent, folder)
    written = folder / case["written"]
    lines = written.read_text(encoding="utf-8").count("\n")
    long_id = ("1234567890" * 500)
    with written.open("a", encoding="utf-8") as handle:
        handle.write(case["row"].replace("{id}", long_id) + "\n")
    _, problems = _summary(folder / Path(case["file"]).name)
    found = [p for p in problems if Path(p.path or "").name == case["written"]
             and p.line == lines + 1]
    assert len(found) == 1 and case["expected"] in str(found[0]), problems


def _feed(fifo: Path, data: bytes) -> threading.Thread:
    """A writer that opens ``fifo`` once, writes ``data`` and closes it, as `cat list >
    fifo` does."""
    def write() -> None:
        with contextlib.suppress(OSError), fifo.open("wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


def _release(fifo: Path, writer: threading.Thread) -> None:
    """Let a writer still waiting for a reader go (when the command never opened it)."""
    if writer.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    writer.join(10)


def _big_list(folder: Path) -> Path:
    """A list of more than the bytes read to tell its format (all must still be read)."""
    path = folder / "big.jsonl"
    path.write_text("".join(json.dumps({"id": f"p{n}", "name": f"Name Number{n}"}) + "\n"
                            for n in range(3000)), encoding="utf-8")
    return path


FIFO_LISTS = [*sorted(FORMATS), "gazetteers:good.csv", "gazetteers:good.jsonl", "big.jsonl"]


@pytest.mark.cli
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", FIFO_LISTS)
def test_a_list_in_a_named_pipe_is_read_once(tmp_path: Path, name: str) -> None:
    """A FIFO given without its format was opened twice, once to tell the format and
    once to read it: the second open waited forever for a writer that had gone. The
    command must read the same entities as from a regular file, or refuse at once;
    never wait (a timeout makes a regression fail, not hang)."""
    source = (_big_list(tmp_path) if name == "big.jsonl" else
              CASES / "gazetteers" / name.split(":")[1] if ":" in name else LISTS / name)
    regular, piped = tmp_path / "regular", tmp_path / "piped"
    for folder in (regular, piped):
        shutil.copytree(source.parent, folder, ignore=shutil.ignore_patterns(source.name))
    shutil.copy(source, regular / source.name)
    fifo = piped / source.name
    os.mkfifo(fifo)

    def build(path: Path) -> subprocess.CompletedProcess[str]:
        assert ALIASKIT
        return subprocess.run([ALIASKIT, "index", "build", str(path), "-o",
                               str(tmp_path / "out.idx"), "--list-errors", "warn", "--jsonl"],
                              capture_output=True, text=True, timeout=60)

    expected = build(regular / source.name)
    writer = _feed(fifo, source.read_bytes())
    try:
        result = build(fifo)
    finally:
        _release(fifo, writer)
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    if name == "geonames/XX.txt":
        # Read twice (its ids, then its places), with alternateNamesV2.txt beside it.
        assert result.returncode == 1 and result.stdout == "", said
        assert result.stderr == (f"aliaskit: error: {fifo}: is not a regular file, and a GeoNames "
                                 "dump with alternateNamesV2.txt beside it is read twice; "
                                 "save it to a file first\n")
        return
    assert expected.returncode == 0, expected.stderr
    assert result.returncode == 0, said
    assert json.loads(result.stdout)["entities"] == json.loads(expected.stdout)["entities"]
    assert result.stderr == expected.stderr.replace(str(regular), str(piped))


@pytest.mark.cli
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", [["screen", "{names}", "--against", "{list}"],
                                     ["entities", "--no-bundled", "--data", "{list}"]])
def test_every_command_reads_a_list_in_a_named_pipe(tmp_path: Path, command: list[str]) -> None:
    """screen --against and --data (resolve, entities, show, link) read a list as index
    build does."""
    source = _big_list(tmp_path)
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    names = tmp_path / "names.txt"
    names.write_text("Name Number2999\n", encoding="utf-8")
    args = [a.format(names=names, list=fifo) for a in command]
    writer = _feed(fifo, source.read_bytes())
    try:
        assert ALIASKIT
        result = subprocess.run([ALIASKIT, *args, "--jsonl"], capture_output=True, text=True,
                                timeout=60)
    finally:
        _release(fifo, writer)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    if command[0] == "screen":
        assert records[0]["hits"][0]["id"] == "p2999"
    else:
        assert [r["id"] for r in records] == [f"p{n}" for n in range(3000)]
