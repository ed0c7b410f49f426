"""Whose database a file is, found by reading only: a new one, stretchcoach's (marked, or from
before the mark), someone else's, a newer stretchcoach's, or stretchcoach's but damaged.

The main file is read on its own first (SQLite's ``immutable`` view, which neither applies nor
creates a ``-wal``), then, if a ``-wal`` is there, with it (read-only), so a ``-wal`` that
would turn the history into some other database is refused instead of applied. Damage seen
without locks counts only if a locked read sees it too: a checkpoint may have been writing the
main file just then.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

from stretchcoach.history import migrations
from stretchcoach.history.errors import HistoryError, damage_error, history_error
from stretchcoach.history.files import open_sqlite, side_file, side_file_size
from stretchcoach.history.problems import Problem, is_damage, is_hot_journal

Columns = list[tuple[object, ...]]  # (name, type, not null, part of the primary key) of each column


class Kind(Enum):
    EMPTY = "empty"  # nothing in it yet: a new history
    OURS = "ours"
    LEGACY = "legacy"  # stretchcoach's, from before the application id: adopted by a migration
    FOREIGN = "foreign"
    NEWER = "newer"
    DAMAGED = "damaged"  # marked as stretchcoach's, but its tables are not what its migrations made


@dataclass(frozen=True)
class Identity:
    kind: Kind
    applied: tuple[str, ...] = ()  # the migrations it records
    version: int = 0  # NEWER: the history version it has
    application_id: int = 0  # FOREIGN: another program's mark, if it has one
    tables: tuple[str, ...] = ()  # FOREIGN without a mark: its first few tables

    @property
    def usable(self) -> bool:
        return self.kind in (Kind.EMPTY, Kind.OURS, Kind.LEGACY)


def identify(db: sqlite3.Connection) -> Identity:
    """Whose database ``db`` is, from its header fields and its schema (reads only)."""
    (app_id,) = db.execute("PRAGMA application_id").fetchone()
    (version,) = db.execute("PRAGMA user_version").fetchone()
    objects = db.execute("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]
    known = [m.__name__ for m in migrations.MIGRATIONS]
    if app_id not in (0, migrations.APPLICATION_ID):
        return Identity(Kind.FOREIGN, application_id=app_id)
    if app_id == 0 and objects == 0 and version == 0:
        return Identity(Kind.EMPTY)
    tables = _tables(db)
    applied = tuple(migrations.applied_migrations(db)) if "migrations" in tables else ()
    if app_id == 0:
        legacy = _expected_columns(tuple(known[:1]))
        if version != 0 or tables != set(legacy) or any(_columns(db, t) != legacy[t] for t in legacy):
            return Identity(Kind.FOREIGN, tables=tuple(sorted(tables)[:5]))
        if any(name not in known for name in applied):
            return Identity(Kind.NEWER, applied, version=len(applied))
        return Identity(Kind.LEGACY, applied)
    if any(name not in known for name in applied) or version > len(known):
        return Identity(Kind.NEWER, applied, version=max(version, len(applied)))
    expected = _expected_columns(applied)
    if "migrations" not in tables or any(t not in tables or _columns(db, t) != cols for t, cols in expected.items()):
        return Identity(Kind.DAMAGED, applied)
    return Identity(Kind.OURS, applied)


def _expected_columns(applied: tuple[str, ...]) -> dict[str, Columns]:
    """The columns of each table, as the migrations named ``applied`` make them."""
    return _columns_made_by(tuple(m for m in migrations.MIGRATIONS if m.__name__ in applied))


@cache
def _columns_made_by(steps: tuple[Callable[[sqlite3.Connection], None], ...]) -> dict[str, Columns]:
    db = sqlite3.connect(":memory:")
    try:
        for migration in steps:
            migration(db)
        db.execute(migrations.MIGRATIONS_TABLE)
        return {table: _columns(db, table) for table in _tables(db)}
    finally:
        db.close()


def _tables(db: sqlite3.Connection) -> set[str]:
    return {
        r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    }


def _columns(db: sqlite3.Connection, table: str) -> Columns:
    return [(r[1], r[2].upper(), r[3], r[5]) for r in db.execute(f'PRAGMA table_info("{table}")')]


def identify_file(path: Path) -> Identity:
    """Whose database the existing file at ``path`` is; raises :class:`HistoryError` for what
    stretchcoach must not use (and for a ``-wal`` or ``-journal`` beside it that is not its own)."""
    has_wal = side_file_size(path, "-wal") > 0
    try:
        main = _identity_of(path, immutable=True)  # the main file alone: no -wal, no locks, nothing made
    except sqlite3.Error as exc:
        if not is_damage(exc):
            raise history_error(path, exc) from None
        main = Identity(Kind.DAMAGED) if has_wal else _identity_with_locks(path)
    if main.kind in (Kind.FOREIGN, Kind.NEWER):
        refuse_unusable(path, main)
    if main.kind in (Kind.OURS, Kind.LEGACY) and _has_hot_journal(path):
        raise HistoryError(
            path,
            Problem.FOREIGN_SIDE_FILE,
            f"{side_file(path, '-journal')} is not stretchcoach's (its history never has a rollback journal), and "
            "opening the history would apply it. Both were left untouched; back up both files before you decide "
            "what to do with them.",
        )
    if not has_wal:
        refuse_unusable(path, main)
        return main
    whole = _identity_with_locks(path)  # with the -wal: what SQLite would make of it
    wal_is_foreign = whole.kind in (Kind.FOREIGN, Kind.DAMAGED, Kind.EMPTY) or (
        whole.kind is Kind.LEGACY and main.kind is Kind.OURS
    )
    if wal_is_foreign and main.kind in (Kind.OURS, Kind.LEGACY):
        wal = side_file(path, "-wal")
        raise HistoryError(
            path,
            Problem.FOREIGN_SIDE_FILE,
            f"{wal} does not belong to the history beside it: reading it would turn the history into another "
            f"database. Both were left untouched; move {wal} (and {path.name}-shm, if there) away, then try again.",
        )
    refuse_unusable(path, whole)
    return whole


def _identity_of(path: Path, *, immutable: bool = False) -> Identity:
    db = open_sqlite(path, mode="ro", immutable=immutable)
    try:
        return identify(db)
    finally:
        db.close()


def _identity_with_locks(path: Path) -> Identity:
    """Read as SQLite would on opening it: with the -wal, and the locks that keep a checkpoint out."""
    try:
        return _identity_of(path)
    except sqlite3.Error as exc:
        raise history_error(path, exc) from None


def _has_hot_journal(path: Path) -> bool:
    """A -journal SQLite would play back into the file on opening it for writing.

    A stretchcoach history is in WAL mode and never has one, except for a moment
    while a new (still empty) history is switched to WAL.
    """
    if side_file_size(path, "-journal") == 0:
        return False
    try:
        _identity_of(path)
    except sqlite3.Error as exc:
        return is_hot_journal(exc)
    return False


def refuse_unusable(path: Path, identity: Identity) -> None:
    """Raise the :class:`HistoryError` for another program's, a newer or a damaged history."""
    if identity.kind is Kind.FOREIGN:
        if identity.application_id:
            whose = f"it is another program's SQLite database (application id {identity.application_id:#x})"
        else:
            whose = f"it is another SQLite database (its tables: {', '.join(identity.tables) or 'no tables'})"
        raise HistoryError(
            path,
            Problem.FOREIGN,
            f"{path} is not a stretchcoach history: {whose}. It was left untouched; move it "
            "elsewhere, or set STRETCHCOACH_HOME to another directory.",
        )
    if identity.kind is Kind.NEWER:
        raise HistoryError(
            path,
            Problem.NEWER,
            f"history database {path} was written by a newer stretchcoach (history version {identity.version}; "
            f"this one knows up to {len(migrations.MIGRATIONS)}). It was left untouched; upgrade stretchcoach "
            "to use it.",
        )
    if identity.kind is Kind.DAMAGED:
        raise damage_error(path, "its tables are not the ones stretchcoach made")
