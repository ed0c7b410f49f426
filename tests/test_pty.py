"""`stretchcoach routine` in a real pseudo-terminal: keys, signals, sizes, and the terminal left as found.

Each test starts the real command (``python -m stretchcoach routine``) on a
24x80 pty with TERM=xterm-256color and no COLUMNS/LINES, either alone
(``term``) or as a job of an interactive bash (``shell``), which lets a test
compare ``stty -g`` before and after and read ``$?``. Waits are on what the
terminal shows, with generous timeouts, never on fixed sleeps.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import sqlite3
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pseudo-terminals are POSIX only", allow_module_level=True)
pexpect = pytest.importorskip("pexpect", reason="the pty tests drive a real terminal with pexpect")

from ptyutil import (  # noqa: E402  (needs pexpect, checked just above)
    ALT_SCREEN_ON,
    EXITED,
    HIDE_CURSOR,
    LONG,
    ONE,
    QUICK,
    SHORT,
    STOPPED,
    TIMEOUT,
    Shell,
    after_live_view,
    assert_terminal_put_back,
    bash_shell,
    countdown,
    finish,
    hang_up,
    job_control_argv,
    plain,
    pty_env,
    read_frame,
    routine_argv,
    spawn,
    terminals,
    transcript,
    wait_frame,
    whole_frame,
)

# Stretches held for a second or so: the built-in catalog without its minimum holds.
pytestmark = pytest.mark.usefixtures("quick_holds")


Spawn = Callable[..., "pexpect.spawn"]

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for job control and stty")


@pytest.fixture
def env(isolated_home: Path) -> dict[str, str]:
    """As after a first routine: the urgent signs, shown before the very first, would wait for Enter
    on a small terminal (tests/test_first_run_safety.py)."""
    data = isolated_home / "data"
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    (data / "safety-shown").touch(mode=0o600)
    return pty_env(isolated_home)


@pytest.fixture
def term(env: dict[str, str]) -> Iterator[Spawn]:
    """Start ``stretchcoach routine ARGS`` alone on a fresh terminal; killed at the end if still running."""
    with terminals(routine_argv, env) as start:
        yield start


@pytest.fixture
def shell(env: dict[str, str]) -> Iterator[Shell]:
    with bash_shell(env) as opened:
        yield opened


# -- keys ------------------------------------------------------------------------------


@needs_bash
def test_enter_starts_space_pauses_and_resumes_q_quits(shell: Shell) -> None:
    before = shell.stty()
    shell.start(routine_argv(*LONG))
    child = shell.child
    child.expect_exact("Press Enter to begin")

    child.send("\r")
    frame = read_frame(child)
    assert "Supine hip flexor stretch" in frame
    assert "LEFT SIDE" in frame
    assert 50 <= countdown(frame) <= 60, frame

    child.send(" ")
    paused = wait_frame(child, lambda f: "PAUSED" in f)
    stopped_at = countdown(paused)

    child.send(" ")
    wait_frame(child, lambda f: "PAUSED" not in f and countdown(f) < stopped_at)  # the clock runs again

    child.send("q")
    assert shell.prompt() == 1
    text = transcript(child)
    assert "Stopped early." in after_live_view(text)
    assert_terminal_put_back(text)
    assert shell.stty() == before


@needs_bash
def test_short_routine_runs_to_the_end(shell: Shell) -> None:
    before = shell.stty()
    shell.start(routine_argv("--yes", *SHORT))
    assert shell.prompt(timeout=TIMEOUT + 10) == 0
    text = transcript(shell.child)
    drawn = plain(text)
    for title in ("GET READY", "LEFT SIDE", "SWITCH SIDES", "RIGHT SIDE", "REST", "HOLD"):
        assert title in drawn, f"no {title} step was drawn"
    assert "Routine complete. Well done." in after_live_view(text)
    assert_terminal_put_back(text)
    assert shell.stty() == before


def test_yes_starts_without_the_prompt(term: Spawn) -> None:
    child = term("--yes", *ONE)
    assert finish(child) == 0
    text = transcript(child)
    assert "Press Enter" not in text
    assert ALT_SCREEN_ON in text
    assert "Routine complete. Well done." in after_live_view(text)


def test_keys_move_between_steps_and_change_the_time(term: Spawn) -> None:
    child = term("--yes", *LONG)
    assert "LEFT SIDE" in read_frame(child)
    for key, title in (("\x1b[C", "SWITCH SIDES"), ("\x1b[D", "LEFT SIDE"), ("n", "SWITCH SIDES"), ("b", "LEFT SIDE")):
        child.send(key)
        wait_frame(child, lambda f, title=title: title in f)
    child.send("+")
    assert countdown(wait_frame(child, lambda f: "+10 s on this step" in f)) > 60
    child.send("-")
    assert countdown(wait_frame(child, lambda f: "−10 s on this step" in f)) <= 60
    child.send("p")
    wait_frame(child, lambda f: "PAUSED" in f)
    child.send("\x1b")  # Esc quits, like q
    assert finish(child) == 1
    assert "Stopped early." in after_live_view(transcript(child))


def test_this_hurts_stops_with_the_red_warning(term: Spawn) -> None:
    child = term("--yes", *LONG)
    read_frame(child)
    child.send("h")
    assert finish(child) == 3  # the rule says stop
    text = transcript(child)
    summary = after_live_view(text)
    assert "Stopped: you said this hurts." in summary
    assert "You stopped during: Supine hip flexor stretch — left side" in summary
    assert "Stop and see a doctor" in summary
    assert "consult a doctor" in summary  # the catalog's warning
    assert re.search(r"\x1b\[(?:\d+;)*31(?:;\d+)*m[^\x1b]*Stopped: you said this hurts", text), "not in red"
    assert_terminal_put_back(text)


def test_summary_does_not_call_the_stretch_you_stopped_in_not_reached(term: Spawn) -> None:
    """ "h" within the first second: the stretch you stopped in is the one named, never "not reached"."""
    child = term("--yes", *LONG)
    read_frame(child)
    child.send("h")  # well within the hold's first second, unless the machine is very slow
    assert finish(child) == 3  # the rule says stop
    summary = after_live_view(transcript(child))
    row = next(line for line in summary.splitlines() if "Supine hip flexor stretch" in line and "during" not in line)
    assert "not reached" not in row, summary


def test_pain_check_in_prompts_echo_after_the_live_view(term: Spawn) -> None:
    child = term(*(arg for arg in LONG if arg != "--no-checkin"))
    child.expect_exact("Back pain right now, 0–10 (Enter to skip): ")
    child.sendline("3")
    child.expect_exact("Press Enter to begin")
    child.sendline("")
    read_frame(child)
    child.send("q")
    child.expect_exact("After the routine: Back pain right now, 0–10 (Enter to skip): ")
    child.sendline("2")
    child.expect_exact("Summary")
    assert child.before.startswith("2\r\n"), "what was typed is not echoed: the terminal is still in cbreak mode"
    assert finish(child) == 1


# Child's pose alone, no gaps, check-ins on: `n` during the hold ends it.
ASKED_AFTER = ("--yes", "--prep", "0", "--rest", "0", "--switch", "0", "--only", "childs-pose")


@pytest.mark.parametrize("mode", [(), ("--plain",)], ids=["live", "plain"])
def test_keys_still_pressed_as_the_routine_ends_never_answer_the_question_after_it(
    term: Spawn, mode: tuple[str, ...], db_path: Path
) -> None:
    """n, n, n ... and the routine ends under the person's finger: the keys that come after it
    must not become the answer to "After the routine: Back pain right now"."""
    child = term(*ASKED_AFTER, "--hold", "5", "--pain-before", "3", *mode)
    if mode:
        child.expect_exact("[00:00]")
    else:
        read_frame(child)
    for _ in range(12):  # the first ends the routine; the rest keep coming for a while, as a person's would
        child.send("n")
        time.sleep(0.1)
    child.expect_exact("After the routine: Back pain right now, 0–10 (Enter to skip): ")
    child.sendline("2")
    said = child.expect_exact(["Pain before → after: 3 → 2", "Please type a whole number"])
    assert said == 0, "keys pressed during the routine answered the question after it"
    assert child.before.startswith("2\r\n"), repr(child.before[:40])
    assert finish(child) == 1  # skipped through: ended early
    db = sqlite3.connect(db_path)
    try:
        assert db.execute("SELECT pain_before, pain_after FROM sessions").fetchall() == [(3, 2)]
    finally:
        db.close()


def test_killed_while_keys_settle_the_terminal_is_given_back_as_it_was(term: Spawn) -> None:
    """Between the routine and the question after it, keys are read unechoed for a moment: a
    SIGTERM then still leaves the terminal echoing and reading lines."""
    child = term(*ASKED_AFTER, "--hold", "5", "--pain-before", "3", "--plain")
    child.expect_exact("[00:00]")
    for _ in range(6):  # the first ends the routine; the rest keep the settling going
        child.send("n")
        time.sleep(0.1)
    child.kill(signal.SIGTERM)
    child.expect(pexpect.EOF)
    child.wait()
    lflag = termios.tcgetattr(child.child_fd)[3]
    assert lflag & termios.ECHO, "left without echo"
    assert lflag & termios.ICANON, "left reading key by key"
    assert child.exitstatus == 128 + signal.SIGTERM


@needs_bash
def test_check_ins_are_asked_on_the_terminal_when_the_output_goes_to_a_pipe(
    env: dict[str, str], tmp_path: Path
) -> None:
    """`routine --plain | tee log`: the questions are asked on the terminal (not into the log),
    before and after, so that the rule sees a rise in pain."""
    log = tmp_path / "log"
    argv = routine_argv(*ASKED_AFTER, "--hold", "1", "--plain")
    child = spawn(["bash", "-c", f"set -o pipefail; {shlex.join(argv)} | tee {shlex.quote(str(log))}"], env=env)
    try:
        assert child.expect_exact(["Back pain right now, 0–10 (Enter to skip): ", pexpect.EOF]) == 0, "not asked"
        child.sendline("3")
        assert child.expect_exact(["After the routine: Back pain right now", pexpect.EOF]) == 0, "not asked after"
        child.sendline("5")
        assert finish(child) == 3  # worse: the rule says stop
    finally:
        if child.isalive():
            child.close(force=True)
    written = log.read_text()
    assert "Pain before → after: 3 → 5" in written
    assert "Back pain right now" not in written  # the prompts went to the terminal, not into the log


# -- signals ---------------------------------------------------------------------------


@needs_bash
def test_ctrl_c_mid_hold_prints_the_summary_and_exits_130(shell: Shell) -> None:
    before = shell.stty()
    shell.start(routine_argv("--yes", *LONG))
    read_frame(shell.child)
    shell.child.sendintr()
    assert shell.prompt() == 130
    text = transcript(shell.child)
    assert "Interrupted." in after_live_view(text)
    assert_terminal_put_back(text)
    assert shell.stty() == before


@needs_bash
def test_ctrl_c_at_the_start_prompt_exits_130(shell: Shell) -> None:
    before = shell.stty()
    shell.start(routine_argv(*LONG))
    shell.child.expect_exact("Press Enter to begin")
    shell.child.sendintr()
    assert shell.prompt() == 130
    assert "Traceback" not in transcript(shell.child)
    assert shell.stty() == before


def test_ctrl_c_at_the_start_prompt_ends_the_line(term: Spawn) -> None:
    """The line "…to cancel: ^C" is ended, so the shell's next prompt starts on a line of its own."""
    child = term(*LONG)
    child.expect_exact("Press Enter to begin")
    child.sendintr()
    assert finish(child) == 130
    after_ctrl_c = transcript(child).rsplit("^C", 1)[-1]
    assert "\n" in after_ctrl_c, f"output ends without a newline: {transcript(child)[-80:]!r}"


@needs_bash
def test_sigterm_mid_hold_exits_143(shell: Shell) -> None:
    before = shell.stty()
    pid = shell.start(routine_argv("--yes", *LONG))
    read_frame(shell.child)
    os.kill(pid, signal.SIGTERM)
    assert shell.prompt() == 143
    text = transcript(shell.child)
    assert "Stopped: stretchcoach was terminated." in after_live_view(text)
    assert_terminal_put_back(text)
    assert shell.stty() == before


def test_sighup_exits_129(term: Spawn) -> None:
    child = term("--yes", *LONG)
    read_frame(child)
    child.kill(signal.SIGHUP)
    assert finish(child) == 129


def test_closing_the_terminal_exits_129(term: Spawn) -> None:
    child = term("--yes", *LONG)
    read_frame(child)
    assert hang_up(child) == 129


# -- Ctrl-Z ----------------------------------------------------------------------------


@needs_bash
def test_ctrl_z_suspends_to_the_shell_and_fg_resumes_paused(shell: Shell) -> None:
    before = shell.stty()
    shell.start(routine_argv("--yes", *LONG))
    child = shell.child
    read_frame(child)

    child.sendcontrol("z")
    assert shell.prompt() == 128 + signal.SIGTSTP
    assert "Stopped" in child.before
    suspended = transcript(child)
    assert_terminal_put_back(suspended)  # these are the routine's own doing; bash writes neither
    # bash resets the modes it saved whenever a job stops, so this cannot catch a
    # routine that stops in cbreak mode: test_ctrl_z_puts_the_modes_back_before_stopping does.
    assert shell.stty() == before

    child.sendline("fg")
    stopped_at = countdown(wait_frame(child, lambda f: "PAUSED" in f))
    child.send(" ")
    wait_frame(child, lambda f: "PAUSED" not in f and countdown(f) < stopped_at)
    child.send("q")
    assert shell.prompt() == 1
    text = transcript(child)
    assert "Stopped early." in after_live_view(text)
    assert_terminal_put_back(text)
    assert shell.stty() == before


def test_ctrl_z_puts_the_modes_back_before_stopping(env: dict[str, str]) -> None:
    """Under a job-control shell that does not repair the terminal itself (see ptyutil)."""
    child = spawn(job_control_argv(*routine_argv("--yes", *LONG)), env=env)
    try:
        read_frame(child)
        child.sendcontrol("z")
        child.expect(STOPPED)
        assert child.match[1] == "yes", "stopped with the terminal still in cbreak mode"
        assert_terminal_put_back(transcript(child))
        # Stopped means stopped: no redraws, no bells.
        assert child.expect([r"[\s\S]", pexpect.TIMEOUT], timeout=1.0) == 1, repr(child.after)

        child.kill(signal.SIGUSR1)  # `fg`
        stopped_at = countdown(wait_frame(child, lambda f: "PAUSED" in f))
        child.send(" ")
        wait_frame(child, lambda f: "PAUSED" not in f and countdown(f) < stopped_at)
        child.send("q")
        child.expect(EXITED)
        assert child.match[1] == "1"
        assert child.match[2] == "yes", "the terminal modes were not put back at the end"
        assert finish(child) == 0
    finally:
        if child.isalive():
            child.close(force=True)


# -- sizes -----------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [20, 300])
def test_narrow_and_wide_terminals_complete(term: Spawn, columns: int) -> None:
    child = term("--yes", *ONE, dimensions=(24, columns))
    assert finish(child) == 0
    text = transcript(child)
    assert "Routine" in after_live_view(text)
    assert_terminal_put_back(text)


def test_resizing_mid_run_redraws_at_the_new_size(term: Spawn) -> None:
    def top_width(frame: str) -> int:
        return len(frame.split("\r\n", 1)[0])

    child = term("--yes", *LONG)
    assert top_width(read_frame(child)) == 80
    child.setwinsize(30, 100)
    wait_frame(child, lambda f: top_width(f) == 100)
    child.setwinsize(12, 40)  # too small for the panel: the compact view, "m:ss  m:ss left" on its third line
    wait_frame(child, lambda f: "╭" not in f, end="left")
    child.setwinsize(24, 80)
    wait_frame(child, lambda f: top_width(f) == 80)
    child.send("q")
    assert finish(child) == 1
    assert "Stopped early." in after_live_view(transcript(child))


# -- environments ----------------------------------------------------------------------


COLOUR_CODES = {*range(30, 50), *range(90, 98), *range(100, 108)}


def test_no_color_draws_the_live_view_without_colour(term: Spawn) -> None:
    child = term("--yes", *ONE, NO_COLOR="1")
    assert finish(child) == 0
    text = transcript(child)
    assert ALT_SCREEN_ON in text
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        codes = {int(p) for p in params.split(";") if p}
        assert not codes & COLOUR_CODES, f"colour in \\x1b[{params}m"
    assert "Routine complete. Well done." in after_live_view(text)


def test_dumb_terminal_gets_one_plain_line_per_step(term: Spawn) -> None:
    child = term("--yes", *QUICK, TERM="dumb")
    assert finish(child) == 0
    text = transcript(child)
    assert ALT_SCREEN_ON not in text
    assert HIDE_CURSOR not in text
    steps = re.findall(r"^\a*\[\d\d:\d\d\] (.*?)\r$", text, flags=re.MULTILINE)  # a bell may start a line
    assert steps == [
        "Supine hip flexor stretch — left side — hold 1 s",
        "Supine hip flexor stretch — right side — hold 1 s",
        "Child's pose — hold 1 s",
    ]
    assert "Routine complete. Well done." in text


def test_dumb_terminal_names_the_keys(term: Spawn) -> None:
    """h (stop) and space (pause) work on a dumb terminal too: the plain lines say so before the first step."""
    child = term("--yes", *ONE, TERM="dumb")
    assert finish(child) == 0
    text = transcript(child)
    keys = text.index("Keys: q quit · h this hurts · space pause · n next · b back · +/- 10 s")
    assert keys < text.index("[00:00]")


def test_dumb_terminal_gets_no_escape_sequences(term: Spawn) -> None:
    """The cursor-show sequence, written on the way out, is for the full-screen view only."""
    child = term("--yes", *ONE, TERM="dumb")
    assert finish(child) == 0
    text = transcript(child)
    assert "\x1b" not in text, f"escape sequence at {text.find(chr(27))}: {text[text.find(chr(27)) - 40 :][:60]!r}"


@needs_bash
def test_stdin_at_end_of_file_does_not_spin(shell: Shell) -> None:
    """stdout is the terminal (so the live view), stdin is /dev/null (so no keys)."""
    shell.run("TIMEFORMAT='CPU=%U+%S WALL=%R'")
    command = shlex.join(routine_argv("--yes", *QUICK))
    shell.child.sendline(f"time {command} < /dev/null")
    shell.child.expect(r"CPU=([\d.]+)\+([\d.]+) WALL=([\d.]+)", timeout=TIMEOUT + 10)
    user, system, wall = (float(x) for x in shell.child.match.groups())
    assert shell.prompt() == 0
    text = transcript(shell.child)
    assert ALT_SCREEN_ON in text
    assert "Routine complete. Well done." in after_live_view(text)
    assert wall >= 3, "the 3 s routine ended early"
    assert user + system < 0.3 * wall, f"{user + system:.2f} s of CPU in {wall:.2f} s"


# -- what a person sees at awkward sizes -----------------------------------------------


def test_compact_view_puts_the_key_hints_on_their_own_line(term: Spawn) -> None:
    """The compact view once drew its hints on the progress bar's line."""
    child = term("--yes", *LONG, dimensions=(12, 80))  # too short for the panel
    frame = whole_frame(child)
    lines = frame.split("\r\n")
    assert "╭" not in frame, "not the compact view"
    hints = [line for line in lines if "q quit" in line]
    assert hints, frame
    assert hints[0].startswith("q quit"), repr(hints[0])


def test_quit_and_hurt_keys_stay_on_screen_at_64_columns(term: Spawn) -> None:
    """From 60 to 69 columns the panel's subtitle is cut: the keys that stop must survive."""
    child = term("--yes", *LONG, dimensions=(24, 64))
    frame = read_frame(child)
    bottom = frame.rstrip().rsplit("\r\n", 1)[-1]
    assert "q quit" in bottom, repr(bottom)
    assert re.search(r"\bh (this )?hurts\b", bottom), repr(bottom)  # shortened where it must be, not cut


def test_a_long_step_fits_a_60x20_terminal(term: Spawn) -> None:
    """Cat-cow's get-ready view, with its four instructions, once lost its bottom rows here."""
    child = term("--yes", "--only", "cat-cow", "--prep", "60", "--reps", "1", "--no-checkin", dimensions=(20, 60))
    frame = whole_frame(child)
    assert "Stretch 1 of 1" in frame, f"the progress line is cut off:\n{frame}"
    assert "╯" in frame, f"the panel's bottom (with the key hints) is cut off:\n{frame}"


def test_summary_on_20_columns_names_the_stretches(term: Spawn) -> None:
    """At 20 columns the summary still names each stretch (a table would show only "…")."""
    child = term("--yes", *QUICK, dimensions=(24, 20))
    assert finish(child) == 0
    summary = after_live_view(transcript(child))
    assert "Supine" in summary, summary
    assert "Child" in summary, summary


@pytest.mark.parametrize("mode", [{"TERM": "dumb"}, {"ACCESSIBLE": "1"}, {}])
def test_this_hurts_stops_a_plain_routine_too_and_is_not_echoed(term: Spawn, mode: dict[str, str]) -> None:
    args = ("--yes", *LONG, "--plain") if not mode else ("--yes", *LONG)
    child = term(*args, **mode)
    child.expect_exact("[00:00]")
    child.send("h")
    assert finish(child) == 3  # the rule says stop
    text = transcript(child)
    assert "Stopped: you said this hurts." in text
    after = text[text.index("[00:00]") :]
    assert not re.search(r"^h", after, flags=re.MULTILINE), "the key was echoed: cbreak mode is off"
    assert "\x1b[?1049h" not in text  # plain, not the full-screen view
