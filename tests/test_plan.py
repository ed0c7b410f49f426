"""plan_routine: the exact list of timed steps a routine becomes, and what options do to it."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchcoach.core.model import Breath, Catalog, Cycle, Hold, Phase, Routine, RoutineItem, Side, Stretch
from stretchcoach.core.plan import (
    MAX_HOLD,
    MAX_REPS,
    MIN_HOLD,
    MIN_REPS,
    Plan,
    PlanOptions,
    plan_routine,
)
from stretchcoach.core.steps import StepKind
from stretchcoach.errors import ExitCode, StretchcoachError

# -- building catalogs by hand ---------------------------------------------------------


def hold_stretch(sid: str, seconds: int = 30, sides: tuple[Side, ...] = ()) -> Stretch:
    return Stretch(
        id=sid,
        name=f"Stretch {sid}",
        targets=("back",),
        setup=f"Get into {sid}.",
        steps=("Do it.",),
        feel="A stretch.",
        timing=Hold(seconds, sides),
    )


def cycle_stretch(sid: str, reps: int = 3, seconds: tuple[int, ...] = (4, 4)) -> Stretch:
    breaths = (Breath.INHALE, Breath.EXHALE, None)
    phases = tuple(Phase(f"{sid} phase {n}", s, breaths[n % 3]) for n, s in enumerate(seconds))
    return Stretch(
        id=sid,
        name=f"Stretch {sid}",
        targets=("back",),
        setup=f"Get into {sid}.",
        steps=("Move.",),
        feel="Movement.",
        timing=Cycle(phases, reps),
    )


def make_catalog(stretches: list[Stretch], items: list[RoutineItem], **gaps: int) -> tuple[Catalog, Routine]:
    routine = Routine(id="mine", name="Mine", description="Test routine.", items=tuple(items), **gaps)
    return Catalog(warning="Stop if it hurts.", stretches=tuple(stretches), routines=(routine,)), routine


def back_relief(catalog: Catalog, **options: object) -> Plan:
    return plan_routine(catalog, catalog.get_routine("back-relief"), PlanOptions(**options))  # type: ignore[arg-type]


def shape(plan: Plan) -> list[tuple[str, str, str | None, int | None, int]]:
    """(kind, stretch, side, rep, seconds) for each step: the plan without its words."""
    return [(s.kind.value, s.stretch.id, s.side.value if s.side else None, s.rep, s.seconds) for s in plan.steps]


# -- the built-in routine ---------------------------------------------------------------------


def test_back_relief_step_sequence(catalog: Catalog) -> None:
    plan = back_relief(catalog)
    cat_cow = [("phase", "cat-cow", None, rep, 4) for rep in range(1, 7) for _breath in ("inhale", "exhale")]
    twist = [("phase", "seated-spinal-twist", None, rep, 5) for rep in range(1, 5) for _side in ("l", "r")]
    assert shape(plan) == [
        ("prep", "supine-hip-flexor", None, None, 10),
        ("hold", "supine-hip-flexor", "left", None, 30),
        ("switch", "supine-hip-flexor", "right", None, 5),
        ("hold", "supine-hip-flexor", "right", None, 30),
        ("rest", "childs-pose", None, None, 10),
        ("prep", "childs-pose", None, None, 10),
        ("hold", "childs-pose", None, None, 30),
        ("rest", "cat-cow", None, None, 10),
        ("prep", "cat-cow", None, None, 10),
        *cat_cow,
        ("rest", "seated-spinal-twist", None, None, 10),
        ("prep", "seated-spinal-twist", None, None, 10),
        *twist,
    ]


def test_back_relief_cues_and_breaths(catalog: Catalog) -> None:
    steps = back_relief(catalog).steps
    assert steps[0].cue == "Get ready: Lie on your back with your knees bent and your feet flat on the floor."
    assert steps[1].cue == "Left side. Hold for 30 seconds"
    assert steps[2].cue == "Switch sides"
    assert steps[3].cue == "Right side. Hold for 30 seconds"
    assert steps[4].cue == "Rest. Next: Child's pose"
    assert steps[6].cue == "Hold for 30 seconds"
    phases = [s for s in steps if s.stretch.id == "cat-cow" and s.kind is StepKind.PHASE]
    assert [s.breath for s in phases] == [Breath.INHALE, Breath.EXHALE] * 6
    assert {s.reps for s in phases} == {6}
    assert phases[0].cue == "Inhale — arch your back and look up to the ceiling"
    assert phases[1].cue == "Exhale — round your back and tuck your chin to your chest"
    twists = [s for s in steps if s.stretch.id == "seated-spinal-twist" and s.kind is StepKind.PHASE]
    assert [s.cue for s in twists[:2]] == ["Twist to the left", "Twist to the right"]
    assert {s.breath for s in twists} == {None}
    assert {s.reps for s in twists} == {4}


def test_total_is_known_before_starting_and_is_the_sum_of_steps(catalog: Catalog) -> None:
    plan = back_relief(catalog)
    assert plan.total_seconds == 253
    assert plan.total_seconds == sum(s.seconds for s in plan.steps)
    assert plan.active_seconds == 2 * 30 + 30 + 6 * 8 + 4 * 10
    assert len(plan.steps) == 31
    assert [s.id for s in plan.stretches] == ["supine-hip-flexor", "childs-pose", "cat-cow", "seated-spinal-twist"]


def test_starts_are_running_sums(catalog: Catalog) -> None:
    plan = back_relief(catalog)
    starts = plan.starts()
    assert starts[:9] == [0, 10, 40, 45, 75, 85, 95, 125, 135]
    assert starts[9:11] == [145, 149]
    assert starts[-1] == 253 - 5
    assert all(b - a == step.seconds for a, b, step in zip(starts, starts[1:], plan.steps, strict=False))


# -- options ----------------------------------------------------------------------------------


def test_hold_option_sets_every_hold_and_leaves_phases(catalog: Catalog) -> None:
    plan = back_relief(catalog, hold=45)
    assert [s.seconds for s in plan.steps if s.kind is StepKind.HOLD] == [45, 45, 45]
    assert plan.steps[1].cue == "Left side. Hold for 45 seconds"
    assert plan.total_seconds == 253 + 3 * 15


def test_reps_option_sets_every_cycle(catalog: Catalog) -> None:
    plan = back_relief(catalog, reps=3)
    rounds = {(s.stretch.id, s.rep, s.reps) for s in plan.steps if s.kind is StepKind.PHASE}
    assert rounds == {(sid, rep, 3) for sid in ("cat-cow", "seated-spinal-twist") for rep in (1, 2, 3)}
    assert plan.total_seconds == 253 - 3 * 8 - 1 * 10


def test_reps_below_the_articles_several_is_refused_quoting_it(catalog: Catalog) -> None:
    """ "Repeat this several times": the built-in cycles are done at least 3 rounds."""
    with pytest.raises(StretchcoachError) as caught:
        back_relief(catalog, reps=2)
    assert caught.value.message == "--reps 2: Cat-cow pose is done at least 3 rounds; give 3 or more"
    assert caught.value.exit_code is ExitCode.USAGE
    with pytest.raises(StretchcoachError, match=r"^--reps 1: Seated spinal twist is done at least 3 rounds"):
        back_relief(catalog, reps=1, only=("seated-spinal-twist",))
    assert holds(back_relief(catalog, reps=1, only=("childs-pose",))) == [30]  # no cycle in it: nothing to refuse


def test_a_cycle_without_a_least_may_be_done_once() -> None:
    catalog, routine = make_catalog([cycle_stretch("b", reps=3)], [RoutineItem("b")], prep=0)
    assert {s.reps for s in plan_routine(catalog, routine, PlanOptions(reps=1)).steps} == {1}


def test_a_routine_below_a_replaced_cycles_least_is_raised_to_it() -> None:
    stretch = cycle_stretch("b", reps=6)
    stretch = replace(stretch, timing=replace(stretch.timing, least=4))
    catalog, routine = make_catalog([stretch], [RoutineItem("b", reps=2)], prep=0)
    assert {s.reps for s in plan_routine(catalog, routine).steps} == {4}


def test_gap_options_change_their_steps(catalog: Catalog) -> None:
    plan = back_relief(catalog, prep=3, rest=7, switch=2)
    by_kind = {kind: {s.seconds for s in plan.steps if s.kind is kind} for kind in StepKind}
    assert by_kind[StepKind.PREP] == {3}
    assert by_kind[StepKind.REST] == {7}
    assert by_kind[StepKind.SWITCH] == {2}
    assert plan.total_seconds == 253 - 4 * 7 - 3 * 3 - 3
    assert (plan.routine.prep, plan.routine.rest, plan.routine.switch) == (3, 7, 2)


@pytest.mark.parametrize("gap", ["prep", "rest", "switch"])
def test_zero_gap_removes_those_steps(catalog: Catalog, gap: str) -> None:
    plan = back_relief(catalog, **{gap: 0})
    kinds = [s.kind.value for s in plan.steps]
    assert gap not in kinds
    removed = {"prep": 4 * 10, "rest": 3 * 10, "switch": 5}[gap]
    assert plan.total_seconds == 253 - removed
    assert all(s.seconds > 0 for s in plan.steps)


def test_all_gaps_zero_leaves_only_stretching(catalog: Catalog) -> None:
    plan = back_relief(catalog, prep=0, rest=0, switch=0)
    assert {s.kind for s in plan.steps} == {StepKind.HOLD, StepKind.PHASE}
    assert plan.total_seconds == plan.active_seconds == 178


def test_routine_item_overrides_hold_and_reps() -> None:
    catalog, routine = make_catalog(
        [hold_stretch("a", 30, (Side.LEFT, Side.RIGHT)), cycle_stretch("b", reps=3)],
        [RoutineItem("a", hold=50), RoutineItem("b", reps=5)],
        prep=0,
        rest=0,
        switch=0,
    )
    plan = plan_routine(catalog, routine)
    assert [s.seconds for s in plan.steps if s.kind is StepKind.HOLD] == [50, 50]
    assert max(s.rep or 0 for s in plan.steps) == 5
    assert plan.total_seconds == 100 + 5 * 8


def test_cli_option_beats_routine_item() -> None:
    catalog, routine = make_catalog(
        [hold_stretch("a", 30), cycle_stretch("b", reps=3)],
        [RoutineItem("a", hold=50), RoutineItem("b", reps=5)],
        prep=0,
        rest=0,
    )
    plan = plan_routine(catalog, routine, PlanOptions(hold=20, reps=2))
    assert shape(plan) == [
        ("hold", "a", None, None, 20),
        ("phase", "b", None, 1, 4),
        ("phase", "b", None, 1, 4),
        ("phase", "b", None, 2, 4),
        ("phase", "b", None, 2, 4),
    ]


def test_one_sided_hold_has_no_switch() -> None:
    catalog, routine = make_catalog([hold_stretch("a", 20, (Side.RIGHT,))], [RoutineItem("a")])
    assert shape(plan_routine(catalog, routine)) == [("prep", "a", None, None, 10), ("hold", "a", "right", None, 20)]


# -- only / skip --------------------------------------------------------------------------------


def test_only_keeps_the_named_stretches_in_routine_order(catalog: Catalog) -> None:
    plan = back_relief(catalog, only=("cat-cow", "supine-hip-flexor"))
    assert [s.id for s in plan.stretches] == ["supine-hip-flexor", "cat-cow"]
    assert plan.steps[0].kind is StepKind.PREP
    assert plan.total_seconds == (10 + 30 + 5 + 30) + 10 + (10 + 48)


def test_skip_leaves_out_the_named_stretches(catalog: Catalog) -> None:
    plan = back_relief(catalog, skip=("supine-hip-flexor", "seated-spinal-twist"))
    assert [s.id for s in plan.stretches] == ["childs-pose", "cat-cow"]
    assert plan.steps[0].kind is StepKind.PREP  # no rest before the first stretch left
    assert plan.total_seconds == (10 + 30) + 10 + (10 + 48)


def test_only_and_skip_together(catalog: Catalog) -> None:
    plan = back_relief(catalog, only=("cat-cow", "childs-pose"), skip=("childs-pose",))
    assert [s.id for s in plan.stretches] == ["cat-cow"]


@pytest.mark.parametrize(
    ("field", "flag"),
    [("only", "--only"), ("skip", "--skip")],
)
def test_unknown_id_in_only_or_skip_suggests_the_closest(catalog: Catalog, field: str, flag: str) -> None:
    with pytest.raises(StretchcoachError) as caught:
        back_relief(catalog, **{field: ("cat-cow", "child-pose")})
    assert caught.value.message == (
        f"{flag}: routine 'back-relief' has no stretch 'child-pose'; did you mean 'childs-pose'?"
    )
    assert caught.value.exit_code is ExitCode.USAGE


def test_unknown_id_with_nothing_close_lists_the_routine(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError) as caught:
        back_relief(catalog, only=("zzz",))
    assert caught.value.message == (
        "--only: routine 'back-relief' has no stretch 'zzz'; "
        "it has: supine-hip-flexor, childs-pose, cat-cow, seated-spinal-twist"
    )


def test_skipping_everything_is_an_error(catalog: Catalog) -> None:
    every = ("supine-hip-flexor", "childs-pose", "cat-cow", "seated-spinal-twist")
    with pytest.raises(StretchcoachError, match="leave nothing of routine 'back-relief' to do") as caught:
        back_relief(catalog, skip=every)
    assert caught.value.exit_code is ExitCode.USAGE


def test_only_and_skip_the_same_stretch_is_an_error(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError, match="leave nothing"):
        back_relief(catalog, only=("cat-cow",), skip=("cat-cow",))


# -- --minutes ------------------------------------------------------------------------------------


def _human(seconds: int) -> str:
    m, s = divmod(seconds, 60)
    return f"{m} min {s} s" if m and s else f"{m} min" if m else f"{s} s"


def holds(plan: Plan) -> list[int]:
    return [s.seconds for s in plan.steps if s.kind is StepKind.HOLD]


@pytest.mark.parametrize("minutes", [2.9, 3, 4.25, 5, 8, 10, 13])
def test_minutes_never_plans_more_and_never_cuts_a_hold_below_30_s(catalog: Catalog, minutes: float) -> None:
    target = round(minutes * 60)
    plan = back_relief(catalog, minutes=minutes)
    assert target - 20 <= plan.total_seconds <= target
    assert min(holds(plan)) >= 30  # the article: "hold this stretch for 30 seconds", "at least 30 seconds"
    assert all(step.reps is None or step.reps >= MIN_REPS for step in plan.steps)  # "several times"
    assert plan.changes[0] == f"fitted to {_human(target)}: {_human(plan.total_seconds)} in all"


def test_minutes_takes_rounds_first_then_rest_then_get_ready_time(catalog: Catalog) -> None:
    plan = back_relief(catalog, minutes=3)
    assert plan.changes == (
        f"fitted to 3 min: {_human(plan.total_seconds)} in all",
        "rest between stretches: 10 s → 0 s",
        "get-ready time: 10 s → 5 s",
        "Cat-cow pose: 6 → 4 rounds",  # cut to 3 to fit, then one given back: 2 min 49 s + 8 s
        "Seated spinal twist: 4 → 3 rounds",
    )
    assert plan.total_seconds == 177
    assert holds(plan) == [30, 30, 30]
    assert (plan.routine.rest, plan.routine.prep, plan.routine.switch) == (0, 5, 5)
    # Fewer rounds are enough for 4 minutes: the gaps stay as they were.
    plan = back_relief(catalog, minutes=4)
    assert (plan.routine.rest, plan.routine.prep) == (10, 10)
    assert plan.changes[1:] == ("Cat-cow pose: 6 → 4 rounds",)  # 253 s less two rounds of 8 s


@pytest.mark.parametrize("minutes", [2.9, 3, 3.1, 3.25, 3.5, 3.75, 4])
def test_minutes_leaves_nothing_out_that_would_still_fit(catalog: Catalog, minutes: float) -> None:
    """Cut to fit, then given back a step at a time: no gap or round it cut could come back and fit."""
    plan = back_relief(catalog, minutes=minutes)
    room = round(minutes * 60) - plan.total_seconds
    assert room >= 0
    stretches, routine = len(plan.stretches), plan.routine
    if routine.prep < 10:
        assert stretches * 5 > room  # 5 s more get-ready time before every stretch would not fit
    if routine.rest < 10:
        assert (stretches - 1) * 5 > room  # nor 5 s more rest between them
    rounds = {s.stretch.id: s.reps for s in plan.steps if s.kind is StepKind.PHASE}
    round_seconds = {"cat-cow": 8, "seated-spinal-twist": 10}
    for sid, reps in rounds.items():
        if reps < {"cat-cow": 6, "seated-spinal-twist": 4}[sid]:
            assert round_seconds[sid] > room  # nor a round more of a cycle it cut


def test_minutes_gives_back_get_ready_time_before_rest(catalog: Catalog) -> None:
    plan = back_relief(catalog, minutes=3.5)
    assert (plan.routine.prep, plan.routine.rest, plan.total_seconds) == (10, 5, 204)


def test_minutes_lists_what_it_changed_when_it_lengthens(catalog: Catalog) -> None:
    plan = back_relief(catalog, minutes=10)
    assert plan.changes[0] == f"fitted to 10 min: {_human(plan.total_seconds)} in all"
    assert [c.split(":")[0] for c in plan.changes[1:]] == [
        "Supine hip flexor stretch",
        "Child's pose",
        "Cat-cow pose",
        "Seated spinal twist",
    ]
    hold = holds(plan)[0]
    assert holds(plan) == [hold] * 3
    assert hold > 30
    assert f"Child's pose: hold 30 s → {hold} s" in plan.changes


def test_minutes_keeps_the_breathing_pace(catalog: Catalog) -> None:
    for minutes in (3, 8):
        plan = back_relief(catalog, minutes=minutes)
        assert {s.seconds for s in plan.steps if s.stretch.id == "cat-cow" and s.kind is StepKind.PHASE} == {4}


def test_without_minutes_nothing_is_listed_as_changed(catalog: Catalog) -> None:
    assert back_relief(catalog).changes == ()


def test_minutes_too_short_names_the_shortest(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError) as caught:
        back_relief(catalog, minutes=2.5)
    # Holds at 30 s (90 s), 3 rounds of cat-cow (24 s) and of the twist (30 s), four 5 s get-readies, a 5 s switch.
    assert caught.value.message == (
        "--minutes: routine 'back-relief' cannot fit in 2 min 30 s; the shortest it can be is 2 min 49 s, "
        "with holds at their least and rounds, rest and get-ready cut (--only or --skip leave stretches out)"
    )
    assert caught.value.exit_code is ExitCode.USAGE
    assert back_relief(catalog, minutes=169 / 60).total_seconds == 169  # and the shortest does fit


def test_minutes_longer_than_it_can_be_plans_the_longest_and_says_so(catalog: Catalog) -> None:
    plan = back_relief(catalog, minutes=20)
    # 75 s of gaps, 3 holds of 120 s, 20 rounds of cat-cow (160 s) and of the twist (200 s).
    assert plan.total_seconds == 13 * 60 + 15
    assert (
        plan.changes[0]
        == "fitted to 20 min: 13 min 15 s in all, as long as it can be (holds up to 120 s, up to 20 rounds)"
    )


def test_minutes_zero_is_an_error(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError, match="greater than zero"):
        back_relief(catalog, minutes=0)


def _free_holds() -> tuple[Catalog, Routine]:
    """Two holds without a minimum of their own, and nothing between them."""
    return make_catalog(
        [hold_stretch("a", 30, (Side.LEFT, Side.RIGHT)), hold_stretch("b", 30)],
        [RoutineItem("a"), RoutineItem("b")],
        prep=0,
        rest=0,
        switch=0,
    )


def test_minutes_can_reach_the_longest_plan_from_a_one_second_hold() -> None:
    """--hold 1 then --minutes: the longest plan (120 s holds) is 6 min, so 5 min 55 s must fit closely."""
    catalog, routine = _free_holds()
    plan = plan_routine(catalog, routine, PlanOptions(hold=1, minutes=355 / 60))
    assert 355 - 15 <= plan.total_seconds <= 355


def test_minutes_can_reach_the_shortest_plan_from_an_hour_hold() -> None:
    """--hold 60m then --minutes: a hold without a minimum goes down to 15 s, so 45 s must fit."""
    catalog, routine = _free_holds()
    plan = plan_routine(catalog, routine, PlanOptions(hold=3600, minutes=45 / 60))
    assert holds(plan) == [MIN_HOLD] * 3


# -- minimum holds and --deeper --------------------------------------------------------------------


def test_hold_below_a_minimum_is_refused_quoting_it(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError) as caught:
        back_relief(catalog, hold=20)
    assert caught.value.message == (
        "--hold 20 s: Supine hip flexor stretch is held for at least 30 s; give 30 s or more"
    )
    assert caught.value.exit_code is ExitCode.USAGE
    assert holds(back_relief(catalog, hold=30)) == [30, 30, 30]
    assert holds(back_relief(catalog, hold=5, only=("cat-cow",))) == []  # no hold in it: nothing to refuse


def test_a_routine_hold_below_a_replaced_stretchs_minimum_is_raised_to_it() -> None:
    stretch = replace(hold_stretch("a"), timing=Hold(40, minimum=40))
    catalog, routine = make_catalog([stretch], [RoutineItem("a", hold=20)], prep=0)
    assert holds(plan_routine(catalog, routine)) == [40]


def test_deeper_holds_each_position_of_cat_cow_still_after_it(catalog: Catalog) -> None:
    plan = back_relief(catalog, only=("cat-cow",), prep=0, reps=3, deeper=True)
    assert [(s.cue, s.seconds, s.rep, s.still) for s in plan.steps[:4]] == [
        ("Inhale — arch your back and look up to the ceiling", 4, 1, False),
        ("Hold it there", 3, 1, True),
        ("Exhale — round your back and tuck your chin to your chest", 4, 1, False),
        ("Hold it there", 3, 1, True),
    ]
    assert plan.total_seconds == 3 * (4 + 3 + 4 + 3)
    assert plan.changes == ("deeper: each position of Cat-cow pose held 3 s more",)
    assert back_relief(catalog, deeper=True).total_seconds == 253 + 6 * 2 * 3  # the twist has no deeper form


def test_deeper_with_nothing_to_hold_deeper_is_an_error(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError, match=r"^--deeper: no stretch of this routine") as caught:
        back_relief(catalog, only=("childs-pose",), deeper=True)
    assert caught.value.exit_code is ExitCode.USAGE


def test_deeper_counts_in_a_fit(catalog: Catalog) -> None:
    plan = back_relief(catalog, deeper=True, minutes=4)
    assert plan.total_seconds <= 240
    assert any(s.still for s in plan.steps)


# -- JSON --------------------------------------------------------------------------------------


def test_to_json_shape(catalog: Catalog) -> None:
    data = back_relief(catalog).to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["routine"] == "back-relief"
    assert data["total_seconds"] == 253 == sum(s["seconds"] for s in data["steps"])
    assert data["changes"] == []
    assert data["steps"][1] == {
        "kind": "hold",
        "stretch": "supine-hip-flexor",
        "side": "left",
        "rep": None,
        "seconds": 30,
        "cue": "Left side. Hold for 30 seconds",
        "breath": None,
    }
    assert data["steps"][9] == {
        "kind": "phase",
        "stretch": "cat-cow",
        "side": None,
        "rep": 1,
        "seconds": 4,
        "cue": "Inhale — arch your back and look up to the ceiling",
        "breath": "inhale",
    }
    assert {s["kind"] for s in data["steps"]} == {"prep", "hold", "switch", "phase", "rest"}


def test_routine_naming_a_missing_stretch_is_an_error() -> None:
    catalog, routine = make_catalog([hold_stretch("a")], [RoutineItem("a"), RoutineItem("gone")])
    with pytest.raises(StretchcoachError, match="names 'gone', which is not in the catalog"):
        plan_routine(catalog, routine)


# -- invariants over generated catalogs -----------------------------------------------------------

SIDES = st.sampled_from([(), (Side.LEFT,), (Side.RIGHT,), (Side.LEFT, Side.RIGHT)])


@st.composite
def stretches(draw: st.DrawFn, sid: str) -> Stretch:
    if draw(st.booleans()):
        seconds = draw(st.integers(1, 3600))
        minimum = draw(st.sampled_from([0, 0, seconds, max(1, seconds // 2)]))
        return replace(hold_stretch(sid, seconds, draw(SIDES)), timing=Hold(seconds, draw(SIDES), minimum=minimum))
    phases = tuple(draw(st.lists(st.integers(1, 20), min_size=1, max_size=3)))
    stretch = cycle_stretch(sid, draw(st.integers(1, 100)), phases)
    assert isinstance(stretch.timing, Cycle)
    return replace(stretch, timing=replace(stretch.timing, deeper=draw(st.sampled_from([0, 3]))))


@st.composite
def routines(draw: st.DrawFn) -> tuple[Catalog, Routine, PlanOptions]:
    count = draw(st.integers(1, 5))
    made = [draw(stretches(f"s{n}")) for n in range(count)]
    order = draw(st.permutations(made))
    items = []
    for stretch in order:
        if isinstance(stretch.timing, Hold):
            least = stretch.timing.minimum
            items.append(RoutineItem(stretch.id, hold=draw(st.none() | st.integers(max(1, least), 3600))))
        else:
            items.append(RoutineItem(stretch.id, reps=draw(st.none() | st.integers(1, 100))))
    gaps = {name: draw(st.integers(0, 60)) for name in ("prep", "rest", "switch")}
    catalog, routine = make_catalog(made, items, **gaps)
    ids = [s.id for s in made]
    only = tuple(draw(st.lists(st.sampled_from(ids), unique=True, max_size=count)))
    skip = tuple(draw(st.lists(st.sampled_from(ids), unique=True, max_size=count - 1)))
    options = PlanOptions(
        hold=draw(st.none() | st.integers(1, 3600)),
        reps=draw(st.none() | st.integers(1, 100)),
        prep=draw(st.none() | st.integers(0, 60)),
        rest=draw(st.none() | st.integers(0, 60)),
        switch=draw(st.none() | st.integers(0, 60)),
        only=only,
        skip=skip,
    )
    return catalog, routine, options


def _expected_ids(routine: Routine, options: PlanOptions) -> list[str]:
    return [
        i.stretch
        for i in routine.items
        if (not options.only or i.stretch in options.only) and i.stretch not in options.skip
    ]


def _too_short_hold(catalog: Catalog, ids: list[str], options: PlanOptions) -> bool:
    """Whether --hold is below the minimum of a hold among ``ids``."""
    return options.hold is not None and any(
        isinstance(t := catalog.get_stretch(sid).timing, Hold) and options.hold < t.minimum for sid in ids
    )


@settings(deadline=None, max_examples=150)
@given(routines())
def test_plan_invariants(generated: tuple[Catalog, Routine, PlanOptions]) -> None:
    catalog, routine, options = generated
    wanted = _expected_ids(routine, options)
    if not wanted:
        with pytest.raises(StretchcoachError, match="leave nothing"):
            plan_routine(catalog, routine, options)
        return
    if _too_short_hold(catalog, wanted, options):
        with pytest.raises(StretchcoachError, match=r"^--hold .* is held for at least \d+ s; give \d+ s or more$"):
            plan_routine(catalog, routine, options)
        return
    plan = plan_routine(catalog, routine, options)
    prep = routine.prep if options.prep is None else options.prep
    rest = routine.rest if options.rest is None else options.rest
    switch = routine.switch if options.switch is None else options.switch

    # Total time is the sum of the steps, and starts are running sums.
    assert plan.total_seconds == sum(s.seconds for s in plan.steps)
    assert plan.starts() == [sum(s.seconds for s in plan.steps[:n]) for n in range(len(plan.steps))]
    assert all(s.seconds >= 1 for s in plan.steps)

    # The selected stretches, in routine order; no rest before the first or after the last.
    assert [s.id for s in plan.stretches] == wanted
    assert plan.steps[0].kind is not StepKind.REST
    assert plan.steps[-1].kind is not StepKind.REST
    assert [s.kind for s in plan.steps].count(StepKind.REST) == (len(wanted) - 1 if rest else 0)

    items = {i.stretch: i for i in routine.items}
    for sid in wanted:
        stretch = catalog.stretch(sid)
        assert stretch is not None
        own = [s for s in plan.steps if s.stretch.id == sid and s.kind is not StepKind.REST]
        # Prep comes first, before anything of the stretch.
        if prep:
            assert own[0].kind is StepKind.PREP
            assert own[0].seconds == prep
            assert [s.kind for s in own].count(StepKind.PREP) == 1
        else:
            assert StepKind.PREP not in {s.kind for s in own}
        if isinstance(stretch.timing, Hold):
            holds = [s for s in own if s.kind is StepKind.HOLD]
            expected_hold = options.hold or items[sid].hold or stretch.timing.seconds
            # Every side exactly once, in the catalog's order.
            assert [s.side for s in holds] == list(stretch.timing.sides or (None,))
            assert {s.seconds for s in holds} == {expected_hold}
            assert expected_hold >= stretch.timing.minimum
            switches = [s for s in own if s.kind is StepKind.SWITCH]
            assert len(switches) == (max(0, len(stretch.timing.sides) - 1) if switch else 0)
        else:
            reps = options.reps or items[sid].reps or stretch.timing.reps
            phases = [s for s in own if s.kind is StepKind.PHASE]
            assert len(phases) == reps * len(stretch.timing.phases)
            assert [s.rep for s in phases] == [r for r in range(1, reps + 1) for _ in stretch.timing.phases]
            assert [s.seconds for s in phases] == [p.seconds for p in stretch.timing.phases] * reps

    # Every rest announces the stretch that follows it.
    for step, after in zip(plan.steps, plan.steps[1:], strict=False):
        if step.kind is StepKind.REST:
            assert after.stretch.id == step.stretch.id
            assert after.kind is not StepKind.REST


def _plan_or_error(catalog: Catalog, routine: Routine, options: PlanOptions) -> tuple[Plan | None, str | None]:
    try:
        return plan_routine(catalog, routine, options), None
    except StretchcoachError as exc:
        return None, exc.message


@settings(deadline=None, max_examples=100)
@given(routines(), st.integers(30, 120 * 60), st.booleans())
def test_minutes_never_runs_over_nor_below_the_least(
    generated: tuple[Catalog, Routine, PlanOptions], target: int, deeper: bool
) -> None:
    """The plan takes at most the target, with every hold at or above its least and rounds and
    get-ready time at or above theirs; or the error names a shortest time above the target, and
    that shortest time fits."""
    catalog, routine, options = generated
    options = replace(options, only=(), skip=(), minutes=target / 60, deeper=deeper)
    ids = _expected_ids(routine, options)
    plan, error = _plan_or_error(catalog, routine, options)
    if error is not None:
        if _too_short_hold(catalog, ids, options) or error.startswith("--deeper: "):
            return
        match = re.search(r"the shortest it can be is (?:(\d+) min)? ?(?:(\d+) s)?", error)
        assert match, error
        assert error.startswith(f"--minutes: routine 'mine' cannot fit in {_human(target)}; ")
        shortest = int(match[1] or 0) * 60 + int(match[2] or 0)
        assert shortest > target
        fitted, _ = _plan_or_error(catalog, routine, replace(options, minutes=shortest / 60))
        assert fitted is not None
        assert fitted.total_seconds == shortest
        return
    assert plan is not None
    assert plan.total_seconds <= target
    assert plan.changes[-len(plan.changes) + (1 if deeper else 0)].startswith(f"fitted to {_human(target)}: ")
    items = {i.stretch: i for i in routine.items}
    prep = routine.prep if options.prep is None else options.prep
    assert plan.routine.prep >= min(prep, 5)
    for step in plan.steps:
        stretch, item = step.stretch, items[step.stretch.id]
        if step.kind is StepKind.HOLD:
            assert isinstance(stretch.timing, Hold)
            own = options.hold or item.hold or stretch.timing.seconds
            assert step.seconds >= (stretch.timing.minimum or min(own, MIN_HOLD))
            assert step.seconds == own or step.seconds % 5 == 0 or step.seconds == stretch.timing.minimum
            assert step.seconds <= max(own, MAX_HOLD)
        if step.kind is StepKind.PHASE:
            assert isinstance(stretch.timing, Cycle)
            own = options.reps or item.reps or stretch.timing.reps
            assert step.reps is not None
            assert step.reps >= min(own, MIN_REPS)
            assert step.reps <= max(own, MAX_REPS)
