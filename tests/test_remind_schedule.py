"""The pure schedule: options to times, in words, next and last runs, snoozes. Plain asserts."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.remind.schedule import (
    EVERY_DAY,
    MAX_EVERY,
    MIN_EVERY,
    Schedule,
    build_schedule,
    expand,
    last_run,
    moment_words,
    next_run,
    parse_days,
    parse_minutes,
    runs_on,
    snooze_end,
)

THURSDAY = datetime(2026, 11, 26, 9, 30)  # a Thursday, 09:30 local


def schedule(**options: str) -> Schedule:
    return build_schedule(
        at=options.get("at"), every=options.get("every"), between=options.get("between"), days=options.get("days")
    )


def error(**options: str) -> str:
    with pytest.raises(StretchcoachError) as caught:
        schedule(**options)
    assert caught.value.exit_code == ExitCode.USAGE
    return caught.value.message


# -- --at, --days, --every, --between -----------------------------------------------------------------


def test_at_gives_sorted_times_without_repeats_on_every_day() -> None:
    made = schedule(at="15:00, 10:00,10:00,9:05")
    assert made.times == (time(9, 5), time(10), time(15))
    assert made.days == EVERY_DAY
    assert made.describe() == "09:05, 10:00 and 15:00, every day"


def test_every_is_expanded_into_explicit_times_of_day_with_both_ends() -> None:
    made = schedule(every="2h", between="09:00-18:00")
    assert made.times == (time(9), time(11), time(13), time(15), time(17))
    assert schedule(every="3h", between="09:00-18:00").times == (time(9), time(12), time(15), time(18))
    assert made.describe() == "every 2 h from 09:00 to 18:00 (09:00, 11:00, 13:00, 15:00 and 17:00), every day"


def test_every_without_between_keeps_to_working_hours() -> None:
    assert schedule(every="90m").times == (
        time(9),
        time(10, 30),
        time(12),
        time(13, 30),
        time(15),
        time(16, 30),
        time(18),
    )


@pytest.mark.parametrize(
    ("days", "expected", "words"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}, "Monday to Friday"),
        ("Mon,Wed,FRI", {0, 2, 4}, "Monday, Wednesday and Friday"),
        ("sat-sun", {5, 6}, "Saturday and Sunday"),
        ("fri-mon", {4, 5, 6, 0}, "Monday, Friday, Saturday and Sunday"),
        ("weekdays", {0, 1, 2, 3, 4}, "Monday to Friday"),
        ("daily", set(range(7)), "every day"),
        ("tuesday", {1}, "Tuesday"),
        ("mon-wed,sat", {0, 1, 2, 5}, "Monday, Tuesday, Wednesday and Saturday"),
    ],
)
def test_days(days: str, expected: set[int], words: str) -> None:
    made = schedule(at="10:00", days=days)
    assert made.days == expected
    assert made.describe() == f"10:00, {words}"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"at": "25:00"}, "--at: '25:00' is not a time of day; use HH:MM, from 00:00 to 23:59"),
        ({"at": "10:60"}, "--at: '10:60' is not a time of day; use HH:MM, from 00:00 to 23:59"),
        ({"at": "10h"}, "--at: '10h' is not a time of day; use HH:MM, from 00:00 to 23:59"),
        ({"at": ","}, "--at: give one or more times of day, such as 10:00,15:00"),
        ({"every": "0"}, "--every: use from 15m to 24h; got '0'"),
        ({"every": "0h"}, "--every: use from 15m to 24h; got '0h'"),
        ({"every": "5m"}, "--every: use from 15m to 24h; got '5m'"),
        ({"every": "2d"}, "--every: use from 15m to 24h; got '2d'"),
        ({"every": "2"}, "--every: '2' has no unit; use e.g. 30m, 2h or 1h30m"),
        ({"every": "soon"}, "--every: 'soon' is not a duration; use e.g. 30m, 2h or 1h30m"),
        ({"every": "-1h"}, "--every: '-1h' is not a duration; use e.g. 30m, 2h or 1h30m"),
        (
            {"at": "10:00", "every": "2h"},
            "--at: use --at or --every, not both: exact times, or an interval (with --between)",
        ),
        (
            {"at": "10:00", "between": "09:00-18:00"},
            "--between: goes with --every, e.g. --every 2h --between 09:00-18:00",
        ),
        (
            {"every": "2h", "between": "18:00-09:00"},
            "--between: the end (09:00) must be later in the day than the start (18:00)",
        ),
        ({"every": "2h", "between": "09:00"}, "--between: '09:00' is not a span of the day; use e.g. 09:00-18:00"),
        ({"every": "2h", "between": "9-18"}, "--between: '9' is not a time of day; use HH:MM, from 00:00 to 23:59"),
        (
            {"at": "10:00", "days": "mon-fry"},
            "--days: 'fry' is not a day; use mon, tue, wed, thu, fri, sat, sun, e.g. mon-fri",
        ),
        (
            {"at": "10:00", "days": "mon-wed-fri"},
            "--days: 'mon-wed-fri' is not a list of days; use e.g. mon-fri or mon,wed,fri",
        ),
        ({"at": "10:00", "days": ""}, "--days: '' is not a list of days; use e.g. mon-fri or mon,wed,fri"),
        ({"at": "1\x1b[2J0:00"}, "--at: '1\\\\x1b[2J0:00' is not a time of day; use HH:MM, from 00:00 to 23:59"),
        ({}, "say when: --at 10:00,15:00, or --every 2h (with --between 09:00-18:00)"),
    ],
)
def test_bad_or_contradictory_options_get_one_clear_line(options: dict[str, str], message: str) -> None:
    assert error(**options) == message


def test_at_most_96_times_a_day() -> None:
    many = ",".join(f"{h:02d}:{m:02d}" for h in range(24) for m in range(0, 60, 10))
    assert error(at=many) == "--at: at most 96 times a day"


def test_durations() -> None:
    assert parse_minutes("1h30m", "x") == 90
    assert parse_minutes(" 2 h ", "x") == 120
    assert parse_minutes("45min", "x") == 45
    assert parse_minutes("1d", "x") == 24 * 60
    assert parse_minutes("0", "x") == 0


def test_every_bounds_are_minutes() -> None:
    assert schedule(every=f"{MIN_EVERY}m").times[:2] == (time(9), time(9, 15))
    assert schedule(every="24h").times == (time(9),)
    assert MAX_EVERY == 24 * 60


def test_by_minute_groups_hours_for_the_schedulers() -> None:
    made = schedule(at="09:00,11:00,11:30,17:00")
    assert made.by_minute() == [(0, (9, 11, 17)), (30, (11,))]


def test_json_round_trip() -> None:
    for made in (schedule(at="10:00,15:30", days="mon-fri"), schedule(every="2h", between="08:00-12:00")):
        assert Schedule.from_json(made.to_json()) == made


def test_parse_days_alone() -> None:
    assert parse_days("SUN") == {6}


# -- runs -----------------------------------------------------------------------------------------------


def test_next_and_last_run() -> None:
    weekdays = schedule(at="10:00,15:00", days="mon-fri")
    assert next_run(weekdays, THURSDAY) == datetime(2026, 11, 26, 10)
    assert last_run(weekdays, THURSDAY) == datetime(2026, 11, 25, 15)  # Wednesday afternoon
    friday_evening = datetime(2026, 11, 27, 18)
    assert next_run(weekdays, friday_evening) == datetime(2026, 11, 30, 10)  # over the weekend
    assert last_run(weekdays, datetime(2026, 11, 29, 12)) == datetime(2026, 11, 27, 15)
    at_ten = datetime(2026, 11, 26, 10)
    assert next_run(weekdays, at_ten) == datetime(2026, 11, 26, 15)  # strictly after
    assert last_run(weekdays, at_ten) == at_ten  # at or before
    assert runs_on(weekdays, datetime(2026, 11, 28).date()) == []


def test_moment_words() -> None:
    assert moment_words(datetime(2026, 11, 26, 15), THURSDAY) == "15:00"
    assert moment_words(datetime(2026, 11, 27, 10), THURSDAY) == "tomorrow 10:00"
    assert moment_words(datetime(2026, 11, 30, 10), THURSDAY) == "Mon 30 Nov 10:00"


@given(
    every=st.integers(MIN_EVERY, MAX_EVERY),
    start=st.integers(0, 23 * 60 + 58),
    length=st.integers(1, 24 * 60),
)
def test_expanded_times_lie_within_the_span_every_interval_apart(every: int, start: int, length: int) -> None:
    end = min(start + length, 23 * 60 + 59)
    times = expand(every, time(start // 60, start % 60), time(end // 60, end % 60))
    minutes = [t.hour * 60 + t.minute for t in times]
    assert minutes[0] == start
    assert all(start <= m <= end for m in minutes)
    assert all(b - a == every for a, b in itertools.pairwise(minutes))
    assert minutes[-1] + every > end  # none left out at the end


@given(
    times=st.sets(st.integers(0, 24 * 60 - 1), min_size=1, max_size=8),
    days=st.sets(st.integers(0, 6), min_size=1),
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),
)
def test_next_and_last_runs_are_the_nearest_scheduled_minutes(times: set[int], days: set[int], now: datetime) -> None:
    made = Schedule(tuple(sorted(time(m // 60, m % 60) for m in times)), frozenset(days))
    upcoming, previous = next_run(made, now), last_run(made, now)
    assert upcoming is not None  # at least one run a week
    assert previous is not None
    assert previous <= now < upcoming
    for run in (upcoming, previous):
        assert run.weekday() in days
        assert run.hour * 60 + run.minute in times
    # nothing scheduled in between, from the times and days themselves
    for offset in range((upcoming.date() - previous.date()).days + 1):
        day = previous.date() + timedelta(days=offset)
        if day.weekday() in days:
            for minute in times:
                run = datetime.combine(day, time(minute // 60, minute % 60))
                assert not previous < run < upcoming, run


# -- snooze -----------------------------------------------------------------------------------------------


def test_snooze_for_a_while_or_until() -> None:
    assert snooze_end(duration="1h", until=None, now=THURSDAY) == datetime(2026, 11, 26, 10, 30)
    assert snooze_end(duration=None, until="tomorrow", now=THURSDAY) == datetime(2026, 11, 27)
    assert snooze_end(duration=None, until="14:30", now=THURSDAY) == datetime(2026, 11, 26, 14, 30)
    assert snooze_end(duration=None, until="08:00", now=THURSDAY) == datetime(2026, 11, 27, 8)
    assert snooze_end(duration=None, until="2026-12-01", now=THURSDAY) == datetime(2026, 12, 1)
    assert snooze_end(duration=None, until="2026-12-01 09:15", now=THURSDAY) == datetime(2026, 12, 1, 9, 15)


@pytest.mark.parametrize(
    ("duration", "until", "message"),
    [
        (None, None, "say for how long: `remind snooze 1h`, or `remind snooze --until tomorrow`"),
        ("1h", "tomorrow", "--until: give a duration or --until, not both"),
        ("0", None, "DURATION: '0' is no time at all; use e.g. 30m or 2h"),
        ("31d", None, "a snooze can last up to 30 days; to stop reminders, use `stretchcoach remind off`"),
        (None, "2026-11-01", "--until: '2026-11-01' has already passed"),
        (
            None,
            "2026-02-30",
            "--until: '2026-02-30' is not a time; use tomorrow, 14:30, 2026-12-01 or '2026-12-01 09:00'",
        ),
        (
            None,
            "next week",
            "--until: 'next week' is not a time; use tomorrow, 14:30, 2026-12-01 or '2026-12-01 09:00'",
        ),
        (None, "25:00", "--until: '25:00' is not a time of day; use HH:MM, from 00:00 to 23:59"),
    ],
)
def test_bad_snoozes(duration: str | None, until: str | None, message: str) -> None:
    with pytest.raises(StretchcoachError) as caught:
        snooze_end(duration=duration, until=until, now=THURSDAY)
    assert caught.value.message == message
    assert caught.value.exit_code == ExitCode.USAGE
