"""The one place a step becomes words: its cue, its title, its plain line and what the voice says.

The screen, the plain lines and the voice all read a step from here, so they
never disagree about what it is called.
"""

from __future__ import annotations

from stretchcoach.core.model import Cycle, Hold, Side, Stretch
from stretchcoach.core.steps import Step, StepKind

SWITCH_CUE = "Switch sides"
LAST_SECONDS_WORDS = "10 seconds left"  # said (and in plain lines, written) when a hold has 10 seconds left
SPOKEN_COMPLETE = "Routine complete."  # said as the last step ends; the summary, after the check-in, says how it went

# How long words take to say: one estimate, for the plan (get-ready steps long enough for their
# words) and the cues alike. espeak-ng's default is 175 words a minute; 150 leaves room for its
# pauses at commas and full stops, and for voices a little slower.
SECONDS_PER_WORD = 0.4
SPEAKING_START = 0.5  # a speech command takes a moment to begin
SOUND_BEFORE_WORDS = 0.9  # the longest sound a step's words wait for (inhale, exhale); tests/test_sound.py checks it


def speaking_time(words: str) -> float:
    """About how long ``words`` take to say."""
    return SPEAKING_START + SECONDS_PER_WORD * len(words.split())


def said_in_time(words: str, seconds: float) -> bool:
    """``words`` can be said whole, after the step's sound, within ``seconds``."""
    return SOUND_BEFORE_WORDS + speaking_time(words) <= seconds


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


def step_details(step: Step) -> tuple[str, ...]:
    """What a step says beyond its cue, a sentence each, for the voice and the plain lines alike.

    Getting ready: the movement steps (and, for a stretch done in rounds, its tips:
    its rounds leave no time for them). A hold: what its side means ("Left knee to
    your chest; push your right leg down") and, at the first hold of a stretch, its
    tips (child's pose: the pillow), where there is time to say them.
    """
    if step.kind is StepKind.PREP:
        tips = step.stretch.tips if isinstance(step.stretch.timing, Cycle) else ()
        return (*step.stretch.steps, *(_tip(tip) for tip in tips))
    if step.kind is StepKind.HOLD:
        side_cue, tips = _hold_words(step)
        return (side_cue, *tips) if side_cue else tips
    return ()


def spoken(step: Step) -> str:
    """What the voice says as a step begins: the whole instruction.

    Getting ready: the stretch's name, the starting position and the movement
    steps. A hold: the side, what it means, how long, and any tips. A movement of a round: its whole cue in the first
    round if it can be said before the next movement, else only the cue's first
    part, the breath word ("Inhale" of "Inhale — arch your back …"): a round
    keeps the breath's pace, and words cut off by the next movement help nobody.
    The whole movement was said while getting ready. Anything else: its cue.
    """
    cue = step.cue.replace(" — ", ", ")
    if step.kind is StepKind.PHASE and not (step.rep == 1 and said_in_time(cue, step.seconds)):
        return step.cue.split(" — ", 1)[0]
    if step.kind is StepKind.PREP:
        return " ".join((f"{step.stretch.name}. {cue}", *step_details(step)))
    if step.kind is StepKind.HOLD:
        side_cue, tips = _hold_words(step)
        if side_cue or tips:
            where = f"{_side_name(step.side)}." if step.side else None
            length = f"{hold_cue(step.seconds)}."
            return " ".join(part for part in (where, side_cue, length, *tips) if part)
    return cue


def _hold_words(step: Step) -> tuple[str | None, tuple[str, ...]]:
    """(what the hold's side means, the tips said with it) for a hold step."""
    timing = step.stretch.timing
    if not isinstance(timing, Hold):
        return None, ()
    side_cue = timing.side_cue(step.side) if step.side else None
    first = step.side is None or not timing.sides or step.side == timing.sides[0]
    return side_cue, tuple(_tip(tip) for tip in step.stretch.tips) if first else ()


def _tip(tip: str) -> str:
    return f"Tip: {tip}"


def _side_name(side: Side) -> str:
    return f"{side.value.capitalize()} side"
