"""The whole `routine` command on a fake clock: check-ins, prompts, the damaged history, the verdict.

The command runs through Typer's CliRunner with a fake runtime as ``obj``: a clock
that moves only when the routine waits, scripted answers at the prompts (echoed
into the output, as a terminal would), and scripted signals. Output is not a
terminal, so the routine prints one plain line per step. What only a real
terminal shows (keys in cbreak mode, the live view, Ctrl-Z) is in test_pty.py.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from stretchcoach.cli import app
from stretchcoach.core.model import Catalog
from stretchcoach.core.rule import Verdict
from stretchcoach.core.safety import NEW_HISTORY_FORGETS, SEE_SAFETY, STOP_ADVICE
from stretchcoach.views.output import Output
from stretchcoach.views.routine import show_summary

from fakes import Answers, FakeClock, fake_runtime, run_loop
from helpers import WARNING, back_relief, flat

PAIN = "Back pain right now, 0–10 (Enter to skip): "
AFTER = "After the routine: " + PAIN
BEGIN = "Press Enter to begin, or q then Enter to cancel: "
MOVE_ASIDE = "Move it aside to a timestamped name and start a new history? [y/N] "
ONE_STRETCH = ["--only", "childs-pose"]  # get ready 10 s, hold 30 s: 40 s in all
STARTED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def run(*args: str, answers: Answers, keys: list[tuple[float, str]] | None = None) -> tuple[Result, FakeClock]:
    clock = FakeClock()
    runtime = fake_runtime(clock=clock, keys=keys or [], answers=answers, interactive=True, started=STARTED)
    result = CliRunner().invoke(app, ["routine", *args], obj=runtime)
    assert "Traceback" not in result.output
    return result, clock


def sessions(db_path: Path) -> list[tuple[str, str | None, int | None, int | None, str | None]]:
    db = sqlite3.connect(db_path)
    try:
        query = "SELECT started_at, ended_at, pain_before, pain_after, outcome FROM sessions ORDER BY id"
        return db.execute(query).fetchall()
    finally:
        db.close()


def test_a_whole_routine_with_both_check_ins(db_path: Path) -> None:
    answers = Answers("3", "", "6")
    result, clock = run(*ONE_STRETCH, answers=answers)
    assert answers.prompts == [PAIN, BEGIN, AFTER]
    out = result.stdout
    assert out.index(PAIN + "3") < out.index(BEGIN) < out.index("[00:10] Child's pose — hold 30 s")
    assert out.index("[00:10] Child's pose — hold 30 s") < out.index(AFTER + "6") < out.index("Child's pose: ✓ done")
    assert "Pain before → after: 3 → 6" in out
    assert (
        "STOP: Your pain is worse after the routine than before it. "
        "Stop doing these stretches and consult a doctor as soon as possible.\nSTOP — see a doctor: "
    ) in out
    assert clock.now == pytest.approx(40.0, abs=0.1)  # the plan's 40 s, on the fake clock, in no time
    ((started, ended, before, after, outcome),) = sessions(db_path)
    assert (before, after, outcome) == (3, 6, "completed")
    lasted = datetime.fromisoformat(ended) - datetime.fromisoformat(started)
    assert datetime.fromisoformat(started) == STARTED
    assert lasted == pytest.approx(timedelta(seconds=40), abs=timedelta(seconds=0.1))


@pytest.mark.parametrize("typed", ["x", "11", "-1", "3.5"])
def test_an_answer_that_is_not_0_to_10_is_asked_again(typed: str, db_path: Path) -> None:
    answers = Answers(typed, "4", "", "")
    result, _ = run(*ONE_STRETCH, answers=answers)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [PAIN, PAIN, BEGIN, AFTER]
    assert "Please type a whole number from 0 (no pain) to 10 (worst), or press Enter to skip." in result.stdout
    assert [row[2:] for row in sessions(db_path)] == [(4, None, "completed")]


@pytest.mark.parametrize("answer", ["q", "no", None], ids=["q", "no", "ctrl-d"])
def test_the_start_prompt_can_cancel(answer: str | None, db_path: Path) -> None:
    answers = Answers("", answer)
    result, clock = run(*ONE_STRETCH, answers=answers)
    assert result.exit_code == 1
    assert "Cancelled." in result.stdout
    assert "[00:00]" not in result.stdout
    assert clock.now == 0.0
    assert sessions(db_path) == []


def test_ctrl_d_at_the_pain_prompt_skips_it(db_path: Path) -> None:
    result, _ = run(*ONE_STRETCH, answers=Answers(None, "", None))
    assert result.exit_code == 0, result.output
    assert [row[2:] for row in sessions(db_path)] == [(None, None, "completed")]


def test_given_pain_numbers_are_not_asked_for(db_path: Path) -> None:
    answers = Answers("")
    result, _ = run(*ONE_STRETCH, "--pain-before", "2", "--pain-after", "2", answers=answers)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [BEGIN]
    assert [row[2:] for row in sessions(db_path)] == [(2, 2, "completed")]


def test_an_interrupt_mid_hold_skips_the_after_check_in(db_path: Path) -> None:
    answers = Answers("5", "")
    result, clock = run(*ONE_STRETCH, answers=answers, keys=[(20.0, "<interrupt>")])
    assert result.exit_code == 130
    assert answers.prompts == [PAIN, BEGIN]
    assert "Interrupted." in result.stdout
    assert clock.now == pytest.approx(20.0)
    assert [row[2:] for row in sessions(db_path)] == [(5, None, "interrupted")]


@pytest.fixture
def damaged(db_path: Path) -> bytes:
    garbage = b"this is not an SQLite database\n" * 64
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(garbage)
    return garbage


def test_a_damaged_history_is_moved_aside_when_the_person_says_yes(db_path: Path, damaged: bytes) -> None:
    answers = Answers("y", "", "", "")
    result, _ = run(*ONE_STRETCH, answers=answers)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [MOVE_ASIDE, PAIN, BEGIN, AFTER]
    (moved,) = db_path.parent.glob("history.sqlite3.damaged-*")
    assert moved.name == "history.sqlite3.damaged-" + STARTED.astimezone().strftime("%Y%m%dT%H%M%S")
    assert moved.read_bytes() == damaged
    damaged_lines = (
        f"The history database {db_path} is damaged (it is not an SQLite database).\n{NEW_HISTORY_FORGETS}\n"
    )
    assert damaged_lines + MOVE_ASIDE in result.stdout  # what a new history forgets, the stop included, said first
    assert f"Moved the old history to {moved}; starting a new one." in result.stdout
    assert [row[2:] for row in sessions(db_path)] == [(None, None, "completed")]


def test_only_a_damaged_history_is_offered_to_be_moved_aside(db_path: Path) -> None:
    """Someone else's database is not damaged: no question, one line, and it stays where it is."""
    db_path.parent.mkdir(parents=True)
    other = sqlite3.connect(db_path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    before = db_path.read_bytes()
    answers = Answers()  # any question at all fails the test
    result, _ = run(*ONE_STRETCH, answers=answers)
    assert result.exit_code == 2
    assert answers.prompts == []
    assert result.stderr.startswith(f"stretchcoach: {db_path} is not a stretchcoach history")
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["history.sqlite3"]


@pytest.mark.parametrize("answer", ["", "n", None], ids=["enter", "n", "ctrl-d"])
def test_a_damaged_history_is_left_alone_unless_the_person_says_yes(
    answer: str | None, db_path: Path, damaged: bytes
) -> None:
    result, _ = run(*ONE_STRETCH, answers=Answers(answer))
    assert result.exit_code == 2
    assert str(db_path) in result.stderr
    assert "--reset-history" in result.stderr
    assert db_path.read_bytes() == damaged
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["history.sqlite3"]


# -- keys in plain mode ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "code", "says"),
    [("h", 3, "Stopped: you said this hurts."), ("q", 1, "Stopped early."), ("esc", 1, "Stopped early.")],
)
def test_the_stopping_keys_work_in_plain_mode_too(key: str, code: int, says: str) -> None:
    result, clock = run(*ONE_STRETCH, "--yes", "--no-checkin", answers=Answers(), keys=[(15.0, key)])
    assert result.exit_code == code, result.output
    assert says in result.stdout
    assert clock.now == pytest.approx(15.0, abs=0.1)


def test_pause_next_and_back_work_in_plain_mode_too() -> None:
    keys = [(2.0, "n"), (3.0, "b"), (4.0, "p"), (64.0, "space"), (70.0, "q")]
    result, _ = run(*ONE_STRETCH, "--yes", "--no-checkin", answers=Answers(), keys=keys)
    out = result.stdout
    lines = [line for line in out.splitlines() if line.startswith("[")]
    assert lines[:2] == [
        "[00:00] Child's pose — get ready 10 s: Kneel and sit back on your heels with your knees bent.",
        "[00:02] Child's pose — hold 30 s",
    ]
    assert "Paused" in out
    assert "Resumed" in out
    assert result.exit_code == 1


KEYS_LINE = "Keys: q quit · h this hurts · space pause · n next · b back · +/- 10 s"


def test_without_a_terminal_to_read_keys_from_the_routine_says_so() -> None:
    runtime = fake_runtime(answers=Answers(), interactive=False, keys_readable=False, started=STARTED)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH, "--yes", "--no-checkin"], obj=runtime)
    assert result.exit_code == 0, result.output
    assert "Keys: none, as standard input is not a terminal; Ctrl-C stops the routine." in result.stdout
    assert KEYS_LINE not in result.stdout
    with_keys = CliRunner().invoke(
        app, ["routine", *ONE_STRETCH, "--yes", "--no-checkin"], obj=fake_runtime(keys_readable=True)
    )
    assert "Keys: none" not in with_keys.stdout


def test_plain_lines_name_the_keys_where_there_are_keys() -> None:
    """h (stop) and space (pause) work in plain mode too: the keys line says so, before the first step."""
    runtime = fake_runtime(answers=Answers(), keys_readable=True, started=STARTED)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH, "--yes", "--no-checkin"], obj=runtime)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(KEYS_LINE) == 1
    assert result.stdout.index(KEYS_LINE) < result.stdout.index("[00:00]")


# -- after the routine -----------------------------------------------------------------------


def test_keys_pressed_during_the_routine_settle_just_before_the_after_question() -> None:
    """Keys still being pressed as a routine ends (n, n, n) are let stop and dropped before the
    question after it, and only then: never before the questions before the routine."""
    answers = Answers("3", "", "4")
    result, _ = run(*ONE_STRETCH, answers=answers)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [PAIN, BEGIN, AFTER]
    assert answers.settled == [2]


def test_check_ins_are_asked_whenever_someone_can_type_at_a_terminal(db_path: Path) -> None:
    """`routine --plain | tee log`: standard input is a terminal, standard output is not. Both
    check-ins are asked, so that the rule sees a rise in pain."""
    answers = Answers("2", "6")
    runtime = fake_runtime(answers=answers, interactive=False, keys_readable=True, started=STARTED)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH], obj=runtime)
    assert result.exit_code == 3, result.output  # worse: the rule says stop
    assert answers.prompts == [PAIN, AFTER]
    assert "Pain before → after: 2 → 6" in result.stdout
    assert [row[2:] for row in sessions(db_path)] == [(2, 6, "completed")]


def test_without_a_terminal_to_type_at_no_check_in_is_asked() -> None:
    answers = Answers()  # any question fails the test
    runtime = fake_runtime(answers=answers, interactive=False, keys_readable=False, started=STARTED)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH], obj=runtime)
    assert result.exit_code == 0, result.output
    assert answers.prompts == []


def test_with_both_outputs_sent_to_files_no_check_in_waits_unseen() -> None:
    """`routine > log 2>&1` typed at a terminal: a question would go into the log and wait for
    an answer nobody was asked, so none is asked."""
    answers = Answers()  # any question fails the test
    runtime = fake_runtime(answers=answers, interactive=False, keys_readable=True, started=STARTED)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH], obj=replace(runtime, prompts_seen=False))
    assert result.exit_code == 0, result.output
    assert answers.prompts == []


def test_this_hurts_says_stop_and_where_the_urgent_signs_are_before_asking_about_pain(db_path: Path) -> None:
    answers = Answers("3", "", "5")
    result, _ = run(*ONE_STRETCH, answers=answers, keys=[(15.0, "h")])
    assert result.exit_code == 3, result.output
    assert answers.prompts == [PAIN, BEGIN, AFTER]
    out = result.stdout
    stop = out.index(f"STOP: You stopped because it hurt. {STOP_ADVICE}\nSTOP — see a doctor: {WARNING}\n")
    asked = out.index(AFTER + "5")
    assert stop < out.index(SEE_SAFETY, stop) < asked < out.index("Stopped: you said this hurts.")
    assert out.count("STOP — see a doctor") == 1  # said once, not again under the summary
    assert answers.settled == [2]
    assert [row[2:] for row in sessions(db_path)] == [(3, 5, "hurt")]


def test_stopping_during_get_ready_names_the_step_in_one_sentence() -> None:
    result, _ = run(*ONE_STRETCH, answers=Answers("3", "", "3"), keys=[(4.0, "h")])
    assert result.exit_code == 3, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("You stopped during: ")]
    assert line.startswith("You stopped during: Child's pose — get ready")
    assert line.endswith(".")
    assert not line.endswith("..")


# -- what the summary says ---------------------------------------------------------------------

HIP_FLEXOR = ["--only", "supine-hip-flexor"]  # get ready 10 s, left 30 s, switch 5 s, right 30 s


def test_a_routine_with_steps_skipped_is_complete_but_not_well_done() -> None:
    """Half the stretching is enough to complete a routine (and count for the streak); the summary says
    what was skipped instead of praising it."""
    answers = Answers("3", "", "3")
    result, _ = run(*HIP_FLEXOR, answers=answers, keys=[(46.0, "n")])  # the right side skipped after 1 s
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Routine complete, with 1 of 2 stretching steps skipped." in out
    assert "Well done" not in out
    assert "Active stretching 31 s of 1 min planned; the routine took 46 s." in out


@pytest.mark.parametrize(
    ("after", "headline"), [("3", "Routine complete. Well done."), ("4", "Routine complete.\n")], ids=["same", "+1"]
)
def test_well_done_only_without_skips_and_without_pain_rising(after: str, headline: str) -> None:
    result, _ = run(*ONE_STRETCH, answers=Answers("3", "", after))
    assert result.exit_code == 0, result.output
    assert headline in result.stdout
    assert "Active stretching 30 s of 30 s planned; the routine took 40 s." in result.stdout
    assert ("Well done" in result.stdout) is (after == "3")


@pytest.mark.parametrize("verdict", [Verdict.WORSENED, Verdict.HURT])
def test_a_stop_is_one_red_panel_on_a_terminal(
    verdict: Verdict, catalog: Catalog, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    session, *_ = run_loop(back_relief(catalog, only=("childs-pose",)))
    show_summary(Output(), session, WARNING, verdict, 2, 6)
    text = flat(capsys.readouterr().out)
    assert text.count("⚠ Stop") == 1, text
    assert "⚠ Stop and see a doctor" in text
    assert flat(SEE_SAFETY) in text
