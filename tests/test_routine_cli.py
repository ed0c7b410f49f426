"""The `routine` command: the plan it prints, the errors it gives, and a real timed run."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stretchcoach.cli import app

from helpers import WIDE, flat, rows, use_quick_holds

runner = CliRunner()
CLOCK = re.compile(r"\d+:\d\d")


# -- --plan -------------------------------------------------------------------------------------


def test_plan_prints_the_steps_and_the_total() -> None:
    result = runner.invoke(app, ["routine", "--plan"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    text = flat(result.stdout)
    assert text.startswith("Back relief: 31 steps Start Stretch Step Time 0:00 ")
    assert text.endswith(" Total 4 min 13 s (2 min 58 s stretching)")
    table = rows(result.stdout)
    assert table[0] == ["Start", "Stretch", "Step", "Time"]
    assert len(table) == 1 + 31  # a row a step
    # The stretch is named on its first step only.
    assert table[1:7] == [
        ["0:00", "Supine hip flexor stretch", "Get ready", "10 s"],
        ["0:10", "Left side", "30 s"],
        ["0:40", "Switch sides", "5 s"],
        ["0:45", "Right side", "30 s"],
        ["1:15", "Rest", "10 s"],
        ["1:25", "Child's pose", "Get ready", "10 s"],
    ]
    assert ["2:25", "Round 1 of 6: Inhale — arch your back and look up to the ceiling", "4 s"] in table
    assert table[-8] == ["3:33", "Round 1 of 4: Twist to the left", "5 s"]
    assert table[-1] == ["4:08", "Round 4 of 4: Twist to the right", "5 s"]


def test_plan_fits_the_terminal() -> None:
    result = runner.invoke(app, ["routine", "--plan"])  # 100 columns: the long cues wrap in their cell
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 100 for line in result.stdout.splitlines())
    text = flat(result.stdout)
    assert text.startswith("Back relief: 31 steps ")
    assert text.endswith(" Total 4 min 13 s (2 min 58 s stretching)")
    starts = [row[0] for row in rows(result.stdout) if CLOCK.fullmatch(row[0])]  # start times never wrap
    assert (len(starts), starts[0], starts[-1]) == (31, "0:00", "4:08")


def test_plan_json_parses_and_adds_up() -> None:
    result = runner.invoke(app, ["routine", "--plan", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["routine"] == "back-relief"
    assert len(data["steps"]) == 31
    assert data["total_seconds"] == sum(step["seconds"] for step in data["steps"]) == 253
    assert data["changes"] == []
    assert set(data["steps"][0]) >= {"kind", "stretch", "side", "rep", "seconds", "cue"}


def test_plan_json_with_options() -> None:
    args = ["routine", "back-relief", "--plan", "--json", "--only", "childs-pose", "--hold", "1m", "--prep", "5s"]
    data = json.loads(runner.invoke(app, args).stdout)
    assert [(s["kind"], s["seconds"]) for s in data["steps"]] == [("prep", 5), ("hold", 60)]
    assert data["total_seconds"] == 65


def test_only_one_stretch() -> None:
    result = runner.invoke(app, ["routine", "--only", "cat-cow", "--plan"])
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert text.startswith("Back relief: 13 steps ")
    assert "Cat-cow pose" in text
    assert "Child's pose" not in text
    assert text.endswith(" Total 58 s (48 s stretching)")


def test_minutes_lists_what_changed() -> None:
    result = runner.invoke(app, ["routine", "--minutes", "5", "--plan"])
    assert result.exit_code == 0, result.output
    assert "• fitted to 5 min: 4 min 46 s in all" in result.stdout  # never more than asked
    assert "• Supine hip flexor stretch: hold 30 s → 35 s" in result.stdout
    assert "• Cat-cow pose: 6 → 7 rounds" in result.stdout


# -- usage errors -----------------------------------------------------------------------------


def test_json_without_plan_is_a_usage_error() -> None:
    result = runner.invoke(app, ["routine", "--json"])
    assert result.exit_code == 2
    assert "--json goes with --plan" in flat(result.stderr)
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["0", "abc", "-5", "61m", "1.5"])
def test_bad_hold_values(value: str) -> None:
    result = runner.invoke(app, ["routine", "--plan", "--hold", value])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"stretchcoach: --hold: expected a duration from 1 s to 60 min, such as 30, 45s or 1m30s; got '{value}'\n"
    )


@pytest.mark.parametrize("option", ["--prep", "--rest", "--switch"])
def test_bad_gap_values(option: str) -> None:
    result = runner.invoke(app, ["routine", "--plan", option, "-1"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"stretchcoach: {option}: expected a duration from 0 s to 60 min, such as 30, 45s or 1m30s; got '-1'\n"
    )


def test_zero_gaps_are_allowed() -> None:
    result = runner.invoke(app, ["routine", "--plan", "--json", "--prep", "0", "--rest", "0s", "--switch", "0"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_seconds"] == 178


@pytest.mark.parametrize("value", ["0", "101", "x", "1.5", "٣", "9" * 5000])
def test_bad_reps(value: str) -> None:
    result = runner.invoke(app, ["routine", "--plan", "--reps", value])
    assert result.exit_code == 2
    assert result.stderr == f"stretchcoach: --reps: expected a whole number from 1 to 100; got {value!r}\n"


def test_unknown_routine_suggests_the_closest() -> None:
    result = runner.invoke(app, ["routine", "back-relif", "--plan"])
    assert result.exit_code == 2
    assert result.stderr == "stretchcoach: no routine 'back-relif'; did you mean 'back-relief'?\n"
    assert result.stdout == ""


def test_unknown_stretch_in_only() -> None:
    result = runner.invoke(app, ["routine", "--only", "cat-cow,child-pose", "--plan"])
    assert result.exit_code == 2
    assert result.stderr == (
        "stretchcoach: --only: routine 'back-relief' has no stretch 'child-pose'; did you mean 'childs-pose'?\n"
    )


def test_skipping_everything() -> None:
    result = runner.invoke(
        app, ["routine", "--skip", "supine-hip-flexor,childs-pose,cat-cow,seated-spinal-twist", "--plan"]
    )
    assert result.exit_code == 2
    assert result.stderr == "stretchcoach: --only/--skip leave nothing of routine 'back-relief' to do\n"


def test_minutes_that_cannot_fit() -> None:
    result = runner.invoke(app, ["routine", "--minutes", "2", "--plan"])
    assert result.exit_code == 2
    assert result.stderr == (
        "stretchcoach: --minutes: routine 'back-relief' cannot fit in 2 min; the shortest it can be is 2 min 49 s, "
        "with holds at their least and rounds, rest and get-ready cut (--only or --skip leave stretches out)\n"
    )


def test_a_hold_below_the_articles_minimum_is_refused() -> None:
    result = runner.invoke(app, ["routine", "--hold", "20", "--plan"])
    assert result.exit_code == 2
    assert result.stderr == (
        "stretchcoach: --hold 20 s: Supine hip flexor stretch is held for at least 30 s; give 30 s or more\n"
    )


@pytest.mark.parametrize("value", ["0.1", "121", "nan", "inf", "three"])
def test_minutes_out_of_range(value: str) -> None:
    result = runner.invoke(app, ["routine", "--minutes", value, "--plan"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"stretchcoach: --minutes: expected a number of minutes from 0.5 to 120, such as 3 or 4.5; got '{value}'\n"
    )


# -- a real run, in a subprocess without a terminal ------------------------------------------------------

STEP_LINE = re.compile(r"^\[(\d\d):(\d\d)\] (.+)$")
QUICK = ["--hold", "1", "--reps", "1", "--prep", "0", "--rest", "0", "--switch", "0"]


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(STRETCHCOACH_HOME=str(home), COLUMNS="80", TERM="xterm-256color", PYTHONIOENCODING="utf-8")
    for name in ("PYTHONUNBUFFERED", "ACCESSIBLE", "NO_COLOR", "FORCE_COLOR", "STRETCHCOACH_DEBUG"):
        env.pop(name, None)
    return env


def start(args: list[str], home: Path) -> subprocess.Popen[bytes]:
    use_quick_holds(home)
    return subprocess.Popen(
        [sys.executable, "-m", "stretchcoach", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(home),
        start_new_session=True,  # a signal we send reaches only this process
    )


def read_lines_until(process: subprocess.Popen[bytes], pattern: re.Pattern[str], timeout: float) -> list[str]:
    """Lines of stdout as they arrive, up to and including the first that matches."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.05)
        if not ready:
            continue
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            lines.append(line.decode())
            if pattern.search(lines[-1]):
                return lines
    raise AssertionError(f"no line matching {pattern.pattern!r} within {timeout} s; got {lines}")


@pytest.fixture(scope="module")
def startup_seconds(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long Python takes to start stretchcoach and exit, on this machine, now."""
    env = child_env(tmp_path_factory.mktemp("startup"))
    best = float("inf")
    for _ in range(3):
        begun = time.monotonic()
        subprocess.run([sys.executable, "-m", "stretchcoach", "--version"], check=True, capture_output=True, env=env)
        best = min(best, time.monotonic() - begun)
    return best


def test_a_real_run_without_a_terminal(tmp_path: Path, startup_seconds: float) -> None:
    args = ["routine", *QUICK, "--only", "supine-hip-flexor,childs-pose"]
    begun = time.monotonic()
    process = start(args, tmp_path)
    arrivals: list[tuple[float, str]] = []
    assert process.stdout is not None
    for raw in process.stdout:
        arrivals.append((time.monotonic() - begun, raw.decode().rstrip("\n")))
    process.wait(timeout=30)
    wall = time.monotonic() - begun
    assert process.stderr is not None
    stderr = process.stderr.read().decode()
    assert process.returncode == 0, stderr
    lines = [line for _, line in arrivals]

    steps = [(t, line) for t, line in arrivals if STEP_LINE.match(line)]
    assert [line for _, line in steps] == [
        "[00:00] Supine hip flexor stretch — left side — hold 1 s",
        "[00:01] Supine hip flexor stretch — right side — hold 1 s",
        "[00:02] Child's pose — hold 1 s",
    ]
    # Each line arrives as its step starts, not all at the end: never early, at most a little late.
    for k, (t, _line) in enumerate(steps):
        assert k <= t <= startup_seconds + k + 1.0, steps

    assert any(line.startswith("Safety: If your pain persists or even worsens") for line in lines), lines
    assert "Back relief: 3 s. Supine hip flexor stretch, Child's pose." in lines
    assert "Routine complete. Well done." in "\n".join(lines)
    assert "\a" not in "\n".join(lines)  # no bell into a pipe
    assert "\x1b[" not in "\n".join(lines)  # no escape sequences into a pipe
    # The whole run takes the plan's 3 s, plus the time it takes to start.
    assert wall >= 3.0
    assert wall - startup_seconds - 3.0 < 0.6, (wall, startup_seconds)


@pytest.mark.parametrize(
    ("signum", "code", "headline"),
    [
        (signal.SIGTERM, 143, "Stopped: stretchcoach was terminated."),
        (signal.SIGINT, 130, "Interrupted."),
        (signal.SIGHUP, 129, "Stopped: the terminal closed."),
    ],
)
def test_a_signal_mid_hold_stops_with_its_exit_code_and_a_summary(
    tmp_path: Path, signum: int, code: int, headline: str
) -> None:
    args = ["routine", "--hold", "20", "--prep", "0", "--only", "childs-pose"]
    process = start(args, tmp_path)
    try:
        read_lines_until(process, re.compile(r"^\[00:00\] Child's pose — hold 20 s$"), timeout=20)
        time.sleep(0.3)
        process.send_signal(signum)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, err.decode()
    text = out.decode()
    assert headline in text
    assert "Child's pose" in text.split("Summary")[-1]
    assert "If your pain persists or even worsens" in text.split("Summary")[-1]  # the warning again
    assert "Traceback" not in err.decode()
