"""Drive ``stretchcoach routine`` in a real pseudo-terminal, for tests/test_pty.py.

Three ways to run it:

* :func:`spawn` starts the routine as the only process on a fresh terminal.
* :class:`Shell` is an interactive bash with job control, so a test can compare
  ``stty -g`` before and after, read ``$?``, press Ctrl-Z and type ``fg``.
* Running this file (``python ptyutil.py CMD...``) is a tiny job-control shell
  that, unlike bash, never resets the terminal when its job stops: it reports
  whether the job itself put the terminal modes back before stopping.

Everything the terminal received is kept in ``child.logfile_read`` (see
:func:`transcript`) so a failing test can show what a person would have seen.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import signal
import sys
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pexpect
import pytest

from helpers import use_quick_holds

# Generous: a slow, busy two-core CI machine takes a second just to import Rich.
TIMEOUT = 20
ROWS, COLS = 24, 80

_SMALL = ("--reps", "1", "--only", "supine-hip-flexor,childs-pose", "--no-checkin")
_NO_GAPS = ("--prep", "0", "--rest", "0", "--switch", "0")
# Runs to the end in 1 s: child's pose, held for a second.
ONE = ("--hold", "1", *_NO_GAPS, "--only", "childs-pose", "--no-checkin")
# Runs to the end in about 3 s: left side, right side, child's pose, 1 s each.
QUICK = ("--hold", "1", *_NO_GAPS, *_SMALL)
# Every kind of step (get ready, hold, switch sides, rest), 1 s each, 7 s in all.
SHORT = ("--hold", "1", "--prep", "1", "--rest", "1", "--switch", "1", *_SMALL)
# Starts on a 60 s hold and never moves on by itself while a test presses keys.
LONG = ("--hold", "60", "--prep", "0", "--rest", "30", "--switch", "30", *_SMALL)

ALT_SCREEN_ON, ALT_SCREEN_OFF = "\x1b[?1049h", "\x1b[?1049l"
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
FRAME_START = "\x1b[H"  # every redraw of the full-screen view starts at the top left
# The live view's panel ends with its bottom line, "╰─ q quit · … ─╯" (a picture may have a ╯ of its
# own): a frame ends at the first ╯ after the key hints, which begin "q quit".
PANEL_BOTTOM, PANEL_END = "q quit", "╯"
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>])")
CLOCK = re.compile(r"(\d+):(\d\d)")  # in the compact view, the first m:ss is the step's countdown

# Variables that would change what Rich draws, where stretchcoach keeps its files, or how its output is
# buffered (PYTHONUNBUFFERED, set on many CI machines, hid what a closed terminal left unwritten).
_DROPPED = {"COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "ACCESSIBLE", "STRETCHCOACH_DEBUG", "TERM"}
_DROPPED |= {"PYTHONUNBUFFERED"}
_DROPPED |= {"BASH_ENV", "ENV", "PROMPT_COMMAND", "PS0", "PS1", "CDPATH", "TMUX"}


def routine_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "stretchcoach", "routine", *args]


def pty_env(home: Path, **extra: str) -> dict[str, str]:
    """The test's environment, minus anything that would steer Rich, plus a private home."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update(STRETCHCOACH_HOME=str(home), TERM="xterm-256color")
    env.update(extra)
    use_quick_holds(home)  # holds of a second: see helpers
    return env


def spawn(argv: Sequence[str], *, env: dict[str, str], dimensions: tuple[int, int] = (ROWS, COLS)) -> pexpect.spawn:
    child = pexpect.spawn(argv[0], list(argv[1:]), env=env, dimensions=dimensions, encoding="utf-8", timeout=TIMEOUT)
    child.logfile_read = io.StringIO()
    return child


def transcript(child: pexpect.spawn) -> str:
    """Everything the terminal has received so far, escape sequences included."""
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return log.getvalue()


def plain(text: str) -> str:
    """``text`` without escape sequences and bells: roughly what a person reads."""
    return ANSI.sub("", text).replace("\a", "")


def read_frame(child: pexpect.spawn, *, end: str | None = None) -> str:
    """The next redraw of the live view up to ``end`` (default: the panel's whole bottom line),
    escape sequences removed."""
    child.expect_exact(FRAME_START)
    if end is not None:
        child.expect_exact(end)
        return plain(child.before)
    child.expect_exact(PANEL_BOTTOM)
    above = child.before
    child.expect_exact(PANEL_END)
    return plain(above + PANEL_BOTTOM + child.before + PANEL_END)


def wait_frame(child: pexpect.spawn, wanted: Callable[[str], bool], *, end: str | None = None) -> str:
    """Read redraws until one is ``wanted``; fail after :data:`TIMEOUT` seconds."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        frame = read_frame(child, end=end)
        if wanted(frame):
            return frame
        assert time.monotonic() < deadline, f"no such frame within {TIMEOUT} s; the last one:\n{frame}"


def whole_frame(child: pexpect.spawn) -> str:
    """Everything from one redraw to the next, so nothing need mark a frame's end.

    Only while the countdown runs: nothing redraws while the routine is paused.
    """
    child.expect_exact(FRAME_START)
    deadline = time.monotonic() + TIMEOUT
    while True:
        child.expect_exact(FRAME_START)
        frame = plain(child.before)
        if frame.strip():  # the first redraw homes the cursor twice
            return frame
        assert time.monotonic() < deadline, f"only empty redraws for {TIMEOUT} s"


def countdown(frame: str) -> int:
    """Seconds the frame's countdown shows: its big digits, read back, or the compact view's m:ss."""
    from helpers import big_digits

    big = big_digits(frame.replace("\r", ""))
    found = CLOCK.fullmatch(big[0]) if big else CLOCK.search(frame)
    assert found, f"no countdown in frame:\n{frame}"
    return int(found[1]) * 60 + int(found[2])


def finish(child: pexpect.spawn) -> int:
    """Wait for the child to exit and return its exit status (128+n if a signal killed it)."""
    child.expect(pexpect.EOF)
    child.wait()
    if child.signalstatus is not None:
        return 128 + int(child.signalstatus)
    assert child.exitstatus is not None
    return int(child.exitstatus)


def hang_up(child: pexpect.spawn) -> int:
    """Close the terminal (as closing a terminal window does) and return the exit status."""
    child.ptyproc.fileobj.close()  # the kernel sends SIGHUP; writes now fail with EIO
    child.ptyproc.closed = child.closed = True  # nothing left for pexpect to close
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        pid, status = os.waitpid(child.pid, os.WNOHANG)
        if pid:
            return _shell_status(os.waitstatus_to_exitcode(status))
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    os.waitpid(child.pid, 0)
    raise AssertionError(f"still running {TIMEOUT} s after its terminal closed")


def _shell_status(code: int) -> int:
    """An exit code as a shell's ``$?`` shows it: 128+n for a process killed by signal n."""
    return code if code >= 0 else 128 - code


def cursor_shown_at_end(text: str) -> bool:
    """The cursor-show sequence comes after the last cursor-hide (if it was ever hidden)."""
    hidden = text.rfind(HIDE_CURSOR)
    return hidden < 0 or text.find(SHOW_CURSOR, hidden) > hidden


def alt_screen_left(text: str) -> bool:
    """Every switch to the alternate screen was undone, the last one after the last switch."""
    return text.count(ALT_SCREEN_ON) == text.count(ALT_SCREEN_OFF) and text.rfind(ALT_SCREEN_OFF) >= text.rfind(
        ALT_SCREEN_ON
    )


class Shell:
    """An interactive bash (job control on) whose prompt shows the last exit status."""

    PROMPT = r"\[rc=(\d+)\]\$ "

    def __init__(self, env: dict[str, str], *, dimensions: tuple[int, int] = (ROWS, COLS)) -> None:
        shell_env = dict(env, PS1="[rc=$?]$ ", HISTFILE="")  # an empty HISTFILE: no history written
        self.child = spawn(["bash", "--norc", "--noprofile", "--noediting", "-i"], env=shell_env, dimensions=dimensions)
        self.prompt()
        self.run("set -m")

    def prompt(self, timeout: float = TIMEOUT) -> int:
        """Wait for the next prompt; return the exit status it shows."""
        self.child.expect(self.PROMPT, timeout=timeout)
        return int(self.child.match[1])

    def run(self, command: str, timeout: float = TIMEOUT) -> int:
        self.child.sendline(command)
        return self.prompt(timeout)

    def stty(self) -> str:
        """``stty -g`` as the shell's next command sees the terminal."""
        self.child.sendline('echo "STTY<$(stty -g)>"')
        self.child.expect(r"STTY<([0-9a-fA-F:]+)>")
        modes = self.child.match[1]
        self.prompt()
        return str(modes)

    def start(self, argv: Sequence[str]) -> int:
        """Start ``argv`` as the foreground job; return its pid (the subshell execs it)."""
        self.child.sendline(f'(echo "PID=$BASHPID"; exec {shlex.join(argv)})')
        self.child.expect(r"PID=(\d+)")
        return int(self.child.match[1])

    def close(self) -> None:
        if self.child.isalive():
            self.child.close(force=True)


@contextlib.contextmanager
def terminals(make_argv: Callable[..., list[str]], env: dict[str, str]) -> Iterator[Callable[..., pexpect.spawn]]:
    """``start(*args, dimensions=..., **extra_env)`` runs ``make_argv(*args)`` alone on a fresh
    terminal; whatever is still running at the end is killed."""
    children: list[pexpect.spawn] = []

    def start(*args: str, dimensions: tuple[int, int] = (ROWS, COLS), **extra_env: str) -> pexpect.spawn:
        child = spawn(make_argv(*args), env=env | extra_env, dimensions=dimensions)
        children.append(child)
        return child

    yield start
    for child in children:
        if not child.closed and child.isalive():
            child.close(force=True)


@contextlib.contextmanager
def bash_shell(env: dict[str, str]) -> Iterator[Shell]:
    """A :class:`Shell`, closed at the end; the test is skipped where there is no bash."""
    if shutil.which("bash") is None:
        pytest.skip("needs bash for job control and stty")
    shell = Shell(env)
    yield shell
    shell.close()


def after_live_view(text: str) -> str:
    """What is left on the normal screen once the full-screen view is gone."""
    return plain(text[text.rfind(ALT_SCREEN_OFF) :] if ALT_SCREEN_OFF in text else text)


def assert_terminal_put_back(text: str) -> None:
    assert alt_screen_left(text), "the alternate screen was not left"
    assert cursor_shown_at_end(text), "the cursor was hidden and never shown again"


def job_control_argv(*argv: str) -> list[str]:
    """Run ``argv`` under the job-control shell below (this file as a script)."""
    return [sys.executable, str(Path(__file__).resolve()), *argv]


STOPPED = re.compile(r"\[job stopped; modes restored: (yes|no)\]\r?\n")
EXITED = re.compile(r"\[job exited (\d+); modes restored: (yes|no)\]")


def _job_control(argv: list[str]) -> int:
    """Like a shell running one foreground job, minus the shell's own terminal repairs.

    bash puts its saved terminal modes back whenever a job stops, which would hide
    a program that stops itself without undoing its cbreak mode. This one only
    reports: on a stop it prints whether the modes are as they were before the job
    started, then waits for SIGUSR1 (the test typing ``fg``) and continues the job.
    """
    fd = sys.stdin.fileno()
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # we hand the terminal back and forth
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    before = termios.tcgetattr(fd)
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)  # its own process group, not orphaned, so Ctrl-Z really stops it
        os.tcsetpgrp(fd, os.getpgrp())
        signal.signal(signal.SIGTTOU, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
        os.execvp(argv[0], argv)
    try:
        os.setpgid(pid, pid)
        os.tcsetpgrp(fd, pid)
    except OSError:  # the child got there first (or already exited)
        pass
    while True:
        _, status = os.waitpid(pid, os.WUNTRACED)
        os.tcsetpgrp(fd, os.getpgrp())
        same = "yes" if termios.tcgetattr(fd) == before else "no"
        if os.WIFSTOPPED(status):
            print(f"\r\n[job stopped; modes restored: {same}]", flush=True)
            signal.sigwait({signal.SIGUSR1})
            os.tcsetpgrp(fd, pid)
            os.killpg(pid, signal.SIGCONT)
            continue
        code = _shell_status(os.waitstatus_to_exitcode(status))
        print(f"\r\n[job exited {code}; modes restored: {same}]", flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(_job_control(sys.argv[1:]))
