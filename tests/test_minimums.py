"""No option, key or fit to a time takes a hold or a cycle below its minimum, or a plan past --minutes.

One property over generated catalogs (holds with and without a minimum, cycles with and
without a least number of rounds, that may or may not go deeper), any mix of the
routine's options, and any keys pressed while it runs: the plan is refused with a
message, or every hold and cycle in it is at least its minimum and the whole takes no
more than the minutes asked; and while it runs, no key ever brings the current hold
below its minimum.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from stretchcoach.core.model import Breath, Catalog, Cycle, Hold, Phase, Routine, RoutineItem, Side, Stretch
from stretchcoach.core.plan import Plan, PlanOptions, plan_routine
from stretchcoach.core.session import ADJUST_SECONDS, RoutineSession
from stretchcoach.core.steps import StepKind
from stretchcoach.errors import ExitCode, StretchcoachError


def stretch(sid: str, timing: Hold | Cycle) -> Stretch:
    return Stretch(sid, f"Stretch {sid}", ("back",), "Get ready.", ("Do it.",), "A stretch.", timing)


@st.composite
def holds(draw: st.DrawFn) -> Hold:
    minimum = draw(st.sampled_from([0, 5, 15, 30, 45]))
    seconds = draw(st.integers(max(1, minimum), 120))
    sides = draw(st.sampled_from([(), (Side.LEFT, Side.RIGHT)]))
    return Hold(seconds, sides, minimum=minimum)


@st.composite
def cycles(draw: st.DrawFn) -> Cycle:
    phases = tuple(Phase(f"Move {n}", draw(st.integers(1, 8)), Breath.INHALE) for n in range(draw(st.integers(1, 2))))
    least = draw(st.sampled_from([0, 0, 2, 3]))
    reps = draw(st.integers(max(1, least), 10))
    return Cycle(phases, reps, deeper=draw(st.sampled_from([0, 3])), least=least)


@st.composite
def routines(draw: st.DrawFn) -> tuple[Catalog, Routine]:
    timings = draw(st.lists(st.one_of(holds(), cycles()), min_size=1, max_size=4))
    stretches = tuple(stretch(f"s{n}", timing) for n, timing in enumerate(timings))
    items = []
    for made in stretches:
        if isinstance(made.timing, Hold):
            items.append(RoutineItem(made.id, hold=draw(st.none() | st.integers(max(1, made.timing.minimum), 90))))
        else:
            items.append(RoutineItem(made.id, reps=draw(st.none() | st.integers(max(1, made.timing.least), 12))))
    gaps = {name: draw(st.integers(0, 15)) for name in ("prep", "rest", "switch")}
    routine = Routine("mine", "Mine", "", tuple(items), **gaps)
    return Catalog("Stop if it hurts.", stretches, (routine,)), routine


options = st.builds(
    PlanOptions,
    hold=st.none() | st.integers(1, 90),
    reps=st.none() | st.integers(1, 12),
    prep=st.none() | st.integers(0, 15),
    rest=st.none() | st.integers(0, 15),
    switch=st.none() | st.integers(0, 15),
    minutes=st.none() | st.floats(0.5, 15),
    deeper=st.booleans(),
)

KEYS = st.lists(st.tuples(st.floats(0.0, 40.0), st.sampled_from(["+", "-", "-", "-", "n", "b", "p"])), max_size=30)


def plan_or_error(
    catalog: Catalog, routine: Routine, chosen: PlanOptions
) -> tuple[Plan | None, StretchcoachError | None]:
    try:
        return plan_routine(catalog, routine, chosen), None
    except StretchcoachError as exc:
        return None, exc


@settings(deadline=None, max_examples=300)
@given(routines(), options, KEYS)
def test_no_option_key_or_fit_cuts_a_hold_below_its_minimum_or_runs_past_the_minutes(
    made: tuple[Catalog, Routine], chosen: PlanOptions, keys: list[tuple[float, str]]
) -> None:
    catalog, routine = made
    plan, error = plan_or_error(catalog, routine, chosen)
    if error is not None:
        assert error.exit_code is ExitCode.USAGE
        cut = [
            s
            for s in catalog.stretches
            if isinstance(s.timing, Hold) and chosen.hold and chosen.hold < s.timing.minimum
        ]
        few = [
            s for s in catalog.stretches if isinstance(s.timing, Cycle) and chosen.reps and chosen.reps < s.timing.least
        ]
        if cut or few:  # refused, quoting the first minimum it would have cut
            first = next(s for s in catalog.stretches if s in cut or s in few)  # the first in the routine
            if isinstance(first.timing, Hold):
                assert f"{first.name} is held for at least {first.timing.minimum} s" in error.message
            else:
                assert error.message.startswith(f"--reps {chosen.reps}: ")
                assert f"is done at least {first.timing.least} rounds" in error.message
        else:  # else only --deeper with nothing to deepen, or a routine that cannot fit the minutes
            assert error.message.startswith(("--deeper: ", "--minutes: "))
        return
    assert plan is not None
    for step in plan.steps:
        if step.kind is StepKind.HOLD:
            assert isinstance(step.stretch.timing, Hold)
            assert step.seconds >= step.stretch.timing.minimum
        if step.kind is StepKind.PHASE:
            assert isinstance(step.stretch.timing, Cycle)
            assert step.reps >= step.stretch.timing.least
    if chosen.minutes is not None:
        assert plan.total_seconds <= round(chosen.minutes * 60)

    session = RoutineSession(plan, started=0.0)
    session.begin()
    now = 0.0

    def hold_is_whole() -> None:
        step = session.step
        if not session.finished and step.kind is StepKind.HOLD:
            assert isinstance(step.stretch.timing, Hold)
            assert session.duration >= step.stretch.timing.minimum

    for gap, key in keys:
        now += gap
        session.update(now)
        hold_is_whole()
        if key in "+-":
            session.adjust(ADJUST_SECONDS if key == "+" else -ADJUST_SECONDS, now)
        elif key == "n":
            session.skip(now)
        elif key == "b":
            session.back(now)
        else:
            session.toggle_pause(now)
        hold_is_whole()


def test_the_built_in_holds_keep_their_30_s_whatever_is_asked(catalog: Catalog) -> None:
    """The article's own holds, with every way of asking for less."""
    routine = catalog.get_routine("back-relief")
    for minutes in (2.9, 3, 3.5, 4, 6):
        plan = plan_routine(catalog, routine, PlanOptions(minutes=minutes, prep=0, rest=0))
        assert min(s.seconds for s in plan.steps if s.kind is StepKind.HOLD) >= 30
    shortened = replace(routine, items=tuple(replace(item, hold=30) for item in routine.items))
    session = RoutineSession(plan_routine(catalog, shortened, PlanOptions(only=("childs-pose",), prep=0)), started=0)
    session.begin()
    for _ in range(5):
        session.adjust(-ADJUST_SECONDS, 1.0)
    assert session.duration == 30
