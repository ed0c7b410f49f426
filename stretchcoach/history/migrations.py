"""The history's schema: an append-only list of migrations, each recorded once applied.

Never edit a migration that has shipped: add a new one at the end. ``tests/data/history-schema.sql``
is what applying them all makes; ``tests/test_history_migrations.py`` holds every version to it.
The file carries stretchcoach's mark (``PRAGMA application_id``) and the number of migrations
it has seen (``PRAGMA user_version``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from stretchcoach.history.sql import stored_time, transaction

APPLICATION_ID = 0x53744368  # "StCh": PRAGMA application_id of every stretchcoach history


def m001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,           -- UTC, ISO 8601
            local_day TEXT NOT NULL,            -- the calendar day where it was done, for streaks
            routine TEXT NOT NULL,
            planned_seconds INTEGER NOT NULL,   -- the planned steps are rows of `steps`
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            outcome TEXT,                       -- NULL until it ends (or if it was killed)
            ended_at TEXT,
            active_seconds REAL NOT NULL DEFAULT 0,
            note TEXT
        )"""
    )
    db.execute("CREATE INDEX sessions_started ON sessions (started_at)")
    db.execute("CREATE INDEX sessions_days ON sessions (outcome, local_day)")
    db.execute(
        """CREATE TABLE steps (
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            idx INTEGER NOT NULL,
            kind TEXT NOT NULL,
            stretch TEXT NOT NULL,
            side TEXT,
            rep INTEGER,
            planned_seconds INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'planned',  -- planned, done, skipped, partial
            seconds REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (session_id, idx)
        ) WITHOUT ROWID"""
    )


def m002_application_id(db: sqlite3.Connection) -> None:
    """Mark the file as stretchcoach's (a history with only m001 applied has no application id)."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def m003_rule_events(db: sqlite3.Connection) -> None:
    """What the person told stretchcoach about the rule: that they saw a doctor, or that they
    chose to do a routine anyway while it said stop (and why it said so)."""
    db.execute(
        """CREATE TABLE rule_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,                   -- UTC, ISO 8601
            kind TEXT NOT NULL CHECK (kind IN ('seen-doctor', 'went-on')),
            reason TEXT                         -- went-on: worsened, hurt or persists
        )"""
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_application_id, m003_rule_events]

MIGRATIONS_TABLE = "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"


def applied_migrations(db: sqlite3.Connection) -> list[str]:
    """Names of the migrations this database has seen, oldest first ([] if it has none)."""
    if db.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'migrations'").fetchone() is None:
        return []
    return [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY rowid")]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations this database has not seen; return their names.

    All in one transaction; ``user_version`` ends up as the number of migrations applied.
    """
    applied: list[str] = []
    with transaction(db):
        db.execute(MIGRATIONS_TABLE)
        done = set(applied_migrations(db))
        for migration in MIGRATIONS:
            if migration.__name__ not in done:
                migration(db)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (migration.__name__, stored_time(datetime.now(UTC))))
                applied.append(migration.__name__)
        if applied:
            (count,) = db.execute("SELECT count(*) FROM migrations").fetchone()
            db.execute(f"PRAGMA user_version = {int(count)}")
    return applied
