"""Cues for someone who cannot see the screen: bells, speech, and a step hook.

Nothing here blocks the timer. Bells are scheduled as times and rung by the
routine loop when they fall due; speech and the hook are separate processes
started with an argument list (no shell) and never waited for.
"""

from __future__ import annotations

import contextlib
import json
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from .errors import StretchcoachError
from .plan import Step, StepKind
from .session import Event, EventKind, Outcome, RoutineSession

SPEECH_COMMANDS = ("espeak-ng", "espeak", "spd-say", "say")
BELL_GAP = 0.35  # seconds between the bells of one pattern, so they are heard apart

# How many bells mean what.
SWITCH_BELLS, NEXT_STRETCH_BELLS, DONE_BELLS = 1, 2, 3


def find_speech_command(which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The first speech command on PATH, as the argument list to put the text after."""
    for name in SPEECH_COMMANDS:
        path = which(name)
        if path:
            return [path]
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


@dataclass
class Cues:
    """Turns session events into bells, speech and hook calls.

    ``bell_out`` is the terminal stream to ring (None: no bell); ``speech`` the
    speech command (None: silent); ``hook`` the ``--on-step`` command.
    """

    bell_out: IO[str] | None = None
    speech: list[str] | None = None
    hook: list[str] | None = None
    spawn: Callable[..., Any] = subprocess.Popen
    notes: list[str] = field(default_factory=list)
    _bells: list[float] = field(default_factory=list)
    _last_bell: float = -1e9
    _speaking: Any = None
    _children: list[Any] = field(default_factory=list)

    def handle(self, events: Sequence[Event], session: RoutineSession, now: float) -> None:
        for event in events:
            count = bell_count(event)
            if count and self.bell_out is not None:
                start = max([now, self._last_bell + 2 * BELL_GAP, *(t + 2 * BELL_GAP for t in self._bells)])
                self._bells += [start + i * BELL_GAP for i in range(count)]
            if self.speech is not None:
                text = spoken_text(event, session)
                if text:
                    self._say(text)
            if self.hook is not None and event.kind is EventKind.STEP and event.step is not None:
                self._run_hook(event, session)
        self.ring(now)

    def next_due(self, now: float) -> float:
        """Seconds until the next bell is due (a large number if none is)."""
        return min((t - now for t in self._bells), default=3600.0)

    def ring(self, now: float) -> None:
        """Ring the bell if one is due; also reap finished speech and hook processes."""
        if self._children:
            self._reap()
        due = [t for t in self._bells if t <= now + 0.005]
        if not due or self.bell_out is None:
            return
        self._bells = [t for t in self._bells if t > now + 0.005]
        self._last_bell = max(due)
        with contextlib.suppress(OSError, ValueError):
            self.bell_out.write("\a")
            self.bell_out.flush()

    def flush(self, sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
        """Ring what is still scheduled (the "done" pattern), waiting between bells."""
        while self._bells and self.bell_out is not None:
            now = clock()
            wait = self.next_due(now)
            if wait > 0:
                sleep(wait)
            self.ring(clock())

    def _say(self, text: str) -> None:
        assert self.speech is not None
        if self._speaking is not None and self._speaking.poll() is None:
            with contextlib.suppress(OSError):
                self._speaking.terminate()  # the newest cue matters most
        try:
            self._speaking = self.spawn(
                [*self.speech, text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            self.notes.append(f"voice: cannot run {self.speech[0]} ({exc.strerror or exc}); going on silently")
            self.speech = None
            return
        self._children.append(self._speaking)

    def _run_hook(self, event: Event, session: RoutineSession) -> None:
        assert self.hook is not None and event.step is not None
        payload = event.step.to_json() | {
            "index": event.index,
            "steps": len(session.plan.steps),
            "routine": session.plan.routine.id,
            "name": event.step.stretch.name,
        }
        try:
            child = self.spawn(
                self.hook,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                text=True,
            )
        except OSError as exc:
            self.notes.append(f"--on-step: cannot run {self.hook[0]} ({exc.strerror or exc}); hook turned off")
            self.hook = None
            return
        with contextlib.suppress(OSError, ValueError):
            child.stdin.write(json.dumps(payload) + "\n")  # small: fits in the pipe, never blocks
            child.stdin.close()
        self._children.append(child)

    def _reap(self) -> None:
        self._children = [c for c in self._children if c.poll() is None]

    def close(self) -> None:
        """Reap what has finished. The last words ("Routine complete") and any hooks
        still running are left to finish on their own: they run in their own sessions."""
        self._reap()


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
