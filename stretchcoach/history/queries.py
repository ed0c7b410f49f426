"""Reading the history back: the sessions, check-ins, completed days, per-stretch totals and
one-sided stretches since a moment.

Each query raises :class:`~stretchcoach.history.errors.HistoryError` itself, for an SQLite
error or a row it cannot read back (see :meth:`HistoryStore.reading`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from stretchcoach.core import rule
from stretchcoach.history import rule_events
from stretchcoach.history.sql import parse_stored_time, stored_time
from stretchcoach.localtime import local

if TYPE_CHECKING:
    from stretchcoach.history.store import HistoryStore


@dataclass(frozen=True)
class SessionRow:
    """One session, as `history` lists it: counts of steps done and skipped, not the steps."""

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


def recent_sessions(store: HistoryStore, *, since: datetime) -> list[SessionRow]:
    with store.reading() as db:
        rows = db.execute(
            """SELECT s.id, s.started_at, s.routine, s.planned_seconds, s.active_seconds, s.pain_before,
                      s.pain_after, s.outcome, s.note,
                      (SELECT count(*) FROM steps t WHERE t.session_id = s.id AND t.status = 'done'
                         AND t.kind IN ('hold', 'phase')),
                      (SELECT count(*) FROM steps t WHERE t.session_id = s.id AND t.status IN ('skipped', 'partial')
                         AND t.kind IN ('hold', 'phase'))
               FROM sessions s WHERE s.started_at >= ? ORDER BY s.started_at, s.id""",
            (stored_time(since),),
        )
        return [SessionRow(r[0], parse_stored_time(r[1]), *r[2:]) for r in rows]


def checkins(store: HistoryStore, *, since: datetime) -> list[tuple[datetime, int]]:
    """(session start, pain before) of every session with a pain check-in."""
    with store.reading() as db:
        rows = db.execute(
            "SELECT started_at, pain_before FROM sessions WHERE started_at >= ? AND pain_before IS NOT NULL",
            (stored_time(since),),
        )
        return [(parse_stored_time(at), pain) for at, pain in rows]


def rule_state(store: HistoryStore, *, now: datetime) -> rule.RuleState:
    """What the article's rule says now, from this history (see :func:`stretchcoach.core.rule.rule_state`).

    Only what the rule can use is read: the last routine that said stop and those after it,
    the check-ins of the last few weeks, and the person's own rule events.
    """
    with store.reading() as db:
        events = rule_events.read(db)
        stop = db.execute(
            """SELECT started_at FROM sessions
               WHERE outcome = 'hurt' OR (outcome IS NOT NULL AND pain_after - pain_before >= ?)
               ORDER BY started_at DESC, id DESC LIMIT 1""",
            (rule.WORSE_BY,),
        ).fetchone()
        routines = []
        if stop is not None:
            rows = db.execute(
                """SELECT started_at, pain_before, pain_after, outcome FROM sessions
                   WHERE outcome IS NOT NULL AND started_at >= ?""",
                (stop[0],),
            )
            routines = [
                rule.Routine(local(parse_stored_time(at)), before, after, outcome)
                for at, before, after, outcome in rows
            ]
        window = now - timedelta(days=rule.WINDOW_DAYS)
        recent = [(local(at), pain) for at, pain in checkins(store, since=window)]
    return rule.rule_state(
        routines,
        recent,
        seen_doctor=[local(at) for kind, at, _ in events if kind == rule_events.SEEN_DOCTOR],
        went_on=[local(at) for kind, at, _ in events if kind == rule_events.WENT_ON],
        now=local(now),
    )


def completed_days(store: HistoryStore) -> list[date]:
    """Calendar days (where the person was) with at least one completed routine."""
    with store.reading() as db:
        rows = db.execute("SELECT DISTINCT local_day FROM sessions WHERE outcome = 'completed' ORDER BY 1")
        return [date.fromisoformat(r[0]) for r in rows]


def stretch_totals(store: HistoryStore, *, since: datetime) -> list[tuple[str, int, float]]:
    """(stretch id, sessions that did it fully, seconds spent) per stretch."""
    with store.reading() as db:
        rows = db.execute(
            """SELECT t.stretch,
                      count(DISTINCT CASE WHEN NOT EXISTS (
                          SELECT 1 FROM steps u WHERE u.session_id = t.session_id AND u.stretch = t.stretch
                            AND u.kind IN ('hold', 'phase') AND u.status != 'done') THEN t.session_id END),
                      sum(t.seconds)
               FROM steps t JOIN sessions s ON s.id = t.session_id
               WHERE s.started_at >= ? AND t.kind IN ('hold', 'phase')
               GROUP BY t.stretch ORDER BY sum(t.seconds) DESC""",
            (stored_time(since),),
        )
        return [(r[0], r[1], r[2] or 0.0) for r in rows]


def one_sided(store: HistoryStore, *, since: datetime) -> list[tuple[datetime, str, str]]:
    """(session start, stretch id, side left out) where only some sides were done."""
    with store.reading() as db:
        rows = db.execute(
            """SELECT s.started_at, t.stretch, t.side FROM steps t JOIN sessions s ON s.id = t.session_id
               WHERE s.started_at >= ? AND t.kind = 'hold' AND t.side IS NOT NULL AND t.status != 'done'
                 AND EXISTS (SELECT 1 FROM steps u WHERE u.session_id = t.session_id AND u.stretch = t.stretch
                             AND u.kind = 'hold' AND u.status = 'done')
               ORDER BY s.started_at""",
            (stored_time(since),),
        )
        return [(parse_stored_time(r[0]), r[1], r[2]) for r in rows]
