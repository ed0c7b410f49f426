"""What the remind tests share: fake scheduler and notification commands on PATH, a settable
clock, the Edges bundle of fakes, a root app with `remind` attached, and a history to read.

No test touches the real user's scheduler: PATH holds only the fakes
(``tests/data/remind/fake_tool.py`` behind one wrapper per name), and HOME,
STRETCHCOACH_HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR are under tmp_path (the
autouse ``isolated_home`` fixture sets the first three).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from stretchcoach.remind.edges import Edges
from stretchcoach.remind.run import SubprocessRunner
from stretchcoach.remind_cli import remind_app

DATA = Path(__file__).resolve().parent / "data" / "remind"
FAKE_TOOL = DATA / "fake_tool.py"
ALL_TOOLS = ("systemctl", "launchctl", "crontab", "notify-send", "osascript", "paplay")
UID = 1000  # the launchd domain is gui/<uid>


class Tools:
    """Fake commands in a directory that is the whole of PATH, and what they were asked to do."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        # As the autouse isolated_home fixture does; set here too, so that this holds on its own.
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
        monkeypatch.setenv("STRETCHCOACH_HOME", str(tmp_path / "stretchcoach-home"))
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.log = tmp_path / "tools.jsonl"
        self.crontab = tmp_path / "crontab"
        self.unit_dir = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
        self.agents_dir = Path(os.environ["HOME"]) / "Library" / "LaunchAgents"
        runtime = tmp_path / "run"
        runtime.mkdir()
        monkeypatch.setenv("PATH", str(self.bin))
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
        monkeypatch.setenv("FAKE_LOG", str(self.log))
        monkeypatch.setenv("FAKE_CRONTAB", str(self.crontab))
        monkeypatch.setenv("FAKE_UNIT_DIR", str(self.unit_dir))
        monkeypatch.setenv("FAKE_LAUNCHD", str(tmp_path / "launchd-loaded.json"))
        monkeypatch.setenv("FAKE_FAIL", "")
        monkeypatch.setenv("FAKE_HANG", "")

    def add(self, *names: str) -> Tools:
        for name in names or ALL_TOOLS:
            wrapper = self.bin / name
            wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "{FAKE_TOOL}" {name} "$@"\n')
            wrapper.chmod(0o755)
        return self

    def remove(self, name: str) -> None:
        (self.bin / name).unlink()

    def fail(self, *patterns: str) -> None:
        self.monkeypatch.setenv("FAKE_FAIL", ",".join(patterns))

    def hang(self, *patterns: str) -> None:
        self.monkeypatch.setenv("FAKE_HANG", ",".join(patterns))

    def calls(self, name: str | None = None) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        entries = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [e for e in entries if name is None or e["name"] == name]

    def argvs(self, name: str) -> list[list[str]]:
        return [entry["argv"] for entry in self.calls(name)]

    def forget(self) -> None:
        self.log.unlink(missing_ok=True)


class Clock:
    """An aware wall clock that moves only when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> None:
        """Local wall-clock time, e.g. "2026-11-26 10:00" (the tests run with TZ=UTC)."""
        self.now = datetime.fromisoformat(text).replace(tzinfo=UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_edges(
    clock: Clock, *, platform: str = "linux", timeout: float = 10.0, played: list[str] | None = None
) -> Edges:
    return Edges(
        now=clock,
        runner=SubprocessRunner(timeout=timeout),
        platform=platform,
        env=os.environ,  # the monkeypatched environment: PATH is the fakes' directory
        uid=UID,
        executable=sys.executable,
        play=None if played is None else played.append,
    )


def root_app() -> typer.Typer:
    """The main app's command class (its one place for errors and exit codes) with `remind`
    attached, as cli.py will attach it; the real app itself once it has `remind`."""
    from stretchcoach import cli

    if any(group.name == "remind" for group in cli.app.registered_groups):
        return cli.app
    root = typer.Typer(
        cls=cli.app.info.cls, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False
    )

    @root.callback()
    def stretchcoach() -> None:
        """stretchcoach, with only its remind commands."""

    root.add_typer(remind_app, name="remind")
    return root


def invoke(edges: Edges, *args: str) -> Result:
    return CliRunner().invoke(root_app(), ["remind", *args], obj=edges, prog_name="stretchcoach")


def one_error_line(result: Result) -> str:
    """The error's one line on stderr, checked to be one line with no traceback."""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("stretchcoach: ")
    return lines[0].removeprefix("stretchcoach: ")


# -- a history to read --------------------------------------------------------------------------


def add_session(
    db_path: Path,
    started_at: datetime,
    *,
    outcome: str | None = "completed",
    pain_before: int | None = None,
    pain_after: int | None = None,
    seconds: float = 240.0,
) -> None:
    """One routine in the history, written with the schema's own columns (the migrations make
    the file; the rows are plain SQL, so the history's write API may change freely)."""
    from stretchcoach.history.migrations import migrate

    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        migrate(db)
        db.execute(
            "INSERT INTO sessions (started_at, local_day, routine, planned_seconds, pain_before, pain_after,"
            " outcome, ended_at, active_seconds) VALUES (?, ?, 'back-relief', 253, ?, ?, ?, ?, ?)",
            (
                started_at.astimezone(UTC).isoformat(timespec="seconds"),
                started_at.date().isoformat(),
                pain_before,
                pain_after,
                outcome,
                (started_at + timedelta(seconds=seconds)).astimezone(UTC).isoformat(timespec="seconds"),
                seconds,
            ),
        )
    finally:
        db.close()


def test_the_fake_tools_record_and_fail_as_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    tools = Tools(tmp_path, monkeypatch).add("crontab", "notify-send")
    assert subprocess.run(["crontab", "-l"], capture_output=True, check=False).returncode == 1
    subprocess.run(["crontab", "-"], input=b"x\n", check=True)
    assert tools.crontab.read_bytes() == b"x\n"
    tools.fail("notify-send")
    assert subprocess.run(["notify-send", "a"], capture_output=True, check=False).returncode == 1
    assert tools.argvs("crontab") == [["-l"], ["-"]]
    assert tools.calls("crontab")[1]["stdin"] == "x\n"
