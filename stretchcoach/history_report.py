"""Read the history database into a :class:`HistoryReport`. A missing database is not created."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from . import history, rule
from .report import HistoryReport

if TYPE_CHECKING:
    import sqlite3


def build_report(path: Path, *, days: int, now: datetime, names: dict[str, str]) -> HistoryReport:
    if not path.exists():
        return HistoryReport(
            days=days,
            sessions=[],
            current_streak=0,
            longest_streak=0,
            stretches=[],
            one_sided=[],
            persistence=rule.persistence([], now=now),
            names=names,
        )
    db = history.connect(path)
    try:
        with history.guarded(path):
            return _read(db, days=days, now=now, names=names)
    finally:
        db.close()


def _read(db: sqlite3.Connection, *, days: int, now: datetime, names: dict[str, str]) -> HistoryReport:
    since = now - timedelta(days=days)
    current, longest = rule.streaks(history.completed_days(db), today=now.astimezone().date())
    window = now - timedelta(days=rule.WINDOW_DAYS)
    return HistoryReport(
        days=days,
        sessions=history.recent_sessions(db, since=since),
        current_streak=current,
        longest_streak=longest,
        stretches=history.stretch_totals(db, since=since),
        one_sided=history.one_sided(db, since=since),
        persistence=rule.persistence(history.checkins(db, since=window), now=now),
        names=names,
    )
