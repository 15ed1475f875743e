"""The self-contained review page of ``aliaskit screen --html``.

One section per input row with its hits; each hit shows the alias that hit, the score,
the decision, the context, and a table of its name parts' evidence (method, similarity,
weight, log-odds). A reviewer can sort the rows by their best score, filter to rows with
a match, and decide each hit: same, different or unsure, with an optional note. The
decisions are exported from the page itself (a Blob behind a download link, no server)
as a judgements file, one JSON line ``{left, right, judgement, user, time, note}`` per
decision, with the screened row's ``birth_year`` and ``country`` when it has them (the
decision then holds for that context only): left is the screened name, right the
entity id; ``aliaskit judge --import``
appends them to the judgements file that ``screen --judgements`` honours. Hits that
reviewers already decided (``--judgements``) show that decision. No external resource
is loaded (the page's Content-Security-Policy forbids it), and every text from the
records is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape as _escape
from typing import Any

from . import __version__
from ._display import visible

__all__ = ["review_page"]


def escape(text: str) -> str:
    """Text of a record for the page: HTML-escaped, and characters that hide or reorder
    text (a bidi override in a name) shown as escapes, as on a terminal."""
    return _escape(visible(text))


_GAP = re.compile(" +")
# Letters written right to left (Hebrew, Arabic and Persian, their presentation forms).
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _explanation(text: str) -> str:
    """The explanation's lines for a <pre>: each line as :func:`escape` shows it, and, in
    a line with right-to-left letters, a left-to-right mark on each side of the spaces
    between columns, so that two Persian parts side by side stay in their columns (the
    bidi algorithm would otherwise read them, and the spaces between, as one
    right-to-left run and swap them). A single space between two right-to-left letters
    is inside a name ("امیر خان متقی"): marked, it would split the name into runs laid
    out left to right, its words in reverse order. Other lines need no marks: they, 3
    bytes each, made a third of a review page."""
    def mark(gap: re.Match[str]) -> str:
        line, start, end = gap.string, gap.start(), gap.end()
        if end - start == 1 and start > 0 and end < len(line) and (
                _RIGHT_TO_LEFT.match(line, start - 1) and _RIGHT_TO_LEFT.match(line, end)):
            return gap.group()
        return f"\u200e{gap.group()}\u200e"

    return "\n".join(_GAP.sub(mark, line) if _RIGHT_TO_LEFT.search(line) else line
                     for line in map(escape, text.split("\n")))


_STYLE = """
body { font: 14px/1.5 system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.3em; margin-bottom: .2em; }
.bar { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ccc;
       z-index: 1; }
.bar button, .bar label { margin-right: .5em; }
section { border: 1px solid #ddd; border-radius: 6px; margin: .8em 0; padding: .4em .8em; }
section.match { border-left: 5px solid #c0392b; }
section.hit { border-left: 5px solid #e0a800; }
section.error { border-left: 5px solid #777; background: #f6f6f6; }
h2 { font-size: 1em; margin: .2em 0; }
h2 .line { color: #888; font-weight: normal; }
h2 .ctx { color: #555; font-weight: normal; font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0; }
th, td { text-align: left; padding: 2px 6px; vertical-align: top; }
th { background: #f0f0f0; }
th.sort { cursor: pointer; text-decoration: underline dotted; }
tr.hit td { border-top: 1px solid #ddd; }
td.score { font-variant-numeric: tabular-nums; }
.yes { color: #c0392b; font-weight: bold; }
.no { color: #777; }
.weak { background: #fff1c7; padding: 0 3px; border-radius: 3px; font-size: .85em; }
.parts { margin: 0 0 .4em 2em; width: auto; font-size: .9em; }
.parts td, .parts th { padding: 1px 8px; }
.pos { color: #1e7b34; } .neg { color: #b03a2e; }
.context { margin-left: 2em; font-size: .9em; }
details { margin-left: 2em; font-size: .85em; }
pre { background: #f7f7f7; padding: .4em; overflow-x: auto; }
/* A long explanation scrolls in its box: in a table cell it would widen every row,
   and the decision buttons would leave the window. */
details pre { max-width: min(60em, calc(100vw - 9em)); }
.err { color: #b03a2e; }
tr.hit[data-judged="different"] td { color: #999; }
.judged { font-size: .85em; }
td.review { white-space: nowrap; }
td.review button { font-size: .85em; padding: 1px 5px; }
td.review button[aria-pressed="true"] { background: #333; color: #fff; }
tr.hit[data-decision="same"] td.review button[aria-pressed="true"] { background: #c0392b; }
tr.hit[data-decision="different"] td.review button[aria-pressed="true"] { background: #1e7b34; }
td.review input.note { width: 9em; font-size: .85em; }
#export[data-count="0"] { pointer-events: none; color: #999; }
#export-text { width: 100%; height: 6em; font: 12px monospace; }
"""

_SCRIPT = r"""
const list = document.getElementById('rows');
const sections = Array.from(list.children);
function order(key) {
  const sorted = sections.slice().sort((a, b) => key === 'score'
      ? (parseFloat(b.dataset.best) - parseFloat(a.dataset.best)) || (a.dataset.line - b.dataset.line)
      : a.dataset.line - b.dataset.line);
  sorted.forEach(s => list.appendChild(s));
  document.body.dataset.order = key;
}
document.getElementById('by-score').onclick = () => order('score');
document.getElementById('by-line').onclick = () => order('line');
document.getElementById('only-matches').onchange = (e) => {
  sections.forEach(s => { s.hidden = e.target.checked && !s.classList.contains('match'); });
};
document.querySelectorAll('th.sort').forEach(th => th.onkeydown = (e) => {
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); th.click(); }  // keyboard too
});
document.querySelectorAll('th.sort').forEach(th => th.onclick = () => {
  const body = th.closest('table').tBodies[0];
  const groups = Array.from(body.querySelectorAll('tr.hit')).map(r => [r, r.nextElementSibling]);
  const dir = th.dataset.dir === 'asc' ? -1 : 1;
  th.dataset.dir = dir === 1 ? 'asc' : 'desc';
  groups.sort((a, b) => dir * (parseFloat(a[0].dataset.score) - parseFloat(b[0].dataset.score)));
  groups.forEach(([r, p]) => { body.appendChild(r); body.appendChild(p); });
});

// Reviewers' decisions, exported as a judgements file (JSON Lines). A judgement is about a
// pair of names (and the screened row's birth year and country): a decision on one hit
// is the decision on every hit of that pair, shown on each, exported once.
const decisions = new Map();
let exportUrl = null;
let unexported = false;
function pairKey(row) {
  return JSON.stringify([row.dataset.left, row.dataset.right, row.dataset.birthYear || '',
                         row.dataset.country || '']);
}
function rowsOf(key) {
  return Array.from(document.querySelectorAll('tr.hit')).filter(r => pairKey(r) === key);
}
function decisionLines() {
  const user = document.getElementById('reviewer').value.trim();
  return Array.from(decisions.values()).map(d => {
    const line = {left: d.row.dataset.left, right: d.row.dataset.right, judgement: d.judgement,
                  user: user, time: d.time, note: d.row.querySelector('input.note').value.trim()};
    // A decision on a screened record holds for its birth year and country only.
    if (d.row.dataset.birthYear) line.birth_year = parseInt(d.row.dataset.birthYear, 10);
    if (d.row.dataset.country) line.country = d.row.dataset.country;
    return JSON.stringify(line);
  });
}
function refreshExport() {
  const lines = decisionLines();
  const text = lines.map(line => line + '\n').join('');
  const area = document.getElementById('export-text');
  area.textContent = text;
  area.value = text;
  const link = document.getElementById('export');
  if (exportUrl) URL.revokeObjectURL(exportUrl);
  exportUrl = URL.createObjectURL(new Blob([text], {type: 'application/x-ndjson'}));
  link.href = exportUrl;
  link.dataset.count = String(lines.length);
  document.getElementById('decided').textContent =
      lines.length + (lines.length === 1 ? ' decision' : ' decisions');
}
list.addEventListener('click', (e) => {
  const button = e.target.closest('button.j');
  if (!button) return;
  const row = button.closest('tr.hit');
  const key = pairKey(row);
  const taken = row.dataset.decision === button.dataset.j;  // a second click takes it back
  decisions.delete(key);
  if (!taken) {
    decisions.set(key, {row: row, judgement: button.dataset.j,
                        time: new Date().toISOString().replace(/\.\d+Z$/, 'Z')});
  }
  for (const r of rowsOf(key)) {
    if (taken) delete r.dataset.decision; else r.dataset.decision = button.dataset.j;
    r.querySelectorAll('button.j').forEach(b => b.setAttribute(
        'aria-pressed', String(b.dataset.j === r.dataset.decision)));
  }
  unexported = true;
  refreshExport();
});
document.getElementById('export').addEventListener('click', (e) => {
  if (!decisions.size) { e.preventDefault(); return; }  // also from the keyboard
  unexported = false;
});
window.addEventListener('beforeunload', (e) => {
  // The decisions live in this page only: leaving it before exporting loses them.
  if (unexported && decisions.size) { e.preventDefault(); e.returnValue = ''; }
});
list.addEventListener('input', (e) => {
  if (!e.target.matches('input.note')) return;
  const row = e.target.closest('tr.hit');
  const decided = decisions.get(pairKey(row));
  if (decided) {
    decided.row = row;  // the note last written on one of the pair's hits goes with it
    unexported = true;
    refreshExport();
  }
});
document.getElementById('reviewer').addEventListener('input', refreshExport);
refreshExport();
"""

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:; connect-src blob:")

_REVIEW = ('<td class="review">'
           + "".join(f'<button type="button" class="j" data-j="{j}" aria-pressed="false">{j}</button>'
                     for j in ("same", "different", "unsure"))
           + '<input class="note" placeholder="note" aria-label="note"></td>')


def _parts_table(parts: Sequence[dict[str, Any]]) -> str:
    rows = []
    for p in parts:
        odds = p["log_odds"]
        cls = "pos" if odds > 0 else "neg" if odds < 0 else ""
        rows.append(f"<tr><td>{escape(p['left'] or '—')}</td><td>{escape(p['right'] or '—')}</td>"
                    f"<td>{escape(p['method'])}</td><td>{p['similarity']:.2f}</td>"
                    f"<td>{p['weight']:.2f}</td><td class=\"{cls}\">{odds:+.2f}</td></tr>")
    return ('<table class="parts"><thead><tr><th>input part</th><th>list part</th><th>method</th>'
            "<th>sim</th><th>weight</th><th>log-odds</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _hit_rows(record: dict[str, Any]) -> str:
    """The rows of a screened record's hits (and of each one's evidence)."""
    hits, left, line = record["hits"], record["name"] or "", record["line"]
    out = []
    # The screened record's context goes with each decision exported (see decisionLines).
    context_attrs = "".join(
        f' data-{attr}="{_escape(str(record[field]))}"'
        for field, attr in (("birth_year", "birth-year"), ("country", "country"))
        if record.get(field) is not None)
    for rank, h in enumerate(hits, start=1):
        decision = '<span class="yes">match</span>' if h["is_match"] else '<span class="no">below</span>'
        judged = h.get("judgement")
        judged_attr = ""
        if judged:
            if h.get("rejected"):
                decision = '<span class="no">rejected</span>'
            decision += f'<br><span class="judged">{escape(judged["describe"])}</span>'
            judged_attr = f' data-judged="{_escape(judged["judgement"])}"'
        weak = ' <span class="weak">weak alias</span>' if h["alias_weak"] else ""
        ambiguous = ' <span class="weak">ambiguous</span>' if h["ambiguous"] else ""
        context = ""
        if h["context"]:
            context = (f'<div class="context">context: {escape("; ".join(h["context"]))} '
                       f'(log-odds {h["context_log_odds"]:+.2f}; name score {h["name_score"]:.3f})</div>')
        out.append(
            f'<tr class="hit" data-score="{h["score"]:.6f}" data-key="{line}-{rank}" '
            # (The decision's data, as exported: the names as they are, only HTML-escaped.)
            f'data-left="{_escape(left)}" data-right="{_escape(h["id"])}"{context_attrs}'
            f'{judged_attr}><td>{rank}</td>'
            f'<td class="score">{h["score"]:.3f}</td><td>{decision}</td>'
            f"<td><code>{escape(h['id'])}</code></td><td>{escape(h['name'])}</td>"
            f"<td>{escape(h['kind'] or '')}</td><td>{escape(h['alias'])}{weak}{ambiguous}</td>"
            f"<td>{escape(h['source'])}</td>{_REVIEW}</tr>"
            f'<tr class="evidence"><td></td><td colspan="8">{_parts_table(h["parts"])}{context}'
            f"<details><summary>full explanation</summary><pre>{_explanation(h['explanation'])}</pre>"
            "</details></td></tr>")
    return "".join(out)


def _section(record: dict[str, Any]) -> str:
    hits = record["hits"]
    # A hit a reviewer rejected is no hit: it does not sort its row first.
    best = max((h["score"] for h in hits if not h.get("rejected")), default=0.0)
    cls = ("error" if "error" in record else "match" if any(h["is_match"] for h in hits)
           else "hit" if any(not h.get("rejected") for h in hits) else "none")
    context = ", ".join(filter(None, (
        f"born {record['birth_year']}" if record.get("birth_year") else "",
        f"country {record['country']}" if record.get("country") else "")))
    head = (f'<h2><span class="line">line {record["line"]}</span> {escape(record["name"] or record["input"])}'
            + (f' <span class="ctx">({escape(context)})</span>' if context else "") + "</h2>")
    if "error" in record:
        body = f'<p class="err">error: {escape(record["error"])}</p>'
    elif not hits:
        body = '<p class="no">no hit</p>'
    else:
        body = ('<table><thead><tr><th>#</th>'
                '<th class="sort" title="sort by score" tabindex="0" role="button">score</th>'
                "<th>decision</th><th>id</th><th>name</th><th>kind</th><th>alias that hit</th>"
                "<th>list</th><th>review</th></tr></thead>"
                f"<tbody>{_hit_rows(record)}</tbody></table>")
    return (f'<section class="{cls}" data-line="{record["line"]}" data-best="{best:.6f}">'
            f"{head}{body}</section>")


def review_page(records: Sequence[dict[str, Any]], title: str, run: str = "") -> str:
    """The review page of screen records (as ``aliaskit screen --jsonl`` writes them);
    ``run`` says how they were made (profile, threshold, judgements, time), for the
    record a reviewer keeps."""
    matches = sum(1 for r in records if any(h["is_match"] for h in r["hits"]))
    errors = sum(1 for r in records if "error" in r)
    hits = sum(1 for r in records if any(not h.get("rejected") for h in r["hits"]))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>aliaskit screen: {escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Screening: {escape(title)}</h1>"
        f'<p id="summary">{len(records)} input rows: {hits} with hits ({matches} with a match), '
        f"{errors} errors. aliaskit {escape(__version__)}. Each hit shows its name parts' "
        "evidence: log-odds for (green) or against (red) a match.</p>"
        + (f'<p id="run">{escape(run)}</p>' if run else "")
        + '<div class="bar"><button id="by-score">sort by best score</button>'
        '<button id="by-line">input order</button>'
        '<label><input type="checkbox" id="only-matches"> only rows with a match</label> '
        '<label>reviewer <input id="reviewer" size="10"></label> '
        '<span id="decided">0 decisions</span> '
        '<a id="export" download="judgements.jsonl" href="#" data-count="0">export decisions</a>'
        '<details><summary>decisions as JSON Lines (for `aliaskit judge --import`)</summary>'
        '<textarea id="export-text" readonly aria-label="decisions"></textarea></details></div>'
        f'<div id="rows">{"".join(_section(r) for r in records)}</div>'
        f"<script>{_SCRIPT}</script></body></html>\n")
