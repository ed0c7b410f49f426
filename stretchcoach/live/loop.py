"""The routine loop: one ``select()`` wait at a time, one writer, exact deadlines.

:func:`run_routine` owns no clock, terminal or console of its own: it is given
a clock, an input source, a display and the cues, so tests drive it with a fake
clock and scripted keys.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Protocol

from rich.console import Console

from stretchcoach.core.plan import Plan, StepKind
from stretchcoach.core.safe_text import visible
from stretchcoach.core.session import ADJUST_SECONDS, Event, EventKind, Outcome, RoutineSession
from stretchcoach.live.cues import Cues
from stretchcoach.live.terminal import CONTINUE, HANGUP, INTERRUPT, RESIZE, SUSPEND, TERMINATE, InputSource
from stretchcoach.views import routine as screen

if TYPE_CHECKING:
    from rich.live import Live

Clock = Callable[[], float]

_SIGNAL_OUTCOMES = {INTERRUPT: Outcome.INTERRUPTED, TERMINATE: Outcome.TERMINATED, HANGUP: Outcome.HANGUP}


class Display(Protocol):
    def events(self, events: list[Event], session: RoutineSession, now: float) -> None: ...
    def show(self, session: RoutineSession, now: float, message: str) -> None: ...
    def suspend(self) -> None: ...
    def resume(self) -> None: ...


def terminal_size(stream: IO[str]) -> tuple[int, int] | None:
    """(columns, lines) of the terminal ``stream`` writes to; None if it is not one, or gives no size."""
    try:
        columns, lines = os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return None
    return (columns, lines) if columns > 0 and lines > 0 else None


class LiveDisplay:
    """Full-screen Rich view, redrawn only when told (no refresh thread).

    On a terminal it is drawn at the terminal's own size, whatever ``COLUMNS`` and
    ``LINES`` say: Rich pads every line of a full-screen frame to the console's
    width, and ``COLUMNS=100000`` once had each redraw write megabytes (61 MB and
    2.8 s of CPU over a 10 s hold) into an 80-column window. ``size`` reads the
    terminal's size (None: not a terminal, draw at the console's size).
    """

    def __init__(
        self,
        console: Console,
        *,
        screen_mode: bool = True,
        size: Callable[[], tuple[int, int] | None] | None = None,
    ) -> None:
        from rich.live import Live

        self.console = console
        self.size = size or (lambda: terminal_size(console.file))
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
        real = self.size()
        if real is not None:
            self.console.size = real  # the size Live lays every frame out at, not only the view's
        width, height = self.console.size
        view = screen.live_view(session, now, width=width, height=height, message=message)
        with contextlib.suppress(OSError):
            self.live.update(view, refresh=True)

    def suspend(self) -> None:
        with contextlib.suppress(OSError):
            self.live.stop()
            if _taken_back(self.console.file):
                # The shell was quicker (its job is a script that runs us): it has already written
                # "Stopped" and its prompt, on the screen we have just left. Say it again here.
                self.console.file.write(STOPPED_NOTE)
                self.console.file.flush()

    def resume(self) -> None:
        with contextlib.suppress(OSError):
            self.live.start(refresh=True)


STOPPED_NOTE = "\r\nstretchcoach is stopped; type fg to come back to it.\r\n"


def _taken_back(stream: IO[str]) -> bool:
    """The terminal ``stream`` writes to has been given to another process group (a shell)."""
    try:
        return os.tcgetpgrp(stream.fileno()) != os.getpgrp()
    except (AttributeError, ValueError, OSError):
        return False


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
            self.out.write(visible(text))  # plain text from a catalog or history: see safe_text
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
