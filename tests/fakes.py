"""Stand-ins for what a routine touches outside the process: a clock, keys, answers, a terminal.

With :func:`fake_runtime` the real ``routine`` command (through Typer's CliRunner,
passed as ``obj``) runs a whole routine in milliseconds: waiting for a key moves
the fake clock instead of sleeping. :func:`run_loop` runs the routine loop alone,
onto a :class:`RecordingDisplay`.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import IO

from rich.console import Console

from stretchcoach.core.plan import Plan
from stretchcoach.core.session import Event, EventKind, RoutineSession
from stretchcoach.live.cues import Cues
from stretchcoach.live.loop import run_routine
from stretchcoach.live.terminal import InputSource
from stretchcoach.runtime import Runtime
from stretchcoach.views.live import live_view

T0 = 100.0  # the fake clock's reading when run_loop starts a routine


class FakeClock:
    """A monotonic clock that moves only when told to (or when something fake waits)."""

    def __init__(self, start: float = 0.0) -> None:
        self.start = start
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class ScriptedInput:
    """Keys and signals at given seconds after the clock's start; waiting moves the fake clock.

    ``wait(timeout)`` jumps to the next scripted time if it falls within the timeout
    and returns what is due, else advances the clock by the whole timeout.
    ``suspend()`` (Ctrl-Z) stands for the process being stopped for ``stopped_for`` seconds.
    """

    def __init__(self, clock: FakeClock, script: Sequence[tuple[float, str]] = (), *, stopped_for: float = 0.0) -> None:
        self.clock = clock
        self.script = sorted(((clock.start + t, key) for t, key in script), key=lambda item: item[0])
        self.stopped_for = stopped_for
        self.waits: list[tuple[float, float]] = []
        self.suspended = 0
        self.reclaimed = 0

    def wait(self, timeout: float) -> list[str]:
        assert timeout >= 0
        self.waits.append((self.clock.now - self.clock.start, timeout))
        if len(self.waits) > 5000:
            raise AssertionError("the routine loop is spinning or waiting for a key that never comes")
        if self.script and self.script[0][0] <= self.clock.now + timeout:
            self.clock.now = max(self.clock.now, self.script[0][0])
            due = [key for at, key in self.script if at <= self.clock.now]
            self.script = self.script[len(due) :]
            return due
        self.clock.now += timeout
        return []

    def suspend(self) -> None:
        self.suspended += 1
        self.clock.now += self.stopped_for

    def reclaim(self) -> None:
        self.reclaimed += 1


class TimedWriter(io.StringIO):
    """A stream that remembers when (fake-clock seconds from the start) each write happened."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.writes: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        self.writes.append((self.clock.now - self.clock.start, text))
        return super().write(text)

    def rung(self) -> list[float]:
        """When each bell rang."""
        return [t for t, text in self.writes for _ in range(text.count("\a"))]


class Answers:
    """What a person types at each prompt, in order (None: Ctrl-D). Echoed like a terminal would.

    ``settled`` records each time the runtime let keys settle (``Runtime.settle``), as the
    number of prompts asked before it: ``[2]`` is just before the third prompt.
    """

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.settled: list[int] = []

    def settle(self) -> None:
        self.settled.append(len(self.prompts))

    def __call__(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"asked {prompt!r} with no answer scripted; asked so far: {self.prompts}")
        answer = self.answers.pop(0)
        sys.stdout.write(prompt + ("" if answer is None else answer) + "\n")
        return answer


def fake_runtime(
    *,
    clock: FakeClock | None = None,
    keys: Sequence[tuple[float, str]] = (),  # keys and signals ("<interrupt>") at seconds after the start
    answers: Answers | None = None,
    interactive: bool = False,
    keys_readable: bool | None = None,  # default: as interactive (a person at a terminal has keys)
    bell_out: IO[str] | None = None,
    started: datetime | None = None,
) -> Runtime:
    """A runtime whose time is fake: ``started`` (default: now) is the wall-clock time at the clock's start."""
    script = list(keys)
    clock = clock or FakeClock()
    begun = started or datetime.now(UTC)
    readable = interactive if keys_readable is None else keys_readable
    answers = answers or Answers()

    def open_terminal(*, restore_cursor: bool) -> contextlib.nullcontext[InputSource]:
        """Like the real one: without a terminal to read keys from, only signals come through."""
        signals = [(at, key) for at, key in script if key.startswith("<")]
        return contextlib.nullcontext(ScriptedInput(clock, script if readable else signals))

    return Runtime(
        clock=clock,
        sleep=clock.sleep,
        now=lambda: begun + timedelta(seconds=clock.now - clock.start),
        ask=answers,
        interactive=interactive,
        keys=readable,
        open_terminal=open_terminal,
        bell_out=bell_out,
        settle=answers.settle,
    )


class SilentDisplay:
    """A display that shows nothing: for tests of what is heard, not seen."""

    def events(self, events: list[Event], session: RoutineSession, now: float) -> None:
        pass

    def show(self, session: RoutineSession, now: float, message: str) -> None:
        pass

    def suspend(self) -> None:
        pass

    def resume(self) -> None:
        pass


class RecordingDisplay:
    """Records everything the loop tells a display, and renders the live view at each show."""

    def __init__(
        self, clock: FakeClock, *, width: int = 80, height: int = 30, draw_at: Collection[float] | None = ()
    ) -> None:
        self.clock = clock
        self.width, self.height = width, height
        self.draw_at = draw_at  # when to render the view (None: at every show); rendering is slow
        self.log: list[tuple[float, Event]] = []
        self.shows: list[tuple[float, str, bool, int]] = []  # (seconds, message, paused, index)
        self.screens: list[tuple[float, str]] = []
        self.calls: list[str] = []

    def events_of(self, kind: EventKind) -> list[tuple[float, int]]:
        return [(t, e.index) for t, e in self.log if e.kind is kind]

    def events(self, events: list[Event], session: RoutineSession, now: float) -> None:
        self.log += [(now - self.clock.start, e) for e in events]

    def show(self, session: RoutineSession, now: float, message: str) -> None:
        self.shows.append((now - self.clock.start, message, session.paused, session.index))
        if self.draw_at is not None and now - self.clock.start not in self.draw_at:
            return
        console = Console(
            file=io.StringIO(), width=self.width, height=self.height, force_terminal=True, color_system=None
        )
        console.print(live_view(session, now, width=self.width, height=self.height, message=message))
        text = console.file.getvalue()  # type: ignore[attr-defined]
        self.screens.append((now - self.clock.start, text))

    def screen_at(self, seconds: float) -> str:
        found = [text for t, text in self.screens if t == seconds]
        assert found, f"nothing drawn at {seconds} s; drawn at {[t for t, _ in self.screens][:50]}..."
        return found[-1]

    def suspend(self) -> None:
        self.calls.append(f"suspend@{self.clock.now - self.clock.start}")

    def resume(self) -> None:
        self.calls.append(f"resume@{self.clock.now - self.clock.start}")


def run_loop(
    plan: Plan,
    script: Sequence[tuple[float, str]] = (),
    *,
    stopped_for: float = 0.0,
    resume_after_suspend: bool = False,
    width: int = 80,
    height: int = 30,
    draw_at: Collection[float] | None = (),
    cues: Cues | None = None,
    notes: list[str] | None = None,
) -> tuple[RoutineSession, FakeClock, ScriptedInput, RecordingDisplay]:
    """Run ``plan`` from T0 on a fake clock with ``script``ed keys, onto a RecordingDisplay."""
    clock = FakeClock(T0)
    inputs = ScriptedInput(clock, script, stopped_for=stopped_for)
    display = RecordingDisplay(clock, width=width, height=height, draw_at=draw_at)
    session = run_routine(
        plan,
        clock=clock,
        inputs=inputs,
        display=display,
        cues=cues or Cues(),
        notes=notes,
        resume_after_suspend=resume_after_suspend,
    )
    return session, clock, inputs, display
