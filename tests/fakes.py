"""Stand-ins for what a routine touches outside the process: a clock, keys, answers, a terminal.

With :func:`fake_runtime` the real ``routine`` command (through Typer's CliRunner,
passed as ``obj``) runs a whole routine in milliseconds: waiting for a key moves
the fake clock instead of sleeping.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import IO

from stretchcoach.core.session import Event, RoutineSession
from stretchcoach.live.terminal import InputSource
from stretchcoach.runtime import Runtime


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
    """What a person types at each prompt, in order (None: Ctrl-D). Echoed like a terminal would."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

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
    bell_out: IO[str] | None = None,
    started: datetime | None = None,
) -> Runtime:
    """A runtime whose time is fake: ``started`` (default: now) is the wall-clock time at the clock's start."""
    script = list(keys)
    clock = clock or FakeClock()
    begun = started or datetime.now(UTC)

    def open_terminal(*, keys: bool, restore_cursor: bool) -> contextlib.nullcontext[InputSource]:
        """Like the real one: without keys (plain mode), only signals come through."""
        signals = [(at, key) for at, key in script if key.startswith("<")]
        return contextlib.nullcontext(ScriptedInput(clock, script if keys else signals))

    return Runtime(
        clock=clock,
        sleep=clock.sleep,
        now=lambda: begun + timedelta(seconds=clock.now - clock.start),
        ask=answers or Answers(),
        interactive=interactive,
        open_terminal=open_terminal,
        bell_out=bell_out,
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
