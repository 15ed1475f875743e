"""Writing an output file (an index, a profile, a review page) so that a reader never
sees half of it, and so that a special file named as the output stays what it is."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ._errors import DataFileError, as_path


def output_place(target: Path) -> tuple[Path, bool]:
    """The file to write for ``target``, and whether it may be written aside and renamed
    over (else it is written in place).

    A symlink's file is the one replaced: the link is the user's, and renaming over it
    would leave the file it points to stale. A device, FIFO or socket is written in
    place: renaming over it would put a regular file where it was (as root,
    ``-o /dev/null`` would break /dev/null for every program). A path that cannot be
    looked at is written in place too, so that opening it reports why.
    """
    real = Path(os.path.realpath(target))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return real, True
    except OSError:
        return real, False
    return real, stat.S_ISREG(mode)


def write_file(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Call ``write`` with ``target`` open for writing; a DataFileError naming it when it
    cannot be written.

    A regular file (or a new one) is written aside, then renamed over ``target``: a reader
    never sees half, and a failed write leaves the old file. The file gets the mode a new
    file gets (mkstemp's is private to the owner; an output is shared like any data file).
    """
    target = as_path(target)
    real, aside = output_place(target)
    if not aside:
        try:
            with open(real, "wb") as handle:
                write(handle)
        except OSError as exc:
            raise DataFileError(f"cannot write the file ({exc.strerror or exc})",
                                path=str(target)) from None
        return
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise DataFileError(f"cannot write the file ({exc.strerror})", path=str(target)) from None
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(temporary, real)
    except BaseException as exc:
        os.unlink(temporary)
        if isinstance(exc, OSError):
            raise DataFileError(f"cannot write the file ({exc.strerror or exc})",
                                path=str(target)) from None
        raise
