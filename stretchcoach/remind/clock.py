"""Between aware moments (what is stored) and the naive local wall-clock times schedules are in."""

from __future__ import annotations

from datetime import UTC, datetime

from stretchcoach.localtime import local


def wall_clock(moment: datetime) -> datetime:
    """An aware moment as the naive local time the schedule is in."""
    return local(moment).replace(tzinfo=None)


def aware(wall: datetime) -> datetime:
    """A naive local time as an aware moment."""
    try:
        return wall.astimezone()  # naive: taken as local time
    except (ValueError, OverflowError, OSError):  # a TZ Python cannot use: stretchcoach's dates are in UTC then
        return wall.replace(tzinfo=UTC)
