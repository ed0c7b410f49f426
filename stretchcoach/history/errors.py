"""What can be wrong with the history, in stretchcoach's words, with advice that works.

Every problem has a :class:`Problem` and a message of its own: busy, full,
read-only (the file, its directory or the whole file system), no permission, a
file where a directory should be, a path too long, a link, someone else's
database or side file, a newer history, damage. Only damage suggests
``--reset-history``. SQLite's own words appear only where nothing better can be
said (an error stretchcoach does not know).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from stretchcoach.errors import ExitCode, StretchcoachError, os_problem
from stretchcoach.history import db as history

FULL_BELOW = 64 * 1024  # bytes free under which a failed write is put down to a full disk
RESET = "Run `stretchcoach routine --reset-history` to move it aside and start a new history."


class Problem(Enum):
    DAMAGED = "damaged"
    BUSY = "busy"
    FULL = "full"
    READ_ONLY = "read-only"
    NO_PERMISSION = "no permission"
    NOT_A_DIRECTORY = "not a directory"
    NAME_TOO_LONG = "name too long"
    LINK = "symbolic link"
    NOT_A_FILE = "not a file"
    FOREIGN = "not stretchcoach's"
    FOREIGN_SIDE_FILE = "a side file that is not the history's"
    NEWER = "newer"
    DISK_ERROR = "disk error"
    OTHER = "other"

    @property
    def exit_code(self) -> ExitCode:
        """1 for what may pass by itself (busy, a full or failing disk); 2 for what someone must fix."""
        transient = (Problem.BUSY, Problem.FULL, Problem.DISK_ERROR, Problem.OTHER)
        return ExitCode.RUNTIME if self in transient else ExitCode.USAGE


class HistoryError(StretchcoachError):
    """The history cannot be used; the message says why and what to do. Nothing was changed."""

    def __init__(self, path: Path, problem: Problem, message: str, *, detail: str = "") -> None:
        super().__init__(message, exit_code=problem.exit_code)
        self.path = path
        self.problem = problem
        self.detail = detail  # what exactly is wrong, for a message of its own

    @property
    def damaged(self) -> bool:
        """Only damage may be moved aside (``--reset-history``)."""
        return self.problem is Problem.DAMAGED


def damaged(path: Path, what: str) -> HistoryError:
    message = f"history database {path} is damaged ({what}); it was left untouched. {RESET}"
    return HistoryError(path, Problem.DAMAGED, message, detail=what)


# -- what went wrong, in stretchcoach's words ---------------------------------------------


def from_sqlite(path: Path, exc: sqlite3.Error) -> HistoryError:
    """A HistoryError for an SQLite error met while opening or using the history at ``path``."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    primary = code & 0xFF
    if history.is_damage(exc):
        what = "it is not an SQLite database" if primary == sqlite3.SQLITE_NOTADB else "SQLite found broken pages in it"
        return damaged(path, what)
    if history.is_busy(exc):
        return HistoryError(
            path,
            Problem.BUSY,
            f"history database {path} is busy: another program is writing to it (another stretchcoach, "
            "or a tool that has it open). It was left untouched; try again once that program is done.",
        )
    if primary == sqlite3.SQLITE_FULL:
        return full(path)
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:
        return read_only_directory(path)
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return cannot_write(path, exc)
    if primary == sqlite3.SQLITE_IOERR and _disk_full(path):  # e.g. no room to grow the -shm
        return full(path)
    if primary == sqlite3.SQLITE_IOERR:
        return HistoryError(
            path,
            Problem.DISK_ERROR,
            f"cannot read or write the history database {path}: the disk reported an error. "
            "It was left untouched; check the disk and try again.",
        )
    return HistoryError(
        path, Problem.OTHER, f"history database {path} cannot be used (SQLite: {exc}); it was left untouched."
    )


def why_not_saved(path: Path, exc: sqlite3.Error) -> str:
    """What stopped a write during a routine, to follow "the history ...": in stretchcoach's words."""
    primary = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if history.is_busy(exc):
        return "is busy (another program is writing to it)"
    if history.is_damage(exc):
        return "is damaged"
    if primary == sqlite3.SQLITE_FULL or (primary == sqlite3.SQLITE_IOERR and _disk_full(path)):
        return "is on a full disk"
    return {
        sqlite3.SQLITE_READONLY: "is read-only",
        sqlite3.SQLITE_IOERR: "could not be written (the disk reported an error)",
        sqlite3.SQLITE_CANTOPEN: "could not be opened for writing",
        sqlite3.SQLITE_PERM: "is not writable for you",
    }.get(primary, f"could not be written (SQLite: {exc})")


def _disk_full(path: Path) -> bool:
    """Too little room left to grow the history's files (SQLite may say only "disk I/O error")."""
    for candidate in (path.parent, *path.parent.parents):
        try:
            info = os.statvfs(candidate)
        except OSError:
            continue
        return info.f_bavail * info.f_frsize < FULL_BELOW
    return False


def from_os_error(path: Path, exc: OSError) -> HistoryError:
    """A HistoryError for a failed file operation on the history at ``path`` (or its directory)."""
    number = exc.errno
    if number == errno.ENAMETOOLONG:
        shown = str(path)
        if len(shown) > 80:
            shown = f"{shown[:40]}…{shown[-30:]}"
        return HistoryError(
            path,
            Problem.NAME_TOO_LONG,
            f"the history's path is too long for the file system ({len(str(path))} characters: {shown}). "
            "Set STRETCHCOACH_HOME to a shorter directory.",
        )
    if number == errno.ENOTDIR:
        return not_a_directory(path)
    if number in (errno.ENOSPC, errno.EDQUOT):
        return full(path)
    if number == errno.EROFS:
        return read_only_file_system(path)
    if number in (errno.EACCES, errno.EPERM):
        return cannot_write(path, exc)
    if number == errno.ELOOP:
        return HistoryError(
            path,
            Problem.LINK,
            f"the history's path {path} goes round in a loop of symbolic links. "
            "Set STRETCHCOACH_HOME to a plain directory; nothing was changed.",
        )
    if number == errno.EIO:
        return HistoryError(
            path,
            Problem.DISK_ERROR,
            f"cannot read or write the history database {path}: the disk reported an error. "
            "It was left untouched; check the disk and try again.",
        )
    return HistoryError(path, Problem.OTHER, f"cannot use the history database {path}: {os_problem(exc)}.")


def full(path: Path) -> HistoryError:
    return HistoryError(
        path,
        Problem.FULL,
        f"cannot save to the history database {path}: the disk is full. Free some space and try again; "
        "the history was left as it was.",
    )


def read_only_directory(path: Path) -> HistoryError:
    return HistoryError(
        path,
        Problem.READ_ONLY,
        f"the directory {path.parent} is read-only, so the history cannot be saved there (SQLite keeps "
        f"{path.name}-wal beside it). Make the directory writable (chmod u+w), or set STRETCHCOACH_HOME "
        "to one that is; nothing was changed.",
    )


def read_only_file_system(path: Path) -> HistoryError:
    return HistoryError(
        path,
        Problem.READ_ONLY,
        f"the history {path} is on a read-only file system. Set STRETCHCOACH_HOME to a directory on a "
        "writable disk; nothing was changed.",
    )


def not_a_directory(path: Path) -> HistoryError:
    blocker = next((p for p in path.parents if _is_non_directory(p)), path.parent)
    return HistoryError(
        path,
        Problem.NOT_A_DIRECTORY,
        f"cannot keep the history in {path.parent}: {blocker} is a file, not a directory. "
        "Set STRETCHCOACH_HOME to a directory, or move that file away; nothing was changed.",
    )


def _is_non_directory(path: Path) -> bool:
    try:
        return not stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def cannot_write(path: Path, exc: BaseException) -> HistoryError:
    """Permission or read-only trouble: say which of the file, its directory or the disk it is."""
    if read_only_mount(path):
        return read_only_file_system(path)
    directory = path.parent
    if not os.access(directory, os.X_OK):
        return HistoryError(
            path,
            Problem.NO_PERMISSION,
            f"no permission to open the directory {directory}, which holds the history; check its owner "
            f"and permissions (ls -ld {directory}). Nothing was changed.",
        )
    if os.path.lexists(path) and not os.access(path, os.R_OK):
        return HistoryError(
            path,
            Problem.NO_PERMISSION,
            f"no permission to read the history database {path}{_owner(path)}; check its owner and "
            f"permissions (ls -l {path}). Nothing was changed.",
        )
    if os.path.lexists(path) and not os.access(path, os.W_OK):
        return HistoryError(
            path,
            Problem.READ_ONLY,
            f"the history database {path} is read-only{_owner(path)}, so stretchcoach cannot save routines "
            f"to it. Make it writable (chmod u+w {path}); it was left untouched.",
        )
    if not os.access(directory, os.W_OK):
        return read_only_directory(path)
    return HistoryError(
        path,
        Problem.NO_PERMISSION,
        f"the history database {path} cannot be written ({_exc_words(exc)}); check the permissions of it "
        f"and of {directory}. It was left untouched.",
    )


def _exc_words(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return os_problem(exc)
    return f"SQLite: {exc}"


def _owner(path: Path) -> str:
    try:
        owner = os.stat(path).st_uid
    except OSError:
        return ""
    if owner == os.geteuid():
        return ""
    try:
        import pwd

        name = pwd.getpwuid(owner).pw_name
    except (ImportError, KeyError):
        name = str(owner)
    return f" (it belongs to {name})"


def read_only_mount(path: Path) -> bool:
    for candidate in (path, *path.parents):
        try:
            return bool(os.statvfs(candidate).f_flag & os.ST_RDONLY)
        except OSError:
            continue
    return False


@contextlib.contextmanager
def guarded(path: Path) -> Iterator[None]:
    """Turn an SQLite error met while reading or writing (a bad page, say), or a row that cannot
    be read back, into a HistoryError.

    Opening checks the header and schema only: a full check reads the whole file,
    which a long history cannot afford on every start.
    """
    try:
        yield
    except sqlite3.Error as exc:
        raise from_sqlite(path, exc) from None
    except (ValueError, TypeError):  # a row edited by hand: a date that is not a date, say
        raise damaged(path, "a row is not in stretchcoach's format") from None
