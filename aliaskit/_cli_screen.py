"""The ``screen`` and ``index`` commands (the screening work is in _screen and _index).

They use the CLI's shared output (``--format table|jsonl|json|csv``, one record shape)
and per-row error accounting, so this module is loaded by _cli after those are defined.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from ._cli import (
    INPUT_FILE,
    INPUT_OR_STDIN,
    Record,
    _Batch,
    _check_encoding,
    _chosen_profile,
    _load_judgements,
    _View,
    _Writer,
    cli,
    input_files,
    input_files_or_stdin,
    input_options,
    judgement_options,
    no_stdout,
    output_options,
    stdout_to_devnull,
    utc_minute,
)
from ._errors import AliaskitError, DataFileError
from ._files import write_file
from ._index import build_index, compact_file, read_ids, update_file
from ._screen import (
    ERROR,
    LIST_FORMATS,
    TABLE_HEAD,
    InputRow,
    count,
    html_page,
    input_format,
    load_list,
    read_inputs,
    read_list,
    screen_records,
    summary,
    table_lines,
)

# --- screen ----------------------------------------------------------------------------


def _run_line(chosen: Any, threshold: float | None, limit: int, judgements_path: Path | None
              ) -> str:
    """How the screening was run, for the review page: what a reviewer's record needs."""
    from ._compare import _profile

    profile = _profile(chosen)
    cut = (f"threshold {threshold:g} (--threshold)" if threshold is not None
           else f"threshold {profile.threshold:g}")
    return (f"Screened {utc_minute()} with profile "
            f"{profile.name!r}, {cut}, at most {limit} hits a row; judgements: "
            f"{judgements_path if judgements_path is not None else 'none'}.")


_HIT_COLUMNS = ["id", "name", "kind", "score", "name_score", "is_match", "ambiguous",
                "alternatives", "alias", "alias_origin", "alias_weak", "source", "context",
                "context_log_odds", "layer", "layer_source", "rejected", "judgement"]


def _screen_rows(record: Record) -> Iterator[Record]:
    """CSV: one row per hit (the input's fields repeated), one row for an input without."""
    head = {"line": record["line"], "input": record["input"], "query": record["name"],
            "birth_year": record["birth_year"], "country": record["country"],
            "error": record.get("error")}
    if not record["hits"]:
        yield head
    for rank, hit in enumerate(record["hits"], start=1):
        yield {**head, "rank": rank, **hit}


SCREEN_VIEW = _View(
    ["line", "input", "query", "birth_year", "country", "rank", *_HIT_COLUMNS, "error",
     "explanation"],
    table_lines, header=TABLE_HEAD, rows=_screen_rows)

list_format_option = click.option(
    "--list-format", type=LIST_FORMATS, default=None,
    help="Format of the list when its name does not tell.")
list_errors_option = click.option(
    "--list-errors", type=click.Choice(["stop", "warn"]), default="stop", show_default=True,
    help="A list with malformed rows: stop, listing them, or warn about each on standard "
         "error and go on with the rest.")


@click.command("screen")
@click.argument("names", type=INPUT_OR_STDIN, callback=input_files_or_stdin)
@click.option("--against", type=INPUT_FILE, callback=input_files, metavar="FILE",
              help="The list to screen against: a gazetteer or published list in any "
                   "importable format (see --list-format).")
@click.option("--index", "index_path", type=INPUT_FILE, callback=input_files, metavar="FILE",
              help="A saved index (aliaskit index build) instead of --against.")
@list_format_option
@list_errors_option
@click.option("--input-format", "input_format_", type=click.Choice(["lines", "csv", "jsonl"]), default=None,
              help="NAMES as one name a line, CSV with a header, or JSON Lines with name, "
                   "birth_year, country; default from the file extension (.csv, .jsonl).")
@click.option("--name-column", default="name", show_default=True, help="CSV column of the names.")
@click.option("--kind", type=click.Choice(["person", "place", "org"]), help="Only entities of this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="Hits per input row (at least 6 candidates are compared; a larger limit "
                   "compares more, and may find a better first hit among them).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="List every candidate scoring at least this much (is_match says which "
                   "are matches); default: matches and partial names only.")
@click.option("--profile", default="default", show_default=True,
              help="Decision profile: default, screening (recall first) or dedupe, or a "
                   "profile file written by `aliaskit calibrate`.")
@judgement_options
@click.option("--show-rejected", is_flag=True,
              help="Also list the hits reviewers rejected (--judgements), marked as such; "
                   "they never count as hits or matches.")
@output_options()
@click.option("--html", "html_path", type=click.Path(path_type=Path, dir_okay=False),
              callback=no_stdout, help="Also write a self-contained review page to this file.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes; they share the index built once. Output stays in input order.")
@input_options
def screen_cmd(names: Path, against: Path | None, index_path: Path | None,
               list_format: str | None, list_errors: str, input_format_: str | None, name_column: str,
               kind: str | None, limit: int, threshold: float | None, profile: str,
               judgements_path: Path | None, latest_wins: bool, show_rejected: bool,
               fmt: str, html_path: Path | None, workers: int, encoding: str, errors: str
               ) -> None:
    """Screen every row of NAMES ('-' for standard input) against a list.

    Each input row gets one record, in order: line, input, name, birth_year, country,
    and its ranked hits (Match.to_dict(): id, name, kind, score, is_match, ambiguous,
    the alias that hit...; with name_score, alias_weak, source, context, parts and the
    explanation), or the reason it could not be screened (then an error line on standard
    error, and exit code 1). In CSV, one row per hit. A JSON Lines input row may carry
    birth_year and country: a hit born years apart, or of another country, scores
    lower. A summary line goes to standard error.

    With --judgements, reviewers' decisions hold: a pair judged different is never a
    hit (--show-rejected lists it, marked "rejected by <user> on <date>"), a pair
    judged the same always is; each hit's record carries its judgement.

    \b
    Examples:
      $ aliaskit screen customers.csv --against entities.ftm.json --html review.html
      $ aliaskit screen names.txt --against sdn.csv --threshold 0.3 --jsonl > hits.jsonl
      $ aliaskit screen people.jsonl --index sanctions.idx --workers 2 --csv
      $ aliaskit screen names.txt --against sdn.csv --judgements judgements.jsonl
    """
    chosen = _chosen_profile(profile)
    judgements = _load_judgements(judgements_path, latest_wins)
    path = None if str(names) == "-" else names
    if path is not None and not path.exists():
        raise DataFileError("file not found", path=str(path))
    in_fmt = input_format(path, input_format_)
    if html_path is not None and not html_path.parent.is_dir():
        # Said before the screening, not after its records are written.
        raise AliaskitError(f"{html_path}: no such directory {str(html_path.parent)!r}")
    resolver = load_list(against, index_path, list_format, warn=list_errors == "warn")
    # The workers are forked after this: they inherit the profile and the judgements.
    options = {"limit": limit, "profile": chosen, "threshold": threshold, "kind": kind,
               "judgements": judgements, "show_rejected": show_rejected}
    _check_encoding(encoding)
    rows: Iterable[InputRow] = read_inputs(path, in_fmt, name_column, encoding=encoding,
                                           errors=errors)
    total = None
    # A bar on the terminal for a long input file. When the table goes to the same
    # terminal, the bar's line is cleared before each row is written and drawn again
    # after it, so that it stays below the rows instead of being written into them.
    shared = sys.stdout.isatty()
    if sys.stderr.isatty() and path is not None:
        with path.open("rb") as handle:
            total = sum(1 for _ in handle)
    counts = {"rows": 0, "hit": 0, "match": 0, "error": 0}
    kept: list[dict[str, Any]] = []
    records = screen_records(resolver, rows, options, workers)
    out, batch = _Writer(fmt, SCREEN_VIEW), _Batch()
    needed = fmt in ("table", "csv") or html_path is not None
    # (show_pos: the bar's text changes with every row, so click draws it again each time.)
    bar = click.progressbar(length=total, file=sys.stderr, label="screening",
                            show_pos=True) if total and total > 1000 else None
    reading = True  # standard output still has a reader
    try:
        for text, flags in records:
            count(flags, counts)
            record = json.loads(text) if needed or flags & ERROR else {}
            if bar is not None and (shared or flags & ERROR):
                click.echo("\r\033[K", err=True, nl=False)  # rows and messages on lines of their own
            if reading:
                try:
                    out.write(record, text)
                except BrokenPipeError:
                    if html_path is None:
                        raise  # the reader went away: stop quietly (cli._run)
                    # The review page is an output of its own: the rows go on to it.
                    reading = False
                    stdout_to_devnull()
            if html_path is not None:
                kept.append(record)
            batch.row(f"line {record['line']}" if record else "", record.get("error"))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.render_finish()
    try:
        out.close()
    except BrokenPipeError:
        if html_path is None:
            raise
        stdout_to_devnull()
    if html_path is not None:
        title = f"{path.name if path else 'stdin'} against {(against or index_path).name}"  # type: ignore[union-attr]
        page = html_page(kept, title, _run_line(chosen, threshold, limit, judgements_path)
                         ).encode("utf-8")
        # Interrupted (killed, disk full), the old page is kept rather than half a new one.
        write_file(html_path, lambda handle: handle.write(page))
    click.echo(summary(counts), err=True)
    batch.finish()


cli.add_command(screen_cmd)


# --- index -----------------------------------------------------------------------------


def _index_table(record: Record) -> Iterator[str]:
    delta = ""
    if "added" in record:
        delta = (f" (+{record['added']:,} added, {record['replaced']:,} replaced, "
                 f"-{record['removed']:,} removed)")
    updates = f", {record['updates']:,} update(s) appended" if record.get("updates") else ""
    yield (f"{record['index']}: {record['entities']:,} entities, {record['aliases']:,} names"
           f"{delta}; {record['bytes']:,} bytes{updates}")


INDEX_VIEW = _View(["index", "source", "entities", "aliases", "added", "replaced", "removed",
                    "bytes", "updates"], _index_table)


def _write_record(fmt: str, record: Record) -> None:
    out = _Writer(fmt, INDEX_VIEW)
    out.write(record)
    out.close()


@cli.group("index")
def index_group() -> None:
    """Saved indexes: build one from a list, update it by delta, screen with --index.

    An index is a binary file of data only (no pickle), versioned and checksummed; it
    is refused, with the reason on one line, when it is corrupt, of another format
    version, or stale (written by another aliaskit version or with other bundled
    data): rebuild it then. Each command writes one record: index, source, entities,
    aliases, bytes, updates (the updates appended since the file was last written
    whole; for update also: added, replaced, removed).
    """


@index_group.command("build")
@click.argument("list_path", metavar="LIST", type=INPUT_FILE, callback=input_files)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              callback=no_stdout,
              help="The index file to write (replaced whole: written aside, then renamed).")
@list_format_option
@list_errors_option
@output_options()
def index_build_cmd(list_path: Path, output: Path, list_format: str | None, list_errors: str,
                    fmt: str) -> None:
    """Build an index from LIST (any importable format, as for screen --against).

    \b
    Example:
      $ aliaskit index build entities.ftm.json -o sanctions.idx
      $ aliaskit screen customers.csv --index sanctions.idx
    """
    index = build_index(read_list(list_path, list_format, warn=list_errors == "warn"))
    index.save(output)
    _write_record(fmt, {"index": str(output), "source": str(list_path), "entities": len(index),
                        "aliases": index.alias_count, "bytes": output.stat().st_size,
                        "updates": 0})


def _split_ids(values: Iterable[str]) -> list[str]:
    return [i.strip() for value in values for i in value.split(",") if i.strip()]


@index_group.command("update")
@click.argument("index_path", metavar="INDEX", type=INPUT_FILE, callback=input_files)
@click.option("--add", "add_paths", multiple=True, type=INPUT_FILE, callback=input_files,
              metavar="FILE",
              help="A list of entities to add (any importable format; repeatable). An "
                   "entity whose id the index has replaces it.")
@click.option("--remove", "remove_ids", multiple=True, metavar="IDS",
              help="Ids of entities to remove, comma-separated (repeatable).")
@click.option("--remove-file", "remove_files", multiple=True,
              type=INPUT_FILE, callback=input_files, metavar="FILE",
              help="A file of ids to remove, one a line (# comments, also after an id; repeatable).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), callback=no_stdout,
              help="Write the updated index here (a copy of INDEX with the update "
                   "appended, written aside, then renamed); default: append to INDEX.")
@click.option("--compact", is_flag=True,
              help="Rewrite the index whole instead of appending the update (as "
                   "`index compact` does).")
@list_format_option
@list_errors_option
@output_options()
def index_update_cmd(index_path: Path, add_paths: tuple[Path, ...], remove_ids: tuple[str, ...],
                     remove_files: tuple[Path, ...], output: Path | None, compact: bool,
                     list_format: str | None, list_errors: str, fmt: str) -> None:
    """Update INDEX by delta: remove entities by id, add (or replace) others.

    Removals apply first, then additions. The update is appended to the file (its
    cost is the delta's, not the index's), and replayed when the index is loaded: the
    updated index answers exactly as one built from scratch from the same entities.
    Once the appended updates hold more than 5% of the entities, the file is
    rewritten whole (see `index compact`). An id to remove that the index does not
    have is an error, and nothing is written.

    \b
    Examples:
      $ aliaskit index update sanctions.idx --add new.ftm.json --remove-file delisted.txt
      $ aliaskit index update sanctions.idx --remove p12,p13 -o sanctions-2.idx
    """
    if not (add_paths or remove_ids or remove_files):
        raise click.UsageError("nothing to update: give --add, --remove or --remove-file")
    gone = _split_ids(remove_ids)
    for path in remove_files:
        gone += read_ids(path)
    new = [e for path in add_paths
           for e in read_list(path, list_format, warn=list_errors == "warn")]
    if not (gone or new):
        raise click.UsageError("nothing to update: no id to remove and no entity to add")
    done = update_file(index_path, add=new, remove=gone, output=output, compact=compact)
    if done.dropped:
        click.echo(f"aliaskit: warning: {index_path}: dropped {done.dropped:,} bytes of an "
                   "interrupted update", err=True)
    target = output or index_path
    _write_record(fmt, {"index": str(target), "source": str(index_path),
                        "entities": done.entities, "aliases": done.aliases,
                        "added": done.delta.added, "replaced": done.delta.replaced,
                        "removed": done.delta.removed, "bytes": target.stat().st_size,
                        "updates": done.segments})


@index_group.command("compact")
@click.argument("index_path", metavar="INDEX", type=INPUT_FILE, callback=input_files)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), callback=no_stdout,
              help="Write the compacted index here; default: replace INDEX (written aside, "
                   "then renamed).")
@output_options()
def index_compact_cmd(index_path: Path, output: Path | None, fmt: str) -> None:
    """Rewrite INDEX whole, with the updates appended to it applied.

    The result is the file `index build` writes from the same entities, and loads a
    little faster. `index update` compacts by itself once the appended updates hold
    more than 5% of the entities.

    \b
    Example:
      $ aliaskit index compact sanctions.idx
    """
    index = compact_file(index_path, output)
    target = output or index_path
    _write_record(fmt, {"index": str(target), "source": str(index_path), "entities": len(index),
                        "aliases": index.alias_count, "bytes": target.stat().st_size,
                        "updates": 0})
