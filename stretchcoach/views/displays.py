"""The two displays a routine runs on: the full-screen live view, and plain lines.

The routine loop (``live.loop``) tells a display what happened and when to
redraw; the display decides what that looks like. :func:`routine_display` picks
one for the output's mode.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from rich.console import Console

from stretchcoach.core.safe_text import visible
from stretchcoach.core.session import Event, EventKind, RoutineSession
from stretchcoach.core.words import LAST_SECONDS_WORDS, step_details, step_line
from stretchcoach.views.live import live_view
from stretchcoach.views.output import Mode, Output

if TYPE_CHECKING:
    from rich.live import Live


def routine_display(out: Output) -> LiveDisplay | PlainDisplay:
    """Plain lines in plain mode, else the live view (it has a compact form for narrow terminals)."""
    if out.mode is Mode.PLAIN:
        return PlainDisplay(sys.stdout)
    return LiveDisplay(out.console())


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

    hides_cursor = True

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
        view = live_view(session, now, width=width, height=height, message=message)
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


_EVENT_LINES = {EventKind.PAUSED: "Paused", EventKind.RESUMED: "Resumed", EventKind.LAST_SECONDS: LAST_SECONDS_WORDS}
_INDENT = " " * len("[00:00] ")  # a step's further words, under its line


class PlainDisplay:
    """One line per step as it starts, for logs, screen readers and dumb terminals.

    Under it, indented, the rest of what the voice says (``words.step_details``): the
    movement steps while getting ready, what a side means, the tips; and "10 seconds
    left" when the voice says it. Read line by line, it is the whole instruction.
    """

    hides_cursor = False

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._said = ""

    def __enter__(self) -> PlainDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def events(self, events: list[Event], session: RoutineSession, now: float) -> None:
        for event in events:
            line: str | None = None
            details: tuple[str, ...] = ()
            if event.kind is EventKind.STEP and event.step is not None:
                line, details = step_line(event.step), step_details(event.step)
                at = session.step_started - session.started - session.paused_total
            elif event.kind in (EventKind.PAUSED, EventKind.RESUMED, EventKind.ADJUSTED, EventKind.LAST_SECONDS):
                line = _EVENT_LINES.get(event.kind) or f"Time {event.detail}"
                at = now - session.started - session.paused_seconds(now)
            if line is not None:
                minutes, seconds = divmod(int(max(0.0, at) + 0.5), 60)
                self._write("".join([f"[{minutes:02d}:{seconds:02d}] {line}\n", *(f"{_INDENT}{d}\n" for d in details)]))

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
