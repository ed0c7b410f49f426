"""Step lateness: how late each step of a routine starts against its plan, live (in a pty) and plain.

Each step's start is taken from an ``--on-step`` hook, which writes the step into
a FIFO this process reads, so the live screen and the plain lines are measured
the same way (a hook is started as its step begins: its own start-up, about a
millisecond, is counted as lateness). Lateness is counted from the step that
came most nearly on time, so start-up is not counted, and a first step that came
late cannot make the others look early; the routine's end, from its last
deadline to the process's exit (the summary, closing the history), is reported
on its own as teardown, not as lateness.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Many short steps, each with a sound (cat-cow's breaths, the twist's turns), about a minute long.
OPTIONS = ["--only", "cat-cow,seated-spinal-twist", "--reps", "3", "--prep", "2", "--rest", "2"]
LONG_OPTIONS = ["--hold", "100", "--reps", "16", "--prep", "5", "--rest", "5"]  # about 10 minutes
SLEEPY_PLAYER = "#!/bin/sh\nexec sleep 5\n"  # plays nothing, and takes 5 s to do it
# The routines run side by side, each started this long after the one before: started together, all
# four would wake at the same instants, four processes (and their hooks and players) on two cores, and
# the queueing would be counted as lateness.
STAGGER = 0.25


@dataclass(frozen=True)
class Lateness:
    steps: int
    worst: float  # seconds: the latest step, against its planned start
    teardown: float  # seconds from the last deadline to the exit


@dataclass
class _Run:
    pid: int
    fifo: int
    pty: int | None
    arrivals: dict[int, float]
    exited: float | None = None
    buffer: bytes = b""


def sleepy_path(work: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` with a sound player first on PATH that sleeps 5 s for every sound."""
    bin_dir = work / "sleepy-player"
    bin_dir.mkdir(exist_ok=True)
    player = bin_dir / "pw-play"
    player.write_text(SLEEPY_PLAYER)
    player.chmod(0o755)
    return env | {"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}


def planned_starts(script: str, env: dict[str, str], options: list[str]) -> tuple[list[int], int]:
    """Each step's planned start, in seconds from the first, and the routine's total."""
    plan = json.loads(
        subprocess.run(
            [script, "routine", *options, "--plan", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    starts, at = [], 0
    for step in plan["steps"]:
        starts.append(at)
        at += step["seconds"]
    return starts, plan["total_seconds"]


def measure(script: str, runs: dict[str, tuple[dict[str, str], bool]], options: list[str]) -> dict[str, Lateness]:
    """Run one routine per entry of ``runs`` (name: (environment, live?)) side by side, in the same minute."""
    first_env = next(iter(runs.values()))[0]
    starts, total = planned_starts(script, first_env, options)
    with tempfile.TemporaryDirectory(prefix="stretchcoach-steps-") as tmp:
        running: dict[str, _Run] = {}
        starting: list[_Start] = []
        for number, (name, (env, live)) in enumerate(runs.items()):
            fifo_path = Path(tmp) / f"steps-{number}.fifo"  # a name the hook's command line splits as one word
            os.mkfifo(fifo_path)
            fifo = os.open(fifo_path, os.O_RDWR | os.O_NONBLOCK)  # read-write: never at EOF between hooks
            cmd = [script, "routine", "--yes", "--no-checkin", *options]
            cmd += ["--on-step", f"dd of={fifo_path} status=none"]
            if not live:
                cmd.append("--plain")
            starting.append((number * STAGGER, name, cmd, env, fifo, live))
        _follow(running, starting)
    results = {}
    for name, run in running.items():
        if len(run.arrivals) != len(starts) or run.exited is None:
            raise SystemExit(f"bench: the lateness routine ({name}) did not run every step")
        # When each step came against its plan, from the step that came most nearly on time: a first
        # step that came late (the routines all starting at once) cannot make the others look early.
        offsets = [run.arrivals[i] - start for i, start in enumerate(starts)]
        base = min(offsets)
        results[name] = Lateness(len(starts), max(offsets) - base, run.exited - (base + total))
    return results


def _start(cmd: list[str], env: dict[str, str], fifo: int, *, live: bool) -> _Run:
    if not live:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        return _Run(proc.pid, fifo, None, {})
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(cmd[0], cmd, env | {"TERM": "xterm-256color"})
        finally:
            os._exit(127)
    return _Run(pid, fifo, fd, {})


# A run to start: (seconds from the first start, name, command, environment, FIFO, live?).
_Start = tuple[float, str, list[str], dict[str, str], int, bool]


def _follow(running: dict[str, _Run], starting: list[_Start]) -> None:
    """Start each run when its time comes (seconds from now), read every run's steps as they start,
    and drain its terminal, until all have exited."""
    begin = time.perf_counter()
    while starting or any(run.exited is None for run in running.values()):
        while starting and time.perf_counter() - begin >= starting[0][0]:
            _, name, cmd, env, fifo, live = starting.pop(0)
            running[name] = _start(cmd, env, fifo, live=live)
        fds = [run.fifo for run in running.values()] + [run.pty for run in running.values() if run.pty is not None]
        wait = 0.05 if not starting else min(0.05, max(0.0, begin + starting[0][0] - time.perf_counter()))
        ready, _, _ = select.select(fds, [], [], wait)
        now = time.perf_counter()
        for run in running.values():
            if run.fifo in ready:
                run.buffer += os.read(run.fifo, 65536)
                *lines, run.buffer = run.buffer.split(b"\n")
                for line in lines:
                    run.arrivals.setdefault(json.loads(line)["index"], now)
            if run.pty is not None and run.pty in ready:
                try:
                    os.read(run.pty, 65536)
                except OSError:
                    os.close(run.pty)
                    run.pty = None
            if run.exited is None and os.waitpid(run.pid, os.WNOHANG)[0] == run.pid:
                run.exited = now
    for run in running.values():
        os.close(run.fifo)
        if run.pty is not None:
            os.close(run.pty)
