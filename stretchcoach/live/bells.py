"""The terminal bell's patterns: 1 bell to switch sides, 2 for the next stretch, 3 when done.

Bells are scheduled as times and rung by the routine loop when they fall due, so
nothing waits. They never pile up: each batch of events rings one pattern, its
newest (a late update or a pasted "nnnn" passes several steps at once: where you
are now is what counts); a new pattern replaces one still waiting to ring, only a
pattern already ringing finishes first; a pattern that falls more than
STALE_BELLS behind is dropped; and a routine stopped early drops them all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import IO

from stretchcoach.core.session import Event, EventKind, Outcome
from stretchcoach.core.steps import StepKind

BELL_GAP = 0.35  # seconds between the bells of one pattern, so they are heard apart
STALE_BELLS = 1.0  # a pattern this late (the process was stopped, the machine stalled) is not rung at all

# How many bells mean what.
SWITCH_BELLS, NEXT_STRETCH_BELLS, DONE_BELLS = 1, 2, 3


def bell_count(event: Event) -> int:
    """1 bell: switch sides. 2: on to the next stretch. 3: routine done."""
    if event.kind is EventKind.FINISHED:
        return DONE_BELLS if event.detail == Outcome.COMPLETED.value else 0
    if event.kind is not EventKind.STEP or event.step is None or event.previous is None:
        return 0
    step, previous = event.step, event.previous
    changed_side = (
        step.kind is StepKind.HOLD
        and previous.kind is StepKind.HOLD
        and step.stretch.id == previous.stretch.id
        and step.side != previous.side
    )
    if step.kind is StepKind.SWITCH or changed_side:  # with --switch 0 the sides follow each other
        return SWITCH_BELLS
    if event.step.stretch.id != event.previous.stretch.id or event.step.kind is StepKind.REST:
        return NEXT_STRETCH_BELLS if event.previous.kind is not StepKind.REST else 0
    return 0


class Bells:
    """Bell patterns due at given times, rung on ``out`` (None: nowhere)."""

    def __init__(self, out: IO[str] | None) -> None:
        self.out = out
        self._patterns: list[list[float]] = []  # bell times; the first may have begun
        self._begun = False  # the first pattern has rung a bell: it rings out
        self._last_bell = -1e9

    def queue(self, count: int, now: float) -> None:
        if self.out is None or not count:
            return
        keep = self._patterns[:1] if self._begun else []  # what waits to ring is stale now: replaced
        start = max(now, self._last_bell + 2 * BELL_GAP, *(pattern[-1] + 2 * BELL_GAP for pattern in keep))
        self._patterns = [*keep, [start + i * BELL_GAP for i in range(count)]]

    def hush(self) -> None:
        """Ring nothing more of what is scheduled."""
        self._patterns, self._begun = [], False

    @property
    def ringing(self) -> bool:
        """Bells are still to ring."""
        return bool(self._patterns)

    def next_bell(self, now: float) -> float:
        """Seconds until the next bell is due (a large number if none is)."""
        return self._patterns[0][0] - now if self._patterns else 3600.0

    def ring(self, now: float) -> None:
        """Ring the bell if one is due."""
        while self._patterns and self._patterns[0][0] < now - STALE_BELLS:
            self._patterns.pop(0)
            self._begun = False
        if not self._patterns or self._patterns[0][0] > now + 0.005 or self.out is None:
            return
        pattern = self._patterns[0]
        while pattern and pattern[0] <= now + 0.005:
            self._last_bell = pattern.pop(0)
        self._begun = bool(pattern)
        if not pattern:
            self._patterns.pop(0)
        with contextlib.suppress(OSError, ValueError):
            self.out.write("\a")
            self.out.flush()

    def flush(self, sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
        """Ring what is still scheduled (the "done" pattern), waiting between bells."""
        while self._patterns and self.out is not None:
            wait = self.next_bell(clock())
            if wait > 0:
                sleep(wait)
            self.ring(clock())
