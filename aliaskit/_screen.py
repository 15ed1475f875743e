"""Screening a list of names against a list of entities: ``aliaskit screen``.

Every input row (a plain line, a CSV row with a name column, or a JSON Lines object with
``name`` and optionally ``birth_year`` and ``country``) gives exactly one output record,
in input order: its ranked hits, or the reason it could not be screened. With several
workers the index is built once, before the workers are forked, so they share it
(copy-on-write) instead of each rebuilding it; they send back each record as one JSON
string.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from ._errors import AliaskitError, DataFileError, InvalidNameError, parse_json
from ._gazetteer import FORMATS, decoded_lines, read_gazetteer
from ._resolve import Resolver
from ._types import Match

__all__ = ["InputRow", "read_inputs", "screen_record", "screen_records"]

InputRow = tuple[int, str, str | None, int | None, str | None, str | None]
"""(line, input text, name, birth year, country, error): one row of the input file."""

BATCH = 128


def _year(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise InvalidNameError(f"birth_year must be a year such as 1956, not {value!r}")


def _row(number: int, text: str, name: object, year: object, country: object) -> InputRow:
    try:
        if not isinstance(name, str):
            raise InvalidNameError(f"'name' must be a string, not {type(name).__name__}")
        if country is not None and not isinstance(country, str):
            raise InvalidNameError(f"'country' must be a string, not {country!r}")
        return number, text, name, _year(year), country or None, None
    except AliaskitError as exc:
        return number, text, None, None, None, str(exc)


def read_inputs(path: Path | None, fmt: str, name_column: str = "name") -> Iterator[InputRow]:
    """The rows of the input file (standard input when ``path`` is None), numbered by
    line; a malformed row comes with its error instead of being dropped."""
    handle = sys.stdin.buffer if path is None else path.open("rb")
    try:
        if fmt == "csv":
            yield from _csv_inputs(handle, name_column)
            return
        for number, line in decoded_lines(handle):
            if isinstance(line, AliaskitError):
                yield number, "", None, None, None, str(line)
            elif fmt == "lines":
                yield number, line, line, None, None, None
            elif not line.strip():
                yield number, line, None, None, None, "blank line (no JSON object)"
            else:
                try:
                    record = parse_json(line)
                except json.JSONDecodeError as exc:
                    yield number, line, None, None, None, f"not valid JSON ({exc.msg})"
                    continue
                if not isinstance(record, dict):
                    yield number, line, None, None, None, "expected a JSON object"
                    continue
                yield _row(number, line, record.get("name"), record.get("birth_year"),
                           record.get("country"))
    finally:
        if path is not None:
            handle.close()


def _csv_inputs(handle: Any, name_column: str) -> Iterator[InputRow]:
    from ._gazetteer import csv_rows

    rows = csv_rows(handle)
    first = next(rows, None)
    if first is None:
        return
    if isinstance(first[1], AliaskitError):
        raise DataFileError(f"input header: {first[1]}", line=1)
    header = [h.strip() for h in first[1]]
    if name_column not in header:
        raise DataFileError(f"input has no column {name_column!r} (columns: {', '.join(header)}); "
                            "use --name-column")
    at = header.index(name_column)
    year_at = header.index("birth_year") if "birth_year" in header else None
    country_at = header.index("country") if "country" in header else None
    for number, row in rows:
        if isinstance(row, AliaskitError):
            yield number, "", None, None, None, str(row)
            continue
        text = ",".join(row)
        if len(row) != len(header):
            yield number, text, None, None, None, (
                f"{len(row)} fields where the header has {len(header)}")
            continue
        yield _row(number, text, row[at], row[year_at] if year_at is not None else None,
                   row[country_at] if country_at is not None else None)


def _parts(match: Match) -> list[dict[str, Any]]:
    return [{"left": r.left.original if r.left else None,
             "right": r.right.original if r.right else None,
             "method": r.method, "similarity": round(r.similarity, 3),
             "weight": round(r.weight, 3), "log_odds": round(r.contribution, 3)}
            for r in match.comparison.alignment]


def _hit(match: Match) -> dict[str, Any]:
    return {"id": match.entity.id, "name": match.entity.name, "kind": match.entity.kind,
            "score": round(match.score, 6), "name_score": round(match.comparison.score, 6),
            "is_match": match.is_match, "ambiguous": match.ambiguous,
            "alias": match.alias.name, "alias_weak": match.alias.weak,
            "source": match.entity.source, "context": list(match.context),
            "context_log_odds": round(match.context_log_odds, 3),
            "parts": _parts(match), "explanation": match.explain()}


def screen_record(resolver: Resolver, row: InputRow, options: dict[str, Any]) -> dict[str, Any]:
    """The output record of one input row."""
    number, text, name, year, country, error = row
    record: dict[str, Any] = {"line": number, "input": text, "name": name,
                              "birth_year": year, "country": country}
    if error is None and name is not None:
        try:
            matches = resolver.resolve(name, limit=options["limit"], profile=options["profile"],
                                       threshold=options["threshold"], kind=options["kind"],
                                       birth_year=year, country=country)
            record["hits"] = [_hit(m) for m in matches]
            return record
        except AliaskitError as exc:
            error = str(exc)
    record["hits"] = []
    record["error"] = error
    return record


_SHARED: dict[str, Any] = {}


Output = tuple[str, int]
"""A record as JSON text, and its flags: ERROR | HIT | MATCH."""
ERROR, HIT, MATCH = 1, 2, 4


def _output(record: dict[str, Any]) -> Output:
    flags = (ERROR if "error" in record else 0) | (HIT if record["hits"] else 0) | (
        MATCH if any(h["is_match"] for h in record["hits"]) else 0)
    return json.dumps(record, ensure_ascii=False), flags


def _screen_batch(rows: list[InputRow]) -> list[Output]:
    resolver, options = _SHARED["resolver"], _SHARED["options"]
    return [_output(screen_record(resolver, row, options)) for row in rows]


def _batches(rows: Iterable[InputRow], size: int) -> Iterator[list[InputRow]]:
    batch: list[InputRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def screen_records(resolver: Resolver, rows: Iterable[InputRow], options: dict[str, Any],
                   workers: int = 1) -> Iterator[Output]:
    """One JSON record per input row, in input order, with its flags; ``workers``
    processes share the resolver by forking after it was built (where the platform can
    fork)."""
    import multiprocessing

    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for row in rows:
            yield _output(screen_record(resolver, row, options))
        return
    _SHARED["resolver"], _SHARED["options"] = resolver, options
    gc.collect()
    gc.freeze()  # the index's objects stay out of the children's collections: fewer copied pages
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        for records in pool.imap(_screen_batch, _batches(rows, BATCH)):
            yield from records
    finally:
        pool.terminate()
        gc.unfreeze()
        _SHARED.clear()


# --- output ------------------------------------------------------------------------------


def table_lines(record: dict[str, Any]) -> list[str]:
    """A record as table lines (the command's terminal output)."""
    from ._cli import visible

    number, shown = record["line"], visible(record["name"] or record["input"])
    shown = shown if len(shown) <= 26 else shown[:25] + "…"
    if "error" in record:
        return [f"{number:>5}  {shown:<26} error: {record['error']}"]
    if not record["hits"]:
        return [f"{number:>5}  {shown:<26} (no hit)"]
    lines = []
    for rank, h in enumerate(record["hits"]):
        flag = "MATCH" if h["is_match"] else "-"
        weak = " (weak alias)" if h["alias_weak"] else ""
        context = f"  [{'; '.join(h['context'])}]" if h["context"] else ""
        lines.append(f"{number if rank == 0 else '':>5}  {shown if rank == 0 else '':<26} "
                     f"{h['id'][:30]:<30} {h['score']:>5.3f} {flag:<5}  {h['alias']}{weak}{context}")
    return lines


TABLE_HEAD = f"{'line':>5}  {'input':<26} {'id':<30} {'score':>5} {'match':<5}  alias"


def input_format(path: Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower() if path is not None else ""
    return {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, "lines")


def load_list(against: Path | None, index: Path | None, list_format: str | None,
              warn: bool = False) -> Resolver:
    if (against is None) == (index is None):
        raise click.UsageError("give the list to screen against: --against LIST or --index INDEX")
    if index is not None:
        from ._index import load_index

        return load_index(index)
    assert against is not None
    if not warn:
        return Resolver(read_gazetteer(against, format=list_format))
    problems: list[DataFileError] = []
    resolver = Resolver(read_gazetteer(against, format=list_format, errors=problems.append))
    for problem in problems:
        click.echo(f"aliaskit: warning: {problem} (row left out of the list)", err=True)
    if problems:
        click.echo(f"aliaskit: warning: {len(problems)} malformed list row(s) left out; "
                   f"{len(resolver):,} entities read", err=True)
    return resolver


LIST_FORMATS = click.Choice(list(FORMATS))


def summary(counts: dict[str, int]) -> str:
    return (f"screened {counts['rows']:,} rows: {counts['hit']:,} with hits "
            f"({counts['match']:,} with a match), {counts['error']:,} errors")


def count(flags: int, counts: dict[str, int]) -> None:
    counts["rows"] += 1
    counts["error"] += bool(flags & ERROR)
    counts["hit"] += bool(flags & HIT)
    counts["match"] += bool(flags & MATCH)


def html_page(records: Sequence[dict[str, Any]], title: str) -> str:
    from ._html import review_page

    return review_page(records, title)


@click.command("screen")
@click.argument("names", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--against", type=click.Path(path_type=Path, dir_okay=False),
              help="The list to screen against: a gazetteer or published list in any "
                   "importable format (see --list-format).")
@click.option("--index", "index_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A saved index (aliaskit index build) instead of --against.")
@click.option("--list-format", type=LIST_FORMATS, default=None,
              help="Format of --against when its name does not tell.")
@click.option("--list-errors", type=click.Choice(["stop", "warn"]), default="stop",
              show_default=True,
              help="A list with malformed rows: stop, listing them, or warn about each on "
                   "standard error and screen against the rest.")
@click.option("--input-format", "input_format_", type=click.Choice(["lines", "csv", "jsonl"]), default=None,
              help="NAMES as one name a line, CSV with a header, or JSON Lines with name, "
                   "birth_year, country; default from the file extension (.csv, .jsonl).")
@click.option("--name-column", default="name", show_default=True, help="CSV column of the names.")
@click.option("--kind", type=click.Choice(["person", "place", "org"]), help="Only entities of this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="Hits per input row.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="List every candidate scoring at least this much (is_match says which "
                   "are matches); default: matches and partial names only.")
@click.option("--profile", default="default", show_default=True,
              help="Decision profile: default, screening (recall first) or dedupe.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default=None,
              help="Output: a table (default on a terminal) or JSON Lines (default on a pipe).")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Same as --format jsonl.")
@click.option("--html", "html_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a self-contained review page to this file.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes; they share the index built once. Output stays in input order.")
def screen_cmd(names: Path, against: Path | None, index_path: Path | None,
               list_format: str | None, list_errors: str, input_format_: str | None, name_column: str,
               kind: str | None, limit: int, threshold: float | None, profile: str,
               fmt: str | None, as_jsonl: bool, html_path: Path | None, workers: int) -> None:
    """Screen every row of NAMES ('-' for standard input) against a list.

    Each input row gets one output record, in order: its ranked hits (id, name, kind,
    score, is_match, the alias that hit, the explanation), or the reason it could not be
    screened (then the exit code is 1). A JSON Lines input row may carry birth_year and
    country: a hit born years apart, or of another country, scores lower. A summary
    line goes to standard error.

    \b
    Examples:
      $ aliaskit screen customers.csv --against entities.ftm.json --html review.html
      $ aliaskit screen names.txt --against sdn.csv --threshold 0.3 --jsonl > hits.jsonl
      $ aliaskit screen people.jsonl --index sanctions.idx --workers 2
    """
    from ._cli import _Batch, _message, visible
    from ._compare import _profile

    _profile(profile)
    fmt = "jsonl" if as_jsonl else fmt or ("table" if sys.stdout.isatty() else "jsonl")
    path = None if str(names) == "-" else names
    if path is not None and not path.exists():
        raise DataFileError("file not found", path=str(path))
    in_fmt = input_format(path, input_format_)
    resolver = load_list(against, index_path, list_format, warn=list_errors == "warn")
    options = {"limit": limit, "profile": profile, "threshold": threshold, "kind": kind}
    rows: Iterable[InputRow] = read_inputs(path, in_fmt, name_column)
    total = None
    if sys.stderr.isatty() and path is not None:
        with path.open("rb") as handle:
            total = sum(1 for _ in handle)
    counts = {"rows": 0, "hit": 0, "match": 0, "error": 0}
    kept: list[dict[str, Any]] = []
    if fmt == "table":
        click.echo(TABLE_HEAD)
    records = screen_records(resolver, rows, options, workers)
    out = sys.stdout
    bar = click.progressbar(length=total, file=sys.stderr, label="screening") \
        if total and total > 1000 else None
    batch = _Batch()  # one line on standard error per row that failed, and their summary
    try:
        for text, flags in records:
            count(flags, counts)
            failed = bool(flags & ERROR)
            record = json.loads(text) if failed or fmt == "table" or html_path is not None else {}
            if fmt == "jsonl":
                out.write(text + "\n")
            else:
                for line in table_lines(record):
                    click.echo(visible(line))
            batch.row(f"line {record['line']}" if failed else "", record["error"] if failed else None)
            if html_path is not None:
                kept.append(record)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.render_finish()
    if html_path is not None:
        title = f"{path.name if path else 'stdin'} against {(against or index_path).name}"  # type: ignore[union-attr]
        html_path.write_text(html_page(kept, title), encoding="utf-8")
    _message(summary(counts))
    batch.finish()  # exit code 1 when a row failed
