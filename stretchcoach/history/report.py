"""Read the history database into a :class:`HistoryReport`. A missing database is not created,
and nothing is ever written: a read-only directory or a busy history is still read."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from stretchcoach.core import rule
from stretchcoach.history import db as history
from stretchcoach.history.errors import guarded
from stretchcoach.history.files import open_for_reading
from stretchcoach.localtime import local, zone_note
from stretchcoach.views.history import HistoryReport

if TYPE_CHECKING:
    import sqlite3


def build_report(path: Path, *, days: int, now: datetime, names: dict[str, str]) -> HistoryReport:
    note = zone_note()
    if note:
        from stretchcoach.views.output import print_error

        print_error(note)
    db = open_for_reading(path)
    if db is None:
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
    try:
        with guarded(path):
            return _read(db, days=days, now=now, names=names)
    finally:
        db.close()


def _read(db: sqlite3.Connection, *, days: int, now: datetime, names: dict[str, str]) -> HistoryReport:
    since = now - timedelta(days=days)
    current, longest = rule.streaks(history.completed_days(db), today=local(now).date())
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
