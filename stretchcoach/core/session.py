"""Following a plan through time: the state of a routine in progress.

Pure: every method takes ``now`` (seconds from a monotonic clock) instead of
reading a clock, so tests drive it with plain numbers. Each step has one
deadline, ``start + seconds``; a step that ends on time hands its exact
deadline to the next one as its start, so a long routine never drifts.
Pausing moves the start forward by exactly the paused time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from stretchcoach.core.model import Cycle, Hold, Side
from stretchcoach.core.plan import Plan
from stretchcoach.core.steps import Step, StepKind
from stretchcoach.errors import ExitCode

ADJUST_SECONDS = 10
SHORTEST_STEP = 1  # "-" never leaves a step shorter than what is already done, plus this
DONE_SHARE = 0.5  # of the plan's stretching time, spent stretching, for a routine to count as completed


class Outcome(StrEnum):
    """How a routine ended; :attr:`exit_code` follows the README's table of exit codes.

    Reaching the end is not enough to have *completed* a routine: at least half of
    its stretching steps (holds and breathing rounds, by the plan's seconds) must
    have been done: a step run to its end counts whole (shortened with "-" or not),
    a skipped one only the seconds held before the skip. A routine skipped through
    (a pasted block of "n", say) ends as ``QUIT``: ended early, exit 1, and not a
    day of the streak.
    """

    COMPLETED = "completed"
    QUIT = "quit"  # q or Esc, cancelled at the prompt, or mostly skipped
    HURT = "hurt"  # the person pressed "this hurts"
    INTERRUPTED = "interrupted"  # Ctrl-C
    TERMINATED = "terminated"  # SIGTERM
    HANGUP = "hangup"  # SIGHUP: the terminal went away

    @property
    def exit_code(self) -> ExitCode:
        return {
            Outcome.COMPLETED: ExitCode.OK,
            Outcome.QUIT: ExitCode.RUNTIME,
            Outcome.HURT: ExitCode.STOP,
            Outcome.INTERRUPTED: ExitCode.INTERRUPTED,
            Outcome.TERMINATED: ExitCode.TERMINATED,
            Outcome.HANGUP: ExitCode.HANGUP,
        }[self]


class Status(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"


@dataclass
class StepRecord:
    """What happened to one planned step: its status and the seconds actually spent on it."""

    index: int
    step: Step
    status: Status | None = None  # None: not reached, or left with "back"
    seconds: float = 0.0


class EventKind(StrEnum):
    STEP = "step"  # a step began
    LAST_SECONDS = "last-seconds"  # a hold has 10 seconds left
    PAUSED = "paused"
    RESUMED = "resumed"
    ADJUSTED = "adjusted"
    FINISHED = "finished"


@dataclass(frozen=True)
class Event:
    kind: EventKind
    index: int
    step: Step | None = None
    previous: Step | None = None  # for STEP: the step before it, if any
    detail: str = ""


LAST_SECONDS = 10  # announce "10 seconds left" on holds at least twice as long


@dataclass
class RoutineSession:
    plan: Plan
    started: float
    index: int = 0
    step_started: float = 0.0
    extra: int = 0  # seconds added to or taken from the current step with +/-
    paused_at: float | None = None
    paused_total: float = 0.0
    outcome: Outcome | None = None
    ended: float | None = None
    hurt_step: Step | None = None
    records: list[StepRecord] = field(default_factory=list)
    _announced_last: bool = False

    def __post_init__(self) -> None:
        self.step_started = self.started
        self.records = [StepRecord(i, s) for i, s in enumerate(self.plan.steps)]

    # -- reading the state --------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def step(self) -> Step:
        return self.plan.steps[min(self.index, len(self.plan.steps) - 1)]

    @property
    def duration(self) -> int:
        return self.step.seconds + self.extra

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def elapsed(self, now: float) -> float:
        """Seconds spent in the current step, paused time excluded."""
        return max(0.0, (self.paused_at if self.paused_at is not None else now) - self.step_started)

    def remaining(self, now: float) -> float:
        return max(0.0, self.duration - self.elapsed(now))

    def deadline(self) -> float:
        return self.step_started + self.duration

    def next_step(self) -> Step | None:
        return self.plan.steps[self.index + 1] if self.index + 1 < len(self.plan.steps) else None

    def time_left(self, now: float) -> float:
        """The rest of the routine: this step's remainder plus every later step."""
        later = sum(s.seconds for s in self.plan.steps[self.index + 1 :])
        return self.remaining(now) + later

    def active_seconds(self) -> float:
        return sum(r.seconds for r in self.records if r.step.active)

    def paused_seconds(self, now: float) -> float:
        current = now - self.paused_at if self.paused_at is not None else 0.0
        return self.paused_total + current

    def next_change(self, now: float) -> float:
        """Seconds until something on screen changes: the countdown's next whole second."""
        if self.paused:
            return 3600.0
        left = self.remaining(now)
        fraction = left - int(left)
        return min(left, fraction if fraction > 0.001 else 1.0)

    # -- moving through time --------------------------------------------------------

    def begin(self) -> list[Event]:
        return [Event(EventKind.STEP, 0, self.step)]

    def update(self, now: float) -> list[Event]:
        """Advance past every deadline that has gone by."""
        events: list[Event] = []
        while not self.finished and not self.paused and now >= self.deadline():
            finished_at = self.deadline()
            self._finish_step(Status.DONE, self.duration)
            events += self._enter(self.index + 1, finished_at, now)
        step = self.step
        if (
            not (self.finished or self.paused or self._announced_last)
            and step.kind is StepKind.HOLD
            and self.duration >= 2 * LAST_SECONDS
            and self.remaining(now) <= LAST_SECONDS
        ):
            self._announced_last = True
            events.append(Event(EventKind.LAST_SECONDS, self.index, step))
        return events

    def _finish_step(self, status: Status, seconds: float) -> None:
        record = self.records[self.index]
        record.status = status
        record.seconds += seconds

    def _enter(self, index: int, start: float, now: float) -> list[Event]:
        previous = self.step
        self.index = index
        self.step_started = start
        self.extra = 0
        self._announced_last = False
        if index >= len(self.plan.steps):
            self.index = len(self.plan.steps) - 1
            return self.finish(self._end_outcome(), start)  # it ended at the last deadline, not when noticed
        return [Event(EventKind.STEP, index, self.step, previous)]

    # -- what the person asks for ------------------------------------------------------

    def toggle_pause(self, now: float) -> list[Event]:
        return self.resume(now) if self.paused else self.pause(now)

    def pause(self, now: float) -> list[Event]:
        if self.paused or self.finished:
            return []
        self.paused_at = now
        return [Event(EventKind.PAUSED, self.index, self.step)]

    def resume(self, now: float) -> list[Event]:
        if self.paused_at is None or self.finished:
            return []
        gap = now - self.paused_at
        self.step_started += gap
        self.paused_total += gap
        self.paused_at = None
        return [Event(EventKind.RESUMED, self.index, self.step)]

    def skip(self, now: float) -> list[Event]:
        """Leave the current step undone and start the next one now."""
        if self.finished:
            return []
        self._finish_step(Status.SKIPPED, self.elapsed(now))
        return self._restart_clock_and_enter(self.index + 1, now)

    def back(self, now: float) -> list[Event]:
        """Go back to the start of the previous step (or restart the first)."""
        if self.finished:
            return []
        self.records[self.index].seconds += self.elapsed(now)
        self.records[self.index].status = None
        target = max(0, self.index - 1)
        self.records[target].status = None
        return self._restart_clock_and_enter(target, now)

    def _restart_clock_and_enter(self, index: int, now: float) -> list[Event]:
        if self.paused_at is not None:
            self.paused_total += now - self.paused_at
            self.paused_at = None
        return self._enter(index, now, now)

    def adjust(self, seconds: int, now: float) -> list[Event]:
        """Add or take time from the current step, never below what it must be.

        A hold never goes below its minimum. The positions of a cycle keep their pace,
        except that one that may be held deeper ("hold each position for a few seconds")
        gets the cycle's ``deeper`` seconds more (or, taking time, back) instead of
        ``seconds``.
        """
        if self.finished:
            return []
        step, timing = self.step, self.step.stretch.timing
        floor = -math.inf  # the least self.extra may be, whatever has been done already
        if step.kind is StepKind.PHASE:
            if not isinstance(timing, Cycle) or not timing.deeper:
                return []
            seconds, floor = (timing.deeper if seconds > 0 else -timing.deeper), 0
        elif step.kind is StepKind.HOLD and isinstance(timing, Hold):
            floor = timing.minimum - step.seconds
        lowest = max(math.ceil(self.elapsed(now)) + SHORTEST_STEP - step.seconds, floor)
        before = self.extra
        self.extra = int(max(lowest, self.extra + seconds))
        if self.remaining(now) > LAST_SECONDS:
            self._announced_last = False
        change = self.extra - before
        if not change:
            return []
        sign = "+" if change > 0 else "−"
        return [Event(EventKind.ADJUSTED, self.index, self.step, detail=f"{sign}{abs(change)} s")]

    def hurt(self, now: float) -> list[Event]:
        """ "This hurts": stop at once."""
        if self.finished:
            return []
        self.hurt_step = self.step
        return self.finish(Outcome.HURT, now)

    def finish(self, outcome: Outcome, now: float) -> list[Event]:
        """End the routine; the step in progress keeps the seconds spent on it."""
        if self.finished:
            return []
        if outcome is not Outcome.COMPLETED:
            record = self.records[self.index]
            if record.status is None:
                record.seconds += self.elapsed(now)
        if self.paused_at is not None:
            self.paused_total += now - self.paused_at
            self.paused_at = None
        self.outcome = outcome
        self.ended = now
        return [Event(EventKind.FINISHED, self.index, detail=outcome.value)]

    # -- the summary -----------------------------------------------------------------

    def _end_outcome(self) -> Outcome:
        """Completed if enough of it was done; see :class:`Outcome`."""
        done = sum(
            r.step.seconds if r.status is Status.DONE else r.seconds  # a step run to its end counts whole
            for r in self.records
            if r.step.active
        )
        enough = done >= DONE_SHARE * self.plan.active_seconds - 1e-9
        return Outcome.COMPLETED if enough else Outcome.QUIT

    def one_sided(self) -> list[tuple[str, Side]]:
        """(stretch name, side left out) for each sided stretch done on one side only."""
        sides: dict[str, dict[Side, bool]] = {}
        names: dict[str, str] = {}
        for record in self.records:
            step = record.step
            if step.kind is StepKind.HOLD and step.side is not None:
                names[step.stretch.id] = step.stretch.name
                done = record.status is Status.DONE
                sides.setdefault(step.stretch.id, {})[step.side] = done
        result = []
        for sid, by_side in sides.items():
            if any(by_side.values()):
                result += [(names[sid], side) for side, done in by_side.items() if not done]
        return result
