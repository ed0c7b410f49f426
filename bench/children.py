"""Running the programs the benchmark measures: wall time, CPU and peak memory, without /usr/bin/time.

CPU and peak memory come from the kernel through ``os.wait4`` (the child's own
rusage) and, while a child runs, from ``/proc/PID/stat``.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    """One finished child: wall seconds, CPU seconds (user + system), peak resident memory in MiB."""

    wall: float
    cpu: float
    peak_mib: float
    status: int


def run(cmd: list[str], env: dict[str, str], *, stdin: int | None = subprocess.DEVNULL) -> Ran:
    """Run ``cmd`` to its end, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
    return Ran(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def run_ok(cmd: list[str], env: dict[str, str]) -> Ran:
    ran = run(cmd, env)
    if ran.status != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} exited with {ran.status}")
    return ran


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Steady:
    """A program in a pseudo-terminal: CPU per wall second once settled, and its peak memory."""

    cpu_share: float
    peak_mib: float


def in_pty(
    cmd: list[str],
    env: dict[str, str],
    *,
    seconds: float,
    settle: float,
    size: tuple[int, int] = (24, 80),
    on_output: Callable[[bytes], None] | None = None,
) -> Steady:
    """Run ``cmd`` in a pseudo-terminal of ``size`` (rows, columns) for about ``seconds``.

    CPU is counted from ``settle`` seconds in (start-up is not the steady cost) to a
    second before the end; the program is then left to finish, or ended after
    ``seconds`` + 5 s. Peak memory is over its whole life.
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the program, on the pty
        try:
            os.execvpe(cmd[0], cmd, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    os.kill(pid, signal.SIGWINCH)
    start = time.perf_counter()
    first: tuple[float, float] | None = None  # (CPU, wall) when counting began
    share = 0.0
    while True:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            if on_output is not None:
                on_output(chunk)
        now = time.perf_counter()
        if first is None and now - start >= settle:
            first = (cpu_seconds(pid), now)
        if first is not None and now - start >= seconds - 1 and not share:
            share = (cpu_seconds(pid) - first[0]) / (now - first[1])
        if now - start >= seconds + 5:
            os.kill(pid, signal.SIGTERM)
            break
    _, status, usage = os.wait4(pid, 0)
    os.close(fd)
    if os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM):
        raise SystemExit(f"bench: {' '.join(cmd)} exited with {os.waitstatus_to_exitcode(status)}")
    return Steady(share, usage.ru_maxrss / 1024)
