"""`aliaskit screen` end to end: one record per input row, in order, errors counted."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import CASES, CHROMIUM_FLAGS, REPO, load_csv
from test_cli import run

pytestmark = pytest.mark.cli

DIR = CASES / "screen"
LIST = str(DIR / "list.jsonl")
EXPECTED = load_csv("screen/expected.csv")


def _records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_every_row_gets_one_record_in_order() -> None:
    result = run("screen", str(DIR / "input.jsonl"), "--against", LIST)
    records = _records(result.stdout)
    lines = (DIR / "input.jsonl").read_text(encoding="utf-8").splitlines()
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    assert len(records) == len(EXPECTED)
    errors = 0
    for record, case in zip(records, EXPECTED):
        assert record["line"] == int(case["line"]), case["note"]
        hits = record["hits"]
        assert isinstance(hits, list)
        if case["error"]:
            errors += 1
            assert case["error"] in str(record["error"]) and not hits, case["note"]
        else:
            assert "error" not in record
            assert (hits[0]["id"] if hits else "") == case["top"], case["note"]
    assert result.returncode == 1  # some rows could not be screened
    assert f"screened {len(records)} rows" in result.stderr
    assert f"{errors} errors" in result.stderr


def test_hit_fields_and_context() -> None:
    record = _records(run("screen", str(DIR / "input.jsonl"), "--against", LIST,
                          "--threshold", "0.05").stdout)[1]
    ids = [h["id"] for h in record["hits"]]  # type: ignore[union-attr]
    assert ids[:2] == ["p2", "p1"]
    far = record["hits"][1]  # type: ignore[index]
    assert far["context"] == ["born 1956 (query 1973)"] and far["score"] < far["name_score"]
    assert {"id", "name", "kind", "score", "is_match", "alias", "explanation", "parts"} <= set(far)
    assert "born 1956 (query 1973)" in far["explanation"]


@pytest.mark.parametrize(("name", "rows", "errors"), [("input.csv", 4, 2), ("input.txt", 4, 1)])
def test_csv_and_plain_inputs(name: str, rows: int, errors: int) -> None:
    result = run("screen", str(DIR / name), "--against", LIST)
    records = _records(result.stdout)
    assert len(records) == rows and sum("error" in r for r in records) == errors
    assert [r["line"] for r in records] == sorted(r["line"] for r in records)  # type: ignore[type-var]


def test_workers_give_identical_output() -> None:
    one = run("screen", str(DIR / "input.jsonl"), "--against", LIST, "--threshold", "0.2")
    two = run("screen", str(DIR / "input.jsonl"), "--against", LIST, "--threshold", "0.2",
              "--workers", "2")
    assert one.stdout == two.stdout and one.stdout.count("\n") == len(EXPECTED)


def test_list_errors() -> None:
    bad = str(CASES / "importers" / "ftm" / "entities.ftm.json")
    stop = run("screen", str(DIR / "input.txt"), "--against", bad)
    assert stop.returncode == 1 and stop.stdout == "" and "malformed row" in stop.stderr
    assert "Traceback" not in stop.stderr
    warn = run("screen", str(DIR / "input.txt"), "--against", bad, "--list-errors", "warn")
    assert len(_records(warn.stdout)) == 4 and "5 malformed list row(s) left out" in warn.stderr


def test_usage_errors() -> None:
    result = run("screen", str(DIR / "input.txt"))
    assert result.returncode == 2 and "--against LIST or --index INDEX" in result.stderr
    result = run("screen", str(DIR / "missing.txt"), "--against", LIST)
    assert result.returncode == 1 and "file not found" in result.stderr


def test_review_page_in_browser(browser: str, tmp_path: Path) -> None:
    page = tmp_path / "review.html"
    result = run("screen", str(DIR / "input.jsonl"), "--against", LIST, "--threshold", "0.05",
                 "--html", str(page))
    records = _records(result.stdout)
    flags = [*CHROMIUM_FLAGS, "--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    assert dom.count("<section ") == len(records)
    hits = sum(len(r["hits"]) for r in records)  # type: ignore[arg-type]
    assert dom.count('<tr class="hit"') == hits > 0
    assert dom.count('<table class="parts">') == hits  # each hit's parts' evidence
    assert "born 1956 (query 1973)" in dom and 'id="by-score"' in dom
    shot = REPO / "test-artifacts" / "screen_review.png"
    shot.parent.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    subprocess.run([browser, *flags, "--window-size=1100,1400", f"--screenshot={shot}",
                    page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_review_page_shows_hidden_characters_and_keeps_persian_columns(tmp_path: Path) -> None:
    """A bidi override in a name made it read as the listed name on the page; two Persian
    parts side by side swapped columns in the explanation; a rejected hit sorted its
    row first."""
    from aliaskit._html import review_page

    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "r-1", "name": "نصرالله فرهادی", "kind": "person"}\n'
                      '{"id": "k-1", "name": "Karim Dawlatzai", "kind": "person"}\n',
                      encoding="utf-8")
    names = tmp_path / "names.jsonl"
    names.write_text('{"name": "نصیر فرهادی"}\n{"name": "Karim \\u202eiaztalwaD"}\n',
                     encoding="utf-8")
    result = run("screen", str(names), "--against", str(listed), "--threshold", "0.05")
    records = _records(result.stdout)
    page = review_page(records, "t")
    shown = [part for part in page.split('"') if "\u202e" in part]  # in attributes only
    assert "Karim \\u202eiaztalwaD" in page and shown == ["Karim \u202eiaztalwaD"] * len(shown)
    explanation = page[page.index("<pre>"):page.index("</pre>")]
    assert "\u200e \u200e" in explanation or "\u200e  " in explanation
    assert 'data-left="Karim \u202eiaztalwaD"' in page  # the decision keeps the real name
    records[0]["hits"][0]["rejected"] = True
    rejected = review_page(records[:1], "t")
    assert 'data-best="0.000000"' in rejected


def test_review_page_is_replaced_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen killed while writing --html left half a page in place of the old one."""
    from click.testing import CliRunner

    from aliaskit._cli import cli

    page = tmp_path / "review.html"
    page.write_text("old page", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("aliaskit._files.os.replace", fail)
    result = CliRunner().invoke(cli, ["screen", str(DIR / "input.jsonl"), "--against", LIST,
                                      "--html", str(page)])
    assert result.exit_code == 1 and page.read_text(encoding="utf-8") == "old page"
    assert f"{page}: cannot write the file (No space left on device)" in str(result.exception)
    assert [p.name for p in tmp_path.iterdir()] == ["review.html"]
    monkeypatch.undo()
    link = tmp_path / "link.html"
    link.symlink_to(page.name)
    run("screen", str(DIR / "input.jsonl"), "--against", LIST, "--html", str(link))
    assert link.is_symlink() and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_record_without_a_name_says_so(tmp_path: Path) -> None:
    names = tmp_path / "in.jsonl"
    names.write_text('{"nom": "x"}\n{"name": "Kabul"}\n', encoding="utf-8")
    listed = tmp_path / "list.jsonl"
    listed.write_text('{"id": "a", "name": "Kabul"}\n', encoding="utf-8")
    result = run("screen", str(names), "--against", str(listed), "--jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and len(records) == 2
    assert records[0]["error"] == "no 'name' (each record needs the name to screen)"
    assert records[1]["hits"][0]["id"] == "a"


def test_a_csv_row_is_given_back_as_it_reads(tmp_path: Path) -> None:
    """A record's input is its CSV row as a CSV reader reads it back: its cells were run
    together with commas, quoted commas unquoted ("1,MUTTAQI, Amir Khan,1970")."""
    names = tmp_path / "names.csv"
    names.write_text('id,name,birth_year\n1,"MUTTAQI, Amir Khan",1970\n2,"Zareef ""Z"" Tanuri",\n',
                     encoding="utf-8")
    records = _records(run("screen", str(names), "--against", LIST).stdout)
    assert [r["input"] for r in records] == ['1,"MUTTAQI, Amir Khan",1970',
                                            '2,"Zareef ""Z"" Tanuri",']
    assert [r["name"] for r in records] == ["MUTTAQI, Amir Khan", 'Zareef "Z" Tanuri']


def test_a_blank_line_of_a_csv_is_a_row_of_its_own(tmp_path: Path) -> None:
    """cli.md: nothing is dropped silently. A blank line of a JSON Lines or plain input is
    an error record; in a CSV it was skipped without one."""
    names = tmp_path / "names.csv"
    names.write_text("\nid,name\n1,Amir Khan Mottaki\n\n2,Zareef Tanuri\n", encoding="utf-8")
    result = run("screen", str(names), "--against", LIST)
    records = _records(result.stdout)
    assert [(r["line"], r.get("error")) for r in records] == [(3, None), (4, "blank line"), (5, None)]
    assert result.returncode == 1 and "1 error" in result.stderr


def test_the_review_page_is_written_when_the_reader_of_the_records_goes(tmp_path: Path) -> None:
    """`screen ... --html page.html | head -1`: the page is an output of its own, and was
    silently not written when standard output's reader went away."""
    from test_cli import ALIASKIT

    assert ALIASKIT
    names = tmp_path / "names.txt"
    names.write_text("Zareef Tanuri\nNo Such Person\n" * 400, encoding="utf-8")
    page = tmp_path / "page.html"
    process = subprocess.Popen([ALIASKIT, "screen", str(names), "--against", LIST, "--jsonl",
                                "--html", str(page)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, stderr
    assert json.loads(first)["line"] == 1
    assert page.read_text(encoding="utf-8").count('data-line="') == 800
    assert "screened 800 rows" in stderr and "Traceback" not in stderr
