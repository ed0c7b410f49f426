"""`history`, `safety`, and what `routine` does with the history, check-ins and the rule.

Commands run through Typer's CliRunner: output is not a terminal, so the routine runs
in plain mode, on a fake clock; ``--only`` keeps each run to one stretch.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from stretchcoach.cli import app
from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan, PlanOptions, find_routine, plan_routine
from stretchcoach.core.rule import Verdict
from stretchcoach.core.safety import SEE_SAFETY
from stretchcoach.core.session import Outcome, RoutineSession
from stretchcoach.errors import ExitCode
from stretchcoach.history.recorder import Recorder
from stretchcoach.history.store import HistoryStore, open_for_writing
from stretchcoach.views.history import sparkline
from stretchcoach.views.safety import verdict_panel

from fakes import fake_runtime
from helpers import BOX_DRAWING, GARBAGE, WARNING, WIDE, flat, is_red, rows, styled_lines

QUICK = ["--yes", "--no-checkin", "--reps", "1", "--prep", "0", "--rest", "0", "--switch", "0"]  # on a fake clock
CHILDS_POSE = [*QUICK, "--only", "childs-pose"]
RED_FLAGS = [
    "numbness or tingling around your genitals or buttocks",
    "loss of bladder or bowel control, or difficulty peeing",
    "weakness or numbness in both legs",
    "back pain after a fall or an accident",
    "a fever, or weight loss you cannot explain, with your back pain",
]
STOP_ADVICE = "Stop doing these stretches and consult a doctor as soon as possible."
SESSION_FIELDS = [
    "id",
    "started_at",
    "routine",
    "planned_seconds",
    "active_seconds",
    "pain_before",
    "pain_after",
    "outcome",
    "note",
    "steps_done",
    "steps_skipped",
]


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run a command; a routine runs on a fake clock (no terminal, no keys), so in no time."""
    return CliRunner().invoke(app, list(args), env=env, obj=fake_runtime())


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


pytestmark = pytest.mark.usefixtures("utc_local_time")  # local days without DST or midnight surprises


def make_plan(catalog: Catalog, stretch: str) -> Plan:
    options = PlanOptions(prep=0, rest=0, switch=0, only=(stretch,))
    return plan_routine(catalog, find_routine(catalog, "back-relief"), options)


def record(
    store: HistoryStore,
    plan: Plan,
    started_at: datetime,
    *,
    pain_before: int | None = None,
    pain_after: int | None = None,
    quit_at: float | None = None,
) -> int:
    """Record a routine as the coach would: to the end, or quit at ``quit_at`` seconds in."""
    recorder = Recorder.start(store, plan, started_at=started_at, pain_before=pain_before)
    session = RoutineSession(plan, started=0.0)
    session.begin()
    if quit_at is None:
        session.update(10_000.0)
    else:
        session.update(quit_at)
        session.finish(Outcome.QUIT, quit_at)
    recorder.finish(session, ended_at=started_at + timedelta(minutes=5))
    if pain_after is not None:
        recorder.pain_after(pain_after)
    return recorder.session_id


def sessions_in(db_path: Path) -> list[tuple[int | None, int | None, str | None]]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT pain_before, pain_after, outcome FROM sessions ORDER BY id").fetchall()
    finally:
        db.close()


# -- `history` with nothing recorded ------------------------------------------------------------


def test_history_without_a_database_is_friendly_and_creates_nothing(db_path: Path) -> None:
    result = invoke("history")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No routines in the last 30 days. Start one: stretchcoach routine\n")
    assert "Streak: 0 days now, longest 0" in result.stdout
    assert result.stderr == ""
    assert not db_path.exists()
    assert not db_path.parent.exists() or list(db_path.parent.iterdir()) == []


def test_history_json_without_a_database(db_path: Path) -> None:
    result = invoke("history", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sessions"] == []
    assert data["streak"] == {"current": 0, "longest": 0}
    assert data["rule"]["persists"] is False
    assert not db_path.exists()


def test_history_csv_header_is_the_same_with_and_without_sessions(db_path: Path, catalog: Catalog) -> None:
    empty = invoke("history", "--csv")
    assert empty.exit_code == 0, empty.output
    store = open_for_writing(db_path)
    record(store, make_plan(catalog, "childs-pose"), datetime.now(UTC) - timedelta(hours=1))
    store.close()
    full = invoke("history", "--csv")
    assert full.exit_code == 0, full.output
    assert full.stdout.splitlines()[0] == ",".join(SESSION_FIELDS)
    # A script reading the CSV must find the same columns whether or not there are rows.
    assert empty.stdout.splitlines() == [",".join(SESSION_FIELDS)]


# -- `history` over a fabricated month -----------------------------------------------------------


@pytest.fixture
def month(db_path: Path, catalog: Catalog) -> dict[str, datetime]:
    """Four routines over three days: one quit after the left side of the hip flexor stretch."""
    now = datetime.now(UTC)
    hip, childs = make_plan(catalog, "supine-hip-flexor"), make_plan(catalog, "childs-pose")
    starts = {
        "a": now - timedelta(days=2, hours=1),
        "b": now - timedelta(days=1, hours=1),
        "c": now - timedelta(days=1, minutes=30),
        "d": now - timedelta(hours=1),
    }
    store = open_for_writing(db_path)
    try:
        record(store, hip, starts["a"], pain_before=5, pain_after=3)
        record(store, childs, starts["b"], pain_before=6, pain_after=6)
        record(store, hip, starts["c"], pain_before=7, quit_at=42.0)  # left done, 12 s of the right
        record(store, childs, starts["d"], pain_before=2, pain_after=2)
    finally:
        store.close()
    return starts


def month_status(month: dict[str, datetime]) -> str:
    """The rule's status over the month's check-ins: 5 first, 2 last, over three or four local days."""
    days = len({month[key].astimezone().date() for key in "abcd"})
    first, last = (
        f"{month[key].astimezone():%a} {month[key].astimezone().day} {month[key].astimezone():%b %Y}" for key in "ad"
    )
    return (
        f"Pain check-ins on {days} days in the last 21 (from 5 on {first} to 2 on {last}): not yet enough to tell "
        "whether it persists, which takes check-ins on 3 or more days, 14 days or more apart."
    )


SESSIONS_HEADER = ["Date", "Routine", "Done", "Skipped", "Min", "Pain", "Ended"]


def session_rows(output: str) -> list[list[str]]:
    """The rows of the sessions table (output rendered ``WIDE``), header first; panels are one cell."""
    return [row for row in rows(output) if len(row) > 1]


def test_history_shows_the_table_streaks_totals_one_side_sparkline_and_rule(month: dict[str, datetime]) -> None:
    result = invoke("history", env=WIDE)
    assert result.exit_code == 0, result.output
    out = result.stdout

    def when(key: str) -> str:
        return f"{month[key].astimezone():%d %b %H:%M}"

    assert "The last 30 days" in out
    assert session_rows(out) == [
        SESSIONS_HEADER,
        [when("a"), "back-relief", "2", "0", "1.0", "5 → 3", "completed"],
        [when("b"), "back-relief", "1", "0", "0.5", "6 → 6", "completed"],
        [when("c"), "back-relief", "1", "1", "0.7", "7 → –", "quit"],
        [when("d"), "back-relief", "1", "0", "0.5", "2 → 2", "completed"],
    ]
    assert "Streak: 3 days now, longest 3" in out
    assert (
        "Per stretch Stretch Completed Time Supine hip flexor stretch 1 1 min 42 s Child's pose 2 1 min "
        f"{month['c'].astimezone():%d %b}: the right side of the supine hip flexor stretch was skipped."
    ) in flat(out)
    assert "Pain before each routine: ▅▅▆▂  5 → 2" in out
    assert f"The rule {month_status(month)}" in flat(out)
    assert "Your pain persists" not in out
    assert result.stderr == ""


def test_history_days_filters_the_sessions(month: dict[str, datetime]) -> None:
    result = invoke("history", "--days", "1", env=WIDE)
    assert result.exit_code == 0, result.output
    assert "The last day" in result.stdout
    header, *sessions = session_rows(result.stdout)
    assert header == SESSIONS_HEADER
    assert [row[5] for row in sessions] == ["2 → 2"]
    assert "was skipped" not in result.stdout  # the one-sided routine is older than a day

    data = json.loads(invoke("history", "--days", "1", "--json").stdout)
    assert data["days"] == 1
    assert [s["pain_before"] for s in data["sessions"]] == [2]
    assert [s["stretch"] for s in data["stretches"]] == ["childs-pose"]
    assert data["one_side_only"] == []
    assert data["streak"] == {"current": 3, "longest": 3}  # streaks look at every day


def test_history_json(month: dict[str, datetime]) -> None:
    result = invoke("history", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"days", "sessions", "streak", "stretches", "one_side_only", "rule"}
    assert [list(s) for s in data["sessions"]] == [SESSION_FIELDS] * 4
    assert [(s["pain_before"], s["pain_after"], s["outcome"]) for s in data["sessions"]] == [
        (5, 3, "completed"),
        (6, 6, "completed"),
        (7, None, "quit"),
        (2, 2, "completed"),
    ]
    assert [datetime.fromisoformat(s["started_at"]) for s in data["sessions"]] == [
        month[key].replace(microsecond=0) for key in "abcd"
    ]
    assert data["streak"] == {"current": 3, "longest": 3}
    assert data["stretches"] == [
        {"stretch": "supine-hip-flexor", "completed": 1, "seconds": 102.0},
        {"stretch": "childs-pose", "completed": 2, "seconds": 60.0},
    ]
    assert data["one_side_only"] == [
        {
            "started_at": month["c"].replace(microsecond=0).isoformat(),
            "stretch": "supine-hip-flexor",
            "side_skipped": "right",
        }
    ]
    assert data["rule"] == {
        "binding": False,
        "reason": None,
        "stop": None,
        "persists": False,
        "persistence": month_status(month),
        "seen_doctor": None,
        "last_verdict": "ok",
    }


def test_history_csv(month: dict[str, datetime]) -> None:
    result = invoke("history", "--csv")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == SESSION_FIELDS
    rows = list(reader)
    assert [(r["pain_before"], r["pain_after"], r["outcome"], r["steps_done"]) for r in rows] == [
        ("5", "3", "completed", "2"),
        ("6", "6", "completed", "1"),
        ("7", "", "quit", "1"),
        ("2", "2", "completed", "1"),
    ]


def test_history_json_and_csv_together_is_a_usage_error(month: dict[str, datetime]) -> None:
    result = invoke("history", "--json", "--csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "choose one of --json and --csv" in result.stderr


def test_sparkline_maps_zero_to_ten_onto_eight_bars() -> None:
    assert sparkline([0, 2, 3, 6, 7, 10]) == "▁▂▃▅▆█"
    assert sparkline([]) == ""


# -- the rule: persists, worsens ------------------------------------------------------------------


@pytest.fixture
def persisting(db_path: Path, catalog: Catalog) -> str:
    """Three check-ins over fifteen days at 6, 6 and 7; what the rule says of them.

    The first is exactly fifteen days before the last, at the same time of day: fifteen calendar
    days apart whatever the time now (two hours more would make it sixteen between midnight and 2 am).
    """
    latest = datetime.now(UTC) - timedelta(minutes=1)
    plan = make_plan(catalog, "childs-pose")
    store = open_for_writing(db_path)
    try:
        for before, pain in ((timedelta(days=15), 6), (timedelta(days=7), 6), (timedelta(0), 7)):
            record(store, plan, latest - before, pain_before=pain, pain_after=pain)
    finally:
        store.close()
    first, last = (latest - timedelta(days=15)).astimezone(), latest.astimezone()
    return (
        f"Your pain has not improved over 15 days: from 6 on {first:%a} {first.day} {first:%b %Y} to 7 on "
        f"{last:%a} {last.day} {last:%b %Y}. {STOP_ADVICE}"
    )


def test_history_says_when_pain_persists(persisting: str) -> None:
    result = invoke("history")
    assert result.exit_code == 0, result.output
    assert "⚠ Your pain persists" in result.stdout
    assert persisting in flat(result.stdout)
    data = json.loads(invoke("history", "--json").stdout)
    assert (data["rule"]["persists"], data["rule"]["binding"], data["rule"]["reason"]) == (True, True, "persists")


def test_routine_says_when_pain_persists_and_does_not_start_without_a_yes(persisting: str) -> None:
    result = invoke("routine", *CHILDS_POSE)
    assert result.exit_code == ExitCode.STOP
    out = result.stdout
    assert "STOP: Your pain persists: " in out  # plain lines: the output is not a terminal
    assert persisting in flat(out)
    assert "[00:00]" not in out
    assert "(--yes is not enough)" in result.stderr


def test_routine_without_a_pattern_does_not_say_it_persists(db_path: Path, catalog: Catalog) -> None:
    store = open_for_writing(db_path)
    now = datetime.now(UTC)
    for days in (8, 4):  # only two check-ins
        record(store, make_plan(catalog, "childs-pose"), now - timedelta(days=days), pain_before=7)
    store.close()
    result = invoke("routine", *CHILDS_POSE)
    assert result.exit_code == 0, result.output
    assert "persists" not in result.stdout.replace("If your pain persists", "")


def test_pain_worse_after_the_routine_says_stop(db_path: Path) -> None:
    result = invoke("routine", *CHILDS_POSE, "--pain-before", "3", "--pain-after", "6")
    assert result.exit_code == ExitCode.STOP, result.output
    lines = result.stdout.splitlines()
    assert "Pain before → after: 3 → 6" in lines
    assert lines[-3] == "STOP: Your pain is worse after the routine than before it. " + STOP_ADVICE
    assert lines[-2].startswith("STOP — see a doctor: If your pain persists or even worsens")
    assert lines[-1] == SEE_SAFETY
    assert sessions_in(db_path) == [(3, 6, "completed")]


def test_the_stop_panel_is_red_on_a_terminal() -> None:
    lines = styled_lines(verdict_panel(Verdict.WORSENED), width=100)
    border = [style for line in lines for char, style in line if BOX_DRAWING.match(char)]
    assert border
    assert all(is_red(style) for style in border)
    # Every character a reader sees, in reading order: the title, then the message.
    ink = [(char, style) for line in lines for char, style in line if not (char.isspace() or BOX_DRAWING.match(char))]
    message = "".join(f"Your pain is worse after the routine than before it. {STOP_ADVICE}".split())
    assert "".join(char for char, _ in ink) == "⚠Stop" + message
    assert all(is_red(style) for _, style in ink)
    assert all(style.bold for _, style in ink[-len(message) :])


def test_pain_one_point_higher_gets_the_gentle_note(db_path: Path) -> None:
    result = invoke("routine", *CHILDS_POSE, "--pain-before", "3", "--pain-after", "4")
    assert result.exit_code == 0, result.output
    assert "Note: Your pain is a little higher than before." in result.stdout
    assert "STOP" not in result.stdout
    assert sessions_in(db_path) == [(3, 4, "completed")]


def test_pain_no_worse_gets_no_panel(db_path: Path) -> None:
    result = invoke("routine", *CHILDS_POSE, "--pain-before", "5", "--pain-after", "5")
    assert result.exit_code == 0, result.output
    assert "⚠ Stop" not in result.stdout
    assert "Pain check" not in result.stdout
    assert sessions_in(db_path) == [(5, 5, "completed")]


@pytest.mark.parametrize("option", ["--pain-before", "--pain-after"])
@pytest.mark.parametrize("value", ["11", "-1"])
def test_pain_outside_zero_to_ten_is_a_usage_error(db_path: Path, option: str, value: str) -> None:
    result = invoke("routine", *CHILDS_POSE, option, value)
    assert result.exit_code == 2
    assert result.stderr == f"stretchcoach: {option}: expected a whole number from 0 to 10; got '{value}'\n"
    assert not db_path.exists()


# -- a damaged history ---------------------------------------------------------------------------


@pytest.fixture
def garbage_db(db_path: Path) -> Path:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(GARBAGE)
    return db_path


def assert_cannot_be_used(stderr: str, path: Path, what: str = "it is not an SQLite database") -> None:
    """One line naming the file, what is wrong with it in stretchcoach's words, and what to do."""
    (line,) = stderr.splitlines()
    assert line == (
        f"stretchcoach: history database {path} is damaged ({what}); it was left untouched. "
        "Run `stretchcoach routine --reset-history` to move it aside and start a new history."
    )


def test_routine_with_a_damaged_history_stops_with_one_line(garbage_db: Path) -> None:
    result = invoke("routine", *CHILDS_POSE)
    assert result.exit_code == 2
    assert_cannot_be_used(result.stderr, garbage_db)
    assert result.stdout == ""
    no_traceback(result)
    assert garbage_db.read_bytes() == GARBAGE
    assert sorted(p.name for p in garbage_db.parent.iterdir()) == ["history.sqlite3"]


def test_history_with_a_damaged_history_stops_with_one_line(garbage_db: Path) -> None:
    result = invoke("history")
    assert result.exit_code == 2
    assert_cannot_be_used(result.stderr, garbage_db)
    no_traceback(result)
    assert garbage_db.read_bytes() == GARBAGE


def test_reset_history_moves_the_damaged_one_aside_and_goes_on(garbage_db: Path) -> None:
    result = invoke("routine", *CHILDS_POSE, "--reset-history")
    assert result.exit_code == 0, result.output
    (moved,) = garbage_db.parent.glob("history.sqlite3.damaged-*")
    assert moved.read_bytes() == GARBAGE
    assert f"Moved the old history to {moved}; starting a new one." in "".join(result.stdout.splitlines())
    assert "Routine complete. Well done." in result.stdout
    assert sessions_in(garbage_db) == [(None, None, "completed")]


def test_the_moved_aside_path_is_printed_on_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Logs and plain output are where people copy the path from: Rich must not fold it.
    home = tmp_path / ("a-rather-long-directory-name-" * 4) / "home"
    monkeypatch.setenv("STRETCHCOACH_HOME", str(home))
    (home / "data").mkdir(parents=True)
    (home / "data" / "history.sqlite3").write_bytes(GARBAGE)
    result = invoke("routine", *CHILDS_POSE, "--reset-history")
    assert result.exit_code == 0, result.output
    (moved,) = (home / "data").glob("history.sqlite3.damaged-*")
    assert len(str(moved)) > 100  # longer than the pinned terminal width
    assert f"Moved the old history to {moved}; starting a new one.\n" in result.stdout


@pytest.fixture
def partly_damaged_db(db_path: Path, catalog: Catalog) -> Path:
    """A real history whose steps table has one page overwritten: the header and sessions are fine."""
    store = open_for_writing(db_path)
    record(store, make_plan(catalog, "childs-pose"), datetime.now(UTC) - timedelta(hours=1), pain_before=3)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (page_size,) = store.db.execute("PRAGMA page_size").fetchone()
    (root,) = store.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'steps'").fetchone()
    store.close()
    with db_path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * page_size)
    check = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError):
        check.execute("SELECT count(*) FROM steps").fetchone()
    check.close()
    return db_path


def test_history_with_a_partly_damaged_database_stops_with_one_line(partly_damaged_db: Path) -> None:
    damaged = partly_damaged_db.read_bytes()
    result = invoke("history")
    no_traceback(result)
    assert result.exit_code == 2
    assert_cannot_be_used(result.stderr, partly_damaged_db, "SQLite found broken pages in it")
    assert partly_damaged_db.read_bytes() == damaged


def test_routine_with_a_partly_damaged_database_stops_with_one_line(partly_damaged_db: Path) -> None:
    result = invoke("routine", *CHILDS_POSE)
    no_traceback(result)
    assert result.exit_code == 2
    assert_cannot_be_used(result.stderr, partly_damaged_db, "SQLite found broken pages in it")


def test_reset_history_also_moves_a_partly_damaged_database_aside(partly_damaged_db: Path) -> None:
    damaged = partly_damaged_db.read_bytes()
    result = invoke("routine", *CHILDS_POSE, "--reset-history")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    (moved,) = partly_damaged_db.parent.glob("history.sqlite3.damaged-*")
    assert moved.read_bytes() == damaged


# -- safety ---------------------------------------------------------------------------------------


def test_safety_prints_the_red_flags_and_the_rule() -> None:
    result = invoke("safety")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "⚠ Get help now If you have back pain with any of these, get emergency medical care now" in text
    assert " ".join(f"• {flag}" for flag in RED_FLAGS) in text  # every flag, in this order, nothing between
    bullets = [line for line in result.stdout.splitlines() if flat(line).startswith("• ")]
    assert len(bullets) == len(RED_FLAGS)  # each flag starts a line of its own
    assert f"⚠ The rule {WARNING} stretchcoach is not medical advice and cannot diagnose anything." in text


def test_the_first_routine_shows_the_safety_text_once() -> None:
    first = invoke("routine", *CHILDS_POSE)
    assert first.exit_code == 0, first.output
    # Plain output (no terminal here): plain lines, no boxes, the rule said once.
    assert first.stdout.count("Get help now: ") == 1
    assert "╭" not in first.stdout
    for flag in RED_FLAGS:
        assert f"  - {flag}\n" in first.stdout
    before_start = first.stdout[: first.stdout.index("[00:00]")]
    assert before_start.count(f"Safety: {WARNING}") == 1
    assert first.stdout.index("Get help now") < first.stdout.index("[00:00] Child's pose")

    second = invoke("routine", *CHILDS_POSE)
    assert second.exit_code == 0, second.output
    assert "Get help now" not in second.stdout
    assert RED_FLAGS[0] not in flat(second.stdout)
    # Every run still says where the urgent signs are, and the rule.
    assert "Urgent signs that need a doctor now: run `stretchcoach safety`." in second.stdout
    assert f"Safety: {WARNING}" in second.stdout
