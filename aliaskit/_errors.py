"""The exceptions aliaskit raises.

Everything aliaskit raises on purpose derives from :class:`AliaskitError`, so a pipeline
can catch one class. Errors caused by a bad *value* the caller passed in also derive
from :class:`ValueError`, as Python users expect: :class:`InvalidArgumentError` (a limit
below 1, an unknown profile or kind, a threshold or weight out of range) and its
subclass :class:`InvalidNameError` (a name that cannot be processed). An argument of the
wrong *type* (a name that is not a string, a limit that is not an integer) raises
:class:`TypeError`, which is not an :class:`AliaskitError`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, BinaryIO, cast

__all__ = ["AliaskitError", "DataFileError", "InvalidArgumentError", "InvalidNameError"]


class AliaskitError(Exception):
    """Root of every error aliaskit raises deliberately."""


class InvalidArgumentError(AliaskitError, ValueError):
    """An argument has the right type but a value aliaskit cannot use (``limit=0``,
    ``profile="nope"``, ``kind="city"``, a threshold or weight out of range)."""


class InvalidNameError(InvalidArgumentError):
    """A name cannot be processed: empty, no letters, too long, mixed scripts."""


class DataFileError(AliaskitError, ValueError):
    """A data file (bundled table, gazetteer, saved index) is missing or malformed.

    ``path`` and ``line`` say where, when known; ``str()`` includes them.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


def parse_json(text: str | bytes) -> Any:
    """``json.loads`` for untrusted input: every way it fails on a bad document is a
    :class:`json.JSONDecodeError`, including those json raises otherwise: nesting
    deeper than the interpreter's recursion limit (json's parser recurses once per ``[``
    or ``{``: RecursionError) and an integer of more digits than Python converts
    (ValueError)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise json.JSONDecodeError(str(exc).split(":")[0], "", 0) from None


def open_file(path: Path, mode: str = "rb") -> BinaryIO:
    """``path`` opened in the binary ``mode``; a :class:`DataFileError` naming it when it
    cannot be: missing, a directory, or not permitted."""
    try:
        return cast(BinaryIO, open(path, mode))
    except FileNotFoundError:
        raise DataFileError("file not found", path=str(path)) from None
    except IsADirectoryError:
        raise DataFileError("is a directory, not a file", path=str(path)) from None
    except OSError as exc:
        raise DataFileError(f"cannot open the file ({exc.strerror})", path=str(path)) from None


def as_path(path: object, what: str = "path") -> Path:
    """``path`` (a str or path object) as a Path; TypeError for anything else, and a
    DataFileError for a name with a NUL byte, which no file can have.

    An int or a bool would be taken by ``open`` for a file descriptor: reading an index
    from ``True`` closed standard output.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} must be a str or Path, not {type(path).__name__}")
    result = Path(path)
    if "\0" in str(result):
        raise DataFileError("not a valid file name (it holds a NUL byte)",
                            path=str(result).replace("\0", "\\0"))
    return result
