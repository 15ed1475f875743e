"""Reading a gazetteer: the user's own JSON Lines or CSV, or a published list.

JSON Lines: one object per line, ``{"id": ..., "name": ..., "kind": ..., "aliases": [...],
"description": ..., "birth_dates": [...], "countries": [...], "source": ...}``; only
``id`` and ``name`` are required. CSV: a header with at least ``id`` and ``name``;
optional ``kind``, ``aliases``, ``birth_dates`` and ``countries`` (each separated by
``|``), ``description`` and ``source``. The published lists (OpenSanctions'
FollowTheMoney JSON Lines, OFAC SDN CSV, the UN Security Council consolidated list XML,
GeoNames dumps) are read by :mod:`aliaskit._importers`.

Every file is read as a stream. Every malformed row is reported with its row number (the
line in the file); no row is dropped silently: either it gives an entity, or a
:class:`~aliaskit.DataFileError` naming the file and line.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

from ._errors import AliaskitError, DataFileError, as_path, open_file
from ._lines import byte_lines, marked_encoding, read_lines, split_lines, wide_text
from ._normalize import normalize
from ._types import Alias, Entity

__all__ = ["FORMATS", "iter_gazetteer", "read_gazetteer"]

MAX_REPORTED = 20

FORMATS = ("jsonl", "csv", "ftm", "ofac", "un", "geonames")
"""Gazetteer formats: aliaskit's own JSON Lines and CSV, FollowTheMoney JSON Lines
(OpenSanctions), OFAC SDN CSV, the UN Security Council consolidated list XML, and a
GeoNames dump."""

ErrorHandler = Callable[[DataFileError], None]

class RowError(AliaskitError):
    """One malformed row: raised inside an importer, reported with its line."""

    text = ""
    """The row as read, where it could not be decoded (its bytes as escapes)."""

    byte: int | None = None
    """Where the row could not be decoded: the position (from 1) of its first bad byte."""


def check_names(entity: Entity) -> Entity:
    """Every name of ``entity`` must be usable; raises InvalidNameError otherwise."""
    for name in entity.names:
        normalize(name)
    return entity


def _entity(record: Any) -> Entity:
    if not isinstance(record, dict):
        raise RowError(f"expected an object, found {type(record).__name__}")
    return check_names(Entity.from_dict(record))


def decode_line(raw: bytes, encoding: str, errors: str) -> tuple[str, int | None]:
    """A line's text and None, or, when it is not valid in ``encoding``, its bytes shown
    as escapes and the position (from 1) of the first bad byte."""
    try:
        return raw.decode(encoding, errors=errors), None
    except UnicodeDecodeError as exc:
        return raw.decode(encoding, errors="backslashreplace"), exc.start + 1


def decoded_lines(handle: BinaryIO, encoding: str = "utf-8", errors: str = "strict",
                  name: str = "<stdin>", encoding_option: str | None = None
                  ) -> Iterator[tuple[int, str | RowError]]:
    """Numbered lines of a text file (a UTF-8 byte-order mark is ignored), each without
    its line end (LF, CRLF or a lone CR: see :mod:`aliaskit._lines`); a line that is not
    valid in ``encoding``, or that holds a NUL, comes as a RowError in its place (its
    ``text`` shows the bytes as escapes). In an encoding whose line end is not the byte
    0x0A (UTF-16, UTF-32) the text is decoded as a stream, and a bad byte is a
    DataFileError for the whole input.

    A file to be read as UTF-8 that starts with the byte-order mark of UTF-16 or UTF-32
    is read in that encoding (:func:`marked_encoding`); one whose first line is such text
    without the mark is a DataFileError naming ``name`` and saying so (with
    ``encoding_option``, the reader's option that names an encoding: :func:`wide_text`)."""
    first = handle.readline() if byte_lines(encoding) else b""
    encoding = marked_encoding(first, encoding)
    if not byte_lines(encoding):
        yield from _stream_lines(handle, encoding, errors, name, first)
        return
    for number, raw in enumerate(read_lines(itertools.chain([first] if first else [], handle)),
                                 start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if b"\0" in raw:
            wide = wide_text(raw, encoding_option) if number == 1 else None
            if wide is not None:
                raise DataFileError(wide, path=name, line=1)
            error = RowError(f"a NUL byte at byte {raw.index(0) + 1} (text has none)")
            error.text = raw.decode(encoding, errors="backslashreplace")
            yield number, error
            continue
        decoded, bad = decode_line(raw, encoding, errors)
        if bad is None:
            yield number, decoded
        else:
            error = RowError(f"not valid {encoding} at byte {bad}")
            error.text, error.byte = decoded, bad
            yield number, error


def _stream_lines(handle: BinaryIO, encoding: str, errors: str, name: str, first: bytes = b""
                  ) -> Iterator[tuple[int, str | RowError]]:
    """:func:`decoded_lines` in an encoding decoded as a stream (UTF-16, UTF-32): a bad
    byte is a DataFileError naming ``name`` and the line it is on. (Decoded by blocks, as
    TextIOWrapper did, a bad byte on line 3 was reported on line 1.)"""
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    read = getattr(handle, "read1", handle.read)
    number, rest = 0, ""
    while True:
        block, first = (first, b"") if first else (read(65536), b"")
        state = decoder.getstate()
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeError as exc:  # (UTF-16 without its byte-order mark: not a DecodeError)
            good = ""
            if isinstance(exc, UnicodeDecodeError):
                # The bytes before the bad one: ``exc.start`` counts the decoder's own too.
                decoder.setstate(state)
                good = decoder.decode(block[: max(0, exc.start - len(state[0]))])
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
            at = number + len(split_lines(rest + good + "-"))
            raise DataFileError(f"not valid {encoding} ({reason})", path=name, line=at) from None
        rest += text
        # A CR last may be the first half of a CRLF: it waits for the next block.
        held = "\r" if block and rest.endswith("\r") else ""
        lines = split_lines(rest.removesuffix(held) + "-")
        for line in lines[:-1]:
            number += 1
            yield number, _nul_free(line)
        rest = lines[-1][:-1] + held
        if not block:
            if rest:
                yield number + 1, _nul_free(rest)
            return


def _nul_free(line: str) -> str | RowError:
    """``line``, or a RowError when it holds a NUL, which no text has."""
    if "\0" not in line:
        return line
    at = line.index("\0") + 1
    error = RowError(f"a NUL character at character {at} (text has none)")
    error.text = line
    return error


def _rows_jsonl(handle: BinaryIO, name: str) -> Iterator[tuple[int, Any]]:
    for number, line in decoded_lines(handle, name=name):
        if isinstance(line, RowError):
            yield number, line
            continue
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"not valid JSON ({exc.msg}, column {exc.colno})")
        except RecursionError:  # json's parser recurses once per [ or {
            yield number, RowError("not valid JSON (nested too deeply)")
        except ValueError as exc:  # an integer of more digits than Python converts
            yield number, RowError(f"not valid JSON ({str(exc).split(':')[0]})")


MAX_RECORD_LINES = 200
"""A CSV record (with quoted line breaks) spans at most this many lines; past that, its
first line is reported malformed and reading resumes on the next line."""


def _parse_record(lines: list[str], options: dict[str, Any]) -> list[str] | RowError | None:
    """The one CSV record in ``lines``; None when it needs more lines (an open quote)."""
    reader = csv.reader(io.StringIO("\n".join(lines) + "\n", newline=""), strict=True, **options)
    try:
        row = next(reader, [])
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return None
        return RowError(f"malformed CSV ({exc})")
    if next(reader, None) is not None:
        return RowError("malformed CSV")
    return row


def csv_rows(handle: BinaryIO, *, encoding: str = "utf-8", errors: str = "strict",
             name: str = "<stdin>", encoding_option: str | None = None,
             blank_lines: bool = False,
             **options: Any) -> Iterator[tuple[int, list[str] | RowError]]:
    """CSV records with the line each starts on; a record with a line that is not
    UTF-8, or that the csv module cannot read, comes as a RowError. A quote left open
    is reported on its line and reading resumes on the line after it, so one stray quote
    does not swallow the rest of the file. A blank line is no record, or with
    ``blank_lines`` an empty one (``[]``: a reader of names says it has none)."""
    pending: list[tuple[int, str]] = []
    lines = decoded_lines(handle, encoding, errors, name, encoding_option)
    replay: list[tuple[int, str | RowError]] = []
    while True:
        if replay:
            number, line = replay.pop(0)
        else:
            item = next(lines, None)
            if item is None:
                break
            number, line = item
        if isinstance(line, RowError):
            if pending:
                yield pending[0][0], RowError("not valid UTF-8 within the record")
                pending = []
            yield number, line
            continue
        if line.startswith("\x1a") and not line.strip("\x1a"):
            continue  # a DOS end-of-file mark
        pending.append((number, line))
        row = _parse_record([text for _, text in pending], options)
        if row is None and len(pending) < MAX_RECORD_LINES:
            continue
        first = pending[0][0]
        if row is None:
            row = RowError("a quoted field is never closed")
        if isinstance(row, RowError) and len(pending) > 1:
            replay = [(n, t) for n, t in pending[1:]] + replay
        pending = []
        if isinstance(row, RowError) or row or blank_lines:
            yield first, row
    if pending:
        yield pending[0][0], RowError("a quoted field is never closed")
        rest: list[tuple[int, str]] = pending[1:]
        yield from csv_rows_of(rest, options)


def csv_rows_of_text(text: str, name: str = "<stdin>"
                     ) -> Iterator[tuple[int, list[str] | RowError]]:
    """:func:`csv_rows` of a file's text already decoded (a byte-order mark, as Excel
    writes, is dropped)."""
    return csv_rows(io.BytesIO(text.removeprefix("\ufeff").encode("utf-8", "surrogateescape")),
                    name=name)


def csv_rows_of(lines: list[tuple[int, str]], options: dict[str, Any]
                ) -> Iterator[tuple[int, list[str] | RowError]]:
    """:func:`csv_rows` of lines already read (after a quote that was never closed)."""
    data = b"".join(f"{text}\n".encode() for _, text in lines)
    offset = lines[0][0] - 1 if lines else 0
    for number, row in csv_rows(io.BytesIO(data), **options):
        yield number + offset, row


def csv_header(rows: Iterator[tuple[int, list[str] | RowError]], required: Sequence[str]
               ) -> list[str] | None:
    """The header of CSV ``rows`` (:func:`csv_rows`), its names stripped; None for a file
    without rows. The header is what every CSV reader of the package (gazetteers,
    screening inputs, ``cluster --column``, labelled pairs) reads first, and it is
    refused the same way for all: a RowError when it cannot be read, repeats a column
    or lacks one of ``required``."""
    first = next(rows, None)
    while first is not None and first[1] == []:  # blank lines before it (blank_lines)
        first = next(rows, None)
    if first is None:
        return None
    if isinstance(first[1], RowError):
        raise first[1]
    header = [h.strip() for h in first[1]]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise RowError(f"header repeats column(s): {', '.join(repeated)}")
    missing = [c for c in required if c not in header]
    if missing:
        raise RowError(f"header lacks column(s) {', '.join(missing)} "
                       f"(columns: {', '.join(header) or 'none'})")
    return header


def field_count_error(row: Sequence[str], header: Sequence[str]) -> RowError | None:
    """The error of a CSV row whose number of fields is not its header's (every CSV
    reader refuses such a row: its fields cannot be told apart)."""
    if len(row) == len(header):
        return None
    fields = "1 field" if len(row) == 1 else f"{len(row)} fields"
    return RowError(f"{fields} where the header has {len(header)}")


# A list in one CSV cell (aliases, birth dates, countries): values separated by "|"; a
# "|" inside a value is written \| and a backslash \\ (so that `aliaskit entities --csv`
# reads back as it was written, whatever an alias holds).
_LIST_ITEM = re.compile(r"(?:[^|\\]|\\.)+|\\$")
_ESCAPED = re.compile(r"\\(.)")


# Quoted: a field with the delimiter, a quote, or any character that some reader takes
# for a line end. Python's writer quotes only the characters of its line terminator ("\n"
# here), so a lone "\r" went out bare and a CSV reader split the record there.
_CSV_QUOTED = re.compile("[,\"\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def csv_record(cells: Sequence[str]) -> str:
    """One CSV record as aliaskit writes it, without its line end: a cell quoted when it
    holds a comma, a quote or a line end (so the record reads back as these cells).

    ```pycon
    >>> csv_record(["1", "MUTTAQI, Amir Khan", 'the "Lion" of Panjshir'])
    '1,"MUTTAQI, Amir Khan","the ""Lion"" of Panjshir"'
    >>> csv_record([""])
    '""'

    ```
    """
    if len(cells) == 1 and cells[0] == "":
        return '""'  # (a record of one empty field, told apart from a blank line)
    return ",".join('"' + c.replace('"', '""') + '"' if _CSV_QUOTED.search(c) else c
                    for c in cells)


def join_cell(values: Iterable[str]) -> str:
    r"""Values as one CSV cell of a gazetteer: separated by "|", with "|" and "\"
    escaped by a backslash (:func:`split_cell` reads them back).

    ```pycon
    >>> cell = join_cell(["Kabol", "A|B Karimi"])
    >>> print(cell)
    Kabol|A\|B Karimi
    >>> split_cell(cell)
    ['Kabol', 'A|B Karimi']

    ```
    """
    return "|".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def split_cell(cell: str) -> list[str]:
    """The values of a gazetteer's CSV cell (:func:`join_cell`), stripped, empty ones
    left out. A backslash escapes the character after it; one before anything but "|"
    or "\\" is kept as it is (a name written by hand with a backslash)."""
    out: list[str] = []
    for item in _LIST_ITEM.findall(cell):
        value = _ESCAPED.sub(lambda m: m.group(1) if m.group(1) in "|\\" else m.group(0),
                             item).strip()
        if value:
            out.append(value)
    return out


def _rows_csv(handle: BinaryIO, name: str) -> Iterator[tuple[int, Any]]:
    rows = csv_rows(handle, name=name)
    try:
        header = csv_header(rows, ("id", "name"))
    except RowError as exc:
        yield 1, exc
        return
    if header is None:
        return
    for number, row in rows:
        if isinstance(row, RowError):
            yield number, row
            continue
        error = field_count_error(row, header)
        if error is not None:
            yield number, error
            continue
        record: dict[str, Any] = {k: v for k, v in zip(header, row) if v != ""}
        for field in ("aliases", "birth_dates", "countries"):
            if field in record:
                record[field] = split_cell(record[field])
        yield number, record


def _own(handle: BinaryIO, fmt: str, name: str) -> Iterator[tuple[int, Entity | RowError]]:
    rows = _rows_jsonl(handle, name) if fmt == "jsonl" else _rows_csv(handle, name)
    for number, record in rows:
        if isinstance(record, RowError):
            yield number, record
            continue
        try:
            yield number, _entity(record)
        except AliaskitError as exc:
            yield number, RowError(str(exc))


SNIFFED = 4096
"""Bytes of a gazetteer's start that tell its format."""


def _sniffed(path: Path, head: bytes) -> str:
    from ._importers import sniff_head

    fmt = sniff_head(path, head)
    if fmt is None:
        raise DataFileError(
            "unknown gazetteer format; use .jsonl or .csv, a list in one of the formats "
            f"{', '.join(FORMATS[2:])}, or name the format (format= in Python, --list-format "
            "for aliaskit screen and index)", path=str(path))
    return fmt


class _Replayed(io.RawIOBase):
    """A stream whose first bytes were already read (to tell the format): they come
    again first, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(target), len(self._head))
            target[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        read = getattr(self._rest, "read1", self._rest.read)
        data = read(len(target))
        target[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()


def _opened_format(path: Path, handle: BinaryIO) -> tuple[BinaryIO, str]:
    """The format of the open gazetteer ``handle`` and the stream to read it from, from
    its start.

    The file is opened once, for both: a FIFO or a device, opened a second time after
    its first bytes were sniffed, waited forever for a writer that had already gone
    (or, with one still there, lost those bytes). A regular file is rewound; anything
    else is read on after its sniffed bytes, given again first.
    """
    head = handle.read(SNIFFED)
    fmt = _sniffed(path, head)
    if handle.seekable():
        handle.seek(0)
        return handle, fmt
    return cast(BinaryIO, io.BufferedReader(_Replayed(head, handle))), fmt


def _records(path: Path, format: str | None) -> Iterator[tuple[str, int, Entity | RowError]]:
    """(file, line, entity or error) for every record of the file, in file order; its
    format told from its name and start when ``format`` is None."""
    with open_file(path) as opened:
        handle, fmt = (opened, format) if format else _opened_format(path, opened)
        with handle:
            if fmt in ("jsonl", "csv"):
                for number, item in _own(handle, fmt, str(path)):
                    yield str(path), number, item
                return
            from . import _importers

            yield from _importers.READERS[fmt](path, handle)


def iter_gazetteer(path: str | Path, *, format: str | None = None,
                   errors: ErrorHandler | None = None) -> Iterator[Entity]:
    """Stream the entities of a gazetteer file, in file order (see :func:`read_gazetteer`).

    With ``errors``, each malformed row is passed to it as a
    :class:`~aliaskit.DataFileError` (``path`` and ``line`` say where) and reading goes
    on; without, the problems are gathered and raised as one DataFileError once the file
    has been read.
    """
    path = as_path(path)
    if format is not None and not isinstance(format, str):
        raise TypeError(f"format must be a string, not {type(format).__name__}")
    if errors is not None and not callable(errors):
        raise TypeError(f"errors must be a function, not {type(errors).__name__}")
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise DataFileError(f"unknown gazetteer format {format!r}; choose one of "
                            f"{', '.join(FORMATS)}", path=str(path))
    if not path.exists():
        raise DataFileError("file not found", path=str(path))
    problems: list[DataFileError] = []
    report = errors if errors is not None else problems.append
    seen: dict[str, tuple[str, int]] = {}
    count = 0
    for where, number, item in _records(path, format):
        if isinstance(item, RowError):
            report(DataFileError(f"row {number}: {item}", path=where, line=number))
            continue
        first = seen.get(item.id)
        if first is not None:
            report(DataFileError(f"row {number}: duplicate id {item.id!r} (first on row "
                                 f"{first[1]})", path=where, line=number))
            continue
        seen[item.id] = (where, number)
        count += 1
        yield item
    if problems:
        shown = [str(p.args[0]).split(": ", 1)[1] if p.path == str(path) else str(p)
                 for p in problems[:MAX_REPORTED]]
        more = (f"\n  … and {len(problems) - MAX_REPORTED} more"
                if len(problems) > MAX_REPORTED else "")
        raise DataFileError(f"{len(problems)} malformed row(s):\n  " + "\n  ".join(shown) + more,
                            path=str(path))
    if not count and errors is None:
        raise DataFileError("no entities in file", path=str(path))


def read_gazetteer(path: str | Path, *, format: str | None = None,
                   errors: ErrorHandler | None = None) -> list[Entity]:
    """Read the entities of a gazetteer file.

    ``format`` is one of :data:`FORMATS`: ``"jsonl"`` / ``"csv"`` (aliaskit's own),
    ``"ftm"`` (FollowTheMoney entities, as OpenSanctions publishes them), ``"ofac"``
    (``sdn.csv``, with ``alt.csv`` and ``add.csv`` read from beside it), ``"un"`` (the UN
    Security Council consolidated list XML) or ``"geonames"`` (a dump such as ``AF.txt``,
    with ``alternateNamesV2.txt`` beside it when present); by default it is detected from
    the file name and first line, and a DataFileError says so when that is ambiguous.

    Raises :class:`~aliaskit.DataFileError` listing every malformed row with its row
    number (the line in the file), and for duplicate ids; or, with ``errors``, calls it
    with one DataFileError per malformed row and returns the entities of the good rows.
    """
    return list(iter_gazetteer(path, format=format, errors=errors))


def alias_list(names: Iterable[str], *, weak: bool = False, note: str | None = None,
               seen: set[str] | None = None) -> list[Alias]:
    """Aliases for ``names`` (repeats and names in ``seen`` left out)."""
    seen = set() if seen is None else seen
    out = []
    for name in names:
        name = name.strip()
        if name and name not in seen:
            seen.add(name)
            out.append(Alias(name, origin="user", weak=weak, note=note))
    return out
