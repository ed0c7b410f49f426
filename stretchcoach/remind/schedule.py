"""When reminders run: the options of ``remind on`` and ``remind snooze`` turned into times. Pure.

Every schedule becomes one explicit list of times of day and a set of weekdays,
whatever the options were (``--every 2h --between 09:00-18:00`` is 09:00, 11:00,
13:00, 15:00 and 17:00), so every scheduler is given the same list. Times are
local wall-clock times: the functions here take and return naive datetimes in
the person's own time zone, which the edges convert to and from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from stretchcoach.errors import StretchcoachError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = datetime.weekday()
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVERY_DAY = frozenset(range(7))
DAY_ALIASES = {"daily": EVERY_DAY, "weekdays": frozenset(range(5)), "weekends": frozenset({5, 6})}

MIN_EVERY = 15  # minutes: more often than this is nagging, not a reminder
MAX_EVERY = 24 * 60
MAX_TIMES = 96  # a time every 15 minutes around the clock
MAX_SNOOZE = timedelta(days=30)  # longer than that is `remind off`
DEFAULT_BETWEEN = (time(9, 0), time(18, 0))  # --every without --between: working hours

_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?")
_UNTIL = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?")


def _error(option: str, message: str) -> StretchcoachError:
    return StretchcoachError(f"{option}: {message}")


def _shown(text: str) -> str:
    return repr(text) if text.isprintable() else repr(text.encode("unicode_escape").decode("ascii"))


@dataclass(frozen=True)
class Schedule:
    times: tuple[time, ...]  # sorted, without repeats, whole minutes
    days: frozenset[int] = EVERY_DAY  # 0 is Monday, as datetime.weekday() counts
    every: int | None = None  # minutes, when the times were made from --every
    between: tuple[time, time] | None = None

    def describe(self) -> str:
        """In words, e.g. "10:00 and 15:00, Monday to Friday"."""
        if self.every is not None and self.between is not None:
            start, end = self.between
            when = f"every {duration_words(self.every)} from {start:%H:%M} to {end:%H:%M} ({and_list(self.times)})"
        else:
            when = and_list(self.times)
        return f"{when}, {days_words(self.days)}"

    def by_minute(self) -> list[tuple[int, tuple[int, ...]]]:
        """The times grouped as (minute, hours): 09:00, 11:00 and 11:30 are (0, (9, 11)) and (30, (11,))."""
        groups: dict[int, list[int]] = {}
        for moment in self.times:
            groups.setdefault(moment.minute, []).append(moment.hour)
        return [(minute, tuple(hours)) for minute, hours in sorted(groups.items())]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "times": [f"{t:%H:%M}" for t in self.times],
            "days": [WEEKDAYS[d] for d in sorted(self.days)],
        }
        if self.every is not None and self.between is not None:
            data["every_minutes"] = self.every
            data["between"] = [f"{t:%H:%M}" for t in self.between]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Schedule:
        """Read back what :meth:`to_json` wrote; ValueError (or KeyError, TypeError) if it is not that."""
        times = tuple(sorted({parse_time_of_day(str(t), "times") for t in data["times"]}))
        days = frozenset(WEEKDAYS.index(str(d)) for d in data["days"])
        if not times or not days:
            raise ValueError("a schedule needs times and days")
        between = data.get("between")
        every = data.get("every_minutes")
        if between is None or not isinstance(every, int):
            return cls(times, days)
        start, end = (parse_time_of_day(str(t), "between") for t in between)
        return cls(times, days, every=every, between=(start, end))


# -- the options of `remind on` ---------------------------------------------------------------


def parse_time_of_day(text: str, option: str = "--at") -> time:
    match = _TIME.fullmatch(text.strip())
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    raise _error(option, f"{_shown(text)} is not a time of day; use HH:MM, from 00:00 to 23:59")


def parse_times(text: str) -> tuple[time, ...]:
    """``--at 10:00,15:00``: sorted, repeats dropped."""
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        raise _error("--at", "give one or more times of day, such as 10:00,15:00")
    times = tuple(sorted({parse_time_of_day(part) for part in parts if part}))
    if len(times) > MAX_TIMES:
        raise _error("--at", f"at most {MAX_TIMES} times a day")
    return times


def parse_days(text: str) -> frozenset[int]:
    """``--days mon-fri``, ``mon,wed,fri``, ``sat-sun``, ``fri-mon`` (a range may wrap), ``weekdays``, ``daily``."""
    days: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if part in DAY_ALIASES:
            days |= DAY_ALIASES[part]
            continue
        ends = [_weekday(end.strip(), text) for end in part.split("-")] if part else []
        if len(ends) == 1:
            days.add(ends[0])
        elif len(ends) == 2:
            first, last = ends
            days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
        else:
            raise _error("--days", f"{_shown(text)} is not a list of days; use e.g. mon-fri or mon,wed,fri")
    return frozenset(days)


def _weekday(name: str, text: str) -> int:
    for index, short in enumerate(WEEKDAYS):
        if name in (short, DAY_NAMES[index].lower()):
            return index
    raise _error("--days", f"{_shown(name or text)} is not a day; use mon, tue, wed, thu, fri, sat, sun, e.g. mon-fri")


def parse_minutes(text: str, option: str) -> int:
    """A duration in minutes: ``2h``, ``90m``, ``1h30m``, ``2d``. Seconds are not a reminder's scale."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned.isascii() and cleaned.isdigit():  # zero is zero in any unit; any other number needs one
        if int(cleaned) == 0:
            return 0
        raise _error(option, f"{_shown(text)} has no unit; use e.g. 30m, 2h or 1h30m")
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        raise _error(option, f"{_shown(text)} is not a duration; use e.g. 30m, 2h or 1h30m")
    days, hours, minutes = (int(group or 0) for group in match.groups())
    return days * 24 * 60 + hours * 60 + minutes


def parse_between(text: str) -> tuple[time, time]:
    start_text, dash, end_text = text.partition("-")
    if not dash:
        raise _error("--between", f"{_shown(text)} is not a span of the day; use e.g. 09:00-18:00")
    start = parse_time_of_day(start_text, "--between")
    end = parse_time_of_day(end_text, "--between")
    if end <= start:
        raise _error("--between", f"the end ({end:%H:%M}) must be later in the day than the start ({start:%H:%M})")
    return start, end


def expand(every: int, start: time, end: time) -> tuple[time, ...]:
    """The times from ``start`` to ``end`` (both included), ``every`` minutes apart."""
    first = start.hour * 60 + start.minute
    last = end.hour * 60 + end.minute
    return tuple(time(m // 60, m % 60) for m in range(first, last + 1, every))


def build_schedule(*, at: str | None, every: str | None, between: str | None, days: str | None) -> Schedule:
    """The schedule ``remind on`` was given; one clear error for a bad or contradictory option."""
    if at is not None and every is not None:
        raise _error("--at", "use --at or --every, not both: exact times, or an interval (with --between)")
    if between is not None and every is None:
        raise _error("--between", "goes with --every, e.g. --every 2h --between 09:00-18:00")
    day_set = EVERY_DAY if days is None else parse_days(days)
    if at is not None:
        return Schedule(parse_times(at), day_set)
    if every is None:
        raise StretchcoachError("say when: --at 10:00,15:00, or --every 2h (with --between 09:00-18:00)")
    minutes = parse_minutes(every, "--every")
    if not MIN_EVERY <= minutes <= MAX_EVERY:
        raise _error("--every", f"use from {MIN_EVERY}m to 24h; got {_shown(every)}")
    span = DEFAULT_BETWEEN if between is None else parse_between(between)
    return Schedule(expand(minutes, *span), day_set, every=minutes, between=span)


# -- runs ----------------------------------------------------------------------------------------


def runs_on(schedule: Schedule, day: date) -> list[datetime]:
    if day.weekday() not in schedule.days:
        return []
    return [datetime.combine(day, moment) for moment in schedule.times]


def next_run(schedule: Schedule, now: datetime) -> datetime | None:
    """The first run after ``now``."""
    for offset in range(8):
        for run in runs_on(schedule, now.date() + timedelta(days=offset)):
            if run > now:
                return run
    return None


def last_run(schedule: Schedule, now: datetime) -> datetime | None:
    """The latest run at or before ``now``, in the last week."""
    for offset in range(8):
        for run in reversed(runs_on(schedule, now.date() - timedelta(days=offset))):
            if run <= now:
                return run
    return None


# -- `remind snooze` ------------------------------------------------------------------------------


def snooze_end(*, duration: str | None, until: str | None, now: datetime) -> datetime:
    """When a snooze given as ``1h`` or ``--until tomorrow`` (``14:30``, ``2026-12-01``, ``2026-12-01 09:00``) ends."""
    if duration is not None and until is not None:
        raise _error("--until", "give a duration or --until, not both")
    if duration is None and until is None:
        raise StretchcoachError("say for how long: `remind snooze 1h`, or `remind snooze --until tomorrow`")
    if duration is not None:
        minutes = parse_minutes(duration, "DURATION")
        if minutes <= 0:
            raise _error("DURATION", f"{_shown(duration)} is no time at all; use e.g. 30m or 2h")
        end = now + timedelta(minutes=minutes)
    else:
        assert until is not None
        end = _until(until, now)
    if end - now > MAX_SNOOZE:
        raise StretchcoachError(
            f"a snooze can last up to {MAX_SNOOZE.days} days; to stop reminders, use `stretchcoach remind off`"
        )
    return end


def _until(text: str, now: datetime) -> datetime:
    cleaned = text.strip().lower()
    if cleaned == "tomorrow":
        return datetime.combine(now.date() + timedelta(days=1), time(0))
    if _TIME.fullmatch(cleaned):
        moment = datetime.combine(now.date(), parse_time_of_day(cleaned, "--until"))
        return moment if moment > now else moment + timedelta(days=1)
    match = _UNTIL.fullmatch(cleaned)
    if match:
        try:
            day = date.fromisoformat(match[1])
        except ValueError:
            day = None
        if day is not None:
            moment = datetime.combine(day, parse_time_of_day(match[2], "--until") if match[2] else time(0))
            if moment <= now:
                raise _error("--until", f"{_shown(text)} has already passed")
            return moment
    raise _error("--until", f"{_shown(text)} is not a time; use tomorrow, 14:30, 2026-12-01 or '2026-12-01 09:00'")


# -- in words ------------------------------------------------------------------------------------


def and_list(items: Iterable[time | str]) -> str:
    words = [f"{item:%H:%M}" if isinstance(item, time) else item for item in items]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def days_words(days: frozenset[int]) -> str:
    if days == EVERY_DAY:
        return "every day"
    runs = _runs(sorted(days))
    if len(runs) == 1 and len(runs[0]) >= 3:
        return f"{DAY_NAMES[runs[0][0]]} to {DAY_NAMES[runs[0][-1]]}"
    return and_list(DAY_NAMES[d] for d in sorted(days))


def _runs(days: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def duration_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def moment_words(moment: datetime, now: datetime) -> str:
    """``15:00`` today, ``tomorrow 10:00``, else ``Mon 1 Dec 10:00``."""
    if moment.date() == now.date():
        return f"{moment:%H:%M}"
    if moment.date() == now.date() + timedelta(days=1):
        return f"tomorrow {moment:%H:%M}"
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"
