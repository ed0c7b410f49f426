"""What `history` shows, as plain data (:class:`HistoryReport`), and reading it from the
database (:func:`build_report`). A missing database is not created, and nothing is ever
written: a read-only directory or a busy history is still read.

The rendering (Rich, CSV) is :mod:`stretchcoach.views.history`'s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from stretchcoach import localtime
from stretchcoach.core import rule
from stretchcoach.core.rule import RuleState, Verdict
from stretchcoach.history import queries
from stretchcoach.history.queries import SessionRow, Sessions
from stretchcoach.history.store import HistoryStore, open_for_reading

SHOWN = 50  # the latest sessions the table shows
PAINS = 40  # the latest check-ins the pain trend shows


@dataclass(frozen=True)
class HistoryReport:
    """What `history` shows. The window's sessions are read as they are written out
    (:class:`~stretchcoach.history.queries.Sessions`): the history stays open meanwhile
    (:func:`open_history`)."""

    days: int
    sessions: Sessions
    count: int  # sessions in the window
    latest: list[SessionRow]  # the last SHOWN of them, oldest first
    pains: list[int]  # the pain before each of the last PAINS with a check-in, oldest first
    last_verdict: Verdict | None  # of the latest that ended
    current_streak: int
    longest_streak: int
    stretches: list[tuple[str, int, float]]  # (id, times done fully, seconds)
    one_sided: list[tuple[datetime, str, str]]
    rule: RuleState
    names: dict[str, str] = field(default_factory=dict)  # stretch id -> name, where known

    def to_json(self) -> dict[str, Any]:
        """The report as JSON, but for its sessions, which are written as they are read (an empty list here)."""
        return {
            "days": self.days,
            "sessions": [],
            "streak": {"current": self.current_streak, "longest": self.longest_streak},
            "stretches": [{"stretch": sid, "completed": n, "seconds": round(s, 1)} for sid, n, s in self.stretches],
            "one_side_only": [
                {"started_at": at.isoformat(), "stretch": sid, "side_skipped": side} for at, sid, side in self.one_sided
            ],
            "rule": rule_json(self.rule, self.last_verdict),
        }


@contextlib.contextmanager
def open_history(path: Path) -> Iterator[HistoryStore | None]:
    """The history at ``path``, open for reading while the block runs; None if there is none.
    Raises :class:`HistoryError` if it cannot be read, before or while anything is read from it."""
    store = open_for_reading(path)
    if store is None:
        yield None
        return
    with store:
        yield store


def window(store: HistoryStore | None, *, days: int, now: datetime) -> Sessions:
    """The sessions of the last ``days``."""
    return Sessions(store, now - timedelta(days=days))


def build_report(store: HistoryStore | None, *, days: int, now: datetime, names: dict[str, str]) -> HistoryReport:
    """The last ``days`` of the history ``store`` (None: there is none).

    Streaks count local days; where the local time zone cannot be used they are UTC days, which
    :func:`stretchcoach.localtime.zone_note` is for the caller to say.
    """
    sessions = window(store, days=days, now=now)
    if store is None:
        return HistoryReport(
            days=days,
            sessions=sessions,
            count=0,
            latest=[],
            pains=[],
            last_verdict=None,
            current_streak=0,
            longest_streak=0,
            stretches=[],
            one_sided=[],
            rule=rule.rule_state([], [], now=localtime.local(now)),
            names=names,
        )
    since = sessions.since
    with store.reading():  # the rule's sums over what was read too: a pain that is not a number, say
        current, longest = queries.streaks(store, today=localtime.local(now).date())
        return HistoryReport(
            days=days,
            sessions=sessions,
            count=queries.session_count(store, since=since),
            latest=queries.latest_sessions(store, since=since, limit=SHOWN),
            pains=queries.latest_pains(store, since=since, limit=PAINS),
            last_verdict=queries.last_verdict(store, since=since),
            current_streak=current,
            longest_streak=longest,
            stretches=queries.stretch_totals(store, since=since),
            one_sided=queries.one_sided(store, since=since),
            rule=queries.rule_state(store, now=now),
            names=names,
        )


def rule_json(state: RuleState, last_verdict: Verdict | None) -> dict[str, Any]:
    """The rule's state for `history --json`: whether it says stop, why, and since when."""
    stop = state.stop
    return {
        "binding": state.binding,
        "reason": state.reason,
        "stop": None
        if stop is None
        else {
            "at": stop.routine.at.isoformat(),
            "verdict": stop.reason.value,
            "pain_before": stop.routine.pain_before,
            "pain_after": stop.routine.pain_after,
            "went_on": [at.isoformat() for at in stop.went_on],
        },
        "persists": state.persistence.persists,
        "persistence": state.persistence.describe(),
        "seen_doctor": state.seen_doctor.isoformat() if state.seen_doctor else None,
        "last_verdict": last_verdict.value if last_verdict else None,
    }
