"""What can go wrong with a file stretchcoach uses, for OS and SQLite errors alike: one table.

:func:`classify` names the :class:`Problem` behind an ``OSError`` or an ``sqlite3.Error``.
Each problem has a short phrase (what follows "<file>: ", as in "cannot write the output:
no space left on the disk"), the words for a history that has it ("the history <path> is on
a full disk"), and whether it may pass by itself, so that trying again later can help,
rather than need someone to fix something.

The history's full messages, with what to do, are in :mod:`stretchcoach.history.errors`;
:func:`stretchcoach.errors.os_problem` gives the short phrase to the rest of stretchcoach.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from enum import Enum
from pathlib import Path

FULL_BELOW = 64 * 1024  # bytes free under which a failed write is put down to a full disk


class Problem(Enum):
    # (short phrase, words for a history with it: "the history <path> ...", may pass by itself)
    BUSY = ("the database is busy", "is busy (another program is writing to it)", True)
    FULL = ("no space left on the disk", "is on a full disk", True)
    OVER_QUOTA = ("over the disk quota", "is over the disk quota", True)
    DISK_ERROR = ("the disk reported an error", "could not be written (the disk reported an error)", True)
    MISSING = ("no such file", "is missing", True)
    OTHER = ("", "could not be written", True)  # said in the error's own words: see describe()
    DAMAGED = ("the database is damaged", "is damaged", False)
    READ_ONLY = ("the file is read-only", "is read-only", False)
    READ_ONLY_DIRECTORY = ("its directory is read-only", "is in a read-only directory", False)
    READ_ONLY_FILE_SYSTEM = ("the file system is read-only", "is on a read-only file system", False)
    NO_PERMISSION = ("permission denied", "is not writable for you", False)
    CANNOT_OPEN = ("the file cannot be opened", "could not be opened for writing", False)
    NOT_A_DIRECTORY = ("a part of the path is not a directory", "has no directory to go in", False)
    IS_A_DIRECTORY = ("it is a directory", "is a directory", False)
    NAME_TOO_LONG = ("the path is too long", "has a path too long for the file system", False)
    LINK_LOOP = ("too many symbolic links", "is behind a loop of symbolic links", False)
    LINK = ("a symbolic link", "is a symbolic link", False)
    NOT_A_FILE = ("not a regular file", "is not a regular file", False)
    FOREIGN = ("not a stretchcoach history", "is another program's database", False)
    FOREIGN_SIDE_FILE = ("a side file that is not the history's", "has a side file that is not its own", False)
    NEWER = ("written by a newer stretchcoach", "was written by a newer stretchcoach", False)

    def __init__(self, phrase: str, state: str, may_pass: bool) -> None:
        self.phrase = phrase
        self.state = state
        self.may_pass = may_pass


_BY_ERRNO = {
    errno.ENOENT: Problem.MISSING,
    errno.EACCES: Problem.NO_PERMISSION,
    errno.EPERM: Problem.NO_PERMISSION,
    errno.ENAMETOOLONG: Problem.NAME_TOO_LONG,
    errno.ENOTDIR: Problem.NOT_A_DIRECTORY,
    errno.EISDIR: Problem.IS_A_DIRECTORY,
    errno.ELOOP: Problem.LINK_LOOP,
    errno.ENOSPC: Problem.FULL,
    errno.EDQUOT: Problem.OVER_QUOTA,
    errno.EROFS: Problem.READ_ONLY_FILE_SYSTEM,
    errno.EIO: Problem.DISK_ERROR,
}

# SQLite's result codes: an extended code (above 255) where it says more than its primary
# code (the low 8 bits), which covers every other case.
_BY_SQLITE_CODE = {
    sqlite3.SQLITE_READONLY_DIRECTORY: Problem.READ_ONLY_DIRECTORY,
    sqlite3.SQLITE_BUSY: Problem.BUSY,
    sqlite3.SQLITE_LOCKED: Problem.BUSY,
    sqlite3.SQLITE_CORRUPT: Problem.DAMAGED,
    sqlite3.SQLITE_NOTADB: Problem.DAMAGED,
    sqlite3.SQLITE_FULL: Problem.FULL,
    sqlite3.SQLITE_READONLY: Problem.READ_ONLY,
    sqlite3.SQLITE_CANTOPEN: Problem.CANNOT_OPEN,
    sqlite3.SQLITE_PERM: Problem.NO_PERMISSION,
    sqlite3.SQLITE_IOERR: Problem.DISK_ERROR,
}


def classify(exc: OSError | sqlite3.Error, *, path: Path | None = None) -> Problem:
    """The problem behind ``exc``.

    Given the ``path`` of the file being written, a disk I/O error on a disk with almost no
    room left is put down to the full disk: SQLite may say only "disk I/O error" when it
    cannot grow the ``-shm``.
    """
    if isinstance(exc, OSError):
        return _BY_ERRNO.get(exc.errno or 0, Problem.OTHER)
    code = sqlite_code(exc)
    problem = _BY_SQLITE_CODE.get(code) or _BY_SQLITE_CODE.get(code & 0xFF, Problem.OTHER)
    if problem is Problem.DISK_ERROR and path is not None and disk_all_but_full(path):
        return Problem.FULL
    return problem


def describe(exc: OSError | sqlite3.Error) -> str:
    """``exc`` as a short phrase: its problem's, or its own words where stretchcoach has none."""
    problem = classify(exc)
    if problem is not Problem.OTHER:
        return problem.phrase
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return f"SQLite: {exc}"


def why_not_saved(path: Path, exc: sqlite3.Error) -> str:
    """What stopped a write during a routine, to follow "the history <path> "."""
    problem = classify(exc, path=path)
    if problem is Problem.OTHER:
        return f"{problem.state} ({describe(exc)})"
    return problem.state


def is_busy(exc: sqlite3.Error) -> bool:
    """Another connection holds the lock: a later try may well succeed."""
    return classify(exc) is Problem.BUSY


def is_damage(exc: sqlite3.Error) -> bool:
    """The file itself is broken: trying again cannot help, and writing more could harm it."""
    return classify(exc) is Problem.DAMAGED


def is_hot_journal(exc: sqlite3.Error) -> bool:
    """A read-only reader refused the file because a ``-journal`` beside it would be played back."""
    return sqlite_code(exc) == sqlite3.SQLITE_READONLY_ROLLBACK


def sqlite_code(exc: BaseException) -> int:
    """SQLite's extended result code for ``exc`` (0 for an error that is not SQLite's)."""
    return getattr(exc, "sqlite_errorcode", 0) or 0


def disk_all_but_full(path: Path) -> bool:
    """Too little room left on the disk under ``path`` to grow a file."""
    for candidate in (path.parent, *path.parent.parents):
        try:
            info = os.statvfs(candidate)
        except OSError:
            continue
        return info.f_bavail * info.f_frsize < FULL_BELOW
    return False
