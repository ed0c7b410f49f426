"""Recording one routine in the history as it runs: what is wanted is kept in memory, and
saved whenever the database lets it.

Every save is its own committed transaction, so a routine ended by Ctrl-C, SIGTERM or
``kill -9`` keeps everything up to its last saved step.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from stretchcoach import localtime
from stretchcoach.core.plan import Plan
from stretchcoach.core.session import RoutineSession
from stretchcoach.history.problems import is_damage
from stretchcoach.history.sql import stored_time, transaction

if TYPE_CHECKING:
    from stretchcoach.history.store import HistoryStore

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

    def __init__(self, store: HistoryStore, plan: Plan, *, started_at: datetime, pain_before: int | None) -> None:
        self.db = store.db
        self.plan = plan
        self.session_id: int | None = None
        self.failure: sqlite3.Error | None = None  # why the last save failed; None once one succeeds
        self.gave_up = False  # the database is damaged: no more writes to it
        self._row: Row = (
            stored_time(started_at),
            localtime.local(started_at).date().isoformat(),
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
    def start(cls, store: HistoryStore, plan: Plan, *, started_at: datetime, pain_before: int | None) -> Recorder:
        """A recorder for a routine starting now, its session row saved if the database lets it."""
        store.db.execute("PRAGMA busy_timeout = 0")  # never sleep in SQLite while the timer runs
        recorder = cls(store, plan, started_at=started_at, pain_before=pain_before)
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
            stored_time(ended_at),
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
