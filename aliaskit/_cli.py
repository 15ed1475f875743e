"""The ``aliaskit`` command line: a thin layer over the Python API.

Every command that gives results writes them in one of four formats chosen the same way
(``--format table|jsonl|json|csv``; a table on a terminal, JSON Lines otherwise), from
one record per result: the ``to_dict()`` of aliaskit's result classes. Messages go to
standard error, one line each, escaped. Exit codes: 0 success, 1 some input could not be
processed (or bad data), 2 bad usage. ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import attrs
import click

from . import __version__
from ._cluster import cluster
from ._compare import Profile, compare, load_profile
from ._display import _is_unsafe, _nothing_unsafe, visible
from ._errors import AliaskitError, DataFileError, InvalidNameError
from ._files import write_file
from ._gazetteer import (
    RowError,
    csv_header,
    csv_record,
    csv_rows,
    decoded_lines,
    field_count_error,
    join_cell,
    read_gazetteer,
)
from ._judgements import Judgement, Judgements
from ._judgements import now as judgement_now
from ._keys import metaphone_key, nysiis_key, phonetic_key
from ._lines import byte_lines, line_and_column, marked_encoding, read_lines, split_lines, wide_text
from ._normalize import name_parts, normalize
from ._pool import Terminated, handle_sigterm
from ._resolve import Resolver, bundled_layers, merge_layers
from ._types import Entity, Layer

F = TypeVar("F", bound=Callable[..., Any])
Record = dict[str, Any]

# --- what the terminal shows: aliaskit/_display.py ----------------------------------


def _for_table(value: Any, key: str = "") -> Any:
    """A record with every string made :func:`visible` (explanations keep their lines)."""
    if isinstance(value, str):
        if key == "explanation":
            return "\n".join(visible(line) for line in value.split("\n"))
        return visible(value)
    if isinstance(value, dict):
        return {k: _for_table(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_table(v, key) for v in value]
    return value


def _json_char(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _json(value: Any) -> str:
    """JSON text of ``value``, UTF-8 as is but the characters :func:`visible` escapes, which
    are written as JSON escapes (the same string once parsed)."""
    text = json.dumps(value, ensure_ascii=False)
    if _nothing_unsafe(text):
        return text
    return "".join(_json_char(c) if _is_unsafe(c) else c for c in text)


# --- output: one writer for every command --------------------------------------------

FORMATS = ("table", "jsonl", "json", "csv")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv_line(cells: Sequence[str]) -> str:
    """One CSV record (gazetteer.csv_record: its quoting), with its line end."""
    return csv_record(cells) + "\n"


class _View:
    """How a command's records look: ``columns`` and ``rows`` for CSV (one record can
    give several rows), ``table`` for people (lines from a record whose strings are
    already escaped), ``header`` above the table."""

    def __init__(self, columns: Sequence[str], table: Callable[[Record], Iterable[str]],
                 header: str | None = None,
                 rows: Callable[[Record], Iterable[Record]] | None = None) -> None:
        self.columns = list(columns)
        self.table = table
        self.header = header
        self.rows = rows or (lambda record: [record])


class _Writer:
    """Writes records in the chosen format, streaming: json is one array, written as the
    records come."""

    def __init__(self, fmt: str, view: _View) -> None:
        self.fmt, self.view = fmt, view
        self.count = 0

    def write(self, record: Record, text: str | None = None) -> None:
        """Write one record; ``text``, when given, is its JSON as :func:`_json` writes it
        (made elsewhere, by a worker): JSON output uses it as is, and then ``record``
        is only read for tables and CSV."""
        first = self.count == 0
        self.count += 1
        if self.fmt == "jsonl":
            click.echo(_json(record) if text is None else text)
        elif self.fmt == "json":
            click.echo(("[\n" if first else ",\n") + (_json(record) if text is None else text),
                       nl=False)
        elif self.fmt == "csv":
            if first:
                sys.stdout.write(_csv_line(self.view.columns))
            for row in self.view.rows(record):
                sys.stdout.write(_csv_line([_csv_cell(row.get(c)) for c in self.view.columns]))
        else:
            if first and self.view.header is not None:
                click.echo(self.view.header)
            for line in self.view.table(_for_table(record)):
                click.echo(line)

    def close(self) -> None:
        if self.fmt == "json":
            click.echo("[]" if self.count == 0 else "\n]")
        elif self.fmt == "csv" and self.count == 0:
            sys.stdout.write(_csv_line(self.view.columns))


def output_options(*extra: str) -> Callable[[F], F]:
    """--format (table, jsonl, json, csv and ``extra``) and its short forms --jsonl,
    --json, --csv; the command gets ``fmt``, the format chosen."""

    def decorator(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, fmt: tuple[str, ...], as_jsonl: bool, as_json: bool,
                    as_csv: bool, **kwargs: Any) -> Any:
            chosen = {name for name, flag in (("jsonl", as_jsonl), ("json", as_json),
                                              ("csv", as_csv)) if flag}
            # Given twice (--format table --format csv), as with --csv --jsonl: not the
            # last one silently.
            chosen.update(fmt)
            if len(chosen) > 1:
                raise click.UsageError(f"choose one output format, not {' and '.join(sorted(chosen))}")
            default = "table" if sys.stdout.isatty() else "jsonl"
            return fn(*args, fmt=chosen.pop() if chosen else default, **kwargs)

        options = [
            click.option("--format", "fmt", type=click.Choice([*FORMATS, *extra]), multiple=True,
                         help="table: for people (the default on a terminal); jsonl: one JSON "
                              "record per line (the default otherwise); json: one JSON array of "
                              "the same records; csv: a header, then the records' fields"
                              + (f"; {', '.join(extra)}" if extra else "") + "."),
            click.option("--jsonl", "as_jsonl", is_flag=True, help="Same as --format jsonl."),
            click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
            click.option("--csv", "as_csv", is_flag=True, help="Same as --format csv."),
        ]
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorator


def input_options(fn: F) -> F:
    """--encoding and --errors for commands that read text."""
    fn = click.option("--errors", type=click.Choice(["strict", "replace"]), default="strict",
                      show_default=True,
                      help="Input that is not valid in the encoding: strict makes it an error "
                           "(of its line or CSV row, or of the whole file for link), replace "
                           "replaces the bad bytes with U+FFFD.")(fn)
    fn = click.option("--encoding", default="utf-8", show_default=True,
                      help="Encoding of the input.")(fn)
    return fn


# A file a command reads: said to be missing or a directory on one line, exit 1, as
# when reading it fails (it is a problem with the file, not with how the command was
# typed: no usage block).
# Checked by input_files, not by click: a file that cannot be read is one line and exit
# code 1 from every command, as when reading it fails, not click's usage block (exit 2).
INPUT_FILE = click.Path(path_type=Path, readable=False)
INPUT_OR_STDIN = click.Path(path_type=Path, readable=False, allow_dash=True)


def no_stdin(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The callback of a file option or argument that is read by name (its format told by
    its suffix, or read more than once): "-" is refused on one line, rather than looked
    for as a file called "-"."""
    for path in value if isinstance(value, tuple) else [] if value is None else [value]:
        if str(path) == "-":
            raise click.BadParameter("reads a file, not standard input ('-'): save the "
                                     "input to a file and give its path", ctx=ctx, param=param)
    return value


def stdout_to_devnull() -> None:
    """Let go of standard output (its reader went away, or it cannot be written), so that
    writing and flushing it again, at exit too, cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def utc_minute() -> str:
    """Now, as a written output says when it was made: "2026-12-08 01:55 UTC"."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def no_stdout(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The callback of an option naming a file to write: "-" is refused on one line,
    rather than written as a file called "-" (standard output holds the records)."""
    if value is not None and str(value) == "-":
        raise click.BadParameter("writes a file, not standard output ('-'): give its path",
                                 ctx=ctx, param=param)
    return value


def input_files(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The callback of an INPUT_FILE option or argument (one path, several, or None)."""
    no_stdin(ctx, param, value)
    return input_files_or_stdin(ctx, param, value)


def input_files_or_stdin(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The callback of an INPUT_OR_STDIN argument: as input_files, "-" allowed."""
    for path in value if isinstance(value, tuple) else [] if value is None else [value]:
        if str(path) == "-":
            continue
        if path.is_dir():
            raise DataFileError("is a directory, not a file", path=str(path))
        if not path.exists():
            raise DataFileError("file not found", path=str(path))
        if not os.access(path, os.R_OK):
            raise DataFileError("permission denied", path=str(path))
    return value


def judgement_options(fn: F) -> F:
    """--judgements and --latest-wins for commands that honour reviewers' decisions."""
    fn = click.option("--latest-wins", is_flag=True,
                      help="Where judgements of one pair conflict, apply the latest "
                           "(default: apply none and warn).")(fn)
    fn = click.option("--judgements", "judgements_path", type=INPUT_FILE, callback=input_files,
                      metavar="FILE",
                      help="Reviewers' decisions (JSON Lines, see `aliaskit judge`): pairs "
                           "judged different never match, pairs judged the same always do.")(fn)
    return fn



# --- messages ------------------------------------------------------------------------


def _message(text: str) -> None:
    # A message listing several problems (a file's malformed rows) has one per line.
    for line in text.split("\n"):
        click.echo(f"aliaskit: {visible(line)}", err=True)


class _Progress:
    """A line count on standard error while a long batch runs; only on a terminal."""

    def __init__(self) -> None:
        # Only when the output goes elsewhere: on the terminal, the records themselves
        # show the progress, and a count between them would be written into their lines.
        self.enabled = sys.stderr.isatty() and not sys.stdout.isatty()
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
            self.shown = self.start


class _Batch:
    """Accounts for a batch: one line on standard error per failed row (or file), a
    summary when more than one failed, and exit code 1 if any did."""

    def __init__(self, unit: str = "line", progress: bool = False) -> None:
        self.unit = unit
        self.total = 0
        self.failed: list[str] = []
        self.first = ""
        self.progress = _Progress() if progress else None

    def row(self, where: str, error: str | None) -> None:
        self.total += 1
        if error is not None:
            if self.progress is not None:
                self.progress.close()
            message = f"{where}: {error}" if where else error
            _message(message)
            self.failed.append(where)
            if len(self.failed) == 1:
                self.first = message
        if self.progress is not None:
            self.progress.tick()

    def finish(self) -> None:
        if self.progress is not None:
            self.progress.close()
        failed = len(self.failed)
        if failed > 1:
            units = f"{self.unit}s" if self.total != 1 else self.unit
            if self.unit == "file":
                _message(f"{failed:,} of {self.total:,} {units} failed: " + ", ".join(self.failed))
            else:
                _message(f"{failed:,} of {self.total:,} {units} failed; first: {self.first}")
        if failed:
            raise SystemExit(1)


# --- input ---------------------------------------------------------------------------


def _check_encoding(encoding: str) -> None:
    try:
        "".encode(encoding)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None


Item = tuple[int, str, str | None]


def _argument_error(text: str) -> str | None:
    """Why a command-line argument is not a usable name, if it holds bytes that are not
    UTF-8 (Python passes them on as surrogate escapes)."""
    raw = text.encode("utf-8", errors="surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid utf-8 (byte {exc.start + 1})"
    return None


def _shown_argument(text: str) -> str:
    """An argument as the input of its record: bytes that are not UTF-8 as escapes, as
    for a line of standard input."""
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")


def _argument(text: str, what: str) -> str:
    """An argument that must be text (a name, an id, a note): a usage error if not."""
    problem = _argument_error(text)
    if problem is not None:
        raise click.BadParameter(problem, param_hint=what)
    return text


def _inputs(names: tuple[str, ...], encoding: str = "utf-8", errors: str = "strict"
            ) -> Iterator[Item]:
    """(line number from 1, name, error or None) for the arguments, else for every line of
    standard input (also read when the one argument is "-", as by cat and the commands
    that take a FILE: never a name, which needs a letter). A "-" among other names
    stands for the lines of standard input, in its place, as cat reads it (once);
    numbers then run on across the names and lines."""
    dash = names == ("-",)  # asked for: read even from a terminal, as cat does
    _check_encoding(encoding)  # a bad --encoding is bad usage, whatever it would read
    if names and not dash:
        number, read = 0, False
        for name in names:
            if name == "-":
                if not read and sys.stdin is not None:
                    read = True
                    for _, line, problem in _decoded_items(sys.stdin.buffer, encoding, errors,
                                                           "<stdin>"):
                        number += 1
                        yield number, line, problem
                continue
            number += 1
            problem = _argument_error(name)
            yield number, _shown_argument(name) if problem else name, problem
        return
    if sys.stdin is None or (sys.stdin.isatty() and not dash):
        raise click.UsageError("give names as arguments or one per line on standard input")
    yield from _decoded_items(sys.stdin.buffer, encoding, errors, "<stdin>")


def _decoded_items(handle: BinaryIO, encoding: str, errors: str, name: str) -> Iterator[Item]:
    """(line number from 1, text, error or None) for every line of a file of names (or
    standard input), read by the reader of every line of a user's file."""
    for number, line in decoded_lines(handle, encoding, errors, name, "--encoding"):
        if not isinstance(line, RowError):
            yield number, line, None
        else:
            yield number, line.text, _line_problem(line, encoding)


def _line_problem(error: RowError, encoding: str) -> str:
    """What is wrong with a line of names (or a CSV row of them) that could not be read,
    said the same way by every command that reads them."""
    if error.byte is not None:
        return f"not valid {encoding} (byte {error.byte}); use --encoding, or --errors replace"
    return str(error)


def _colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _style(text: str, **styles: Any) -> str:
    return click.style(text, **styles) if _colour() else text


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _record(number: int, name: str, field: str, value: Any, error: str | None) -> Record:
    record: Record = {"line": number, "input": name, field: value}
    if error is not None:
        record["error"] = error
    return record


def _batch(names: tuple[str, ...], fmt: str, fn: Callable[[str], Any], field: str,
           table: Callable[[Any], str], encoding: str, errors: str) -> None:
    """Run ``fn`` on every input: one record per input line, errors included."""
    view = _View(["line", "input", field, "error"],
                 lambda r: ["" if "error" in r else table(r[field])])
    out, batch = _Writer(fmt, view), _Batch()
    for number, name, error in _inputs(names, encoding, errors):
        value = None
        if error is None:
            try:
                value = fn(name)
            except AliaskitError as exc:
                error = str(exc)
        out.write(_record(number, name, field, value, error))
        batch.row(f"line {number}", error)
    out.close()
    batch.finish()


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

    Names come as arguments or one per line on standard input (no arguments, or "-").
    Every input line gives exactly one output record, in input order, on standard
    output: a table on a terminal, JSON Lines otherwise (--format table|jsonl|json|csv
    on every command).
    Errors go to standard error, one line each, and a summary when more than one row
    failed. Exit codes: 0 success, 1 some input failed (or bad data), 2 bad usage.
    """
    ctx.obj = {"debug": debug}


KIND = click.Choice(["person", "place", "org"])


@cli.command("normalize")
@click.argument("names", nargs=-1)
@output_options()
@input_options
def normalize_cmd(names: tuple[str, ...], fmt: str, encoding: str, errors: str) -> None:
    """Print the normalised form of each NAME (or of each line of standard input).

    Records: line, input, normalized (null and an error on failure).

    \b
    Example:
      $ aliaskit normalize "Ḥusām al-Dīn" "امیر خان متقی"
      husamaldin
      amir khan muttaqi
    """
    _batch(names, fmt, normalize, "normalized", str, encoding, errors)


@cli.command("key")
@click.argument("names", nargs=-1)
@click.option("--scheme", type=click.Choice(["aliaskit", "metaphone", "nysiis"]),
              default="aliaskit", show_default=True,
              help="aliaskit's transliteration-aware key, or jellyfish's encoders.")
@output_options()
@input_options
def key_cmd(names: tuple[str, ...], scheme: str, fmt: str, encoding: str, errors: str) -> None:
    """Print the phonetic key of each NAME, one key per name part.

    Records: line, input, key (null and an error on failure).

    \b
    Example:
      $ aliaskit key Muttaqi Mottaki متقی
      MTK
      MTK
      MTK
    """
    fn = {"aliaskit": phonetic_key, "metaphone": metaphone_key, "nysiis": nysiis_key}[scheme]
    _batch(names, fmt, fn, "key", str, encoding, errors)


@cli.command("parts")
@click.argument("names", nargs=-1)
@output_options()
@input_options
def parts_cmd(names: tuple[str, ...], fmt: str, encoding: str, errors: str) -> None:
    """Show the parts of each NAME with their roles (title, name, connector, particle).

    Records: line, input, parts (a list of text, role, original, start, end, script;
    in CSV as JSON).

    \b
    Example:
      $ aliaskit parts "Mullah Abdul Qahar Balkhi"
      mullah:title abdulqahar:name balkhi:name
    """
    _batch(names, fmt, lambda n: [p.to_dict() for p in name_parts(n)], "parts",
           lambda parts: " ".join(f"{p['text']}:{p['role']}" for p in parts), encoding, errors)


# --- resolve -------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def layer_options(fn: F) -> F:
    """--data (repeatable) and --no-bundled: the layers a command answers from."""
    fn = click.option("--no-bundled", "no_bundled", is_flag=True,
                      help="Leave out the bundled layers (seed reference and regional "
                           "layer): answer from the --data lists alone.")(fn)
    return click.option(
        "--data", "data_paths", multiple=True, type=INPUT_FILE, callback=input_files, metavar="FILE",
        help="Your gazetteer (.jsonl or .csv), added as a layer after the bundled ones "
             "(repeatable; same ids merge, see docs/data.md).")(fn)


def _layers(data_paths: tuple[Path, ...], no_bundled: bool) -> list[Layer]:
    if no_bundled and not data_paths:
        raise click.UsageError("--no-bundled needs at least one --data file")
    layers = [] if no_bundled else list(bundled_layers())
    return layers + [Layer(str(path), read_gazetteer(path), str(path)) for path in data_paths]


def _load_resolver(data_paths: tuple[Path, ...], no_bundled: bool = False) -> Resolver:
    return Resolver.from_layers(_layers(data_paths, no_bundled))


def _layer_entities(data_paths: tuple[Path, ...], no_bundled: bool) -> list[Entity]:
    return [entity for entity, _ in merge_layers(_layers(data_paths, no_bundled))]


def _resolve_record(resolver: Resolver, item: Item, options: dict[str, Any]) -> Record:
    number, name, error = item
    record: Record = {"line": number, "input": name, "matches": []}
    if error is None:
        try:
            matches = resolver.resolve(name, kind=options["kind"], limit=options["limit"],
                                       profile=options["profile"], threshold=options["threshold"],
                                       judgements=options.get("judgements"),
                                       include_rejected=options.get("show_rejected", False))
        except AliaskitError as exc:
            error = str(exc)
        else:
            for m in matches:
                match = m.to_dict()
                if options["explain"]:
                    match["explanation"] = m.explain()
                record["matches"].append(match)
    if error is not None:
        record["error"] = error
    return record


def _worker_init(data_paths: tuple[Path, ...], no_bundled: bool, options: dict[str, Any]
                 ) -> None:
    _WORKER["resolver"] = _load_resolver(data_paths, no_bundled)
    _WORKER["options"] = options


def _worker_resolve(items: list[Item]) -> list[Record]:
    return [_resolve_record(_WORKER["resolver"], item, _WORKER["options"]) for item in items]


def _resolve_table(record: Record) -> Iterator[str]:
    number, shown = record["line"], _clip(record["input"], 24)
    if "error" in record:
        yield f"{number:>5}  {shown:<24} " + _style("error: " + record["error"], fg="red")
        return
    if not record["matches"]:
        yield f"{number:>5}  {shown:<24} " + _style("(no match)", dim=True)
    for rank, m in enumerate(record["matches"]):
        ambiguous = _style("yes", fg="yellow", bold=True) if m["ambiguous"] else "no "
        below = "" if m["is_match"] else _style("  (below the threshold)", dim=True)
        if m.get("judgement"):
            below = _style(f"  [{m['judgement']['describe']}]", dim=m["is_match"])
        yield (f"{number:>5}  {shown if rank == 0 else '':<24} {m['id']:<38} "
               f"{m['score']:>5.3f}  {ambiguous}    {m['alias']}{below}")
        if "explanation" in m:
            yield "       " + m["explanation"].replace("\n", "\n       ")


_MATCH_COLUMNS = ["id", "name", "kind", "score", "is_match", "ambiguous", "alternatives",
                  "alias", "alias_origin", "layer", "layer_source"]


def _resolve_rows(record: Record) -> Iterator[Record]:
    head = {"line": record["line"], "input": record["input"], "error": record.get("error")}
    if not record["matches"]:
        yield head
    for rank, match in enumerate(record["matches"], start=1):
        yield {**head, "rank": rank, **match}


RESOLVE_VIEW = _View(
    ["line", "input", "rank", *_MATCH_COLUMNS, "rejected", "judgement", "error", "explanation"],
    _resolve_table, header=f"{'line':>5}  {'input':<24} {'entity':<38} {'score':>5}  ambig  alias",
    rows=_resolve_rows)


@cli.command("resolve")
@click.argument("names", nargs=-1)
@layer_options
@click.option("--kind", type=KIND, help="Only entities of this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=1, show_default=True,
              help="Matches per name.")
@click.option("--profile", default="default", show_default=True,
              help="Decision profile: default, screening (recall first) or dedupe (precision first), "
                   "or a profile file written by `aliaskit calibrate`.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="List every candidate scoring at least this much, matches or not "
                   "(is_match says which), for review; default: matches only.")
@click.option("--explain", is_flag=True, help="Show the alignment behind each match.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes to use; output stays in input order.")
@judgement_options
@click.option("--show-rejected", is_flag=True,
              help="Also list the matches reviewers rejected (--judgements), marked as such.")
@output_options()
@input_options
def resolve_cmd(names: tuple[str, ...], data_paths: tuple[Path, ...], no_bundled: bool,
                kind: str | None, limit: int,
                profile: str, threshold: float | None, explain: bool, workers: int, fmt: str,
                judgements_path: Path | None, latest_wins: bool, show_rejected: bool,
                encoding: str, errors: str) -> None:
    """Resolve each NAME (or each line of standard input) to known entities.

    Every input gives one record: line, input, and its matches (Match.to_dict(): entity
    id, name, kind, score, is_match, ambiguous, alternatives, the alias that matched
    and its mentions; with --explain an explanation), or the reason it could not be
    resolved (error). In CSV, one row per match (rank) without the mentions, or one row
    without a match.

    \b
    Examples:
      $ aliaskit resolve "Amir Khan Mottaki" "Nangahar"
      $ aliaskit resolve --limit 3 < names.txt > resolved.jsonl
      $ aliaskit resolve --data my_gazetteer.csv --kind person "Sirajuddin Haqani"
      $ aliaskit resolve --limit 5 --threshold 0.2 "Tabris"   # runners-up for review
      $ aliaskit resolve --judgements judgements.jsonl --profile my-profile.txt "Massoud"
    """
    options = {"kind": kind, "limit": limit, "profile": _chosen_profile(profile), "explain": explain,
               "threshold": threshold, "judgements": _load_judgements(judgements_path, latest_wins),
               "show_rejected": show_rejected}
    items = _inputs(names, encoding, errors)
    if workers > 1:
        import multiprocessing

        from ._pool import Workers

        pool = Workers(multiprocessing.get_context("spawn"), workers, _worker_resolve,
                       _worker_init, (data_paths, no_bundled, options))
        records: Iterable[Record] = pool.map(items, chunk=64)
    else:
        pool = None
        resolver = _load_resolver(data_paths, no_bundled)
        records = (_resolve_record(resolver, item, options) for item in items)
    out, batch = _Writer(fmt, RESOLVE_VIEW), _Batch(progress=True)
    try:
        for record in records:
            out.write(record)
            batch.row(f"line {record['line']}", record.get("error"))
        out.close()
    finally:
        if batch.progress is not None:
            batch.progress.close()
        if pool is not None:
            pool.close()
    batch.finish()


def _compare_table(record: Record) -> Iterator[str]:
    if record.get("error") is not None:
        yield _style("error: " + record["error"], fg="red")
    elif "explanation" in record:
        yield record["explanation"]
    else:
        yield f"{record['score']:.3f}\t{'match' if record['is_match'] else 'no match'}"


COMPARE_VIEW = _View(["left", "right", "score", "is_match", "profile", "threshold", "kind",
                      "alignment", "explanation", "error"], _compare_table)


@cli.command("compare")
@click.argument("left")
@click.argument("right")
@click.option("--kind", type=KIND, help="Kind of both names.")
@click.option("--profile", default="default", show_default=True,
              help="Decision profile, or a profile file written by `aliaskit calibrate`.")
@click.option("--explain", is_flag=True, help="Show the alignment, one line per name part.")
@output_options()
def compare_cmd(left: str, right: str, kind: str | None, profile: str, explain: bool,
                fmt: str) -> None:
    """Compare two names: score, decision and (with --explain) why.

    The record is Comparison.to_dict(): left, right, score, is_match, profile,
    threshold, kind and the alignment (one entry per name part; in CSV as JSON), with
    --explain also the explanation a table shows.

    \b
    Example:
      $ aliaskit compare "Amir Khan Muttaqi" "امیر خان متقی" --explain
    """
    chosen = _chosen_profile(profile)
    try:
        c = compare(_argument(left, "LEFT"), _argument(right, "RIGHT"),
                    kind=kind, profile=chosen)  # type: ignore[arg-type]
    except InvalidNameError as exc:
        # A record all the same, as every command writes one for a name it cannot use:
        # a pipe into jq reads why, not nothing.
        out = _Writer(fmt, COMPARE_VIEW)
        out.write({"left": left, "right": right, "score": None, "is_match": None,
                   "profile": None, "threshold": None, "kind": kind, "alignment": None,
                   "error": str(exc)})
        out.close()
        raise
    record = c.to_dict()
    if explain:
        record["explanation"] = c.explain()
    out = _Writer(fmt, COMPARE_VIEW)
    out.write(record)
    out.close()


# --- cluster -------------------------------------------------------------------------


def _read_bytes(path: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise AliaskitError(f"{path}: {exc.strerror}") from None


def _read_text_file(path: str, encoding: str, errors: str) -> str:
    """The decoded text of a file ('-' = standard input); errors name the line. A file
    with the byte-order mark of UTF-16 or UTF-32 is read as such, and one in either without
    its mark refused, as every reader of lines does (:func:`decoded_lines`)."""
    _check_encoding(encoding)
    raw = _read_bytes(path)
    encoding = marked_encoding(raw, encoding)
    if b"\0" in raw and byte_lines(encoding):
        # Judged before decoding: UTF-16 without its mark is seldom valid UTF-8 (an
        # Arabic letter's bytes are not), and "not valid utf-8" would hide what it is.
        wide = wide_text(next(read_lines(io.BytesIO(raw)), b""), "--encoding")
        if wide is not None:
            raise AliaskitError(f"{path}: line 1: {wide}")
    try:
        return raw.decode(encoding, errors=errors)
    except UnicodeDecodeError as exc:
        line = (line_and_column(raw, exc.start)[0] if byte_lines(encoding) else
                len(split_lines(raw[: exc.start].decode(encoding, "replace") + "-")))
        raise AliaskitError(f"{path}: line {line}: not valid {encoding}; use --encoding, "
                            "or --errors replace") from None


def _read_names_file(path: str, column: str | None, encoding: str, errors: str) -> list[Item]:
    """(line or row number, name, error) from a text file of lines or a CSV column; '-' = stdin.

    A line that is not valid in the encoding is an error of its own line, or in a CSV
    file of its row, as screen reads one: every row is accounted for."""
    _check_encoding(encoding)
    name = "<stdin>" if path == "-" else path
    if column is None:
        return list(_decoded_items(io.BytesIO(_read_bytes(path)), encoding, errors, name))
    # The CSV reader of gazetteers: a byte-order mark (as Excel writes) is dropped, and a
    # quote left open is an error of its row, not the rest of the file read as one field.
    records = csv_rows(io.BytesIO(_read_bytes(path)), encoding=encoding, errors=errors,
                       name=name, encoding_option="--encoding", blank_lines=True)
    try:
        header = csv_header(records, (column,))
    except RowError as exc:
        raise DataFileError(str(exc), path=str(path), line=1) from None
    if header is None:
        raise DataFileError(f"no header; expected a column {column!r}", path=str(path))
    at = header.index(column)
    rows: list[Item] = []
    for number, row in records:
        if isinstance(row, RowError):
            rows.append((number, "", _line_problem(row, encoding)))
        elif not row:
            rows.append((number, "", "blank line"))
        elif (mismatch := field_count_error(row, header)) is not None:
            rows.append((number, "", str(mismatch)))
        else:
            rows.append((number, row[at], None))
    return rows


def _cluster_table(record: Record) -> Iterator[str]:
    shown = _clip(record["input"], 24)
    if "error" in record:
        yield f"{record['line']:>5}  {shown:<24} " + _style("error: " + record["error"], fg="red")
    else:
        yield (f"{record['line']:>5}  {shown:<24} {record['cluster']:>7}  {record['score']:>5.3f}  "
               f"{record['canonical']}")


CLUSTER_VIEW = _View(["line", "input", "cluster", "canonical", "score", "error"], _cluster_table,
                     header=f"{'line':>5}  {'input':<24} {'cluster':>7}  {'score':>5}  canonical")


@cli.command("cluster")
@click.argument("file")
@click.option("--column", help="Read names from this column of a CSV file (default: one name per line).")
@click.option("--kind", type=KIND, help="Kind of all names.")
@click.option("--profile", default="dedupe", show_default=True,
              help="Decision profile, or a profile file written by `aliaskit calibrate`.")
@judgement_options
@output_options()
@input_options
def cluster_cmd(file: str, column: str | None, kind: str | None, profile: str, fmt: str,
                judgements_path: Path | None, latest_wins: bool, encoding: str, errors: str) -> None:
    """Group the names of FILE ('-' for standard input) into entities.

    Output: one record per input row, in input order: line (the row's line in a CSV
    file), input, cluster (its number, largest cluster first), canonical (the
    cluster's chosen name) and score (against it), or an error.

    \b
    Examples:
      $ aliaskit cluster names.txt
      $ aliaskit cluster --column name --csv people.csv > clusters.csv
      $ aliaskit cluster --judgements judgements.jsonl names.txt
    """
    rows = _read_names_file(file, column, encoding, errors)
    valid: list[str] = []
    problems: dict[int, str] = {}
    for index, (_, name, error) in enumerate(rows):
        if error is None:
            try:
                normalize(name)
            except AliaskitError as exc:
                error = str(exc)
        if error is None:
            valid.append(name)
        else:
            problems[index] = error
    groups = cluster(valid, kind=kind, profile=_chosen_profile(profile),  # type: ignore[arg-type]
                     judgements=_load_judgements(judgements_path, latest_wins))
    by_position: dict[int, tuple[int, str, float]] = {}
    for rank, group in enumerate(groups, start=1):
        for member in group.members:
            for position in member.positions:
                by_position[position] = (rank, group.representative, member.comparison.score)
    out, batch = _Writer(fmt, CLUSTER_VIEW), _Batch()
    position = 0
    for index, (number, name, _) in enumerate(rows):
        record: Record = {"line": number, "input": name, "cluster": None, "canonical": None,
                          "score": None}
        if index in problems:
            record["error"] = problems[index]
        else:
            record["cluster"], record["canonical"], record["score"] = by_position[position]
            position += 1
        out.write(record)
        batch.row(f"line {number}", problems.get(index))
    out.close()
    batch.finish()


# --- the reference data --------------------------------------------------------------


def _entity_rows(record: Record) -> Iterator[Record]:
    # As a gazetteer CSV: --data reads it back (lists separated by |, escaped: join_cell).
    aliases = [a["name"] for a in record["aliases"] if a["name"] != record["name"]]
    yield {**record, "aliases": join_cell(dict.fromkeys(aliases)),
           "birth_dates": join_cell(record.get("birth_dates") or ()),
           "countries": join_cell(record.get("countries") or ())}


def _entity_line(record: Record) -> Iterator[str]:
    mentions = sum(len(a["mentions"]) for a in record["aliases"])
    yield (f"{record['id']:<44} {record['kind'] or '-':<7} {len(record['aliases']):>3} aliases "
           f"{mentions:>4} mentions  {record['name']}")


def _entity_page(record: Record) -> Iterator[str]:
    yield (_style(record["name"], bold=True)
           + f"  ({record['id']}, {record['kind'] or 'kind unknown'})")
    if record["description"]:
        yield f"  {record['description']}"
    for alias in record["aliases"]:
        flag = " [ambiguous: attributed mention by mention]" if alias["ambiguous"] else ""
        note = f" — {alias['note']}" if alias["note"] else ""
        yield f"\n  {alias['name']}  ({alias['origin']}){flag}{note}"
        for m in alias["mentions"]:
            yield f"    {m['source']}:{m['line']} [{m['start']}:{m['end']}]  {m['context']}"
            if m["decision"]:
                yield _style(f"      decision: {m['decision']}", dim=True)


ENTITY_COLUMNS = ["id", "name", "kind", "aliases", "description", "birth_dates", "countries"]
ENTITIES_VIEW = _View(ENTITY_COLUMNS, _entity_line, rows=_entity_rows)
SHOW_VIEW = _View(ENTITY_COLUMNS, _entity_page, rows=_entity_rows)


@cli.command("entities")
@layer_options
@click.option("--kind", type=KIND, help="Only entities of this kind.")
@output_options()
def entities_cmd(data_paths: tuple[Path, ...], no_bundled: bool, kind: str | None, fmt: str) -> None:
    """List the entities of the bundled layers and of each --data list.

    Records: Entity.to_dict() (id, name, kind, description, aliases with their
    mentions), the same as `show`. The CSV is a gazetteer that --data reads back.

    \b
    Example:
      $ aliaskit entities --kind org
    """
    entities = _layer_entities(data_paths, no_bundled)
    out = _Writer(fmt, ENTITIES_VIEW)
    for entity in entities:
        if not kind or entity.kind == kind:
            out.write(entity.to_dict())
    out.close()


def _find_entity(entities: Sequence[Entity], entity_id: str) -> Entity:
    entity = next((e for e in entities if e.id == entity_id), None)
    if entity is None:
        close = [e.id for e in entities if entity_id.split("/")[-1][:4] in e.id][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise AliaskitError(f"no entity {entity_id!r}{hint}")
    return entity


@cli.command("show")
@click.argument("entity_id")
@layer_options
@output_options()
def show_cmd(entity_id: str, data_paths: tuple[Path, ...], no_bundled: bool, fmt: str) -> None:
    """Show one entity: its aliases and where each was seen, with context.

    The record is the entity's, as `entities` writes it.

    \b
    Example:
      $ aliaskit show person/ahmad-massoud
    """
    entities = _layer_entities(data_paths, no_bundled)
    out = _Writer(fmt, SHOW_VIEW)
    out.write(_find_entity(entities, entity_id).to_dict())
    out.close()


# --- link ----------------------------------------------------------------------------

LINK_COLUMNS = ["source", "line", "start", "end", "surface", "entity", "name", "kind", "score",
                "ambiguous", "alternatives", "via", "layer", "layer_source", "error"]


def _link_table(record: Record) -> Iterator[str]:
    source = _clip(record["source"], 28)
    if "error" in record:
        yield f"{source:<28} " + _style("error: " + record["error"], fg="red")
        return
    ambiguous = _style("yes", fg="yellow") if record["ambiguous"] else "no"
    yield (f"{source:<28} {record['line']:>4} {record['start']:>5}-{record['end']:<6}  "
           f"{_clip(record['surface'], 26):<26} {_clip(record['entity'], 38):<38} "
           f"{record['score']:>5.3f}  {ambiguous}")


LINK_VIEW = _View(LINK_COLUMNS, _link_table,
                  header=f"{'source':<28} {'line':>4} {'offsets':>12}  {'mention':<26} "
                         f"{'entity':<38} {'score':>5}  ambig")

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>aliaskit: {title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body {{ font: 16px/1.6 Georgia, serif; max-width: 46em; margin: 2em auto; color: #222; }}
h1 {{ font: bold 1.1em sans-serif; }}
h2 {{ font: bold 1em sans-serif; border-top: 1px solid #ccc; padding-top: 1em; }}
.text {{ white-space: pre-wrap; }}
mark {{ background: #dceefc; border-bottom: 2px solid #2a7ab9; padding: 0 1px; position: relative;
       cursor: help; }}
mark.person {{ background: #e3f5e1; border-bottom-color: #3a8a32; }}
mark.place {{ background: #dceefc; }}
mark.org {{ background: #f3e3f7; border-bottom-color: #8a3aa0; }}
mark.ambiguous {{ background: #fff1c7; border-bottom-color: #c98a00; }}
mark:hover::after {{ content: attr(data-info); position: absolute; left: 0; top: 1.6em; z-index: 1;
       white-space: pre; font: 13px/1.4 sans-serif; background: #333; color: #fff;
       padding: .4em .6em; border-radius: 4px; }}
.legend {{ font: 13px sans-serif; color: #555; }}
.error {{ font: 13px sans-serif; color: #a00; }}
</style></head><body>
{body}
</body></html>
"""

_LEGEND = ("<p class=\"legend\">{count} mentions of {entities} entities linked by aliaskit "
           "{version}.\nHover a highlighted name for its entity, score and alternatives.</p>")


def _html_text(text: str, records: Sequence[Record]) -> str:
    """The text with every mention highlighted, from the mentions' records
    (LinkedMention.to_dict()). Characters that reorder or hide text (a bidi override)
    show as escapes, as on the review page; the text's direction is its own (dir=auto:
    a Persian article reads right to left)."""
    from html import escape as _escape

    from ._display import visible_text

    def escape(text: str) -> str:
        return _escape(visible_text(text))

    pieces = []
    position = 0
    for m in records:
        pieces.append(escape(text[position : m["start"]]))
        info = f"{m['entity']} — {m['name']}\nscore {m['score']:.3f} ({m['via']})"
        if m["ambiguous"]:
            info += ("\nambiguous; alternatives: " + ", ".join(m["alternatives"])
                     if m["alternatives"] else
                     "\nambiguous: a name many people bear, not settled by this text")
        classes = " ".join(c for c in (m["kind"] or "", "ambiguous" if m["ambiguous"] else "") if c)
        pieces.append(f'<mark class="{classes}" data-entity="{escape(m["entity"])}" '
                      f'data-info="{escape(info)}" title="{escape(info)}">'
                      f"{escape(m['surface'])}</mark>")
        position = m["end"]
    pieces.append(escape(text[position:]))
    legend = _LEGEND.format(count=len(records), entities=len({m["entity"] for m in records}),
                            version=__version__)
    return f'{legend}\n<div class="text" dir="auto">{"".join(pieces)}</div>'


def _html_page(pages: Sequence[tuple[str, str | None, Sequence[Record] | str]]) -> str:
    """One page for all the files linked: each file's source, then its text with every
    mention highlighted (or, text None, the error in ``records``' place: a str). One
    file's page has its source as the heading; several files have a section each."""
    from html import escape

    def section(source: str, text: str | None, records: Sequence[Record] | str, tag: str) -> str:
        heading = f"<{tag}>{escape(source)}</{tag}>"
        if text is None or isinstance(records, str):
            return f'{heading}\n<p class="error">{escape(str(records))}</p>'
        return f"{heading}\n{_html_text(text, records)}"

    if len(pages) == 1:
        return _PAGE.format(title=escape(pages[0][0]), body=section(*pages[0], "h1"))
    title = f"{len(pages)} files"
    body = [f"<h1>{title}</h1>"] + [f"<section>\n{section(*page, 'h2')}\n</section>" for page in pages]
    return _PAGE.format(title=title, body="\n".join(body))


@cli.command("link")
@click.argument("files", nargs=-1, required=True)
@layer_options
@output_options("html")
@input_options
@judgement_options
def link_cmd(files: tuple[str, ...], data_paths: tuple[Path, ...], no_bundled: bool, fmt: str,
             encoding: str, errors: str, judgements_path: Path | None, latest_wins: bool) -> None:
    """Find and resolve the entity mentions in each FILE ('-' for standard input).

    One record per mention, in every format (LinkedMention.to_dict(): source, line,
    start, end, surface, entity, name, kind, score, ambiguous, alternatives, via);
    offsets are character offsets into the file's text as decoded. html: one page,
    with every mention highlighted (a section per file when there are several). A file
    that cannot be read or linked gives one record with its source and the error; the
    other files go on.

    \b
    Examples:
      $ aliaskit link article.txt
      $ aliaskit link --jsonl seeds/*.txt > mentions.jsonl
      $ aliaskit link --format html article.txt > article.html
    """
    from ._link import link

    resolver = _load_resolver(data_paths, no_bundled)
    out = None if fmt == "html" else _Writer(fmt, LINK_VIEW)
    pages: list[tuple[str, str | None, Sequence[Record] | str]] = []  # html: one page for all
    batch = _Batch(unit="file")
    judgements = _load_judgements(judgements_path, latest_wins)
    for file in files:
        source = "<stdin>" if file == "-" else file  # as given: two a.txt stay apart
        try:
            text = _read_text_file(file, encoding, errors)
            try:
                records = [m.to_dict() for m in link(text, resolver=resolver, source=source,
                                                          judgements=judgements)]
            except AliaskitError as exc:
                raise AliaskitError(f"{file}: {exc}") from None
        except AliaskitError as exc:
            batch.row(file, str(exc).removeprefix(f"{file}: "))
            if out is not None:
                out.write({**dict.fromkeys(LINK_COLUMNS), "source": source, "error": str(exc)})
            else:
                pages.append((source, None, str(exc).removeprefix(f"{file}: ")))
            continue
        batch.row(file, None)
        if out is None:
            pages.append((source, text, records))
        else:
            for record in records:
                out.write(record)
    if out is not None:
        out.close()
    elif pages:  # every file failed: a page of their errors all the same
        click.echo(_html_page(pages), nl=False)
    batch.finish()


# --- review: judgements and calibration ----------------------------------------------


def _chosen_profile(value: str) -> str | Profile:
    """A bundled profile's name as is, else the profile of the file ``value``."""
    from ._compare import _profile
    from ._data import profiles

    # A path that exists is read, whatever it is: a directory or an unreadable file is
    # then said on one line, as for any file the command reads.
    if value in profiles() or not Path(value).exists():
        try:
            _profile(value)  # fail early on an unknown profile
        except AliaskitError as exc:
            raise click.BadParameter(str(exc), param_hint="--profile") from None
        return value
    return load_profile(value)


def _load_judgements(path: Path | None, latest_wins: bool) -> Judgements | None:
    """The judgements file's decisions; malformed lines and conflicts are warned about."""
    if path is None:
        return None
    judgements = Judgements.load(path, latest_wins=latest_wins)
    for error in judgements.errors:
        click.echo(f"aliaskit: warning: {error} (line not applied)", err=True)
    if judgements.conflicts:
        what = "the latest applied" if latest_wins else "none applied; --latest-wins applies the latest"
        click.echo(f"aliaskit: warning: {path}: {len(judgements.conflicts)} pair(s) with conflicting "
                   f"judgements ({what}); see `aliaskit judgements {path}`", err=True)
    return judgements


def _judgements_table(record: Record) -> Iterator[str]:
    status = record["status"]
    if status == "malformed":
        yield f"{record['line']:>5}  " + _style(f"{status:<10} {record['error']}", fg="red")
        return
    shown = _style(f"{status:<10}", fg="red", bold=True) if status == "conflict" else f"{status:<10}"
    context = ", ".join(f"{label} {record[field]}" for field, label in
                        (("birth_year", "birth year"), ("country", "country"))
                        if record[field] is not None)
    yield (f"{record['line'] or '':>5}  {shown} {record['judgement']:<9}  "
           f"{_clip(record['left'], 26):<26} {_clip(record['right'], 30):<30} "
           f"{_clip(record['user'], 10):<10} {record['time'][:10]:<10}  {record['note']}"
           + (f" [for {context}]" if context else ""))


JUDGEMENTS_VIEW = _View(
    ["line", "status", "judgement", "left", "right", "user", "time", "note", "birth_year",
     "country", "describe", "error"],
    _judgements_table,
    header=f"{'line':>5}  {'status':<10} {'judgement':<9}  {'left':<26} {'right':<30} "
           f"{'user':<10} {'date':<10}  note")


DEFAULT_JUDGEMENTS = "judgements.jsonl"


@cli.command("judge")
@click.argument("left", required=False)
@click.argument("right", required=False)
@click.option("--same", is_flag=True, help="LEFT and RIGHT are one entity.")
@click.option("--different", is_flag=True,
              help="LEFT and RIGHT are different entities: never a match.")
@click.option("--unsure", is_flag=True, help="Recorded, changes nothing.")
@click.option("--user", default=lambda: os.environ.get("ALIASKIT_USER") or os.environ.get("USER", ""),
              show_default="$ALIASKIT_USER or $USER",
              help="Who decided (with --import: for the decisions that name nobody).")
@click.option("--note", default="", help="Why (shown with the decision).")
@click.option("--birth-year", type=int, metavar="YEAR",
              help="The birth year of LEFT (a screened customer's): the decision holds only "
                   "for queries with this birth year.")
@click.option("--country", metavar="COUNTRY",
              help="The country of LEFT (code or name): the decision holds only for queries "
                   "with this country.")
@click.option("--import", "import_path", type=click.Path(path_type=Path, dir_okay=False,
                                                          allow_dash=True),
              help="Append the decisions of this JSON Lines file instead (such as the review "
                   "page of `aliaskit screen --html` exports; '-' for standard input).")
@click.option("--file", "path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path(DEFAULT_JUDGEMENTS), show_default=True,
              help="The judgements file to append to (created if missing).")
def judge_cmd(left: str | None, right: str | None, same: bool, different: bool, unsure: bool,
              user: str, note: str, birth_year: int | None, country: str | None,
              import_path: Path | None, path: Path) -> None:
    """Record a reviewer's decision that LEFT and RIGHT (names or entity ids) are the
    same entity or different ones, or import the decisions of a file (--import).

    The decision is appended to the judgements file as one JSON line (earlier lines are
    never rewritten); resolve, screen, cluster and link honour the file with
    --judgements. A decision with --birth-year or --country is about the customer of
    that context: screen applies it only to input rows with the same birth year and
    country (another customer of the name may be the listed person); cluster and link,
    whose names have no context, do not apply it. With --import, each line of FILE is
    checked: a malformed one is reported with its line number (exit code 1) and the
    others are appended all the same; a decision the judgements file already holds is
    not added twice.

    \b
    Examples:
      $ aliaskit judge "Mohammad Khan" person/ismail-khan --different --note "another man"
      $ aliaskit judge "Massoud" person/ahmad-shah-massoud --same --user maria
      $ aliaskit judge "Ahmad Massoud" person/ahmad-shah-massoud --different --birth-year 1989
      $ aliaskit judge --import ~/Downloads/judgements.jsonl --file judgements.jsonl
    """
    chosen = [d for d, given in (("same", same), ("different", different), ("unsure", unsure))
              if given]
    if len(chosen) > 1:
        raise click.UsageError(f"say one of --same, --different or --unsure, not "
                               f"{' and '.join('--' + d for d in chosen)}")
    decision = chosen[0] if chosen else None
    for value, what in ((left, "LEFT"), (right, "RIGHT"), (note, "--note"), (user, "--user"),
                        (country, "--country")):
        if value:
            _argument(value, what)
    if import_path is not None:
        if left is not None or right is not None or decision is not None or note or (
                birth_year is not None or country is not None):
            raise click.UsageError("--import takes no LEFT, RIGHT, decision, --note, "
                                   "--birth-year or --country")
        _import_judgements(import_path, path, user)
        return
    if left is None or right is None:
        raise click.UsageError("give LEFT and RIGHT (or --import FILE)")
    if decision is None:
        raise click.UsageError("say --same, --different or --unsure")
    judgement = Judgement(left, right, decision, user=user, time=judgement_now(), note=note,  # type: ignore[arg-type]
                          birth_year=birth_year, country=country)
    Judgements.append(path, judgement)
    lines = path.read_bytes().count(b"\n")
    click.echo(f"{path}:{lines}: {left} / {right}: {judgement.describe()}", err=True)


def _import_judgements(source: Path, path: Path, user: str) -> None:
    """``judge --import``: append the valid decisions of ``source`` to ``path``."""
    where = "<stdin>" if str(source) == "-" else str(source)
    try:
        raw = sys.stdin.buffer.read() if str(source) == "-" else source.read_bytes()
    except OSError as exc:
        raise AliaskitError(f"{source}: {exc.strerror or 'cannot be read'}") from None
    imported = Judgements.parse(raw, where)
    for error in imported.errors:
        click.echo(f"aliaskit: {error} (line not imported)", err=True)
    seen = set(Judgements.load(path)) if path.is_file() else set()
    new: list[Judgement] = []
    for j in imported:
        if not j.user and user:
            j = attrs.evolve(j, user=user)
        if j not in seen:
            seen.add(j)
            new.append(j)
    Judgements.extend(path, new)
    repeated = len(imported) - len(new)
    click.echo(f"{path}: {len(new)} decision(s) appended from {where}"
               + (f", {repeated} already recorded" if repeated else "")
               + (f", {len(imported.errors)} malformed line(s) left out" if imported.errors else ""),
               err=True)
    if imported.errors:
        raise SystemExit(1)


@cli.command("judgements")
@click.argument("path", required=False, type=INPUT_FILE, callback=input_files,
                default=Path(DEFAULT_JUDGEMENTS))
@click.option("--latest-wins", is_flag=True, help="Show which judgement applies where a pair's conflict.")
@output_options()
def judgements_cmd(path: Path, latest_wins: bool, fmt: str) -> None:
    """List the judgements of PATH (default judgements.jsonl), flagging conflicts.

    Status of each line: applied; repeated (a later decision on the pair says the
    same, and applies); conflict (decisions on the pair disagree: none applies unless
    --latest-wins); overridden (a later conflicting decision applies); unsure;
    malformed (the line is not a judgement: its record says why, exit code 1).
    Records: the judgement's fields (Judgement.to_dict()) and its status, one per
    line of the file, in file order.

    \b
    Example:
      $ aliaskit judgements judgements.jsonl
    """
    judgements = Judgements.load(path, latest_wins=latest_wins)
    applied = {id(j) for j in judgements.applied()}
    conflicted = {id(j) for group in judgements.conflicts for j in group}
    out, batch = _Writer(fmt, JUDGEMENTS_VIEW), _Batch()
    records: list[tuple[int, Record, str | None]] = []
    for j in judgements:
        status = ("unsure" if j.judgement == "unsure" else "applied" if id(j) in applied
                  else "conflict" if id(j) in conflicted and not latest_wins
                  else "overridden" if id(j) in conflicted else "repeated")
        records.append((j.line or 0, {**j.to_dict(), "status": status}, None))
    for error in judgements.errors:
        reason = str(error.args[0]).split(": ", 1)[-1] if error.line is not None else str(error)
        blank = dict.fromkeys(["left", "right", "judgement", "user", "time", "note", "birth_year",
                               "country", "describe"])
        records.append((error.line or 0, {**blank, "line": error.line, "status": "malformed",
                                          "error": reason}, reason))
    for number, record, problem in sorted(records, key=lambda r: r[0]):
        out.write(record)
        batch.row(f"{path}:{number}", problem)
    out.close()
    if judgements.conflicts:
        click.echo(f"aliaskit: {len(judgements.conflicts)} pair(s) with conflicting judgements", err=True)
    batch.finish()


@cli.command("calibrate")
@click.argument("pairs", type=INPUT_FILE, callback=input_files)
@click.option("--objective", type=click.Choice(["f1", "balanced", "precision", "recall"]),
              default="f1", show_default=True,
              help="f1: the best F1; balanced: the best recall of matches plus of non-matches; "
                   "precision / recall: keep it at --target or more.")
@click.option("--target", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              help="For --objective precision (default 0.99) or recall (default 0.95).")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True,
              help="Cross-validation folds (pairs sharing a name stay in one fold).")
@click.option("--name", default="calibrated", show_default=True, help="Name of the profile written.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              callback=no_stdout,
              help="Write the profile file here (for --profile of compare, resolve, cluster).")
@click.option("--plot", "plot_path", type=click.Path(path_type=Path, dir_okay=False),
              callback=no_stdout,
              help="Write a PNG of precision, recall and F1 by threshold (needs matplotlib).")
@output_options()
def calibrate_cmd(pairs: Path, objective: str, target: float | None, folds: int, name: str,
                  output: Path | None, plot_path: Path | None, fmt: str) -> None:
    """Fit decision thresholds to your labelled PAIRS and write them as a profile.

    PAIRS is CSV (columns name1, name2, is_match, optional kind) or JSON Lines (objects
    with those keys). Every pair is scored with compare(); the threshold that best meets
    the objective is chosen overall, and per kind and per pair script (latin,
    cross-script, arabic) where a group has at least 50 pairs with 10 of each label
    (else the broader threshold applies). Figures are held out: k-fold cross-validation,
    pairs connected by a shared name kept in one fold. Also printed: precision, recall
    and F1 at candidate thresholds, and the bundled profiles' figures on your pairs.
    One record (profile, groups, held_out, bundled, curve); the CSV is the curve.

    \b
    Examples:
      $ aliaskit calibrate labelled.csv --output my-profile.txt --plot calibrate.png
      $ aliaskit compare "Tabriz" "Tabris" --profile my-profile.txt
      $ aliaskit calibrate labelled.jsonl --objective recall --target 0.98 -o screening.txt
    """
    from . import _calibrate
    from ._data import PROFILE_NAME, parse_profiles

    # Checked before anything is read or written: a profile file is rewritten whole.
    if not PROFILE_NAME.fullmatch(name):
        raise click.BadParameter(f"{name!r}: letters, digits, _ . - only", param_hint="--name")
    if target is not None and objective not in ("precision", "recall"):
        raise click.BadParameter(f"--target is for --objective precision or recall, not "
                                 f"{objective}", param_hint="--target")
    labelled = _calibrate.read_pairs(pairs)
    if plot_path is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise AliaskitError("--plot needs matplotlib: pip install matplotlib "
                                "(or aliaskit[docs])") from None
    try:
        result = _calibrate.calibrate(labelled, objective=objective, target=target,  # type: ignore[arg-type]
                                      folds=folds, name=name,
                                      description=f"{objective} on {pairs.name}")
    except _calibrate._TooFewPairs as exc:
        # The pairs it could not score are said as always, then why it stopped.
        for pair, reason in exc.skipped:
            click.echo(f"aliaskit: {pairs}:{pair.line}: pair not scored: {reason}", err=True)
        raise
    for pair, reason in result.skipped:
        click.echo(f"aliaskit: {pairs}:{pair.line}: pair not scored: {reason}", err=True)
    if result.pairs < _calibrate.MIN_GROUP_PAIRS:
        # Held-out figures of a handful of pairs look perfect and say nothing.
        click.echo(f"aliaskit: warning: only {result.pairs} pair(s) scored: a threshold fitted "
                   f"on fewer than {_calibrate.MIN_GROUP_PAIRS} is not reliable", err=True)
    if output is not None:
        when = utc_minute()
        text = _calibrate.profile_text(result, pairs.name, when, __version__)
        # Read back as compare and resolve will before it is written: a profile that
        # cannot be loaded never replaces a good one.
        parse_profiles(text, output)
        write_file(output, lambda handle: handle.write(text.encode("utf-8")))
        click.echo(f"wrote {output} (profile {name!r})", err=True)
    if plot_path is not None:
        _calibrate.plot(result, plot_path)
        click.echo(f"wrote {plot_path}", err=True)
    out = _Writer(fmt, CALIBRATE_VIEW)
    out.write(_calibration_record(result))
    out.close()
    if result.skipped:
        raise SystemExit(1)


def _point_record(p: Any) -> dict[str, Any]:
    return {"threshold": None if p.threshold != p.threshold else p.threshold,
            "precision": p.precision, "recall": p.recall, "f1": p.f1,
            "tp": p.tp, "fp": p.fp, "fn": p.fn, "tn": p.tn}


def _calibration_record(result: Any) -> dict[str, Any]:
    return {
        "profile": {"name": result.profile.name, "threshold": result.profile.threshold,
                    "groups": dict(result.profile.groups)},
        "objective": result.objective, "target": result.target, "pairs": result.pairs,
        "matches": result.matches, "folds": result.folds,
        "groups": [{"group": g.key, "pairs": g.pairs, "matches": g.matches, "threshold": g.threshold}
                   for g in result.groups],
        "held_out": _point_record(result.held_out),
        "held_out_by_script": {k: _point_record(p) for k, p in result.held_out_by_script},
        "bundled": {k: _point_record(p) for k, p in result.bundled},
        "curve": [_point_record(p) for p in result.curve],
        "skipped": [{"line": p.line, "error": e} for p, e in result.skipped],
    }


def _calibration_table(record: Record) -> Iterator[str]:
    profile = record["profile"]
    yield (f"{record['pairs']} pairs ({record['matches']} matches); objective {record['objective']}"
           + (f" {record['target']}" if record["target"] is not None else ""))
    yield f"\nprofile {profile['name']!r}: threshold {profile['threshold']:.2f}"
    for g in record["groups"]:
        yield f"  {g['group']:<22} {g['threshold']:.2f}   ({g['pairs']} pairs, {g['matches']} matches)"
    yield f"\nheld out ({record['folds']}-fold cross-validation, pairs sharing a name in one fold):"
    yield f"  {'':<26} {'precision':>9} {'recall':>7} {'F1':>6}  pairs"
    rows = [("calibrated", record["held_out"]),
            *((f"  {k}", p) for k, p in record["held_out_by_script"].items())]
    rows += [(f"bundled {k} ({p['threshold']:.2f})", p) for k, p in record["bundled"].items()]
    for label, p in rows:
        yield (f"  {label:<26} {p['precision']:>9.3f} {p['recall']:>7.3f} {p['f1']:>6.3f}  "
               f"{p['tp'] + p['fp'] + p['fn'] + p['tn']}")
    yield "\nat each candidate threshold (all pairs):"
    yield f"  {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}"
    marked = {round(profile["threshold"], 2)}
    for p in record["curve"]:
        t = round(p["threshold"], 2)
        if round(t * 100) % 5 == 0 or t in marked:
            flag = "  <- calibrated" if t in marked else ""
            yield f"  {t:>9.2f} {p['precision']:>9.3f} {p['recall']:>7.3f} {p['f1']:>6.3f}{flag}"


CALIBRATE_VIEW = _View(["threshold", "precision", "recall", "f1", "tp", "fp", "fn", "tn"],
                       _calibration_table, rows=lambda record: record["curve"])



@cli.group("reference")
def reference_group() -> None:
    """Build and inspect the reference dataset of the seed articles."""


@reference_group.command("build")
@click.option("--entities", "entities_path", type=click.Path(path_type=Path),
              default=Path("data/entities.toml"), show_default=True,
              help="The curated entity file.")
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path),
              default=Path("seeds"), show_default=True, help="Directory of seed articles.")
@click.option("--output", type=click.Path(path_type=Path), callback=no_stdout,
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
              help="Write nothing; exit 1 if a generated file is not up to date.")
def data_build_cmd(check: bool) -> None:
    """Write data/folds.txt, the folds of every variant spelling, from data/variants.txt and
    data/fold.txt, and data/iso3166.txt, the ISO 3166 names of data/regional.txt's codes
    (from pycountry: pip install '.[data]' in the checkout), next to the data files they read: run
    it in a source checkout (editable install) after editing those files."""
    from ._data import FOLD_TABLE, data_dir
    from ._regional import ISO_FILE, iso_table_text
    from ._scoring import _fold_table_text

    text = _fold_table_text()
    spellings = sum(1 for line in text.splitlines() if not line.startswith("#"))
    _generated(data_dir() / FOLD_TABLE, text, f"{spellings} spellings", "aliaskit data build",
               check=check)
    text = iso_table_text()
    codes = sum(1 for line in text.splitlines() if not line.startswith("#"))
    _generated(data_dir() / ISO_FILE, text, f"{codes} ISO 3166 codes", "aliaskit data build",
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


# The screen and index commands use the helpers above: loaded once they are defined.
from . import _cli_screen  # noqa: E402, F401


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
        try:
            fn()
        finally:
            sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
    except SystemExit as exc:
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        _message("aborted")
        return 1
    except AliaskitError as exc:
        if debug:
            raise
        _message(f"error: {exc}")
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, without Python's exit warning.
        stdout_to_devnull()
        return 0
    except OSError as exc:
        # A file that cannot be written or read (a full disk, a missing directory): one
        # line. Standard output is let go of, so that its flush at exit cannot fail again.
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else "writing the output: " \
            if exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT) else ""
        _message(f"error: {where}{exc.strerror or exc}")
        stdout_to_devnull()
        return 1
    except KeyboardInterrupt:
        # Said, so that a log shows the output stops short (its last record is whole).
        _message("interrupted")
        return 130
    except Terminated:
        _message("terminated")
        return 128 + signal.SIGTERM
    return 0


def main(argv: Iterable[str] | None = None) -> None:
    """Entry point of the ``aliaskit`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A name given as an argument can hold bytes that are not UTF-8 (as surrogate
        # escapes); CSV writes them back as they came. JSON and tables escape them.
        sys.stdout.reconfigure(errors="surrogateescape")

    def invoke() -> None:
        # Not cli.main(): it turns a closed pipe into exit code 1; we handle it in _run.
        with cli.make_context("aliaskit", args) as ctx:
            cli.invoke(ctx)

    handle_sigterm()
    code = _run(invoke, debug)
    if code in (130, 128 + signal.SIGTERM):
        # Stopped: a thread of the worker pool may still be blocked reading standard
        # input, holding its lock, and Python's shutdown would then abort ("could not
        # acquire lock for <stdin> at interpreter shutdown", exit code -6). What was
        # written is flushed, and the process ends here.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)
