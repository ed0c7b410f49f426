"""The terminal edge: keys in cbreak mode, signals, and putting everything back.

:class:`TerminalInput` changes terminal modes and signal handlers while a routine
runs; :func:`cbreak_mode` is the one mode it sets, which ``runtime`` uses too for
the moment after a routine when keys still coming are let settle. Signals are
turned into inputs (``"<interrupt>"``, ``"<suspend>"``, ...) by handlers that
only record them and wake the ``select()`` through a pipe, so the routine loop
handles keys and signals in one place.

No key may freeze the routine, or end it with the terminal left in our modes:
Ctrl-\\ (SIGQUIT, whose default is a core dump) is an interrupt like Ctrl-C,
and output flow control (IXON, with which Ctrl-S stops all output until
Ctrl-Q) is off while the routine runs, so Ctrl-S and Ctrl-Q are keys like any
other.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import termios
from collections import deque
from types import FrameType
from typing import Any, Protocol

# Signal inputs, as :meth:`TerminalInput.wait` reports them.
INTERRUPT, TERMINATE, HANGUP = "<interrupt>", "<terminate>", "<hangup>"
SUSPEND, CONTINUE, RESIZE = "<suspend>", "<continue>", "<resize>"

_SIGNALS: dict[int, str] = {
    signal.SIGINT: INTERRUPT,
    signal.SIGQUIT: INTERRUPT,  # Ctrl-\ (or a pasted 0x1c byte): stop as Ctrl-C does, never dump core
    signal.SIGTERM: TERMINATE,
    signal.SIGHUP: HANGUP,
    signal.SIGTSTP: SUSPEND,
    signal.SIGCONT: CONTINUE,
    signal.SIGWINCH: RESIZE,
}

# Signals that stay ignored if they were ignored when the routine began (`nohup`
# ignores SIGHUP; a shell ignores SIGINT and SIGQUIT for a job it ran in the background).
_KEPT_IGNORED = {signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM}

_SEQUENCES = {
    "\x1b[C": "right",
    "\x1bOC": "right",
    "\x1b[D": "left",
    "\x1bOD": "left",
    "\x1b[A": "up",
    "\x1bOA": "up",
    "\x1b[B": "down",
    "\x1bOB": "down",
}
_NAMES = {" ": "space", "\r": "enter", "\n": "enter", "\x1b": "esc", "\x7f": "backspace"}

SHOW_CURSOR = "\x1b[?25h"


class InputSource(Protocol):
    def wait(self, timeout: float) -> list[str]:
        """Keys and signal inputs that arrive within ``timeout`` seconds (maybe none)."""

    def suspend(self) -> None:
        """Put the terminal back, stop the job (Ctrl-Z), and take the terminal over again on ``fg``."""

    def reclaim(self) -> None:
        """Take the terminal over again after something else may have reset it."""


def cbreak_mode(mode: list[Any]) -> list[Any]:
    """``mode`` (as ``tcgetattr`` gives it) as the routine runs: keys one at a time, not echoed, and no
    output flow control. Ctrl-C, Ctrl-Z and Ctrl-\\ still send their signals."""
    changed = [*mode[:6], list(mode[6])]
    changed[0] &= ~termios.IXON  # else Ctrl-S stops every write, and the timer with it, until Ctrl-Q
    changed[3] &= ~(termios.ECHO | termios.ICANON)
    changed[6][termios.VMIN] = 1
    changed[6][termios.VTIME] = 0
    return changed


def parse_keys(text: str) -> list[str]:
    """Split what one read returned into key names: "space", "right", "q", "esc", ..."""
    keys: list[str] = []
    i = 0
    while i < len(text):
        if text[i : i + 3] in _SEQUENCES:
            keys.append(_SEQUENCES[text[i : i + 3]])
            i += 3
        elif text[i] == "\x1b" and text[i + 1 : i + 2] in ("[", "O"):
            # An escape sequence we do not use (function keys, mouse): drop it whole.
            j = i + 2
            while j < len(text) and not text[j].isalpha() and text[j] != "~":
                j += 1
            i = j + 1
        else:
            char = text[i]
            keys.append(_NAMES.get(char, char.lower() if char.isprintable() else f"^{ord(char):02x}"))
            i += 1
    return keys


class TerminalInput:
    """Context manager: cbreak mode on a TTY, signal handlers, and a ``select()`` loop.

    With ``fd=None`` (output is not a terminal) no key is read, but signals
    still arrive as inputs, so timing and clean exits work the same.
    """

    def __init__(self, fd: int | None, *, output: Any = None, restore_cursor: bool = True) -> None:
        self.fd = fd if fd is not None and os.isatty(fd) else None
        self.output = output if output is not None else sys.stdout
        self.restore_cursor = restore_cursor  # only a full-screen view hides the cursor
        self._saved_mode: list[Any] | None = None
        self._pending: deque[str] = deque()
        self._saved_handlers: dict[int, Any] = {}
        self._pipe: tuple[int, int] | None = None
        self._old_wakeup = -1
        self._stdin_open = self.fd is not None

    # -- entering and leaving ------------------------------------------------------

    def __enter__(self) -> TerminalInput:
        self._pipe = os.pipe()
        for end in self._pipe:
            os.set_blocking(end, False)
        self._old_wakeup = signal.set_wakeup_fd(self._pipe[1], warn_on_full_buffer=False)
        for signum in _SIGNALS:
            if signum in _KEPT_IGNORED and signal.getsignal(signum) is signal.SIG_IGN:
                self._saved_handlers[signum] = signal.SIG_IGN  # nohup, or a parent that asked: left so
                continue
            self._saved_handlers[signum] = signal.signal(signum, self._on_signal)
        self._enter_cbreak()
        return self

    def __exit__(self, *exc: object) -> None:
        self._leave_cbreak()
        for signum, handler in self._saved_handlers.items():
            signal.signal(signum, handler)
        self._saved_handlers.clear()
        signal.set_wakeup_fd(self._old_wakeup)
        if self._pipe:
            for end in self._pipe:
                os.close(end)
            self._pipe = None

    def _enter_cbreak(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(termios.error, OSError):
            if self._saved_mode is None:
                self._saved_mode = termios.tcgetattr(self.fd)
            termios.tcsetattr(self.fd, termios.TCSANOW, cbreak_mode(self._saved_mode))
            termios.tcflow(self.fd, termios.TCOON)  # restart output a Ctrl-S typed before we started stopped

    def _leave_cbreak(self) -> None:
        if self.fd is not None and self._saved_mode is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved_mode)
        with contextlib.suppress(OSError, ValueError):
            if self.restore_cursor and self.output.isatty():
                self.output.write(SHOW_CURSOR)
                self.output.flush()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._pending.append(_SIGNALS[signum])

    # -- waiting ------------------------------------------------------------------

    def wait(self, timeout: float) -> list[str]:
        if self._pending:
            return self._drain([])
        assert self._pipe is not None, "use TerminalInput as a context manager"
        watch = [self._pipe[0]]
        if self._stdin_open and self.fd is not None:
            watch.append(self.fd)
        try:
            ready, _, _ = select.select(watch, [], [], max(0.0, timeout))
        except InterruptedError:  # pragma: no cover - Python retries select itself (PEP 475)
            ready = []
        keys: list[str] = []
        if self._pipe[0] in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(self._pipe[0], 512)
        if self.fd is not None and self.fd in ready:
            try:
                data = os.read(self.fd, 64)
            except OSError:
                data = b""
            if not data:
                self._stdin_open = False  # end of input: stop watching it, or select would spin
            else:
                keys = parse_keys(data.decode("utf-8", "replace"))
        return self._drain(keys)

    def _drain(self, keys: list[str]) -> list[str]:
        # Signals first: an interrupt outranks any key typed with it.
        signals = list(self._pending)
        self._pending.clear()
        return signals + keys

    # -- Ctrl-Z ---------------------------------------------------------------------

    def suspend(self) -> None:
        """Put the terminal back, stop the whole job as Ctrl-Z does, and take the terminal over again on ``fg``.

        The stop goes to the process group, not only to this process: started by a
        script that does not ``exec`` it, the script is the job the shell knows, and
        only a job the shell saw stop is one that ``fg`` continues. No stop is sent
        when it is not wanted or has already been undone: if SIGTSTP was ignored
        when we started (whoever started us keeps its jobs running), or if a
        SIGCONT came while the terminal was being put back (the shell stopped the
        rest of the job, took the terminal, and ``fg`` has continued it since: a
        stop now would be one that nothing ends). In an orphaned process group,
        where no shell could continue it, the kernel drops the stop itself.
        """
        self._leave_cbreak()  # from the background this stops us (SIGTTOU) until `fg`: a SIGCONT too
        wanted = self._saved_handlers.get(signal.SIGTSTP) != signal.SIG_IGN
        if wanted and CONTINUE not in self._pending:
            previous = signal.signal(signal.SIGTSTP, signal.SIG_DFL)
            try:
                os.killpg(os.getpgrp(), signal.SIGTSTP)  # stops here until `fg` sends SIGCONT
            finally:
                signal.signal(signal.SIGTSTP, previous)
        self._enter_cbreak()
        # The SIGCONT that woke us is part of this suspension, not news.
        with contextlib.suppress(ValueError):
            self._pending.remove(CONTINUE)

    def reclaim(self) -> None:
        """Re-enter cbreak mode after something else (a shell, a pager) may have reset it."""
        self._enter_cbreak()
