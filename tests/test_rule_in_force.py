"""The article's rule, binding: a stop is remembered from one routine to the next, over days.

Each routine runs the whole `routine` command through CliRunner on a fake clock, at a
wall-clock time of its own (``started``), so a story of several days runs in no time:
the routine that makes pain worse, the next one that opens with the stop, the person
who goes on anyway (recorded), and what ends the stop: a routine without worsening,
or a doctor's visit recorded with `history --seen-doctor`.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from stretchcoach.cli import app
from stretchcoach.core.safety import GO_ON_PROMPT, SEE_SAFETY, STOP_ADVICE
from stretchcoach.errors import ExitCode

from fakes import Answers, fake_runtime
from helpers import flat

PAIN = "Back pain right now, 0–10 (Enter to skip): "
AFTER = "After the routine: " + PAIN
BEGIN = "Press Enter to begin, or q then Enter to cancel: "
ONE_STRETCH = ["--only", "childs-pose"]
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # Mon 2 Mar 2026
STOP_SAID = "On Mon 2 Mar 2026 your pain went from 2 to 6 during a routine."


def routine(*args: str, answers: Answers, at: datetime, interactive: bool = True) -> Result:
    runtime = fake_runtime(answers=answers, interactive=interactive, started=at)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH, *args], obj=runtime)
    assert "Traceback" not in result.output
    return result


def history(*args: str, at: datetime) -> Result:
    result = CliRunner().invoke(app, ["history", *args], obj=fake_runtime(started=at))
    assert "Traceback" not in result.output
    return result


def events(db_path: Path) -> list[tuple[str, str, str | None]]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT at, kind, reason FROM rule_events ORDER BY id").fetchall()
    finally:
        db.close()


def session_count(db_path: Path) -> int:
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("SELECT count(*) FROM sessions").fetchone()[0])
    finally:
        db.close()


@pytest.fixture
def worsened(db_path: Path) -> Result:
    """Monday's routine: pain from 2 to 6."""
    answers = Answers("2", "", "6")
    result = routine(answers=answers, at=MONDAY)
    assert answers.prompts == [PAIN, BEGIN, AFTER]
    return result


def test_a_routine_that_makes_pain_worse_is_never_well_done_and_exits_3(worsened: Result) -> None:
    assert worsened.exit_code == ExitCode.STOP == 3
    out = worsened.stdout
    assert "Well done" not in out
    assert "Routine over. Your pain is worse than before it." in out
    lines = out.splitlines()
    assert lines[-3] == f"STOP: Your pain is worse after the routine than before it. {STOP_ADVICE}"
    assert lines[-2].startswith("STOP — see a doctor: ")  # the article's warning, as a stop
    assert lines[-1] == SEE_SAFETY  # and where the urgent signs are


def test_this_hurts_exits_3_too(db_path: Path) -> None:
    runtime = fake_runtime(answers=Answers(), keys=[(15.0, "h")], interactive=True, started=MONDAY)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH, "--yes", "--no-checkin"], obj=runtime)
    assert result.exit_code == ExitCode.STOP
    assert "Stopped: you said this hurts." in result.stdout
    assert "Well done" not in result.stdout


@pytest.mark.usefixtures("worsened")
@pytest.mark.parametrize("typed", ["", "no", "y", None], ids=["enter", "no", "y", "ctrl-d"])
def test_the_next_routine_opens_with_the_stop_and_only_yes_goes_on(db_path: Path, typed: str | None) -> None:
    answers = Answers(typed)
    result = routine(answers=answers, at=MONDAY + timedelta(days=1))
    assert answers.prompts == [GO_ON_PROMPT]  # before anything else is asked
    assert result.exit_code == ExitCode.STOP
    assert STOP_SAID in flat(result.stdout)
    assert result.stderr == "stretchcoach: not started: stop these stretches and see a doctor.\n"
    assert session_count(db_path) == 1  # nothing was started
    assert events(db_path) == []


@pytest.mark.usefixtures("worsened")
def test_yes_on_the_command_line_is_not_enough(db_path: Path) -> None:
    for interactive in (True, False):
        answers = Answers("")
        result = routine(
            "--yes", "--no-checkin", answers=answers, at=MONDAY + timedelta(days=1), interactive=interactive
        )
        assert result.exit_code == ExitCode.STOP
        if interactive:
            assert answers.prompts == [GO_ON_PROMPT]
        else:  # no terminal to type yes at: it does not start, and says how to go on
            assert answers.prompts == []
            assert "type yes when asked (--yes is not enough)" in result.stderr
    assert session_count(db_path) == 1


@pytest.mark.usefixtures("worsened")
def test_going_on_anyway_is_recorded_and_the_stop_stays_until_a_routine_ends_without_worsening(
    db_path: Path,
) -> None:
    tuesday = MONDAY + timedelta(days=1)
    answers = Answers("yes", "", "", "")  # yes; no pain check-ins: nothing shows it is better
    result = routine(answers=answers, at=tuesday)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [GO_ON_PROMPT, PAIN, BEGIN, AFTER]
    assert events(db_path) == [(tuesday.isoformat(), "went-on", "worsened")]
    assert "is lifted" not in result.stdout

    wednesday = tuesday + timedelta(days=1)
    answers = Answers("YES", "4", "", "4")  # checked in, no worse: that ends the stop
    result = routine(answers=answers, at=wednesday)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [GO_ON_PROMPT, PAIN, BEGIN, AFTER]
    assert "You went on anyway on Tue 3 Mar 2026." in flat(result.stdout)
    assert (
        "Pain before → after: 4 → 4\n"
        "The stop of Mon 2 Mar 2026 is lifted: this routine ended without your pain getting worse.\n"
    ) in result.stdout

    answers = Answers("4", "", "4")
    result = routine(answers=answers, at=wednesday + timedelta(days=1))
    assert result.exit_code == 0, result.output
    assert answers.prompts == [PAIN, BEGIN, AFTER]
    assert STOP_SAID not in flat(result.stdout)
    assert "is lifted" not in result.stdout  # there was no stop left to lift


@pytest.mark.usefixtures("worsened")
@pytest.mark.parametrize(
    ("before", "after"), [("4", "6"), ("4", ""), ("", "4")], ids=["worse", "no-after", "no-before"]
)
def test_a_stop_is_not_lifted_without_both_check_ins_and_no_worsening(before: str, after: str) -> None:
    answers = Answers("yes", before, "", after)
    result = routine(answers=answers, at=MONDAY + timedelta(days=1))
    assert "is lifted" not in result.stdout


@pytest.mark.usefixtures("worsened")
def test_a_doctors_visit_ends_the_stop(db_path: Path) -> None:
    visit = MONDAY + timedelta(days=2)
    recorded = history("--seen-doctor", at=visit)
    assert recorded.exit_code == 0, recorded.output
    assert recorded.stdout.startswith("Recorded that you saw a doctor on Wed 4 Mar 2026.\n")
    assert "The rule's stop is lifted" in recorded.stdout
    assert events(db_path) == [(visit.isoformat(), "seen-doctor", None)]
    shown = history(at=visit + timedelta(hours=1))
    assert "No pain check-ins since you saw a doctor on Wed 4 Mar 2026." in flat(shown.stdout)
    assert "in the last 21 days" not in shown.stdout  # Monday's are, but no longer count
    answers = Answers("", "", "")
    result = routine(answers=answers, at=visit + timedelta(hours=1))
    assert result.exit_code == 0, result.output
    assert answers.prompts == [PAIN, BEGIN, AFTER]


@pytest.mark.usefixtures("worsened")
def test_history_shows_the_stop_in_plain_words(db_path: Path) -> None:
    shown = history(at=MONDAY + timedelta(days=1))
    assert shown.exit_code == 0, shown.output
    text = flat(shown.stdout)
    assert f"⚠ Stop and see a doctor {STOP_SAID} {STOP_ADVICE}" in text
    assert "stretchcoach history --seen-doctor" in text
    rule = json.loads(history("--json", at=MONDAY + timedelta(days=1)).stdout)["rule"]
    assert (rule["binding"], rule["reason"]) == (True, "worsened")
    assert rule["stop"] == {
        "at": MONDAY.astimezone().isoformat(),
        "verdict": "worsened",
        "pain_before": 2,
        "pain_after": 6,
        "went_on": [],
    }


def test_pain_that_persists_for_three_weeks_is_binding_too(db_path: Path) -> None:
    for days, pain in ((0, 3), (7, 3), (14, 3)):  # the same mild pain, three weeks running
        result = routine("--pain-after", "3", answers=Answers(str(pain), ""), at=MONDAY + timedelta(days=days))
        assert result.exit_code == 0, result.output
    answers = Answers("")
    result = routine(answers=answers, at=MONDAY + timedelta(days=15))
    assert result.exit_code == ExitCode.STOP
    assert answers.prompts == [GO_ON_PROMPT]
    assert "Your pain has not improved over 14 days: from 3 on Mon 2 Mar 2026 to 3 on Mon 16 Mar 2026." in flat(
        result.stdout
    )
    answers = Answers("yes", "2", "")
    result = routine("--pain-after", "2", answers=answers, at=MONDAY + timedelta(days=15))
    assert result.exit_code == 0, result.output
    assert [reason for _, _, reason in events(db_path)] == ["persists"]
