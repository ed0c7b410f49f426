"""Stand-ins for the processes cues start: players, speech commands, hooks, on a fake clock.

:class:`FakeSpawn` replaces ``subprocess.Popen`` and ``os.killpg`` in :class:`Cues`.
Each process it starts is a :class:`FakeProcess` that ends by itself when the
clock reaches its end (``lasts``), with the exit status given (``status``); a
speech command asked to write a file (``-w FILE``) writes a WAV there as long as
its words take to say. :meth:`FakeSpawn.sounds` reads back what the player was
given to play, and when: the sound events of a routine.
"""

from __future__ import annotations

import os
import signal
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stretchcoach.live.cues import Cues
from stretchcoach.live.sound import Player, wav_seconds

from fakes import FakeClock

PLAYER = Player(("/usr/bin/pw-play",))
WORDS_PER_SECOND = 3.0  # how fast the fake speech commands speak


def words_seconds(text: str, rate: float = WORDS_PER_SECOND) -> float:
    return len(text.split()) / rate


def write_wav(path: Path, seconds: float, rate: int = 1000) -> None:
    """Silence, ``seconds`` long (at a low rate: it is only measured, never heard)."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))


Lasts = float | None | Callable[[list[str]], float | None]


class FakeProcess:
    """A started process as Cues sees it; ``exits_at`` (on ``clock``) is when it ends by itself."""

    def __init__(self, args: list[str], kwargs: dict[str, Any], pid: int, stdin: bytes | None, **how: Any) -> None:
        self.args = args
        self.kwargs = kwargs
        self.pid = pid
        self.stdin = stdin
        self.clock: FakeClock | None = how.get("clock")
        self.exits_at: float | None = how.get("exits_at")
        self.ignores_term: bool = how.get("ignores_term", False)
        self.exit_status: int = how.get("status", 0)
        self.started = self.clock() if self.clock is not None else 0.0
        self.running = True
        self.returncode: int | None = None
        self.signals: list[tuple[float, int]] = []

    def poll(self) -> int | None:
        if self.running and self.clock is not None and self.exits_at is not None and self.clock() >= self.exits_at:
            self.running = False
        if not self.running and self.returncode is None:
            self.returncode = self.exit_status  # ended by itself (a test may also say so: running = False)
        return self.returncode

    def sent(self) -> list[int]:
        return [signum for _, signum in self.signals]


class FakeSpawn:
    """Stands in for subprocess.Popen and os.killpg.

    ``error`` makes every start fail like a missing command (or only the starts
    ``fails`` picks). Each process started lasts ``lasts`` seconds (None: until
    signalled; a function of its argv for each its own), then exits with ``status``
    (a function of its argv, or a number for all). ``exits_at`` instead gives one
    clock time for all. A process asked to write speech (``-w FILE``) writes it, as
    long as its words take to say at ``rate`` words a second.
    """

    def __init__(
        self,
        error: OSError | None = None,
        *,
        clock: FakeClock | None = None,
        lasts: Lasts = None,
        status: int | Callable[[list[str]], int] = 0,
        fails: Callable[[list[str]], bool] | None = None,
        rate: float = WORDS_PER_SECOND,
        **how: Any,
    ) -> None:
        self.rate = rate
        self.error = error
        self.clock = clock
        self.lasts = lasts
        self.status = status
        self.fails = fails
        self.how = how
        self.attempts = 0
        self.processes: list[FakeProcess] = []

    def __call__(self, args: list[str], **kwargs: Any) -> FakeProcess:
        self.attempts += 1
        if self.error is not None and (self.fails is None or self.fails(args)):
            raise self.error
        stdin = kwargs.get("stdin")
        data = os.pread(stdin, 1 << 24, 0) if isinstance(stdin, int) and stdin >= 0 else None
        how = dict(self.how)
        lasts = self.lasts(args) if callable(self.lasts) else self.lasts
        if self.clock is not None:
            how["clock"] = self.clock
            if lasts is not None:
                how["exits_at"] = self.clock() + lasts
        how["status"] = self.status(args) if callable(self.status) else self.status
        if "-w" in args and data is not None:  # a speech command writing its words to a file
            write_wav(Path(args[args.index("-w") + 1]), words_seconds(data.decode(), self.rate))
        process = FakeProcess(args, kwargs, 1000 + len(self.processes), data, **how)
        self.processes.append(process)
        return process

    def signal_group(self, pid: int, signum: int) -> None:
        process = next(p for p in self.processes if p.pid == pid)
        process.signals.append((self.clock() if self.clock else 0.0, signum))
        if signum == signal.SIGKILL or not process.ignores_term:
            if process.running:
                process.returncode = -signum
            process.running = False

    def cues(self, **fields: Any) -> Cues:
        return Cues(spawn=self, signal_group=self.signal_group, group_left=self.group_left, **fields)

    def group_left(self, pid: int) -> bool:
        """Nothing is ever left of a stand-in's group once it has exited."""
        return False

    def played(self, player: Player = PLAYER) -> list[tuple[float, str]]:
        """(when, the file's name) for everything the player was given, in order: sounds and words."""
        start = self.clock.start if self.clock is not None else 0.0
        return [
            (round(p.started - start, 3), Path(p.args[-1]).name)
            for p in self.processes
            if p.args[: len(player.argv)] == list(player.argv)
        ]

    def sounds(self, player: Player = PLAYER) -> list[tuple[float, str]]:
        """(when, which sound) for each sound the player was given: what a person hears, words left out."""
        return [(t, name.removesuffix(".wav")) for t, name in self.played(player) if not name.startswith("words-")]

    def said(self) -> list[str]:
        """The words given to the speech command, in order."""
        return [p.stdin.decode() for p in self.processes if p.stdin is not None and not p.args[0].endswith("hook")]


def as_long_as_it_plays(extra: float = 0.0) -> Callable[[list[str]], float | None]:
    """Each process lasts as long as the WAV file it plays (plus ``extra``); one writing speech, 20 ms."""

    def lasts(args: list[str]) -> float | None:
        if "-w" in args:
            return 0.02
        seconds = wav_seconds(Path(args[-1]))
        return None if seconds is None else seconds + extra

    return lasts
