"""Durations: reading one ("1m30s"), its bounds, and saying one ("1 min 30 s", "1:30")."""

from __future__ import annotations

import re

MAX_SECONDS = 3600  # a single hold or gap longer than an hour is a typo

_DURATION = re.compile(r"(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s(?:ec)?)?")


def parse_duration(value: object) -> int | None:
    """Seconds from 30, "30", "30s", "1m" or "1m30s"; None if not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:  # int() refuses digits such as "²" and more than 4300 of them
            if text.isdigit():
                return int(text)
            match = _DURATION.fullmatch(text)
            if match and any(match.groups()):
                minutes, seconds = (int(g) if g else 0 for g in match.groups())
                return minutes * 60 + seconds
        except ValueError:
            return None
    return None


def human_seconds(seconds: float) -> str:
    """90 -> "1 min 30 s", 60 -> "1 min", 45 -> "45 s"."""
    minutes, secs = divmod(round(seconds), 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def mmss(seconds: float) -> str:
    """Seconds left as m:ss, rounding up so "0:00" means done."""
    whole = int(seconds) + (1 if seconds - int(seconds) > 0.001 else 0)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}:{secs:02d}"
