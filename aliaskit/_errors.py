"""The exceptions aliaskit raises.

Everything aliaskit raises on purpose derives from :class:`AliaskitError`, so a pipeline
can catch one class. Errors caused by what the caller passed in also derive from
:class:`ValueError`, as Python users expect.
"""

from __future__ import annotations

__all__ = ["AliaskitError", "DataFileError", "InvalidNameError"]


class AliaskitError(Exception):
    """Root of every error aliaskit raises deliberately."""


class InvalidNameError(AliaskitError, ValueError):
    """A name cannot be processed: not a string, empty, no letters, too long, mixed scripts."""


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
