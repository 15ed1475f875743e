"""Where a line of a user's file ends, one rule for every reader: at "\\n", "\\r\\n" or a
lone "\\r", as Python's universal newlines read text. A file saved with classic Mac or
some Excel line ends (CR only) is then read as the lines it shows, not as one long
line. U+2028, U+2029, U+0085, form feed, vertical tab and \\x1c-\\x1e, which
``str.splitlines()`` also breaks at, are characters of the line: a value may hold
them, and the checks of that value (a name's, an id's) accept or refuse it with their
reason, on the line it is on.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator

__all__ = ["byte_lines", "decode_marked", "first_line", "line_and_column", "line_ends",
           "marked_encoding", "read_lines", "split_lines", "wide_text"]

_END = re.compile("\r\n|\r|\n")
_BYTE_END = re.compile(b"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, without their ends; a line end at the very end of the text
    starts no line (as ``str.splitlines()``)."""
    lines = _END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def line_ends(text: str, start: int = 0, end: int | None = None) -> int:
    """How many lines end in ``text[start:end]`` (a "\\r\\n" counts once: neither bound
    may fall inside one), so that a position's line is ``line_ends(text, 0, position) + 1``.

    ```pycon
    >>> [line_ends(t) for t in ("a\\nb", "a\\r\\nb\\r\\n", "a\\rb\\rc")]
    [1, 2, 2]

    ```
    """
    if end is None:
        end = len(text)
    ends = text.count("\n", start, end)
    if "\r" in text:
        ends += text.count("\r", start, end) - text.count("\r\n", start, end)
    return ends


def read_lines(handle: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a binary stream, or of its chunks each up to a "\\n" (in an encoding
    whose line ends are the bytes 0x0A and 0x0D: UTF-8, Latin-1, cp1256...), without
    their ends; each line is given as soon as its "\\n" has been read, so that a live
    feed is answered line by line."""
    for chunk in handle:  # (ends at a "\n", or at the end of the input)
        body = chunk[:-1] if chunk.endswith(b"\n") else chunk
        # A "\r" last is the CR of a CRLF, or a lone CR ending the input's last line:
        # either way the end of a line, not an empty line after it.
        yield from body.removesuffix(b"\r").split(b"\r")


def line_and_column(raw: bytes, offset: int) -> tuple[int, int]:
    """The line and column (both from 1) of the byte at ``offset`` in ``raw``."""
    line, start = 1, 0
    for end in _BYTE_END.finditer(raw, 0, offset):
        line, start = line + 1, end.end()
    return line, offset - start + 1


def byte_lines(encoding: str) -> bool:
    """True when a line of text in ``encoding`` ends at the byte 0x0A (UTF-8, Latin-1,
    cp1256...), so that lines can be split, and each checked, before decoding; not in
    UTF-16 or UTF-32."""
    return "\n".encode(encoding) == b"\n"


_WIDE_MARKS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
               (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def marked_encoding(head: bytes, encoding: str) -> str:
    """The encoding to read a file starting with ``head`` in: ``encoding``, or UTF-16 or
    UTF-32 when the file was to be UTF-8 and starts with their byte-order mark (as
    Windows saves "Unicode" text). Such a file, read as UTF-8, gave NUL-interleaved lines
    that still matched once normalised; the marks' bytes are never in UTF-8, so no UTF-8
    file is taken for one."""
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        for mark, marked in _WIDE_MARKS:
            if head.startswith(mark):
                return marked
    return encoding


def wide_text(first: bytes, encoding_option: str | None = None) -> str | None:
    """Why a file read in a byte encoding (UTF-8, cp1256...) whose first line is ``first``
    is not text in it, when the line's NUL bytes say so: UTF-16 or UTF-32 text without
    its byte-order mark (NULs are a quarter of its bytes or more: every other byte, or
    three in four, in such text of Latin letters), or no text at all (nothing but NULs);
    else None. ``encoding_option`` is the reader's option that names an encoding, if it
    has one.

    Only the first line is judged, as a byte-order mark would be: it starts where the file
    does, which tells the byte order, and a NUL further on is an error of its own line."""
    nuls = first.count(b"\0")
    if not nuls or nuls * 4 < len(first):
        return None
    if nuls == len(first):
        return "holds nothing but NUL bytes: not text"
    width = "32" if nuls * 3 > len(first) * 2 else "16"
    order = "be" if first.startswith(b"\0") else "le"
    said = (f"looks like UTF-{width} text without its byte-order mark (NUL bytes between "
            "the letters); save it as UTF-8")
    return said + (f", or use {encoding_option} utf-{width}-{order}" if encoding_option else "")


def first_line(raw: bytes) -> bytes:
    """The first line of ``raw`` without its end (:func:`read_lines`), without copying
    the rest of it."""
    end = raw.find(b"\n")
    return next(read_lines([raw if end < 0 else raw[: end + 1]]), b"")


def decode_marked(raw: bytes) -> tuple[str | None, int, str]:
    """The text of a whole file meant to be UTF-8, read as UTF-16 or UTF-32 where it starts
    with their byte-order mark (:func:`marked_encoding`), else as UTF-8 (its own mark
    ignored); or None, the line and why not: the first bad byte, or, for UTF-16 or UTF-32
    text without its mark, what :func:`wide_text` says."""
    encoding = marked_encoding(raw, "utf-8")
    if encoding == "utf-8":
        wide = wide_text(first_line(raw))
        if wide is not None:
            return None, 1, wide
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding), 0, ""
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":
            line, column = line_and_column(raw, exc.start)
            return None, line, f"not valid UTF-8 at byte {column} of the line"
        line = len(split_lines(raw[: exc.start].decode(encoding, "replace") + "-"))
        return None, line, f"not valid {codecs.lookup(encoding).name}"
