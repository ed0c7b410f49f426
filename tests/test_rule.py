"""The article's rule over a person's own check-ins: worsens, persists, and the streaks.

Pure functions: every date is an argument, so these tests fix ``now`` and ``today``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchcoach.core import rule
from stretchcoach.core.rule import Persistence, Verdict, after_routine, persistence, streaks

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
TODAY = date(2025, 3, 20)


def days_ago(days: float, *, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


# -- after one routine ----------------------------------------------------------------------


def test_the_thresholds_are_the_documented_ones() -> None:
    assert rule.WORSE_BY == 2
    assert (rule.WINDOW_DAYS, rule.MIN_CHECKINS, rule.MIN_SPAN_DAYS, rule.PERSIST_LEVEL) == (14, 3, 7, 4)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (3, 5, Verdict.WORSENED),  # +2: the smallest rise that means stop
        (0, 10, Verdict.WORSENED),
        (8, 10, Verdict.WORSENED),
        (3, 4, Verdict.SLIGHTLY_WORSE),  # +1: keep an eye on it
        (9, 10, Verdict.SLIGHTLY_WORSE),
        (3, 3, Verdict.OK),
        (3, 2, Verdict.OK),
        (10, 0, Verdict.OK),
        (None, 5, Verdict.OK),  # a skipped check-in is not a rise
        (5, None, Verdict.OK),
        (None, None, Verdict.OK),
    ],
)
def test_after_routine_compares_pain_after_with_pain_before(
    before: int | None, after: int | None, expected: Verdict
) -> None:
    assert after_routine(before, after, hurt=False) is expected


@pytest.mark.parametrize(("before", "after"), [(5, 2), (3, 3), (None, None), (2, 9), (4, 5)])
def test_this_hurts_wins_over_any_pain_numbers(before: int | None, after: int | None) -> None:
    assert after_routine(before, after, hurt=True) is Verdict.HURT


def test_only_worsened_and_hurt_say_stop() -> None:
    assert {v for v in Verdict if v.stop} == {Verdict.WORSENED, Verdict.HURT}


# -- persists -----------------------------------------------------------------------------------


def test_three_checkins_over_seven_days_at_four_or_more_persist() -> None:
    result = persistence([(days_ago(7), 4), (days_ago(3), 6), (days_ago(0), 4)], now=NOW)
    assert result == Persistence(persists=True, checkins=3, first=4, latest=4, span_days=7)
    assert result.describe() == (
        "Your pain has stayed at 4 or more without improving over 3 check-ins in 7 days (from 4 to 4)."
    )


def test_the_order_of_the_checkins_does_not_matter() -> None:
    result = persistence([(days_ago(0), 7), (days_ago(8), 6), (days_ago(4), 6)], now=NOW)
    assert result.persists
    assert (result.first, result.latest, result.span_days) == (6, 7, 8)


def test_two_checkins_are_not_enough() -> None:
    result = persistence([(days_ago(10), 8), (days_ago(0), 9)], now=NOW)
    assert not result.persists
    assert result.checkins == 2
    assert result.describe() == (
        "2 check-ins over 10 days in the last 14; the rule looks at 3 or more over 7 days or more."
    )


def test_checkins_spanning_six_calendar_days_are_not_enough() -> None:
    start = NOW.replace(hour=0, minute=0) - timedelta(days=6)
    end = NOW.replace(hour=23, minute=59)
    result = persistence([(start, 8), (days_ago(3), 8), (end, 8)], now=end)
    assert not result.persists
    assert result.span_days == 6


def test_the_span_counts_calendar_days_not_24_hour_periods() -> None:
    # Monday 10:00 to the next Monday 09:00 is a week as people count it.
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
    later = monday + timedelta(days=7, hours=-1)
    result = persistence([(monday, 6), (monday + timedelta(days=3), 6), (later, 6)], now=later)
    assert result.persists
    assert result.span_days == 7


def test_one_checkin_below_four_breaks_the_pattern() -> None:
    result = persistence([(days_ago(8), 6), (days_ago(4), 3), (days_ago(0), 6)], now=NOW)
    assert not result.persists
    assert result.describe() == "Your recent check-ins show no persisting pain."


def test_a_latest_checkin_lower_than_the_first_is_an_improvement() -> None:
    result = persistence([(days_ago(8), 7), (days_ago(4), 8), (days_ago(0), 6)], now=NOW)
    assert not result.persists
    assert (result.first, result.latest) == (7, 6)


def test_checkins_older_than_fourteen_days_are_ignored() -> None:
    # Counted, the old one would make three check-ins over 16 days.
    only_two = persistence([(days_ago(16), 9), (days_ago(5), 9), (days_ago(0), 9)], now=NOW)
    assert not only_two.persists
    assert only_two.checkins == 2
    # Counted, the old one (pain 1) would break the pattern and be the "first".
    still_persists = persistence([(days_ago(20), 1), (days_ago(9), 5), (days_ago(4), 5), (days_ago(0), 5)], now=NOW)
    assert still_persists.persists
    assert (still_persists.checkins, still_persists.first, still_persists.span_days) == (3, 5, 9)


def test_the_window_includes_exactly_fourteen_days_ago_and_excludes_the_future() -> None:
    result = persistence(
        [(days_ago(14), 5), (days_ago(7), 5), (days_ago(0), 5), (NOW + timedelta(hours=1), 1)], now=NOW
    )
    assert result.persists
    assert (result.checkins, result.span_days) == (3, 14)


def test_no_checkins_at_all() -> None:
    result = persistence([], now=NOW)
    assert result == Persistence(persists=False, checkins=0)
    assert result.describe() == (
        "0 check-ins over 0 days in the last 14; the rule looks at 3 or more over 7 days or more."
    )


checkin = st.tuples(
    st.integers(min_value=-20 * 24 * 60, max_value=24 * 60).map(lambda minutes: NOW + timedelta(minutes=minutes)),
    st.integers(min_value=rule.PAIN_MIN, max_value=rule.PAIN_MAX),
)


@given(st.lists(checkin, max_size=8))
def test_persists_only_with_enough_checkins_in_the_window(checkins: list[tuple[datetime, int]]) -> None:
    result = persistence(checkins, now=NOW)
    in_window = [pain for at, pain in checkins if NOW - timedelta(days=rule.WINDOW_DAYS) <= at <= NOW]
    assert result.checkins == len(in_window)
    if result.persists:
        assert len(in_window) >= rule.MIN_CHECKINS
        assert result.span_days >= rule.MIN_SPAN_DAYS
        assert min(in_window) >= rule.PERSIST_LEVEL


@given(st.lists(checkin, max_size=rule.MIN_CHECKINS - 1))
def test_fewer_than_min_checkins_never_persist(checkins: list[tuple[datetime, int]]) -> None:
    assert not persistence(checkins, now=NOW).persists


# -- streaks --------------------------------------------------------------------------------------


def day(n: int) -> date:
    """``n`` days before TODAY."""
    return TODAY - timedelta(days=n)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], (0, 0)),
        ([day(0)], (1, 1)),
        ([day(1)], (1, 1)),  # today's routine may not have happened yet
        ([day(2)], (0, 1)),  # two days ago: the streak is over
        ([day(2), day(1)], (2, 2)),  # counts through yesterday
        ([day(2), day(1), day(0)], (3, 3)),
        ([day(6), day(5), day(4), day(2), day(1)], (2, 3)),  # broken: current 2, longest 3
        ([day(9), day(8), day(7), day(6), day(0)], (1, 4)),
        ([day(5), day(4), day(3)], (0, 3)),
        ([day(0), day(0), day(1), day(1), day(0)], (2, 2)),  # two routines on one day count once
        ([day(0), day(2), day(1)], (3, 3)),  # any order
    ],
)
def test_streaks(days: list[date], expected: tuple[int, int]) -> None:
    assert streaks(days, today=TODAY) == expected


@given(st.lists(st.integers(min_value=0, max_value=60).map(day), max_size=40))
def test_the_current_streak_is_never_longer_than_the_longest(days: list[date]) -> None:
    current, longest = streaks(days, today=TODAY)
    assert 0 <= current <= longest <= len(set(days))
    assert (current > 0) == bool({day(0), day(1)} & set(days))
    assert (longest > 0) == bool(days)
