"""stretchcoach benchmark: start-up, step lateness, a live routine against termdown, history, large catalogs.

    python bench/run.py            # about six minutes
    python bench/run.py --quick    # fewer repeats and smaller inputs: a smoke run
    python bench/run.py --long     # adds a 10-minute routine's step lateness
    python bench/run.py --readme   # and writes the results into README.md's Performance table

Every ratio is the median of per-pair ratios of alternated runs (A B A B ...),
so that machine noise falls on both sides alike; start-up is given against the
floor, ``python -c "import typer, rich.console, rich.table, yaml"``, and against
``python -c pass``. CPU and peak memory come from the kernel (wait4, /proc).
Runs the ``stretchcoach`` installed next to this Python. Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import children
import lateness

PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).parent / "stretchcoach")
PASS = [PYTHON, "-c", "pass"]
FLOOR = [PYTHON, "-c", "import typer, rich.console, rich.table, yaml"]
README = Path(__file__).resolve().parent.parent / "README.md"
GENERATE = Path(__file__).resolve().parent / "generate.py"
INSTALL_TERMDOWN = "pip install --require-hashes -r requirements/bench.txt"

# Every target, in one place: (limit, unit). A measurement at or under its limit meets it.
TARGETS: dict[str, tuple[float, str]] = {
    "start-up: list": (0.85, "× floor"),
    "start-up: show cat-cow": (1.0, "× floor"),
    "start-up: routine --plan": (1.0, "× floor"),
    "start-up: --help": (0.8, "× floor"),
    "start-up: completing show c": (0.8, "× floor"),
    "step lateness, sleepy player": (10, "ms"),
    "live routine: CPU": (1.0, "× termdown"),
    "live routine: peak memory": (1.0, "× termdown"),
    "history, all time": (0.5, "s"),
    "history, all time: memory": (50, "MiB"),
    "catalog 10,000: first run": (1.0, "s"),
    "catalog 10,000: memory": (100, "MiB"),
    "catalog growth 10k → 100k": (1.05, "exponent"),
}

# Why a target is hard to meet, said under the table when it is missed.
REASONS: dict[str, str] = {
    "catalog 10,000: first run": (
        "a first run reads the whole YAML file, line by line, and builds and checks 10,000 stretches in"
        " Python, about half the time each; every later run reads the cache"
    ),
    "start-up: show cat-cow": (
        "`show` lays out its card itself but still draws the Safety panel with Rich, and builds the"
        " catalog's objects as well"
    ),
}


@dataclass
class Result:
    name: str  # a key of TARGETS, or a figure reported without a target
    value: float | None  # compared with the target; None: not measured
    shown: str  # the measurement in words and numbers

    @property
    def target(self) -> str:
        if self.name not in TARGETS:
            return ""
        limit, unit = TARGETS[self.name]
        return f"≤ {limit:g} {unit}".replace(" ×", "×")

    @property
    def verdict(self) -> str:
        if self.name not in TARGETS:
            return ""
        if self.value is None:
            return "not measured"
        return "met" if self.value <= TARGETS[self.name][0] else "missed"


def write_catalog(path: Path, count: int, *, compact: bool = False) -> Path:
    """A generated catalog (bench/generate.py), made in a child process: see :func:`generate.main`."""
    flags = ["--compact"] if compact else []
    subprocess.run([PYTHON, str(GENERATE), "catalog", str(path), str(count), *flags], check=True)
    return path


def write_history(path: Path, *, sessions: int) -> Path:
    subprocess.run([PYTHON, str(GENERATE), "history", str(path), str(sessions)], check=True)
    return path


# -- start-up ------------------------------------------------------------------------------------------------


def startup(env: dict[str, str], repeats: int) -> list[Result]:
    """Each command against the floor and against ``python -c pass``, in alternated triples."""
    complete = env | {"_STRETCHCOACH_COMPLETE": "complete_bash", "COMP_WORDS": "stretchcoach show c", "COMP_CWORD": "2"}
    cases = {
        "list": ([SCRIPT, "list"], env),
        "show cat-cow": ([SCRIPT, "show", "cat-cow"], env),
        "routine --plan": ([SCRIPT, "routine", "--plan"], env),
        "--help": ([SCRIPT, "--help"], env),
        "completing show c": ([SCRIPT], complete),
    }
    floors: list[float] = []
    results = []
    for name, (cmd, case_env) in cases.items():
        vs_floor, vs_pass = [], []
        for i in range(repeats):
            order = [PASS, FLOOR, cmd] if i % 2 else [cmd, FLOOR, PASS]  # alternate who goes first
            times = {tuple(c): children.run_ok(c, case_env if c is cmd else env).wall for c in order}
            mine, floor, bare = times[tuple(cmd)], times[tuple(FLOOR)], times[tuple(PASS)]
            vs_floor.append(mine / floor)
            vs_pass.append(mine / bare)
            floors.append(floor / bare)
        ratio = statistics.median(vs_floor)
        digits = 3 if round(ratio, 2) == TARGETS[f"start-up: {name}"][0] else 2  # a miss by less than 0.005 shows
        shown = f"{ratio:.{digits}f}× the floor, {statistics.median(vs_pass):.1f}× python -c pass"
        results.append(Result(f"start-up: {name}", ratio, shown))
    floor = statistics.median(floors)
    results.insert(0, Result("start-up: the floor", floor, f"{floor:.1f}× python -c pass"))
    return results


# -- the routine's timer -------------------------------------------------------------------------------------


def step_lateness(env: dict[str, str], work: Path, options: list[str]) -> list[Result]:
    """Lateness of every step, live and plain, with a player that sleeps 5 s a sound and with sound off."""
    sleepy = lateness.sleepy_path(work, env) | {"STRETCHCOACH_SOUND": "chime"}
    off = env | {"STRETCHCOACH_SOUND": "off"}
    runs = {"live": (sleepy, True), "plain": (sleepy, False), "live, off": (off, True), "plain, off": (off, False)}
    got = lateness.measure(SCRIPT, runs, options)
    worst = max(got["live"].worst, got["plain"].worst)
    steps = got["live"].steps
    return [
        Result(
            "step lateness, sleepy player",
            worst * 1000,
            f"live {got['live'].worst * 1000:.1f} ms, plain {got['plain'].worst * 1000:.1f} ms"
            f" (sound off: {got['live, off'].worst * 1000:.1f} / {got['plain, off'].worst * 1000:.1f} ms),"
            f" worst of {steps} steps",
        ),
        Result(
            "teardown after the last step",
            None,
            f"live {got['live'].teardown * 1000:.0f} ms, plain {got['plain'].teardown * 1000:.0f} ms"
            f" (sound off: {got['live, off'].teardown * 1000:.0f} / {got['plain, off'].teardown * 1000:.0f} ms)",
        ),
    ]


def live_against_termdown(env: dict[str, str], seconds: int) -> list[Result]:
    """CPU per second and peak memory of a live routine (big digits, 80×24) and of termdown, same length."""
    routine = [SCRIPT, "routine", "--yes", "--no-checkin", "--sound", "off", "--only", "childs-pose"]
    routine += ["--prep", "0", "--hold", str(seconds)]  # child's pose: held at least 30 s
    pty_env = env | {"TERM": "xterm-256color"}
    mine = children.in_pty(routine, pty_env, seconds=seconds, settle=4)
    termdown = shutil.which("termdown", path=f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}")
    if termdown is None:
        note = f"termdown not installed ({INSTALL_TERMDOWN}, the bench extra)"
        return [
            Result("live routine: CPU", None, f"{mine.cpu_share * 100:.2f} % of a core; {note}"),
            Result("live routine: peak memory", None, f"{mine.peak_mib:.1f} MiB; {note}"),
        ]
    theirs = children.in_pty([termdown, "--no-bell", str(seconds)], pty_env, seconds=seconds, settle=4)
    cpu = mine.cpu_share / theirs.cpu_share if theirs.cpu_share else math.inf
    return [
        Result(
            "live routine: CPU",
            cpu,
            f"{mine.cpu_share * 100:.2f} % of a core, termdown {theirs.cpu_share * 100:.2f} % ({cpu:.2f}×)",
        ),
        Result(
            "live routine: peak memory",
            mine.peak_mib / theirs.peak_mib,
            f"{mine.peak_mib:.1f} MiB, termdown {theirs.peak_mib:.1f} MiB ({mine.peak_mib / theirs.peak_mib:.2f}×)",
        ),
    ]


# -- history -------------------------------------------------------------------------------------------------


def history(env: dict[str, str], work: Path, repeats: int, sessions: int) -> list[Result]:
    """The whole history (`--days 36500`) as a table, as JSON and as CSV: slowest time and largest memory."""
    home = work / "history-home"
    write_history(home / "data" / "history.sqlite3", sessions=sessions)
    history_env = env | {"STRETCHCOACH_HOME": str(home)}
    walls, peaks, parts = [], [], []
    for flag in ("", "--json", "--csv"):
        cmd = [SCRIPT, "history", "--days", "36500", *([flag] if flag else [])]
        runs = [children.run_ok(cmd, history_env) for _ in range(repeats)]
        wall, peak = statistics.median(r.wall for r in runs), max(r.peak_mib for r in runs)
        walls.append(wall)
        peaks.append(peak)
        parts.append(f"{flag or 'table'} {wall * 1000:.0f} ms / {peak:.0f} MiB")
    label = f"{sessions:,} sessions: " + ", ".join(parts)
    return [
        Result("history, all time", max(walls), label),
        Result("history, all time: memory", max(peaks), f"largest {max(peaks):.0f} MiB"),
    ]


# -- large catalogs ------------------------------------------------------------------------------------------


def catalog_10k(env: dict[str, str], work: Path, repeats: int) -> list[Result]:
    """A 10,000-stretch catalog: the first run (parsed, then cached), warm `list` and `show`, and `validate`."""
    path = write_catalog(work / "catalog-10000.yaml", 10_000)
    cache = Path(env["STRETCHCOACH_HOME"]) / "cache"
    firsts = []
    for _ in range(max(1, repeats // 2)):
        shutil.rmtree(cache, ignore_errors=True)
        firsts.append(children.run_ok([SCRIPT, "--catalog", str(path), "show", "stretch-5000"], env))
    first = min(firsts, key=lambda r: r.wall)
    warm_list = statistics.median(
        children.run_ok([SCRIPT, "--catalog", str(path), "list"], env).wall for _ in range(repeats)
    )
    warm_show = statistics.median(
        children.run_ok([SCRIPT, "--catalog", str(path), "show", "stretch-5000"], env).wall for _ in range(repeats)
    )
    shutil.rmtree(cache, ignore_errors=True)
    validate_cold = children.run_ok([SCRIPT, "validate", str(path)], env)
    validate_warm = children.run_ok([SCRIPT, "validate", str(path)], env)
    return [
        Result(
            "catalog 10,000: first run",
            first.wall,
            f"{first.wall:.2f} s (then list {warm_list * 1000:.0f} ms, show {warm_show * 1000:.0f} ms, from the cache)",
        ),
        Result("catalog 10,000: memory", max(r.peak_mib for r in firsts), f"{first.peak_mib:.0f} MiB, first run"),
        Result(
            "validate, 10,000 stretches",
            None,
            f"{validate_cold.wall:.2f} s first, {validate_warm.wall * 1000:.0f} ms again;"
            f" {validate_cold.peak_mib:.0f} MiB",
        ),
    ]


LOAD_TIME = """
import sys, time
from pathlib import Path
from stretchcoach.catalog.assemble import load_catalog
path, cache = Path(sys.argv[1]), Path(sys.argv[2])
load_catalog(catalog_path=path, user_catalog=None, cache_dir=cache)  # parsed and cached, if it was not
start = time.perf_counter()
catalog = load_catalog(catalog_path=path, user_catalog=None, cache_dir=cache)
print(time.perf_counter() - start)  # the load alone: the catalog is freed after the clock stops
"""


def catalog_growth(env: dict[str, str], work: Path, sizes: tuple[int, int], repeats: int) -> list[Result]:
    """Warm loading of compact catalogs of two sizes, each in a fresh process, the sizes alternated pair by
    pair: the growth exponent from the median of the pairs' ratios; and the CLI on each."""
    small, large = sizes
    paths, caches, lines = {}, {}, []
    for count in sizes:
        paths[count] = write_catalog(work / f"compact-{count}.yaml", count, compact=True)
        caches[count] = work / f"cache-{count}"
    runs: dict[int, list[children.Ran]] = {count: [] for count in sizes}
    for count in sizes:  # first run (parsed and cached), then from the cache
        cmd = [SCRIPT, "--catalog", str(paths[count]), "show", "stretch-5"]
        runs[count] = [children.run_ok(cmd, env | _cache_home(caches[count])) for _ in range(2)]

    def load_time(count: int) -> float:
        cache = caches[count] / "cache"
        cmd = [PYTHON, "-c", LOAD_TIME, str(paths[count]), str(cache)]
        return float(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout)

    loads: dict[int, list[float]] = {count: [] for count in sizes}
    ratios = []
    for i in range(repeats):
        pair = {count: load_time(count) for count in (sizes if i % 2 else sizes[::-1])}
        for count, seconds in pair.items():
            loads[count].append(seconds)
        ratios.append(pair[large] / pair[small])
    for count in sizes:
        cold, warm = runs[count]
        lines.append(
            f"{count:,}: first run {cold.wall:.2f} s / {cold.peak_mib:.0f} MiB,"
            f" then {warm.wall * 1000:.0f} ms / {warm.peak_mib:.0f} MiB"
            f" (loading {statistics.median(loads[count]) * 1000:.0f} ms)"
        )
    exponent = math.log(statistics.median(ratios)) / math.log(large / small)
    return [
        Result(
            f"catalog growth {small // 1000}k → {large // 1000}k",
            exponent,
            f"exponent {exponent:.2f} on the warm path (1.00 is linear); " + "; ".join(lines),
        )
    ]


GROWTH, GROWTH_QUICK = (10_000, 100_000), (5_000, 20_000)  # compact: 5,000 is over the cached size


def _cache_home(cache: Path) -> dict[str, str]:
    return {"STRETCHCOACH_HOME": str(cache)}


# -- the report ----------------------------------------------------------------------------------------------


def machine() -> str:
    return (
        f"{platform.system()}, {platform.python_implementation()} {platform.python_version()},"
        f" {os.cpu_count()} cores, {platform.machine()}"
    )


def table(results: list[Result]) -> str:
    rows = ["| what | measured | target | |", "| --- | --- | --- | --- |"]
    for r in results:
        verdict = f"**{r.verdict}**" if r.verdict in ("missed", "not measured") else r.verdict
        rows.append(f"| {r.name} | {r.shown} | {r.target} | {verdict} |")
    return "\n".join(rows)


def misses_in_words(results: list[Result]) -> str:
    missed = [r for r in results if r.verdict in ("missed", "not measured")]
    if not missed:
        return "Every target was met in this run."
    lines = ["Missed in this run:", ""]
    for r in missed:
        if r.verdict == "not measured":
            lines.append(f"- **{r.name}**: not measured ({r.shown}).")
        else:
            why = f" Why: {REASONS[r.name]}." if r.name in REASONS else ""
            lines.append(f"- **{r.name}**: {r.shown}; the target is {r.target}.{why}")
    return "\n".join(lines)


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_readme(results: list[Result]) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"bench: README.md has no {START} … {END} markers to write between")
    body = f"Figures from one run ({machine()}):\n\n{table(results)}\n\n{misses_in_words(results)}\n"
    text = re.sub(f"{re.escape(START)}.*?{re.escape(END)}", lambda _: f"{START}\n{body}{END}", text, flags=re.S)
    README.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller inputs: a smoke run")
    parser.add_argument("--long", action="store_true", help="add a 10-minute routine's step lateness")
    parser.add_argument("--readme", action="store_true", help="write the results into README.md's Performance table")
    args = parser.parse_args()
    if args.quick and args.readme:
        parser.error("--readme takes a full run, not --quick")
    repeats = 5 if args.quick else 15
    if not Path(SCRIPT).exists():
        print(f"no stretchcoach next to {PYTHON}: install the test environment first (README, Set-up)", file=sys.stderr)
        return 2
    # Time the package as pip installs it: with its bytecode compiled (an editable
    # install under PYTHONDONTWRITEBYTECODE would recompile every module on every run).
    # In a child: this process stays small, as its size at each start counts in a child's peak.
    compile_package = (
        "import compileall, pathlib, stretchcoach;"
        " compileall.compile_dir(pathlib.Path(stretchcoach.__file__).parent, quiet=1)"
    )
    subprocess.run([PYTHON, "-c", compile_package], check=True)
    with tempfile.TemporaryDirectory(prefix="stretchcoach-bench-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COLUMNS", "LINES", "STRETCHCOACH_"))}
        env |= {"STRETCHCOACH_HOME": str(work / "home"), "TERM": "dumb"}
        steps: list[Callable[[], list[Result]]] = [
            lambda: startup(env, repeats),
            lambda: step_lateness(env, work, lateness.OPTIONS),
            lambda: live_against_termdown(env, 30),
            lambda: history(env, work, 1 if args.quick else 3, 10_000 if args.quick else 100_000),
            lambda: catalog_10k(env, work, 2 if args.quick else 5),
            lambda: catalog_growth(env, work, GROWTH_QUICK if args.quick else GROWTH, 1 if args.quick else 5),
        ]
        if args.long:
            steps.append(lambda: step_lateness(env, work, lateness.LONG_OPTIONS))
        results: list[Result] = []
        for step in steps:
            for result in step():
                results.append(result)
                mark = {"met": "ok  ", "missed": "MISS", "not measured": "SKIP"}.get(result.verdict, "    ")
                print(f"{mark} {result.name:<30} {result.target:<14} {result.shown}", flush=True)
    print(f"\n{machine()}")
    missed = [r for r in results if r.verdict == "missed"]
    print(f"{sum(r.verdict == 'met' for r in results)} of {sum(r.name in TARGETS for r in results)} targets met")
    if args.quick:
        print("(--quick: smaller inputs; the catalog growth is 5k → 20k and history 10,000 sessions)")
    if args.readme:
        write_readme(results)
        print(f"wrote {README}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
