"""Session history: SQLite in WAL mode, written step by step while a routine runs.

Every write is its own committed transaction, so a routine ended by Ctrl-C,
SIGTERM or ``kill -9`` keeps everything up to its last finished step. Schema
changes are an append-only list of migrations, each recorded once applied.
A damaged database is never deleted or overwritten: it can only be moved aside.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from .errors import ExitCode, StretchcoachError
from .plan import Plan
from .session import RoutineSession

BUSY_TIMEOUT_MS = 10_000  # two routines at once wait for each other's writes


class HistoryError(StretchcoachError):
    """The history database cannot be used; ``path`` is left exactly as it was."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"history database {path} cannot be used ({problem}); it was left untouched. "
            "Run `stretchcoach routine --reset-history` to move it aside and start a new history.",
            exit_code=ExitCode.USAGE,
        )
        self.path = path
        self.problem = problem


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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations this database has not seen; return their names."""
    applied: list[str] = []
    with _transaction(db):
        db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in db.execute("SELECT name FROM migrations")}
        for migration in MIGRATIONS:
            if migration.__name__ not in done:
                migration(db)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (migration.__name__, _iso(datetime.now(UTC))))
                applied.append(migration.__name__)
    return applied


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")  # take the write lock first: concurrent starts stay consistent
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- opening -------------------------------------------------------------------------


@contextlib.contextmanager
def guarded(path: Path) -> Iterator[None]:
    """Turn damage found while reading or writing (a bad page, say) into a HistoryError.

    Opening checks the header and schema only: a full check reads the whole file,
    which a long history cannot afford on every start.
    """
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise HistoryError(path, str(exc)) from None


def check_integrity(db: sqlite3.Connection, path: Path) -> None:
    """The full check (reads every page), for when the user asks to repair the history."""
    with guarded(path):
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise HistoryError(path, "; ".join(problems[:3]))


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed, owner-only) and migrate the database at ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError(path, getattr(exc, "strerror", None) or str(exc)) from None
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: committed data survives a killed process
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        db.execute("SELECT count(*) FROM sessions").fetchone()
    except sqlite3.Error as exc:
        db.close()
        raise HistoryError(path, str(exc)) from None
    return db


def move_aside(path: Path, *, now: datetime) -> Path:
    """Rename a damaged database (and its WAL files) to a timestamped name; return it."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while any(target.with_name(target.name + suffix).exists() for suffix in ("", "-wal", "-shm")):
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                os.replace(extra, target.with_name(target.name + suffix))
    except OSError as exc:
        problem = exc.strerror or str(exc)
        raise StretchcoachError(f"cannot move {path} aside: {problem}", exit_code=ExitCode.RUNTIME) from None
    return target


# -- recording a routine ---------------------------------------------------------------


class Recorder:
    """Writes one routine to the history as it happens."""

    def __init__(self, db: sqlite3.Connection, session_id: int) -> None:
        self.db = db
        self.session_id = session_id
        self._saved: dict[int, tuple[str, float]] = {}

    @classmethod
    def start(cls, db: sqlite3.Connection, plan: Plan, *, started_at: datetime, pain_before: int | None) -> Recorder:
        local_day = started_at.astimezone().date().isoformat()
        with _transaction(db):
            cursor = db.execute(
                "INSERT INTO sessions (started_at, local_day, routine, planned_seconds, pain_before)"
                " VALUES (?, ?, ?, ?, ?)",
                (_iso(started_at), local_day, plan.routine.id, plan.total_seconds, pain_before),
            )
            session_id = cursor.lastrowid
            assert session_id is not None
            db.executemany(
                "INSERT INTO steps (session_id, idx, kind, stretch, side, rep, planned_seconds) VALUES (?,?,?,?,?,?,?)",
                [
                    (session_id, i, s.kind.value, s.stretch.id, s.side.value if s.side else None, s.rep, s.seconds)
                    for i, s in enumerate(plan.steps)
                ],
            )
        return cls(db, session_id)

    def observe(self, session: RoutineSession) -> None:
        """Save every step whose status or time changed since the last call."""
        changes = []
        for record in session.records:
            status = record.status.value if record.status else ("partial" if record.seconds >= 0.05 else "planned")
            state = (status, round(record.seconds, 2))
            if self._saved.get(record.index, ("planned", 0.0)) != state:
                changes.append((state[0], state[1], self.session_id, record.index))
                self._saved[record.index] = state
        if changes:
            with _transaction(self.db):
                self.db.executemany(
                    "UPDATE steps SET status = ?, seconds = ? WHERE session_id = ? AND idx = ?", changes
                )

    def finish(self, session: RoutineSession, *, ended_at: datetime) -> None:
        self.observe(session)
        note = None
        if session.hurt_step is not None:
            step = session.hurt_step
            note = f"this hurts: {step.stretch.id}" + (f" ({step.side.value} side)" if step.side else "")
        with _transaction(self.db):
            self.db.execute(
                "UPDATE sessions SET outcome = ?, ended_at = ?, active_seconds = ?, note = ? WHERE id = ?",
                (
                    session.outcome.value if session.outcome else None,
                    _iso(ended_at),
                    round(session.active_seconds(), 2),
                    note,
                    self.session_id,
                ),
            )

    def pain_after(self, pain: int) -> None:
        with _transaction(self.db):
            self.db.execute("UPDATE sessions SET pain_after = ? WHERE id = ?", (pain, self.session_id))


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
