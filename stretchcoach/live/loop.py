"""The routine loop: one ``select()`` wait at a time, one writer, exact deadlines.

:func:`run_routine` owns no clock, terminal or console of its own: it is given
a clock, an input source, a display, the cues and the notes, so tests drive it
with a fake clock and scripted keys. The displays themselves are views
(``views.displays``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from stretchcoach.core.plan import Plan
from stretchcoach.core.session import ADJUST_SECONDS, Event, Outcome, RoutineSession
from stretchcoach.core.steps import StepKind
from stretchcoach.live.cues import Cues
from stretchcoach.live.terminal import CONTINUE, HANGUP, INTERRUPT, RESIZE, SUSPEND, TERMINATE, InputSource

Clock = Callable[[], float]

_SIGNAL_OUTCOMES = {INTERRUPT: Outcome.INTERRUPTED, TERMINATE: Outcome.TERMINATED, HANGUP: Outcome.HANGUP}


class Display(Protocol):
    """What the loop draws on: told each batch of events, and when to show the session as it is now."""

    def events(self, events: list[Event], session: RoutineSession, now: float) -> None: ...
    def show(self, session: RoutineSession, now: float, message: str) -> None: ...
    def suspend(self) -> None: ...
    def resume(self) -> None: ...


def run_routine(
    plan: Plan,
    *,
    clock: Clock,
    inputs: InputSource,
    display: Display,
    cues: Cues,
    notes: list[str] | None = None,
    resume_after_suspend: bool = False,
    observe: Callable[[RoutineSession], None] | None = None,
) -> RoutineSession:
    """Follow ``plan`` to its end, a key that ends it, or a signal; return the session.

    ``notes`` is where others leave lines for the person while the routine runs (the
    history saver, the cues when the voice or the hook fails): the loop hands them to
    the display and empties it. ``observe`` is called after every change of step or
    state (the history records there).
    """
    session = RoutineSession(plan, started=clock())
    loop = _Loop(
        session,
        clock=clock,
        inputs=inputs,
        display=display,
        cues=cues,
        notes=[] if notes is None else notes,
        resume_after_suspend=resume_after_suspend,
        observe=observe,
    )
    loop.emit(session.begin(), clock())
    while not session.finished:
        now = clock()
        loop.emit(session.update(now), now)
        if session.finished:
            break
        display.show(session, now, loop.take_message())
        timeout = min(session.next_change(now), cues.next_due(now))
        for item in inputs.wait(max(0.0, timeout)):
            loop.handle(item, clock())
            if session.finished:
                break
        cues.ring(clock())
    _ring_out(cues, clock=clock, inputs=inputs)
    return session


def _ring_out(cues: Cues, *, clock: Clock, inputs: InputSource) -> None:
    """Let the "done" bells finish before the summary and the last check-in take the terminal.

    Keys are let go by; a signal stops the bells (a stopped routine has none left to ring).
    """
    while cues.ringing:
        if any(item in _SIGNAL_OUTCOMES for item in inputs.wait(max(0.0, cues.next_bell(clock())))):
            cues.hush()
            return
        cues.ring(clock())


class _Loop:
    def __init__(
        self,
        session: RoutineSession,
        *,
        clock: Clock,
        inputs: InputSource,
        display: Display,
        cues: Cues,
        notes: list[str],
        resume_after_suspend: bool,
        observe: Callable[[RoutineSession], None] | None,
    ) -> None:
        self.observe = observe
        self.session = session
        self.clock = clock
        self.inputs = inputs
        self.display = display
        self.cues = cues
        self.notes = notes
        self.resume_after_suspend = resume_after_suspend
        self.message = ""

    def emit(self, events: list[Event], now: float) -> None:
        if not events:
            return
        if self.observe is not None:  # saved before it is announced: what was seen to end is on disk
            self.observe(self.session)
        self.display.events(events, self.session, now)
        self.cues.handle(events, self.session, now)

    def take_message(self) -> str:
        """The line to show under the view: the newest notes, until a key replaces them."""
        if self.notes:
            self.message = " ".join(self.notes)
            self.notes.clear()
        return self.message

    def handle(self, item: str, now: float) -> None:
        session = self.session
        if item != RESIZE:
            self.message = ""
        if item in _SIGNAL_OUTCOMES:
            self.emit(session.finish(_SIGNAL_OUTCOMES[item], now), now)
        elif item == SUSPEND:
            self.display.suspend()  # first: the shell may already be taking the terminal back
            self.emit(session.pause(now), now)
            self.inputs.suspend()
            self.display.resume()
            if self.resume_after_suspend:  # no keys to resume with: carry on by itself
                later = self.clock()
                self.emit(session.resume(later), later)
        elif item == CONTINUE:  # stopped and continued from outside: take the terminal back
            self.inputs.reclaim()
            self.display.resume()
        elif item in ("space", "p"):
            self.emit(session.toggle_pause(now), now)
        elif item in ("n", "right"):
            self.emit(session.skip(now), now)
        elif item in ("b", "left"):
            self.emit(session.back(now), now)
        elif item in ("+", "=", "-", "_"):
            seconds = ADJUST_SECONDS if item in ("+", "=") else -ADJUST_SECONDS
            events = session.adjust(seconds, now)
            self.emit(events, now)
            if events:
                self.message = f"{events[0].detail} on this step"
            elif session.step.kind is StepKind.PHASE:
                self.message = "Breathing rounds keep their pace"
            else:
                self.message = "This step is as short as it can be"
        elif item in ("q", "esc"):
            self.emit(session.finish(Outcome.QUIT, now), now)
        elif item == "h":
            self.emit(session.hurt(now), now)
