"""No key, signal, launcher, hook or odd environment breaks a routine (issue 9).

What only a real terminal or real processes show. In a pseudo-terminal: Ctrl-\\
and Ctrl-S in cbreak mode, Ctrl-Z under a launch script that does not exec
stretchcoach (tests/data/wrapper-no-exec.sh), COLUMNS far wider than the
terminal. As a subprocess: speech commands and hooks that misbehave, played by
tests/data/fake_command.py. Waits are on what the terminal shows or on the
process ending, with generous hang guards, never on fixed sleeps.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shlex
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pseudo-terminals are POSIX only", allow_module_level=True)
pexpect = pytest.importorskip("pexpect", reason="the pty tests drive a real terminal with pexpect")

from stretchcoach.live.terminal import INTERRUPT, cbreak_mode  # noqa: E402

from ptyutil import (  # noqa: E402  (needs pexpect, checked just above)
    ALT_SCREEN_OFF,
    ALT_SCREEN_ON,
    EXITED,
    FRAME_START,
    LONG,
    ONE,
    Shell,
    after_live_view,
    assert_terminal_put_back,
    bash_shell,
    countdown,
    finish,
    job_control_argv,
    plain,
    pty_env,
    read_frame,
    routine_argv,
    terminals,
    transcript,
    wait_frame,
)

# Stretches held for a second or so: the built-in catalog without its minimum holds.
pytestmark = pytest.mark.usefixtures("quick_holds")


DATA = Path(__file__).parent / "data"
WRAPPER = DATA / "wrapper-no-exec.sh"
FAKE_COMMAND = DATA / "fake_command.py"
HANG_GUARD = 20  # seconds before a routine counts as hung; not a speed claim
STUCK = 8  # seconds without a redraw, while the countdown runs, before the view counts as frozen

Spawn = Callable[..., "pexpect.spawn"]


@pytest.fixture
def env(isolated_home: Path) -> dict[str, str]:
    return pty_env(isolated_home, STRETCHCOACH_PYTHON=sys.executable)


@pytest.fixture
def term(env: dict[str, str]) -> Iterator[Spawn]:
    """Start ``stretchcoach routine ARGS`` alone on a fresh terminal; killed at the end if still running."""
    with terminals(routine_argv, env) as start:
        yield start


@pytest.fixture
def job_control(env: dict[str, str]) -> Iterator[Spawn]:
    """Start the routine under ptyutil's job-control shell, which reports whether the modes were put back."""
    with terminals(lambda *args: job_control_argv(*routine_argv(*args)), env) as start:
        yield start


@pytest.fixture
def shell(env: dict[str, str]) -> Iterator[Shell]:
    with bash_shell(env) as opened:
        yield opened


def wait_ticks(child: pexpect.spawn, ticks: int = 1) -> None:
    """Wait for the countdown to move on ``ticks`` seconds; fail if it is frozen for STUCK seconds."""
    timeout, child.timeout = child.timeout, STUCK
    try:
        start = countdown(read_frame(child))
        wait_frame(child, lambda f: countdown(f) <= start - ticks)
    finally:
        child.timeout = timeout


# -- the terminal edge on its own -------------------------------------------------------------------------


# What `stty sane` gives on Linux, as tcgetattr lists it.
SANE = [
    termios.ICRNL | termios.IXON,
    termios.OPOST | termios.ONLCR,
    termios.CS8 | termios.CREAD,
    termios.ISIG | termios.ICANON | termios.ECHO | termios.ECHOE | termios.ECHOK | termios.IEXTEN,
    termios.B38400,
    termios.B38400,
    [b"\x00"] * 32,
]


def test_cbreak_mode_turns_off_flow_control_and_keeps_signal_keys() -> None:
    """Fails while IXON stays on: Ctrl-S then froze every write, and the timer with it."""
    before = copy.deepcopy(SANE)
    changed = cbreak_mode(SANE)
    assert not changed[0] & termios.IXON
    assert changed[0] | termios.IXON == SANE[0]  # nothing else in the input flags
    assert not changed[3] & (termios.ICANON | termios.ECHO)
    assert changed[3] & termios.ISIG  # Ctrl-C, Ctrl-Z and Ctrl-\\ still signal
    assert changed[1:3] == SANE[1:3]
    assert (changed[6][termios.VMIN], changed[6][termios.VTIME]) == (1, 0)
    assert before == SANE  # a new list: the modes put back at the end are untouched


def test_sigquit_is_an_interrupt() -> None:
    """In a child process: a SIGQUIT with its default action dumps core (and would take pytest with it)."""
    code = (
        "import os, signal\n"
        "from stretchcoach.live.terminal import TerminalInput\n"
        "with TerminalInput(None) as inputs:\n"
        "    os.kill(os.getpid(), signal.SIGQUIT)\n"
        "    print(inputs.wait(5.0))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    assert result.returncode == 0, f"ended by signal {-result.returncode}" if result.returncode < 0 else result.stderr
    assert result.stdout == f"{[INTERRUPT]}\n"


SUSPENDING = """
import os, signal, subprocess, sys, time
from stretchcoach.live.terminal import CONTINUE, TerminalInput

if sys.argv[1] == "ignored":
    signal.signal(signal.SIGTSTP, signal.SIG_IGN)
sibling = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])  # the rest of the job
print(sibling.pid, flush=True)
with TerminalInput(None) as inputs:
    if sys.argv[1] == "continued":
        inputs._pending.append(CONTINUE)  # a SIGCONT came while the terminal was being put back
    inputs.suspend()
sibling.kill()
"""


@pytest.mark.parametrize(("case", "stops"), [("plain", True), ("ignored", False), ("continued", False)])
def test_suspend_stops_the_whole_job_unless_it_should_not(case: str, stops: bool) -> None:
    """Run in a process group of its own (not orphaned: a stop is real there), with a sibling in it
    as a launch script would be. Ctrl-Z stops both; not when SIGTSTP was ignored when we started
    (the launcher keeps its jobs running), nor when the job was already stopped and continued."""
    child = subprocess.Popen(
        [sys.executable, "-c", SUSPENDING, case], stdout=subprocess.PIPE, text=True, process_group=0
    )
    try:
        assert child.stdout is not None
        sibling = int(child.stdout.readline())
        deadline = time.monotonic() + HANG_GUARD
        while True:
            pid, status = os.waitpid(child.pid, os.WNOHANG | os.WUNTRACED)
            if pid:
                break
            assert time.monotonic() < deadline, "suspend() neither stopped nor returned"
            time.sleep(0.02)
        assert os.WIFSTOPPED(status) is stops
        if stops:
            while state(sibling) != "T":  # a stop takes effect when the process next runs
                assert time.monotonic() < deadline, "the rest of the job was left running"
                time.sleep(0.02)
            os.killpg(child.pid, signal.SIGCONT)  # `fg`
            _, status = os.waitpid(child.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child.pid, 0)


def state(pid: int) -> str:
    """A process's state letter from /proc ("T": stopped), or "" if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


# -- keys that must not kill or freeze the live view ------------------------------------------------------


def test_ctrl_backslash_stops_like_ctrl_c_and_puts_the_terminal_back(job_control: Spawn) -> None:
    """Ctrl-\\ (SIGQUIT; a pasted 0x1c byte too). Fails while it has its default action: a core
    dump that left the cursor hidden, the alternate screen on and the terminal in cbreak mode."""
    child = job_control("--yes", *LONG)
    read_frame(child)
    child.sendcontrol("\\")
    child.expect(EXITED)
    assert child.match[1] == "130"
    assert child.match[2] == "yes", "the terminal modes were not put back"
    text = transcript(child)
    assert_terminal_put_back(text)
    assert "Interrupted." in after_live_view(text)
    assert finish(child) == 0


def test_ctrl_s_does_not_freeze_the_routine(job_control: Spawn) -> None:
    """Fails while output flow control is on: Ctrl-S stopped every write, and so the timer, the
    history and the bells, until Ctrl-Q. Flow control is back on afterwards ("modes restored")."""
    child = job_control("--yes", *LONG)
    read_frame(child)
    child.sendcontrol("s")
    wait_ticks(child)
    child.sendcontrol("q")  # Ctrl-Q is nothing special either
    wait_ticks(child)
    child.send("q")
    child.expect(EXITED)
    assert child.match[1] == "1"
    assert child.match[2] == "yes", "the terminal modes were not put back"
    assert_terminal_put_back(transcript(child))
    assert finish(child) == 0


def test_a_pasted_block_of_n_ends_early_with_few_bells(term: Spawn, env: dict[str, str]) -> None:
    """Forty "n" pasted skip every step. Fails while reaching the end is all "completed" takes:
    such a run exited 0, counted towards the streak, and its queued bells rang 35 times for more
    than 20 s after the summary."""
    child = term("--yes", *LONG)
    read_frame(child)
    child.send("n" * 40)
    assert finish(child) == 1
    text = transcript(child)
    assert "Stopped early." in after_live_view(text)
    assert text.count("\a") <= 4
    history = subprocess.run(
        [sys.executable, "-m", "stretchcoach", "history", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=True,
    )
    data = json.loads(history.stdout)
    assert [s["outcome"] for s in data["sessions"]] == ["quit"]
    assert data["streak"]["current"] == 0


# -- Ctrl-Z whoever started the routine -------------------------------------------------------------------


def start_wrapped(shell: Shell, *args: str, ignore_tstp: bool = False) -> None:
    prefix = "IGNORE_TSTP=1 " if ignore_tstp else ""
    shell.child.sendline(prefix + shlex.join(["bash", str(WRAPPER), *args]))


def test_ctrl_z_under_a_launch_script_comes_back_with_fg(shell: Shell) -> None:
    """The shell's job is a script that runs stretchcoach without exec. Fails while stretchcoach
    stops only itself: by then the shell had stopped the script and taken the terminal, and the
    stop came after `fg`, leaving stretchcoach stopped for good (state T+)."""
    before = shell.stty()
    start_wrapped(shell, "--yes", *LONG)
    child = shell.child
    read_frame(child)

    mark = len(transcript(child))
    child.sendcontrol("z")
    assert shell.prompt() == 128 + signal.SIGTSTP
    if ALT_SCREEN_OFF not in transcript(child)[mark:]:
        # The shell saw its job (the script) stop first and wrote its prompt; stretchcoach puts
        # the screen back just after, and says how to come back, the prompt being on the screen left.
        child.expect_exact(ALT_SCREEN_OFF)
        child.expect_exact("type fg to come back")
    assert_terminal_put_back(transcript(child))
    assert shell.stty() == before

    child.sendline("fg")
    timeout, child.timeout = child.timeout, STUCK
    try:
        stopped_at = countdown(wait_frame(child, lambda f: "PAUSED" in f))
    finally:
        child.timeout = timeout
    child.send(" ")
    wait_frame(child, lambda f: "PAUSED" not in f and countdown(f) < stopped_at)
    child.send("q")
    assert shell.prompt() == 1
    text = transcript(child)
    assert "Stopped early." in after_live_view(text)
    assert_terminal_put_back(text)
    assert shell.stty() == before


def test_ctrl_z_under_a_launcher_that_ignores_it_pauses_in_place(shell: Shell) -> None:
    """The script ignores Ctrl-Z, so the shell would never see the job stop and never offer `fg`.
    Fails while stretchcoach stops itself anyway: nothing could continue it."""
    start_wrapped(shell, "--yes", *LONG, ignore_tstp=True)
    child = shell.child
    read_frame(child)
    child.sendcontrol("z")
    stopped_at = countdown(wait_frame(child, lambda f: "PAUSED" in f))
    child.send(" ")
    wait_frame(child, lambda f: "PAUSED" not in f and countdown(f) < stopped_at)
    child.send("q")
    assert shell.prompt() == 1
    assert_terminal_put_back(transcript(child))


def test_ctrl_z_where_no_shell_could_continue_it_pauses_in_place(term: Spawn) -> None:
    """Alone on its terminal (an orphaned process group, as under a terminal emulator's `-e`):
    nothing could send SIGCONT, so the stop must be one the kernel drops, never a SIGSTOP."""
    child = term("--yes", *LONG)
    read_frame(child)
    child.sendcontrol("z")
    stopped_at = countdown(wait_frame(child, lambda f: "PAUSED" in f))
    child.send(" ")
    wait_frame(child, lambda f: "PAUSED" not in f and countdown(f) < stopped_at)
    child.send("q")
    assert finish(child) == 1


# -- odd environments -------------------------------------------------------------------------------------


def test_columns_far_wider_than_the_terminal_draws_at_the_terminals_width(term: Spawn) -> None:
    """COLUMNS far wider than the terminal. Fails while the live view believes COLUMNS: with
    COLUMNS=100000 each redraw was padded to 100,000 columns (61 MB and 2.8 s of CPU over a 10 s
    hold). 5000 shows the same and keeps the test quick: the intro and the summary, which are
    not the live view, are still drawn that wide."""
    child = term("--yes", *ONE, COLUMNS="5000")
    assert finish(child) == 0
    text = transcript(child)
    live = text[text.find(ALT_SCREEN_ON) : text.rfind(ALT_SCREEN_OFF)]
    assert ALT_SCREEN_ON in live
    assert len(live) < 50_000, f"{len(live):,} characters for a one-second routine"
    frames = [plain(frame).replace("\a", "") for frame in live.split(FRAME_START)]  # bells take no room
    assert max(len(line) for frame in frames for line in frame.split("\r\n")) <= 80


# -- speech commands and hooks, as real processes ---------------------------------------------------------


@pytest.fixture
def process_env(isolated_home: Path, tmp_path: Path) -> dict[str, str]:
    """An environment with stand-ins for every speech command first on PATH, and their log files."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("espeak-ng", "espeak", "spd-say", "say"):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_COMMAND}" "$0" "$@"\n')
        script.chmod(0o755)
    return pty_env(
        isolated_home,
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        FAKE_COMMAND_LOG=str(tmp_path / "log.jsonl"),
        FAKE_COMMAND_PIDS=str(tmp_path / "pids"),
    )


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``stretchcoach ARGS`` with no terminal (plain output, no keys), as a script would run it."""
    return subprocess.run(
        [sys.executable, "-m", "stretchcoach", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )


def hook(name: str = "hook") -> str:
    return shlex.join([sys.executable, str(FAKE_COMMAND), name])


def recorded_pids(env: dict[str, str]) -> list[tuple[str, int]]:
    path = Path(env["FAKE_COMMAND_PIDS"])
    lines = path.read_text().split() if path.exists() else []
    return [(name, int(pid)) for name, pid in zip(lines[::2], lines[1::2], strict=True)]


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; whoever it was reparented to reaps it)."""
    return state(pid) not in ("", "Z")


@pytest.fixture
def leftovers(process_env: dict[str, str]) -> Iterator[Callable[[], list[tuple[str, int]]]]:
    """The stand-ins still running once the routine is over; any left are killed after the test."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see which processes are left")

    def still_running() -> list[tuple[str, int]]:
        deadline = time.monotonic() + 2  # SIGKILL is delivered at once, but not synchronously
        while True:
            left = [(name, pid) for name, pid in recorded_pids(process_env) if running(pid)]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.05)

    yield still_running
    for _name, pid in recorded_pids(process_env):
        if running(pid):
            os.kill(pid, signal.SIGKILL)


def test_cues_starting_with_a_dash_are_spoken_as_words(process_env: dict[str, str]) -> None:
    """A catalog whose breathing cues look like espeak-ng options (tests/data/speech-attack.yaml)."""
    catalog = str(DATA / "speech-attack.yaml")
    result = run_cli(
        "--catalog", catalog, "routine", "speech-attack", "--yes", "--no-checkin", "--voice", env=process_env
    )
    assert result.returncode == 0, result.stderr
    runs = [json.loads(line) for line in Path(process_env["FAKE_COMMAND_LOG"]).read_text().splitlines()]
    assert {run["name"] for run in runs} == {"espeak-ng"}
    assert all(run["argv"] == ["espeak-ng", "--stdin"] for run in runs), runs
    said = [run["stdin"] for run in runs]
    assert set(said) <= {"-f/etc/passwd", "Routine complete."}
    assert "Routine complete." in said


def test_hooks_and_speech_that_will_not_end_are_ended(
    process_env: dict[str, str], leftovers: Callable[[], list[tuple[str, int]]]
) -> None:
    """Every hook and voice ignores SIGTERM and starts a child that does too, and the routine is
    stopped (SIGTERM) while they run. Fails while they are left to finish on their own: a
    hanging hook left 11 processes, a voice that ignores SIGTERM 12."""
    env = process_env | {"FAKE_COMMAND_HANG": "stubborn"}
    argv = [sys.executable, "-m", "stretchcoach", "routine", "--yes", "--voice", "--on-step", hook(), *LONG]
    process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + HANG_GUARD
        while not {"hook", "hook-child", "espeak-ng", "espeak-ng-child"} <= {n for n, _ in recorded_pids(env)}:
            assert time.monotonic() < deadline, f"the first step's hook and voice never started: {recorded_pids(env)}"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143
    assert "Stopped: stretchcoach was terminated." in stdout
    assert leftovers() == []


def test_a_hook_that_never_reads_a_long_step_never_blocks_the_routine(
    process_env: dict[str, str], tmp_path: Path, leftovers: Callable[[], list[tuple[str, int]]]
) -> None:
    """The step's JSON is over 64 KiB (a long cue) and the hook never reads it. Fails while the JSON
    goes through a pipe: the routine waited on the write forever, deaf to Ctrl-C, SIGTERM and SIGHUP."""
    catalog = tmp_path / "long-cue.yaml"
    catalog.write_text(long_cue_catalog())
    env = process_env | {"FAKE_COMMAND_HANG": "sleep"}
    result = run_cli(
        "--catalog", str(catalog), "routine", "long-cue", "--yes", "--no-checkin", "--on-step", hook(), env=env
    )
    assert result.returncode == 0, result.stderr
    assert "Routine complete." in result.stdout
    assert leftovers() == []


def long_cue_catalog() -> str:
    """A one-second routine whose only cue is 76,000 characters: its step JSON is over 64 KiB."""
    cue = "Breathe in slowly. " * 4000
    return f"""version: 1
stretches:
  - id: long-cue
    name: Long cue
    targets: [back]
    setup: Sit.
    steps: [Breathe.]
    feel: Calm.
    phases:
      - {{cue: "{cue}", seconds: 1}}
routines:
  - id: long-cue
    name: Long cue
    prep: 0
    rest: 0
    steps: [long-cue]
"""
