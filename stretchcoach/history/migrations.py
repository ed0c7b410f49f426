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


# m004's summaries: what one row of a table counts for in the summary above it, by column
# (``R`` is the row). A step counts only if it is stretching, a hold or a phase.
STRETCHING = "R.kind IN ('hold', 'phase')"
SESSION_COUNTS = {"steps_done": "R.status = 'done'", "steps_skipped": "R.status IN ('skipped', 'partial')"}
STRETCH_COUNTS = {
    "steps": "1",
    "done": "R.status = 'done'",
    "centiseconds": "CAST(round(R.seconds * 100) AS INTEGER)",  # whole numbers add up exactly
    "holds_done": "R.kind = 'hold' AND R.status = 'done'",
    "sides_missed": "R.kind = 'hold' AND R.side IS NOT NULL AND R.status != 'done'",
}
DAY_COUNTS = {"steps": "R.steps", "completed": "R.steps > 0 AND R.done = R.steps", "centiseconds": "R.centiseconds"}


def _of(row: str, expression: str) -> str:
    return expression.replace("R.", f"{row}.")


def _upsert(table: str, keys: dict[str, str], counts: dict[str, str], *, row: str, sign: str) -> str:
    """Add (``sign`` ``+``) or take away (``-``) what ``row`` counts for in ``table``'s row of ``keys``."""
    columns = [*keys, *counts]
    values = [_of(row, e) for e in keys.values()] + [f"{sign}({_of(row, e)})" for e in counts.values()]
    conflict = ", ".join(k for k in keys if k != "started_at")
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"
        f" ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(f'{c} = {c} + excluded.{c}' for c in counts)};"
    )


def _triggers(table: str, when: str, columns: str, body: Callable[[str, str], str]) -> list[str]:
    """Triggers that keep a summary of ``table``: a row added counts, a row removed no longer
    does, and a row changed in any of ``columns`` counts as it is now instead of as it was."""
    made = [("added", "INSERT", "NEW", "+"), ("removed", "DELETE", "OLD", "-")]
    made += [("changed_from", f"UPDATE OF {columns}", "OLD", "-"), ("changed_to", f"UPDATE OF {columns}", "NEW", "+")]
    return [
        f"CREATE TRIGGER {table}_{name} AFTER {event} ON {table}"
        f"{f' WHEN {_of(row, when)}' if when else ''} BEGIN {body(row, sign)} END"
        for name, event, row, sign in made
    ]


def _session_counts(session_id: str) -> dict[str, str]:
    """SQL for each of the SESSION_COUNTS of the session ``session_id``, counted from its steps."""
    return {
        column: f"(SELECT coalesce(sum({e}), 0) FROM main.steps R WHERE R.session_id = {session_id} AND {STRETCHING})"
        for column, e in SESSION_COUNTS.items()
    }


def _make_summaries(db: sqlite3.Connection, schema: str) -> None:
    """m004's tables of summaries, in ``schema`` (main, or temp), filled from the steps."""
    db.execute(
        f"""CREATE TABLE {schema}.session_stretches (
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            stretch TEXT NOT NULL,
            started_at TEXT NOT NULL,           -- the session's: a window is read without a join
            steps INTEGER NOT NULL,             -- its holds and phases
            done INTEGER NOT NULL,              -- ... those done
            centiseconds INTEGER NOT NULL,      -- ... the time spent in them
            holds_done INTEGER NOT NULL,
            sides_missed INTEGER NOT NULL,      -- holds of one side not done
            PRIMARY KEY (session_id, stretch)
        ) WITHOUT ROWID"""
    )
    db.execute(
        f"""CREATE TABLE {schema}.day_stretches (
            day TEXT NOT NULL,                  -- the UTC day the sessions started
            stretch TEXT NOT NULL,
            steps INTEGER NOT NULL,             -- its holds and phases
            completed INTEGER NOT NULL,         -- sessions that did every one of them
            centiseconds INTEGER NOT NULL,
            PRIMARY KEY (day, stretch)
        ) WITHOUT ROWID"""
    )
    db.execute(
        f"""INSERT INTO {schema}.session_stretches
            SELECT R.session_id, R.stretch, s.started_at, {", ".join(f"sum({e})" for e in STRETCH_COUNTS.values())}
            FROM main.steps R JOIN main.sessions s ON s.id = R.session_id WHERE {STRETCHING}
            GROUP BY R.session_id, R.stretch"""
    )
    db.execute(
        f"""INSERT INTO {schema}.day_stretches
            SELECT {_DAY}, R.stretch, {", ".join(f"sum({e})" for e in DAY_COUNTS.values())}
            FROM {schema}.session_stretches R GROUP BY 1, 2"""
    )


_DAY = "substr(R.started_at, 1, 10)"


def m004_summaries(db: sqlite3.Connection) -> None:
    """Summaries that `history` reads instead of every step, kept by triggers as steps are
    inserted, updated or deleted (by stretchcoach or by hand; not through ``INSERT OR REPLACE``,
    whose implicit delete fires no trigger), and the indexes of the report's queries
    (:mod:`stretchcoach.history.queries`):

    * each session's stretching steps done and skipped, in its own row;
    * ``session_stretches``: for each stretch of a session, its stretching steps, those done, the
      time spent in them, and its holds done and holds of a side not done;
    * ``day_stretches``: for each UTC day and stretch, the sessions that did it fully and the time.
    """
    for column in SESSION_COUNTS:
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    counted = _session_counts("sessions.id")
    db.execute(f"UPDATE sessions SET {', '.join(f'{c} = {e}' for c, e in counted.items())}")
    _make_summaries(db, "main")
    days = {"day": _DAY, "stretch": "R.stretch"}
    for trigger in _triggers(
        "session_stretches",
        "",
        "started_at, stretch, steps, done, centiseconds",  # what DAY_COUNTS reads
        lambda row, sign: _upsert("day_stretches", days, DAY_COUNTS, row=row, sign=sign),
    ):
        db.execute(trigger)
    stretches = {
        "session_id": "R.session_id",
        "stretch": "R.stretch",
        "started_at": "(SELECT started_at FROM sessions WHERE id = R.session_id)",
    }

    def steps_body(row: str, sign: str) -> str:
        counts = ", ".join(f"{c} = {c} {sign} ({_of(row, e)})" for c, e in SESSION_COUNTS.items())
        return f"UPDATE sessions SET {counts} WHERE id = {row}.session_id; " + _upsert(
            "session_stretches", stretches, STRETCH_COUNTS, row=row, sign=sign
        )

    for trigger in _triggers("steps", STRETCHING, "session_id, kind, stretch, side, status, seconds", steps_body):
        db.execute(trigger)
    db.execute(
        """CREATE TRIGGER sessions_moved AFTER UPDATE OF started_at ON sessions BEGIN
            UPDATE session_stretches SET started_at = NEW.started_at WHERE session_id = NEW.id;
        END"""
    )
    # A window's stretches: the sessions at its start (before a whole day), and those done on one side.
    db.execute(
        "CREATE INDEX session_stretches_started ON session_stretches (started_at, stretch, steps, done, centiseconds)"
    )
    db.execute(
        "CREATE INDEX session_stretches_one_sided ON session_stretches (started_at)"
        " WHERE holds_done > 0 AND sides_missed > 0"
    )
    # The latest routine that made pain worse, for the rule (those stopped with "this hurts" are
    # found through sessions_days).
    db.execute("CREATE INDEX sessions_rise ON sessions (pain_after - pain_before)")


def read_without_summaries(db: sqlite3.Connection) -> None:
    """Let a history from before m004 be read as a newer one is, without changing it: its
    summaries are made for this connection only, in its temporary schema, and `sessions` is a
    view there that counts each session's steps. (Its first routine migrates it for good.)"""
    db.execute("PRAGMA temp_store = MEMORY")  # nothing written beside the history, wherever it is
    _make_summaries(db, "temp")
    counted = ", ".join(f"{e} AS {c}" for c, e in _session_counts("s.id").items())
    db.execute(f"CREATE TEMP VIEW sessions AS SELECT s.*, {counted} FROM main.sessions s")


def summarised(db: sqlite3.Connection) -> bool:
    """Whether this history has m004's summaries of its own."""
    return m004_summaries.__name__ in applied_migrations(db)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_application_id,
    m003_rule_events,
    m004_summaries,
]

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
