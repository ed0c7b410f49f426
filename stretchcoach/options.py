"""Option values in stretchcoach's words: durations, whole numbers, minutes and lists of ids.

Each parser takes what was typed and returns the value, or raises Typer's
``BadParameter`` with what was expected, which ``usage.py`` turns into one line.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from stretchcoach.core.durations import MAX_SECONDS, parse_duration


def _duration(value: str, *, lowest: int) -> int:
    seconds = parse_duration(value)
    if seconds is None or not lowest <= seconds <= MAX_SECONDS:
        raise typer.BadParameter(
            f"expected a duration from {lowest} s to {MAX_SECONDS // 60} min, such as 30, 45s or 1m30s; got {value!r}"
        )
    return seconds


def hold_seconds(value: str) -> int:
    """A hold: at least a second."""
    return _duration(value, lowest=1)


def gap_seconds(value: str) -> int:
    """Time to get ready, rest or switch sides: none at all, or more."""
    return _duration(value, lowest=0)


def whole_number(low: int, high: int) -> Callable[[str | int], int]:
    """A parser for a whole number from ``low`` to ``high``."""

    def parse(value: str | int) -> int:
        text = str(value).strip()  # a default arrives as a number
        try:
            number = int(text) if text.isascii() else None
        except ValueError:  # not digits, or more than 4300 of them
            number = None
        if number is None or not low <= number <= high:
            raise typer.BadParameter(f"expected a whole number from {low} to {high}; got {value!r}")
        return number

    return parse


def minutes(value: str) -> float:
    """A routine's length for --minutes."""
    try:
        number = float(value) if value.strip().isascii() else None
    except ValueError:
        number = None
    if number is None or not 0.5 <= number <= 120:  # nan and inf fail this too
        raise typer.BadParameter(f"expected a number of minutes from 0.5 to 120, such as 3 or 4.5; got {value!r}")
    return number


SOUND_MODES = ("auto", "chime", "bell", "off")  # live.sound.SoundMode's values, without importing it


def sound_mode(value: str) -> str:
    """--sound: auto, chime, bell or off, in any case."""
    mode = value.strip().lower()
    if mode not in SOUND_MODES:
        raise typer.BadParameter(f"expected {', '.join(SOUND_MODES[:-1])} or {SOUND_MODES[-1]}; got {value!r}")
    return mode


def id_list(value: str | None) -> tuple[str, ...]:
    """Ids separated by commas: "a, b,,c" gives ("a", "b", "c")."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())
