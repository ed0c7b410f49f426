"""Local time for dates people read (the day of a routine, streaks), with UTC as the fallback.

``TZ`` can name a zone Python cannot use (``TZ=XYZ+25`` is 25 hours west of UTC,
which ``datetime`` refuses): then dates are in UTC, and :func:`zone_note` says so
once, instead of a traceback.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def local(moment: datetime) -> datetime:
    """``moment`` in the local time zone, or in UTC if the local one cannot be used."""
    try:
        return moment.astimezone()
    except (ValueError, OverflowError, OSError):
        return moment.astimezone(UTC)


def zone_note() -> str | None:
    """A one-line note when the local time zone cannot be used (dates are then in UTC)."""
    try:
        datetime.now(UTC).astimezone()
    except (ValueError, OverflowError, OSError):
        zone = os.environ.get("TZ")
        named = f"TZ={zone!r}" if zone is not None else "the local time zone"
        return f"note: {named} is not a time zone stretchcoach can use; dates are in UTC."
    return None
