"""The history's one error type, and its messages: each problem in stretchcoach's words, with
advice that works.

What the problem is comes from :func:`~stretchcoach.history.problems.classify`; here it is
said of the history, with what to do. Permission and read-only trouble say which of the file,
its directory or the file system it is. Only damage suggests ``--reset-history``. SQLite's
own words appear only where nothing better can be said (an error stretchcoach has no
problem for). Problems found by looking at the files themselves (a link, another program's
database, a newer history) are raised where they are found, in :mod:`~stretchcoach.history.files`
and :mod:`~stretchcoach.history.identity`.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.history.problems import Problem, classify, describe, sqlite_code

RESET = "Run `stretchcoach routine --reset-history` to move it aside and start a new history."


class HistoryError(StretchcoachError):
    """The history cannot be used; the message says why and what to do. Nothing was changed.

    The exit code is 1 for a problem that may pass by itself (busy, a full or failing disk),
    2 for one someone must fix.
    """

    def __init__(self, path: Path, problem: Problem, message: str, *, detail: str = "") -> None:
        super().__init__(message, exit_code=ExitCode.RUNTIME if problem.may_pass else ExitCode.USAGE)
        self.path = path
        self.problem = problem
        self.detail = detail  # what exactly is wrong, for a message of its own

    @property
    def damaged(self) -> bool:
        """Only damage may be moved aside (``--reset-history``)."""
        return self.problem is Problem.DAMAGED


def history_error(path: Path, exc: OSError | sqlite3.Error) -> HistoryError:
    """The HistoryError for an OS or SQLite error met while opening or using the history at
    ``path``, or making its directory."""
    problem = classify(exc, path=path)
    match problem:
        case Problem.DAMAGED:
            if sqlite_code(exc) == sqlite3.SQLITE_NOTADB:
                return damage_error(path, "it is not an SQLite database")
            return damage_error(path, "SQLite found broken pages in it")
        case Problem.BUSY:
            message = (
                f"history database {path} is busy: another program is writing to it (another stretchcoach, "
                "or a tool that has it open). It was left untouched; try again once that program is done."
            )
        case Problem.FULL | Problem.OVER_QUOTA:
            message = (
                f"cannot save to the history database {path}: {problem.phrase}. Free some space and try again; "
                "the history was left as it was."
            )
        case Problem.DISK_ERROR:
            message = (
                f"cannot read or write the history database {path}: {problem.phrase}. "
                "It was left untouched; check the disk and try again."
            )
        case Problem.READ_ONLY_DIRECTORY:
            return read_only_directory_error(path)
        case Problem.READ_ONLY_FILE_SYSTEM:
            return read_only_file_system_error(path)
        case Problem.READ_ONLY | Problem.NO_PERMISSION | Problem.CANNOT_OPEN:
            return access_error(path, describe(exc))
        case Problem.NOT_A_DIRECTORY:
            return not_a_directory_error(path)
        case Problem.NAME_TOO_LONG:
            shown = str(path)
            if len(shown) > 80:
                shown = f"{shown[:40]}…{shown[-30:]}"
            message = (
                f"the history's path is too long for the file system ({len(str(path))} characters: {shown}). "
                "Set STRETCHCOACH_HOME to a shorter directory."
            )
        case Problem.LINK_LOOP:
            message = (
                f"the history's path {path} goes round in a loop of symbolic links. "
                "Set STRETCHCOACH_HOME to a plain directory; nothing was changed."
            )
        case _:
            message = f"cannot use the history database {path} ({describe(exc)}); it was left untouched."
    return HistoryError(path, problem, message)


def damage_error(path: Path, what: str) -> HistoryError:
    """The history is damaged (``what`` says how): the one error that suggests ``--reset-history``."""
    message = f"history database {path} is damaged ({what}); it was left untouched. {RESET}"
    return HistoryError(path, Problem.DAMAGED, message, detail=what)


def read_only_directory_error(path: Path) -> HistoryError:
    return HistoryError(
        path,
        Problem.READ_ONLY_DIRECTORY,
        f"the directory {path.parent} is read-only, so the history cannot be saved there (SQLite keeps "
        f"{path.name}-wal beside it). Make the directory writable (chmod u+w), or set STRETCHCOACH_HOME "
        "to one that is; nothing was changed.",
    )


def read_only_file_system_error(path: Path) -> HistoryError:
    return HistoryError(
        path,
        Problem.READ_ONLY_FILE_SYSTEM,
        f"the history {path} is on a read-only file system. Set STRETCHCOACH_HOME to a directory on a "
        "writable disk; nothing was changed.",
    )


def not_a_directory_error(path: Path) -> HistoryError:
    """A file stands where the history's directory, or one above it, should be: say which."""
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


def access_error(path: Path, why: str = Problem.NO_PERMISSION.phrase) -> HistoryError:
    """Permission or read-only trouble: say which of the file, its directory or the file system it
    is (``why``, a short phrase, only if none of them is)."""
    if on_read_only_file_system(path):
        return read_only_file_system_error(path)
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
        return read_only_directory_error(path)
    return HistoryError(
        path,
        Problem.NO_PERMISSION,
        f"the history database {path} cannot be written ({why}); check the permissions of it "
        f"and of {directory}. It was left untouched.",
    )


def _owner(path: Path) -> str:
    """`` (it belongs to NAME)`` for a file someone else owns, else nothing."""
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


def on_read_only_file_system(path: Path) -> bool:
    """``path``, or the nearest of its parents that exists, is on a file system mounted read-only."""
    for candidate in (path, *path.parents):
        try:
            return bool(os.statvfs(candidate).f_flag & os.ST_RDONLY)
        except OSError:
            continue
    return False
