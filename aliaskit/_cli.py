"""The ``aliaskit`` command line: a thin layer over the Python API.

Input comes from arguments or standard input (one name per line), output goes to
standard output (a table for people, ``--json`` / JSON Lines for programs), messages go
to standard error. Errors are one line and a non-zero exit code: 1 for bad input or
data, 2 for bad usage. ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from ._cluster import cluster
from ._compare import compare
from ._errors import AliaskitError
from ._gazetteer import read_gazetteer
from ._keys import metaphone_key, nysiis_key, phonetic_key
from ._normalize import name_parts, normalize
from ._reference import load_reference
from ._resolve import Resolver
from ._types import Entity, LinkedMention, Match

F = TypeVar("F", bound=Callable[..., Any])


def input_options(fn: F) -> F:
    """--encoding and --errors for commands that read names from standard input."""
    fn = click.option("--errors", type=click.Choice(["strict", "replace"]), default="strict",
                      show_default=True,
                      help="What to do with input that is not valid in the encoding: stop with "
                           "the line number, or replace the bad bytes with U+FFFD.")(fn)
    fn = click.option("--encoding", default="utf-8", show_default=True,
                      help="Encoding of standard input.")(fn)
    return fn


def _inputs(names: tuple[str, ...], encoding: str = "utf-8", errors: str = "strict"
            ) -> Iterator[tuple[int, str]]:
    """Names from the arguments, else one per line of standard input (line numbers from 1)."""
    if names:
        yield from enumerate(names, start=1)
        return
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("give names as arguments or one per line on standard input")
    try:
        "".encode(encoding)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode(encoding, errors=errors)
        except UnicodeDecodeError as exc:
            raise AliaskitError(
                f"line {number}: not valid {encoding} (byte {exc.start}); "
                "use --encoding, or --errors replace"
            ) from None
        yield number, line.rstrip("\r\n")


def _emit(record: dict[str, Any]) -> None:
    click.echo(json.dumps(record, ensure_ascii=False))


def _colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _style(text: str, **styles: Any) -> str:
    return click.style(text, **styles) if _colour() else text


class _Progress:
    """A line count on standard error while a long batch runs; only on a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.count = 0
        self.start = time.monotonic()
        self.shown = self.start

    def tick(self, count: int = 1) -> None:
        self.count += count
        now = time.monotonic()
        if self.enabled and now - self.shown > 0.5:
            rate = self.count / max(now - self.start, 1e-9)
            click.echo(f"\r{self.count:,} lines ({rate:,.0f}/s)", err=True, nl=False)
            self.shown = now

    def close(self) -> None:
        if self.enabled and self.shown != self.start:
            click.echo("\r\033[K", err=True, nl=False)


def _batch(
    names: tuple[str, ...], as_json: bool, fn: Callable[[str], str], field: str,
    encoding: str = "utf-8", errors: str = "strict",
) -> None:
    """Run ``fn`` on every input: one output line per input line, errors included."""
    failures = 0
    for number, name in _inputs(names, encoding, errors):
        try:
            value: str | None = fn(name)
            error = None
        except AliaskitError as exc:
            value, error = None, str(exc)
            failures += 1
        if as_json:
            record: dict[str, Any] = {"line": number, "input": name, field: value}
            if error is not None:
                record["error"] = error
            _emit(record)
        elif error is None:
            click.echo(value)
        else:
            click.echo("")
            click.echo(f"aliaskit: line {number}: {error}", err=True)
    if failures:
        raise SystemExit(1)


def _build() -> str:
    """Which build runs: setup.py compiles the comparison engine when it can."""
    from . import _scoring

    return "pure Python" if str(_scoring.__file__).endswith(".py") else "compiled with mypyc"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="aliaskit",
                      message=f"%(prog)s, version %(version)s ({_build()})")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Resolve Afghan and Iranian names of people, places and organisations.

    Names come as arguments or one per line on standard input; results go to
    standard output (a table, or JSON Lines with --json), messages to standard
    error. Every input line gives exactly one output record, in input order.
    Exit codes: 0 success, 1 bad input or data, 2 bad usage.
    """
    ctx.obj = {"debug": debug}


KIND = click.Choice(["person", "place", "org"])


@cli.command("normalize")
@click.argument("names", nargs=-1)
@click.option("--json", "--jsonl", "as_json", is_flag=True, help="JSON Lines: one record per input.")
@input_options
def normalize_cmd(names: tuple[str, ...], as_json: bool, encoding: str, errors: str) -> None:
    """Print the normalised form of each NAME (or of each line of standard input).

    \b
    Example:
      $ aliaskit normalize "Ḥusām al-Dīn" "امیر خان متقی"
      husamaldin
      amir khan muttaqi
    """
    _batch(names, as_json, normalize, "normalized", encoding, errors)


@cli.command("key")
@click.argument("names", nargs=-1)
@click.option("--scheme", type=click.Choice(["aliaskit", "metaphone", "nysiis"]),
              default="aliaskit", show_default=True,
              help="aliaskit's transliteration-aware key, or jellyfish's encoders.")
@click.option("--json", "--jsonl", "as_json", is_flag=True, help="JSON Lines: one record per input.")
@input_options
def key_cmd(names: tuple[str, ...], scheme: str, as_json: bool, encoding: str, errors: str) -> None:
    """Print the phonetic key of each NAME, one key per name part.

    \b
    Example:
      $ aliaskit key Muttaqi Mottaki متقی
      MTK
      MTK
      MTK
    """
    fn = {"aliaskit": phonetic_key, "metaphone": metaphone_key, "nysiis": nysiis_key}[scheme]
    _batch(names, as_json, fn, "key", encoding, errors)


def _parts_record(name: str) -> list[dict[str, Any]]:
    return [{"text": p.text, "role": p.role, "original": p.original, "start": p.start,
             "end": p.end, "script": p.script} for p in name_parts(name)]


@cli.command("parts")
@click.argument("names", nargs=-1)
@click.option("--json", "--jsonl", "as_json", is_flag=True, help="JSON Lines: one record per input.")
@input_options
def parts_cmd(names: tuple[str, ...], as_json: bool, encoding: str, errors: str) -> None:
    """Show the parts of each NAME with their roles (title, name, connector, particle).

    \b
    Example:
      $ aliaskit parts "Mullah Abdul Qahar Balkhi"
      mullah:title abdulqahar:name balkhi:name
    """
    if not as_json:
        _batch(names, False, lambda n: " ".join(f"{p.text}:{p.role}" for p in name_parts(n)),
               "parts", encoding, errors)
        return
    failures = 0
    for number, name in _inputs(names, encoding, errors):
        try:
            _emit({"line": number, "input": name, "parts": _parts_record(name)})
        except AliaskitError as exc:
            failures += 1
            _emit({"line": number, "input": name, "parts": None, "error": str(exc)})
    if failures:
        raise SystemExit(1)


# --- resolve -------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _load_resolver(data_path: Path | None) -> Resolver:
    return Resolver(read_gazetteer(data_path)) if data_path else Resolver.from_reference()


def _match_record(match: Match, explain: bool) -> dict[str, Any]:
    alias = match.alias
    record: dict[str, Any] = {
        "id": match.entity.id, "name": match.entity.name, "kind": match.entity.kind,
        "score": match.score, "is_match": match.comparison.is_match,
        "ambiguous": match.ambiguous,
        "alternatives": list(match.alternatives),
        "alias": alias.name, "alias_origin": alias.origin,
        "mentions": [{"source": m.source, "start": m.start, "end": m.end, "line": m.line}
                     for m in alias.mentions],
    }
    if explain:
        record["explanation"] = match.comparison.explain()
    return record


def _resolve_record(resolver: Resolver, number: int, name: str, options: dict[str, Any]
                    ) -> dict[str, Any]:
    record: dict[str, Any] = {"line": number, "input": name}
    try:
        matches = resolver.resolve(name, kind=options["kind"], limit=options["limit"],
                                   profile=options["profile"], threshold=options["threshold"])
        record["matches"] = [_match_record(m, options["explain"]) for m in matches]
    except AliaskitError as exc:
        record["matches"] = []
        record["error"] = str(exc)
    return record


def _worker_init(data_path: Path | None, options: dict[str, Any]) -> None:
    _WORKER["resolver"] = _load_resolver(data_path)
    _WORKER["options"] = options


def _worker_resolve(item: tuple[int, str]) -> dict[str, Any]:
    return _resolve_record(_WORKER["resolver"], item[0], item[1], _WORKER["options"])


def _print_resolve_row(record: dict[str, Any], explain: bool) -> None:
    number, name = record["line"], record["input"]
    shown = name if len(name) <= 24 else name[:23] + "…"
    if "error" in record:
        click.echo(f"{number:>5}  {shown:<24} " + _style("error: " + record["error"], fg="red"))
        return
    if not record["matches"]:
        click.echo(f"{number:>5}  {shown:<24} " + _style("(no match)", dim=True))
    for rank, m in enumerate(record["matches"]):
        ambiguous = _style("yes", fg="yellow", bold=True) if m["ambiguous"] else "no "
        below = "" if m["is_match"] else _style("  (below the threshold)", dim=True)
        click.echo(f"{number:>5}  {shown if rank == 0 else '':<24} {m['id']:<38} "
                   f"{m['score']:>5.3f}  {ambiguous}    {m['alias']}{below}")
        if explain:
            click.echo("       " + m["explanation"].replace("\n", "\n       "))


@cli.command("resolve")
@click.argument("names", nargs=-1)
@click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Your gazetteer (.jsonl or .csv) instead of the bundled reference data.")
@click.option("--kind", type=KIND, help="Only entities of this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=1, show_default=True,
              help="Matches per name.")
@click.option("--profile", default="default", show_default=True,
              help="Decision profile: default, screening (recall first) or dedupe (precision first).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="List every candidate scoring at least this much, matches or not "
                   "(is_match says which), for review; default: matches only.")
@click.option("--json", "--jsonl", "as_json", is_flag=True, help="JSON Lines: one record per input.")
@click.option("--explain", is_flag=True, help="Show the alignment behind each match.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes to use; output stays in input order.")
@input_options
def resolve_cmd(names: tuple[str, ...], data_path: Path | None, kind: str | None, limit: int,
                profile: str, threshold: float | None, as_json: bool, explain: bool, workers: int,
                encoding: str, errors: str) -> None:
    """Resolve each NAME (or each line of standard input) to known entities.

    Every input gives one record: line number, input, and its matches (entity id,
    canonical name, score, ambiguous, the alias that matched and where it was seen),
    or the reason it could not be resolved.

    \b
    Examples:
      $ aliaskit resolve "Amir Khan Mottaki" "Nangahar"
      $ aliaskit resolve --jsonl --limit 3 < names.txt > resolved.jsonl
      $ aliaskit resolve --data my_gazetteer.csv --kind person "Sirajuddin Haqani"
      $ aliaskit resolve --limit 5 --threshold 0.2 "Tabris"   # runners-up for review
    """
    from ._compare import _profile

    _profile(profile)  # fail early on an unknown profile
    options = {"kind": kind, "limit": limit, "profile": profile, "explain": explain,
               "threshold": threshold}
    items = _inputs(names, encoding, errors)
    if workers > 1:
        import multiprocessing

        pool = multiprocessing.get_context("spawn").Pool(
            workers, initializer=_worker_init, initargs=(data_path, options))
        records: Iterable[dict[str, Any]] = pool.imap(_worker_resolve, items, chunksize=64)
    else:
        pool = None
        resolver = _load_resolver(data_path)
        records = (_resolve_record(resolver, n, name, options) for n, name in items)
    failures = 0
    progress = _Progress()
    try:
        if not as_json:
            click.echo(f"{'line':>5}  {'input':<24} {'entity':<38} {'score':>5}  ambig  alias")
        for record in records:
            failures += "error" in record
            if as_json:
                _emit(record)
            else:
                _print_resolve_row(record, explain)
            progress.tick()
    finally:
        progress.close()
        if pool is not None:
            pool.terminate()
    if failures:
        raise SystemExit(1)


@cli.command("compare")
@click.argument("left")
@click.argument("right")
@click.option("--kind", type=KIND, help="Kind of both names.")
@click.option("--profile", default="default", show_default=True, help="Decision profile.")
@click.option("--explain", is_flag=True, help="Show the alignment, one line per name part.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def compare_cmd(left: str, right: str, kind: str | None, profile: str, explain: bool,
                as_json: bool) -> None:
    """Compare two names: score, decision and (with --explain) why.

    \b
    Example:
      $ aliaskit compare "Amir Khan Muttaqi" "امیر خان متقی" --explain
    """
    c = compare(left, right, kind=kind, profile=profile)  # type: ignore[arg-type]
    if as_json:
        _emit({
            "left": left, "right": right, "score": c.score, "is_match": c.is_match,
            "profile": c.profile, "threshold": c.threshold,
            "alignment": [{
                "left": r.left.original if r.left else None,
                "right": r.right.original if r.right else None,
                "method": r.method, "similarity": r.similarity, "weight": r.weight,
                "contribution": r.contribution,
            } for r in c.alignment],
        })
    elif explain:
        click.echo(c.explain())
    else:
        click.echo(f"{c.score:.3f}\t{'match' if c.is_match else 'no match'}")


# --- cluster -------------------------------------------------------------------------


def _read_text_file(path: str, encoding: str, errors: str | None = None) -> str:
    """The decoded text of a file ('-' = standard input); errors name the line.

    ``errors`` is the command's --errors choice; None for commands that have no such option.
    """
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise AliaskitError(f"{path}: {exc.strerror}") from None
    try:
        return raw.decode(encoding, errors=errors or "strict")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "use --encoding" + (" or --errors replace" if errors is not None else "")
        raise AliaskitError(f"{path}: line {line}: not valid {encoding}; {hint}") from None


def _read_names_file(path: str, column: str | None, encoding: str, errors: str
                     ) -> list[tuple[int, str]]:
    """(line or row number, name) from a text file of lines or a CSV column; '-' = stdin."""
    text = _read_text_file(path, encoding, errors)
    if column is None:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the newline that ends the file does not start a line
        return [(n, line.rstrip("\r")) for n, line in enumerate(lines, start=1)]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if column not in (reader.fieldnames or []):
        raise AliaskitError(f"{path}: no column {column!r} (columns: {', '.join(reader.fieldnames or [])})")
    rows = []
    try:
        for row in reader:
            value = row.get(column)
            if value is None:
                raise AliaskitError(f"{path}: row {reader.line_num}: missing field {column!r}")
            rows.append((reader.line_num, value))
    except csv.Error as exc:
        raise AliaskitError(f"{path}: row {reader.line_num}: malformed CSV ({exc})") from None
    return rows


@cli.command("cluster")
@click.argument("file")
@click.option("--column", help="Read names from this column of a CSV file (default: one name per line).")
@click.option("--kind", type=KIND, help="Kind of all names.")
@click.option("--profile", default="dedupe", show_default=True, help="Decision profile.")
@click.option("--jsonl", "--json", "as_json", is_flag=True, help="JSON Lines instead of CSV.")
@input_options
def cluster_cmd(file: str, column: str | None, kind: str | None, profile: str, as_json: bool,
                encoding: str, errors: str) -> None:
    """Group the names of FILE ('-' for standard input) into entities.

    Output: one record per input row, in input order, with its cluster number (largest
    cluster first), the cluster's chosen canonical name and the score against it.

    \b
    Examples:
      $ aliaskit cluster names.txt
      $ aliaskit cluster --column name --jsonl people.csv
    """
    rows = _read_names_file(file, column, encoding, errors)
    valid: list[tuple[int, str]] = []
    invalid: dict[int, str] = {}
    for number, name in rows:
        try:
            normalize(name)
            valid.append((number, name))
        except AliaskitError as exc:
            invalid[number] = str(exc)
    groups = cluster([name for _, name in valid], kind=kind, profile=profile)  # type: ignore[arg-type]
    by_position: dict[int, tuple[int, str, float]] = {}
    for rank, group in enumerate(groups, start=1):
        for member in group.members:
            for position in member.positions:
                by_position[position] = (rank, group.representative, member.comparison.score)
    out = csv.writer(sys.stdout, lineterminator="\n") if not as_json else None
    if out is not None:
        out.writerow(["line", "input", "cluster", "canonical", "score", "error"])
    position = 0
    for number, name in rows:
        if number in invalid:
            record: dict[str, Any] = {"line": number, "input": name, "cluster": None,
                                      "canonical": None, "score": None, "error": invalid[number]}
        else:
            rank, canonical, score = by_position[position]
            position += 1
            record = {"line": number, "input": name, "cluster": rank, "canonical": canonical,
                      "score": score}
        if out is None:
            _emit(record)
        else:
            out.writerow([record["line"], name, record["cluster"] or "", record["canonical"] or "",
                          "" if record["score"] is None else f"{record['score']:.3f}",
                          record.get("error", "")])
    if invalid:
        raise SystemExit(1)


# --- the reference data --------------------------------------------------------------


def _entity_summary(entity: Entity) -> dict[str, Any]:
    return {"id": entity.id, "kind": entity.kind, "name": entity.name,
            "aliases": len(entity.aliases), "mentions": len(entity.mentions),
            "description": entity.description}


@cli.command("entities")
@click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Your gazetteer (.jsonl or .csv) instead of the bundled reference data.")
@click.option("--kind", type=KIND, help="Only entities of this kind.")
@click.option("--json", "--jsonl", "as_json", is_flag=True, help="JSON Lines output.")
def entities_cmd(data_path: Path | None, kind: str | None, as_json: bool) -> None:
    """List the entities of the reference data (or of --data).

    \b
    Example:
      $ aliaskit entities --kind org
    """
    entities = read_gazetteer(data_path) if data_path else load_reference()
    for entity in entities:
        if kind and entity.kind != kind:
            continue
        if as_json:
            _emit(_entity_summary(entity))
        else:
            click.echo(f"{entity.id:<44} {entity.kind or '-':<7} {len(entity.aliases):>3} aliases "
                       f"{len(entity.mentions):>4} mentions  {entity.name}")


@cli.command("show")
@click.argument("entity_id")
@click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Your gazetteer (.jsonl or .csv) instead of the bundled reference data.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def show_cmd(entity_id: str, data_path: Path | None, as_json: bool) -> None:
    """Show one entity: its aliases and where each was seen, with context.

    \b
    Example:
      $ aliaskit show person/ahmad-massoud
    """
    entities = read_gazetteer(data_path) if data_path else load_reference()
    entity = next((e for e in entities if e.id == entity_id), None)
    if entity is None:
        close = [e.id for e in entities if entity_id.split("/")[-1][:4] in e.id][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise AliaskitError(f"no entity {entity_id!r}{hint}")
    if as_json:
        _emit({**_entity_summary(entity), "aliases": [
            {"name": a.name, "origin": a.origin, "ambiguous": a.ambiguous, "note": a.note,
             "mentions": [{"source": m.source, "start": m.start, "end": m.end, "line": m.line,
                           "text": m.text, "context": m.context, "decision": m.decision}
                          for m in a.mentions]}
            for a in entity.aliases]})
        return
    click.echo(_style(f"{entity.name}", bold=True) + f"  ({entity.id}, {entity.kind or 'kind unknown'})")
    if entity.description:
        click.echo(f"  {entity.description}")
    for alias in entity.aliases:
        flag = " [ambiguous: attributed mention by mention]" if alias.ambiguous else ""
        note = f" — {alias.note}" if alias.note else ""
        click.echo(f"\n  {alias.name}  ({alias.origin}){flag}{note}")
        for m in alias.mentions:
            click.echo(f"    {m.source}:{m.line} [{m.start}:{m.end}]  {m.context}")
            if m.decision:
                click.echo(_style(f"      decision: {m.decision}", dim=True))


def _linked_record(source: str, m: LinkedMention) -> dict[str, Any]:
    return {"source": source, "start": m.start, "end": m.end, "line": m.mention.line,
            "surface": m.surface, "entity": m.entity.id, "name": m.entity.name,
            "kind": m.entity.kind, "score": m.score, "ambiguous": m.ambiguous,
            "alternatives": list(m.alternatives), "via": m.via}


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>aliaskit: {title}</title>
<style>
body {{ font: 16px/1.6 Georgia, serif; max-width: 46em; margin: 2em auto; color: #222; }}
h1 {{ font: bold 1.1em sans-serif; }}
.text {{ white-space: pre-wrap; }}
mark {{ background: #dceefc; border-bottom: 2px solid #2a7ab9; padding: 0 1px; position: relative;
       cursor: help; }}
mark.ambiguous {{ background: #fff1c7; border-bottom-color: #c98a00; }}
mark.person {{ background: #e3f5e1; border-bottom-color: #3a8a32; }}
mark.place {{ background: #dceefc; }}
mark.org {{ background: #f3e3f7; border-bottom-color: #8a3aa0; }}
mark:hover::after {{ content: attr(data-info); position: absolute; left: 0; top: 1.6em; z-index: 1;
       white-space: pre; font: 13px/1.4 sans-serif; background: #333; color: #fff;
       padding: .4em .6em; border-radius: 4px; }}
.legend {{ font: 13px sans-serif; color: #555; }}
</style></head><body>
<h1>{title}</h1>
<p class="legend">{count} mentions of {entities} entities linked by aliaskit {version}.
Hover a highlighted name for its entity, score and alternatives.</p>
<div class="text">{body}</div>
</body></html>
"""


def _html_page(title: str, text: str, mentions: Sequence[LinkedMention]) -> str:
    from html import escape

    pieces = []
    position = 0
    for m in mentions:
        pieces.append(escape(text[position : m.start]))
        info = f"{m.entity.id} — {m.entity.name}\nscore {m.score:.3f} ({m.via})"
        if m.ambiguous:
            info += "\nambiguous; alternatives: " + ", ".join(m.alternatives)
        classes = " ".join(c for c in (m.entity.kind or "", "ambiguous" if m.ambiguous else "") if c)
        pieces.append(f'<mark class="{classes}" data-entity="{escape(m.entity.id)}" '
                      f'data-info="{escape(info)}" title="{escape(info)}">'
                      f"{escape(m.surface)}</mark>")
        position = m.end
    pieces.append(escape(text[position:]))
    return _PAGE.format(title=escape(title), body="".join(pieces), count=len(mentions),
                        entities=len({m.entity.id for m in mentions}), version=__version__)


@cli.command("link")
@click.argument("files", nargs=-1, required=True)
@click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Your gazetteer (.jsonl or .csv) instead of the bundled reference data.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "json", "html"]),
              default="table", show_default=True,
              help="table for people; jsonl (one mention per line) or json (one object per "
                   "file) for programs; html: a page with every mention highlighted.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Same as --format jsonl.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of the files.")
def link_cmd(files: tuple[str, ...], data_path: Path | None, fmt: str, as_jsonl: bool,
             as_json: bool, encoding: str) -> None:
    """Find and resolve the entity mentions in each FILE ('-' for standard input).

    Offsets are character offsets into the file's text as decoded.

    \b
    Examples:
      $ aliaskit link article.txt
      $ aliaskit link --jsonl seeds/*.txt > mentions.jsonl
      $ aliaskit link --format html article.txt > article.html
    """
    from ._link import link

    fmt = "jsonl" if as_jsonl else "json" if as_json else fmt
    resolver = _load_resolver(data_path)
    if fmt == "table":
        click.echo(f"{'source':<28} {'line':>4} {'offsets':>12}  {'mention':<26} {'entity':<38} "
                   f"{'score':>5}  ambig")
    for file in files:
        text = _read_text_file(file, encoding)
        source = "<stdin>" if file == "-" else Path(file).name
        mentions = link(text, resolver=resolver, source=source)
        if fmt == "jsonl":
            for m in mentions:
                _emit(_linked_record(source, m))
        elif fmt == "json":
            _emit({"source": source, "mentions": [_linked_record(source, m) for m in mentions]})
        elif fmt == "html":
            click.echo(_html_page(source, text, mentions), nl=False)
        else:
            for m in mentions:
                ambiguous = _style("yes", fg="yellow") if m.ambiguous else "no"
                click.echo(f"{source[:28]:<28} {m.mention.line:>4} {m.start:>5}-{m.end:<6}  "
                           f"{m.surface[:26]:<26} {m.entity.id[:38]:<38} {m.score:>5.3f}  {ambiguous}")


@cli.group("reference")
def reference_group() -> None:
    """Build and inspect the reference dataset of the seed articles."""


@reference_group.command("build")
@click.option("--entities", "entities_path", type=click.Path(path_type=Path),
              default=Path("data/entities.toml"), show_default=True,
              help="The curated entity file.")
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path),
              default=Path("seeds"), show_default=True, help="Directory of seed articles.")
@click.option("--output", type=click.Path(path_type=Path),
              default=Path("data/reference.json"), show_default=True,
              help="Where to write the generated dataset.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if the output file is not up to date.")
def reference_build_cmd(entities_path: Path, seeds_dir: Path, output: Path, check: bool) -> None:
    """Find every alias of data/entities.toml in seeds/ and write data/reference.json.

    Run it from the repository root after editing data/entities.toml.
    """
    from ._reference import build_reference, dump_reference

    data = build_reference(entities_path, seeds_dir)
    text = dump_reference(data)
    count = sum(len(a["mentions"]) for e in data["entities"] for a in e["aliases"])
    _generated(output, text, f"{len(data['entities'])} entities, {count} mentions",
               "aliaskit reference build", check=check)


def _generated(output: Path, text: str, summary: str, command: str, *, check: bool) -> None:
    """Write a generated file, or with ``check`` fail unless it already holds ``text``."""
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            raise click.ClickException(f"{output} is out of date; run `{command}`")
        click.echo(f"{output} is up to date ({summary})", err=True)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output} ({summary})", err=True)


@cli.group("data")
def data_group() -> None:
    """Check the bundled data files and build the generated ones."""


@data_group.command("build")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if data/folds.txt is not up to date.")
def data_build_cmd(check: bool) -> None:
    """Write data/folds.txt, the folds of every variant spelling, from data/variants.txt and
    data/fold.txt, next to the data files it reads: run it in a source checkout (editable
    install) after editing either file."""
    from ._data import FOLD_TABLE, data_dir
    from ._scoring import _fold_table_text

    text = _fold_table_text()
    spellings = sum(1 for line in text.splitlines() if not line.startswith("#"))
    _generated(data_dir() / FOLD_TABLE, text, f"{spellings} spellings", "aliaskit data build",
               check=check)


@data_group.command("check")
def data_check_cmd() -> None:
    """Validate every file in data/ (formats, duplicates, variant-group rules)."""
    from ._check import check_all

    problems = check_all()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the data files")
    click.echo("data files OK", err=True)


from ._screen import screen_cmd  # noqa: E402  (the command module needs cli's helpers loaded)

cli.add_command(screen_cmd)


def cli_reference() -> str:
    """The CLI reference in Markdown, from every command's --help (docs/cli.md embeds it)."""
    sections = []

    def walk(command: click.Command, path: list[str]) -> None:
        with click.Context(command, info_name=" ".join(path), max_content_width=100) as ctx:
            text = command.get_help(ctx)
        sections.append(f"### `{' '.join(path)}`\n\n```text\n{text}\n```\n")
        if isinstance(command, click.Group):
            for name in sorted(command.list_commands(ctx)):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, [*path, name])

    walk(cli, ["aliaskit"])
    return "\n".join(sections)


@cli.command("cli-reference", hidden=True)
def cli_reference_cmd() -> None:
    """Print the Markdown CLI reference (used to write docs/cli.md)."""
    click.echo(cli_reference(), nl=False)


def _run(fn: Callable[[], object], debug: bool) -> int:
    try:
        fn()
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("aliaskit: aborted", err=True)
        return 1
    except AliaskitError as exc:
        if debug:
            raise
        click.echo(f"aliaskit: error: {exc}", err=True)
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, without Python's exit warning.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


def main(argv: Iterable[str] | None = None) -> None:
    """Entry point of the ``aliaskit`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    def invoke() -> None:
        # Not cli.main(): it turns a closed pipe into exit code 1; we handle it in _run.
        with cli.make_context("aliaskit", args) as ctx:
            cli.invoke(ctx)

    code = _run(invoke, debug)
    sys.exit(code)
