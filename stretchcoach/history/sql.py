"""What every part of the history that reads or writes SQL shares: one write transaction at a
time, and how a moment is stored (UTC, ISO 8601, to the second)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime


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


def stored_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_stored_time(text: str) -> datetime:
    return datetime.fromisoformat(text)
