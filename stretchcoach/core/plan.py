"""Turn a routine into the exact list of timed steps to follow. Pure: no clock, no I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.model import Catalog, Cycle, Hold, Routine, Side, Stretch
from stretchcoach.core.steps import Step, StepKind
from stretchcoach.core.suggest import did_you_mean
from stretchcoach.core.words import SWITCH_CUE, hold_cue, prep_cue, rest_cue
from stretchcoach.errors import StretchcoachError

# --minutes changes holds, rounds and the time between stretches only within
# these bounds. A hold never goes below its own minimum (the article's "at least
# 30 seconds"); one without a minimum never below MIN_HOLD, where it stops being
# a stretch. Longer than MAX_HOLD stops being comfortable. Rounds never go below
# their own least (the article's "repeat this several times"), or MIN_REPS for a
# cycle without one. Breathing phases keep their pace.
MIN_HOLD, MAX_HOLD = 15, 120
MIN_REPS, MAX_REPS = 3, 20
MIN_PREP = 5  # the least time a fit leaves to get into a starting position
HOLD_STEP = 5  # holds and gaps change in steps of 5 s
FITTED = "fitted to "  # how the change --minutes made begins (core.voiced finds it by this)

DEEPER_CUE = "Hold it there"


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
    deeper: bool = False  # hold each position of a cycle that allows it a few seconds more


@dataclass(frozen=True)
class Plan:
    routine: Routine
    steps: tuple[Step, ...]
    changes: tuple[str, ...] = ()  # what --minutes or --deeper changed, in words

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
    deeper: int = 0  # seconds each position of a cycle is held still after it

    @property
    def least_hold(self) -> int:
        """The shortest a fit may make this hold: its minimum, else MIN_HOLD (or its own, if shorter)."""
        assert isinstance(self.stretch.timing, Hold) and self.hold is not None
        return self.stretch.timing.minimum or min(self.hold, MIN_HOLD)

    @property
    def least_reps(self) -> int:
        """The fewest rounds a fit may leave: the stretch's own least, else MIN_REPS (or its own, if fewer)."""
        assert isinstance(self.stretch.timing, Cycle) and self.reps is not None
        return self.stretch.timing.least or min(self.reps, MIN_REPS)


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
    if options.deeper:
        deeper = [i.stretch.name for i in items if i.deeper]
        if not deeper:
            raise StretchcoachError(f"--deeper: no stretch of this routine ({_names(items)}) has positions to hold")
        changes = (f"deeper: each position of {', '.join(deeper)} held {_deeper_seconds(items)} more",)
    if options.minutes is not None:
        if not math.isfinite(options.minutes):
            raise StretchcoachError(f"--minutes: expected a number of minutes, got {options.minutes}")
        routine, items, fitted = _fit(routine, items, round(options.minutes * 60))
        changes += fitted
    return Plan(routine=routine, steps=tuple(_steps(routine, items)), changes=changes)


def _names(items: list[_Item]) -> str:
    return ", ".join(dict.fromkeys(i.stretch.name for i in items))


def _deeper_seconds(items: list[_Item]) -> str:
    return " or ".join(dict.fromkeys(f"{i.deeper} s" for i in items if i.deeper))


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
            least = stretch.timing.minimum
            if options.hold is not None and options.hold < least:
                raise StretchcoachError(
                    f"--hold {human_seconds(options.hold)}: {stretch.name} is held for at least {least} s; "
                    f"give {least} s or more"
                )
            # A routine's own hold is checked against its stretch when read; one whose stretch was
            # replaced since (by a catalog of your own) still never goes below the new minimum.
            hold = options.hold or max(entry.hold or stretch.timing.seconds, least)
            items.append(_Item(stretch, hold=hold, reps=None))
        else:
            least = stretch.timing.least
            if options.reps is not None and options.reps < least:
                raise StretchcoachError(
                    f"--reps {options.reps}: {stretch.name} is done at least {least} rounds; give {least} or more"
                )
            reps = options.reps or max(entry.reps or stretch.timing.reps, least)
            deeper = stretch.timing.deeper if options.deeper else 0
            items.append(_Item(stretch, hold=None, reps=reps, deeper=deeper))
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
                    if item.deeper:
                        yield Step(
                            StepKind.PHASE, stretch, item.deeper, DEEPER_CUE, rep=rep, reps=item.reps, still=True
                        )


def _total(routine: Routine, items: list[_Item]) -> int:
    """What the steps of ``_steps(routine, items)`` add up to, without making them."""
    total = routine.rest * (len(items) - 1) + routine.prep * len(items)
    for item in items:
        timing = item.stretch.timing
        if isinstance(timing, Hold):
            assert item.hold is not None
            sides = max(1, len(timing.sides))
            total += item.hold * sides + routine.switch * (sides - 1)
        else:
            assert item.reps is not None
            total += item.reps * sum(phase.seconds + item.deeper for phase in timing.phases)
    return total


def _fit(routine: Routine, items: list[_Item], target: int) -> tuple[Routine, list[_Item], tuple[str, ...]]:
    """Change rounds, gaps and holds so the routine takes as close to ``target`` seconds as it can,
    and never more. Shorter: rounds go first, then the rest between stretches, then get-ready
    time, and only then holds, never below their least. Longer: holds and rounds grow together."""
    if target <= 0:
        raise StretchcoachError("--minutes: expected a time greater than zero")
    total = _total(routine, items)
    if total > target:
        fitted = next(((r, i) for r, i in _shorter(routine, items) if _total(r, i) <= target), None)
        if fitted is None:
            *_, (shortest_routine, shortest_items) = _shorter(routine, items)
            shortest = human_seconds(_total(shortest_routine, shortest_items))
            raise StretchcoachError(
                f"--minutes: routine '{routine.id}' cannot fit in {human_seconds(target)}; the shortest it can be "
                f"is {shortest}, with holds at their least and rounds, rest and get-ready cut "
                "(--only or --skip leave stretches out)"
            )
        new_routine, new_items = _give_back(routine, items, *fitted, target)
    else:
        new_routine, new_items = routine, _longer(routine, items, target)
    done = _total(new_routine, new_items)
    changes = [f"{FITTED}{human_seconds(target)}: {human_seconds(done)} in all"]
    if done < target - max(30, target // 10):
        changes[0] += f", as long as it can be (holds up to {MAX_HOLD} s, up to {MAX_REPS} rounds)"
    for label, old_gap, new_gap in (
        ("rest between stretches", routine.rest, new_routine.rest),
        ("get-ready time", routine.prep, new_routine.prep),
    ):
        if old_gap != new_gap:
            changes.append(f"{label}: {old_gap} s → {new_gap} s")
    for old, new in zip(items, new_items, strict=True):
        if old.hold != new.hold:
            changes.append(f"{new.stretch.name}: hold {old.hold} s → {new.hold} s")
        if old.reps != new.reps:
            changes.append(f"{new.stretch.name}: {old.reps} → {new.reps} rounds")
    return new_routine, new_items, tuple(changes)


def _shorter(routine: Routine, items: list[_Item]) -> Iterator[tuple[Routine, list[_Item]]]:
    """Ever shorter versions of the routine, each a small step from the one before, in the order
    things are given up: a round at a time (of the cycle with the most), rest, get-ready time,
    then the hold furthest above its least, down to the next multiple of 5 s. The last is the shortest there can be."""
    yield routine, items
    while cycles := [n for n, item in enumerate(items) if item.reps is not None and item.reps > item.least_reps]:
        n = max(cycles, key=lambda n: items[n].reps or 0)
        items = [*items[:n], replace(items[n], reps=(items[n].reps or 0) - 1), *items[n + 1 :]]
        yield routine, items
    while routine.rest > 0:
        routine = replace(routine, rest=max(0, routine.rest - HOLD_STEP))
        yield routine, items
    while routine.prep > MIN_PREP:
        routine = replace(routine, prep=max(MIN_PREP, routine.prep - HOLD_STEP))
        yield routine, items
    while holds := [n for n, item in enumerate(items) if item.hold is not None and item.hold > item.least_hold]:
        n = max(holds, key=lambda n: (items[n].hold or 0) - items[n].least_hold)
        item = items[n]
        assert item.hold is not None
        shorter = (item.hold - 1) // HOLD_STEP * HOLD_STEP  # the next multiple of 5 s down
        items = [*items[:n], replace(item, hold=max(item.least_hold, shorter)), *items[n + 1 :]]
        yield routine, items


def _give_back(
    routine: Routine, items: list[_Item], fitted: Routine, cut: list[_Item], target: int
) -> tuple[Routine, list[_Item]]:
    """What the cut version can have back and still fit ``target``, a step at a time, the most
    needed first: time on holds, then get-ready time, then rest, then rounds (never above what
    it had before the cut)."""

    def steps(now: Routine, them: list[_Item]) -> Iterator[tuple[Routine, list[_Item]]]:
        for n, (was, item) in enumerate(zip(items, them, strict=True)):
            if item.hold is not None and was.hold is not None and item.hold < was.hold:
                yield now, [*them[:n], replace(item, hold=min(was.hold, item.hold + HOLD_STEP)), *them[n + 1 :]]
        if now.prep < routine.prep:
            yield replace(now, prep=min(routine.prep, now.prep + HOLD_STEP)), them
        if now.rest < routine.rest:
            yield replace(now, rest=min(routine.rest, now.rest + HOLD_STEP)), them
        for n, (was, item) in enumerate(zip(items, them, strict=True)):
            if item.reps is not None and was.reps is not None and item.reps < was.reps:
                yield now, [*them[:n], replace(item, reps=item.reps + 1), *them[n + 1 :]]

    while more := next(((r, i) for r, i in steps(fitted, cut) if _total(r, i) <= target), None):
        fitted, cut = more
    return fitted, cut


def _longer(routine: Routine, items: list[_Item], target: int) -> list[_Item]:
    """Holds and rounds scaled up together (never down), to the longest total within ``target``."""

    def scaled(factor: float) -> list[_Item]:
        result = []
        for item in items:
            if item.hold is not None:
                hold = round(item.hold * factor / HOLD_STEP) * HOLD_STEP
                result.append(replace(item, hold=max(item.hold, min(MAX_HOLD, hold))))
            else:
                assert item.reps is not None
                result.append(replace(item, reps=max(item.reps, min(MAX_REPS, round(item.reps * factor)))))
        return result

    # The total only grows with the factor: search it by halving, over a range wide enough
    # for every hold and round count to reach its upper bound.
    smallest = min([i.hold for i in items if i.hold] + [i.reps for i in items if i.reps])
    low, high = 1.0, 2.0 * max(MAX_HOLD, MAX_REPS) / smallest
    best = items
    for _ in range(50):
        middle = (low + high) / 2
        candidate = scaled(middle)
        if _total(routine, candidate) <= target:
            low, best = middle, candidate
        else:
            high = middle
    return best
