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
from ._gazetteer import (
    FORMATS,
    RowError,
    csv_header,
    csv_record,
    csv_rows,
    decoded_lines,
    field_count_error,
    read_gazetteer,
)
from ._resolve import Resolver
from ._types import Entity, Match
from ._types import _year as date_year

__all__ = ["InputRow", "read_inputs", "screen_record", "screen_records"]

InputRow = tuple[int, str, str | None, int | None, str | None, str | None]
"""(line, input text, name, birth year, country, error): one row of the input file."""

BATCH = 128


def _year(value: object) -> int | None:
    """A row's birth year: a year, or the year a date begins with ("1956-03-01", as
    lists and customer records write birth dates)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.strip().isdecimal():
            return int(value.strip())
        year = date_year(value)
        if year is not None:
            return year
    raise InvalidNameError(f"birth_year must be a year such as 1956 or a date such as "
                           f"1956-03-01, not {value!r}")


def _row(number: int, text: str, name: object, year: object, country: object) -> InputRow:
    try:
        if name is None:
            raise InvalidNameError("no 'name' (each record needs the name to screen)")
        if not isinstance(name, str):
            raise InvalidNameError(f"'name' must be a string, not {type(name).__name__}")
        if country is not None and not isinstance(country, str):
            raise InvalidNameError(f"'country' must be a string, not {country!r}")
        return number, text, name, _year(year), country or None, None
    except AliaskitError as exc:
        return number, text, None, None, None, str(exc)


def read_inputs(path: Path | None, fmt: str, name_column: str = "name", *,
                encoding: str = "utf-8", errors: str = "strict") -> Iterator[InputRow]:
    """The rows of the input file (standard input when ``path`` is None), numbered by
    line; a malformed row comes with its error instead of being dropped."""
    handle = sys.stdin.buffer if path is None else path.open("rb")
    name = "<stdin>" if path is None else str(path)
    try:
        if fmt == "csv":
            yield from _csv_inputs(handle, name_column, encoding, errors, name)
            return
        for number, line in decoded_lines(handle, encoding, errors, name, "--encoding"):
            if isinstance(line, RowError):
                yield number, line.text, None, None, None, str(line)
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


def _csv_inputs(handle: Any, name_column: str, encoding: str, errors: str, name: str
                ) -> Iterator[InputRow]:
    rows = csv_rows(handle, encoding=encoding, errors=errors, name=name,
                    encoding_option="--encoding", blank_lines=True)
    try:
        header = csv_header(rows, (name_column,))
    except RowError as exc:
        said = str(exc) if str(exc).startswith("header") else f"header: {exc}"
        hint = "; use --name-column" if said.startswith("header lacks") else ""
        raise DataFileError(f"{said}{hint}", path=name, line=1) from None
    if header is None:
        return
    at = header.index(name_column)
    year_at = header.index("birth_year") if "birth_year" in header else None
    country_at = header.index("country") if "country" in header else None
    for number, row in rows:
        if isinstance(row, RowError):
            yield number, row.text, None, None, None, str(row)
            continue
        if not row:  # as a blank line of the other inputs: accounted for
            yield number, "", None, None, None, "blank line"
            continue
        text = csv_record(row)  # the record as it reads back, not its cells run together
        error = field_count_error(row, header)
        if error is not None:
            yield number, text, None, None, None, str(error)
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
    """A hit: :meth:`Match.to_dict` (the record of every command, the reviewer's
    judgement included) and what a screening reviewer reads besides: the name's own
    score before context, the weak-alias flag, the entity's source list, the context's
    reasons, each part's evidence, the explanation, whether a reviewer rejected it."""
    return {**match.to_dict(), "score": round(match.score, 6),
            "name_score": round(match.comparison.score, 6), "alias_weak": match.alias.weak,
            "source": match.entity.source, "context": list(match.context),
            "context_log_odds": round(match.context_log_odds, 3),
            "parts": _parts(match), "explanation": match.explain(),
            "rejected": match.rejected}


def screen_record(resolver: Resolver, row: InputRow, options: dict[str, Any]) -> dict[str, Any]:
    """The output record of one input row."""
    number, text, name, year, country, error = row
    record: dict[str, Any] = {"line": number, "input": text, "name": name,
                              "birth_year": year, "country": country}
    if error is None and name is not None:
        try:
            matches = resolver.resolve(name, limit=options["limit"], profile=options["profile"],
                                       threshold=options["threshold"], kind=options["kind"],
                                       birth_year=year, country=country,
                                       judgements=options.get("judgements"),
                                       include_rejected=options.get("show_rejected", False))
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
    hit = any(not h["rejected"] for h in record["hits"])  # a rejected hit is no hit
    flags = (ERROR if "error" in record else 0) | (HIT if hit else 0) | (
        MATCH if any(h["is_match"] for h in record["hits"]) else 0)
    from ._cli import _json  # the CLI's JSON: terminal-unsafe characters escaped

    return _json(record), flags


def _screen_batch(rows: list[InputRow]) -> list[Output]:
    resolver, options = _SHARED["resolver"], _SHARED["options"]
    return [_output(screen_record(resolver, row, options)) for row in rows]


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
    from ._pool import Workers

    try:
        with Workers(multiprocessing.get_context("fork"), workers, _screen_batch) as pool:
            yield from pool.map(rows, BATCH)
    finally:
        gc.unfreeze()
        _SHARED.clear()


# --- output ------------------------------------------------------------------------------


def table_lines(record: dict[str, Any]) -> list[str]:
    """A record as table lines (the command's terminal output)."""
    # The CLI's writer has already escaped the record's strings for the terminal.
    number, shown = record["line"], record["name"] or record["input"]
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
        if h["judgement"] is not None:
            flag = "REJ" if h["rejected"] else flag
            context += f"  [{h['judgement']['describe']}]"
        lines.append(f"{number if rank == 0 else '':>5}  {shown if rank == 0 else '':<26} "
                     f"{h['id'][:30]:<30} {h['score']:>5.3f} {flag:<5}  {h['alias']}{weak}{context}")
    return lines


TABLE_HEAD = f"{'line':>5}  {'input':<26} {'id':<30} {'score':>5} {'match':<5}  alias"


def input_format(path: Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower() if path is not None else ""
    return {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, "lines")


def read_list(path: Path, list_format: str | None, warn: bool = False) -> list[Entity]:
    """The entities of a list in any importable format; with ``warn``, each malformed row
    is a warning on standard error and the others are kept, else the first problems
    stop the command (a DataFileError listing them)."""
    if not warn:
        return read_gazetteer(path, format=list_format)
    problems: list[DataFileError] = []
    entities = read_gazetteer(path, format=list_format, errors=problems.append)
    for problem in problems:
        click.echo(f"aliaskit: warning: {problem} (row left out of the list)", err=True)
    if problems:
        click.echo(f"aliaskit: warning: {len(problems)} malformed list row(s) left out; "
                   f"{len(entities):,} entities read", err=True)
    return entities


def load_list(against: Path | None, index: Path | None, list_format: str | None,
              warn: bool = False) -> Resolver:
    """The resolver to screen against: built from ``against``, or a saved ``index``."""
    if against is not None and index is not None:
        raise click.UsageError("give one list to screen against: --against LIST or --index "
                               "INDEX, not both")
    if against is None and index is None:
        raise click.UsageError("give the list to screen against: --against LIST or --index INDEX")
    if index is not None:
        from ._index import load_index

        return load_index(index)
    assert against is not None
    return Resolver(read_list(against, list_format, warn))


LIST_FORMATS = click.Choice(list(FORMATS))


def summary(counts: dict[str, int]) -> str:
    errors = counts["error"]
    rows = counts["rows"]
    return (f"aliaskit: screened {rows:,} row{'' if rows == 1 else 's'}: {counts['hit']:,} with hits "
            f"({counts['match']:,} with a match), {errors:,} error{'' if errors == 1 else 's'}")


def count(flags: int, counts: dict[str, int]) -> None:
    counts["rows"] += 1
    counts["error"] += bool(flags & ERROR)
    counts["hit"] += bool(flags & HIT)
    counts["match"] += bool(flags & MATCH)


def html_page(records: Sequence[dict[str, Any]], title: str, run: str = "") -> str:
    from ._html import review_page

    return review_page(records, title, run)
