"""External commands (systemctl, launchctl, crontab, notify-send, osascript, a sound player).

Always without a shell and with a timeout. The runner is an argument wherever a
command is run, so tests can put fake commands on PATH (or replace the runner).
A command that is missing or does not finish becomes one clear
:class:`StretchcoachError`; one that fails is returned, for the caller to word
(:func:`check`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from stretchcoach.errors import ExitCode, StretchcoachError, os_problem

TIMEOUT = 15.0  # seconds; `systemctl --user enable --now` on a slow, busy desktop takes a few


@dataclass(frozen=True)
class Completed:
    argv: tuple[str, ...]
    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def said(self) -> str:
        """The first line the command wrote on stderr (else stdout), for a message."""
        for stream in (self.stderr, self.stdout):
            for line in stream.decode("utf-8", "replace").splitlines():
                if line.strip():
                    return line.strip()
        return ""


class CommandTimeout(StretchcoachError):
    """A command did not finish in time: calling it again (to undo something) would only wait again."""


class Runner(Protocol):
    def __call__(
        self, argv: Sequence[str], *, input: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> Completed: ...


def shown(argv: Sequence[str]) -> str:
    """A command as a person would type it: ``systemctl --user daemon-reload``."""
    return shlex.join([os.path.basename(argv[0]), *argv[1:]])


class SubprocessRunner:
    """Runs a command with ``subprocess.run``: no shell, output captured, at most ``timeout`` seconds."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout

    def __call__(
        self, argv: Sequence[str], *, input: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> Completed:
        try:
            result = subprocess.run(
                list(argv),
                input=input,
                stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True,
                timeout=self.timeout,
                env=None if env is None else dict(env),
                check=False,
            )
        except FileNotFoundError:
            raise StretchcoachError(
                f"{os.path.basename(argv[0])} is not installed (not found on PATH)", exit_code=ExitCode.RUNTIME
            ) from None
        except subprocess.TimeoutExpired:
            raise CommandTimeout(
                f"`{shown(argv)}` did not finish within {self.timeout:g} s; nothing more was done",
                exit_code=ExitCode.RUNTIME,
            ) from None
        except OSError as exc:
            raise StretchcoachError(
                f"cannot run `{shown(argv)}`: {os_problem(exc)}", exit_code=ExitCode.RUNTIME
            ) from None
        return Completed(tuple(argv), result.returncode, result.stdout, result.stderr)


def check(result: Completed) -> Completed:
    """``result`` if the command succeeded; else one line saying what failed and what it said."""
    if result.ok:
        return result
    said = result.said()
    raise StretchcoachError(
        f"`{shown(result.argv)}` failed (exit code {result.returncode})" + (f": {said}" if said else ""),
        exit_code=ExitCode.RUNTIME,
    )
