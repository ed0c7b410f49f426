"""The systemd backend: the units (golden files, `systemd-analyze` where there is one), and
installing and removing them with a fake systemctl that records what it is asked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from stretchcoach.remind.backends import Job
from stretchcoach.remind.schedule import build_schedule, next_run
from stretchcoach.remind.systemd import MARKER, SERVICE, TIMER, exec_word, service_text, timer_text

from test_remind_support import DATA, Clock, Tools, invoke, make_edges, one_error_line

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
ODD_HOME = '/home/ana/100% "stretch" $HOME'
WEEKDAYS_JOB = Job(
    build_schedule(at="10:00,15:30", every=None, between=None, days="mon-fri"),
    ("/opt/stretch coach/bin/python3", "-m", "stretchcoach", "remind", "notify"),
    (("STRETCHCOACH_HOME", ODD_HOME),),
)
EVERY_2H_JOB = Job(
    build_schedule(at=None, every="2h", between="09:00-18:00", days=None),
    ("/usr/bin/python3", "-m", "stretchcoach", "remind", "notify"),
)
ON = ["on", "--at", "10:00,15:00", "--days", "mon-fri", "--backend", "systemd"]


pytestmark = pytest.mark.usefixtures("utc_local_time")  # local days without DST or midnight surprises


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tools:
    return Tools(tmp_path, monkeypatch).add("systemctl", "crontab")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.fromisoformat("2026-11-26T09:00:00+00:00"))


def everything_under(directory: Path) -> dict[str, bytes | str]:
    """Every file (its bytes), link (its target) and directory (``"dir"``) under ``directory``."""
    found: dict[str, bytes | str] = {}
    if not directory.exists():
        return found
    for path in sorted(directory.rglob("*")):
        name = str(path.relative_to(directory))
        if path.is_symlink():
            found[name] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            found[name] = "dir"
        else:
            found[name] = path.read_bytes()
    return found


# -- the units ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("job", "name"), [(WEEKDAYS_JOB, "weekdays"), (EVERY_2H_JOB, "every-2h")])
def test_units_match_the_golden_files(job: Job, name: str) -> None:
    assert timer_text(job) == (DATA / f"{name}.timer").read_text()
    assert service_text(job) == (DATA / f"{name}.service").read_text()


def test_units_say_what_they_are_and_catch_up_after_sleep() -> None:
    timer = timer_text(WEEKDAYS_JOB)
    assert timer.startswith(MARKER + "\n")
    assert "Persistent=true\n" in timer
    assert "WantedBy=timers.target\n" in timer
    assert service_text(WEEKDAYS_JOB).startswith(MARKER + "\n")


def test_exec_words_are_quoted_and_escaped_for_systemd() -> None:
    assert exec_word("/usr/bin/python3") == "/usr/bin/python3"
    assert exec_word("/a b/python") == '"/a b/python"'
    assert exec_word("100%") == "100%%"
    assert exec_word("$HOME") == "$$HOME"
    assert exec_word('say "hi"') == '"say \\"hi\\""'
    assert exec_word("a;b") == '"a;b"'
    assert exec_word("") == '""'


def test_a_control_character_cannot_reach_a_unit() -> None:
    from stretchcoach.errors import StretchcoachError

    with pytest.raises(StretchcoachError, match="control character"):
        service_text(Job(EVERY_2H_JOB.schedule, ("/usr/bin/python3\n[Service]",)))


def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze is not installed (the golden files are still compared)")
    # The command must exist for `verify`: this Python, reached through a directory with a space.
    odd_dir = tmp_path / "stretch coach"
    odd_dir.mkdir()
    (odd_dir / "python3").symlink_to(sys.executable)
    job = Job(WEEKDAYS_JOB.schedule, (str(odd_dir / "python3"), *WEEKDAYS_JOB.argv[1:]), WEEKDAYS_JOB.env)
    (tmp_path / TIMER).write_text(timer_text(job))
    (tmp_path / SERVICE).write_text(service_text(job))
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(tmp_path / TIMER), str(tmp_path / SERVICE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "stretchcoach-remind" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    "options",
    [
        {"at": "10:00,15:30", "days": "mon-fri"},
        {"every": "2h", "between": "09:00-18:00"},
        {"at": "07:45,12:00,12:15,23:59", "days": "fri-mon"},
        {"every": "45m", "between": "08:30-11:00", "days": "sat,sun"},
    ],
)
def test_systemd_computes_the_same_runs_as_stretchcoach(options: dict[str, str]) -> None:
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze is not installed")
    schedule = build_schedule(
        at=options.get("at"), every=options.get("every"), between=options.get("between"), days=options.get("days")
    )
    base = datetime(2026, 11, 26, 16, 0)  # a Thursday afternoon
    expected = []
    moment = base
    for _ in range(12):
        found = next_run(schedule, moment)
        assert found is not None
        expected.append(found)
        moment = found
    elapses: set[datetime] = set()
    for line in timer_text(Job(schedule, ("/usr/bin/true",))).splitlines():
        if line.startswith("OnCalendar="):
            result = subprocess.run(
                [SYSTEMD_ANALYZE, "calendar", "--iterations=12", "--base-time=2026-11-26 16:00:00 UTC", line[11:]],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "TZ": "UTC", "LANG": "C"},
            )
            for found in re.findall(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", result.stdout):
                elapses.add(datetime.fromisoformat(found))
    assert sorted(elapses)[:12] == expected


# -- installing and removing ----------------------------------------------------------------------------------


def test_on_writes_both_units_then_reloads_and_enables_the_timer(tools: Tools, clock: Clock) -> None:
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 0, result.output
    timer, service = tools.unit_dir / TIMER, tools.unit_dir / SERVICE
    assert result.stdout.splitlines() == [
        "Reminders on, with a systemd user timer: 10:00 and 15:00, Monday to Friday.",
        "Next: 10:00. Each reminder says: Back relief — 4 min. Run: stretchcoach routine",
        f"Wrote {timer} and {service}; `stretchcoach remind off` removes them.",
    ]
    assert tools.argvs("systemctl") == [
        ["--user", "daemon-reload"],
        ["--user", "enable", "--now", TIMER],
    ]
    # Both units were in place, under their own names, when systemd was told to reload.
    assert tools.calls("systemctl")[0]["units"] == [SERVICE, TIMER]
    assert "OnCalendar=Mon..Fri *-*-* 10,15:00:00\n" in timer.read_text()
    home = os.environ["STRETCHCOACH_HOME"]
    assert f'Environment="STRETCHCOACH_HOME={home}"\n' in service.read_text()
    assert f"ExecStart={sys.executable} -m stretchcoach remind notify\n" in service.read_text()
    assert set(everything_under(tools.unit_dir)) == {
        SERVICE,
        TIMER,
        "timers.target.wants",
        f"timers.target.wants/{TIMER}",
    }


def test_auto_picks_systemd_when_the_user_instance_answers(tools: Tools, clock: Clock) -> None:
    result = invoke(make_edges(clock), "on", "--at", "10:00")
    assert result.exit_code == 0, result.output
    assert tools.argvs("systemctl")[0] == ["--user", "show-environment"]
    assert tools.argvs("crontab") == []
    tools.fail("systemctl:show-environment")  # no user instance (a container, a login without one): cron
    invoke(make_edges(clock), "off")
    result = invoke(make_edges(clock), "on", "--at", "10:00")
    assert result.exit_code == 0, result.output
    assert "with lines in your crontab" in result.stdout


def test_on_again_replaces_the_units_and_restarts_the_timer(tools: Tools, clock: Clock) -> None:
    invoke(make_edges(clock), *ON)
    tools.forget()
    result = invoke(make_edges(clock), "on", "--every", "2h", "--backend", "systemd")
    assert result.exit_code == 0, result.output
    assert tools.argvs("systemctl") == [
        ["--user", "daemon-reload"],
        ["--user", "enable", "--now", TIMER],
        ["--user", "restart", TIMER],
    ]
    assert "OnCalendar=*-*-* 09,11,13,15,17:00:00\n" in (tools.unit_dir / TIMER).read_text()


def test_off_removes_exactly_what_on_wrote_and_nothing_else(tools: Tools, clock: Clock) -> None:
    tools.unit_dir.mkdir(parents=True)
    (tools.unit_dir / "backup.timer").write_bytes(b"[Timer]\nOnCalendar=daily\n")
    (tools.unit_dir / "backup.service").write_bytes(b"[Service]\r\nExecStart=/usr/bin/backup\r\n")
    wants = tools.unit_dir / "timers.target.wants"
    wants.mkdir()
    (wants / "backup.timer").symlink_to(tools.unit_dir / "backup.timer")
    before = everything_under(tools.unit_dir.parent.parent)
    assert invoke(make_edges(clock), *ON).exit_code == 0
    tools.forget()
    result = invoke(make_edges(clock), "off")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Reminders off: removed what `stretchcoach remind on` had written.\n"
    assert tools.argvs("systemctl") == [["--user", "disable", "--now", TIMER], ["--user", "daemon-reload"]]
    assert everything_under(tools.unit_dir.parent.parent) == before
    assert invoke(make_edges(clock), "status").stdout.startswith("Reminders: off.")


def test_off_takes_away_the_directories_on_made(tools: Tools, clock: Clock) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"])
    assert not config.exists()
    assert invoke(make_edges(clock), *ON).exit_code == 0
    assert invoke(make_edges(clock), "off").exit_code == 0
    assert not config.exists()


def test_status_notices_a_unit_that_went_missing(tools: Tools, clock: Clock) -> None:
    invoke(make_edges(clock), *ON)
    status = invoke(make_edges(clock), "status").stdout
    assert "Problem" not in status
    (tools.unit_dir / TIMER).unlink()
    status = invoke(make_edges(clock), "status").stdout
    assert f"Problem: {tools.unit_dir / TIMER} is missing; `stretchcoach remind on` puts it back" in status


# -- failures leave nothing behind --------------------------------------------------------------------------


def assert_nothing_installed(tools: Tools) -> None:
    assert everything_under(Path(os.environ["XDG_CONFIG_HOME"])) == {}
    assert not (Path(os.environ["STRETCHCOACH_HOME"]) / "data" / "remind.json").exists()


def test_systemctl_missing(tools: Tools, clock: Clock) -> None:
    tools.remove("systemctl")
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 1
    assert one_error_line(result) == "--backend systemd: systemctl is not installed (not found on PATH)"
    assert_nothing_installed(tools)


@pytest.mark.parametrize(
    ("failing", "message"),
    [
        (
            "systemctl:daemon-reload",
            "`systemctl --user daemon-reload` failed (exit code 1): Job for stretchcoach-remind.timer failed "
            "(simulated).",
        ),
        (
            "systemctl:enable",
            "`systemctl --user enable --now stretchcoach-remind.timer` failed (exit code 1): Job for "
            "stretchcoach-remind.timer failed (simulated).",
        ),
    ],
)
def test_systemctl_failing_takes_back_everything(tools: Tools, clock: Clock, failing: str, message: str) -> None:
    tools.fail(failing)
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 1
    assert one_error_line(result) == message
    assert_nothing_installed(tools)  # the enable link the failing systemctl made, too
    assert tools.argvs("systemctl")[-1] == ["--user", "daemon-reload"]  # systemd forgets the units again


def test_systemctl_hanging_is_given_up_on(tools: Tools, clock: Clock) -> None:
    tools.hang("systemctl:daemon-reload")
    started = time.monotonic()
    result = invoke(make_edges(clock, timeout=0.5), *ON)
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert (
        one_error_line(result) == "`systemctl --user daemon-reload` did not finish within 0.5 s; nothing more was done"
    )
    assert_nothing_installed(tools)
    assert tools.argvs("systemctl") == [["--user", "daemon-reload"]]  # not asked again, to wait again


def test_a_unit_directory_that_cannot_be_made(tools: Tools, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"])
    config.write_text("not a directory\n")
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"cannot make the directory {tools.unit_dir}: {config} is not a directory; nothing was installed"
    )
    assert config.read_text() == "not a directory\n"
    assert tools.argvs("systemctl") == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_unit_directory_that_cannot_be_written(tools: Tools, clock: Clock) -> None:
    tools.unit_dir.mkdir(parents=True)
    tools.unit_dir.chmod(0o500)
    try:
        result = invoke(make_edges(clock), *ON)
    finally:
        tools.unit_dir.chmod(0o700)
    assert result.exit_code == 2
    assert one_error_line(result) == f"cannot write in {tools.unit_dir}: permission denied; nothing was installed"
    assert list(tools.unit_dir.iterdir()) == []


def test_a_failed_replacement_puts_the_old_units_back(tools: Tools, clock: Clock) -> None:
    invoke(make_edges(clock), *ON)
    before = everything_under(tools.unit_dir)
    tools.fail("systemctl:restart")
    result = invoke(make_edges(clock), "on", "--every", "2h", "--backend", "systemd")
    assert result.exit_code == 1
    assert everything_under(tools.unit_dir) == before
    assert "When: 10:00 and 15:00, Monday to Friday" in invoke(make_edges(clock), "status").stdout


def test_a_unit_of_our_name_that_is_not_ours_is_left_alone(tools: Tools, clock: Clock) -> None:
    tools.unit_dir.mkdir(parents=True)
    (tools.unit_dir / TIMER).write_text("[Timer]\nOnCalendar=hourly\n")
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"{tools.unit_dir / TIMER} exists and was not written by stretchcoach; move it away to install reminders. "
        "Nothing was changed."
    )
    assert everything_under(tools.unit_dir) == {TIMER: b"[Timer]\nOnCalendar=hourly\n"}


def test_state_that_cannot_be_saved_takes_the_units_back(tools: Tools, clock: Clock) -> None:
    home = Path(os.environ["STRETCHCOACH_HOME"])
    home.mkdir()
    (home / "data").write_text("a file where the data directory goes\n")
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"cannot save {home / 'data' / 'remind.json'}: {home / 'data'} is not a directory; "
        "the reminders were not turned on"
    )
    assert everything_under(Path(os.environ["XDG_CONFIG_HOME"])) == {}
    assert ["--user", "disable", "--now", TIMER] in tools.argvs("systemctl")


def test_off_when_systemctl_fails_keeps_everything_to_try_again(tools: Tools, clock: Clock) -> None:
    invoke(make_edges(clock), *ON)
    before = everything_under(tools.unit_dir)
    tools.fail("systemctl:disable")
    result = invoke(make_edges(clock), "off")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("`systemctl --user disable --now stretchcoach-remind.timer` failed")
    tools.fail()
    assert set(everything_under(tools.unit_dir)) >= {TIMER, SERVICE}
    assert {name: before[name] for name in (TIMER, SERVICE)} == {
        name: everything_under(tools.unit_dir)[name] for name in (TIMER, SERVICE)
    }
    assert invoke(make_edges(clock), "off").exit_code == 0
    assert everything_under(Path(os.environ["XDG_CONFIG_HOME"])) == {}


def test_off_without_state_finds_our_units_by_their_marker(tools: Tools, clock: Clock) -> None:
    invoke(make_edges(clock), *ON)
    (Path(os.environ["STRETCHCOACH_HOME"]) / "data" / "remind.json").write_text("{not json")
    result = invoke(make_edges(clock), "off")
    assert result.exit_code == 0, result.output
    assert not (tools.unit_dir / TIMER).exists()
    assert not (tools.unit_dir / SERVICE).exists()
    assert not (Path(os.environ["STRETCHCOACH_HOME"]) / "data" / "remind.json").exists()


def test_a_unit_directory_that_refuses_writes(tools: Tools, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as above, for whoever runs the tests as root (whom no mode bit stops)."""
    import errno
    import tempfile

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    tools.unit_dir.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = invoke(make_edges(clock), *ON)
    assert result.exit_code == 2
    assert one_error_line(result) == f"cannot write in {tools.unit_dir}: permission denied; nothing was installed"
    assert list(tools.unit_dir.iterdir()) == []
    assert tools.argvs("systemctl") == []


def test_switching_to_cron_removes_the_units(tools: Tools, clock: Clock) -> None:
    invoke(make_edges(clock), *ON)
    result = invoke(make_edges(clock), "on", "--at", "10:00", "--backend", "cron")
    assert result.exit_code == 0, result.output
    assert everything_under(Path(os.environ["XDG_CONFIG_HOME"])) == {}
    assert b"0 10 * * * " in tools.crontab.read_bytes()
    assert "with lines in your crontab" in invoke(make_edges(clock), "status").stdout
