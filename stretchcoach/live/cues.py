"""Cues for someone who cannot see the screen: bells, speech, and a step hook.

Nothing here blocks the timer: bells are rung by the routine loop when they fall
due (``bells``), and speech and the hook are processes started without a shell
and never waited for (``processes``, ``speech``).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from stretchcoach.core.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.errors import StretchcoachError
from stretchcoach.live.bells import Bells, bell_count
from stretchcoach.live.processes import Child, Children
from stretchcoach.live.speech import SpeechCommand, spoken_text

MAX_HOOKS = 8  # hooks running at once; a new one ends the oldest, so a hook that hangs cannot pile up


@dataclass
class Cues:
    """Turns session events into bells, speech and hook calls.

    ``bell_out`` is the terminal stream to ring (None: no bell); ``speech`` the
    speech command (None: silent); ``hook`` the ``--on-step`` command. ``spawn`` and
    ``signal_group`` start and signal processes (see :class:`Children`).
    """

    bell_out: IO[str] | None = None
    speech: SpeechCommand | None = None
    hook: list[str] | None = None
    spawn: Callable[..., Any] = subprocess.Popen
    signal_group: Callable[[int, int], None] = os.killpg
    notes: list[str] = field(default_factory=list)  # lines for the person: pass the list the routine loop reads
    _bells: Bells = field(init=False)
    _children: Children = field(init=False)
    _speaking: Child | None = None

    def __post_init__(self) -> None:
        self._bells = Bells(self.bell_out)
        self._children = Children(self.spawn, self.signal_group)

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
            self._bells.hush()
        else:
            self._bells.queue(count, now)
        if words:
            self._say(words, now)
        self.ring(now)

    @property
    def ringing(self) -> bool:
        """Bells are still to ring."""
        return self._bells.ringing

    def hush(self) -> None:
        self._bells.hush()

    def next_bell(self, now: float) -> float:
        return self._bells.next_bell(now)

    def next_due(self, now: float) -> float:
        """Seconds until the next bell is due, or a process is due its SIGKILL (a large number if neither)."""
        return min(self._bells.next_bell(now), self._children.next_due(now))

    def ring(self, now: float) -> None:
        """Ring the bell if one is due; also reap finished speech and hook processes, and escalate."""
        if self._children.children:
            self._children.reap(now)
        self._bells.ring(now)

    def flush(self, sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
        """Ring what is still scheduled (the "done" pattern), waiting between bells."""
        self._bells.flush(sleep, clock)

    def close(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """End every process the cues started (see :meth:`Children.close`)."""
        self._children.close(clock, sleep)

    def _say(self, text: str, now: float) -> None:
        assert self.speech is not None
        speaking = self._speaking
        if speaking is not None and self._children.running(speaking):
            self._children.end(speaking, now)  # the newest cue matters most
        try:
            self._speaking = self._children.start(*self.speech.invocation(text), now=now, words=text)
        except OSError as exc:
            self.notes.append(f"voice: cannot run {self.speech.argv[0]} ({exc.strerror or exc}); going on silently")
            self.speech = None

    def _run_hook(self, event: Event, session: RoutineSession, now: float) -> None:
        assert self.hook is not None and event.step is not None
        payload = event.step.to_json() | {
            "index": event.index,
            "steps": len(session.plan.steps),
            "routine": session.plan.routine.id,
            "name": event.step.stretch.name,
        }
        running = self._children.hooks_running()
        for oldest in running[: max(0, len(running) - MAX_HOOKS + 1)]:
            self._children.end(oldest, now)
        try:
            self._children.start(self.hook, (json.dumps(payload) + "\n").encode(), now=now)
        except OSError as exc:
            self.notes.append(f"--on-step: cannot run {self.hook[0]} ({exc.strerror or exc}); hook turned off")
            self.hook = None


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
