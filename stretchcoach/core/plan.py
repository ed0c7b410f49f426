"""Turn a routine into the exact list of timed steps to follow. Pure: no clock, no I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.model import Catalog, Cycle, Hold, Routine, Side, Stretch
from stretchcoach.core.steps import Step, StepKind
from stretchcoach.core.suggest import did_you_mean
from stretchcoach.core.words import SWITCH_CUE, hold_cue, prep_cue, rest_cue
from stretchcoach.errors import StretchcoachError

# --minutes scales holds and repetitions only within these bounds: shorter holds
# stop being a stretch, longer ones stop being comfortable. Breathing phases
# keep their pace; only the number of rounds changes.
MIN_HOLD, MAX_HOLD = 15, 120
MIN_REPS, MAX_REPS = 2, 20
HOLD_STEP = 5  # scaled holds are rounded to multiples of 5 s


@dataclass(frozen=True)
class PlanOptions:
    """What the user asked to change; None keeps the routine's own value."""

    hold: int | None = None
    reps: int | None = None
    prep: int | None = None
    rest: int | None = None
    switch: int | None = None
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    minutes: float | None = None


@dataclass(frozen=True)
class Plan:
    routine: Routine
    steps: tuple[Step, ...]
    changes: tuple[str, ...] = ()  # what --minutes changed, in words

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)

    @property
    def active_seconds(self) -> int:
        return sum(step.seconds for step in self.steps if step.active)

    @property
    def stretches(self) -> tuple[Stretch, ...]:
        seen: dict[str, Stretch] = {}
        for step in self.steps:
            seen.setdefault(step.stretch.id, step.stretch)
        return tuple(seen.values())

    def starts(self) -> list[int]:
        """Second at which each step starts, counted from the beginning."""
        result, at = [], 0
        for step in self.steps:
            result.append(at)
            at += step.seconds
        return result

    def to_json(self) -> dict[str, Any]:
        return {
            "routine": self.routine.id,
            "steps": [step.to_json() for step in self.steps],
            "total_seconds": self.total_seconds,
            "changes": list(self.changes),
        }


@dataclass(frozen=True)
class _Item:
    """A stretch as it will be done: its timing after every override."""

    stretch: Stretch
    hold: int | None
    reps: int | None


def find_routine(catalog: Catalog, routine_id: str) -> Routine:
    """The same as ``catalog.get_routine(routine_id)``, for the callers not yet moved to it
    (tests/test_history*.py and remind/sources.py): delete it once they are."""
    return catalog.get_routine(routine_id)


def plan_routine(catalog: Catalog, routine: Routine, options: PlanOptions | None = None) -> Plan:
    options = options or PlanOptions()
    routine = replace(
        routine,
        prep=_pick(options.prep, routine.prep),
        rest=_pick(options.rest, routine.rest),
        switch=_pick(options.switch, routine.switch),
    )
    items = _select(catalog, routine, options)
    changes: tuple[str, ...] = ()
    if options.minutes is not None:
        if not math.isfinite(options.minutes):
            raise StretchcoachError(f"--minutes: expected a number of minutes, got {options.minutes}")
        items, changes = _fit(routine, items, round(options.minutes * 60))
    return Plan(routine=routine, steps=tuple(_steps(routine, items)), changes=changes)


def _pick(override: int | None, value: int) -> int:
    return value if override is None else override


def _select(catalog: Catalog, routine: Routine, options: PlanOptions) -> list[_Item]:
    ids = [item.stretch for item in routine.items]
    for flag, wanted in (("--only", options.only), ("--skip", options.skip)):
        for sid in wanted:
            if sid not in ids:
                hint = did_you_mean(sid, ids, otherwise=f"it has: {', '.join(dict.fromkeys(ids))}")
                raise StretchcoachError(f"{flag}: routine '{routine.id}' has no stretch '{sid}'; {hint}")
    items: list[_Item] = []
    for entry in routine.items:
        if (options.only and entry.stretch not in options.only) or entry.stretch in options.skip:
            continue
        stretch = catalog.stretch(entry.stretch)
        if stretch is None:  # the loader checks references; a merged catalog may still drop one
            raise StretchcoachError(f"routine '{routine.id}' names '{entry.stretch}', which is not in the catalog")
        if isinstance(stretch.timing, Hold):
            hold = options.hold or entry.hold or stretch.timing.seconds
            items.append(_Item(stretch, hold=hold, reps=None))
        else:
            reps = options.reps or entry.reps or stretch.timing.reps
            items.append(_Item(stretch, hold=None, reps=reps))
    if not items:
        raise StretchcoachError(f"--only/--skip leave nothing of routine '{routine.id}' to do")
    return items


def _steps(routine: Routine, items: list[_Item]) -> Iterable[Step]:
    for index, item in enumerate(items):
        stretch = item.stretch
        if index and routine.rest:
            yield Step(StepKind.REST, stretch, routine.rest, rest_cue(stretch))
        if routine.prep:
            yield Step(StepKind.PREP, stretch, routine.prep, prep_cue(stretch))
        if isinstance(stretch.timing, Hold):
            assert item.hold is not None
            sides: tuple[Side | None, ...] = stretch.timing.sides or (None,)
            for n, side in enumerate(sides):
                if n and routine.switch:
                    yield Step(StepKind.SWITCH, stretch, routine.switch, SWITCH_CUE, side=side)
                yield Step(StepKind.HOLD, stretch, item.hold, hold_cue(item.hold, side), side=side)
        else:
            assert isinstance(stretch.timing, Cycle)
            assert item.reps is not None
            for rep in range(1, item.reps + 1):
                for phase in stretch.timing.phases:
                    yield Step(
                        StepKind.PHASE,
                        stretch,
                        phase.seconds,
                        phase.cue,
                        rep=rep,
                        reps=item.reps,
                        breath=phase.breath,
                    )


def _total(routine: Routine, items: list[_Item]) -> int:
    return sum(step.seconds for step in _steps(routine, items))


def _scaled(items: list[_Item], factor: float) -> list[_Item]:
    result = []
    for item in items:
        if item.hold is not None:
            hold = round(item.hold * factor / HOLD_STEP) * HOLD_STEP
            result.append(replace(item, hold=min(MAX_HOLD, max(MIN_HOLD, hold))))
        else:
            assert item.reps is not None
            result.append(replace(item, reps=min(MAX_REPS, max(MIN_REPS, round(item.reps * factor)))))
    return result


def _fit(routine: Routine, items: list[_Item], target: int) -> tuple[list[_Item], tuple[str, ...]]:
    """Scale holds and reps so the whole routine takes about ``target`` seconds."""
    if target <= 0:
        raise StretchcoachError("--minutes: expected a time greater than zero")
    # The total only grows with the factor, so search the factor by halving, over a
    # range wide enough that every hold and rep count can reach both of its bounds.
    smallest = min([i.hold for i in items if i.hold] + [i.reps for i in items if i.reps])
    top = 2.0 * max(MAX_HOLD, MAX_REPS) / smallest
    low, high = 0.0, top
    best = items
    below, above = 0, None  # the nearest totals found under and over the target
    for _ in range(50):
        middle = (low + high) / 2
        candidate = _scaled(items, middle)
        total = _total(routine, candidate)
        if abs(total - target) < abs(_total(routine, best) - target):
            best = candidate
        if total < target:
            low, below = middle, max(below, total)
        else:
            high, above = middle, total if above is None else min(above, total)
    total = _total(routine, best)
    tolerance = max(30, target // 10)
    if abs(total - target) > tolerance:
        shortest = _total(routine, _scaled(items, 0.0))
        longest = _total(routine, _scaled(items, top))
        if target < shortest:
            limit = f"the shortest it can be is {human_seconds(shortest)} (--only or --skip leave stretches out)"
        elif target > longest:
            limit = f"the longest it can be is {human_seconds(longest)} (--prep, --rest and --switch add time)"
        else:  # holds and rounds change in steps: the target falls between two of them
            limit = f"the nearest it can be is {human_seconds(below)} or {human_seconds(above or longest)}"
        raise StretchcoachError(f"--minutes: routine '{routine.id}' cannot fit {human_seconds(target)}; {limit}")
    changes = [f"fitted to {human_seconds(target)}: {human_seconds(total)} in all"]
    for old, new in zip(items, best, strict=True):
        if old.hold != new.hold:
            changes.append(f"{new.stretch.name}: hold {old.hold} s → {new.hold} s")
        if old.reps != new.reps:
            changes.append(f"{new.stretch.name}: {old.reps} → {new.reps} rounds")
    return best, tuple(changes)
