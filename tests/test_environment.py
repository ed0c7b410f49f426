"""Odd environments end in one line and an exit code, never a traceback.

Standard streams closed or full, an ASCII-only terminal, a catalog that is a FIFO,
a home path too long for the file system, a digit that is not 0-9 at a prompt.
These run the real command in a subprocess (or a pseudo-terminal) where the
environment itself is what is under test.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stretchcoach.cli import app

from fakes import Answers, fake_runtime

# Stretches held for a second or so: the built-in catalog without its minimum holds.
pytestmark = pytest.mark.usefixtures("quick_holds")

CLI = [sys.executable, "-m", "stretchcoach"]
ONE_SECOND = ["routine", "--yes", "--no-checkin", "--hold", "1", "--prep", "0", "--only", "childs-pose"]
HANG_GUARD = 20  # seconds; a hang guard, not a speed claim


def run(
    args: list[str], home: Path, *, before: Callable[[], None] | None = None, **popen: object
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STRETCHCOACH_DEBUG"} | {"STRETCHCOACH_HOME": str(home)}
    kwargs = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE} | popen
    return subprocess.run(
        [*CLI, *args], env=env, text=True, timeout=HANG_GUARD, preexec_fn=before, check=False, **kwargs
    )  # type: ignore[call-overload]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["list"], ["show", "cat-cow"], ["routine", "--plan"], ["list", "--json"]])
def test_a_full_disk_under_stdout_is_one_line(args: list[str], isolated_home: Path) -> None:
    with open("/dev/full", "w") as full:
        ran = run(args, isolated_home, stdout=full)
    assert ran.returncode == 1
    assert ran.stderr == "stretchcoach: cannot write the output: no space left on the disk\n"


def test_a_closed_stdout_is_not_an_error(isolated_home: Path) -> None:
    ran = run(["list"], isolated_home, stdout=None, before=lambda: os.close(1))
    assert (ran.returncode, ran.stderr) == (0, "")


def test_a_closed_stdin_runs_the_routine_without_asking(isolated_home: Path) -> None:
    ran = run(ONE_SECOND, isolated_home, stdin=None, before=lambda: os.close(0))
    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr
    assert "Routine complete." in ran.stdout


def test_a_reader_that_stops_reading_ends_the_command_quietly(isolated_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STRETCHCOACH_DEBUG"} | {"STRETCHCOACH_HOME": str(isolated_home)}
    listing = subprocess.Popen([*CLI, "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert listing.stdout is not None
    listing.stdout.close()  # like `| head -0`
    _, err = listing.communicate(timeout=HANG_GUARD)
    assert listing.returncode == 1  # the listing was not all written: not a success, but nothing to say
    assert err == b""


def test_a_home_path_too_long_for_the_file_system_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / ("h" * 5000)
    for args in (["list"], ["show", "cat-cow"], ["routine", "--plan"]):
        ran = run(args, home)
        assert ran.returncode == 2, ran.stderr
        (line,) = ran.stderr.splitlines()
        assert line.startswith("stretchcoach: ")
        assert line.endswith("/config/catalog.yaml: the path is too long; cannot read your catalog")


def test_a_fifo_as_the_users_catalog_is_refused_without_waiting(isolated_home: Path) -> None:
    user_catalog = isolated_home / "config" / "catalog.yaml"
    user_catalog.unlink()  # the quick holds' catalog, in its place
    os.mkfifo(user_catalog)
    for args in (["list"], ["validate", str(user_catalog)], ["routine", "--plan"]):
        ran = run(args, isolated_home)  # the hang guard fails the test if anything waits on the FIFO
        assert ran.returncode == 2, ran.stderr
        assert f"{user_catalog}: not a regular file; a catalog is a file of text" in ran.stderr
    history = run(["history"], isolated_home)  # the history does not need the catalog
    assert history.returncode == 0, history.stderr


@pytest.mark.parametrize("typed", ["²", "٣", "３"])
def test_a_digit_that_is_not_0_to_9_is_asked_again(typed: str) -> None:
    answers = Answers(typed, "3", "", "")
    runtime = fake_runtime(answers=answers, interactive=True)
    result = CliRunner().invoke(app, ["routine", "--only", "childs-pose"], obj=runtime)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert answers.prompts[:2] == ["Back pain right now, 0–10 (Enter to skip): "] * 2
    assert "Please type a whole number from 0 (no pain) to 10 (worst)" in result.stdout


def test_an_ascii_terminal_takes_a_non_ascii_answer_without_a_traceback(isolated_home: Path) -> None:
    ptyutil = pytest.importorskip("ptyutil", reason="needs pexpect for a real terminal")
    env = ptyutil.pty_env(isolated_home, PYTHONIOENCODING="ascii", LANG="C", LC_ALL="C")
    child = ptyutil.spawn(ptyutil.routine_argv("--hold", "1", "--prep", "0", "--only", "childs-pose"), env=env)
    try:
        child.expect_exact("Back pain right now")
        child.sendline("é")
        child.expect_exact("Please type a whole number")
        child.sendline("3")
        child.expect_exact("Press Enter to begin")
        child.sendline("q")
        assert ptyutil.finish(child) == 1
    finally:
        if child.isalive():
            child.close(force=True)
    assert "Traceback" not in ptyutil.transcript(child)


@pytest.mark.parametrize("prompt", ["Back pain right now", "Press Enter to begin"])
def test_ctrl_backslash_at_a_prompt_is_an_interruption_not_a_core_dump(isolated_home: Path, prompt: str) -> None:
    ptyutil = pytest.importorskip("ptyutil", reason="needs pexpect for a real terminal")
    args = ("--hold", "60", "--only", "childs-pose") + (() if prompt.startswith("Back") else ("--no-checkin",))
    child = ptyutil.spawn(ptyutil.routine_argv(*args), env=ptyutil.pty_env(isolated_home))
    try:
        child.expect_exact(prompt)
        child.sendcontrol("\\")
        assert ptyutil.finish(child) == 130
    finally:
        if child.isalive():
            child.close(force=True)
    assert "Traceback" not in ptyutil.transcript(child)


def test_a_huge_columns_on_a_real_terminal_is_held_to_its_real_width(isolated_home: Path) -> None:
    ptyutil = pytest.importorskip("ptyutil", reason="needs pexpect for a real terminal")
    env = ptyutil.pty_env(isolated_home, COLUMNS="100000")
    child = ptyutil.spawn([sys.executable, "-m", "stretchcoach", "safety"], env=env, dimensions=(24, 80))
    try:
        assert ptyutil.finish(child) == 0
    finally:
        if child.isalive():
            child.close(force=True)
    lines = ptyutil.plain(ptyutil.transcript(child)).splitlines()
    assert lines, "nothing drawn"
    assert max(len(line) for line in lines) <= 80


def test_under_nohup_a_hangup_does_not_end_the_routine(isolated_home: Path) -> None:
    import signal

    env = {k: v for k, v in os.environ.items() if k != "STRETCHCOACH_DEBUG"} | {"STRETCHCOACH_HOME": str(isolated_home)}
    routine = subprocess.Popen(
        [*CLI, *ONE_SECOND, "--plain"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # what nohup does
    )
    try:
        assert routine.stdout is not None
        for line in routine.stdout:  # until the routine's timer has begun
            if line.startswith("[00:00]"):
                break
        routine.send_signal(signal.SIGHUP)
        out, err = routine.communicate(timeout=HANG_GUARD)
    finally:
        if routine.poll() is None:
            routine.kill()
            routine.wait()
    assert routine.returncode == 0, err
    assert "Routine complete." in out


def test_ctrl_c_the_moment_a_prompt_appears_is_never_lost(isolated_home: Path) -> None:
    """A Ctrl-C between the prompt being written and the read beginning must still interrupt."""
    ptyutil = pytest.importorskip("ptyutil", reason="needs pexpect for a real terminal")
    for attempt in range(4):
        child = ptyutil.spawn(
            ptyutil.routine_argv("--hold", "60", "--only", "childs-pose", "--no-checkin"),
            env=ptyutil.pty_env(isolated_home / str(attempt)),
        )
        child.delaybeforesend = 0
        try:
            child.expect_exact("Press Enter")  # the first words of the prompt: the rest may not be written yet
            child.sendintr()
            assert ptyutil.finish(child) == 130, f"attempt {attempt}"
        finally:
            if child.isalive():
                child.close(force=True)


def test_what_was_typed_during_the_routine_does_not_answer_the_next_prompt(isolated_home: Path) -> None:
    ptyutil = pytest.importorskip("ptyutil", reason="needs pexpect for a real terminal")
    args = ("--hold", "1", "--prep", "0", "--only", "childs-pose", "--plain")
    child = ptyutil.spawn(ptyutil.routine_argv(*args), env=ptyutil.pty_env(isolated_home))
    try:
        child.expect_exact("Back pain right now")
        child.sendline("3")
        child.expect_exact("Press Enter to begin")
        child.sendline("")
        child.expect_exact("[00:00]")
        child.send("7\r")  # typed while the hold runs: not an answer to anything yet
        child.expect_exact("After the routine: Back pain right now")
        child.sendline("2")
        assert ptyutil.finish(child) == 0
    finally:
        if child.isalive():
            child.close(force=True)
    db = sqlite3.connect(isolated_home / "data" / "history.sqlite3")
    try:
        assert db.execute("SELECT pain_before, pain_after FROM sessions").fetchall() == [(3, 2)]
    finally:
        db.close()
