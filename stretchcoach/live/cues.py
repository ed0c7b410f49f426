"""Cues for someone who cannot see the screen: bells, speech, and a step hook.

Nothing here blocks the timer. Bells are scheduled as times and rung by the
routine loop when they fall due; speech and the hook are separate processes
started with an argument list (no shell), each in a session of its own, and
never waited for while the routine runs.

What they are given cannot become anything else: the words and the hook's
JSON are handed over as a file on standard input (a pipe holds 64 KiB, and
then whoever writes to it waits for a reader that may never come), or, for a
speech command that cannot read its input, as the argument after ``--``, so
no cue is ever read as one of its options (``-f FILE`` would read any file of
yours aloud). And every process started is ended: a voice cut off by the next
cue at once, anything left over by :meth:`Cues.close` at the end, each
escalating from SIGTERM to SIGKILL if it does not go.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from stretchcoach.core.plan import Step, StepKind
from stretchcoach.core.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.errors import StretchcoachError

SPEECH_COMMANDS = ("espeak-ng", "espeak", "spd-say", "say")
SPOKEN_MAX = 2000  # characters of one cue read aloud: minutes of speech, and well within one argument
BELL_GAP = 0.35  # seconds between the bells of one pattern, so they are heard apart
STALE_BELLS = 1.0  # a pattern this late (the process was stopped, the machine stalled) is not rung at all

# How many bells mean what.
SWITCH_BELLS, NEXT_STRETCH_BELLS, DONE_BELLS = 1, 2, 3

# Ending what was started (seconds).
KILL_AFTER = 0.5  # from SIGTERM to SIGKILL, for a process that ignores the first
HOOK_GRACE = 1.0  # for a hook still running when the routine ends: it may be just finishing
SECONDS_PER_WORD, LAST_WORDS_MAX = 0.4, 8.0  # the last words are let finish: about this long a word, at most
MAX_HOOKS = 8  # hooks running at once; a new one ends the oldest, so a hook that hangs cannot pile up
_POLL = 0.05  # while waiting for processes to end


@dataclass(frozen=True)
class SpeechCommand:
    """How to run one speech program so that no text can be taken for one of its options."""

    argv: tuple[str, ...]  # the program and its own options
    stdin: bool  # the text goes on standard input; else as the one argument after "--"
    percent: bool = False  # "%" must be doubled: spd-say reads its text as a printf format

    def invocation(self, text: str) -> tuple[list[str], bytes | None]:
        """The argument list and what goes on standard input (None: nothing) to say ``text``."""
        text = text.replace("\0", " ")[:SPOKEN_MAX]
        if self.stdin:
            return list(self.argv), text.encode("utf-8", "replace")
        return [*self.argv, "--", text.replace("%", "%%") if self.percent else text], None


def speech_command(name: str, path: str, *, platform: str = sys.platform) -> SpeechCommand:
    """How each supported program takes its text, from its documentation and source.

    espeak-ng and espeak read it with ``--stdin``. spd-say cannot (its pipe mode runs
    lines starting "!-!" as commands to the speech server) but uses getopt, which
    ends options at ``--``. macOS ``say`` reads standard input when given no text;
    the GNUstep ``say`` found on Linux does not, and it uses getopt.
    """
    if name in ("espeak-ng", "espeak"):
        return SpeechCommand((path, "--stdin"), stdin=True)
    if name == "spd-say":  # -w: it lives as long as it speaks, so its words are timed like the others'
        return SpeechCommand((path, "-w"), stdin=False, percent=True)
    return SpeechCommand((path,), stdin=platform == "darwin")


def find_speech_command(
    which: Callable[[str], str | None] = shutil.which, *, platform: str = sys.platform
) -> SpeechCommand | None:
    """The first speech command on PATH."""
    for name in SPEECH_COMMANDS:
        path = which(name)
        if path:
            return speech_command(name, path, platform=platform)
    return None


def spoken_text(event: Event, session: RoutineSession) -> str | None:
    """What the voice says for an event, or None to stay quiet."""
    step = event.step
    if event.kind is EventKind.STEP and step is not None:
        return _step_words(step)
    if event.kind is EventKind.LAST_SECONDS:
        return "10 seconds left"
    if event.kind is EventKind.PAUSED:
        return "Paused"
    if event.kind is EventKind.RESUMED:
        return "Resuming"
    if event.kind is EventKind.FINISHED:
        if session.outcome is Outcome.COMPLETED:
            return "Routine complete. Well done."
        if session.outcome is Outcome.HURT:
            return "Stopping now. If your pain persists or worsens, stop these stretches and see a doctor."
        return "Routine stopped."
    return None


def _step_words(step: Step) -> str:
    cue = step.cue.replace(" — ", ", ")
    if step.kind is StepKind.PREP:
        return f"{step.stretch.name}. {cue}"
    return cue


def bell_count(event: Event) -> int:
    """1 bell: switch sides. 2: on to the next stretch. 3: routine done."""
    if event.kind is EventKind.FINISHED:
        return DONE_BELLS if event.detail == Outcome.COMPLETED.value else 0
    if event.kind is not EventKind.STEP or event.step is None or event.previous is None:
        return 0
    step, previous = event.step, event.previous
    changed_side = (
        step.kind is StepKind.HOLD
        and previous.kind is StepKind.HOLD
        and step.stretch.id == previous.stretch.id
        and step.side != previous.side
    )
    if step.kind is StepKind.SWITCH or changed_side:  # with --switch 0 the sides follow each other
        return SWITCH_BELLS
    if event.step.stretch.id != event.previous.stretch.id or event.step.kind is StepKind.REST:
        return NEXT_STRETCH_BELLS if event.previous.kind is not StepKind.REST else 0
    return 0


def speaking_time(words: str) -> float:
    """About how long ``words`` take to say (espeak's default is 175 words a minute), at most LAST_WORDS_MAX."""
    return min(LAST_WORDS_MAX, 0.5 + SECONDS_PER_WORD * len(words.split()))


@dataclass
class _Child:
    """A process the cues started, in a process group (and session) of its own.

    It is reaped only once its group has been dealt with: while it is unreaped (a
    zombie, once it exits) its process id, which is its group's id, cannot be given to
    another process, so signalling the group can only reach what it started.
    """

    process: Any  # a Popen, or a test's stand-in
    started: float
    words: str | None = None  # what a speech process says; None for a hook
    exited: bool = False  # the process itself has exited (not yet reaped)
    terminated_at: float | None = None  # when its group was sent SIGTERM
    killed_at: float | None = None  # when its group was sent SIGKILL


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


def _has_exited(process: Any) -> bool:
    """Whether ``process`` has exited, without reaping it (see :class:`_Child`)."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except (ChildProcessError, AttributeError, TypeError, OSError):  # not a child of ours: a test's stand-in
        return process.poll() is not None


@dataclass
class Cues:
    """Turns session events into bells, speech and hook calls.

    ``bell_out`` is the terminal stream to ring (None: no bell); ``speech`` the
    speech command (None: silent); ``hook`` the ``--on-step`` command. ``spawn``
    starts a process (``subprocess.Popen``) and ``signal_group`` signals one
    with everything it started (``os.killpg``; each runs in its own session).

    Bells never pile up: each batch of events rings one pattern, its newest (a
    late update or a pasted "nnnn" passes several steps at once: where you are
    now is what counts); a new pattern replaces one still waiting to ring, only
    a pattern already ringing finishes first; a pattern that falls more than
    STALE_BELLS behind is dropped; and a routine stopped early drops them all.
    """

    bell_out: IO[str] | None = None
    speech: SpeechCommand | None = None
    hook: list[str] | None = None
    spawn: Callable[..., Any] = subprocess.Popen
    signal_group: Callable[[int, int], None] = os.killpg
    notes: list[str] = field(default_factory=list)
    _patterns: list[list[float]] = field(default_factory=list)  # bell times; the first may have begun
    _begun: bool = False  # the first pattern has rung a bell: it rings out
    _last_bell: float = -1e9
    _speaking: _Child | None = None
    _children: list[_Child] = field(default_factory=list)

    def handle(self, events: Sequence[Event], session: RoutineSession, now: float) -> None:
        count, words, stopped = 0, None, False
        for event in events:
            count = bell_count(event) or count
            stopped = stopped or (event.kind is EventKind.FINISHED and event.detail != Outcome.COMPLETED.value)
            text = spoken_text(event, session) if self.speech is not None else None
            words = text or words
            if self.hook is not None and event.kind is EventKind.STEP and event.step is not None:
                self._run_hook(event, session, now)
        if stopped:  # nothing more to announce
            self.hush()
        elif count and self.bell_out is not None:
            self._queue(count, now)
        if words:
            self._say(words, now)
        self.ring(now)

    # -- bells ----------------------------------------------------------------------------

    def _queue(self, count: int, now: float) -> None:
        keep = self._patterns[:1] if self._begun else []  # what waits to ring is stale now: replaced
        start = max(now, self._last_bell + 2 * BELL_GAP, *(pattern[-1] + 2 * BELL_GAP for pattern in keep))
        self._patterns = [*keep, [start + i * BELL_GAP for i in range(count)]]

    def hush(self) -> None:
        """Ring nothing more of what is scheduled."""
        self._patterns, self._begun = [], False

    @property
    def ringing(self) -> bool:
        """Bells are still to ring."""
        return bool(self._patterns)

    def next_bell(self, now: float) -> float:
        """Seconds until the next bell is due (a large number if none is)."""
        return self._patterns[0][0] - now if self._patterns else 3600.0

    def next_due(self, now: float) -> float:
        """Seconds until the next bell is due, or a process is due its SIGKILL (a large number if neither)."""
        kills = (
            c.terminated_at + KILL_AFTER - now
            for c in self._children
            if c.terminated_at is not None and not c.killed_at
        )
        return min([self.next_bell(now), *kills])

    def ring(self, now: float) -> None:
        """Ring the bell if one is due; also reap finished speech and hook processes, and escalate."""
        if self._children:
            self._reap(now)
        while self._patterns and self._patterns[0][0] < now - STALE_BELLS:
            self._patterns.pop(0)
            self._begun = False
        if not self._patterns or self._patterns[0][0] > now + 0.005 or self.bell_out is None:
            return
        pattern = self._patterns[0]
        while pattern and pattern[0] <= now + 0.005:
            self._last_bell = pattern.pop(0)
        self._begun = bool(pattern)
        if not pattern:
            self._patterns.pop(0)
        with contextlib.suppress(OSError, ValueError):
            self.bell_out.write("\a")
            self.bell_out.flush()

    def flush(self, sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
        """Ring what is still scheduled (the "done" pattern), waiting between bells."""
        while self._patterns and self.bell_out is not None:
            wait = self.next_bell(clock())
            if wait > 0:
                sleep(wait)
            self.ring(clock())

    # -- processes ------------------------------------------------------------------------

    def _start(self, argv: list[str], data: bytes | None) -> Any:
        stdin = _stdin_holding(data) if data is not None else subprocess.DEVNULL
        try:
            return self.spawn(
                argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        finally:
            if data is not None:
                os.close(stdin)

    def _say(self, text: str, now: float) -> None:
        assert self.speech is not None
        speaking = self._speaking
        if speaking is not None and not (speaking.exited or _has_exited(speaking.process)):
            self._end(speaking, now)  # the newest cue matters most
        try:
            process = self._start(*self.speech.invocation(text))
        except OSError as exc:
            self.notes.append(f"voice: cannot run {self.speech.argv[0]} ({exc.strerror or exc}); going on silently")
            self.speech = None
            return
        self._speaking = _Child(process, started=now, words=text)
        self._children.append(self._speaking)

    def _run_hook(self, event: Event, session: RoutineSession, now: float) -> None:
        assert self.hook is not None and event.step is not None
        payload = event.step.to_json() | {
            "index": event.index,
            "steps": len(session.plan.steps),
            "routine": session.plan.routine.id,
            "name": event.step.stretch.name,
        }
        running = [c for c in self._children if c.words is None and c.terminated_at is None and not c.exited]
        for oldest in running[: max(0, len(running) - MAX_HOOKS + 1)]:
            self._end(oldest, now)
        try:
            process = self._start(self.hook, (json.dumps(payload) + "\n").encode())
        except OSError as exc:
            self.notes.append(f"--on-step: cannot run {self.hook[0]} ({exc.strerror or exc}); hook turned off")
            self.hook = None
            return
        self._children.append(_Child(process, started=now))

    def _signal(self, child: _Child, signum: int) -> None:
        with contextlib.suppress(OSError):  # the group may be empty already
            self.signal_group(child.process.pid, signum)

    def _end(self, child: _Child, now: float) -> None:
        """SIGTERM to its group now, SIGKILL KILL_AFTER later if anything is left (see :meth:`_reap`)."""
        if child.terminated_at is None:
            child.terminated_at = now
            self._signal(child, signal.SIGTERM)

    def _reap(self, now: float, *, closing: bool = False) -> None:
        """Escalate what is due, and reap what is over.

        A voice that has stopped speaking is reaped at once. A hook that has exited may
        have left something running in its group (a sound played in the background,
        say): that is left to run until the routine ends (``closing``), when its group
        gets SIGTERM and then SIGKILL like any other, and only then is it reaped.
        """
        alive = []
        for child in self._children:
            if not child.exited:
                child.exited = _has_exited(child.process)
            if child.exited and (child.words is not None or closing) and _group_left(child.process.pid) is False:
                with contextlib.suppress(OSError):
                    child.process.poll()  # over, and nothing of it left: reap it
                continue
            if child.exited and closing and child.words is None:  # what a hook left behind goes now
                self._end(child, now)
            due = child.terminated_at is not None and now >= child.terminated_at + KILL_AFTER - 0.005
            if due and child.killed_at is None:
                self._signal(child, signal.SIGKILL)
                child.killed_at = now
            if child.exited and (child.words is not None or child.killed_at is not None):
                with contextlib.suppress(OSError):
                    child.process.poll()  # reap it: its group is dealt with
                continue
            alive.append(child)
        self._children = alive

    def close(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """End every process the cues started, and the processes those started.

        First a brief moment to finish: the last words as long as they take to say
        (see :func:`speaking_time`, from when they began), a hook still running
        HOOK_GRACE. Then SIGTERM to each group, and SIGKILL KILL_AFTER later. Each
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
                    for child in self._children:
                        if child.terminated_at is None and now >= self._grace_end(child, start) - 0.005:
                            self._end(child, now)
                    self._reap(now, closing=True)
                    if not self._children:
                        return
                    sleep(min(_POLL, max(0.0, min(self._next_step(c, start) for c in self._children) - now)))
            finally:
                for child in self._children:
                    if child.killed_at is None:
                        self._signal(child, signal.SIGKILL)
                        child.killed_at = clock()
                with contextlib.suppress(Exception):
                    self._reap(clock(), closing=True)

    def _next_step(self, child: _Child, start: float) -> float:
        """When ``child`` is next due a signal."""
        if child.terminated_at is not None:
            return child.terminated_at + KILL_AFTER
        return self._grace_end(child, start)

    def _grace_end(self, child: _Child, start: float) -> float:
        if child.words is not None:
            return child.started + speaking_time(child.words)
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


def parse_hook(command: str) -> list[str]:
    try:
        args = shlex.split(command)
    except ValueError:  # shlex's only complaints: an unclosed quote, or a backslash at the end
        raise StretchcoachError(
            f"--on-step: cannot split {command!r} into arguments: a quote or a backslash is left open"
        ) from None
    if not args:
        raise StretchcoachError("--on-step: expected a command, got an empty string")
    return args
