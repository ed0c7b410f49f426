"""stretchcoach benchmark: start-up, timer drift, step lateness, CPU, memory, scale, history.

    python bench/run.py            # about 3 minutes
    python bench/run.py --long     # adds the 10-minute drift run
    python bench/run.py --quick    # fewer repeats, for a smoke test

Every timing is a median of repeated runs, and start-up is a ratio against a
baseline measured in the same run, so figures from different machines compare.
Runs the `stretchcoach` installed next to this Python (install with
the second set-up command in the README first). Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_catalog, write_history

PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).parent / "stretchcoach")
BASELINE = [PYTHON, "-c", "import typer, rich.console, rich.table, yaml"]


@dataclass
class Result:
    name: str
    value: str
    target: str
    ok: bool


def timed(cmd: list[str], env: dict[str, str], repeats: int) -> float:
    """Median wall time of running ``cmd`` to completion."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup(env: dict[str, str], repeats: int) -> list[Result]:
    complete = env | {"_STRETCHCOACH_COMPLETE": "complete_bash", "COMP_WORDS": "stretchcoach show c", "COMP_CWORD": "2"}
    cases: list[tuple[str, list[str], dict[str, str]]] = [
        ("--help", [SCRIPT, "--help"], env),
        ("list", [SCRIPT, "list"], env),
        ("show cat-cow", [SCRIPT, "show", "cat-cow"], env),
        ("complete `show c`", [SCRIPT], complete),
    ]
    results = []
    # Interleave baseline and command runs so machine noise hits both alike.
    for name, cmd, case_env in cases:
        base, mine = [], []
        for _ in range(repeats):
            base.append(timed(BASELINE, env, 1))
            mine.append(timed(cmd, case_env, 1))
        ratio = statistics.median(mine) / statistics.median(base)
        results.append(
            Result(
                f"start-up: {name}",
                f"{ratio:.2f}× ({statistics.median(mine) * 1000:.0f} ms vs {statistics.median(base) * 1000:.0f} ms)",
                "≤ 1.15×",
                ratio <= 1.15,
            )
        )
    return results


DRIFT_OPTIONS = ["--hold", "10", "--reps", "1", "--prep", "2", "--rest", "2", "--switch", "2"]
LONG_OPTIONS = ["--hold", "100", "--reps", "16"]


def drift(env: dict[str, str], options: list[str], target: float) -> Result:
    """Wall time from the first step line to exit, minus the planned total."""
    plan = json.loads(
        subprocess.run(
            [SCRIPT, "routine", *options, "--plan", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    planned = plan["total_seconds"]
    cmd = [SCRIPT, "routine", "--yes", "--no-checkin", "--no-bell", "--plain", *options]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    first = None
    for line in proc.stdout:
        if first is None and line.startswith("[00:00]"):
            first = time.perf_counter()
    proc.wait()
    end = time.perf_counter()
    if first is None or proc.returncode != 0:
        raise SystemExit(f"the drift routine did not run (exit {proc.returncode})")
    late = (end - first) - planned
    return Result(
        f"timer drift over {planned} s",
        f"{late * 1000:+.0f} ms (start-up {(first - start) * 1000:.0f} ms not counted)",
        f"≤ {target * 1000:.0f} ms",
        abs(late) <= target,
    )


# Many short steps, each with a sound (cat-cow's breaths, the twist's turns), and about a minute long.
LATENESS_OPTIONS = ["--only", "cat-cow,seated-spinal-twist", "--reps", "3", "--prep", "2", "--rest", "2"]
SLEEPY_PLAYER = "#!/bin/sh\nexec sleep 5\n"  # plays nothing, and takes 5 s to do it


def lateness(env: dict[str, str], work: Path, target: float) -> Result:
    """How late each step's line comes against its planned start, with a player that sleeps 5 s for
    every sound, and, side by side in the same minute, with sounds off."""
    plan = json.loads(
        subprocess.run(
            [SCRIPT, "routine", *LATENESS_OPTIONS, "--plan", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    starts, at = [], 0
    for step in plan["steps"]:
        starts.append(at)
        at += step["seconds"]
    bin_dir = work / "sleepy-player"
    bin_dir.mkdir()
    (bin_dir / "pw-play").write_text(SLEEPY_PLAYER)
    (bin_dir / "pw-play").chmod(0o755)
    sleepy = env | {"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
    base = [SCRIPT, "routine", "--yes", "--no-checkin", "--plain", *LATENESS_OPTIONS]
    runs = {
        "sleepy": subprocess.Popen([*base, "--sound", "chime"], env=sleepy, stdout=subprocess.PIPE, text=True),
        "off": subprocess.Popen([*base, "--sound", "off"], env=env, stdout=subprocess.PIPE, text=True),
    }
    arrivals: dict[str, list[float]] = {name: [] for name in runs}
    streams = {proc.stdout.fileno(): name for name, proc in runs.items() if proc.stdout is not None}
    readers = {name: proc.stdout for name, proc in runs.items() if proc.stdout is not None}
    while streams:
        ready, _, _ = select.select(list(streams), [], [])
        for fd in ready:
            name = streams[fd]
            line = readers[name].readline()
            if not line:
                del streams[fd]
            elif line.startswith("[") and "seconds left" not in line:  # a step begins (not a note under it)
                arrivals[name].append(time.perf_counter())
    late: dict[str, float] = {}
    for name, proc in runs.items():
        if proc.wait() != 0 or len(arrivals[name]) != len(starts):
            raise SystemExit(f"the lateness routine ({name}) did not run: exit {proc.returncode}")
        first = arrivals[name][0]
        late[name] = max(t - first - start for t, start in zip(arrivals[name], starts, strict=True))
    return Result(
        f"step lateness, {len(starts)} steps",
        f"{late['sleepy'] * 1000:.1f} ms with a player sleeping 5 s a sound ({late['off'] * 1000:.1f} ms, sound off)",
        f"≤ {target * 1000:.0f} ms",
        late["sleepy"] <= target,
    )


def pty_routine(env: dict[str, str], seconds: int, measure_from: float) -> tuple[float, int]:
    """Run a routine with the live display in a pseudo-terminal.

    Returns (CPU seconds per wall second after ``measure_from`` seconds, peak RSS in KiB).
    """
    import fcntl
    import pty
    import struct
    import termios

    cmd = [SCRIPT, "routine", "--yes", "--no-checkin", "--no-bell", "--only", "childs-pose"]
    cmd += ["--prep", "0", "--hold", str(seconds)]
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec the routine on the pty
        os.execve(SCRIPT, cmd, env | {"TERM": "xterm-256color"})
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    start = time.perf_counter()
    cpu_start = wall_start = None
    cpu_used, wall = 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        now = time.perf_counter()
        if cpu_start is None and now - start >= measure_from:
            cpu_start, wall_start = cpu(), now
        if cpu_start is not None and wall_start is not None and now - wall_start >= seconds - measure_from - 1:
            cpu_used = cpu() - cpu_start
            wall = now - wall_start
            break
    _, _status, usage = os.wait4(pid, 0)
    os.close(fd)
    return cpu_used / wall, usage.ru_maxrss


def scale(env: dict[str, str], work: Path, repeats: int) -> list[Result]:
    """CLI times for growing catalogs (warm: the parsed catalog is cached after the first
    run; cold: that first run), and the growth of the work itself, measured in-process."""
    import shutil

    results = []
    growth: dict[int, float] = {}
    for count in (10, 100, 1000, 10000):
        path = write_catalog(work / f"catalog-{count}.yaml", count)
        shutil.rmtree(Path(env["STRETCHCOACH_HOME"]) / "cache", ignore_errors=True)
        cold = timed([SCRIPT, "--catalog", str(path), "show", f"stretch-{count // 2}"], env, 1)
        list_time = timed([SCRIPT, "--catalog", str(path), "list"], env, repeats)
        show_time = timed([SCRIPT, "--catalog", str(path), "show", f"stretch-{count // 2}"], env, repeats)
        growth[count] = _in_process(path)
        big = count == 10000
        results.append(
            Result(
                f"scale: {count:>5} stretches",
                f"list {list_time * 1000:.0f} ms, show {show_time * 1000:.0f} ms (first run {cold * 1000:.0f} ms)",
                "list ≤ 1 s, show ≤ 0.4 s" if big else "",
                not big or (list_time <= 1.0 and show_time <= 0.4),
            )
        )
    ratio = growth[10000] / growth[1000]
    results.append(
        Result(
            "scale: growth 1,000 → 10,000",
            f"{ratio:.1f}× ({growth[1000] * 1000:.0f} → {growth[10000] * 1000:.0f} ms to parse and list)",
            "≤ 12× (10× is linear)",
            ratio <= 12,
        )
    )
    return results


def _in_process(path: Path) -> float:
    """Best of three: parse ``path`` (no cache) and render its list, without process start-up."""
    import io

    from rich.console import Console

    from stretchcoach.catalog.assemble import load_catalog
    from stretchcoach.views import catalog as render

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        catalog = load_catalog(catalog_path=path, user_catalog=None, cache_dir=None)
        out = Console(file=io.StringIO(), width=100)
        header, lines = render.stretch_columns(catalog, out.width)
        out.print(header, style="bold", markup=False)
        out.file.write("\n".join(lines) + "\n")
        best = min(best, time.perf_counter() - start)
    return best


def history(env: dict[str, str], work: Path, repeats: int) -> Result:
    home = work / "history-home"
    write_history(home / "data" / "history.sqlite3", sessions=100_000)
    seconds = timed([SCRIPT, "history"], env | {"STRETCHCOACH_HOME": str(home)}, repeats)
    return Result("history: 100,000 sessions", f"{seconds * 1000:.0f} ms", "≤ 500 ms", seconds <= 0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--long", action="store_true", help="add the 10-minute drift run")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    if not Path(SCRIPT).exists():
        print(f"no stretchcoach next to {PYTHON}: install the test environment first (README, Set-up)", file=sys.stderr)
        return 2
    # Time the package as pip installs it: with its bytecode compiled (an editable
    # install under PYTHONDONTWRITEBYTECODE would recompile every module on every run).
    import compileall

    import stretchcoach

    compileall.compile_dir(str(Path(stretchcoach.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory(prefix="stretchcoach-bench-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COLUMNS", "LINES"))}
        env |= {"STRETCHCOACH_HOME": str(work / "home"), "TERM": "dumb"}
        steps: list[Callable[[], list[Result]]] = [
            lambda: startup(env, repeats),
            lambda: [drift(env, DRIFT_OPTIONS, 0.1)],
            lambda: [lateness(env, work, 0.01)],
            lambda: _live(env),
            lambda: scale(env, work, max(3, repeats // 3)),
            lambda: [history(env, work, max(3, repeats // 3))],
        ]
        if args.long:
            steps.append(lambda: [drift(env, LONG_OPTIONS, 0.2)])
        results: list[Result] = []
        for step in steps:
            for result in step():
                results.append(result)
                mark = "ok  " if result.ok else "MISS"
                print(f"{mark} {result.name:<34} {result.value:<52} {result.target}", flush=True)
    cpu = platform.processor() or platform.machine()
    print(f"\n{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {cpu}")
    missed = [r for r in results if not r.ok]
    print(f"{len(results) - len(missed)} of {len(results)} targets met")
    return 1 if missed else 0


def _live(env: dict[str, str]) -> list[Result]:
    share, peak = pty_routine(env, seconds=30, measure_from=4)  # child's pose: at least 30 s
    return [
        Result("CPU while a routine runs (pty)", f"{share * 100:.2f} % of a core", "≤ 0.5 %", share <= 0.005),
        Result("peak memory of a routine", f"{peak / 1024:.1f} MiB", "≤ 30 MiB", peak / 1024 <= 30),
    ]


if __name__ == "__main__":
    sys.exit(main())
