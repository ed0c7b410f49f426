"""Hardening: hostile catalog files, random arguments, odd terminals, and ``kill -9`` mid-routine.

Everything here goes through the real command: a subprocess (``python -m
stretchcoach``), a real pseudo-terminal, or Typer's ``CliRunner`` for the
argument fuzzing. Subprocess timeouts are hang guards, not speed claims (speed
is what ``bench/run.py`` measures). The long kill test is marked ``slow`` and
runs only with ``STRETCHCOACH_SLOW=1 python -m pytest -m slow``.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer.main
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from stretchcoach.cli import app

# Stretches held for a second or so: the built-in catalog without its minimum holds.
pytestmark = pytest.mark.usefixtures("quick_holds")

CLI = [sys.executable, "-m", "stretchcoach"]
HANG_GUARD = 10  # seconds before a command counts as hung; not a speed claim
# No command run here may write a file bigger than this (the catalog cache included):
# a test must never be able to fill the disk, even when the code under test misbehaves.
MAX_WRITTEN = 64 * 2**20

slow = pytest.mark.slow
needs_slow = pytest.mark.skipif(
    os.environ.get("STRETCHCOACH_SLOW") != "1", reason="long; run with STRETCHCOACH_SLOW=1 python -m pytest -m slow"
)


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """This environment with stretchcoach, and anything that looks for a home, pointed at ``home``.

    Module fixtures run before conftest's autouse fixture has isolated the environment.
    """
    env = {k: v for k, v in os.environ.items() if k != "STRETCHCOACH_DEBUG"}  # it would show tracebacks
    env.update(
        STRETCHCOACH_HOME=str(home),
        HOME=str(home / "home"),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        XDG_CACHE_HOME=str(home / "xdg-cache"),
    )
    return env | extra


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_WRITTEN, MAX_WRITTEN))


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str
    hung: bool = False


def run_cli(*argvs: list[str], home: Path, cwd: Path) -> list[Ran]:
    """Run each ``stretchcoach ARGV`` at once, each in its own process; return how each ended.

    Call it from the main thread only: ``preexec_fn`` is not safe while other threads run.
    """
    env = isolated_env(home)
    procs = [
        subprocess.Popen(
            [*CLI, *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            preexec_fn=_limit_file_size,
        )
        for argv in argvs
    ]
    results = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=HANG_GUARD)
            hung = False
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            hung = True
        results.append(Ran(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), hung))
    return results


# -- 1. hostile catalog files, through `validate FILE` and `--catalog FILE list` ------------------------


def _nested_aliases(levels: int = 9, width: int = 9) -> list[str]:
    """Anchors x0..x8, each a list of ``width`` copies of the one before: 9**9 "lol"s if expanded."""
    first = "&x0 [" + ", ".join(['"lol"'] * width) + "]"
    return [first] + [f"&x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]" for i in range(1, levels)]


def alias_bomb_at_top_level(folder: Path) -> Path:
    anchors = _nested_aliases()
    text = "".join(f"x{i}: {anchor}\n" for i, anchor in enumerate(anchors))
    return write(folder / "bomb.yaml", text)


def alias_bomb_in_fields(folder: Path) -> Path:
    """The anchors inside an optional list field, then ``*x8`` wherever a list of text belongs."""
    anchors = ", ".join(_nested_aliases())
    text = f"""\
version: 1
stretches:
  - id: bomb
    name: Bomb
    targets: [back]
    setup: Lie down.
    feel: Nothing.
    hold: 30
    cautions: [{anchors}]
    steps: *x8
    tips: *x8
routines:
  - id: boom
    name: Boom
    steps: *x8
"""
    return write(folder / "bomb.yaml", text)


def alias_bomb_of_text(folder: Path) -> Path:
    """A 1 MiB scalar aliased 512 times in a list of text: a 1 MiB file that is half a GiB of catalog."""
    text = f"""\
version: 1
stretches:
  - id: amplified
    name: Amplified
    targets: [back]
    setup: &big {"a" * 2**20}
    steps: [Breathe.]
    feel: Nothing much.
    hold: 30
    tips: [{", ".join(["*big"] * 512)}]
"""
    return write(folder / "amplified.yaml", text)


def fifty_megabytes(folder: Path) -> Path:
    path = folder / "huge.yaml"
    with path.open("wb") as file:
        file.write(b"version: 1\n#")
        file.write(b"x" * (50 * 2**20))  # one 50 MiB comment line
        file.write(b"\n")
    return path


def deep_flow_lists(folder: Path) -> Path:
    return write(folder / "deep.yaml", "version: 1\nwarning: " + "[" * 10_000 + "]" * 10_000 + "\n")


def deep_flow_mappings(folder: Path) -> Path:
    return write(folder / "deep.yaml", "version: 1\nwarning: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n")


def deep_block_lists(folder: Path) -> Path:
    """Block style, 10,000 levels in 20 kB: each "- " opens a list inside the one before."""
    return write(folder / "deep.yaml", "version: 1\nwarning:\n" + "- " * 10_000 + "x\n")


def latin1_bytes(folder: Path) -> Path:
    path = folder / "latin1.yaml"
    path.write_bytes(b"version: 1\nwarning: Caf\xe9 au lait, then stretch.\n")
    return path


def tab_indented(folder: Path) -> Path:
    text = "version: 1\nroutines:\n\t- id: tabbed\n\t  name: Tabbed\n\t  steps: [cat-cow]\n"
    return write(folder / "tabs.yaml", text)


def python_tag(tag: str, *, in_field: bool) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        value = f'!!python/{tag}:os.system ["touch {folder / "MARKER"}"]'
        text = f"version: 1\nwarning: {value}\nstretches:\n  - {value}\n" if in_field else f"{value}\n"
        return write(folder / "tagged.yaml", text)

    return make


def empty_file(folder: Path) -> Path:
    return write(folder / "empty.yaml", "")


def a_directory(folder: Path) -> Path:
    path = folder / "catalog.d"
    path.mkdir()
    return path


def dev_zero(folder: Path) -> Path:
    return Path("/dev/zero")


def fifo(folder: Path) -> Path:
    path = folder / "catalog.yaml"
    os.mkfifo(path)  # no writer: a reader that opens it plainly waits for ever
    return path


def unreadable(folder: Path) -> Path:
    path = write(folder / "secret.yaml", "version: 1\n")
    path.chmod(0)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Hostile:
    make: Callable[[Path], Path]
    says: str | None  # what the first problem says; None: any clear refusal will do
    as_root: bool = True  # False: root could read it anyway, so the case means nothing


HOSTILE = {
    # Refused now by the fields the aliases stand in; a limit on aliases may refuse them sooner.
    "alias-bomb-top-level": Hostile(alias_bomb_at_top_level, None),
    "alias-bomb-fields": Hostile(alias_bomb_in_fields, None),
    "alias-bomb-of-text": Hostile(alias_bomb_of_text, None),
    "50MB": Hostile(fifty_megabytes, r"file is 50\.0 MiB; a catalog may be at most 16 MiB"),
    "deep-flow-lists": Hostile(deep_flow_lists, r"invalid YAML: nested more than \d+ levels deep"),
    "deep-flow-mappings": Hostile(deep_flow_mappings, r"invalid YAML: nested more than \d+ levels deep"),
    "deep-block-lists": Hostile(deep_block_lists, r"invalid YAML: nested more than \d+ levels deep"),
    "not-utf8": Hostile(latin1_bytes, r":2:13: the file is not UTF-8 text \(byte 0xe9\)"),
    "tabs": Hostile(tab_indented, r":3:1: invalid YAML: "),
    "python-apply-top": Hostile(python_tag("object/apply", in_field=False), r"\(top level\): expected a mapping"),
    "python-apply-field": Hostile(python_tag("object/apply", in_field=True), r"warning: expected text"),
    "python-new-top": Hostile(python_tag("object/new", in_field=False), r"\(top level\): expected a mapping"),
    "python-new-field": Hostile(python_tag("object/new", in_field=True), r"warning: expected text"),
    "empty": Hostile(empty_file, r"the file is empty"),
    "directory": Hostile(a_directory, r"is a directory"),
    "dev-zero": Hostile(dev_zero, r"not a regular file"),
    "fifo": Hostile(fifo, r"not a regular file"),
    "unreadable": Hostile(unreadable, r"permission denied", as_root=False),
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=[] if case.as_root else pytest.mark.skipif(os.geteuid() == 0, reason="root reads it"))
        for name, case in HOSTILE.items()
    ],
)
def test_a_hostile_catalog_is_refused_with_one_line_per_problem(name: str, tmp_path: Path) -> None:
    where = tmp_path / "case"
    where.mkdir()
    path = HOSTILE[name].make(where)
    checked, listed = run_cli(["validate", str(path)], ["--catalog", str(path), "list"], home=tmp_path, cwd=tmp_path)
    if path.is_file() and path.stat().st_size > 2**20:
        path.unlink()  # keep 50 MB out of the temporary directories pytest keeps
    for ran in (checked, listed):
        assert not ran.hung, f"still running after {HANG_GUARD} s"
        assert "Traceback" not in ran.stdout + ran.stderr, ran.stderr
        assert (ran.returncode, ran.stdout) == (2, ""), ran
    *problems, summary = checked.stderr.splitlines()
    assert problems, checked.stderr
    for line in problems:
        assert line.startswith(f"{path}:"), line
    assert summary == "stretchcoach: 1 of 1 catalog file failed validation"
    (error,) = listed.stderr.splitlines()
    assert error.startswith(f"stretchcoach: {path}:"), error
    says = HOSTILE[name].says
    if says is not None:
        assert re.search(says, problems[0]), problems[0]
        assert re.search(says, error), error
    assert not (where / "MARKER").exists(), "a YAML tag ran a command"


def test_a_utf8_bom_is_accepted(tmp_path: Path, isolated_home: Path) -> None:
    path = tmp_path / "bom.yaml"
    text = """\
version: 1
stretches:
  - id: bom-reach
    name: BOM reach
    targets: [shoulders]
    setup: Stand tall.
    steps: [Reach up.]
    feel: A gentle stretch.
    hold: 20s
routines:
  - id: bom-routine
    name: BOM routine
    steps: [bom-reach]
"""
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    checked, listed = run_cli(
        ["validate", str(path)], ["--catalog", str(path), "list"], home=isolated_home, cwd=tmp_path
    )
    assert checked == Ran(0, f"ok: {path}: 1 stretch, 1 routine, over the built-in catalog\n", "")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert "bom-reach" in listed.stdout
    assert "bom-routine" in listed.stdout


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["show", b"caf\xe9"], r"^stretchcoach: no stretch 'caf\\udce9'; "),
        (["validate", b"caf\xe9.yaml"], r"^caf\\udce9\.yaml: no such file\n"),
        ([b"--catalog", b"caf\xe9.yaml", "list"], r"^stretchcoach: caf\\udce9\.yaml: no such file\n$"),
        (
            ["routine", "--plan", "--only", b"\xff"],
            r"^stretchcoach: --only: routine 'back-relief' has no stretch '\\udcff'",
        ),
    ],
    ids=["show", "validate", "catalog", "only"],
)
def test_arguments_that_are_not_utf8_get_a_clean_error(
    argv: list[str | bytes], says: str, tmp_path: Path, isolated_home: Path
) -> None:
    """A shell passes any bytes; Python turns the undecodable ones into surrogate escapes."""
    proc = subprocess.run(
        [*CLI, *argv],
        capture_output=True,
        env=isolated_env(isolated_home),
        cwd=tmp_path,
        timeout=HANG_GUARD,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert (proc.returncode, proc.stdout) == (2, b""), stderr
    assert "Traceback" not in stderr
    assert re.search(says, stderr), stderr


# -- 2. random arguments for every command, through CliRunner ------------------------------------------

ROOT = typer.main.get_command(app)
# remind talks to the system's scheduler: its tests (test_remind_*) run it against fake commands only.
# sound-test plays sounds through this computer's player: its options are tested in test_sound_cli.
COMMANDS = sorted(set(ROOT.commands) - {"remind", "sound-test"})
# --debug lets errors through as tracebacks on purpose; the completion options install
# into, or inspect, the user's shell.
UNFUZZED = {"--debug", "--install-completion", "--show-completion"}


# What a shell can pass: any text but NUL; undecodable bytes arrive as surrogate escapes,
# which the subprocess test above covers (CliRunner's own output cannot encode them).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "NaN", "-nan", "inf", "-inf", "1e309", "-0", "0", "0.49", "120.01", "0x10", "1_0"]),
    st.sampled_from(["٣", "²", "9" * 5000]),
)
DURATIONS = st.one_of(
    st.integers(min_value=-5, max_value=4000).map(str),
    st.tuples(st.integers(0, 70), st.integers(0, 70)).map(lambda ms: f"{ms[0]}m{ms[1]}s"),
    st.sampled_from(["30s", "1m", "60m", "61m", "0s", "1m 30s", "1 min", "30 sec", "m", "s", "1h"]),
)
WORDS = st.sampled_from(
    [
        *COMMANDS,
        "",
        " ",
        "-",
        "--",
        "back-relief",
        "cat-cow",
        "childs-pose,cat-cow",
        ",,",
        "Child's pose",
        "balasana",
        "ñandú",
        "🧘",
        "/",
        ".",
        "/dev/null",
        "/nonexistent/catalog.yaml",
    ]
)
VALUES = st.one_of(NUMBERS, TEXT, WORDS)


def _values_for(param: Any) -> st.SearchStrategy[str] | None:
    """Values for an option, most of them near what it accepts; None for a flag."""
    if param.is_flag:
        return None
    kind = type(param.type).__name__
    if kind == "IntRange":
        return st.one_of(st.integers(param.type.min - 2, param.type.max + 2).map(str), NUMBERS)
    if kind == "FloatRange":
        return st.one_of(st.floats(param.type.min - 1, param.type.max + 1).map(str), NUMBERS)
    if kind == "FuncParamType":  # the duration parsers
        return st.one_of(DURATIONS, NUMBERS)
    return VALUES


def _options(params: list[Any]) -> dict[str, st.SearchStrategy[str] | None]:
    found = {
        name: _values_for(p)
        for p in params
        if p.param_type_name == "option"
        for name in (*p.opts, *p.secondary_opts)
        if name not in UNFUZZED
    }
    return found | {"-h": None, "--help": None}


ROOT_OPTIONS = _options(ROOT.params)
OPTIONS = {name: _options(command.params) for name, command in ROOT.commands.items()}


def _option_items(options: dict[str, st.SearchStrategy[str] | None]) -> st.SearchStrategy[list[str]]:
    """An option with a value of its kind, or a flag alone."""

    def with_value(name: str) -> st.SearchStrategy[list[str]]:
        values = options[name]
        return st.just([name]) if values is None else values.map(lambda value: [name, value])

    return st.sampled_from(sorted(options)).flatmap(with_value)


def command_argv(command: str) -> st.SearchStrategy[list[str]]:
    """Perhaps a global option, the command, then a mix of its options, values and loose words.

    ``--catalog`` always comes with its value, so the command is always the one
    chosen; ``routine`` always gets ``--plan`` first, so no routine ever starts.
    """
    options = OPTIONS[command]
    item = st.one_of(
        _option_items(options),
        st.sampled_from(sorted(options)).map(lambda name: [name]),  # perhaps missing its value
        VALUES.map(lambda value: [value]),
    )
    # Mostly none: --version and --help end every command before it starts.
    root = st.sampled_from(["", "", "", "option"]).flatmap(
        lambda which: _option_items(ROOT_OPTIONS) if which else st.just([])
    )
    first = [command, "--plan"] if command == "routine" else [command]
    return st.tuples(root, st.lists(item, max_size=6)).map(
        lambda parts: [*parts[0], *first, *(token for tokens in parts[1] for token in tokens)]
    )


# Options that take a number or a duration, with the command they belong to.
NUMBER_OPTIONS = sorted(
    (name, option)
    for name, command in ROOT.commands.items()
    if name in COMMANDS
    for p in command.params
    if p.param_type_name == "option" and type(p.type).__name__ in ("IntRange", "FloatRange", "FuncParamType")
    for option in p.opts
)
ANY_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.sampled_from(["nan", "-nan", "NaN", "inf", "-Infinity", "1e309", "1e-400", "-0.0", " 5 ", "1_0", "0x1f", "٣"]),
    DURATIONS,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("empty")


def invoke(argv: list[str], cwd: Path) -> Any:
    """Run ``stretchcoach ARGV`` in-process; a routine that would really start fails the test instead."""
    with (
        mock.patch("stretchcoach.commands.routine.run", side_effect=AssertionError("a routine started")),
        contextlib.chdir(cwd),  # relative FILE arguments find nothing
    ):
        return runner.invoke(app, argv)


def assert_clean_exit(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    # 1 is for a routine that ran and ended early; none runs here.
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    if result.exit_code == 2:
        # Ends in one line in stretchcoach's words (validate lists each problem before it).
        assert result.stderr.splitlines()[-1].startswith("stretchcoach: "), result.output
    else:
        assert result.stderr == ""
        assert result.stdout.strip()


@settings(max_examples=150, deadline=None)
@given(argv=st.sampled_from(COMMANDS).flatmap(command_argv))
@example(argv=["routine", "--plan", "--hold", "9" * 5000])
@example(argv=["history", "--days", "99999999999999999999"])
@example(argv=["show", "--json", ""])
@example(argv=["validate", "--", "-"])
@example(argv=["--catalog", "", "list", "--json"])
@example(argv=["safety", "--help"])
def test_random_arguments_end_in_a_clean_exit(argv: list[str], empty_dir: Path) -> None:
    assert_clean_exit(invoke(argv, empty_dir))


@settings(max_examples=100, deadline=None)
@given(option=st.sampled_from(NUMBER_OPTIONS), value=ANY_NUMBER)
@example(option=("routine", "--minutes"), value="nan")  # the bug below, every run
def test_number_options_take_any_number_cleanly(option: tuple[str, str], value: str, empty_dir: Path) -> None:
    command, name = option
    first = [command, "--plan"] if command == "routine" else [command]
    assert_clean_exit(invoke([*first, name, value], empty_dir))


@pytest.mark.parametrize("value", ["nan", "NaN", "-nan"])
def test_minutes_must_be_a_number(value: str, empty_dir: Path) -> None:
    """--minutes nan is refused as a usage error: it passes a range check, since it compares false."""
    result = invoke(["routine", "--plan", "--minutes", value], empty_dir)
    assert_clean_exit(result)
    assert result.exit_code == 2
    assert "--minutes" in result.stderr


# -- 3 and 4: routines that take seconds -------------------------------------------------------------
#
# Each routine below spends its seconds waiting on its timer; pytest-xdist runs these tests
# side by side with the rest.

PTY_ROUTINE = ("--yes", "--no-checkin", "--hold", "1", "--prep", "0", "--switch", "0")
PTY_ROUTINE += ("--only", "supine-hip-flexor")  # left side, right side: 1 s each
PTY_ONE = ("--yes", "--no-checkin", "--hold", "1", "--prep", "0", "--only", "childs-pose")  # one 1 s hold
KILL_ROUTINE = ("routine", "--yes", "--no-checkin", "--plain", "--hold", "1", "--reps", "1")
KILL_ROUTINE += ("--prep", "0", "--rest", "0", "--switch", "0")
STEP_LINE = re.compile(r"^\[\d\d:\d\d\] ", re.MULTILINE)
STARTUP_GUARD = 30  # seconds for a routine to show its first step on a busy machine; a hang guard
LOCALE_VARIABLES = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8")
COLOUR_CODES = {*range(30, 50), *range(90, 98), *range(100, 108)}  # SGR foreground and background colours
KILLED = 5  # routines killed at random moments, all on one history


@dataclass(frozen=True)
class PtyRun:
    status: int  # as a shell's $? shows it
    text: str  # everything the terminal received
    home: Path


def pty_run(folder: Path, *args: str, sigcont: bool = False, **extra: str) -> PtyRun:
    """The routine with ``args`` in a real pseudo-terminal, run to its end (``sigcont``: poked twice on the way)."""
    ptyutil = pytest.importorskip("ptyutil", reason="the terminal tests drive a real pty with pexpect")
    env = {k: v for k, v in ptyutil.pty_env(folder / "home").items() if k not in LOCALE_VARIABLES}
    env.update(HOME=str(folder), XDG_CONFIG_HOME=str(folder / "xdg-config"), XDG_DATA_HOME=str(folder / "xdg-data"))
    child = ptyutil.spawn(ptyutil.routine_argv(*args), env=env | extra)
    try:
        if sigcont:
            for _ in range(2):  # twice, a frame apart: once could be luck
                ptyutil.read_frame(child)
                os.kill(child.pid, signal.SIGCONT)
        status = ptyutil.finish(child)
    finally:
        if child.isalive():
            child.close(force=True)
    return PtyRun(status, ptyutil.transcript(child), folder / "home")


class Routine:
    """``stretchcoach routine`` in plain mode, tagged by its pain-before number, read as it runs."""

    def __init__(self, home: Path, tag: int) -> None:
        env = isolated_env(home, PYTHONUNBUFFERED="1")
        argv = [*CLI, *KILL_ROUTINE, "--pain-before", str(tag)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert self.proc.stdout is not None
        self.stdout = self.proc.stdout
        self.seen = b""

    def wait_for_steps(self, count: int, timeout: float) -> bool:
        """Read until ``count`` step lines have appeared, or ``timeout`` seconds pass."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout
            while self.steps_seen() < count:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return False
                chunk = os.read(self.stdout.fileno(), 65536)
                if not chunk:
                    return False
                self.seen += chunk
        return True

    def steps_seen(self) -> int:
        return len(STEP_LINE.findall(self.seen.decode("utf-8", "replace")))

    def kill(self) -> int:
        """SIGKILL it, then read every line it wrote before it died; return how many were step lines."""
        self.proc.kill()
        self.proc.wait(timeout=HANG_GUARD)
        self.seen += self.stdout.read()
        self.stdout.close()
        return self.steps_seen()


def kill_after(routine: Routine, delay: float) -> int:
    """SIGKILL ``routine`` ``delay`` seconds after its first step shows; return the steps it showed."""
    try:
        assert routine.wait_for_steps(1, STARTUP_GUARD), routine.seen.decode("utf-8", "replace")[-2000:]
        time.sleep(delay)
    finally:
        shown = routine.kill()
    return shown


# -- 3. odd terminals, in a real pseudo-terminal ---------------------------------------------------------


def screen_text(text: str) -> str:
    """``text`` without escape sequences: roughly what a person reads."""
    return re.sub(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>])", "", text)


def test_the_c_locale_runs_the_routine_to_the_end(tmp_path: Path) -> None:
    # Python turns on its UTF-8 mode by itself in the C locale (PEP 540)...
    run = pty_run(tmp_path, *PTY_ONE, LANG="C", LC_ALL="C")
    assert "Traceback" not in run.text, screen_text(run.text)[-2000:]
    assert run.status == 0
    assert "Routine complete. Well done." in screen_text(run.text)


def test_an_ascii_terminal_runs_the_routine_to_the_end(tmp_path: Path) -> None:
    """With an ASCII stdout, characters such as the intro's "·" are replaced, never a UnicodeEncodeError."""
    # ... unless told not to: then stdout really is ASCII, as in any locale that is not UTF-8.
    run = pty_run(tmp_path, *PTY_ONE, LANG="C", LC_ALL="C", PYTHONUTF8="0")
    assert "Traceback" not in run.text, screen_text(run.text)[-2000:]
    assert run.status == 0
    assert "Routine complete. Well done." in screen_text(run.text)
    assert run.text.isascii(), "non-ASCII sent to a terminal whose encoding is ASCII"


def test_no_color_plain_lines_have_no_colour(tmp_path: Path) -> None:
    run = pty_run(tmp_path, *PTY_ROUTINE, "--plain", NO_COLOR="1")
    assert run.status == 0, screen_text(run.text)[-2000:]
    for params in re.findall(r"\x1b\[([0-9;]*)m", run.text):
        codes = {int(p) for p in params.split(";") if p}
        assert not codes & COLOUR_CODES, f"colour in \\x1b[{params}m"
    # A bell (\a) may come just before a line: it rings as the step starts.
    steps = re.findall(r"^\a*(\[\d\d:\d\d\] .*?) —", run.text, flags=re.MULTILINE)
    assert steps == [f"[00:0{n}] Supine hip flexor stretch" for n in range(2)]
    assert "Routine complete. Well done." in run.text


def test_sigcont_without_a_stop_changes_nothing(tmp_path: Path) -> None:
    """`kill -CONT` out of the blue: the routine neither pauses nor restarts a step, and ends as usual."""
    run = pty_run(tmp_path, *PTY_ROUTINE, sigcont=True)
    assert run.status == 0, screen_text(run.text)[-2000:]
    shown = screen_text(run.text)
    assert "PAUSED" not in shown
    assert "Routine complete. Well done." in shown
    on, off = "\x1b[?1049h", "\x1b[?1049l"  # the alternate screen, entered and left
    assert run.text.count(on) == run.text.count(off) >= 1, "the alternate screen was not left"
    assert run.text.rfind(off) > run.text.rfind(on), "the alternate screen was not left"
    assert run.text.rfind("\x1b[?25h") > run.text.rfind("\x1b[?25l"), "the cursor was left hidden"
    ((_, outcome, _),) = recorded(run.home / "data" / "history.sqlite3")
    assert outcome == "completed"
    db = sqlite3.connect(run.home / "data" / "history.sqlite3")
    try:
        steps = db.execute("SELECT status, seconds, planned_seconds FROM steps ORDER BY idx").fetchall()
    finally:
        db.close()
    assert steps == [("done", 1.0, 1)] * 2


# -- 4. kill -9 at random moments: the history keeps every finished step ------------------------------


def recorded(db_path: Path) -> list[tuple[int | None, str | None, list[str]]]:
    """(pain-before tag, outcome, step statuses) of every session, oldest first; the file checked whole."""
    db = sqlite3.connect(db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        sessions = db.execute("SELECT id, pain_before, outcome FROM sessions ORDER BY id").fetchall()
        return [
            (
                tag,
                outcome,
                [s for (s,) in db.execute("SELECT status FROM steps WHERE session_id = ? ORDER BY idx", (sid,))],
            )
            for sid, tag, outcome in sessions
        ]
    finally:
        db.close()


def assert_finished_steps_kept(statuses: list[str], shown: int, *, run: int) -> None:
    """``shown`` step lines appeared: every step before the last one shown is done, none after it."""
    assert 1 <= shown < len(statuses), (run, shown, statuses)
    assert statuses[: shown - 1] == ["done"] * (shown - 1), (run, shown, statuses)
    assert "done" not in statuses[shown:], (run, shown, statuses)  # nothing is done before it is shown


def test_five_routines_killed_at_random_moments_keep_their_finished_steps(isolated_home: Path) -> None:
    """Five at once on one history, so kills land while others wait for (or hold) the write lock."""
    rng = random.Random(5)
    routines = [Routine(isolated_home, tag) for tag in range(KILLED)]  # started here, in the main thread
    with ThreadPoolExecutor(max_workers=KILLED) as pool:
        shown = list(pool.map(kill_after, routines, [rng.uniform(0.3, 4.0) for _ in routines]))
    sessions = sorted(recorded(isolated_home / "data" / "history.sqlite3"), key=lambda s: s[0] or 0)
    assert [tag for tag, _, _ in sessions] == list(range(KILLED))
    for tag, outcome, statuses in sessions:
        assert outcome is None  # killed: never finished
        assert_finished_steps_kept(statuses, shown[tag or 0], run=tag or 0)


def test_a_locked_history_holds_no_step_back_and_loses_nothing(isolated_home: Path) -> None:
    """Another process holding the write lock: the steps still come on time (the history is
    behind, and says so), and once the lock goes every step shown is saved, so a kill then
    loses nothing. (With the history free, each step is saved before the next is shown: the
    five-kill test above.)"""
    db_path = isolated_home / "data" / "history.sqlite3"
    routine = Routine(isolated_home, 0)
    db: sqlite3.Connection | None = None
    try:
        assert routine.wait_for_steps(1, STARTUP_GUARD), routine.seen.decode("utf-8", "replace")[-2000:]
        first = time.monotonic()
        db = sqlite3.connect(db_path, isolation_level=None, timeout=HANG_GUARD)
        db.execute("BEGIN IMMEDIATE")
        assert routine.wait_for_steps(3, 5)  # two more 1 s steps while it is locked
        late = time.monotonic() - first - 2.0
        assert late < 0.25 + 0.75, f"steps held back {late:.2f} s by the lock"  # HOLD_SECONDS, once, and slack
        assert b"History " in routine.seen  # the one line saying the history is behind
        db.execute("ROLLBACK")
        db.close()
        db = None
        assert routine.wait_for_steps(routine.steps_seen() + 1, 5)  # a save is retried within half a second
    finally:
        shown = routine.kill()
        if db is not None:
            db.execute("ROLLBACK")
            db.close()
    ((_, _, statuses),) = recorded(db_path)
    assert statuses[: shown - 1] == ["done"] * (shown - 1), f"{shown} steps shown, recorded: {statuses}"


@slow
@needs_slow
def test_fifty_routines_killed_at_random_moments_keep_their_finished_steps(isolated_home: Path) -> None:
    """One after the other on one history: each starts on the WAL the one before left behind."""
    rng = random.Random(50)
    shown = [kill_after(Routine(isolated_home, run % 11), rng.uniform(0.3, 6.0)) for run in range(50)]
    sessions = recorded(isolated_home / "data" / "history.sqlite3")
    assert len(sessions) == 50
    assert [tag for tag, _, _ in sessions] == [run % 11 for run in range(50)]
    for run, (_, outcome, statuses) in enumerate(sessions):
        assert outcome is None  # killed: never finished
        assert_finished_steps_kept(statuses, shown[run], run=run)
