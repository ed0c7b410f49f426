"""Processes started for the routine's cues (sounds, speech, hooks), and how they are ended.

Each runs in a session of its own, never waited for while the routine runs. What
it is given on standard input is a file, never a pipe: a pipe holds 64 KiB, and
whoever writes to a full one waits for a reader that may never come. Every
process started is ended: at once when it is cut off (:meth:`Children.end`), and
anything left at the routine's end by :meth:`Children.close`, each escalating
from SIGTERM to SIGKILL if it does not go, its whole process group with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from stretchcoach.core.words import speaking_time

KILL_AFTER = 0.5  # from SIGTERM to SIGKILL, for a process that ignores the first
HOOK_GRACE = 1.0  # for a hook still running when the routine ends: it may be just finishing
LAST_WORDS_MAX = 8.0  # the last words are let finish (see words.speaking_time), at most this long
_POLL = 0.05  # while waiting for processes to end


@dataclass
class Child:
    """A process started for a cue, in a process group (and session) of its own.

    It is reaped only once its group has been dealt with: while it is unreaped (a
    zombie, once it exits) its process id, which is its group's id, cannot be given to
    another process, so signalling the group can only reach what it started.
    """

    process: Any  # a Popen, or a test's stand-in
    started: float
    words: str | None = None  # what a speech process says
    # A hook's leftovers may run until the routine ends; any other process (a sound, speech) is over when it exits.
    hook: bool = False
    until: float | None = None  # when it should be over by itself (a sound's end), if known
    exited: bool = False  # the process itself has exited (not yet reaped)
    status: int | None = None  # once exited: its exit status, or minus the signal that ended it
    cut: bool = False  # ended by us while it still ran: how it exited says nothing about it
    terminated_at: float | None = None  # when its group was sent SIGTERM
    killed_at: float | None = None  # when its group was sent SIGKILL

    @property
    def failed(self) -> bool:
        """It ended by itself, and not well: a non-zero exit status, or a signal we did not send."""
        return self.exited and not self.cut and self.status not in (None, 0)


def _group_left(pgid: int) -> bool | None:
    """Whether anything but the (exited) leader is left in process group ``pgid``: read from
    /proc where there is one (Linux); None where it cannot be told."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit() or int(entry) == pgid:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # after "pid (comm)": state, ppid, pgrp, ...
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if len(fields) > 2 and fields[2] == str(pgid).encode():
            return True
    return False


def _exit_status(process: Any) -> int | None:
    """``process``'s exit status (minus the signal that ended it) once it has exited, else None;
    without reaping it (see :class:`Child`)."""
    try:
        info = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except (ChildProcessError, AttributeError, TypeError, OSError):  # not a child of ours: a test's stand-in
        code = process.poll()
        return None if code is None else int(code)
    if info is None:
        return None
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


class Children:
    """The processes started for the cues: started, cut off, reaped and, at the end, ended.

    ``spawn`` starts a process (``subprocess.Popen``) and ``signal_group`` signals one
    with everything it started (``os.killpg``; each runs in its own session);
    ``group_left`` says whether anything of a group is left besides its leader.
    """

    def __init__(
        self,
        spawn: Callable[..., Any] = subprocess.Popen,
        signal_group: Callable[[int, int], None] = os.killpg,
        group_left: Callable[[int], bool | None] | None = None,
    ) -> None:
        self.spawn = spawn
        self.signal_group = signal_group
        self.group_left = group_left or _group_left
        self.children: list[Child] = []

    def start(
        self,
        argv: list[str],
        data: bytes | None,
        *,
        now: float,
        words: str | None = None,
        hook: bool = False,
        until: float | None = None,
    ) -> Child:
        """Start ``argv`` with ``data`` (if any) on its standard input; raises OSError if it cannot start.

        ``hook``: it is the person's hook (see :class:`Child`); ``until`` is when it should be
        over by itself, if that is known (how long a sound file plays).
        """
        stdin = _stdin_holding(data) if data is not None else subprocess.DEVNULL
        try:
            process = self.spawn(
                argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        finally:
            if data is not None:
                os.close(stdin)
        child = Child(process, started=now, words=words, hook=hook, until=until)
        self.children.append(child)
        return child

    def _check(self, child: Child) -> None:
        """Notice whether ``child`` has exited, and its status."""
        if not child.exited:
            child.status = _exit_status(child.process)
            child.exited = child.status is not None

    def hooks_running(self) -> list[Child]:
        return [c for c in self.children if c.hook and c.terminated_at is None and not c.exited]

    def next_due(self, now: float) -> float:
        """Seconds until a process is due its SIGKILL (a large number if none is)."""
        kills = [
            c.terminated_at + KILL_AFTER - now for c in self.children if c.terminated_at is not None and not c.killed_at
        ]
        return min(kills, default=3600.0)

    def _signal(self, child: Child, signum: int) -> None:
        with contextlib.suppress(OSError):  # the group may be empty already
            self.signal_group(child.process.pid, signum)

    def end(self, child: Child, now: float) -> None:
        """SIGTERM to its group now, SIGKILL KILL_AFTER later if anything is left (see :meth:`reap`)."""
        if child.terminated_at is None:
            self._check(child)
            child.cut = not child.exited
            child.terminated_at = now
            self._signal(child, signal.SIGTERM)

    def reap(self, now: float, *, closing: bool = False) -> None:
        """Escalate what is due, and reap what is over.

        A voice or a sound that has stopped is reaped at once. A hook that has exited may
        have left something running in its group (a sound played in the background,
        say): that is left to run until the routine ends (``closing``), when its group
        gets SIGTERM and then SIGKILL like any other, and only then is it reaped.
        """
        alive = []
        for child in self.children:
            self._check(child)
            hook = child.hook
            if child.exited and (not hook or closing) and self.group_left(child.process.pid) is False:
                with contextlib.suppress(OSError):
                    child.process.poll()  # over, and nothing of it left: reap it
                continue
            if child.exited and closing and hook:  # what a hook left behind goes now
                self.end(child, now)
            due = child.terminated_at is not None and now >= child.terminated_at + KILL_AFTER - 0.005
            if due and child.killed_at is None:
                self._signal(child, signal.SIGKILL)
                child.killed_at = now
            if child.exited and (not hook or child.killed_at is not None):
                with contextlib.suppress(OSError):
                    child.process.poll()  # reap it: its group is dealt with
                continue
            alive.append(child)
        self.children = alive

    def close(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """End every process started, and the processes those started.

        First a brief moment to finish: the last words as long as they take to say
        (see :func:`speaking_time`, from when they began), a sound as long as it
        plays, a hook still running HOOK_GRACE. Then SIGTERM to each group, and SIGKILL KILL_AFTER later. Each
        process that ends cuts its wait short. An exception (a second Ctrl-C) or
        SIGTERM or SIGHUP meanwhile sends SIGKILL to all that are left at once. Worst
        case, with a voice that never stops: about LAST_WORDS_MAX + KILL_AFTER seconds
        after the last words began.
        """
        start = clock()
        with _signals_interrupt():
            try:
                while True:
                    now = clock()
                    for child in self.children:
                        if child.terminated_at is None and now >= self._grace_end(child, start) - 0.005:
                            self.end(child, now)
                    self.reap(now, closing=True)
                    if not self.children:
                        return
                    sleep(min(_POLL, max(0.0, min(self._next_step(c, start) for c in self.children) - now)))
            finally:
                for child in self.children:
                    if child.killed_at is None:
                        self._signal(child, signal.SIGKILL)
                        child.killed_at = clock()
                with contextlib.suppress(Exception):
                    self.reap(clock(), closing=True)

    def _next_step(self, child: Child, start: float) -> float:
        """When ``child`` is next due a signal."""
        if child.terminated_at is not None:
            return child.terminated_at + KILL_AFTER
        return self._grace_end(child, start)

    def _grace_end(self, child: Child, start: float) -> float:
        if child.until is not None:
            return min(child.until, child.started + LAST_WORDS_MAX)
        if child.words is not None:
            return child.started + min(LAST_WORDS_MAX, speaking_time(child.words))
        return start + HOOK_GRACE


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt meanwhile (unless ignored), so that what was
    started is still ended when stretchcoach is told to go while it waits for it."""
    saved = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError):  # not the main thread
            if signal.getsignal(signum) is not signal.SIG_IGN:
                saved[signum] = signal.signal(signum, signal.default_int_handler)
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def _stdin_holding(data: bytes) -> int:
    """A file descriptor that reads ``data`` from its start: standard input for a child that can
    never block us, whether or not the child reads it (unlike a pipe, which fills)."""
    if sys.platform == "linux":
        fd = os.memfd_create("stretchcoach-cue", os.MFD_CLOEXEC)  # in memory: needs no writable directory
    else:  # pragma: no cover - macOS
        with tempfile.TemporaryFile() as file:
            fd = os.dup(file.fileno())  # the file is already unlinked; this keeps it open
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise
    return fd
