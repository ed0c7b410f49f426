"""The history's files on disk, as files: its path and side files, its directory, a new empty
file, owner-only permissions, and moving a damaged history aside.

Nothing here reads or writes through a symbolic link, and nothing that is not a regular file
is taken for part of a history.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.history.errors import (
    HistoryError,
    history_error,
    not_a_directory_error,
    on_read_only_file_system,
)
from stretchcoach.history.problems import Problem, describe

SIDE_FILES = ("-wal", "-shm", "-journal")
READ_WAIT_MS = 2_000  # how long a read waits (WAL readers only wait while a WAL is recovered)


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def side_file_size(path: Path, suffix: str) -> int:
    try:
        return os.stat(side_file(path, suffix)).st_size
    except OSError:
        return 0


def open_sqlite(path: Path, *, mode: str, immutable: bool = False, wait_ms: int = READ_WAIT_MS) -> sqlite3.Connection:
    """A connection to ``path`` in autocommit mode: ``mode`` "rw" or "ro"; ``immutable``, the main
    file alone, without its -wal or any lock. Raises ``sqlite3.Error``: the caller says what it means."""
    uri = f"{path.absolute().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=wait_ms / 1000)


def history_file_exists(path: Path) -> bool:
    """Whether the history file exists, once the history's path and its side files' paths are
    known to hold no symbolic link and nothing but regular files. Changes nothing."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise history_error(path, exc) from None
    for name, found in [(path, info), *((side_file(path, s), None) for s in SIDE_FILES)]:
        if found is None and name != path:
            try:
                found = os.lstat(name)
            except OSError:
                continue
        if found is None:
            continue
        if stat.S_ISLNK(found.st_mode):
            raise HistoryError(
                path,
                Problem.LINK,
                f"{name} is a symbolic link (to {os.readlink(name)}); stretchcoach does not read or write its "
                "history through links. Put the file itself there, or set STRETCHCOACH_HOME to the directory "
                "that holds it; nothing was changed.",
            )
        if not stat.S_ISREG(found.st_mode):
            kind = "a directory" if stat.S_ISDIR(found.st_mode) else "not a regular file"
            raise HistoryError(
                path, Problem.NOT_A_FILE, f"{name} is {kind}, not part of a history; move it away. Nothing was changed."
            )
    return info is not None


def make_directory(path: Path) -> None:
    """Create the history's directory and any missing parents, each owner-only."""
    missing: list[Path] = []
    current = path.parent
    while True:
        try:
            info = os.stat(current)
        except (FileNotFoundError, NotADirectoryError):
            missing.append(current)
            if current.parent == current:
                break
            current = current.parent
            continue
        except OSError as exc:
            raise history_error(path, exc) from None
        if not stat.S_ISDIR(info.st_mode):
            raise not_a_directory_error(path)
        break
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not stat.S_ISDIR(os.stat(folder).st_mode):
                raise not_a_directory_error(path) from None
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM) or on_read_only_file_system(folder):
                raise history_error(path, exc) from None
            raise HistoryError(
                path,
                Problem.READ_ONLY_DIRECTORY,
                f"cannot make the directory {folder} for the history: {folder.parent} is not writable for you. "
                "Make it writable, or set STRETCHCOACH_HOME to a directory you can write to; nothing was changed.",
            ) from None


def create_empty_file(path: Path) -> None:
    """Create an empty, owner-only file at ``path`` (never through a link)."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        os.close(os.open(path, flags, 0o600))
    except FileExistsError:
        history_file_exists(path)  # someone else made it meanwhile: check it like any other
    except OSError as exc:
        raise history_error(path, exc) from None


def keep_private(path: Path) -> None:
    """The history is readable by its owner only; SQLite gives -wal and -shm the file's own mode."""
    for name in (path, *(side_file(path, s) for s in SIDE_FILES)):
        with contextlib.suppress(OSError):
            info = os.lstat(name)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & 0o077:
                os.chmod(name, stat.S_IMODE(info.st_mode) & 0o700)


def move_aside(path: Path, *, now: datetime) -> Path:
    """Rename a damaged database (and its -wal, -shm and -journal) to a timestamped name; return it."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while any(os.path.lexists(side_file(target, suffix)) for suffix in ("", *SIDE_FILES)):
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, target)
        for suffix in SIDE_FILES:  # a journal left beside a new history would be played back into it
            if os.path.lexists(side_file(path, suffix)):
                os.replace(side_file(path, suffix), side_file(target, suffix))
    except OSError as exc:
        raise StretchcoachError(f"cannot move {path} aside: {describe(exc)}", exit_code=ExitCode.RUNTIME) from None
    return target
