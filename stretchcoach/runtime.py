"""What a routine run touches outside the process: clocks, the prompter, the terminal.

:meth:`Runtime.real` is the only place that picks ``time.monotonic``,
``datetime.now``, the prompter and the process's own terminal. Tests build a
:class:`Runtime` of fakes instead (a clock they move, scripted keys and
answers), so a whole routine, check-ins and prompts included, runs in
milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import termios
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from stretchcoach.live.terminal import InputSource, TerminalInput

# Keys (where there are any) and signals for a routine; ``restore_cursor`` says whether
# to show the cursor again on the way out.
OpenTerminal = Callable[..., AbstractContextManager[InputSource]]


@dataclass(frozen=True)
class Runtime:
    clock: Callable[[], float]  # seconds, monotonic: what the routine's deadlines are in
    sleep: Callable[[float], None]
    now: Callable[[], datetime]  # aware wall-clock time, for the history
    ask: Callable[[str], str | None]  # one answer typed at a prompt; None at end of input
    interactive: bool  # a person at a terminal can answer prompts
    keys: bool  # keys can be read: standard input is a terminal
    open_terminal: OpenTerminal
    bell_out: IO[str] | None  # where the terminal bell rings, if anywhere

    @classmethod
    def real(cls) -> Runtime:
        keys = _is_terminal(sys.stdin)
        interactive = keys and _is_terminal(sys.stdout)

        def open_terminal(*, restore_cursor: bool) -> TerminalInput:
            return TerminalInput(sys.stdin.fileno() if keys else None, output=sys.stdout, restore_cursor=restore_cursor)

        return cls(
            clock=time.monotonic,
            sleep=time.sleep,
            now=lambda: datetime.now(UTC),
            ask=_ask,
            interactive=interactive,
            keys=keys,
            open_terminal=open_terminal,
            bell_out=next((s for s in (sys.stdout, sys.stderr) if s.isatty()), None),
        )


def _ask(prompt: str) -> str | None:
    """One line typed after ``prompt``; None at end of input (Ctrl-D, or no more input).

    Not ``input()``: a Ctrl-C pressed between the prompt appearing and ``input()``
    starting to read would wait, unseen, until Enter. Here the wait is a
    ``select()`` that a signal also wakes (through the wakeup descriptor), so
    Ctrl-C always interrupts at once. Keys typed before the prompt (during the
    routine, say) are discarded first, so they never become its answer.
    """
    stdin = sys.stdin
    on_terminal = _is_terminal(stdin)
    if on_terminal:
        with contextlib.suppress(termios.error, OSError):
            termios.tcflush(stdin.fileno(), termios.TCIFLUSH)
    sys.stdout.write(prompt)
    sys.stdout.flush()
    if on_terminal:
        _wait_for_a_line(stdin.fileno())
    line = stdin.readline()
    if not line:
        return None
    return line.removesuffix("\n").removesuffix("\r")


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def _wait_for_a_line(fd: int) -> None:
    """Until ``fd`` has a line to read; a signal raises its exception (KeyboardInterrupt) meanwhile."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    try:
        previous = signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    except ValueError:  # not the main thread: no signal to wait for
        os.close(wake_read)
        os.close(wake_write)
        return
    try:
        while fd not in select.select([fd, wake_read], [], [])[0]:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_read, 512)  # a signal came; its handler has run (and may have raised)
    finally:
        signal.set_wakeup_fd(previous)
        os.close(wake_read)
        os.close(wake_write)
