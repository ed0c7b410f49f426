"""A plan for the voice: every get-ready step long enough for its words to be said whole. Pure.

Getting ready, the voice says the stretch's name, its starting position and every
movement step: cat-cow's take some 25 seconds. Cut off when the first hold or
round begins, the end of the instructions is never heard; let to run on, they
push the hold's own words ("Left side. Hold for 30 seconds") later than the hold,
and a person listening with eyes closed holds for less than planned. So with the
voice on, each get-ready step lasts as long as its sound and its words take
(:func:`~stretchcoach.core.words.speaking_time`, the estimate the cues use too),
and a moment more; the plan's changes say so, and ``routine --plan --voice``
shows the plan that runs.
"""

from __future__ import annotations

import math
from dataclasses import replace

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.model import Catalog, Routine
from stretchcoach.core.plan import FITTED, Plan, PlanOptions, plan_routine
from stretchcoach.core.steps import Step, StepKind
from stretchcoach.core.words import SOUND_BEFORE_WORDS, speaking_time, spoken
from stretchcoach.errors import StretchcoachError

QUIET_AFTER_WORDS = 1.0  # a moment between the last word of getting ready and the next step's sound
LENGTHENED = "get-ready time lengthened so the voice can finish"


def get_ready_seconds(step: Step) -> int:
    """The whole seconds a get-ready step needs for its sound, its words and a moment after them."""
    return math.ceil(SOUND_BEFORE_WORDS + speaking_time(spoken(step)) + QUIET_AFTER_WORDS)


def lengthen_for_voice(plan: Plan) -> Plan:
    """``plan`` with each get-ready step lengthened, where it is too short, to what its words need."""
    steps: list[Step] = []
    longer: list[str] = []
    for step in plan.steps:
        need = get_ready_seconds(step) if step.kind is StepKind.PREP else 0
        if need > step.seconds:
            longer.append(f"{step.stretch.name} {step.seconds} s → {need} s")
            step = replace(step, seconds=need)
        steps.append(step)
    if not longer:
        return plan
    return replace(plan, steps=tuple(steps), changes=(*plan.changes, f"{LENGTHENED}: {', '.join(longer)}"))


def plan_for_voice(catalog: Catalog, routine: Routine, options: PlanOptions) -> Plan:
    """The routine planned with ``options`` for the voice: :func:`lengthen_for_voice`, and with
    ``--minutes`` still never longer than asked (the rest is fitted into what getting ready leaves)."""
    planned = lengthen_for_voice(plan_routine(catalog, routine, options))
    if options.minutes is None:
        return planned
    target = round(options.minutes * 60)
    budget = target
    while planned.total_seconds > target:
        budget -= planned.total_seconds - target  # each time less: it ends, fitted or refused
        try:
            if budget <= 0:
                raise StretchcoachError("no time left")
            planned = lengthen_for_voice(plan_routine(catalog, routine, replace(options, minutes=budget / 60)))
        except StretchcoachError:
            raise StretchcoachError(
                f"--minutes: routine '{routine.id}' cannot fit in {human_seconds(target)} with --voice, which "
                "gives each get-ready step the time its words take to say; give more minutes, or leave "
                "stretches out with --only or --skip"
            ) from None
    fitted = f"{FITTED}{human_seconds(target)}: {human_seconds(planned.total_seconds)} in all, with time for the voice"
    changes = tuple(fitted if change.startswith(FITTED) else change for change in planned.changes)
    return replace(planned, changes=changes)
