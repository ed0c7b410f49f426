"""Session history: SQLite in WAL mode, written step by step while a routine runs.

Every write is its own committed transaction, so a routine ended by Ctrl-C,
SIGTERM or ``kill -9`` keeps everything up to its last saved step. Schema
changes are an append-only list of migrations, each recorded once applied; the
file is marked as stretchcoach's (``PRAGMA application_id``) and carries the
number of migrations it has seen (``PRAGMA user_version``).

Opening the file, and everything that can be wrong with it, is in
:mod:`stretchcoach.history_file`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from stretchcoach.core.plan import Plan
from stretchcoach.core.session import RoutineSession
from stretchcoach.localtime import local

APPLICATION_ID = 0x53744368  # "StCh": PRAGMA application_id of every stretchcoach history


# -- migrations: append only; never edit one that has shipped -------------------------


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
    """Mark the file as stretchcoach's: histories made before this have no application id."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_application_id]


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
        db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = set(applied_migrations(db))
        for migration in MIGRATIONS:
            if migration.__name__ not in done:
                migration(db)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (migration.__name__, _iso(datetime.now(UTC))))
                applied.append(migration.__name__)
        if applied:
            (count,) = db.execute("SELECT count(*) FROM migrations").fetchone()
            db.execute(f"PRAGMA user_version = {int(count)}")
    return applied


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed whole, or rolled back whole (a failed COMMIT too)."""
    db.execute("BEGIN IMMEDIATE")  # take the write lock first: concurrent starts stay consistent
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed, owner-only) and migrate the history at ``path`` for writing."""
    from stretchcoach.history.files import open_for_writing

    return open_for_writing(path)


# -- why a write failed, in a few words ------------------------------------------------


def is_busy(exc: sqlite3.Error) -> bool:
    """Another connection holds the lock: a later try may well succeed."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_damage(exc: sqlite3.Error) -> bool:
    """The file itself is broken: trying again cannot help, and writing more could harm it."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


# -- recording a routine ---------------------------------------------------------------

Row = tuple[str, str, str, int, int | None]  # started_at, local_day, routine, planned_seconds, pain_before
End = tuple[str | None, str, float, str | None]  # outcome, ended_at, active_seconds, note


class Recorder:
    """Keeps what one routine has done, and saves it to the history whenever it can.

    What is wanted is kept in memory; what is saved is marked so only after its
    transaction commits. A save that cannot happen now (the database is busy, the
    disk is full) loses nothing: the next :meth:`save` writes everything still
    unsaved, the session row itself included. Writes never wait for a lock
    (``busy_timeout`` 0): whoever drives the recorder decides how long to keep
    trying (see :mod:`stretchcoach.history.saving`).
    """

    def __init__(self, db: sqlite3.Connection, plan: Plan, *, started_at: datetime, pain_before: int | None) -> None:
        self.db = db
        self.plan = plan
        self.session_id: int | None = None
        self.failure: sqlite3.Error | None = None  # why the last save failed; None once one succeeds
        self.gave_up = False  # the database is damaged: no more writes to it
        self._row: Row = (
            _iso(started_at),
            local(started_at).date().isoformat(),
            plan.routine.id,
            plan.total_seconds,
            pain_before,
        )
        self._steps: dict[int, tuple[str, float]] = {}  # wanted, where not "planned, 0 s"
        self._saved_steps: dict[int, tuple[str, float]] = {}
        self._end: End | None = None
        self._saved_end: End | None = None
        self._pain_after: int | None = None
        self._saved_pain_after: int | None = None

    @classmethod
    def start(cls, db: sqlite3.Connection, plan: Plan, *, started_at: datetime, pain_before: int | None) -> Recorder:
        """A recorder for a routine starting now, its session row saved if the database lets it."""
        db.execute("PRAGMA busy_timeout = 0")  # never sleep in SQLite while the timer runs
        recorder = cls(db, plan, started_at=started_at, pain_before=pain_before)
        recorder.save()
        return recorder

    @property
    def saved(self) -> bool:
        """Everything wanted so far is committed."""
        return self.session_id is not None and not self._unsaved_steps() and self._unsaved_rest() == (None, None)

    def observe(self, session: RoutineSession) -> bool:
        """Take every step's status and time; save what changed. True if all is saved."""
        for record in session.records:
            status = record.status.value if record.status else ("partial" if record.seconds >= 0.05 else "planned")
            self._steps[record.index] = (status, round(record.seconds, 2))
        return self.save()

    def finish(self, session: RoutineSession, *, ended_at: datetime) -> bool:
        note = None
        if session.hurt_step is not None:
            step = session.hurt_step
            note = f"this hurts: {step.stretch.id}" + (f" ({step.side.value} side)" if step.side else "")
        self._end = (
            session.outcome.value if session.outcome else None,
            _iso(ended_at),
            round(session.active_seconds(), 2),
            note,
        )
        return self.observe(session)

    def pain_after(self, pain: int) -> bool:
        self._pain_after = pain
        return self.save()

    def save(self) -> bool:
        """Write everything not yet saved, in one transaction. True if all is saved now."""
        if self.gave_up:
            return False
        steps = self._unsaved_steps()
        end, pain_after = self._unsaved_rest()
        if self.session_id is not None and not steps and end is None and pain_after is None:
            return True
        try:
            with transaction(self.db):
                session_id = self.session_id if self.session_id is not None else self._insert_session()
                self.db.executemany(
                    "UPDATE steps SET status = ?, seconds = ? WHERE session_id = ? AND idx = ?",
                    [(status, seconds, session_id, index) for index, (status, seconds) in steps.items()],
                )
                if end is not None:
                    self.db.execute(
                        "UPDATE sessions SET outcome = ?, ended_at = ?, active_seconds = ?, note = ? WHERE id = ?",
                        (*end, session_id),
                    )
                if pain_after is not None:
                    self.db.execute("UPDATE sessions SET pain_after = ? WHERE id = ?", (pain_after, session_id))
        except sqlite3.Error as exc:
            self.failure = exc
            self.gave_up = is_damage(exc)
            return False
        # Committed: only now does any of it count as saved.
        self.session_id = session_id
        self._saved_steps.update(steps)
        if end is not None:
            self._saved_end = end
        if pain_after is not None:
            self._saved_pain_after = pain_after
        self.failure = None
        return True

    def _unsaved_steps(self) -> dict[int, tuple[str, float]]:
        return {i: state for i, state in self._steps.items() if self._saved_steps.get(i, ("planned", 0.0)) != state}

    def _unsaved_rest(self) -> tuple[End | None, int | None]:
        end = self._end if self._end != self._saved_end else None
        pain = self._pain_after if self._pain_after != self._saved_pain_after else None
        return end, pain

    def _insert_session(self) -> int:
        cursor = self.db.execute(
            "INSERT INTO sessions (started_at, local_day, routine, planned_seconds, pain_before)"
            " VALUES (?, ?, ?, ?, ?)",
            self._row,
        )
        session_id = cursor.lastrowid
        assert session_id is not None
        self.db.executemany(
            "INSERT INTO steps (session_id, idx, kind, stretch, side, rep, planned_seconds) VALUES (?,?,?,?,?,?,?)",
            [
                (session_id, i, s.kind.value, s.stretch.id, s.side.value if s.side else None, s.rep, s.seconds)
                for i, s in enumerate(self.plan.steps)
            ],
        )
        return session_id


# -- reading it back --------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    id: int
    started_at: datetime
    routine: str
    planned_seconds: int
    active_seconds: float
    pain_before: int | None
    pain_after: int | None
    outcome: str | None  # None: never finished (killed, or still running)
    note: str | None
    done: int
    skipped: int

    CSV_FIELDS: ClassVar[list[str]] = [
        "id",
        "started_at",
        "routine",
        "planned_seconds",
        "active_seconds",
        "pain_before",
        "pain_after",
        "outcome",
        "note",
        "steps_done",
        "steps_skipped",
    ]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "routine": self.routine,
            "planned_seconds": self.planned_seconds,
            "active_seconds": self.active_seconds,
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "outcome": self.outcome or "unfinished",
            "note": self.note,
            "steps_done": self.done,
            "steps_skipped": self.skipped,
        }


def recent_sessions(db: sqlite3.Connection, *, since: datetime) -> list[SessionRow]:
    rows = db.execute(
        """SELECT s.id, s.started_at, s.routine, s.planned_seconds, s.active_seconds, s.pain_before,
                  s.pain_after, s.outcome, s.note,
                  (SELECT count(*) FROM steps t WHERE t.session_id = s.id AND t.status = 'done'
                     AND t.kind IN ('hold', 'phase')),
                  (SELECT count(*) FROM steps t WHERE t.session_id = s.id AND t.status IN ('skipped', 'partial')
                     AND t.kind IN ('hold', 'phase'))
           FROM sessions s WHERE s.started_at >= ? ORDER BY s.started_at, s.id""",
        (_iso(since),),
    )
    return [SessionRow(r[0], parse_time(r[1]), *r[2:]) for r in rows]


def checkins(db: sqlite3.Connection, *, since: datetime) -> list[tuple[datetime, int]]:
    rows = db.execute(
        "SELECT started_at, pain_before FROM sessions WHERE started_at >= ? AND pain_before IS NOT NULL",
        (_iso(since),),
    )
    return [(parse_time(at), pain) for at, pain in rows]


def completed_days(db: sqlite3.Connection) -> list[date]:
    """Calendar days (where the person was) with at least one completed routine."""
    rows = db.execute("SELECT DISTINCT local_day FROM sessions WHERE outcome = 'completed' ORDER BY 1")
    return [date.fromisoformat(r[0]) for r in rows]


def stretch_totals(db: sqlite3.Connection, *, since: datetime) -> list[tuple[str, int, float]]:
    """(stretch id, sessions that did it fully, seconds spent) per stretch."""
    rows = db.execute(
        """SELECT t.stretch,
                  count(DISTINCT CASE WHEN NOT EXISTS (
                      SELECT 1 FROM steps u WHERE u.session_id = t.session_id AND u.stretch = t.stretch
                        AND u.kind IN ('hold', 'phase') AND u.status != 'done') THEN t.session_id END),
                  sum(t.seconds)
           FROM steps t JOIN sessions s ON s.id = t.session_id
           WHERE s.started_at >= ? AND t.kind IN ('hold', 'phase')
           GROUP BY t.stretch ORDER BY sum(t.seconds) DESC""",
        (_iso(since),),
    )
    return [(r[0], r[1], r[2] or 0.0) for r in rows]


def one_sided(db: sqlite3.Connection, *, since: datetime) -> list[tuple[datetime, str, str]]:
    """(session start, stretch id, side left out) where only some sides were done."""
    rows = db.execute(
        """SELECT s.started_at, t.stretch, t.side FROM steps t JOIN sessions s ON s.id = t.session_id
           WHERE s.started_at >= ? AND t.kind = 'hold' AND t.side IS NOT NULL AND t.status != 'done'
             AND EXISTS (SELECT 1 FROM steps u WHERE u.session_id = t.session_id AND u.stretch = t.stretch
                         AND u.kind = 'hold' AND u.status = 'done')
           ORDER BY s.started_at""",
        (_iso(since),),
    )
    return [(parse_time(r[0]), r[1], r[2]) for r in rows]
