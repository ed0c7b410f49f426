"""A step in words: the cue the plan gives it, its title on screen, its plain line and what the voice says."""

from __future__ import annotations

import dataclasses

import pytest

from stretchcoach.core.model import Catalog, Cycle, Hold, Routine, Side
from stretchcoach.core.plan import Plan, plan_routine
from stretchcoach.core.steps import StepKind
from stretchcoach.core.words import said_in_time, speaking_time, spoken, step_details, step_line, step_title

# Steps of the built-in routine, by index: one of each kind.
SUPINE_PREP, LEFT_HOLD, SWITCH, RIGHT_HOLD, REST, CHILDS_PREP, CHILDS_HOLD, CAT_COW_INHALE = 0, 1, 2, 3, 4, 5, 6, 9
TWIST_PREP, TWIST_LEFT = 22, 23
SETUP = "Lie on your back with your knees bent and your feet flat on the floor."
SUPINE_STEPS = (
    "Bring one knee up to your chest and grab it with your hands.",
    "Use your hips and abs to push your other leg down into the stretch.",
    "Hold, then repeat on the other side.",
)
LEFT = "Left knee to your chest, your hands around it; push your right leg down."
RIGHT = "Right knee to your chest, your hands around it; push your left leg down."
PILLOW = "Tip: If you feel pain in your lower back, place a small pillow under your stomach to help support your spine."


@pytest.mark.parametrize(
    ("index", "cue", "title", "line", "said"),
    [
        (
            SUPINE_PREP,
            f"Get ready: {SETUP}",
            "Get ready",
            f"Supine hip flexor stretch — get ready 10 s: {SETUP}",
            f"Supine hip flexor stretch. Get ready: {SETUP} {' '.join(SUPINE_STEPS)}",
        ),
        (
            LEFT_HOLD,
            "Left side. Hold for 30 seconds",
            "Left side",
            "Supine hip flexor stretch — left side — hold 30 s",
            f"Left side. {LEFT} Hold for 30 seconds.",
        ),
        (SWITCH, "Switch sides", "Switch sides", "Supine hip flexor stretch — switch sides 5 s", "Switch sides"),
        (
            RIGHT_HOLD,
            "Right side. Hold for 30 seconds",
            "Right side",
            "Supine hip flexor stretch — right side — hold 30 s",
            f"Right side. {RIGHT} Hold for 30 seconds.",
        ),
        (REST, "Rest. Next: Child's pose", "Rest", "Rest 10 s — next: Child's pose", "Rest. Next: Child's pose"),
        (CHILDS_HOLD, "Hold for 30 seconds", "Hold", "Child's pose — hold 30 s", f"Hold for 30 seconds. {PILLOW}"),
        (
            CAT_COW_INHALE,
            "Inhale — arch your back and look up to the ceiling",
            "Round 1 of 6",
            "Cat-cow pose — round 1/6 — Inhale — arch your back and look up to the ceiling (4 s)",
            "Inhale",  # the whole cue would take longer than the breath: it is said while getting ready
        ),
    ],
)
def test_each_kind_of_step_in_words(plan: Plan, index: int, cue: str, title: str, line: str, said: str) -> None:
    step = plan.steps[index]
    assert step.cue == cue
    assert step_title(step) == title
    assert step_line(step) == line
    assert spoken(step) == said


def test_getting_ready_gives_the_starting_position_and_every_movement_step(plan: Plan) -> None:
    for index in (SUPINE_PREP, CHILDS_PREP, TWIST_PREP):
        step = plan.steps[index]
        assert step.kind is StepKind.PREP
        assert step_details(step) == step.stretch.steps
        assert spoken(step) == " ".join((f"{step.stretch.name}. Get ready: {step.stretch.setup}", *step.stretch.steps))
    assert "Place your right hand on your left knee and your left hand on your right knee." in spoken(
        plan.steps[TWIST_PREP]
    )


def test_each_side_of_the_hip_flexor_stretch_says_which_leg_is_meant(plan: Plan) -> None:
    assert step_details(plan.steps[LEFT_HOLD]) == (LEFT,)
    assert step_details(plan.steps[RIGHT_HOLD]) == (RIGHT,)
    assert "Left knee to your chest" in spoken(plan.steps[LEFT_HOLD])
    assert "push your right leg down" in spoken(plan.steps[LEFT_HOLD])
    assert "Right knee to your chest" in spoken(plan.steps[RIGHT_HOLD])


def test_the_pillow_tip_is_said_as_childs_pose_is_held(plan: Plan) -> None:
    assert step_details(plan.steps[CHILDS_HOLD]) == (PILLOW,)
    assert "pillow" not in spoken(plan.steps[CHILDS_PREP])  # once: where there are 30 seconds to say it


def test_a_sided_stretchs_tips_are_said_on_its_first_side_only(plan: Plan) -> None:
    left, right = plan.steps[LEFT_HOLD], plan.steps[RIGHT_HOLD]
    stretch = dataclasses.replace(left.stretch, tips=("Keep your head down.",))
    assert spoken(dataclasses.replace(left, stretch=stretch)).endswith("Hold for 30 seconds. Tip: Keep your head down.")
    assert "Tip" not in spoken(dataclasses.replace(right, stretch=stretch))


def test_a_stretch_done_in_rounds_gives_its_tips_while_getting_ready(catalog: Catalog) -> None:
    cat_cow = catalog.get_stretch("cat-cow")
    assert isinstance(cat_cow.timing, Cycle)
    with_tip = dataclasses.replace(cat_cow, tips=("Go slowly.",))
    catalog = dataclasses.replace(catalog, stretches=(with_tip,))
    routine = dataclasses.replace(catalog.routines[0], items=(catalog.routines[0].items[2],))
    plan = plan_routine(dataclasses.replace(catalog, routines=(routine,)), routine)
    assert step_details(plan.steps[0])[-1] == "Tip: Go slowly."
    assert spoken(plan.steps[0]).endswith("Tip: Go slowly.")


def test_a_hold_without_side_words_or_tips_keeps_its_cue(plan: Plan) -> None:
    step = plan.steps[LEFT_HOLD]
    no_side_cues = dataclasses.replace(step.stretch, timing=Hold(30, (Side.LEFT, Side.RIGHT)))
    bare = dataclasses.replace(step, stretch=no_side_cues)
    assert spoken(bare) == "Left side. Hold for 30 seconds"
    assert step_details(bare) == ()


def test_a_movement_says_its_whole_cue_in_the_first_round_only_if_it_fits(catalog: Catalog) -> None:
    """A 4-second breath: "Inhale" in every round (the whole cue, after its sound, takes longer; the
    next breath would cut it off). An 8-second breath: the whole cue in round 1, then "Inhale"."""
    plan = plan_routine(catalog, catalog.get_routine("back-relief"))
    breaths = [s for s in plan.steps if s.kind is StepKind.PHASE and s.breath is not None]
    assert {spoken(s) for s in breaths} == {"Inhale", "Exhale"}
    assert not said_in_time("Inhale, arch your back and look up to the ceiling", 4)
    twists = [s for s in plan.steps if s.kind is StepKind.PHASE and s.breath is None]
    assert [spoken(s) for s in twists[:2]] == ["Twist to the left", "Twist to the right"]
    cat_cow = catalog.get_stretch("cat-cow")
    assert isinstance(cat_cow.timing, Cycle)
    slow = dataclasses.replace(
        cat_cow,
        timing=dataclasses.replace(
            cat_cow.timing, phases=tuple(dataclasses.replace(p, seconds=8) for p in cat_cow.timing.phases)
        ),
    )
    slow_plan = plan_routine(dataclasses.replace(catalog, stretches=(slow,)), _only(catalog, "cat-cow"))
    said = [spoken(s) for s in slow_plan.steps if s.kind is StepKind.PHASE]
    assert said[:4] == [
        "Inhale, arch your back and look up to the ceiling",
        "Exhale, round your back and tuck your chin to your chest",
        "Inhale",
        "Exhale",
    ]


def _only(catalog: Catalog, stretch: str) -> Routine:
    routine = catalog.get_routine("back-relief")
    return dataclasses.replace(routine, items=tuple(i for i in routine.items if i.stretch == stretch))


def test_speaking_time_is_one_estimate_a_little_slower_than_espeak() -> None:
    words = " ".join(["word"] * 175)
    assert speaking_time(words) > 60  # espeak-ng says 175 words a minute
    assert speaking_time("Inhale") == pytest.approx(0.9)
