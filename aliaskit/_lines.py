"""Where a line of a user's file ends, one rule for every reader: at "\\n", "\\r\\n" or a
lone "\\r", as Python's universal newlines read text. A file saved with classic Mac or
some Excel line ends (CR only) is then read as the lines it shows, not as one long
line. U+2028, U+2029, U+0085, form feed, vertical tab and \\x1c-\\x1e, which
``str.splitlines()`` also breaks at, are characters of the line: a value may hold
them, and the checks of that value (a name's, an id's) accept or refuse it with their
reason, on the line it is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["line_and_column", "read_lines", "split_lines"]

_END = re.compile("\r\n|\r|\n")
_BYTE_END = re.compile(b"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, without their ends; a line end at the very end of the text
    starts no line (as ``str.splitlines()``)."""
    lines = _END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


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
