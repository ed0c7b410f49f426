"""The article's rule over a person's own check-ins: worsens, persists, and the streaks.

Pure functions: every date is an argument, so these tests fix ``now`` and ``today``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stretchcoach.core import rule
from stretchcoach.core.rule import Routine, Verdict, after_routine, persistence, rule_state, streaks

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
TODAY = date(2025, 3, 20)


def days_ago(days: float, *, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


# -- after one routine ----------------------------------------------------------------------


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


def checkins(*pairs: tuple[float, int]) -> list[tuple[datetime, int]]:
    """(days ago, pain) pairs as check-ins."""
    return [(days_ago(ago), pain) for ago, pain in pairs]


@pytest.mark.parametrize(
    ("pairs", "persists"),
    [
        (((14, 3), (7, 3), (0, 3)), True),  # three weeks of the same mild pain: it persists
        (((20, 5), (10, 4), (0, 4)), True),  # one point better is not an improvement
        (((20, 6), (10, 5), (0, 5)), True),  # nor is 17 % better
        (((20, 6), (10, 5), (0, 4)), False),  # two points better is
        (((20, 10), (10, 8), (0, 7)), False),  # and so is 30 % better
        (((20, 3), (10, 4), (0, 6)), True),  # worse persists too
        (((20, 3), (10, 2), (0, 0)), False),  # gone
        (((14, 1), (7, 1), (0, 1)), True),  # "the latest is 1 or more"
        (((13, 5), (7, 5), (0, 5)), False),  # 13 days apart: not yet a few weeks
        (((20, 5), (0, 5)), False),  # two days are not enough
        (((20, 5), (20, 5), (0, 5), (0, 5)), False),  # four check-ins, still only two days
        (((25, 5), (14, 5), (7, 5), (0, 5)), True),  # the first in the window is 14 days ago: (14 -> 0)
        (((30, 5), (22, 5), (0, 5)), False),  # older than 21 days is left out
    ],
)
def test_persists_when_pain_has_not_improved_over_a_few_weeks(
    pairs: tuple[tuple[float, int], ...], persists: bool
) -> None:
    assert persistence(checkins(*pairs), now=NOW).persists is persists


def test_thresholds_are_the_documented_ones() -> None:
    assert (rule.WORSE_BY, rule.WINDOW_DAYS, rule.MIN_DAYS, rule.MIN_SPAN_DAYS) == (2, 21, 3, 14)
    assert (rule.BETTER_BY, rule.BETTER_SHARE) == (2, 0.3)


@pytest.mark.parametrize(
    ("first", "latest", "better"),
    [
        (5, 3, True),
        (5, 4, False),
        (10, 7, True),
        (10, 8, True),
        (10, 9, False),
        (2, 1, True),
        (1, 0, True),
        (0, 0, False),
    ],
)
def test_improved_means_two_points_or_thirty_percent(first: int, latest: int, better: bool) -> None:
    assert rule.improved(first, latest) is better


def test_a_doctors_visit_starts_the_window_again() -> None:
    pairs = checkins((20, 5), (10, 5), (0, 5))
    assert persistence(pairs, now=NOW).persists
    after_visit = persistence(pairs, now=NOW, since=days_ago(15))
    assert not after_visit.persists
    assert after_visit.days == 2


def test_persistence_in_plain_words() -> None:
    state = persistence(checkins((20, 5), (10, 5), (0, 5)), now=NOW)
    assert (
        state.describe()
        == "Your pain has not improved over 20 days: from 5 on Fri 28 Feb 2025 to 5 on Thu 20 Mar 2025."
    )
    few = persistence(checkins((3, 5), (0, 4)), now=NOW)
    assert few.describe() == (
        "Pain check-ins on 2 days in the last 21 (from 5 on Mon 17 Mar 2025 to 4 on Thu 20 Mar 2025): not yet "
        "enough to tell whether it persists, which takes check-ins on 3 or more days, 14 days or more apart."
    )
    assert persistence(checkins((20, 7), (10, 5), (0, 3)), now=NOW).describe().startswith("Your pain is improving: ")
    assert persistence([], now=NOW).describe().startswith("No pain check-ins in the last 21 days.")


def test_after_a_doctors_visit_the_words_count_from_the_visit() -> None:
    """The window then starts at the visit: "in the last 21 days" would not be true."""
    visit = days_ago(3)
    pairs = checkins((10, 5), (1, 4))
    assert (
        persistence(checkins((10, 5)), now=NOW, since=visit)
        .describe()
        .startswith("No pain check-ins since you saw a doctor on Mon 17 Mar 2025. ")
    )
    assert (
        persistence(pairs, now=NOW, since=visit)
        .describe()
        .startswith("Pain check-ins on 1 day since you saw a doctor on Mon 17 Mar 2025 (from 4 on Wed 19 Mar 2025 ")
    )
    long_ago = persistence([], now=NOW, since=days_ago(40))  # before the window: it starts 21 days ago
    assert long_ago.describe().startswith("No pain check-ins in the last 21 days.")


checkin = st.tuples(
    st.integers(min_value=0, max_value=40 * 24).map(lambda hours: NOW - timedelta(hours=hours)),
    st.integers(min_value=rule.PAIN_MIN, max_value=rule.PAIN_MAX),
)


@given(st.lists(checkin, max_size=30))
def test_persists_only_with_enough_days_and_no_improvement(pairs: list[tuple[datetime, int]]) -> None:
    result = persistence(pairs, now=NOW)
    window = sorted((at, pain) for at, pain in pairs if NOW - timedelta(days=rule.WINDOW_DAYS) <= at <= NOW)
    if result.persists:
        assert len({at.date() for at, _ in window}) >= rule.MIN_DAYS
        assert (window[-1][0].date() - window[0][0].date()).days >= rule.MIN_SPAN_DAYS
        assert window[-1][1] >= 1
        assert not rule.improved(window[0][1], window[-1][1])


# -- the rule in force: a stop is remembered -------------------------------------------------------


def routine(ago: float, before: int | None, after: int | None, outcome: str = "completed") -> Routine:
    return Routine(days_ago(ago), before, after, outcome)


def test_a_worsened_routine_puts_a_stop_in_force() -> None:
    state = rule_state([routine(1, 2, 6)], [], now=NOW)
    assert state.stop is not None
    assert state.binding
    assert state.reason == "worsened"
    assert state.stop.describe() == "On Wed 19 Mar 2025 your pain went from 2 to 6 during a routine."


def test_this_hurts_puts_a_stop_in_force() -> None:
    state = rule_state([routine(1, None, None, "hurt")], [], now=NOW)
    assert state.reason == "hurt"
    assert state.stop is not None
    assert state.stop.describe() == "On Wed 19 Mar 2025 you stopped a routine because it hurt."


@pytest.mark.parametrize(
    ("later", "cleared"),
    [
        (routine(0.5, 4, 4), True),  # completed, checked in, no higher
        (routine(0.5, 4, 5), False),  # a point up: not worse enough for a new stop, nor safe enough to lift one
        (routine(0.5, 4, 6), False),  # worse again: a new stop
        (routine(0.5, 4, 4, "quit"), False),  # not completed
        (routine(0.5, 4, 4, "interrupted"), False),
        (routine(0.5, None, 4), False),  # no check-in before: cannot tell
        (routine(0.5, 4, None), False),  # no check-in after: cannot tell
        (routine(0.5, 3, 3, "hurt"), False),
    ],
)
def test_a_stop_stays_until_a_later_routine_ends_without_worsening(later: Routine, cleared: bool) -> None:
    state = rule_state([routine(1, 2, 6), later], [], now=NOW)
    assert (state.stop is None) is cleared


def test_a_doctors_visit_after_the_stop_ends_it_and_one_before_does_not() -> None:
    stopped = [routine(1, 2, 6)]
    assert rule_state(stopped, [], seen_doctor=[days_ago(0.5)], now=NOW).stop is None
    assert rule_state(stopped, [], seen_doctor=[days_ago(2)], now=NOW).stop is not None


def test_going_on_anyway_is_remembered_but_does_not_end_the_stop() -> None:
    state = rule_state([routine(1, 2, 6)], [], went_on=[days_ago(2), days_ago(0.5), days_ago(0.2)], now=NOW)
    assert state.stop is not None
    assert state.stop.went_on == (days_ago(0.5), days_ago(0.2))  # only those after the stop


def test_routines_ahead_of_the_clock_are_not_read() -> None:
    assert rule_state([routine(-1, 2, 6)], [], now=NOW).stop is None


def test_pain_that_persists_is_binding_too() -> None:
    state = rule_state([], checkins((20, 5), (10, 5), (0, 5)), now=NOW)
    assert state.stop is None
    assert state.binding
    assert state.reason == "persists"


@given(
    st.lists(
        st.tuples(
            st.integers(0, 30 * 24),
            st.none() | st.integers(0, 10),
            st.none() | st.integers(0, 10),
            st.sampled_from(["completed", "quit", "hurt", "interrupted"]),
        ),
        max_size=12,
    ),
    st.lists(st.integers(0, 30 * 24), max_size=3),
)
def test_the_stop_in_force_is_the_last_stop_with_nothing_after_it_that_ends_it(
    made: list[tuple[int, int | None, int | None, str]], visits: list[int]
) -> None:
    routines = [Routine(NOW - timedelta(hours=h), before, after, outcome) for h, before, after, outcome in made]
    seen = [NOW - timedelta(hours=h) for h in visits]
    state = rule_state(routines, [], seen_doctor=seen, now=NOW)
    ordered = sorted(routines, key=lambda r: r.at)
    stops = [n for n, r in enumerate(ordered) if r.verdict.stop]
    if state.stop is None:
        if stops:
            last = ordered[stops[-1]]
            assert any(r.clears_a_stop for r in ordered[stops[-1] + 1 :]) or any(v >= last.at for v in seen)
    else:
        assert stops
        assert state.stop.routine == ordered[stops[-1]]
        assert not any(r.clears_a_stop for r in ordered[stops[-1] + 1 :])
        assert not any(v >= state.stop.routine.at for v in seen)


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
