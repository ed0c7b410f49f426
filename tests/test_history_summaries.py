"""What `history` reads instead of every step: the summaries the schema keeps (m004), the
indexes its queries go through, and the sessions of ``--json`` and ``--csv`` written as they
are read, in the very text Python's ``json`` and ``csv`` would have written."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stretchcoach.core import rule
from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan
from stretchcoach.core.rule import streaks
from stretchcoach.core.session import Outcome, RoutineSession
from stretchcoach.history import migrations, queries
from stretchcoach.history.recorder import Recorder
from stretchcoach.history.report import build_report, open_history
from stretchcoach.history.store import HistoryStore, open_for_writing
from stretchcoach.localtime import local
from stretchcoach.views.history import report_json, sessions_csv
from stretchcoach.views.output import json_dumps

from helpers import back_relief

NOW = datetime.now(UTC).replace(microsecond=0)


def record(store: HistoryStore, plan: Plan, started_at: datetime, *, quit_at: float | None, pain: int) -> int:
    recorder = Recorder.start(store, plan, started_at=started_at, pain_before=pain)
    session = RoutineSession(plan, started=0.0)
    session.begin()
    for moment in range(0, 400, 7):  # saved step by step, as a routine is
        if quit_at is not None and moment >= quit_at:
            session.finish(Outcome.QUIT, quit_at)
            break
        session.update(float(moment))
        recorder.observe(session)
    recorder.finish(session, ended_at=started_at + timedelta(minutes=5))
    recorder.pain_after(max(0, pain - 1))
    assert recorder.session_id is not None
    return recorder.session_id


def fill(store: HistoryStore, catalog: Catalog) -> None:
    """Twelve routines over three weeks, some quit part-way (one after the left side of the hip flexor stretch)."""
    plan = back_relief(catalog, prep=0, rest=0, switch=0, reps=3)
    for n in range(12):
        quit_at = None if n % 3 else [45.0, 100.0, 33.0, 75.0][n // 3]
        record(store, plan, NOW - timedelta(days=20 - 2 * n, hours=n), quit_at=quit_at, pain=n % 8)


def recounted(db: sqlite3.Connection) -> dict[str, set[tuple[object, ...]]]:
    """The summaries the history keeps, beside the same counted afresh from its steps."""
    counts = migrations.SESSION_COUNTS.values()
    per_session = ", ".join(
        f"(SELECT coalesce(sum({e}), 0) FROM steps R WHERE R.session_id = s.id AND {migrations.STRETCHING})"
        for e in counts
    )
    stretch_sums = ", ".join(f"sum({e})" for e in migrations.STRETCH_COUNTS.values())
    day_sums = ", ".join(f"sum({e})" for e in migrations.DAY_COUNTS.values())
    return {
        "kept sessions": set(db.execute("SELECT id, steps_done, steps_skipped FROM sessions")),
        "counted sessions": set(db.execute(f"SELECT s.id, {per_session} FROM sessions s")),
        "kept stretches": set(db.execute("SELECT * FROM session_stretches WHERE steps != 0")),
        "counted stretches": set(
            db.execute(
                f"SELECT R.session_id, R.stretch, s.started_at, {stretch_sums} FROM steps R"
                f" JOIN sessions s ON s.id = R.session_id WHERE {migrations.STRETCHING} GROUP BY 1, 2"
            )
        ),
        "kept days": set(db.execute("SELECT * FROM day_stretches WHERE steps != 0")),
        "counted days": set(
            db.execute(
                f"SELECT substr(R.started_at, 1, 10), R.stretch, {day_sums} FROM session_stretches R"
                " GROUP BY 1, 2 HAVING sum(R.steps) != 0"
            )
        ),
    }


def assert_summaries_agree(db: sqlite3.Connection) -> None:
    found = recounted(db)
    for what in ("sessions", "stretches", "days"):
        assert found[f"kept {what}"] == found[f"counted {what}"], what
        assert found[f"kept {what}"], what


@pytest.fixture
def store(db_path: Path, catalog: Catalog) -> Iterator[HistoryStore]:
    with open_for_writing(db_path) as opened:
        fill(opened, catalog)
        yield opened


# -- the summaries ---------------------------------------------------------------------------------


def test_the_summaries_follow_every_step_saved(store: HistoryStore) -> None:
    assert_summaries_agree(store.db)
    (one_sided,) = store.db.execute("SELECT count(*) FROM session_stretches WHERE holds_done > 0 AND sides_missed > 0")
    assert one_sided == (1,)


def test_the_summaries_follow_steps_changed_or_removed_by_hand(store: HistoryStore) -> None:
    with store.db:
        store.db.execute("UPDATE steps SET stretch = 'renamed' WHERE session_id = 2")
        store.db.execute("UPDATE steps SET status = 'skipped', seconds = 1.5 WHERE session_id = 3 AND idx = 0")
        store.db.execute("DELETE FROM steps WHERE session_id = 4 AND idx = 1")
        store.db.execute("UPDATE sessions SET started_at = '2001-01-01T00:00:00+00:00' WHERE id = 5")
    assert_summaries_agree(store.db)


def test_migrating_an_older_history_summarises_what_it_has(db_path: Path, catalog: Catalog) -> None:
    """m004 counts the steps already there as its triggers count those saved after it."""
    with open_for_writing(db_path) as made:
        fill(made, catalog)
        kept = recounted(made.db)
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        older = older_history(db)
        assert migrations.migrate(db) == older
        assert_summaries_agree(db)
        assert recounted(db) == kept
    finally:
        db.close()


def older_history(db: sqlite3.Connection) -> list[str]:
    """Take the history in ``db`` back to before m004, its sessions and steps kept; the migrations it lacks."""
    with db:
        for kind, name in db.execute(
            "SELECT type, name FROM sqlite_schema WHERE type IN ('trigger', 'index', 'table') AND sql IS NOT NULL"
            " AND (name LIKE '%stretches%' OR name = 'sessions_rise' OR type = 'trigger')"
        ).fetchall():
            if kind != "table" or name in ("session_stretches", "day_stretches"):
                db.execute(f"DROP {kind.upper()} IF EXISTS {name}")
        for column in migrations.SESSION_COUNTS:
            db.execute(f"ALTER TABLE sessions DROP COLUMN {column}")
        db.execute("DELETE FROM migrations WHERE name = 'm004_summaries'")
        db.execute("PRAGMA user_version = 3")
    return ["m004_summaries"]


def test_an_older_history_reads_the_same_and_is_left_as_it_was(db_path: Path, catalog: Catalog) -> None:
    """Before its first routine after an upgrade, a history has no summaries: `history` makes
    them for itself, never in the file."""
    with open_for_writing(db_path) as made:
        fill(made, catalog)
    expected = everything_shown(db_path)
    db = sqlite3.connect(db_path, isolation_level=None)
    older_history(db)
    db.execute("VACUUM")
    db.close()
    before = db_path.read_bytes()
    assert everything_shown(db_path) == expected
    assert db_path.read_bytes() == before


def everything_shown(db_path: Path) -> tuple[str, str, object]:
    with open_history(db_path) as store:
        report = build_report(store, days=36500, now=NOW, names={})
        shown = "".join(report_json(report)), "".join(sessions_csv(report.sessions))
        return (*shown, (report.count, report.latest, report.pains, report.stretches, report.one_sided))


# -- the queries go through indexes ----------------------------------------------------------------

FULL_SCAN = re.compile(r"\bSCAN (sessions|steps|session_stretches|day_stretches)\b")


def test_the_reports_queries_search_indexes_and_never_scan_a_table(store: HistoryStore) -> None:
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    report = build_report(store, days=36500, now=NOW, names={})
    "".join(report_json(report))
    store.db.set_trace_callback(None)
    plans = {sql: [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in statements}
    assert len(plans) >= 9
    for sql, plan in plans.items():
        assert not [step for step in plan if FULL_SCAN.search(step)], (sql, plan)
    searched = " ".join(step for plan in plans.values() for step in plan)
    for index in ("sessions_started", "sessions_days", "sessions_rise", "session_stretches_one_sided"):
        assert f"INDEX {index}" in searched, index
    assert "SEARCH day_stretches USING PRIMARY KEY (day>?)" in searched


def test_the_rule_reads_only_the_check_ins_of_its_window(store: HistoryStore) -> None:
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    queries.rule_state(store, now=NOW)
    store.db.set_trace_callback(None)
    reading_checkins = [sql for sql in statements if "pain_before IS NOT NULL" in sql and "started_at >=" in sql]
    (sql,) = reading_checkins
    since = re.search(r"started_at >= '([^']+)'", sql)
    assert since is not None
    assert datetime.fromisoformat(since.group(1)) == NOW - timedelta(days=21)
    plan = [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert plan == ["SEARCH sessions USING INDEX sessions_started (started_at>?)"]


# -- JSON and CSV, as they are read --------------------------------------------------------------


def tamper(db: sqlite3.Connection) -> None:
    """Values Python and SQLite might write differently: quotes, escapes, controls, other scripts,
    DEL, commas and line breaks in text; a time that is not hundredths; a pain that is a real."""
    with db:
        db.execute("""UPDATE sessions SET routine = 'a "quoted", \\back' || char(10, 9, 27) WHERE id = 1""")
        db.execute("UPDATE sessions SET note = 'Rücken ✓ ' || char(127, 8238, 128512) WHERE id = 2")
        db.execute("UPDATE sessions SET active_seconds = 0.1 + 0.2 WHERE id = 3")
        db.execute("UPDATE sessions SET pain_before = 5.5, routine = 'x\r' WHERE id = 4")
        db.execute("UPDATE sessions SET outcome = NULL, note = 'line one' || char(10) || 'two' WHERE id = 5")
        db.execute("UPDATE sessions SET note = 'before' || char(0) || 'after' WHERE id = 6")  # printf stops at NUL
        db.execute("UPDATE sessions SET note = X'414243' WHERE id = 7")  # a BLOB, not text


@pytest.mark.parametrize("tampered", [False, True], ids=["as-recorded", "tampered"])
def test_json_and_csv_are_what_python_would_write_whole(
    store: HistoryStore, tampered: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if tampered:
        tamper(store.db)
    monkeypatch.setattr(queries, "BATCH", 5)
    report = build_report(store, days=36500, now=NOW, names={})
    rows = list(report.sessions)
    assert len(rows) == 12

    parts = list(report_json(report))
    assert len(parts) == 2 + 3  # before the sessions, three batches of them, after them
    whole = report.to_json() | {"sessions": [row.to_json() for row in rows]}
    assert "".join(parts) == json_dumps(whole) + "\n"

    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=queries.SessionRow.CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row.to_json() for row in rows)
    lines = list(sessions_csv(report.sessions))
    assert len(lines) == 3 + 1  # three batches (the first with the header), then nothing left
    assert "".join(lines) == table.getvalue()


def test_no_sessions_are_an_empty_list_and_a_header() -> None:
    report = build_report(None, days=30, now=NOW, names={})
    assert json.loads("".join(report_json(report)))["sessions"] == []
    assert "".join(report_json(report)) == json_dumps(report.to_json()) + "\n"
    assert "".join(sessions_csv(report.sessions)) == ",".join(queries.SessionRow.CSV_FIELDS) + "\n"


_OUTCOMES = ["completed", "completed", "hurt", "quit"]


# -- streaks, in SQL and in the core ----------------------------------------------------------------


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(-40, 3), st.sampled_from(["completed", "completed", "quit", None])), max_size=30))
def test_the_streaks_in_sql_are_the_cores(tmp_path: Path, days: list[tuple[int, str | None]]) -> None:
    """`history` counts streaks in SQL; core.rule.streaks says what they are: they agree."""
    today = NOW.date()
    path = tmp_path / f"streaks-{len(list(tmp_path.iterdir()))}.sqlite3"
    with open_for_writing(path) as opened:
        with opened.db:
            opened.db.executemany(
                "INSERT INTO sessions (started_at, local_day, routine, planned_seconds, outcome) "
                "VALUES (?, ?, 'back-relief', 253, ?)",
                [
                    (f"{today + timedelta(days=offset)}T09:00:00+00:00", str(today + timedelta(days=offset)), outcome)
                    for offset, outcome in days
                ],
            )
        completed = [today + timedelta(days=offset) for offset, outcome in days if outcome == "completed"]
        assert queries.streaks(opened, today=today) == streaks(completed, today=today)


# -- the stop, in SQL and in the core -----------------------------------------------------------------

_ROUTINES = st.tuples(
    st.integers(-30, 0), st.none() | st.integers(0, 10), st.none() | st.integers(0, 10), st.sampled_from(_OUTCOMES)
)


@settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ROUTINES, max_size=12))
@example([(-3, 2, 6, "completed"), (-2, 3, 4, "completed"), (-1, 3, 3, "completed")])  # worse, a point up, same
def test_the_stop_read_in_sql_is_the_cores(
    tmp_path: Path, routines: list[tuple[int, int | None, int | None, str]]
) -> None:
    """The rule reads only the routine that said stop and the first that clears it; core.rule, given
    every routine, says the same (a routine that left the pain a point higher clears nothing)."""
    path = tmp_path / f"stop-{len(list(tmp_path.iterdir()))}.sqlite3"
    rows = [(NOW + timedelta(days=offset, minutes=n), *rest) for n, (offset, *rest) in enumerate(routines)]
    with open_for_writing(path) as opened:
        with opened.db:
            opened.db.executemany(
                "INSERT INTO sessions (started_at, local_day, routine, planned_seconds, outcome, pain_before,"
                " pain_after) VALUES (?, ?, 'back-relief', 253, ?, ?, ?)",
                [(at.isoformat(), str(at.date()), outcome, before, after) for at, before, after, outcome in rows],
            )
        from_sql = queries.rule_state(opened, now=NOW)
    core = rule.rule_state(
        [rule.Routine(local(at), before, after, outcome) for at, before, after, outcome in rows], [], now=local(NOW)
    )
    assert (from_sql.stop and from_sql.stop.routine.at) == (core.stop and core.stop.routine.at)
