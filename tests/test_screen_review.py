"""Reviewers' decisions in `aliaskit screen`, end to end through the installed command:
--judgements (a rejected pair never returns, a confirmed one always does), --show-rejected,
--profile FILE, and the review page's decisions exported and imported with `judge --import`.
"""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from conftest import CASES, CHROMIUM_FLAGS, REPO
from test_cli import run

pytestmark = pytest.mark.cli

DIR = CASES / "screen"
INPUT = str(DIR / "input.jsonl")
LIST = str(DIR / "list.jsonl")


def _records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _by_name(records: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    return {str(r["name"]): r["hits"] for r in records if r["name"]}  # type: ignore[misc]


def _judge(path: Path, left: str, right: str, decision: str, note: str = "") -> None:
    result = run("judge", left, right, f"--{decision}", "--user", "maria", "--note", note,
                 "--file", str(path))
    assert result.returncode == 0, result.stderr


@pytest.fixture
def judgements(tmp_path: Path) -> Path:
    path = tmp_path / "judgements.jsonl"
    _judge(path, "Zareef Tanuri", "p1", "different", "the uncle")  # by entity id
    _judge(path, "Zarif Tanuri", "Zarif Tanuri", "different")  # by the entity's name (p2)
    _judge(path, "Velma Orin", "o1", "same", "alias in the registry")  # scores 0.09
    return path


SCREENS = [pytest.param([], id="default"),
           pytest.param(["--threshold", "0.0", "--limit", "10"], id="every-candidate"),
           pytest.param(["--profile", "screening", "--workers", "2"], id="workers"),
           pytest.param(["--threshold", "0.05", "--workers", "3", "--limit", "1"], id="limit-1")]


@pytest.mark.parametrize("extra", SCREENS)
def test_rejected_pair_never_returns_confirmed_always_does(judgements: Path,
                                                            extra: list[str]) -> None:
    plain = _by_name(_records(run("screen", INPUT, "--against", LIST, *extra).stdout))
    assert "p1" in [h["id"] for h in plain["Zareef Tanuri"]]  # type: ignore[index]
    assert "p2" in [h["id"] for h in plain["Zarif Tanuri"]]  # type: ignore[index]
    result = run("screen", INPUT, "--against", LIST, "--judgements", str(judgements), *extra)
    hits = _by_name(_records(result.stdout))
    assert "p1" not in [h["id"] for h in hits["Zareef Tanuri"]]  # type: ignore[index]
    assert "p2" not in [h["id"] for h in hits["Zarif Tanuri"]]  # type: ignore[index]
    assert not any(h["rejected"] for row in hits.values() for h in row)  # type: ignore[index]
    first = hits["Velma Orin"][0]  # type: ignore[index]
    assert first["id"] == "o1" and first["is_match"] and first["score"] < 0.2
    assert first["judgement"]["judgement"] == "same"
    assert first["judgement"]["user"] == "maria"


def test_show_rejected_lists_them_marked(judgements: Path) -> None:
    result = run("screen", INPUT, "--against", LIST, "--judgements", str(judgements),
                 "--show-rejected", "--threshold", "0.05")
    hits = _by_name(_records(result.stdout))
    p1 = next(h for h in hits["Zareef Tanuri"] if h["id"] == "p1")  # type: ignore[index]
    assert p1["rejected"] and not p1["is_match"]
    assert p1["judgement"]["describe"].startswith("rejected by maria on 20")
    assert "(the uncle)" in p1["judgement"]["describe"]
    assert hits["Zareef Tanuri"][-1]["id"] == "p1"  # after the others  # type: ignore[index]
    # In the table too, and never counted as a match.
    table = run("screen", INPUT, "--against", LIST, "--judgements", str(judgements),
                "--show-rejected", "--format", "table")
    line = next(t for t in table.stdout.splitlines() if " p1 " in t)
    assert " REJ " in line and "rejected by maria on 20" in line
    alone = run("screen", "-", "--against", LIST, "--judgements", str(judgements),
                "--show-rejected", "--input-format", "jsonl",
                stdin='{"name": "Zareef Tanuri", "birth_year": 1956}\n')
    assert _records(alone.stdout)[0]["hits"][0]["rejected"]  # type: ignore[index]
    assert "0 with hits (0 with a match)" in alone.stderr


def test_screen_warns_of_conflicts(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    _judge(path, "Zareef Tanuri", "p1", "different")
    _judge(path, "Zareef Tanuri", "p1", "same")
    kept = run("screen", "-", "--against", LIST, "--judgements", str(path), stdin="Zareef Tanuri\n")
    assert "conflicting judgements" in kept.stderr
    assert _records(kept.stdout)[0]["hits"][0]["judgement"] is None  # type: ignore[index]
    latest = run("screen", "-", "--against", LIST, "--judgements", str(path), "--latest-wins",
                 stdin="Zareef Tanuri\n")
    assert _records(latest.stdout)[0]["hits"][0]["judgement"]["judgement"] == "same"  # type: ignore[index]


def test_profile_file(tmp_path: Path) -> None:
    strict = tmp_path / "strict.txt"
    strict.write_text("strict | 0.99 | a user's profile\n", encoding="utf-8")
    args = ["screen", "-", "--against", LIST, "--threshold", "0.05"]
    default = _records(run(*args, stdin="Velma Orin\n").stdout)[0]["hits"][0]  # type: ignore[index]
    mine = _records(run(*args, "--profile", str(strict), stdin="Velma Orin\n").stdout)[0]
    hit = mine["hits"][0]  # type: ignore[index]
    assert default["id"] == hit["id"] == "p3" and default["is_match"] and not hit["is_match"]
    bad = run(*args, "--profile", "no-such-profile", stdin="Velma Orin\n")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_judge_import_reports_bad_lines_and_keeps_good_ones(tmp_path: Path) -> None:
    judgements = tmp_path / "judgements.jsonl"
    judgements.write_bytes(b'{"left": "A Khan", "right": "p1", "judgement": "same"}')  # no newline
    export = tmp_path / "export.jsonl"
    good = {"left": "Zareef Tanuri", "right": "p1", "judgement": "different", "user": "",
            "time": "2026-12-05T09:12:00Z", "note": ""}
    export.write_text("\n".join([
        json.dumps(good),
        "not json",
        json.dumps({**good, "judgement": "maybe"}),
        json.dumps({"left": "Velma Orin", "judgement": "same"}),
        "",
        json.dumps({**good, "time": "yesterday"}),
        json.dumps({**good, "right": "p2", "note": "ok"}),
        json.dumps(good),  # twice in the export: recorded once
    ]) + "\n", encoding="utf-8")
    result = run("judge", "--import", str(export), "--file", str(judgements), "--user", "omid")
    assert result.returncode == 1
    for line, message in [(2, "not a JSON object"), (3, "judgement must be one of"),
                          (4, "missing field(s) right"),
                          (6, "judgement time 'yesterday' is not an ISO 8601")]:
        assert f"export.jsonl:{line}: {message}" in result.stderr
    assert "2 decision(s) appended" in result.stderr and "1 already recorded" in result.stderr
    lines = judgements.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"left": "A Khan", "right": "p1", "judgement": "same"}'
    assert [json.loads(line)["user"] for line in lines[1:]] == ["omid", "omid"]  # filled in
    again = run("judge", "--import", "-", "--file", str(judgements), "--user", "omid",
                stdin=export.read_text(encoding="utf-8"))
    assert "0 decision(s) appended" in again.stderr and len(judgements.read_bytes().splitlines()) == 3
    usage = run("judge", "a", "--import", str(export), "--file", str(judgements))
    assert usage.returncode == 2 and "--import takes no LEFT" in usage.stderr
    missing = run("judge", "--import", str(tmp_path / "nope.jsonl"), "--file", str(judgements))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


# --- the review page: decisions made in the browser, exported, imported ------------------

TRICKY = "Zarif 'Tanuri' <i>&amp;"  # a screened name that must survive HTML and JSON
ODD_ID = 'x"><script>alert(1)</script>'  # an entity id that must too


def _js(text: str) -> str:
    """A JavaScript string literal that is safe inside <script>."""
    return json.dumps(text).replace("<", "\\u003c")


def _row(left: str, right: str) -> str:
    """A JavaScript expression: the page's row of the hit ``right`` for the name ``left``."""
    return (f"Array.from(document.querySelectorAll('tr.hit')).find(r => r.dataset.left === "
            f"{_js(left)} && r.dataset.right === {_js(right)})")


def _driver(steps: list[tuple[str, str, str, str]]) -> str:
    """A script run after the page's own: a reviewer's clicks (and notes), then the
    Blob behind the export link read back (synchronous XHR) into body[data-blob]."""
    lines = ["const reviewer = document.getElementById('reviewer');",
             "reviewer.value = 'maria'; reviewer.dispatchEvent(new Event('input', {bubbles: true}));"]
    for left, right, button, note in steps:
        lines.append(f"{{ const row = {_row(left, right)};"
                     f" row.querySelector('button[data-j=\"{button}\"]').click();"
                     f" const note = row.querySelector('input.note'); note.value = {_js(note)};"
                     " note.dispatchEvent(new Event('input', {bubbles: true})); }")
    lines.append("document.querySelector('.bar details').open = true;")  # for the screenshot
    lines.append("const xhr = new XMLHttpRequest();"
                 " xhr.open('GET', document.getElementById('export').href, false); xhr.send();"
                 " document.body.dataset.blob = xhr.responseText;")
    body = "\n".join(lines)
    return f"<script>\ntry {{\n{body}\n}} catch (e) {{ document.body.dataset.error = String(e); }}\n</script>"


def test_review_page_decisions_round_trip(browser: str, tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text(f"{TRICKY}\nVelma Orin\nKelvin Brightwater\n", encoding="utf-8")
    entities = tmp_path / "list.jsonl"
    entities.write_text((DIR / "list.jsonl").read_text(encoding="utf-8") + json.dumps(
        {"id": ODD_ID, "name": "Kelvin Brightwater", "kind": "person"}) + "\n", encoding="utf-8")
    page = tmp_path / "review.html"
    screen = ["screen", str(names), "--against", str(entities), "--threshold", "0.05"]
    before = _by_name(_records(run(*screen, "--html", str(page)).stdout))
    assert sorted([h["id"] for h in before[TRICKY]][:2]) == ["p1", "p2"]  # type: ignore[index]
    html = page.read_text(encoding="utf-8")
    assert html.count("<script>") == 1 and "<i>" not in html and ODD_ID not in html
    assert not re.search(r"(src|href)=\"(?!#)|https?:|@import|url\(", html)  # self-contained
    steps = [(TRICKY, "p1", "different", 'not him: "the uncle" </textarea><b>'),
             (TRICKY, "p2", "same", ""),
             ("Velma Orin", "p3", "same", "checked the passport"),
             ("Velma Orin", "p3", "same", ""),  # a second click takes it back ...
             ("Velma Orin", "p3", "unsure", "a cousin?"),  # ... and unsure is a decision
             ("Kelvin Brightwater", ODD_ID, "different", "")]
    driven = tmp_path / "driven.html"
    driven.write_text(html.replace("</body>", _driver(steps) + "</body>"), encoding="utf-8")
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, "--user-data-dir=" + str(tmp_path / "profile"),
                          "--dump-dom", driven.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    assert "data-error" not in dom, dom[dom.find("data-error"):][:300]
    assert dom.count("<script>") == 2  # the page's and the driver's: nothing injected
    blob = unescape(re.search(r'<body[^>]* data-blob="([^"]*)"', dom).group(1))  # type: ignore[union-attr]
    shown = unescape(re.search(r'<textarea id="export-text"[^>]*>([^<]*)</textarea>', dom).group(1))  # type: ignore[union-attr]
    assert blob == shown and blob.endswith("\n")
    assert 'id="decided">4 decisions<' in dom and 'data-count="4"' in dom
    assert re.search(r'id="export"[^>]* href="blob:', dom) and 'download="judgements.jsonl"' in dom
    exported = [json.loads(line) for line in blob.splitlines()]
    assert [(d["left"], d["right"], d["judgement"], d["note"]) for d in exported] == [
        (TRICKY, "p1", "different", 'not him: "the uncle" </textarea><b>'), (TRICKY, "p2", "same", ""),
        ("Velma Orin", "p3", "unsure", "a cousin?"), ("Kelvin Brightwater", ODD_ID, "different", "")]
    for d in exported:
        assert set(d) == {"left", "right", "judgement", "user", "time", "note"}
        assert d["user"] == "maria" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["time"])

    shot = REPO / "test-artifacts" / "screen_decisions.png"  # docs/img/review_decisions.png
    shot.parent.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    subprocess.run([browser, *CHROMIUM_FLAGS, "--user-data-dir=" + str(tmp_path / "profile"),
                    "--window-size=1200,800", f"--screenshot={shot}", driven.as_uri()],
                   capture_output=True, timeout=60)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    export = tmp_path / "export.jsonl"
    export.write_text(blob, encoding="utf-8")
    judgements = tmp_path / "judgements.jsonl"
    _judge(judgements, "Velma Orin", "p3", "same", "an earlier decision")
    first = judgements.read_bytes()
    result = run("judge", "--import", str(export), "--file", str(judgements))
    assert result.returncode == 0, result.stderr
    assert "4 decision(s) appended" in result.stderr
    assert judgements.read_bytes().startswith(first)  # earlier lines untouched
    listed = _records(run("judgements", str(judgements), "--format", "jsonl").stdout)
    assert [j["line"] for j in listed] == [1, 2, 3, 4, 5]
    assert [j["status"] for j in listed] == ["applied", "applied", "applied", "unsure", "applied"]

    after = _by_name(_records(run(*screen, "--judgements", str(judgements), "--limit", "1").stdout))
    assert [h["id"] for h in after[TRICKY]] == ["p2"]  # type: ignore[index]
    assert after[TRICKY][0]["is_match"] and after[TRICKY][0]["judgement"]["user"] == "maria"  # type: ignore[index]
    assert after["Velma Orin"][0]["id"] == "p3"  # type: ignore[index]
    assert after["Kelvin Brightwater"] == []
    again = _by_name(_records(run(*screen, "--judgements", str(judgements), "--show-rejected",
                                  "--html", str(page)).stdout))
    rejected = [h["id"] for h in again[TRICKY] if h["rejected"]]  # type: ignore[index]
    assert rejected == ["p1"]
    assert "rejected by maria on 20" in page.read_text(encoding="utf-8")


def test_review_page_decisions_hold_for_the_screened_customer_only(browser: str,
                                                                     tmp_path: Path) -> None:
    """Three customers of one name: the reviewer rejects the hit of the one born 1989
    in Georgia. The exported decision carries that birth year and country, so the
    customer born 1953 and the one of unknown birth still get the hit."""
    names = tmp_path / "names.jsonl"
    names.write_text("".join(json.dumps(r) + "\n" for r in (
        {"name": "Kelvin Brightwater", "birth_year": 1989, "country": "GE"},
        {"name": "Kelvin Brightwater", "birth_year": 1953},
        {"name": "Kelvin Brightwater"})), encoding="utf-8")
    entities = tmp_path / "list.jsonl"
    entities.write_text(json.dumps({"id": "k1", "name": "Kelvin Brightwater", "kind": "person"})
                        + "\n", encoding="utf-8")
    page = tmp_path / "review.html"
    screen = ["screen", str(names), "--against", str(entities)]
    assert [len(r["hits"]) for r in _records(run(*screen, "--html", str(page)).stdout)] == [1, 1, 1]
    driver = ("<script>\ntry {\n"
              "document.getElementById('reviewer').value = 'maria';"
              " document.querySelector('tr.hit[data-key=\"1-1\"] button[data-j=\"different\"]').click();"
              " document.querySelector('tr.hit[data-key=\"3-1\"] button[data-j=\"unsure\"]').click();"
              " document.body.dataset.blob = document.getElementById('export-text').value;"
              "\n} catch (e) { document.body.dataset.error = String(e); }\n</script>")
    driven = tmp_path / "driven.html"
    driven.write_text(page.read_text(encoding="utf-8").replace("</body>", driver + "</body>"),
                      encoding="utf-8")
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, "--user-data-dir=" + str(tmp_path / "profile"),
                          "--dump-dom", driven.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    assert "data-error" not in dom, dom[dom.find("data-error"):][:300]
    blob = unescape(re.search(r'<body[^>]* data-blob="([^"]*)"', dom).group(1))  # type: ignore[union-attr]
    exported = [json.loads(line) for line in blob.splitlines()]
    assert [(d["judgement"], d.get("birth_year"), d.get("country")) for d in exported] == [
        ("different", 1989, "GE"), ("unsure", None, None)]
    assert "birth_year" not in exported[1] and "country" not in exported[1]
    export, judgements = tmp_path / "export.jsonl", tmp_path / "judgements.jsonl"
    export.write_text(blob, encoding="utf-8")
    assert run("judge", "--import", str(export), "--file", str(judgements)).returncode == 0
    after = _records(run(*screen, "--judgements", str(judgements), "--show-rejected").stdout)
    assert [[(h["id"], h["rejected"]) for h in r["hits"]] for r in after] == [
        [("k1", True)], [("k1", False)], [("k1", False)]]
    assert re.fullmatch(r"rejected by maria on \d{4}-\d\d-\d\d for birth year 1989, country GE",
                        after[0]["hits"][0]["judgement"]["describe"])


def test_screen_module_imports_on_its_own() -> None:
    """benchmarks/screen.py imports aliaskit._screen before the CLI module: it must load,
    and the CLI still registers the screen command."""
    import sys

    code = ("from aliaskit._screen import screen_records; import aliaskit._cli as c; "
            "assert 'screen' in c.cli.commands; print(screen_records.__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "screen_records\n", result.stderr


def test_direction_marks_only_in_lines_with_right_to_left_letters(tmp_path: Path) -> None:
    """The explanation keeps Persian parts in their columns with a left-to-right mark on
    each side of the gaps; a line of Latin letters needs none (the marks were a sixth of
    the page's bytes)."""
    entities = tmp_path / "list.jsonl"
    entities.write_text('{"id": "X1", "name": "Amir Khan Muttaqi", "kind": "person", '
                        '"aliases": ["امیر خان متقی"]}\n', encoding="utf-8")
    page = tmp_path / "page.html"
    result = run("screen", "-", "--against", str(entities), "--html", str(page),
                 stdin="امیر خان متقی\nAmir Khan Mottaki\n")
    assert result.returncode == 0, result.stderr
    lines = [unescape(line) for pre in re.findall(r"<pre>(.*?)</pre>",
                                                  page.read_text(encoding="utf-8"), re.S)
             for line in pre.split("\n")]
    persian = [line for line in lines if re.search("[\u0600-\u06ff]", line)]
    latin = [line for line in lines if not re.search("[\u0600-\u06ff]", line)]
    assert persian and latin
    assert all("\u200e  \u200e" in line or "\u200e \u200e" in line for line in persian)
    assert not any("\u200e" in line for line in latin)


def test_review_page_in_a_browser_keeps_persian_word_order_and_its_buttons_in_view(
        browser: str, tmp_path: Path) -> None:
    """With every explanation open, in a window 1,024 pixels wide: a Persian name in the
    explanation reads in the order of the section's heading (direction marks around
    each space had laid its words out left to right), and no row is pushed wider than
    the window (a long explanation widened the table: the decision buttons left it)."""
    entities = tmp_path / "list.jsonl"
    entities.write_text('{"id": "X1", "name": "Amir Khan Muttaqi", "kind": "person", '
                        '"aliases": ["امیر خان متقی"]}\n', encoding="utf-8")
    page = tmp_path / "page.html"
    long_name = "Amir Khan Muttaqi " + " ".join(["Mottaki-Muttaqi-Mutaqqi"] * 6)
    result = run("screen", "-", "--against", str(entities), "--html", str(page),
                 "--threshold", "0", stdin=f"امیر خان متقی\n{long_name}\n")
    assert result.returncode == 0, result.stderr
    driver = """<script>
try {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const words = ['امیر', 'خان', 'متقی'];
  function lefts(el) {
    const out = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of words) {
        const at = node.data.indexOf(word);
        if (at >= 0 && out.length < words.length && !out.some(o => o[0] === word)) {
          const range = document.createRange();
          range.setStart(node, at); range.setEnd(node, at + word.length);
          out.push([word, Math.round(range.getBoundingClientRect().left)]);
        }
      }
    }
    return words.map(w => (out.find(o => o[0] === w) || [w, null])[1]);
  }
  const section = Array.from(document.querySelectorAll('section'))
      .find(s => s.querySelector('h2').textContent.includes('امیر'));
  document.body.dataset.heading = JSON.stringify(lefts(section.querySelector('h2')));
  document.body.dataset.explanation = JSON.stringify(lefts(section.querySelector('pre')));
  document.body.dataset.widths = JSON.stringify({
    window: window.innerWidth, page: document.documentElement.scrollWidth,
    buttons: Math.max(...Array.from(document.querySelectorAll('td.review'))
                      .map(td => Math.round(td.getBoundingClientRect().right)))});
} catch (e) { document.body.dataset.error = String(e); }
</script>"""
    driven = tmp_path / "driven.html"
    driven.write_text(page.read_text(encoding="utf-8").replace("</body>", driver + "</body>"),
                      encoding="utf-8")
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, "--user-data-dir=" + str(tmp_path / "profile"),
                          "--window-size=1024,800", "--dump-dom", driven.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    assert "data-error" not in dom, dom[dom.find("data-error"):][:300]

    def data(name: str) -> Any:
        return json.loads(unescape(re.search(rf'<body[^>]* data-{name}="([^"]*)"', dom).group(1)))  # type: ignore[union-attr]

    heading, explanation = data("heading"), data("explanation")
    assert None not in heading and None not in explanation
    assert heading[0] > heading[1] > heading[2]  # right to left
    assert explanation[0] > explanation[1] > explanation[2], (heading, explanation)
    widths = data("widths")
    assert widths["page"] <= widths["window"] and widths["buttons"] <= widths["window"], widths


def test_review_page_decides_a_pair_once_on_every_row_it_is_on(browser: str,
                                                                tmp_path: Path) -> None:
    """A judgement is about a pair of names: deciding the hit of one row decides it on
    every row with the same name and entity (it let one reviewer record both "same" and
    "different" for one pair, a conflict that then applied nowhere); it is exported once.
    The score header sorts from the keyboard too, and the page says how it was made."""
    names = tmp_path / "names.txt"
    names.write_text("Kelvin Brightwater\nKelvin Brightwater\nVelma Orin\n", encoding="utf-8")
    entities = tmp_path / "list.jsonl"
    entities.write_text(json.dumps({"id": "k1", "name": "Kelvin Brightwater", "kind": "person"})
                        + "\n" + json.dumps({"id": "v1", "name": "Velma Orrin", "kind": "person"})
                        + "\n", encoding="utf-8")
    page = tmp_path / "review.html"
    result = run("screen", str(names), "--against", str(entities), "--html", str(page))
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert re.search(r'<p id="run">Screened \d{4}-\d\d-\d\d \d\d:\d\d UTC with profile '
                     r"&#x27;default&#x27;, threshold 0\.\d+, at most 5 hits a row; "
                     r"judgements: none\.</p>", html)
    assert "3 input rows: 3 with hits (" in html
    driver = """<script>
try {
  const rows = () => Array.from(document.querySelectorAll('tr.hit[data-right="k1"]'));
  const pressed = () => rows().map(r => r.dataset.decision || '').join(',');
  const steps = [];
  rows()[0].querySelector('button[data-j="different"]').click();
  steps.push(pressed() + '|' + document.getElementById('export-text').value.split('\\n').length);
  rows()[1].querySelector('button[data-j="same"]').click();
  steps.push(pressed());
  rows()[0].querySelector('button[data-j="same"]').click();  // taken back, on both rows
  steps.push(pressed() + '|' + document.getElementById('decided').textContent);
  rows()[1].querySelector('button[data-j="different"]').click();
  rows()[1].querySelector('input.note').value = 'not him';
  rows()[1].querySelector('input.note').dispatchEvent(new Event('input', {bubbles: true}));
  const th = document.querySelector('th.sort');
  th.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
  steps.push(th.dataset.dir || 'unsorted');
  document.body.dataset.steps = JSON.stringify(steps);
  document.body.dataset.blob = document.getElementById('export-text').value;
} catch (e) { document.body.dataset.error = String(e); }
</script>"""
    driven = tmp_path / "driven.html"
    driven.write_text(html.replace("</body>", driver + "</body>"), encoding="utf-8")
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, "--user-data-dir=" + str(tmp_path / "profile"),
                          "--dump-dom", driven.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    assert "data-error" not in dom, dom[dom.find("data-error"):][:300]
    steps = json.loads(unescape(re.search(r'<body[^>]* data-steps="([^"]*)"', dom).group(1)))  # type: ignore[union-attr]
    assert steps == ["different,different|2", "same,same", ",|0 decisions", "asc"]
    blob = unescape(re.search(r'<body[^>]* data-blob="([^"]*)"', dom).group(1))  # type: ignore[union-attr]
    exported = [json.loads(line) for line in blob.splitlines()]
    assert [(d["left"], d["right"], d["judgement"], d["note"]) for d in exported] == [
        ("Kelvin Brightwater", "k1", "different", "not him")]
