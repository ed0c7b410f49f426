"""What `history` shows, as plain data (:class:`HistoryReport`), and reading it from the
database (:func:`build_report`). A missing database is not created, and nothing is ever
written: a read-only directory or a busy history is still read.

The rendering (Rich, CSV) is :mod:`stretchcoach.views.history`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from stretchcoach import localtime
from stretchcoach.core import rule
from stretchcoach.core.rule import RuleState, Verdict, after_routine
from stretchcoach.history import queries
from stretchcoach.history.queries import SessionRow
from stretchcoach.history.store import HistoryStore, open_for_reading


@dataclass(frozen=True)
class HistoryReport:
    days: int
    sessions: list[SessionRow]
    current_streak: int
    longest_streak: int
    stretches: list[tuple[str, int, float]]  # (id, times done fully, seconds)
    one_sided: list[tuple[datetime, str, str]]
    rule: RuleState
    names: dict[str, str] = field(default_factory=dict)  # stretch id -> name, where known

    @property
    def last_verdict(self) -> Verdict | None:
        for row in reversed(self.sessions):
            if row.outcome is not None:
                return after_routine(row.pain_before, row.pain_after, hurt=row.outcome == "hurt")
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "sessions": [row.to_json() for row in self.sessions],
            "streak": {"current": self.current_streak, "longest": self.longest_streak},
            "stretches": [{"stretch": sid, "completed": n, "seconds": round(s, 1)} for sid, n, s in self.stretches],
            "one_side_only": [
                {"started_at": at.isoformat(), "stretch": sid, "side_skipped": side} for at, sid, side in self.one_sided
            ],
            "rule": rule_json(self.rule, self.last_verdict),
        }


def build_report(path: Path, *, days: int, now: datetime, names: dict[str, str]) -> HistoryReport:
    """The last ``days`` of the history at ``path``; raises :class:`HistoryError` if it cannot be read.

    Streaks count local days; where the local time zone cannot be used they are UTC days, which
    :func:`stretchcoach.localtime.zone_note` is for the caller to say.
    """
    store = open_for_reading(path)
    if store is None:
        return HistoryReport(
            days=days,
            sessions=[],
            current_streak=0,
            longest_streak=0,
            stretches=[],
            one_sided=[],
            rule=rule.rule_state([], [], now=localtime.local(now)),
            names=names,
        )
    with store, store.reading():  # the rule's sums over what was read too: a pain that is not a number, say
        return _read(store, days=days, now=now, names=names)


def _read(store: HistoryStore, *, days: int, now: datetime, names: dict[str, str]) -> HistoryReport:
    since = now - timedelta(days=days)
    current, longest = rule.streaks(queries.completed_days(store), today=localtime.local(now).date())
    return HistoryReport(
        days=days,
        sessions=queries.recent_sessions(store, since=since),
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
