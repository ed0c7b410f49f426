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

from stretchcoach.live.terminal import InputSource, TerminalInput, cbreak_mode

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
    # Before the first question after a routine: wait until keys pressed during it stop coming,
    # and drop them (see _settle_keys). Nothing to wait for where no keys are read.
    settle: Callable[[], None] = lambda: None
    # A question shows where the person typing can see it: standard output or standard error is
    # a terminal (with both sent to files, a question would wait for an answer nobody is asked).
    prompts_seen: bool = True

    @classmethod
    def real(cls) -> Runtime:
        keys = _is_terminal(sys.stdin)
        interactive = keys and _is_terminal(sys.stdout)
        shown = _terminal_out()

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
            bell_out=shown,
            settle=_settle_keys,
            prompts_seen=shown is not None,
        )


def _ask(prompt: str) -> str | None:
    """One line typed after ``prompt``; None at end of input (Ctrl-D, or no more input).

    Not ``input()``: a Ctrl-C pressed between the prompt appearing and ``input()``
    starting to read would wait, unseen, until Enter. Here the wait is a
    ``select()`` that a signal also wakes (through the wakeup descriptor), so
    Ctrl-C always interrupts at once. Keys typed before the prompt (during the
    routine, say) are discarded first, so they never become its answer.

    The prompt goes where the person typing sees it: standard output if it is the
    terminal, else standard error if that is (`routine --plain | tee log` asks on the
    terminal, and the log keeps what the routine says).
    """
    stdin = sys.stdin
    on_terminal = _is_terminal(stdin)
    if on_terminal:
        _discard_typed(stdin.fileno())
    shown = _terminal_out() or sys.stdout
    shown.write(prompt)
    shown.flush()
    if on_terminal:
        _wait_for_a_line(stdin.fileno())
    line = stdin.readline()
    if not line:
        return None
    return line.removesuffix("\n").removesuffix("\r")


# Keys still coming after a routine ends: the person is pressing them yet (n, n, n, and the last
# step ended under their finger), and one pressed just after the next question appears would
# answer it. A pause this long between keys means they have stopped; a key held down is given
# up on after the longest wait.
SETTLE_QUIET = 0.5
SETTLE_LONGEST = 3.0


def _settle_keys() -> None:
    """Until keys stop coming (:data:`SETTLE_QUIET` seconds without one, or :data:`SETTLE_LONGEST`
    in all), read them unechoed and drop them; then discard anything left. A no-op unless
    standard input is a terminal. Ctrl-C meanwhile raises KeyboardInterrupt, as at a prompt."""
    stdin = sys.stdin
    if not _is_terminal(stdin):
        return
    fd = stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
    except (termios.error, OSError):
        return
    quiet = cbreak_mode(saved)  # the routine's own mode: keys one at a time, unechoed, no Ctrl-S freeze
    # Ended meanwhile (kill, a closed window), the process still gives the terminal back as it was.
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    for signum in handlers:
        signal.signal(signum, _exit_on)
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        end = time.monotonic() + SETTLE_LONGEST
        while (left := end - time.monotonic()) > 0:
            if fd not in select.select([fd], [], [], min(SETTLE_QUIET, left))[0]:
                break  # quiet: they have stopped
            if not os.read(fd, 1024):
                break  # end of input
    except (termios.error, OSError):
        pass
    finally:
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, saved)
        _discard_typed(fd)
        for signum, handler in handlers.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _exit_on(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _discard_typed(fd: int) -> None:
    """Drop what has been typed on terminal ``fd`` and not read yet."""
    with contextlib.suppress(termios.error, OSError):
        termios.tcflush(fd, termios.TCIFLUSH)


def _terminal_out() -> IO[str] | None:
    """Where the person at the terminal sees what is written: standard output if it is the
    terminal, else standard error if that is, else nowhere."""
    return next((stream for stream in (sys.stdout, sys.stderr) if _is_terminal(stream)), None)


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
