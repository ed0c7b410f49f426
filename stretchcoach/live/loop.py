"""The routine loop: one ``select()`` wait at a time, one writer, exact deadlines.

:func:`run_routine` owns no clock, terminal or console of its own: it is given
a clock, an input source, a display, the cues and the notes, so tests drive it
with a fake clock and scripted keys. The displays themselves are views
(``views.displays``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from stretchcoach.core.model import Cycle, Hold
from stretchcoach.core.plan import Plan
from stretchcoach.core.session import ADJUST_SECONDS, Event, EventKind, Outcome, RoutineSession
from stretchcoach.core.steps import Step, StepKind
from stretchcoach.live.cues import Cues
from stretchcoach.live.terminal import CONTINUE, HANGUP, INTERRUPT, RESIZE, SUSPEND, TERMINATE, InputSource

Clock = Callable[[], float]

_SIGNAL_OUTCOMES = {INTERRUPT: Outcome.INTERRUPTED, TERMINATE: Outcome.TERMINATED, HANGUP: Outcome.HANGUP}
KEY_MESSAGE_SECONDS = 3.0  # what a key press says ("+10 s on this step") stays this long, or to the next step
NOTE_SECONDS = 15.0  # a note ("Sound: … using the terminal bell") stays this long, or until a key: then the rows
# it takes go back to the countdown


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
        loop.emit(session.update(now), now)  # a step due starts first: its sound and hook go out at once
        if session.finished:
            break
        cues.ring(now)  # then what keeps up with the processes (reaping them reads /proc)
        display.show(session, now, loop.take_message(now))
        # What was drawn is as of `now`: its next change is due then plus this, however long drawing took
        # (waiting the whole of it from after drawing would start every step that much late).
        due = now + min(session.next_change(now), cues.next_due(now), loop.message_due(now))
        for item in inputs.wait(max(0.0, due - clock())):
            loop.handle(item, clock())
            if session.finished:
                break
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
        self.message_until: float | None = None  # when the message goes; None: there is none
        self.note = False  # the message is a note: it stays when the step changes

    def emit(self, events: list[Event], now: float) -> None:
        if not events:
            return
        if self.observe is not None:  # saved before it is announced: what was seen to end is on disk
            self.observe(self.session)
        if self.message and not self.note and any(event.kind is EventKind.STEP for event in events):
            self.say("")  # a key's message was about the step that has just ended
        self.cues.handle(events, self.session, now)  # heard first: drawing the screen takes milliseconds
        self.display.events(events, self.session, now)

    def say(self, message: str, until: float | None = None, *, note: bool = False) -> None:
        self.message, self.message_until, self.note = message, until if message else None, note

    def take_message(self, now: float) -> str:
        """The line to show under the view: the newest notes for :data:`NOTE_SECONDS`, or until a key
        replaces them; a key's own message for :data:`KEY_MESSAGE_SECONDS`, or until the step changes."""
        if self.notes:
            self.say(" ".join(self.notes), until=now + NOTE_SECONDS, note=True)
            self.notes.clear()
        elif self.message_until is not None and now >= self.message_until:
            self.say("")
        return self.message

    def message_due(self, now: float) -> float:
        """Seconds until the key's message on screen is due to go (a long time if there is none)."""
        return 3600.0 if self.message_until is None else max(0.0, self.message_until - now)

    def handle(self, item: str, now: float) -> None:
        session = self.session
        if item != RESIZE:
            self.say("")
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
            message = _adjusted(session.step, events[0].detail if events else None)
            self.say(message, until=now + KEY_MESSAGE_SECONDS)
        elif item in ("q", "esc"):
            self.emit(session.finish(Outcome.QUIT, now), now)
        elif item == "h":
            self.emit(session.hurt(now), now)


def _adjusted(step: Step, change: str | None) -> str:
    """What + or - did to ``step`` (``change``, such as "+10 s"), or why it did nothing."""
    timing = step.stretch.timing
    if change is not None:
        deeper = step.kind is StepKind.PHASE and change.startswith("+")
        return f"{change}: holding this position longer" if deeper else f"{change} on this step"
    if step.kind is StepKind.PHASE:
        if isinstance(timing, Cycle) and timing.deeper:
            return "A round keeps the pace of the breath"
        return "Rounds keep their pace"
    if step.kind is StepKind.HOLD and isinstance(timing, Hold) and timing.minimum:
        return f"{step.stretch.name} is held at least {timing.minimum} s"
    return "This step is as short as it can be"
