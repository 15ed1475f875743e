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
from test_cli import ALIASKIT

from aliaskit._gazetteer import csv_rows, decoded_lines
from aliaskit._lines import line_and_column, split_lines

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
    # A CSV file: the same lines, each a record of one field (a blank line is none).
    rows = list(csv_rows(io.BytesIO(text.encode())))
    assert rows == [(n, [line]) for n, line in enumerate(lines, start=1) if line]


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
