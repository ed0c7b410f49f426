"""RoutineSession: a routine in progress, driven by plain ``now`` values instead of a clock."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchcoach.core.model import Catalog, Hold, Side
from stretchcoach.core.plan import Plan
from stretchcoach.core.session import (
    ADJUST_SECONDS,
    DONE_SHARE,
    LAST_SECONDS,
    SHORTEST_STEP,
    Event,
    EventKind,
    Outcome,
    RoutineSession,
    Status,
)
from stretchcoach.core.steps import StepKind
from stretchcoach.errors import ExitCode

from helpers import back_relief

START = 1000.0  # the session clock does not start at zero


@pytest.fixture
def session(plan: Plan) -> RoutineSession:
    s = RoutineSession(plan, started=START)
    s.begin()
    return s


def kinds(events: list[Event]) -> list[EventKind]:
    return [e.kind for e in events]


# -- time passing ---------------------------------------------------------------------------


def test_begin_announces_the_first_step(plan: Plan) -> None:
    s = RoutineSession(plan, started=START)
    (event,) = s.begin()
    assert (event.kind, event.index, event.step, event.previous) == (EventKind.STEP, 0, plan.steps[0], None)
    assert s.step_started == START
    assert s.remaining(START) == 10


def test_a_step_ends_exactly_at_its_deadline(session: RoutineSession, plan: Plan) -> None:
    assert session.update(START + 9.999) == []
    assert session.index == 0
    (event,) = session.update(START + 10)
    assert (event.kind, event.index, event.step, event.previous) == (EventKind.STEP, 1, plan.steps[1], plan.steps[0])
    assert session.step_started == START + 10
    assert session.records[0].status is Status.DONE
    assert session.records[0].seconds == 10


def test_a_late_update_starts_the_next_step_at_the_deadline_not_at_now(session: RoutineSession) -> None:
    events = session.update(START + 13.7)
    assert [(e.kind, e.index) for e in events] == [(EventKind.STEP, 1)]
    assert session.step_started == START + 10
    assert session.remaining(START + 13.7) == pytest.approx(26.3)


def test_one_late_update_passes_every_deadline_in_between(session: RoutineSession) -> None:
    events = session.update(START + 46)  # prep, left hold and switch have all ended
    assert [(e.kind, e.index) for e in events] == [(EventKind.STEP, 1), (EventKind.STEP, 2), (EventKind.STEP, 3)]
    assert session.step_started == START + 45
    assert [r.status for r in session.records[:4]] == [Status.DONE, Status.DONE, Status.DONE, None]


def test_no_drift_over_a_whole_plan_with_irregular_updates(session: RoutineSession, plan: Plan) -> None:
    rng = random.Random(20240611)
    starts = plan.starts()
    now = START
    seen: list[int] = []
    while not session.finished:
        now += rng.choice([0.001, 0.1, 0.37, 0.999, 1.0, 1.3, 2.5, 7.3, 11.0])
        seen += [e.index for e in session.update(now) if e.kind is EventKind.STEP]
        if not session.finished:
            # Each step starts where the ones before it add up to, however late we looked.
            assert session.step_started - START == starts[session.index]
    assert seen == list(range(1, len(plan.steps)))
    assert session.outcome is Outcome.COMPLETED
    assert all(r.status is Status.DONE for r in session.records)
    assert [r.seconds for r in session.records] == [s.seconds for s in plan.steps]
    assert session.active_seconds() == plan.active_seconds


@settings(deadline=None, max_examples=60)
@given(st.lists(st.floats(0.0005, 40.0), min_size=1, max_size=400))
def test_step_starts_never_drift(plan: Plan, gaps: list[float]) -> None:
    session = RoutineSession(plan, started=START)
    starts = plan.starts()
    now = START
    for gap in gaps:
        now += gap
        session.update(now)
        if session.finished:
            break
        assert session.step_started == START + starts[session.index]
        assert session.step_started <= now < session.deadline()
        assert session.deadline() == START + starts[session.index] + plan.steps[session.index].seconds


def test_a_completed_routine_ends_at_the_last_deadline_even_if_noticed_late(
    session: RoutineSession, plan: Plan
) -> None:
    """The routine is over when its last step's time is up, not when update() happens to look.

    Fails while ``_enter`` passes ``now`` to ``finish(COMPLETED, ...)``: a late last update
    then adds the lateness to the routine's length in the summary.
    """
    session.update(START + 250)
    (event,) = session.update(START + 260)  # 7 s after the end
    assert event.kind is EventKind.FINISHED
    assert event.detail == "completed"
    assert session.outcome is Outcome.COMPLETED
    assert session.ended == START + plan.total_seconds


def test_completed_on_time_ends_at_the_total(session: RoutineSession, plan: Plan) -> None:
    for t in range(1, plan.total_seconds + 1):
        session.update(START + t)
    assert session.outcome is Outcome.COMPLETED
    assert session.ended == START + 253
    assert session.update(START + 300) == []


# -- pause -------------------------------------------------------------------------------------


def test_pause_excludes_exactly_the_paused_time(session: RoutineSession) -> None:
    session.update(START + 3)
    assert kinds(session.pause(START + 3.25)) == [EventKind.PAUSED]
    assert session.paused
    assert session.elapsed(START + 7) == 3.25
    assert session.update(START + 20) == []  # nothing moves while paused
    assert session.index == 0
    assert kinds(session.resume(START + 7.5)) == [EventKind.RESUMED]
    assert session.paused_total == 4.25
    assert session.elapsed(START + 7.5) == 3.25
    assert session.update(START + 14.2499) == []
    (event,) = session.update(START + 14.25)
    assert event.index == 1
    assert session.step_started == START + 14.25
    assert session.records[0].seconds == 10


def test_toggle_pause_and_paused_seconds(session: RoutineSession) -> None:
    assert kinds(session.toggle_pause(START + 1.5)) == [EventKind.PAUSED]
    assert session.paused_seconds(START + 2) == 0.5
    assert session.pause(START + 2) == []  # already paused
    assert kinds(session.toggle_pause(START + 2.75)) == [EventKind.RESUMED]
    assert session.resume(START + 3) == []  # not paused
    assert session.paused_seconds(START + 10) == 1.25


def test_time_left_stands_still_while_paused(session: RoutineSession) -> None:
    assert session.time_left(START) == 253
    assert session.time_left(START + 3.25) == 253 - 3.25
    session.pause(START + 3.25)
    assert session.time_left(START + 100) == 253 - 3.25
    session.resume(START + 100)
    assert session.time_left(START + 100) == 253 - 3.25
    session.update(START + 120)
    assert session.index == 1  # the prep ended 96.75 s late, at 106.75
    assert session.step_started == START + 106.75
    assert session.time_left(START + 120) == 253 - 3.25 - (120 - 100)


# -- skip, back, adjust ------------------------------------------------------------------------


def test_skip_records_skipped_with_the_seconds_spent(session: RoutineSession, plan: Plan) -> None:
    (event,) = session.skip(START + 4.5)
    assert (event.kind, event.index, event.previous) == (EventKind.STEP, 1, plan.steps[0])
    assert session.records[0].status is Status.SKIPPED
    assert session.records[0].seconds == 4.5
    assert session.step_started == START + 4.5
    assert session.deadline() == START + 34.5


def test_skip_while_paused_does_not_count_the_pause(session: RoutineSession) -> None:
    session.pause(START + 2)
    session.skip(START + 9)
    assert session.records[0].seconds == 2
    assert session.paused_total == 7
    assert not session.paused
    assert session.step_started == START + 9


def test_skipping_the_last_step_after_half_of_it_completes(catalog: Catalog) -> None:
    plan = back_relief(catalog, only=("childs-pose",), prep=0)  # one 30 s hold
    s = RoutineSession(plan, started=0.0)
    events = s.skip(15.0)
    assert kinds(events) == [EventKind.FINISHED]
    assert s.outcome is Outcome.COMPLETED
    assert s.records[0].status is Status.SKIPPED
    assert s.records[0].seconds == 15.0


def test_skipping_the_last_step_before_half_of_it_ends_early(catalog: Catalog) -> None:
    plan = back_relief(catalog, only=("childs-pose",), prep=0)
    s = RoutineSession(plan, started=0.0)
    (event,) = s.skip(14.5)
    assert (event.kind, event.detail) == (EventKind.FINISHED, "quit")
    assert s.outcome is Outcome.QUIT
    assert s.outcome.exit_code is ExitCode.RUNTIME
    assert s.ended == 14.5


def test_skipping_through_every_step_is_not_completed(session: RoutineSession, plan: Plan) -> None:
    """A pasted block of "n": the end is reached with nothing done. Ended early, exit 1, no streak day.

    Fails while reaching the end is all "completed" takes: such a routine was saved
    as completed, exited 0 and counted towards the streak.
    """
    now = START
    while not session.finished:
        now += 0.01
        session.skip(now)
    assert session.outcome is Outcome.QUIT
    assert session.outcome.exit_code is ExitCode.RUNTIME
    assert {r.status for r in session.records} == {Status.SKIPPED}
    assert session.ended == pytest.approx(START + 0.01 * len(plan.steps))


def test_skipping_one_stretch_of_four_still_completes(session: RoutineSession, plan: Plan) -> None:
    """Cat-cow (48 of 178 s of stretching) skipped, everything else held: most of it was done."""
    session.update(START + 135)  # cat-cow's get-ready step
    assert session.step.stretch.id == "cat-cow"
    now = START + 135
    while session.step.stretch.id == "cat-cow":
        session.skip(now)
    session.update(now + 1000)
    assert session.outcome is Outcome.COMPLETED
    assert session.active_seconds() == 178 - 48


@settings(deadline=None, max_examples=60)
@given(st.lists(st.tuples(st.floats(0.0, 40.0), st.booleans()), min_size=1, max_size=80))
def test_completed_means_at_least_half_the_stretching_was_done(plan: Plan, moves: list[tuple[float, bool]]) -> None:
    """Whatever mix of waiting and skipping reaches the end, "completed" is exactly the documented rule."""
    s = RoutineSession(plan, started=START)
    now = START
    for gap, skip in moves:
        now += gap
        s.update(now)
        if skip:
            s.skip(now)
    s.update(now + plan.total_seconds)
    assert s.finished
    done = sum(r.step.seconds if r.status is Status.DONE else r.seconds for r in s.records if r.step.active)
    assert (s.outcome is Outcome.COMPLETED) == (done >= DONE_SHARE * plan.active_seconds)


def test_holds_shortened_with_minus_and_run_to_their_end_still_complete(catalog: Catalog) -> None:
    s = RoutineSession(back_relief(catalog, only=("childs-pose",), prep=0, hold=50), started=START)
    s.begin()
    s.adjust(-ADJUST_SECONDS, START + 1)
    s.adjust(-ADJUST_SECONDS, START + 1)
    s.update(START + 30)
    assert s.records[0].status is Status.DONE
    assert s.records[0].seconds == pytest.approx(30)
    assert s.outcome is Outcome.COMPLETED


def test_back_goes_to_the_start_of_the_previous_step(session: RoutineSession, plan: Plan) -> None:
    session.update(START + 50)  # right hold (index 3) began at 45
    assert session.index == 3
    (event,) = session.back(START + 50)
    assert (event.kind, event.index, event.step, event.previous) == (EventKind.STEP, 2, plan.steps[2], plan.steps[3])
    assert session.step_started == START + 50
    assert session.remaining(START + 50) == 5
    assert session.records[3].status is None
    assert session.records[3].seconds == 5  # the time spent still counts
    assert session.records[2].status is None
    assert session.records[1].status is Status.DONE
    session.update(START + 55)
    assert session.index == 3
    assert session.step_started == START + 55


def test_back_on_the_first_step_restarts_it(session: RoutineSession) -> None:
    (event,) = session.back(START + 6)
    assert event.index == 0
    assert session.step_started == START + 6
    assert session.remaining(START + 6) == 10
    assert session.records[0].seconds == 6


def test_back_clears_an_adjustment(session: RoutineSession) -> None:
    session.update(START + 12)
    session.adjust(+10, START + 12)
    session.back(START + 13)
    session.update(START + 23)
    assert session.index == 1
    assert session.duration == 30


@pytest.fixture
def hold_session(catalog: Catalog) -> RoutineSession:
    """Child's pose alone (held at least 30 s), planned at 60 s from 0."""
    s = RoutineSession(back_relief(catalog, only=("childs-pose",), prep=0, hold=60), started=0.0)
    s.begin()
    return s


def test_adjust_adds_and_takes_ten_seconds_on_a_hold(hold_session: RoutineSession) -> None:
    (event,) = hold_session.adjust(+ADJUST_SECONDS, 5.0)
    assert (event.kind, event.detail) == (EventKind.ADJUSTED, "+10 s")
    assert hold_session.duration == 70
    assert hold_session.deadline() == 70
    assert hold_session.time_left(5.0) == 65
    (event,) = hold_session.adjust(-ADJUST_SECONDS, 5.0)
    assert event.detail == "−10 s"
    assert hold_session.duration == 60
    hold_session.adjust(-ADJUST_SECONDS, 5.0)
    assert hold_session.duration == 50
    hold_session.update(49.99)
    assert not hold_session.finished
    assert kinds(hold_session.update(50.0)) == [EventKind.FINISHED]


def test_minus_never_takes_a_hold_below_its_minimum(hold_session: RoutineSession) -> None:
    for _ in range(5):
        hold_session.adjust(-ADJUST_SECONDS, 5.0)
    assert hold_session.duration == 30
    assert hold_session.adjust(-ADJUST_SECONDS, 5.0) == []
    hold_session.update(29.99)
    assert not hold_session.finished


def test_minus_does_nothing_to_a_hold_planned_at_its_minimum(catalog: Catalog) -> None:
    s = RoutineSession(back_relief(catalog, only=("supine-hip-flexor",), prep=0), started=0.0)
    assert s.adjust(-ADJUST_SECONDS, 1.0) == []
    assert s.duration == 30


def test_adjust_never_goes_below_elapsed_plus_one(hold_session: RoutineSession) -> None:
    hold_session.adjust(-ADJUST_SECONDS, 42.0)
    hold_session.adjust(-ADJUST_SECONDS, 42.0)
    assert hold_session.duration == 42 + SHORTEST_STEP
    assert hold_session.remaining(42.0) == SHORTEST_STEP
    hold_session.adjust(-ADJUST_SECONDS, 42.0)
    assert hold_session.duration == 43


def test_adjust_leaves_at_least_one_second_after_a_fraction(hold_session: RoutineSession) -> None:
    """ "-" never leaves less than SHORTEST_STEP to go, even 42.7 s into the step.

    Fails while the floor is ``int(elapsed) + 1``: 42.7 s in, the step is cut to 43 s
    and ends 0.3 s later (42.99 s in: 0.01 s later). Suggested: ``math.ceil(elapsed)``.
    """
    hold_session.adjust(-ADJUST_SECONDS, 42.7)
    hold_session.adjust(-ADJUST_SECONDS, 42.7)
    assert hold_session.remaining(42.7) >= SHORTEST_STEP


def test_plus_holds_a_cat_cow_position_deeper_and_minus_gives_it_back(catalog: Catalog) -> None:
    s = RoutineSession(back_relief(catalog, only=("cat-cow",), prep=0), started=0.0)
    assert s.step.kind is StepKind.PHASE
    (event,) = s.adjust(+ADJUST_SECONDS, 1.0)
    assert event.detail == "+3 s"  # the catalog's "deeper": a few seconds, not ten
    assert s.duration == 7
    (event,) = s.adjust(-ADJUST_SECONDS, 1.0)
    assert event.detail == "−3 s"
    assert s.adjust(-ADJUST_SECONDS, 1.0) == []  # never quicker than the breath
    assert s.duration == 4


def test_adjust_is_ignored_on_rounds_that_cannot_go_deeper(catalog: Catalog) -> None:
    s = RoutineSession(back_relief(catalog, only=("seated-spinal-twist",), prep=0), started=0.0)
    assert s.step.kind is StepKind.PHASE
    assert s.adjust(+ADJUST_SECONDS, 1.0) == []
    assert s.adjust(-ADJUST_SECONDS, 1.0) == []
    assert s.duration == 5


def test_adjust_applies_to_gaps_too(session: RoutineSession) -> None:
    session.adjust(+ADJUST_SECONDS, START + 1)  # prep
    assert session.duration == 20


# -- ending --------------------------------------------------------------------------------------


def test_hurt_stops_at_once_and_remembers_the_step(session: RoutineSession, plan: Plan) -> None:
    session.update(START + 20)
    (event,) = session.hurt(START + 20.5)
    assert (event.kind, event.detail) == (EventKind.FINISHED, "hurt")
    assert session.outcome is Outcome.HURT
    assert session.hurt_step == plan.steps[1]
    assert session.records[1].seconds == 10.5
    assert session.records[1].status is None
    assert session.ended == START + 20.5
    assert session.outcome.exit_code is ExitCode.STOP


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        (Outcome.COMPLETED, 0),
        (Outcome.QUIT, 1),
        (Outcome.HURT, 3),
        (Outcome.INTERRUPTED, 130),
        (Outcome.TERMINATED, 143),
        (Outcome.HANGUP, 129),
    ],
)
def test_outcome_exit_codes(outcome: Outcome, code: int) -> None:
    assert outcome.exit_code == code


@pytest.mark.parametrize("outcome", [Outcome.QUIT, Outcome.INTERRUPTED, Outcome.TERMINATED, Outcome.HANGUP])
def test_finish_keeps_the_time_spent_and_stops_everything(session: RoutineSession, outcome: Outcome) -> None:
    session.update(START + 12)
    (event,) = session.finish(outcome, START + 12.5)
    assert (event.kind, event.detail) == (EventKind.FINISHED, outcome.value)
    assert session.finished
    assert session.outcome is outcome
    assert session.ended == START + 12.5
    assert session.records[1].seconds == 2.5
    assert session.hurt_step is None
    for later in (
        session.update(START + 500),
        session.skip(START + 13),
        session.back(START + 13),
        session.adjust(10, START + 13),
        session.pause(START + 13),
        session.hurt(START + 13),
        session.finish(Outcome.QUIT, START + 13),
    ):
        assert later == []
    assert session.outcome is outcome


def test_finish_while_paused_counts_the_pause_as_paused(session: RoutineSession) -> None:
    session.pause(START + 4)
    session.finish(Outcome.QUIT, START + 10)
    assert session.records[0].seconds == 4
    assert session.paused_total == 6
    assert not session.paused


# -- announcements and the summary ----------------------------------------------------------------


def last_seconds_events(session: RoutineSession, until: float, every: float = 0.5) -> list[tuple[int, float]]:
    found = []
    now = session.started
    while now < until and not session.finished:
        now += every
        found += [(e.index, now) for e in session.update(now) if e.kind is EventKind.LAST_SECONDS]
    return found


def test_last_seconds_once_per_long_hold(session: RoutineSession, plan: Plan) -> None:
    found = last_seconds_events(session, START + 253)
    # Holds at indexes 1 (10-40), 3 (45-75), 6 (95-125): announced when 10 s are left.
    assert found == [(1, START + 30), (3, START + 65), (6, START + 115)]
    assert LAST_SECONDS == 10


@pytest.mark.parametrize(("hold", "announced"), [(19, False), (20, True), (21, True)])
def test_last_seconds_only_for_holds_of_at_least_twenty(catalog: Catalog, hold: int, announced: bool) -> None:
    pose = catalog.get_stretch("childs-pose")
    own = Catalog(warning=catalog.warning, stretches=(replace(pose, timing=Hold(hold)),), routines=catalog.routines)
    s = RoutineSession(back_relief(own, only=("childs-pose",), prep=0), started=0.0)  # a hold without a minimum
    found = last_seconds_events(s, hold + 1)
    assert found == ([(0, hold - 10.0)] if announced else [])


def test_last_seconds_again_after_adding_time(hold_session: RoutineSession) -> None:
    assert last_seconds_events(hold_session, 51) == [(0, 50.0)]
    hold_session.adjust(+ADJUST_SECONDS, 51.0)  # 19 s left
    found = [e.kind for t in (55.0, 60.0, 61.0) for e in hold_session.update(t)]
    assert found == [EventKind.LAST_SECONDS]


def test_one_sided_is_empty_when_both_sides_are_done(session: RoutineSession) -> None:
    session.update(START + 80)
    session.finish(Outcome.QUIT, START + 80)
    assert session.one_sided() == []


def test_one_sided_reports_the_skipped_side(session: RoutineSession) -> None:
    session.update(START + 46)  # right hold began at 45
    session.skip(START + 46)
    session.finish(Outcome.QUIT, START + 50)
    assert session.one_sided() == [("Supine hip flexor stretch", Side.RIGHT)]


def test_one_sided_reports_the_side_not_reached(session: RoutineSession) -> None:
    session.update(START + 42)  # in the switch
    session.hurt(START + 42)
    assert session.one_sided() == [("Supine hip flexor stretch", Side.RIGHT)]


def test_one_sided_is_empty_when_neither_side_was_done(session: RoutineSession) -> None:
    session.update(START + 12)
    session.skip(START + 12)
    session.update(START + 14)
    session.skip(START + 14)
    session.skip(START + 15)
    session.finish(Outcome.QUIT, START + 16)
    assert session.one_sided() == []


# -- waiting ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(0.0, 1.0), (0.25, 0.75), (3.5, 0.5), (9.5, 0.5), (9.9, 0.1)],
)
def test_next_change_is_the_next_whole_second(session: RoutineSession, offset: float, expected: float) -> None:
    assert session.next_change(START + offset) == pytest.approx(expected)


def test_next_change_lands_on_whole_seconds(session: RoutineSession) -> None:
    now = START + 0.3
    for _ in range(30):
        session.update(now)
        now += session.next_change(now)
        assert session.remaining(now) == pytest.approx(round(session.remaining(now)), abs=1e-9)


def test_next_change_while_paused_waits_for_a_key(session: RoutineSession) -> None:
    session.pause(START + 1)
    assert session.next_change(START + 2) >= 60
