"""What the person has told stretchcoach about the rule, kept in the history: that they saw a
doctor, and each time they chose to do a routine while the rule said stop (and why it did)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from stretchcoach.history.sql import parse_stored_time, stored_time, transaction

if TYPE_CHECKING:
    from stretchcoach.history.store import HistoryStore

SEEN_DOCTOR = "seen-doctor"
WENT_ON = "went-on"


def record(store: HistoryStore, kind: str, *, at: datetime, reason: str | None = None) -> None:
    """Add one event; raises :class:`~stretchcoach.history.errors.HistoryError` if it cannot."""
    with store.reading() as db, transaction(db):
        db.execute("INSERT INTO rule_events (at, kind, reason) VALUES (?, ?, ?)", (stored_time(at), kind, reason))


def read(db: sqlite3.Connection) -> list[tuple[str, datetime, str | None]]:
    """(kind, time, reason) of every event, oldest first; none in a history from before they were kept."""
    if db.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'rule_events'").fetchone() is None:
        return []
    rows = db.execute("SELECT kind, at, reason FROM rule_events ORDER BY at, id")
    return [(kind, parse_stored_time(at), reason) for kind, at, reason in rows]
