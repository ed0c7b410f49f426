"""Opening the history file: what is at the path, whether it is stretchcoach's, what went wrong.

Nothing is written until the file is known to be a stretchcoach history (or a new,
empty one): the checks before that only read. The main file is read on its own
first (SQLite's ``immutable`` view, which neither applies nor creates a ``-wal``),
then, if a ``-wal`` is there, with it (read-only), so a ``-wal`` that would turn
the history into some other database is refused instead of applied.

Each problem has its own words and advice (:class:`Problem`). Only real damage
suggests ``--reset-history``, and only damage confirmed by a second, locked read
may ever lead to moving the file aside: a busy, read-only, full, foreign or
newer history is never moved.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path

from stretchcoach.errors import ExitCode, StretchcoachError, os_problem
from stretchcoach.history import db as history
from stretchcoach.history.errors import (
    HistoryError,
    Problem,
    damaged,
    from_os_error,
    from_sqlite,
    guarded,
    not_a_directory,
)
from stretchcoach.history.errors import cannot_write as _cannot_write
from stretchcoach.history.errors import read_only_mount as _read_only_mount

OPEN_WAIT_MS = 2_000  # before a routine: how long creating or migrating waits for another writer
READ_WAIT_MS = 2_000  # `history`: how long a read waits (WAL readers only wait while a WAL is recovered)
SIDE_FILES = ("-wal", "-shm", "-journal")


# -- what is at the path -------------------------------------------------------------------


def _look(path: Path) -> bool:
    """Check the history's path and its side files without changing anything; True if it exists."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise from_os_error(path, exc) from None
    for name, found in [(path, info), *((path.with_name(path.name + s), None) for s in SIDE_FILES)]:
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


def _make_directory(directory: Path, path: Path) -> None:
    """Create ``directory`` and any missing parents, each owner-only."""
    missing: list[Path] = []
    current = directory
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
            raise from_os_error(path, exc) from None
        if not stat.S_ISDIR(info.st_mode):
            raise not_a_directory(path)
        break
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not stat.S_ISDIR(os.stat(folder).st_mode):
                raise not_a_directory(path) from None
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM) or _read_only_mount(folder):
                raise from_os_error(path, exc) from None
            raise HistoryError(
                path,
                Problem.READ_ONLY,
                f"cannot make the directory {folder} for the history: {folder.parent} is not writable for you. "
                "Make it writable, or set STRETCHCOACH_HOME to a directory you can write to; nothing was changed.",
            ) from None


def _create(path: Path) -> None:
    """Create an empty, owner-only file at ``path`` (never through a link)."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        os.close(os.open(path, flags, 0o600))
    except FileExistsError:
        _look(path)  # someone else made it meanwhile: check it like any other
    except OSError as exc:
        raise from_os_error(path, exc) from None


def _keep_private(path: Path) -> None:
    """The history is readable by its owner only; SQLite gives -wal and -shm the file's own mode."""
    for name in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        with contextlib.suppress(OSError):
            info = os.lstat(name)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & 0o077:
                os.chmod(name, stat.S_IMODE(info.st_mode) & 0o700)


# -- whose database it is -------------------------------------------------------------------


class Kind(Enum):
    EMPTY = "empty"  # nothing in it yet: a new history
    OURS = "ours"
    LEGACY = "legacy"  # stretchcoach's, from before the application id: adopted by a migration
    FOREIGN = "foreign"
    NEWER = "newer"
    BROKEN = "broken"  # marked as stretchcoach's, but its tables are not what it made


@dataclass(frozen=True)
class Identity:
    kind: Kind
    applied: tuple[str, ...] = ()
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.kind in (Kind.EMPTY, Kind.OURS, Kind.LEGACY)


def _reference(names: tuple[str, ...]) -> dict[str, list[tuple[object, ...]]]:
    """The columns of each table, as the migrations ``names`` make them."""
    return _made_by(tuple(m for m in history.MIGRATIONS if m.__name__ in names))


@cache
def _made_by(migrations: tuple[Callable[[sqlite3.Connection], None], ...]) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(":memory:")
    try:
        for migration in migrations:
            migration(db)
        db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        return {table: _columns(db, table) for table in _tables(db)}
    finally:
        db.close()


def _tables(db: sqlite3.Connection) -> set[str]:
    return {
        r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    }


def _columns(db: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    return [(r[1], r[2].upper(), r[3], r[5]) for r in db.execute(f'PRAGMA table_info("{table}")')]


def identify(db: sqlite3.Connection) -> Identity:
    """Whose database ``db`` is, from its header fields and its schema (reads only)."""
    (app_id,) = db.execute("PRAGMA application_id").fetchone()
    (version,) = db.execute("PRAGMA user_version").fetchone()
    objects = db.execute("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]
    known = [m.__name__ for m in history.MIGRATIONS]
    if app_id not in (0, history.APPLICATION_ID):
        return Identity(Kind.FOREIGN, detail=f"it is another program's SQLite database (application id {app_id:#x})")
    if app_id == 0 and objects == 0 and version == 0:
        return Identity(Kind.EMPTY)
    tables = _tables(db)
    applied = tuple(history.applied_migrations(db)) if "migrations" in tables else ()
    if app_id == 0:
        legacy = _reference(tuple(known[:1]))
        if version != 0 or tables != set(legacy) or any(_columns(db, t) != legacy[t] for t in legacy):
            shown = ", ".join(sorted(tables)[:5]) or "no tables"
            return Identity(Kind.FOREIGN, detail=f"it is another SQLite database (its tables: {shown})")
        if any(name not in known for name in applied):
            return Identity(Kind.NEWER, applied, detail=str(len(applied)))
        return Identity(Kind.LEGACY, applied)
    if any(name not in known for name in applied) or version > len(known):
        return Identity(Kind.NEWER, applied, detail=str(max(version, len(applied))))
    expected = _reference(applied)
    if "migrations" not in tables or any(t not in tables or _columns(db, t) != cols for t, cols in expected.items()):
        return Identity(Kind.BROKEN, applied)
    return Identity(Kind.OURS, applied)


def _uri(path: Path, **query: str) -> str:
    return path.absolute().as_uri() + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _view(path: Path, **query: str) -> Identity:
    db = sqlite3.connect(_uri(path, **query), uri=True, isolation_level=None, timeout=READ_WAIT_MS / 1000)
    try:
        return identify(db)
    finally:
        db.close()


def _side_file_size(path: Path, suffix: str) -> int:
    try:
        return os.stat(path.with_name(path.name + suffix)).st_size
    except OSError:
        return 0


def inspect(path: Path) -> Identity:
    """Whose database the existing file at ``path`` is, refusing what stretchcoach must not use."""
    has_wal = _side_file_size(path, "-wal") > 0
    try:
        main = _view(path, mode="ro", immutable="1")  # the main file alone: no -wal, no locks, nothing created
    except sqlite3.Error as exc:
        if not history.is_damage(exc):
            raise from_sqlite(path, exc) from None
        # Damage seen without locks is damage only if a locked read sees it too (a checkpoint
        # may have been writing the main file just then).
        main = Identity(Kind.BROKEN) if has_wal else _locked_view(path)
    if main.kind in (Kind.FOREIGN, Kind.NEWER):
        _refuse(path, main)
    if main.kind in (Kind.OURS, Kind.LEGACY) and _hot_journal(path):
        journal = path.with_name(path.name + "-journal")
        raise HistoryError(
            path,
            Problem.FOREIGN_SIDE_FILE,
            f"{journal} is not stretchcoach's (its history never has a rollback journal), and opening the "
            f"history would apply it. Both were left untouched; back up both files before you decide what to "
            "do with them.",
        )
    if not has_wal:
        _refuse(path, main)
        return main
    whole = _locked_view(path)  # with the -wal: what SQLite would make of it
    wal_is_foreign = whole.kind in (Kind.FOREIGN, Kind.BROKEN) or (
        whole.kind is Kind.EMPTY or (whole.kind is Kind.LEGACY and main.kind is Kind.OURS)
    )
    if wal_is_foreign and main.kind in (Kind.OURS, Kind.LEGACY):
        wal = path.with_name(path.name + "-wal")
        raise HistoryError(
            path,
            Problem.FOREIGN_SIDE_FILE,
            f"{wal} does not belong to the history beside it: reading it would turn the history into another "
            f"database. Both were left untouched; move {wal} (and {path.name}-shm, if there) away, then try again.",
        )
    _refuse(path, whole)
    return whole


def _hot_journal(path: Path) -> bool:
    """A -journal SQLite would play back into the file on opening it for writing.

    A stretchcoach history is in WAL mode and never has one, except for a moment
    while a new (still empty) history is switched to WAL.
    """
    if _side_file_size(path, "-journal") == 0:
        return False
    try:
        _view(path, mode="ro")
    except sqlite3.Error as exc:
        return getattr(exc, "sqlite_errorcode", 0) == sqlite3.SQLITE_READONLY_ROLLBACK
    return False


def _locked_view(path: Path) -> Identity:
    try:
        return _view(path, mode="ro")
    except sqlite3.Error as exc:
        raise from_sqlite(path, exc) from None


def _refuse(path: Path, identity: Identity) -> None:
    if identity.kind is Kind.FOREIGN:
        raise HistoryError(
            path,
            Problem.FOREIGN,
            f"{path} is not a stretchcoach history: {identity.detail}. It was left untouched; move it "
            "elsewhere, or set STRETCHCOACH_HOME to another directory.",
        )
    if identity.kind is Kind.NEWER:
        raise HistoryError(
            path,
            Problem.NEWER,
            f"history database {path} was written by a newer stretchcoach (history version {identity.detail}; "
            f"this one knows up to {len(history.MIGRATIONS)}). It was left untouched; upgrade stretchcoach "
            "to use it.",
        )
    if identity.kind is Kind.BROKEN:
        raise damaged(path, "its tables are not the ones stretchcoach made")


# -- opening ---------------------------------------------------------------------------------


def open_for_writing(path: Path) -> sqlite3.Connection:
    """Open the history at ``path`` for a routine: created if missing, checked, migrated.

    Raises :class:`HistoryError`, having changed nothing, unless the file is a new
    one or stretchcoach's own and writable. A busy database is not an error here
    unless it must be created or migrated, which waits up to ``OPEN_WAIT_MS``.
    """
    _make_directory(path.parent, path)
    if not _look(path):
        _create(path)
    identity = inspect(path)
    if not os.access(path, os.W_OK):  # else SQLite opens it read-only, and leaves a -wal and -shm to say so
        raise _cannot_write(path, PermissionError(errno.EACCES, "read-only"))
    try:
        db = sqlite3.connect(_uri(path, mode="rw"), uri=True, isolation_level=None, timeout=OPEN_WAIT_MS / 1000)
    except sqlite3.Error as exc:
        raise from_sqlite(path, exc) from None
    try:
        _check_writable(db, path)
        _keep_private(path)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: committed data survives a killed process
        db.execute("PRAGMA foreign_keys = ON")
        if identity.kind is not Kind.OURS or len(identity.applied) < len(history.MIGRATIONS):
            history.migrate(db)
            _refuse(path, identify(db))  # someone else migrated it meanwhile?
    except sqlite3.Error as exc:
        db.close()
        raise from_sqlite(path, exc) from None
    except HistoryError:
        db.close()
        raise
    return db


def _check_writable(db: sqlite3.Connection, path: Path) -> None:
    """Take and drop the write lock: a read-only file fails here, before anything is asked or done."""
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.Error as exc:
        if not history.is_busy(exc):  # busy is fine: the routine saves when it is free
            raise
    finally:
        db.execute(f"PRAGMA busy_timeout = {OPEN_WAIT_MS}")


def open_for_reading(path: Path) -> sqlite3.Connection | None:
    """Open the history for ``history``: None if there is none. Never creates, migrates or locks for writing.

    A history that cannot be written (a read-only file or directory, a full disk)
    is still read: if no ``-wal`` holds anything, as the main file is; else
    through SQLite's read-only view. (Only a read-write connection removes the
    ``-wal`` and ``-shm`` it makes as it closes, so it is the first choice.)
    """
    if not _look(path):
        return None
    identity = inspect(path)
    if identity.kind is Kind.EMPTY:
        return None
    errors: list[sqlite3.Error] = []
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    tries = [{"mode": "rw"}] if writable else []
    if _side_file_size(path, "-wal") == 0:
        tries.append({"mode": "ro", "immutable": "1"})
    tries.append({"mode": "ro"})
    for query in tries:
        try:
            db = sqlite3.connect(_uri(path, **query), uri=True, isolation_level=None, timeout=READ_WAIT_MS / 1000)
        except sqlite3.Error as exc:
            errors.append(exc)
            continue
        try:
            db.execute("SELECT count(*) FROM sessions").fetchone()
        except sqlite3.Error as exc:
            db.close()
            errors.append(exc)
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code not in _TRY_ANOTHER_WAY:
                break  # the next way of reading would meet the same
            continue
        return db
    raise from_sqlite(path, errors[-1])


# No room, or no right, to make the -wal and -shm a read-write reader uses: read another way.
_TRY_ANOTHER_WAY = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL)


def check_integrity(db: sqlite3.Connection, path: Path) -> None:
    """The full check (reads every page), for when the user asks to repair the history."""
    with guarded(path):
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise damaged(path, "the integrity check found broken pages: " + "; ".join(problems[:3]))


def still_damaged(path: Path) -> bool:
    """A second look, with locks and the -wal, before anything is moved aside.

    Read-write, though it only reads: a read-only connection would leave behind the
    -wal and -shm it makes, where a read-write one removes them as it closes.
    """
    try:
        db = sqlite3.connect(_uri(path, mode="rw"), uri=True, isolation_level=None, timeout=READ_WAIT_MS / 1000)
    except sqlite3.Error as exc:
        return history.is_damage(exc)
    try:
        broken_pages = [row[0] for row in db.execute("PRAGMA quick_check")] != ["ok"]
        return broken_pages or identify(db).kind is Kind.BROKEN
    except sqlite3.Error as exc:
        return history.is_damage(exc)
    finally:
        db.close()


def move_aside(path: Path, *, now: datetime) -> Path:
    """Rename a damaged database (and its -wal, -shm and -journal) to a timestamped name; return it."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while any(os.path.lexists(target.with_name(target.name + suffix)) for suffix in ("", *SIDE_FILES)):
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, target)
        for suffix in SIDE_FILES:  # a journal left beside a new history would be played back into it
            extra = path.with_name(path.name + suffix)
            if os.path.lexists(extra):
                os.replace(extra, target.with_name(target.name + suffix))
    except OSError as exc:
        raise StretchcoachError(f"cannot move {path} aside: {os_problem(exc)}", exit_code=ExitCode.RUNTIME) from None
    return target
