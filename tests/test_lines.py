"""Where a line ends, in every reader of user files (tests/cases/line_ends.csv): at LF,
CRLF or a lone CR; never at U+2028, U+0085, form feed... which are characters of the
line."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from conftest import CASES, load_csv, unescape
from hypothesis import given
from hypothesis import strategies as st
from test_cli import ALIASKIT

from aliaskit import DataFileError, link
from aliaskit._gazetteer import csv_rows, decoded_lines
from aliaskit._lines import line_and_column, line_ends, read_lines, split_lines

LINE_ENDS = load_csv("line_ends.csv")


def _case(case: dict[str, str]) -> tuple[str, list[str]]:
    return unescape(case["text"]), unescape(case["lines"]).split("|")


@pytest.mark.parametrize("case", LINE_ENDS, ids=lambda c: c["case"])
def test_every_reader_ends_lines_alike(case: dict[str, str]) -> None:
    text, lines = _case(case)
    assert split_lines(text) == lines
    for encoding in ("utf-8", "cp1256", "utf-16"):
        if encoding == "cp1256" and not text.isascii():
            continue
        read = list(decoded_lines(io.BytesIO(text.encode(encoding)), encoding))
        assert read == list(enumerate(lines, start=1)), encoding
    # Saved as UTF-16 or UTF-32 with their byte-order mark (Windows' "Unicode"), and read
    # as UTF-8 (no --encoding): the mark says how to read it.
    for marked in ("utf-16", "utf-16-be", "utf-32"):
        raw = text.encode(marked) if marked != "utf-16-be" else (
            b"\xfe\xff" + text.encode(marked))
        assert list(decoded_lines(io.BytesIO(raw))) == list(enumerate(lines, start=1)), marked
    # A CSV file: the same lines, each a record of one field (a blank line is none).
    for raw in (text.encode(), text.encode("utf-16")):
        rows = list(csv_rows(io.BytesIO(raw)))
        assert rows == [(n, [line]) for n, line in enumerate(lines, start=1) if line]


@pytest.mark.parametrize("case", LINE_ENDS, ids=lambda c: c["case"])
def test_link_numbers_a_mention_by_the_line_it_is_on(case: dict[str, str]) -> None:
    """link() numbers lines as the readers split them (a lone CR ended no line there)."""
    text, lines = _case(case)
    text = text.replace("Herat", "Ahmad Massoud met Herat")  # a mention within a line too
    starts, position = [], 0
    for line in split_lines(text):
        starts.append(position)
        position += len(line)
        position += 2 if text.startswith("\r\n", position) else 1
    mentions = link(text)
    assert len(mentions) >= len([line for line in lines if line]) + 1
    for m in mentions:
        line = m.mention.line
        assert line == max(k for k, start in enumerate(starts, 1) if start <= m.start), m
        assert line == line_ends(text, 0, m.start) + 1


def test_line_and_column_of_a_byte() -> None:
    raw = b"Kabul\rHerat\r\nTeh\xffran\n"
    assert line_and_column(raw, raw.index(b"\xff")) == (3, 4)
    assert line_and_column(raw, 0) == (1, 1)


@pytest.mark.cli
@pytest.mark.parametrize("case", LINE_ENDS, ids=lambda c: c["case"])
def test_names_files_give_one_record_a_line(tmp_path: Path, case: dict[str, str]) -> None:
    """Standard input (resolve, normalize...), a file of names (screen, cluster): one
    record per line, numbered as the lines are."""
    text, lines = _case(case)
    path = tmp_path / "names.txt"
    path.write_bytes(text.encode())
    listed = CASES / "screen" / "list.jsonl"
    assert ALIASKIT
    for args, stdin in ((["normalize"], text.encode()), (["cluster", str(path)], None),
                        (["screen", str(path), "--against", str(listed)], None)):
        result = subprocess.run([ALIASKIT, *args, "--jsonl"], input=stdin, capture_output=True,
                                timeout=120)
        records = [json.loads(line) for line in result.stdout.decode().split("\n") if line]
        assert [(r["line"], r["input"]) for r in records] == list(enumerate(lines, start=1)), args
        assert b"Traceback" not in result.stderr


INPUT_ERRORS = load_csv("input_file_errors.csv")


@pytest.mark.cli
@pytest.mark.parametrize("case", INPUT_ERRORS, ids=lambda c: c["case"])
def test_an_unreadable_input_names_its_file_and_line(tmp_path: Path, case: dict[str, str]
                                                     ) -> None:
    path = tmp_path / case["file"]
    raw = unescape(case["text"]).encode(case["saved_as"], "surrogatepass")
    path.write_bytes(raw)
    listed = str(CASES / "screen" / "list.jsonl")
    options = case["options"].split()
    assert ALIASKIT
    for command in case["commands"].split():
        args, stdin, where = {"screen": (["screen", str(path), "--against", listed], None, str(path)),
                              "cluster": (["cluster", str(path)], None, str(path)),
                              "link": (["link", str(path)], None, str(path)),
                              "resolve": (["resolve"], raw, "<stdin>")}[command]
        result = subprocess.run([ALIASKIT, *args, *options], input=stdin, capture_output=True,
                                timeout=120)
        err = result.stderr.decode()
        assert result.returncode == 1, (command, err)
        assert case["expected"].format(file=where) in err and "Traceback" not in err, (command, err)


def test_a_bad_byte_far_into_a_utf16_stream_is_on_its_line() -> None:
    """Past the first block read (64 KiB), and with a CRLF cut by a block's end."""
    lines = [f"Name {n}" for n in range(20000)]
    lines[15000] = "Teh\udc00ran"
    raw = "\r\n".join(lines).encode("utf-16", "surrogatepass")
    read = decoded_lines(io.BytesIO(raw), "utf-16", name="big.txt")
    with pytest.raises(DataFileError, match=r"^big\.txt:15001: not valid utf-16"):
        for number, line in read:
            assert line == lines[number - 1]
    good = "\r\n".join(lines[:15000]).encode("utf-16")
    assert [line for _, line in decoded_lines(io.BytesIO(good), "utf-16")] == lines[:15000]


@pytest.mark.cli
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_files_with_a_utf16_or_utf32_mark_read_as_their_text(tmp_path: Path, encoding: str
                                                              ) -> None:
    """Read without --encoding, such a file gave an error for its first line, then the
    other lines NUL-interleaved (matched all the same once normalised) and one more row,
    a NUL; with its byte-order mark, it is read as the text it is, in every reader."""
    listed = str(CASES / "screen" / "list.jsonl")
    texts = {"names.txt": "Amir Khan Mottaki\r\nAhmad Massoud\r\n",
             "names.csv": "id,name\r\n1,Amir Khan Mottaki\r\n2,Ahmad Massoud\r\n",
             "names.jsonl": '{"name": "Amir Khan Mottaki"}\n{"name": "Ahmad Massoud"}\n'}
    commands = [(["resolve"], "names.txt"), (["cluster", "{path}"], "names.txt"),
                (["cluster", "{path}", "--column", "name"], "names.csv"),
                (["link", "{path}"], "names.txt"),
                *((["screen", "{path}", "--against", listed], name) for name in texts)]
    assert ALIASKIT
    for args, name in commands:
        outputs = []
        for saved_as in ("utf-8", encoding):
            path = tmp_path / saved_as / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(texts[name].encode(saved_as))
            stdin = path.read_bytes() if args == ["resolve"] else None
            result = subprocess.run([ALIASKIT, *(a.format(path=path) for a in args), "--jsonl"],
                                    input=stdin, capture_output=True, timeout=120)
            assert result.returncode == 0, (args, saved_as, result.stderr)
            outputs.append(result.stdout.decode().replace(str(path), "NAMES"))
        assert outputs[0] == outputs[1], args


@pytest.mark.cli
@pytest.mark.parametrize("args", [["link", "{path}"], ["cluster", "{path}", "--column", "name"]])
def test_whole_files_in_utf16_without_its_mark_are_one_error(tmp_path: Path, args: list[str]
                                                              ) -> None:
    """link reads the file whole, cluster --column by lines as screen does: the same
    finding, on one line (cluster names the line as list readers do, "path:1:")."""
    path = tmp_path / "names.csv"
    path.write_bytes("name\nAmir Khan Mottaki\n".encode("utf-16-le"))
    assert ALIASKIT
    result = subprocess.run([ALIASKIT, *(a.format(path=path) for a in args), "--jsonl"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    said = ("looks like UTF-16 text without its byte-order mark (NUL "
            "bytes between the letters); save it as UTF-8, or use --encoding utf-16-le")
    where = f"{path}: line 1: " if args[0] == "link" else f"{path}:1: "
    assert len(result.stderr.splitlines()) == 1 and where + said in result.stderr, result.stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_whole_file_readers_go_by_the_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    """The readers of whole files (ids to remove, profiles, calibration pairs, data
    files: _data.read_text) read UTF-16 and UTF-32 by their mark, as the readers of lines
    do; they said "not valid UTF-8 at byte 1"."""
    from aliaskit._data import read_text
    from aliaskit._index import read_ids

    path = tmp_path / "ids.txt"
    text = "# ids\r\nperson/hamid-karzai\r\nplace/kabul\r\n"
    mark = b"\xfe\xff" if encoding == "utf-16-be" else b""
    path.write_bytes(mark + text.encode(encoding))
    assert read_text(path) == text
    assert read_ids(path) == ["person/hamid-karzai", "place/kabul"]


def test_whole_file_readers_refuse_wide_text_without_its_mark(tmp_path: Path) -> None:
    from aliaskit._data import read_text

    path = tmp_path / "ids.txt"
    path.write_bytes("kabul\n".encode("utf-16-le"))
    with pytest.raises(DataFileError, match=r"ids\.txt:1: looks like UTF-16 text without"):
        read_text(path)
    path.write_bytes("kabul\nher\xe2t\n".encode("utf-16")[:-3])  # cut inside a letter
    with pytest.raises(DataFileError, match=r"ids\.txt:2: not valid utf-16"):
        read_text(path)
    path.write_bytes(b"kabul\nher\xffat\n")
    with pytest.raises(DataFileError, match=r"ids\.txt:2: not valid UTF-8 at byte 4 of the line"):
        read_text(path)


@given(st.binary(max_size=40) | st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\0"]), max_size=12)
       .map(b"".join))
def test_first_line_is_the_first_line_read(raw: bytes) -> None:
    from aliaskit._lines import first_line

    assert first_line(raw) == next(read_lines(io.BytesIO(raw)), b"")
