"""The one place a step becomes words: its cue, its title, its plain line and what the voice says.

The screen, the plain lines and the voice all read a step from here, so they
never disagree about what it is called.
"""

from __future__ import annotations

from stretchcoach.core.model import Side, Stretch
from stretchcoach.core.steps import Step, StepKind

SWITCH_CUE = "Switch sides"


def prep_cue(stretch: Stretch) -> str:
    return f"Get ready: {stretch.setup}"


def rest_cue(upcoming: Stretch) -> str:
    return f"Rest. Next: {upcoming.name}"


def hold_cue(seconds: int, side: Side | None = None) -> str:
    """The cue of a hold: "Left side. Hold for 30 seconds", or "Hold for 30 seconds"."""
    where = f"{_side_name(side)}. " if side else ""
    return f"{where}Hold for {seconds} seconds"


def step_title(step: Step) -> str:
    """What this step is, in a word or two: "Get ready", "Left side", "Round 2 of 6"."""
    if step.kind is StepKind.PREP:
        return "Get ready"
    if step.kind is StepKind.REST:
        return "Rest"
    if step.kind is StepKind.SWITCH:
        return SWITCH_CUE
    if step.kind is StepKind.PHASE:
        return f"Round {step.rep} of {step.reps}"
    return _side_name(step.side) if step.side else "Hold"


def step_line(step: Step) -> str:
    """One plain line for a step, e.g. "Supine hip flexor stretch — right side — hold 30 s"."""
    name = step.stretch.name
    if step.kind is StepKind.PREP:
        return f"{name} — get ready {step.seconds} s: {step.stretch.setup}"
    if step.kind is StepKind.REST:
        return f"Rest {step.seconds} s — next: {name}"
    if step.kind is StepKind.SWITCH:
        return f"{name} — switch sides {step.seconds} s"
    if step.kind is StepKind.PHASE:
        return f"{name} — round {step.rep}/{step.reps} — {step.cue} ({step.seconds} s)"
    side = f" — {step.side.value} side" if step.side else ""
    return f"{name}{side} — hold {step.seconds} s"


def spoken(step: Step) -> str:
    """What the voice says as a step begins: its cue, and before getting ready the stretch's name."""
    cue = step.cue.replace(" — ", ", ")
    if step.kind is StepKind.PREP:
        return f"{step.stretch.name}. {cue}"
    return cue


def _side_name(side: Side) -> str:
    return f"{side.value.capitalize()} side"
