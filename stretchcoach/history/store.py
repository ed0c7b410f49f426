"""The history, open: a :class:`HistoryStore`, opened for a routine or for reading, and checked.

Nothing is written until the file is known to be a stretchcoach history or a new, empty one
(:mod:`~stretchcoach.history.identity`). Everything here raises :class:`HistoryError`, never
an SQLite or OS error, and a :class:`HistoryStore` turns the errors of what reads through it
into one too. Only damage confirmed by a second, locked read (:func:`still_damaged`) may ever
lead to moving the file aside: a busy, read-only, full, foreign or newer history never is.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from stretchcoach.history import migrations
from stretchcoach.history.errors import HistoryError, access_error, damage_error, history_error
from stretchcoach.history.files import (
    create_empty_file,
    history_file_exists,
    keep_private,
    make_directory,
    open_sqlite,
    side_file_size,
)
from stretchcoach.history.identity import Kind, identify, identify_file, refuse_unusable
from stretchcoach.history.problems import Problem, classify, is_busy, is_damage

OPEN_WAIT_MS = 2_000  # before a routine: how long creating or migrating waits for another writer


class HistoryStore:
    """An open history: its connection, and its path, to say what is wrong with it."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self.db = db

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, with an SQLite error met while reading (a bad page, say), or a row
        that cannot be read back, raised as a :class:`HistoryError`.

        Opening checks the header and schema only: a full check reads the whole file,
        which a long history cannot afford on every start.
        """
        try:
            yield self.db
        except sqlite3.Error as exc:
            raise history_error(self.path, exc) from None
        except (ValueError, TypeError):  # a row edited by hand: a date that is not a date, say
            raise damage_error(self.path, "a row is not in stretchcoach's format") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_for_writing(path: Path) -> HistoryStore:
    """Open the history at ``path`` for a routine: created if missing, checked, migrated.

    Raises :class:`HistoryError`, having changed nothing, unless the file is a new
    one or stretchcoach's own and writable. A busy database is not an error here
    unless it must be created or migrated, which waits up to ``OPEN_WAIT_MS``.
    """
    make_directory(path)
    if not history_file_exists(path):
        create_empty_file(path)
    identity = identify_file(path)
    if not os.access(path, os.W_OK):  # else SQLite opens it read-only, and leaves a -wal and -shm to say so
        raise access_error(path)
    try:
        db = open_sqlite(path, wait_ms=OPEN_WAIT_MS, mode="rw")
    except sqlite3.Error as exc:
        raise history_error(path, exc) from None
    try:
        _check_writable(db)
        keep_private(path)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: committed data survives a killed process
        db.execute("PRAGMA foreign_keys = ON")
        if identity.kind is not Kind.OURS or len(identity.applied) < len(migrations.MIGRATIONS):
            migrations.migrate(db)
            refuse_unusable(path, identify(db))  # someone else migrated it meanwhile?
    except sqlite3.Error as exc:
        db.close()
        raise history_error(path, exc) from None
    except HistoryError:
        db.close()
        raise
    return HistoryStore(path, db)


def _check_writable(db: sqlite3.Connection) -> None:
    """Take and drop the write lock: a read-only file fails here, before anything is asked or done."""
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.Error as exc:
        if not is_busy(exc):  # busy is fine: the routine saves when it is free
            raise
    finally:
        db.execute(f"PRAGMA busy_timeout = {OPEN_WAIT_MS}")


# No room, or no right, to make the -wal and -shm a read-write reader uses: read another way.
_TRY_ANOTHER_WAY = (
    Problem.READ_ONLY,
    Problem.READ_ONLY_DIRECTORY,
    Problem.CANNOT_OPEN,
    Problem.DISK_ERROR,
    Problem.FULL,
)


def open_for_reading(path: Path) -> HistoryStore | None:
    """Open the history for ``history``: None if there is none. Never creates, migrates or locks for writing
    (a history from before the summaries gets them for this connection only).

    A history that cannot be written (a read-only file or directory, a full disk)
    is still read: if no ``-wal`` holds anything, as the main file is; else
    through SQLite's read-only view. (Only a read-write connection removes the
    ``-wal`` and ``-shm`` it makes as it closes, so it is the first choice.)
    """
    if not history_file_exists(path):
        return None
    if identify_file(path).kind is Kind.EMPTY:
        return None
    errors: list[sqlite3.Error] = []
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    ways = [("rw", False)] if writable else []  # (mode, immutable)
    if side_file_size(path, "-wal") == 0:
        ways.append(("ro", True))
    ways.append(("ro", False))
    for mode, immutable in ways:
        try:
            db = open_sqlite(path, mode=mode, immutable=immutable)
        except sqlite3.Error as exc:
            errors.append(exc)
            continue
        try:
            db.execute("SELECT (SELECT count(*) FROM sessions), (SELECT 1 FROM steps LIMIT 1)").fetchone()
            if not migrations.summarised(db):
                migrations.read_without_summaries(db)
        except sqlite3.Error as exc:
            db.close()
            errors.append(exc)
            if classify(exc) not in _TRY_ANOTHER_WAY:
                break  # the next way of reading would meet the same
            continue
        return HistoryStore(path, db)
    raise history_error(path, errors[-1])


def check_integrity(store: HistoryStore) -> None:
    """The full check (reads every page), for when the user asks to repair the history."""
    with store.reading() as db:
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise damage_error(store.path, "the integrity check found broken pages: " + "; ".join(problems[:3]))


def still_damaged(path: Path) -> bool:
    """A second look, with locks and the -wal, before anything is moved aside.

    Read-write, though it only reads: a read-only connection would leave behind the
    -wal and -shm it makes, where a read-write one removes them as it closes.
    """
    try:
        db = open_sqlite(path, mode="rw")
    except sqlite3.Error as exc:
        return is_damage(exc)
    try:
        broken_pages = [row[0] for row in db.execute("PRAGMA quick_check")] != ["ok"]
        return broken_pages or identify(db).kind is Kind.DAMAGED
    except sqlite3.Error as exc:
        return is_damage(exc)
    finally:
        db.close()
