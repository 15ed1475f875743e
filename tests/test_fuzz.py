"""Fuzz tests (issue 17): no input breaks aliaskit.

Regressions found by random inputs (benchmarks/fuzz.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_cli import run

import aliaskit
from aliaskit import Judgements, read_gazetteer

# --- regressions found by benchmarks/fuzz.py ----------------------------------------------

DEEP = b"[" * 100_000
LONG_INT = b"9" * 5000  # more digits than Python converts to an int


@pytest.mark.parametrize("line", [DEEP, b'{"left": ' + b"[" * 2000, LONG_INT])
def test_judgements_load_reports_deep_or_huge_json_as_a_malformed_line(tmp_path: Path, line: bytes) -> None:
    path = tmp_path / "j.jsonl"
    good = b'{"left": "Massoud", "right": "person/ahmad-massoud", "judgement": "different"}'
    path.write_bytes(good + b"\n" + line + b"\n")
    loaded = Judgements.load(path)  # was RecursionError / ValueError
    assert len(loaded) == 1 and len(loaded.errors) == 1 and loaded.errors[0].line == 2
    with pytest.raises(aliaskit.DataFileError, match=r"j\.jsonl:2: "):
        Judgements.load(path, strict=True)


@pytest.mark.parametrize("suffix", [".ftm.json", ".json", ".jsonl"])
@pytest.mark.parametrize("line", [DEEP, LONG_INT])
def test_gazetteer_reports_deep_or_huge_json_as_a_malformed_row(tmp_path: Path, suffix: str,
                                                                 line: bytes) -> None:
    path = tmp_path / f"list{suffix}"
    ftm = b'{"schema": "Person", "id": "f1", "properties": {"name": ["Mottaki"]}}'
    path.write_bytes(line + b"\n" + ftm + b"\n")  # the first line also decides the format
    for fmt in (None, "ftm"):
        with pytest.raises(aliaskit.DataFileError, match=r"row 1: not valid JSON"):
            read_gazetteer(path, format=fmt)  # was RecursionError (sniffing, ftm) / ValueError


def test_calibrate_and_screen_report_deep_json(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes(b'{"name1": ' + DEEP + b"\n")
    result = run("calibrate", str(pairs))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"pairs\.jsonl:1: .*nested too deeply", result.stderr)
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(b'{"name": "Mottaki"}\n' + DEEP + b"\n" + LONG_INT + b"\n")
    result = run("screen", str(rows), "--against", str(Path(__file__).parent / "cases/screen/list.jsonl"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert "error" not in records[0] and "nested too deeply" in records[1]["error"]
