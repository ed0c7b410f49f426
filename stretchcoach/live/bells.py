"""Which sound each event makes, and the terminal bell's patterns for the few that ring it.

:func:`cue_sound` is the one place that decides what is heard: the chimes play
its sound, and the bell rings the pattern of that same sound (:func:`bell_count`),
so the two never disagree. The bell keeps to three patterns, each a count: 1 bell
to switch sides, 2 for the next stretch, 3 when done. The terminal bell has one
voice, so a fourth count or a bell every breath would not be learnt in one
routine, and a bell every 4 seconds of cat-cow is noise (some terminals flash
the screen for each). So the bell stays silent for the start of a hold, the
breaths, the ticks and the warning; the voice, if on, still says them.

Bells are scheduled as times and rung by the routine loop when they fall due, so
nothing waits. They never pile up: each batch of events rings one pattern, its
newest (a late update or a pasted "nnnn" passes several steps at once: where you
are now is what counts); a new pattern replaces one still waiting to ring, only a
pattern already ringing finishes first; a pattern that falls more than
STALE_BELLS behind is dropped; each bell
is a write of its own, BELL_GAP after the one before however late the loop comes
back, as bells written together are heard as one; and a routine stopped early
drops them all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import IO

from stretchcoach.core.model import Breath
from stretchcoach.core.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.core.steps import StepKind
from stretchcoach.live.sound import Sound

BELL_GAP = 0.35  # seconds between the bells of one pattern, so they are heard apart
STALE_BELLS = 1.0  # a pattern this late (the process was stopped, the machine stalled) is not rung at all

# How many bells mean what.
SWITCH_BELLS, NEXT_STRETCH_BELLS, DONE_BELLS = 1, 2, 3
BELLS = {Sound.SWITCH: SWITCH_BELLS, Sound.NEXT: NEXT_STRETCH_BELLS, Sound.DONE: DONE_BELLS}

TICKS = 3  # a tick in each of a hold's last 3 seconds
TICK_AFTER_START = 1.0  # ...but none in a hold's first second: its start has a sound of its own

_BREATHS = {Breath.INHALE: Sound.INHALE, Breath.EXHALE: Sound.EXHALE}


def cue_sound(event: Event) -> Sound | None:
    """The sound an event makes (None: none).

    - done: the routine is done (completed);
    - warning: stopped, "this hurts";
    - switch: switch sides (with --switch 0, the other side's hold right after the first);
    - next: a rest, a get-ready, or the first step of a new stretch (the routine's
      very first step too: the person who started it and lay down hears it begin);
    - start: a hold begins, or a movement that is not a breath (a twist to one side,
      a position held still with --deeper);
    - inhale, exhale: a breathing phase begins.

    Any other end (q, Ctrl-C, a signal) is silent. Ticks are not events: see
    :func:`tick_times`.
    """
    if event.kind is EventKind.FINISHED:
        return {Outcome.COMPLETED.value: Sound.DONE, Outcome.HURT.value: Sound.WARNING}.get(event.detail)
    if event.kind is not EventKind.STEP or event.step is None:
        return None
    if event.previous is None:
        return Sound.NEXT
    step, previous = event.step, event.previous
    changed_side = (
        step.kind is StepKind.HOLD
        and previous.kind is StepKind.HOLD
        and step.stretch.id == previous.stretch.id
        and step.side != previous.side
    )
    if step.kind is StepKind.SWITCH or changed_side:  # with --switch 0 the sides follow each other
        return Sound.SWITCH
    if step.stretch.id != previous.stretch.id or step.kind in (StepKind.REST, StepKind.PREP):
        return Sound.NEXT
    if step.breath is not None:
        return _BREATHS[step.breath]
    return Sound.START


def bell_count(event: Event) -> int:
    """1 bell: switch sides. 2: on to the next stretch. 3: routine done. 0 for every other sound.

    The next stretch rings once: at the rest, not again at the get-ready after it.
    """
    sound = cue_sound(event)
    count = BELLS.get(sound, 0) if sound is not None else 0
    if count == NEXT_STRETCH_BELLS and event.previous is not None and event.previous.kind is StepKind.REST:
        return 0
    return count


def tick_times(session: RoutineSession) -> Sequence[float]:
    """When the current step's ticks fall: each of a hold's last TICKS seconds (none while paused)."""
    if session.finished or session.paused or session.step.kind is not StepKind.HOLD:
        return ()
    deadline = session.deadline()
    earliest = session.step_started + TICK_AFTER_START
    return tuple(t for t in (deadline - k for k in range(TICKS, 0, -1)) if t >= earliest - 1e-9)


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
        """Ring one bell if one is due. When the loop comes back late, the bells left move on to
        keep their gaps from it, rather than ring at once: "done" would pass for "switch sides"."""
        while self._patterns and self._patterns[0][0] < now - STALE_BELLS:
            self._patterns.pop(0)
            self._begun = False
        if not self._patterns or self._patterns[0][0] > now + 0.005 or self.out is None:
            return
        pattern = self._patterns[0]
        pattern.pop(0)
        self._last_bell = now
        self._begun = bool(pattern)
        if not pattern:
            self._patterns.pop(0)
        previous = now
        for later in self._patterns:  # late: what is left moves on, to keep its gaps from this bell
            gap = BELL_GAP if later is pattern else 2 * BELL_GAP
            if later[0] < previous + gap:
                later[:] = [t + previous + gap - later[0] for t in later]
            previous = later[-1]
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
