"""The routine loop: one ``select()`` wait at a time, one writer, exact deadlines.

:func:`run_routine` owns no clock, terminal or console of its own: it is given
a clock, an input source, a display and the cues, so tests drive it with a fake
clock and scripted keys.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Protocol

from rich.console import Console

from . import screen
from .cues import Cues
from .plan import Plan, StepKind
from .session import ADJUST_SECONDS, Event, EventKind, Outcome, RoutineSession
from .terminal import CONTINUE, HANGUP, INTERRUPT, RESIZE, SUSPEND, TERMINATE, InputSource

if TYPE_CHECKING:
    from rich.live import Live

Clock = Callable[[], float]

_SIGNAL_OUTCOMES = {INTERRUPT: Outcome.INTERRUPTED, TERMINATE: Outcome.TERMINATED, HANGUP: Outcome.HANGUP}


class Display(Protocol):
    def events(self, events: list[Event], session: RoutineSession, now: float) -> None: ...
    def show(self, session: RoutineSession, now: float, message: str) -> None: ...
    def suspend(self) -> None: ...
    def resume(self) -> None: ...


class LiveDisplay:
    """Full-screen Rich view, redrawn only when told (no refresh thread)."""

    def __init__(self, console: Console, *, screen_mode: bool = True) -> None:
        from rich.live import Live

        self.console = console
        self.live: Live = Live(
            console=console,
            auto_refresh=False,
            screen=screen_mode,
            transient=not screen_mode,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def __enter__(self) -> LiveDisplay:
        self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            self.live.stop()

    def events(self, events: list[Event], session: RoutineSession, now: float) -> None:
        pass  # the live view shows the state itself

    def show(self, session: RoutineSession, now: float, message: str) -> None:
        width, height = self.console.size
        view = screen.live_view(session, now, width=width, height=height, message=message)
        with contextlib.suppress(OSError):
            self.live.update(view, refresh=True)

    def suspend(self) -> None:
        with contextlib.suppress(OSError):
            self.live.stop()

    def resume(self) -> None:
        with contextlib.suppress(OSError):
            self.live.start(refresh=True)


class PlainDisplay:
    """One line per step as it starts, for logs, screen readers and dumb terminals."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._said = ""

    def events(self, events: list[Event], session: RoutineSession, now: float) -> None:
        for event in events:
            line = None
            if event.kind is EventKind.STEP and event.step is not None:
                line = screen.step_line(event.step)
                at = session.step_started - session.started - session.paused_total
            elif event.kind in (EventKind.PAUSED, EventKind.RESUMED, EventKind.ADJUSTED):
                line = {"paused": "Paused", "resumed": "Resumed"}.get(event.kind.value, f"Time {event.detail}")
                at = now - session.started - session.paused_seconds(now)
            if line is not None:
                minutes, seconds = divmod(int(max(0.0, at) + 0.5), 60)
                self._write(f"[{minutes:02d}:{seconds:02d}] {line}\n")

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.out.write(text)
            self.out.flush()

    def show(self, session: RoutineSession, now: float, message: str) -> None:
        if message and message != self._said:
            self._write(f"{message}\n")
        self._said = message

    def suspend(self) -> None:
        pass

    def resume(self) -> None:
        pass


def run_routine(
    plan: Plan,
    *,
    clock: Clock,
    inputs: InputSource,
    display: Display,
    cues: Cues,
    resume_after_suspend: bool = False,
    observe: Callable[[RoutineSession], None] | None = None,
) -> RoutineSession:
    """Follow ``plan`` to its end, a key that ends it, or a signal; return the session.

    ``observe`` is called after every change of step or state (the history records there).
    """
    session = RoutineSession(plan, started=clock())
    loop = _Loop(
        session,
        clock=clock,
        inputs=inputs,
        display=display,
        cues=cues,
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
    return session


class _Loop:
    def __init__(
        self,
        session: RoutineSession,
        *,
        clock: Clock,
        inputs: InputSource,
        display: Display,
        cues: Cues,
        resume_after_suspend: bool,
        observe: Callable[[RoutineSession], None] | None,
    ) -> None:
        self.observe = observe
        self.session = session
        self.clock = clock
        self.inputs = inputs
        self.display = display
        self.cues = cues
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
        notes = self.cues.notes
        if notes:
            self.message = " ".join(notes)
            notes.clear()
        return self.message

    def handle(self, item: str, now: float) -> None:
        session = self.session
        if item != RESIZE:
            self.message = ""
        if item in _SIGNAL_OUTCOMES:
            self.emit(session.finish(_SIGNAL_OUTCOMES[item], now), now)
        elif item == SUSPEND:
            self.emit(session.pause(now), now)
            self.display.suspend()
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
