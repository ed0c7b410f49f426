"""What a routine run touches outside the process: clocks, the prompter, the terminal.

:meth:`Runtime.real` is the only place that picks ``time.monotonic``,
``datetime.now``, ``input()`` and the process's own terminal. Tests build a
:class:`Runtime` of fakes instead (a clock they move, scripted keys and
answers), so a whole routine, check-ins and prompts included, runs in
milliseconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from stretchcoach.live.terminal import InputSource, TerminalInput

# Keys and signals for a routine: ``keys`` says whether to read keys at all, and
# ``restore_cursor`` whether to show the cursor again on the way out.
OpenTerminal = Callable[..., AbstractContextManager[InputSource]]


@dataclass(frozen=True)
class Runtime:
    clock: Callable[[], float]  # seconds, monotonic: what the routine's deadlines are in
    sleep: Callable[[float], None]
    now: Callable[[], datetime]  # aware wall-clock time, for the history
    ask: Callable[[str], str | None]  # one answer typed at a prompt; None at end of input
    interactive: bool  # a person at a terminal can answer prompts and press keys
    open_terminal: OpenTerminal
    bell_out: IO[str] | None  # where the terminal bell rings, if anywhere

    @classmethod
    def real(cls) -> Runtime:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()

        def open_terminal(*, keys: bool, restore_cursor: bool) -> TerminalInput:
            fd = sys.stdin.fileno() if keys and interactive else None
            return TerminalInput(fd, output=sys.stdout, restore_cursor=restore_cursor)

        return cls(
            clock=time.monotonic,
            sleep=time.sleep,
            now=lambda: datetime.now(UTC),
            ask=_ask,
            interactive=interactive,
            open_terminal=open_terminal,
            bell_out=next((s for s in (sys.stdout, sys.stderr) if s.isatty()), None),
        )


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
