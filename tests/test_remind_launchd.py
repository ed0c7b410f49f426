"""The launchd backend: the agent's property list, read back with plistlib, and loading and
unloading it with a fake launchctl (the platform is said to be macOS)."""

from __future__ import annotations

import os
import plistlib
import sys
from datetime import datetime
from pathlib import Path

import pytest

from stretchcoach.remind.backends import Job
from stretchcoach.remind.edges import Edges
from stretchcoach.remind.launchd import LABEL, PLIST, plist_bytes
from stretchcoach.remind.schedule import build_schedule

from test_remind_support import UID, Clock, Tools, invoke, make_edges, one_error_line

DOMAIN = f"gui/{UID}"


pytestmark = pytest.mark.usefixtures("utc_local_time")  # local days without DST or midnight surprises


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tools:
    return Tools(tmp_path, monkeypatch).add("launchctl", "crontab", "osascript")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.fromisoformat("2026-11-26T09:00:00+00:00"))


def mac(clock: Clock) -> Edges:
    return make_edges(clock, platform="darwin")


def test_the_plist_reads_back_as_the_job() -> None:
    job = Job(
        build_schedule(at="10:00,15:30", every=None, between=None, days="sat-mon"),
        ("/opt/stretch coach/bin/python3", "-m", "stretchcoach", "remind", "notify"),
        (("STRETCHCOACH_HOME", "/Users/ana/100% <stretch> & 'more'"),),
    )
    data = plistlib.loads(plist_bytes(job))
    assert data == {
        "Label": LABEL,
        "ProgramArguments": ["/opt/stretch coach/bin/python3", "-m", "stretchcoach", "remind", "notify"],
        "EnvironmentVariables": {"STRETCHCOACH_HOME": "/Users/ana/100% <stretch> & 'more'"},
        # launchd counts weekdays from Sunday = 0: Monday 1, Saturday 6
        "StartCalendarInterval": [
            {"Weekday": 0, "Hour": 10, "Minute": 0},
            {"Weekday": 1, "Hour": 10, "Minute": 0},
            {"Weekday": 6, "Hour": 10, "Minute": 0},
            {"Weekday": 0, "Hour": 15, "Minute": 30},
            {"Weekday": 1, "Hour": 15, "Minute": 30},
            {"Weekday": 6, "Hour": 15, "Minute": 30},
        ],
    }


def test_every_day_needs_no_weekday_and_no_environment() -> None:
    job = Job(build_schedule(at=None, every="3h", between="09:00-18:00", days=None), ("/usr/bin/python3",))
    data = plistlib.loads(plist_bytes(job))
    assert data["StartCalendarInterval"] == [{"Hour": h, "Minute": 0} for h in (9, 12, 15, 18)]
    assert "EnvironmentVariables" not in data


def test_on_writes_the_agent_and_bootstraps_it(tools: Tools, clock: Clock) -> None:
    result = invoke(mac(clock), "on", "--at", "10:00", "--days", "mon-fri")
    assert result.exit_code == 0, result.output
    plist = tools.agents_dir / PLIST
    assert result.stdout.splitlines()[0] == "Reminders on, with a launchd agent: 10:00, Monday to Friday."
    assert tools.argvs("launchctl") == [["bootout", f"{DOMAIN}/{LABEL}"], ["bootstrap", DOMAIN, str(plist)]]
    data = plistlib.loads(plist.read_bytes())
    assert data["ProgramArguments"] == [sys.executable, "-m", "stretchcoach", "remind", "notify"]
    assert data["EnvironmentVariables"] == {"STRETCHCOACH_HOME": os.environ["STRETCHCOACH_HOME"]}
    assert [entry["Weekday"] for entry in data["StartCalendarInterval"]] == [1, 2, 3, 4, 5]
    assert sorted(p.name for p in tools.agents_dir.iterdir()) == [PLIST]  # no temporary file left
    assert tools.argvs("crontab") == []


def test_off_unloads_and_removes_only_the_agent(tools: Tools, clock: Clock) -> None:
    tools.agents_dir.mkdir(parents=True)
    other = tools.agents_dir / "com.example.backup.plist"
    other.write_bytes(plistlib.dumps({"Label": "com.example.backup", "ProgramArguments": ["/bin/true"]}))
    before = other.read_bytes()
    assert invoke(mac(clock), "on", "--at", "10:00").exit_code == 0
    tools.forget()
    result = invoke(mac(clock), "off")
    assert result.exit_code == 0, result.output
    assert tools.argvs("launchctl") == [["bootout", f"{DOMAIN}/{LABEL}"]]
    assert sorted(p.name for p in tools.agents_dir.iterdir()) == [other.name]
    assert other.read_bytes() == before


def test_off_removes_the_directories_on_made(tools: Tools, clock: Clock) -> None:
    library = Path(os.environ["HOME"]) / "Library"
    assert invoke(mac(clock), "on", "--at", "10:00").exit_code == 0
    assert library.is_dir()
    assert invoke(mac(clock), "off").exit_code == 0
    assert not library.exists()


def test_on_again_reloads_the_new_agent(tools: Tools, clock: Clock) -> None:
    invoke(mac(clock), "on", "--at", "10:00")
    tools.forget()
    result = invoke(mac(clock), "on", "--at", "11:00")
    assert result.exit_code == 0, result.output
    plist = tools.agents_dir / PLIST
    assert tools.argvs("launchctl") == [["bootout", f"{DOMAIN}/{LABEL}"], ["bootstrap", DOMAIN, str(plist)]]
    assert plistlib.loads(plist.read_bytes())["StartCalendarInterval"] == [{"Hour": 11, "Minute": 0}]


def test_a_failed_bootstrap_leaves_no_agent(tools: Tools, clock: Clock) -> None:
    tools.fail("launchctl:bootstrap")
    result = invoke(mac(clock), "on", "--at", "10:00")
    assert result.exit_code == 1
    assert one_error_line(result).startswith(f"`launchctl bootstrap {DOMAIN} {tools.agents_dir / PLIST}` failed")
    assert not (Path(os.environ["HOME"]) / "Library").exists()
    assert invoke(mac(clock), "status").stdout.startswith("Reminders: off.")


def test_a_failed_replacement_loads_the_old_agent_again(tools: Tools, clock: Clock) -> None:
    invoke(mac(clock), "on", "--at", "10:00")
    plist = tools.agents_dir / PLIST
    before = plist.read_bytes()
    tools.forget()
    tools.fail(f"launchctl:{plist}")  # bootstrapping the file fails: the new one, then the old one again
    result = invoke(mac(clock), "on", "--at", "11:00")
    assert result.exit_code == 1
    assert plist.read_bytes() == before
    assert tools.argvs("launchctl")[-2:] == [["bootstrap", DOMAIN, str(plist)]] * 2


def test_launchctl_missing(tools: Tools, clock: Clock) -> None:
    tools.remove("launchctl")
    result = invoke(mac(clock), "on", "--at", "10:00", "--backend", "launchd")
    assert result.exit_code == 1
    assert one_error_line(result) == "--backend launchd: launchctl is not installed (not found on PATH)"
    assert not (Path(os.environ["HOME"]) / "Library").exists()


def test_without_launchctl_a_mac_falls_back_to_cron(tools: Tools, clock: Clock) -> None:
    tools.remove("launchctl")
    result = invoke(mac(clock), "on", "--at", "10:00")
    assert result.exit_code == 0, result.output
    assert "with lines in your crontab" in result.stdout


def test_status_says_when_the_agent_is_not_loaded(tools: Tools, clock: Clock) -> None:
    invoke(mac(clock), "on", "--at", "10:00")
    assert "Problem" not in invoke(mac(clock), "status").stdout
    Path(os.environ["FAKE_LAUNCHD"]).write_text("[]")  # unloaded behind our back
    status = invoke(mac(clock), "status").stdout
    assert f"Problem: the agent {LABEL} is not loaded (see `launchctl print {DOMAIN}/{LABEL}`)" in status
