"""A step in words: the cue the plan gives it, its title on screen, its plain line and what the voice says."""

from __future__ import annotations

import pytest

from stretchcoach.core.plan import Plan
from stretchcoach.core.words import spoken, step_line, step_title

# Steps of the built-in routine, by index: one of each kind.
SUPINE_PREP, LEFT_HOLD, SWITCH, RIGHT_HOLD, REST, CHILDS_HOLD, CAT_COW_INHALE = 0, 1, 2, 3, 4, 6, 9
SETUP = "Lie on your back with your knees bent and your feet flat on the floor."


@pytest.mark.parametrize(
    ("index", "cue", "title", "line", "said"),
    [
        (
            SUPINE_PREP,
            f"Get ready: {SETUP}",
            "Get ready",
            f"Supine hip flexor stretch — get ready 10 s: {SETUP}",
            f"Supine hip flexor stretch. Get ready: {SETUP}",
        ),
        (
            LEFT_HOLD,
            "Left side. Hold for 30 seconds",
            "Left side",
            "Supine hip flexor stretch — left side — hold 30 s",
            "Left side. Hold for 30 seconds",
        ),
        (SWITCH, "Switch sides", "Switch sides", "Supine hip flexor stretch — switch sides 5 s", "Switch sides"),
        (
            RIGHT_HOLD,
            "Right side. Hold for 30 seconds",
            "Right side",
            "Supine hip flexor stretch — right side — hold 30 s",
            "Right side. Hold for 30 seconds",
        ),
        (REST, "Rest. Next: Child's pose", "Rest", "Rest 10 s — next: Child's pose", "Rest. Next: Child's pose"),
        (CHILDS_HOLD, "Hold for 30 seconds", "Hold", "Child's pose — hold 30 s", "Hold for 30 seconds"),
        (
            CAT_COW_INHALE,
            "Inhale — arch your back and look up to the ceiling",
            "Round 1 of 6",
            "Cat-cow pose — round 1/6 — Inhale — arch your back and look up to the ceiling (4 s)",
            "Inhale, arch your back and look up to the ceiling",
        ),
    ],
)
def test_each_kind_of_step_in_words(plan: Plan, index: int, cue: str, title: str, line: str, said: str) -> None:
    step = plan.steps[index]
    assert step.cue == cue
    assert step_title(step) == title
    assert step_line(step) == line
    assert spoken(step) == said
