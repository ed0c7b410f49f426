"""The edges of the reminders: the adapters to the catalog, history, rule and sound; the runner;
the real Edges bundle."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.remind.decide import NO_STOP, RoutineSummary
from stretchcoach.remind.edges import Edges
from stretchcoach.remind.run import Completed, SubprocessRunner, check
from stretchcoach.remind.sources import HistoryFacts, doctor_advice, history_facts, play_sound, routine_summary

from test_remind_support import Clock, Tools, add_session, invoke, make_edges

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def history(isolated_home: Path) -> Path:
    return isolated_home / "data" / "history.sqlite3"


def test_the_default_routine_is_back_relief_of_about_four_minutes(isolated_home: Path) -> None:
    summary = routine_summary(
        user_catalog=isolated_home / "config" / "catalog.yaml",
        cache_dir=isolated_home / "cache",
        routine_id="back-relief",
    )
    assert summary == RoutineSummary("back-relief", "Back relief", 253)
    assert summary.line() == "Back relief — 4 min. Run: stretchcoach routine"


def test_an_unknown_routine(isolated_home: Path) -> None:
    with pytest.raises(StretchcoachError) as caught:
        routine_summary(user_catalog=isolated_home / "nope.yaml", cache_dir=isolated_home, routine_id="nope")
    assert caught.value.exit_code == ExitCode.USAGE


def test_no_history_says_nothing(history: Path) -> None:
    assert history_facts(history, now=NOW) == HistoryFacts()
    assert not history.exists()  # reading never creates it


def test_history_facts(history: Path) -> None:
    add_session(history, NOW - timedelta(days=2), pain_before=3, pain_after=6)  # worsened...
    add_session(history, NOW - timedelta(hours=3), pain_before=3, pain_after=3)  # ...then completed, no worse
    add_session(history, NOW - timedelta(hours=1), outcome=None)  # still running, or killed: no verdict
    facts = history_facts(history, now=NOW)
    assert facts.pain is NO_STOP
    assert facts.last_completed == NOW - timedelta(hours=3) + timedelta(seconds=240)


def test_a_worsened_routine_stops_the_stretching(history: Path) -> None:
    add_session(history, NOW - timedelta(days=1), pain_before=2, pain_after=5)
    add_session(history, NOW - timedelta(hours=3), outcome="quit", pain_before=3, pain_after=3)  # ends nothing
    facts = history_facts(history, now=NOW)
    assert facts.pain.stop
    assert facts.pain.why.endswith("your pain went from 2 to 5 during a routine.")


def test_a_stop_is_remembered_however_long_ago(history: Path) -> None:
    add_session(history, NOW - timedelta(days=90), pain_before=2, pain_after=5)
    assert history_facts(history, now=NOW).pain.stop


def test_a_damaged_history_is_one_stretchcoach_error(history: Path) -> None:
    history.parent.mkdir(parents=True)
    history.write_bytes(b"this is not an SQLite database\n" * 64)
    with pytest.raises(StretchcoachError):
        history_facts(history, now=NOW)


def test_the_doctor_advice_repeats_the_rule() -> None:
    advice = doctor_advice()
    assert "doctor" in advice
    assert advice.endswith(".")


def test_a_broken_catalog_leaves_the_name_saved_at_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    tools = Tools(tmp_path, monkeypatch).add("crontab", "notify-send")
    clock = Clock(NOW)
    monkeypatch.setenv("TZ", "UTC")
    edges = make_edges(clock)
    assert invoke(edges, "on", "--at", "10:00").exit_code == 0
    catalog = isolated_home / "config" / "catalog.yaml"
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text("routines: [unclosed\n")
    assert invoke(edges, "notify").exit_code == 0
    assert tools.argvs("notify-send")[0][-1] == "Back relief — 4 min. Run: stretchcoach routine"


# -- sound ----------------------------------------------------------------------------------------------------------


def test_the_upcoming_sound_plays_through_a_player_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from stretchcoach.live.sound import SOUNDS_DIR

    tools = Tools(tmp_path, monkeypatch).add("paplay")
    play_sound("upcoming", edges=make_edges(Clock(NOW)))
    (call,) = tools.calls("paplay")
    played = Path(call["argv"][0])
    assert played.parent == SOUNDS_DIR
    assert played.name == "upcoming.wav"
    assert played.exists()


def test_no_player_no_sound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = Tools(tmp_path, monkeypatch)
    play_sound("upcoming", edges=make_edges(Clock(NOW)))
    assert tools.calls() == []


# -- the runner -------------------------------------------------------------------------------------------------------


def test_a_missing_command_is_one_runtime_error(tmp_path: Path) -> None:
    with pytest.raises(StretchcoachError) as caught:
        SubprocessRunner()([str(tmp_path / "systemctl"), "--user"])
    assert caught.value.message == "systemctl is not installed (not found on PATH)"
    assert caught.value.exit_code == ExitCode.RUNTIME


def test_check_words_a_failure() -> None:
    failed = Completed(("/usr/bin/crontab", "-"), 1, b"", b"\n  crontab: installing new crontab failed\nmore\n")
    with pytest.raises(StretchcoachError) as caught:
        check(failed)
    assert caught.value.message == "`crontab -` failed (exit code 1): crontab: installing new crontab failed"
    assert check(Completed(("x",), 0)).ok


def test_commands_run_without_a_shell(tmp_path: Path) -> None:
    result = SubprocessRunner()([sys.executable, "-c", "import sys; print(sys.argv[1:])", "$(echo no)", ";", "|"])
    assert result.stdout.decode().strip() == "['$(echo no)', ';', '|']"


def test_the_real_edges() -> None:
    edges = Edges.real()
    assert edges.platform == sys.platform
    assert os.path.isabs(edges.executable)
    assert edges.now().tzinfo is not None
    assert edges.find("sh") is not None


def test_home_must_be_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "relative")
    with pytest.raises(StretchcoachError, match="HOME is not set to an absolute path"):
        _ = make_edges(Clock(NOW)).launch_agents_dir


def test_the_job_passes_on_where_stretchcoach_keeps_its_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from stretchcoach.remind.backends import job_for
    from stretchcoach.remind.schedule import build_schedule

    schedule = build_schedule(at="10:00", every=None, between=None, days=None)
    monkeypatch.setenv("STRETCHCOACH_HOME", "~/coach")
    job = job_for(schedule, make_edges(Clock(NOW)))
    assert job.argv == (sys.executable, "-m", "stretchcoach", "remind", "notify")
    assert job.env == (("STRETCHCOACH_HOME", os.path.expanduser("~/coach")),)
    monkeypatch.delenv("STRETCHCOACH_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/data/ana")
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/is/ignored")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert job_for(schedule, make_edges(Clock(NOW))).env == (("XDG_DATA_HOME", "/data/ana"),)


def test_off_with_an_unreadable_state_and_nothing_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    Tools(tmp_path, monkeypatch).add("crontab")
    state = isolated_home / "data" / "remind.json"
    state.parent.mkdir(parents=True)
    state.write_text("[]")
    result = invoke(make_edges(Clock(NOW)), "off")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Reminders off: none were installed; removed the unreadable {state}.\n"
    assert not state.exists()
