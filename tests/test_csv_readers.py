"""Every CSV file the CLI reads (a gazetteer, screening input, cluster --column, the
labelled pairs of calibrate) refuses the same faults in the same words, with their line
(tests/cases/csv_faults.csv)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import load_csv
from test_cli import run

CASES = load_csv("csv_faults.csv")
GOOD = "id,name\ng1,Herat\n"


def _commands(tmp: Path, header: str, row: str) -> dict[str, tuple[list[str], str]]:
    """Each reader's command on a file of ``header`` and one bad ``row`` (line 2), the
    other columns each reader needs added in front."""
    def write(name: str, text: str) -> str:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    gazetteer = write("list.csv", f"{header}\n{row}\n")
    names = write("names.csv", f"{header}\n{row}\n")
    pairs = write("pairs.csv", f"name1,name2,is_match,{header}\nA,B,1,{row}\n")
    good = write("good.csv", GOOD)
    return {
        "gazetteer": (["resolve", "Kabul", "--data", gazetteer, "--jsonl"], "list.csv"),
        "screen": (["screen", names, "--against", good, "--jsonl"], ""),
        "cluster": (["cluster", names, "--column", "name", "--jsonl"], ""),
        "calibrate": (["calibrate", pairs,
                       "-o", str(tmp / "profiles.txt")], "pairs.csv"),
    }


@pytest.mark.parametrize("reader", ["gazetteer", "screen", "cluster", "calibrate"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c["fault"])
def test_csv_readers_refuse_a_fault_alike(tmp_path: Path, case: dict[str, str],
                                          reader: str) -> None:
    header, row, expected = case["header"], case["row"], case["expected"]
    counts = re.fullmatch(r"(\d+) fields? where the header has (\d+)", expected)
    if reader == "calibrate" and counts:
        # The pairs' own three columns come first, on both lines.
        expected = f"{int(counts[1]) + 3} fields where the header has {int(counts[2]) + 3}"
    args, where = _commands(tmp_path, header, row)[reader]
    result = run(*args)
    said = result.stdout + result.stderr
    if case["fault"] == "repeated column" or reader == "calibrate":
        # A header fault, or a pairs file (calibrate refuses the file): one error line.
        assert result.returncode == 1, said
        assert expected in result.stderr and (not where or where in result.stderr), said
        if case["fault"] != "repeated column":
            assert ":2:" in result.stderr, said
    else:
        # A bad row of names or of a list: reported with its line, the rest still read.
        assert result.returncode == 1, said
        assert expected in said, said
        assert "2" in said
