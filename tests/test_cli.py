"""End-to-end tests of the installed ``aliaskit`` console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

BIN = Path(sys.executable).parent
ALIASKIT = shutil.which("aliaskit", path=str(BIN)) or shutil.which("aliaskit")


def run(*args: str, stdin: str | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    assert ALIASKIT, "the aliaskit console script is not installed"
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([ALIASKIT, *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=cwd, env=env)


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("aliaskit, version")
    # Which build is installed (setup.py falls back to pure Python without a C compiler).
    assert result.stdout.rstrip().endswith(("(compiled with mypyc)", "(pure Python)"))


def test_python_dash_m() -> None:
    result = subprocess.run([sys.executable, "-m", "aliaskit", "normalize", "--format", "table", "Mottaki"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "mottaki\n"


def test_normalize_arguments() -> None:
    result = run("normalize", "--format", "table", "Ḥusām al-Dīn", "امیر خان متقی")
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["husamaldin", "amir khan muttaqi"]


def test_normalize_stdin_keeps_every_line_in_order() -> None:
    lines = ["Amir Khan Muttaqi", "", "Hezb-i Islami", "12345", "Nangahar"]
    result = run("normalize", "--jsonl", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1  # two lines were invalid
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5]
    assert [r["input"] for r in records] == lines
    assert records[0]["normalized"] == "amir khan muttaqi"
    assert records[1]["normalized"] is None and "empty" in records[1]["error"]
    assert "no letters" in records[3]["error"]


def test_key_command() -> None:
    result = run("key", "--format", "table", "Muttaqi", "Mottaki", "متقی")
    assert result.returncode == 0
    assert len(set(result.stdout.split())) == 1


def test_parts_command() -> None:
    result = run("parts", "--format", "table", "Mullah Abdul Qahar Balkhi")
    assert result.stdout.strip() == "mullah:title abdulqahar:name balkhi:name"


def test_bad_input_is_one_line_and_exit_1() -> None:
    result = run("normalize", "   ")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == "aliaskit: line 1: name is only whitespace"


def test_usage_error_exit_2() -> None:
    result = run("normalize", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """`aliaskit normalize < names | head -1`: no traceback, exit 0."""
    names = tmp_path / "names.txt"
    names.write_text("\n".join(["Amir Khan Muttaqi"] * 50000) + "\n", encoding="utf-8")
    assert ALIASKIT
    with names.open(encoding="utf-8") as stdin:
        producer = subprocess.Popen([ALIASKIT, "normalize", "--format", "table"], stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert producer.stdout and producer.stderr
        first = producer.stdout.readline()
        producer.stdout.close()
        producer.wait(timeout=60)
        err = producer.stderr.read()
    assert first == "amir khan muttaqi\n"
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err
    assert producer.returncode == 0


def test_data_check() -> None:
    result = run("data", "check")
    assert result.returncode == 0, result.stderr


def test_reference_build_check(tmp_path: Path) -> None:
    repo = Path(__file__).parent.parent
    result = run("reference", "build", "--check", cwd=repo)
    assert result.returncode == 0, result.stderr
    stale = tmp_path / "reference.json"
    stale.write_text("{}", encoding="utf-8")
    result = run("reference", "build", "--check", "--output", str(stale), cwd=repo)
    assert result.returncode == 1 and "out of date" in result.stderr


def test_resolve_table_and_jsonl() -> None:
    result = run("resolve", "--format", "table", "Amir Khan Mottaki", "Nangahar", "Massoud")
    assert result.returncode == 0, result.stderr
    assert "person/amir-khan-muttaqi" in result.stdout
    assert "place/nangarhar-province" in result.stdout
    result = run("resolve", "--jsonl", stdin="Mottaki\n\nxyzzy qqq\nMassoud\n")
    assert result.returncode == 1  # one empty line
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert records[0]["matches"][0]["id"] == "person/amir-khan-muttaqi"
    assert records[0]["matches"][0]["mentions"], "provenance of the alias"
    assert "error" in records[1] and records[2]["matches"] == []
    assert records[3]["matches"][0]["ambiguous"] is True


def test_resolve_with_user_gazetteer(tmp_path: Path) -> None:
    gazetteer = tmp_path / "g.jsonl"
    gazetteer.write_text('{"id": "p1", "name": "Sirajuddin Haqqani"}\n', encoding="utf-8")
    result = run("resolve", "--data", str(gazetteer), "--jsonl", "Serajuddin Haqani")
    assert json.loads(result.stdout)["matches"][0]["id"] == "p1"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "p1"}\n', encoding="utf-8")
    result = run("resolve", "--data", str(bad), "x")
    assert result.returncode == 1 and "row 1" in result.stderr and "Traceback" not in result.stderr


def test_compare_command() -> None:
    result = run("compare", "Amir Khan Muttaqi", "امیر خان متقی", "--json")
    [record] = json.loads(result.stdout)
    assert record["is_match"] is True and record["score"] == 1.0
    result = run("compare", "Mohammad Khan", "Mohammad Karim", "--explain", "--format", "table")
    assert "conflict" in result.stdout and "no match" in result.stdout
    record = json.loads(run("compare", "Mohammad Khan", "Mohammad Karim", "--jsonl").stdout)
    assert [r["contribution"] < 0 for r in record["alignment"] if r["method"] == "conflict"] == [True]


def test_docs_cli_reference_is_current() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    generated = run("cli-reference").stdout
    begin = "<!-- BEGIN GENERATED CLI REFERENCE -->\n"
    end = "<!-- END GENERATED CLI REFERENCE -->"
    assert docs[docs.index(begin) + len(begin) : docs.index(end)] == generated, (
        "docs/cli.md is stale: regenerate its reference with `aliaskit cli-reference`")


def test_hundred_thousand_lines_in_order(tmp_path: Path) -> None:
    names = ["Mottaki", "Nangahar", "", "Ahmed Masoud", "xyzzy qqq"] * 20000
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8") as stdin:
        assert ALIASKIT
        result = subprocess.run([ALIASKIT, "normalize", "--jsonl"], stdin=stdin,
                                capture_output=True, text=True, timeout=600)
    lines = result.stdout.splitlines()
    assert len(lines) == len(names)
    for number, (line, name) in enumerate(zip(lines, names), start=1):
        record = json.loads(line)
        assert record["line"] == number and record["input"] == name
    assert result.returncode == 1  # the empty lines


def test_resolve_workers_keep_order(tmp_path: Path) -> None:
    names = ["Mottaki", "Nangahar", "", "Ahmed Masoud", "Massoud"] * 400
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        with path.open(encoding="utf-8") as stdin:
            assert ALIASKIT
            outputs.append(subprocess.run([ALIASKIT, "resolve", "--jsonl", "--workers", workers],
                                          stdin=stdin, capture_output=True, text=True,
                                          timeout=600).stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == len(names)


def test_empty_input() -> None:
    result = run("resolve", "--jsonl", stdin="")
    assert result.returncode == 0 and result.stdout == ""


def test_non_utf8_input_reports_the_line() -> None:
    assert ALIASKIT
    result = subprocess.run([ALIASKIT, "normalize"], input=b"Ahmad\nMass\xffoud\n",
                            capture_output=True, timeout=60)
    assert result.returncode == 1
    assert b"line 2: not valid utf-8" in result.stderr and b"Traceback" not in result.stderr
    result = subprocess.run([ALIASKIT, "normalize", "--errors", "replace", "--format", "table"],
                            input=b"Ahmad\nMass\xffoud\n", capture_output=True, timeout=60)
    assert result.returncode == 0 and result.stdout.decode().splitlines() == ["ahmad", "massoud"]


def test_cluster_command(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id,name\n1,Amir Khan Muttaqi\n2,Amir Khan Mottaki\n3,\n4,Mohammad Khan\n",
                      encoding="utf-8")
    result = run("cluster", "--column", "name", "--jsonl", str(people))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [2, 3, 4, 5]
    assert records[0]["cluster"] == records[1]["cluster"] != records[3]["cluster"]
    assert records[2]["error"] and result.returncode == 1
    result = run("cluster", "--column", "nope", str(people))
    assert result.returncode == 1 and "no column 'nope'" in result.stderr


def test_malformed_gazetteer_rows_are_numbered(tmp_path: Path) -> None:
    bad = tmp_path / "g.csv"
    bad.write_text('id,name\nx1,Ahmad\nx2,"unclosed\n', encoding="utf-8")
    result = run("resolve", "--data", str(bad), "Ahmad")
    assert result.returncode == 1 and "row" in result.stderr and "Traceback" not in result.stderr


def test_entities_and_show() -> None:
    result = run("entities", "--kind", "person", "--jsonl")
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert "person/ahmad-massoud" in ids and all(i.startswith("person/") for i in ids)
    result = run("show", "--format", "table", "person/ahmad-shah-massoud")
    assert "Lion of Panjshir" in result.stdout and "004_c970b5bf8df66635.txt" in result.stdout
    result = run("show", "person/nobody")
    assert result.returncode == 1 and "no entity" in result.stderr


def test_resolve_head_closes_quietly(tmp_path: Path) -> None:
    path = tmp_path / "names.txt"
    path.write_text("Mottaki\n" * 20000, encoding="utf-8")
    with path.open(encoding="utf-8") as stdin:
        assert ALIASKIT
        producer = subprocess.Popen([ALIASKIT, "resolve", "--jsonl"], stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert producer.stdout and producer.stderr
        first = producer.stdout.readline()
        producer.stdout.close()
        producer.wait(timeout=120)
        assert b"Traceback" not in producer.stderr.read()
    assert json.loads(first)["line"] == 1 and producer.returncode == 0
