"""`stretchcoach remind` through the command line: notify, due, snooze, status, the rule, usage
errors, help. Fake commands on PATH, a settable clock, local time in UTC."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from stretchcoach.remind.edges import Edges
from stretchcoach.remind.sources import doctor_advice
from stretchcoach.remind_cli import remind_app

from test_remind_support import Clock, Tools, add_session, invoke, make_edges, one_error_line, root_app

REMINDER = ["--app-name=stretchcoach", "--urgency=normal", "--", "Time to stretch"]
BODY = "Back relief — 4 min. Run: stretchcoach routine"
REPO = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("utc_local_time")  # local days without DST or midnight surprises


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tools:
    return Tools(tmp_path, monkeypatch).add()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.fromisoformat("2026-11-26T09:00:00+00:00"))  # a Thursday


@pytest.fixture
def played() -> list[str]:
    return []


@pytest.fixture
def edges(clock: Clock, played: list[str]) -> Edges:
    return make_edges(clock, played=played)


@pytest.fixture
def history(isolated_home: Path) -> Path:
    return isolated_home / "data" / "history.sqlite3"


def turn_on(edges: Edges, *options: str) -> None:
    result = invoke(edges, "on", "--at", "10:00,15:00", "--days", "mon-fri", "--backend", "cron", *options)
    assert result.exit_code == 0, result.output


def notify_at(edges: Edges, clock: Clock, when: str, *options: str) -> str:
    clock.set(when)
    result = invoke(edges, "notify", *options)
    assert result.exit_code == 0, result.output
    return result.stdout


def last_run(edges: Edges) -> str:
    lines = [line for line in invoke(edges, "status").stdout.splitlines() if line.startswith("Last run: ")]
    return lines[0].removeprefix("Last run: ") if lines else ""


# -- notify ------------------------------------------------------------------------------------------------


def test_notify_shows_the_routine_and_its_length(tools: Tools, edges: Edges, clock: Clock) -> None:
    turn_on(edges)
    assert notify_at(edges, clock, "2026-11-26 10:00:30") == ""
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]
    assert last_run(edges) == "10:00, a reminder, shown with notify-send"


def test_notify_is_quiet_away_from_the_schedule(tools: Tools, edges: Edges, clock: Clock) -> None:
    turn_on(edges)
    notify_at(edges, clock, "2026-11-26 13:00")
    assert tools.argvs("notify-send") == []
    assert last_run(edges) == "13:00, nothing shown: no reminder is due at this time"
    notify_at(edges, clock, "2026-11-26 13:00", "--force")
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]


def test_notify_is_quiet_after_a_recent_routine(tools: Tools, edges: Edges, clock: Clock, history: Path) -> None:
    turn_on(edges)
    add_session(history, datetime.fromisoformat("2026-11-26T09:20:00+00:00"), seconds=240)
    notify_at(edges, clock, "2026-11-26 10:00:10")
    assert tools.argvs("notify-send") == []
    assert last_run(edges) == "10:00, nothing shown: a routine was completed at 09:24, recently enough"
    turn_on(edges, "--quiet", "30")
    notify_at(edges, clock, "2026-11-26 10:00:20")
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]


def test_an_unfinished_routine_does_not_count(tools: Tools, edges: Edges, clock: Clock, history: Path) -> None:
    turn_on(edges)
    add_session(history, datetime.fromisoformat("2026-11-26T09:50:00+00:00"), outcome="quit")
    notify_at(edges, clock, "2026-11-26 10:00:10")
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]


def test_snooze_pauses_reminders_and_clear_ends_the_pause(tools: Tools, edges: Edges, clock: Clock) -> None:
    turn_on(edges)
    clock.set("2026-11-26 09:30")
    result = invoke(edges, "snooze", "1h")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Reminders snoozed until 10:30; the next one: 15:00.\n"
    notify_at(edges, clock, "2026-11-26 10:00:05")
    assert tools.argvs("notify-send") == []
    assert last_run(edges) == "10:00, nothing shown: snoozed until 10:30"
    assert "Snoozed until: 10:30" in invoke(edges, "status").stdout
    result = invoke(edges, "snooze", "--clear")
    assert result.stdout == "Snooze cleared; the next one: 15:00.\n"
    notify_at(edges, clock, "2026-11-26 10:00:10")
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]


def test_snooze_until_tomorrow(tools: Tools, edges: Edges, clock: Clock) -> None:
    turn_on(edges)
    clock.set("2026-11-26 11:00")
    result = invoke(edges, "snooze", "--until", "tomorrow")
    assert result.stdout == "Reminders snoozed until tomorrow 00:00; the next one: tomorrow 10:00.\n"
    notify_at(edges, clock, "2026-11-26 15:00")
    assert tools.argvs("notify-send") == []
    notify_at(edges, clock, "2026-11-27 10:00")
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]


def test_sound_plays_the_upcoming_sound_when_on(tools: Tools, edges: Edges, clock: Clock, played: list[str]) -> None:
    turn_on(edges)
    notify_at(edges, clock, "2026-11-26 10:00")
    assert played == []
    turn_on(edges, "--sound")
    notify_at(edges, clock, "2026-11-26 15:00")
    assert played == ["upcoming"]


def test_without_notify_send_a_line_and_the_bell(tools: Tools, edges: Edges, clock: Clock) -> None:
    turn_on(edges)
    tools.remove("notify-send")
    assert notify_at(edges, clock, "2026-11-26 10:00") == f"\aTime to stretch: {BODY}\n"
    assert last_run(edges) == "10:00, a reminder, shown with terminal (no notify-send)"


def test_a_failing_notify_send_falls_back_to_the_terminal(tools: Tools, edges: Edges, clock: Clock) -> None:
    turn_on(edges)
    tools.fail("notify-send")
    assert notify_at(edges, clock, "2026-11-26 10:00") == f"\aTime to stretch: {BODY}\n"
    assert last_run(edges) == (
        "10:00, a reminder, shown with terminal (`notify-send` failed: notify-send: simulated failure)"
    )


def test_macos_notifies_through_osascript_with_the_texts_as_arguments(tools: Tools, clock: Clock) -> None:
    mac = make_edges(clock, platform="darwin")
    turn_on(mac)
    notify_at(mac, clock, "2026-11-26 10:00")
    assert tools.argvs("osascript") == [
        [
            "-e",
            "on run argv",
            "-e",
            "display notification (item 2 of argv) with title (item 1 of argv)",
            "-e",
            "end run",
            "Time to stretch",
            BODY,
        ]
    ]
    assert tools.argvs("notify-send") == []


def test_under_cron_notify_send_finds_the_session_bus(
    tools: Tools, edges: Edges, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    turn_on(edges)
    bus = Path(os.environ["XDG_RUNTIME_DIR"]) / "bus"
    notify_at(edges, clock, "2026-11-26 10:00")
    assert tools.calls("notify-send")[-1]["bus"] is None  # no bus to be found: nothing made up
    bus.touch()
    notify_at(edges, clock, "2026-11-26 15:00")
    assert tools.calls("notify-send")[-1]["bus"] == f"unix:path={bus}"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/elsewhere")
    notify_at(edges, clock, "2026-11-27 10:00")
    assert tools.calls("notify-send")[-1]["bus"] == "unix:path=/elsewhere"


def test_notify_with_reminders_off_says_so_and_shows_nothing(tools: Tools, edges: Edges, clock: Clock) -> None:
    result = invoke(edges, "notify")
    assert result.exit_code == 0
    assert result.stderr == ("note: reminders are off (`stretchcoach remind on` turns them on); nothing was shown\n")
    assert tools.calls() == []


def test_a_history_that_cannot_be_read_does_not_stop_the_reminder(
    tools: Tools, edges: Edges, clock: Clock, history: Path
) -> None:
    turn_on(edges)
    history.parent.mkdir(parents=True, exist_ok=True)
    history.write_bytes(b"this is not an SQLite database\n" * 64)
    clock.set("2026-11-26 10:00")
    result = invoke(edges, "notify")
    assert result.exit_code == 0
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]
    assert result.stderr.startswith("note: ")
    assert len(result.stderr.splitlines()) == 1


# -- the rule ------------------------------------------------------------------------------------------------


def doctor_calls(tools: Tools) -> list[list[str]]:
    return [argv for argv in tools.argvs("notify-send") if "--urgency=critical" in argv]


@pytest.mark.parametrize(
    ("sessions", "why"),
    [
        ([("2026-11-25T18:00", "completed", 3, 6)], "On Wed 25 Nov 2026 your pain went from 3 to 6 during a routine."),
        ([("2026-11-25T18:00", "hurt", 3, None)], "On Wed 25 Nov 2026 you stopped a routine because it hurt."),
        (
            [
                ("2026-11-10T18:00", "completed", 5, 5),
                ("2026-11-17T18:00", "completed", 6, 6),
                ("2026-11-25T18:00", "completed", 6, 6),
            ],
            "Your pain has not improved over 15 days: from 5 on Tue 10 Nov 2026 to 6 on Wed 25 Nov 2026.",
        ),
    ],
)
def test_when_the_rule_holds_the_notice_says_see_a_doctor_once_a_day(
    tools: Tools,
    edges: Edges,
    clock: Clock,
    history: Path,
    played: list[str],
    sessions: list[tuple[str, str, int, int | None]],
    why: str,
) -> None:
    turn_on(edges, "--sound")
    for started, outcome, before, after in sessions:
        add_session(
            history, datetime.fromisoformat(started + "+00:00"), outcome=outcome, pain_before=before, pain_after=after
        )
    notify_at(edges, clock, "2026-11-26 10:00")
    expected = [
        "--app-name=stretchcoach",
        "--urgency=critical",
        "--",
        "Stop these stretches and see a doctor",
        f"{why} {doctor_advice()}",
    ]
    assert tools.argvs("notify-send") == [expected]
    assert "stretchcoach routine" not in json.dumps(tools.calls())  # never a suggestion to stretch
    assert played == []
    notify_at(edges, clock, "2026-11-26 15:00")
    assert len(tools.argvs("notify-send")) == 1  # at most once a day
    assert last_run(edges) == "15:00, nothing shown: the see-a-doctor notice was shown today already"
    notify_at(edges, clock, "2026-11-27 10:00")
    assert tools.argvs("notify-send") == [expected, expected]
    due = invoke(edges, "due")
    assert (due.exit_code, due.stdout) == (1, "Stretching paused: see a doctor\n")
    status = invoke(edges, "status")
    assert f"The rule: {why} Reminders say to see a doctor instead (once a day)." in status.stdout
    assert "Suggests:" not in status.stdout
    assert json.loads(invoke(edges, "status", "--json").stdout)["rule"] == {"stop": True, "why": why}


def test_a_later_routine_without_a_rise_lifts_the_stop(tools: Tools, edges: Edges, clock: Clock, history: Path) -> None:
    turn_on(edges)
    add_session(history, datetime.fromisoformat("2026-11-24T18:00+00:00"), pain_before=3, pain_after=6)
    add_session(history, datetime.fromisoformat("2026-11-25T18:00+00:00"), pain_before=3, pain_after=2)
    notify_at(edges, clock, "2026-11-26 10:00")
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]


# -- due ---------------------------------------------------------------------------------------------------------


def test_due_prints_one_line_and_exits_0_only_when_a_routine_is_due(
    tools: Tools, edges: Edges, clock: Clock, history: Path
) -> None:
    result = invoke(edges, "due")
    assert (result.exit_code, result.stdout) == (1, "Reminders are off\n")
    turn_on(edges)
    clock.set("2026-11-26 09:00")
    assert (invoke(edges, "due").exit_code, invoke(edges, "due").stdout) == (1, "Next stretch: 10:00\n")
    clock.set("2026-11-26 10:30")
    result = invoke(edges, "due")
    assert (result.exit_code, result.stdout) == (0, f"Time to stretch: {BODY}\n")
    add_session(history, datetime.fromisoformat("2026-11-26T10:35+00:00"))
    clock.set("2026-11-26 10:45")
    result = invoke(edges, "due")
    assert (result.exit_code, result.stdout) == (1, "Next stretch: 15:00\n")
    assert tools.calls("notify-send") == []  # due never notifies


# -- status ------------------------------------------------------------------------------------------------------


def test_status(tools: Tools, edges: Edges, clock: Clock) -> None:
    assert invoke(edges, "status").stdout == (
        "Reminders: off. Turn them on with `stretchcoach remind on --at 10:00,15:00`.\n"
    )
    assert json.loads(invoke(edges, "status", "--json").stdout) == {"on": False}
    turn_on(edges)
    clock.set("2026-11-26 16:00")
    assert invoke(edges, "status").stdout.splitlines() == [
        "Reminders: on, with lines in your crontab",
        "When: 10:00 and 15:00, Monday to Friday",
        "Next: tomorrow 10:00",
        "Suggests: Back relief — 4 min. Run: stretchcoach routine",
        "Quiet within 60 min of a completed routine; sound off",
        "Crontab: the lines between stretchcoach's marker comments",
    ]
    data = json.loads(invoke(edges, "status", "--json").stdout)
    assert data["on"] is True
    assert data["backend"] == "cron"
    assert data["next"] == "2026-11-27T10:00"
    assert data["schedule"] == {"times": ["10:00", "15:00"], "days": ["mon", "tue", "wed", "thu", "fri"]}


def test_the_state_file_is_private_and_written_whole(tools: Tools, edges: Edges, clock: Clock) -> None:
    turn_on(edges)
    invoke(edges, "snooze", "2h")
    data_dir = Path(os.environ["STRETCHCOACH_HOME"]) / "data"
    assert sorted(p.name for p in data_dir.iterdir()) == ["remind.json"]  # no temporary file left
    assert stat.S_IMODE((data_dir / "remind.json").stat().st_mode) == 0o600
    assert json.loads((data_dir / "remind.json").read_text())["version"] == 1


def test_a_damaged_state_file_gets_one_line(tools: Tools, edges: Edges) -> None:
    state = Path(os.environ["STRETCHCOACH_HOME"]) / "data" / "remind.json"
    state.parent.mkdir(parents=True)
    state.write_text('{"version": 1, "schedule": {}}')
    result = invoke(edges, "status")
    assert result.exit_code == 2
    assert one_error_line(result).startswith(f"{state} is not reminder settings stretchcoach can read")


# -- usage errors: one line, exit 2, nothing written ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["on", "--at", "25:00"], "--at: '25:00' is not a time of day; use HH:MM, from 00:00 to 23:59"),
        (["on", "--every", "0"], "--every: use from 15m to 24h; got '0'"),
        (
            ["on", "--at", "10:00", "--every", "2h"],
            "--at: use --at or --every, not both: exact times, or an interval (with --between)",
        ),
        (["on", "--between", "09:00-17:00"], "--between: goes with --every, e.g. --every 2h --between 09:00-18:00"),
        (["on"], "say when: --at 10:00,15:00, or --every 2h (with --between 09:00-18:00)"),
        (
            ["on", "--at", "10:00", "--quiet", "-5"],
            "--quiet: expected a whole number of minutes from 0 to 1440; got '-5'",
        ),
        (
            ["on", "--at", "10:00", "--backend", "upstart"],
            "--backend: expected one of auto, systemd, launchd, cron; got 'upstart'",
        ),
        (["snooze"], "say for how long: `remind snooze 1h`, or `remind snooze --until tomorrow`"),
        (["snooze", "1h", "--until", "tomorrow"], "--until: give a duration or --until, not both"),
    ],
)
def test_usage_errors(tools: Tools, edges: Edges, args: list[str], message: str) -> None:
    if args[0] == "snooze":
        turn_on(edges)
    tools.forget()
    result = invoke(edges, *args)
    assert result.exit_code == 2, result.output
    assert one_error_line(result) == message
    assert tools.calls() == []


def test_an_unknown_routine_is_a_usage_error(tools: Tools, edges: Edges) -> None:
    result = invoke(edges, "on", "--at", "10:00", "--routine", "back-releif")
    assert result.exit_code == 2
    assert "back-releif" in one_error_line(result)
    assert tools.calls() == []


def test_snooze_with_reminders_off(tools: Tools, edges: Edges) -> None:
    result = invoke(edges, "snooze", "1h")
    assert result.exit_code == 2
    assert one_error_line(result) == ("reminders are off; turn them on with `stretchcoach remind on --at 10:00,15:00`")


def test_off_when_nothing_is_on(tools: Tools, edges: Edges) -> None:
    result = invoke(edges, "off")
    assert (result.exit_code, result.stdout) == (0, "Reminders are off; there was nothing to remove.\n")


# -- help and start-up -----------------------------------------------------------------------------------------------


def test_every_remind_command_and_parameter_has_help() -> None:
    import typer.main

    group = typer.main.get_command(remind_app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert names == ["due", "notify", "off", "on", "snooze", "status"]
    for name in names:
        command = group.commands[name]  # type: ignore[attr-defined]
        assert command.help, name
        assert command.help.strip(), name
        for param in command.params:
            if param.name != "ctx":
                assert getattr(param, "help", None), f"{name} {param.name}"
        result = invoke(make_edges(Clock(datetime.now())), name, "--help")
        assert result.exit_code == 0
        assert " ".join(command.help.split()[:3]) in " ".join(result.stdout.split()), name


def test_remind_alone_shows_its_help() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(root_app(), ["remind"], prog_name="stretchcoach")
    assert result.exit_code == 2
    assert "snooze" in result.output


def test_the_cli_module_imports_only_typer() -> None:
    code = "import sys, stretchcoach.remind_cli; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    loaded = set(result.stdout.split())
    assert "typer" in loaded
    for heavy in ("rich.console", "yaml", "sqlite3", "stretchcoach.remind.schedule", "stretchcoach.commands.remind"):
        assert heavy not in loaded, heavy


def test_the_readme_section_shows_due_for_a_prompt_and_for_tmux() -> None:
    text = (REPO / "README.md").read_text()
    assert "PS1" in text or "PROMPT" in text
    assert "tmux" in text
    assert "status-right" in text
    for command in (
        "remind on --at 10:00,15:00",
        "remind on --every 2h --between 09:00-18:00",
        "remind off",
        "remind status",
        "remind snooze 1h",
        "remind snooze --until tomorrow",
        "remind due",
    ):
        assert command in text, command


def test_the_job_runs_in_a_process_of_its_own(tools: Tools, edges: Edges, isolated_home: Path) -> None:
    """What the scheduler runs, run as it would be: a new process, the real clock and runner."""
    from stretchcoach import cli
    from stretchcoach.remind.backends import job_for
    from stretchcoach.remind.schedule import build_schedule

    turn_on(edges)
    job = job_for(build_schedule(at="10:00", every=None, between=None, days=None), edges)
    argv = [*job.argv, "--force"]
    if not any(group.name == "remind" for group in cli.app.registered_groups):  # until cli.py attaches it
        attach = "from stretchcoach import cli; from stretchcoach.remind_cli import remind_app; "
        attach += "cli.app.add_typer(remind_app, name='remind'); cli.main()"
        argv = [sys.executable, "-c", attach, *job.argv[3:], "--force"]
    env = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], **dict(job.env)}  # as little as cron gives
    env |= {name: os.environ[name] for name in os.environ if name.startswith("FAKE_")}
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=REPO, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert tools.argvs("notify-send") == [[*REMINDER, BODY]]
