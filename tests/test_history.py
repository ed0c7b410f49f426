"""The history store: the file on disk, recording a routine, reading it back, damaged
databases, and what survives signals and concurrent routines. (The schema and its migrations
are in test_history_migrations.py.)"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest

from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan, PlanOptions, find_routine, plan_routine
from stretchcoach.core.session import Outcome, RoutineSession
from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.history import queries
from stretchcoach.history.errors import HistoryError
from stretchcoach.history.files import move_aside
from stretchcoach.history.migrations import MIGRATIONS
from stretchcoach.history.queries import SessionRow
from stretchcoach.history.recorder import Recorder
from stretchcoach.history.store import HistoryStore, open_for_writing

from helpers import GARBAGE, use_quick_holds

STARTED = datetime(2025, 3, 20, 9, 30, tzinfo=UTC)


def make_plan(catalog: Catalog, *only: str, hold: int = 30) -> Plan:
    options = PlanOptions(hold=hold, reps=1, prep=0, rest=0, switch=0, only=only)
    return plan_routine(catalog, find_routine(catalog, "back-relief"), options)


@pytest.fixture
def store(db_path: Path) -> Iterator[HistoryStore]:
    with open_for_writing(db_path) as opened:
        yield opened


def steps_of(db: sqlite3.Connection, session_id: int) -> list[tuple[int, str, str, str | None, str, float]]:
    return list(
        db.execute(
            "SELECT idx, kind, stretch, side, status, seconds FROM steps WHERE session_id = ? ORDER BY idx",
            (session_id,),
        )
    )


# -- the file on disk --------------------------------------------------------------------------


def test_opening_for_writing_creates_an_owner_only_database_in_wal_mode(db_path: Path) -> None:
    assert not db_path.exists()
    with open_for_writing(db_path) as store:
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
        assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
        assert store.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert store.db.execute("PRAGMA foreign_keys").fetchone() == (1,)
        # The migrations were written through the WAL: while the connection is open, both files
        # exist, and they are owner-only too.
        for suffix in ("-wal", "-shm"):
            extra = db_path.with_name(db_path.name + suffix)
            assert extra.exists(), suffix
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600, suffix
    other = sqlite3.connect(db_path)
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # WAL is stored in the file
    other.close()


def test_opening_twice_migrates_once(db_path: Path) -> None:
    open_for_writing(db_path).close()
    with open_for_writing(db_path) as store:
        migrations = store.db.execute("SELECT name FROM migrations").fetchall()
    assert migrations == [(m.__name__,) for m in MIGRATIONS]


# -- recording a routine and reading it back ----------------------------------------------------


def test_a_routine_quit_after_the_left_side_reads_back_as_one_sided(store: HistoryStore, catalog: Catalog) -> None:
    plan = make_plan(catalog, "supine-hip-flexor")
    assert [(s.kind.value, s.side.value if s.side else None) for s in plan.steps] == [
        ("hold", "left"),
        ("hold", "right"),
    ]
    recorder = Recorder.start(store, plan, started_at=STARTED, pain_before=5)
    session = RoutineSession(plan, started=100.0)
    session.begin()
    recorder.observe(session)
    assert [row[4] for row in steps_of(store.db, recorder.session_id)] == ["planned", "planned"]

    session.update(130.0)  # the left side is done; the right one begins
    recorder.observe(session)
    assert [row[4:] for row in steps_of(store.db, recorder.session_id)] == [("done", 30.0), ("planned", 0.0)]

    session.finish(Outcome.QUIT, 145.5)
    recorder.finish(session, ended_at=STARTED + timedelta(seconds=46))
    recorder.pain_after(3)

    assert steps_of(store.db, recorder.session_id) == [
        (0, "hold", "supine-hip-flexor", "left", "done", 30.0),
        (1, "hold", "supine-hip-flexor", "right", "partial", 15.5),
    ]
    since = STARTED - timedelta(days=1)
    (row,) = queries.recent_sessions(store, since=since)
    assert row == SessionRow(
        id=recorder.session_id,
        started_at=STARTED,
        routine="back-relief",
        planned_seconds=60,
        active_seconds=45.5,
        pain_before=5,
        pain_after=3,
        outcome="quit",
        note=None,
        done=1,
        skipped=1,
    )
    assert queries.one_sided(store, since=since) == [(STARTED, "supine-hip-flexor", "right")]
    assert queries.stretch_totals(store, since=since) == [("supine-hip-flexor", 0, 45.5)]
    assert queries.checkins(store, since=since) == [(STARTED, 5)]
    assert queries.streaks(store, today=STARTED.date()) == (0, 0)  # quitting is not a completed routine
    ended_at = store.db.execute("SELECT ended_at FROM sessions").fetchone()[0]
    assert datetime.fromisoformat(ended_at) == STARTED + timedelta(seconds=46)


def test_a_completed_routine_reads_back_complete(store: HistoryStore, quick_catalog: Catalog) -> None:
    plan = make_plan(quick_catalog, "supine-hip-flexor", "childs-pose", "cat-cow")
    recorder = Recorder.start(store, plan, started_at=STARTED, pain_before=None)
    session = RoutineSession(plan, started=0.0)
    session.begin()
    for now in (10.5, 30.0, 45.0, 61.0, 200.0):
        session.update(now)
        recorder.observe(session)
    assert session.outcome is Outcome.COMPLETED
    recorder.finish(session, ended_at=STARTED + timedelta(minutes=2))

    assert {row[4] for row in steps_of(store.db, recorder.session_id)} == {"done"}
    since = STARTED - timedelta(hours=1)
    (row,) = queries.recent_sessions(store, since=since)
    assert (row.outcome, row.done, row.skipped, row.active_seconds) == ("completed", 5, 0, 98.0)
    assert queries.one_sided(store, since=since) == []
    assert queries.checkins(store, since=since) == []  # no pain given: no check-in
    assert sorted(queries.stretch_totals(store, since=since)) == [
        ("cat-cow", 1, 8.0),
        ("childs-pose", 1, 30.0),
        ("supine-hip-flexor", 1, 60.0),
    ]
    assert queries.streaks(store, today=STARTED.astimezone().date()) == (1, 1)


def test_a_sided_stretch_never_started_is_not_one_sided(store: HistoryStore, catalog: Catalog) -> None:
    plan = make_plan(catalog, "supine-hip-flexor", "childs-pose")
    assert [s.stretch.id for s in plan.steps] == ["supine-hip-flexor", "supine-hip-flexor", "childs-pose"]
    recorder = Recorder.start(store, plan, started_at=STARTED, pain_before=None)
    session = RoutineSession(plan, started=0.0)
    session.begin()
    session.finish(Outcome.QUIT, 10.0)  # 10 s into the left side: neither side was done
    recorder.finish(session, ended_at=STARTED)
    since = STARTED - timedelta(days=1)
    assert queries.one_sided(store, since=since) == []
    assert queries.recent_sessions(store, since=since)[0].skipped == 1  # the left side, partly held


def test_this_hurts_is_noted_with_the_stretch_and_side(store: HistoryStore, catalog: Catalog) -> None:
    plan = make_plan(catalog, "supine-hip-flexor")
    recorder = Recorder.start(store, plan, started_at=STARTED, pain_before=4)
    session = RoutineSession(plan, started=0.0)
    session.begin()
    session.update(31.0)
    session.hurt(32.0)
    recorder.finish(session, ended_at=STARTED)
    assert store.db.execute("SELECT outcome, note FROM sessions").fetchone() == (
        "hurt",
        "this hurts: supine-hip-flexor (right side)",
    )


def test_observe_writes_nothing_when_nothing_changed(store: HistoryStore, catalog: Catalog) -> None:
    plan = make_plan(catalog, "childs-pose", "supine-hip-flexor")
    recorder = Recorder.start(store, plan, started_at=STARTED, pain_before=None)
    session = RoutineSession(plan, started=0.0)
    session.begin()
    session.update(30.0)
    recorder.observe(session)
    before = store.db.total_changes
    recorder.observe(session)
    assert store.db.total_changes == before
    steps = steps_of(store.db, recorder.session_id)
    session.update(60.0)
    recorder.observe(session)
    changed = [new for old, new in zip(steps, steps_of(store.db, recorder.session_id), strict=True) if old != new]
    assert changed == [(1, "hold", "supine-hip-flexor", "right", "done", 30.0)]  # exactly the one step that changed


def test_reads_only_look_back_as_far_as_asked(store: HistoryStore, catalog: Catalog) -> None:
    plan = make_plan(catalog, "childs-pose")
    for days, pain in ((20, 6), (2, 3)):
        recorder = Recorder.start(store, plan, started_at=STARTED - timedelta(days=days), pain_before=pain)
        session = RoutineSession(plan, started=0.0)
        session.begin()
        session.update(99.0)
        recorder.finish(session, ended_at=STARTED)
    since = STARTED - timedelta(days=7)
    assert [row.pain_before for row in queries.recent_sessions(store, since=since)] == [3]
    assert queries.checkins(store, since=since) == [(STARTED - timedelta(days=2), 3)]
    assert queries.stretch_totals(store, since=since) == [("childs-pose", 1, 30.0)]
    assert queries.streaks(store, today=STARTED.astimezone().date()) == (0, 1)  # streaks look at every day


def test_two_connections_recording_interleaved_keep_both_sessions(db_path: Path, catalog: Catalog) -> None:
    plan = make_plan(catalog, "supine-hip-flexor", "childs-pose")
    first, second = open_for_writing(db_path), open_for_writing(db_path)
    try:
        rec_a = Recorder.start(first, plan, started_at=STARTED, pain_before=2)
        rec_b = Recorder.start(second, plan, started_at=STARTED + timedelta(seconds=1), pain_before=7)
        a, b = RoutineSession(plan, started=0.0), RoutineSession(plan, started=0.0)
        a.begin()
        b.begin()
        for now in (30.0, 60.0, 90.0):
            a.update(now)
            rec_a.observe(a)
            if now < 60:
                b.update(now)
                rec_b.observe(b)
        b.finish(Outcome.QUIT, 40.0)
        rec_b.finish(b, ended_at=STARTED)
        rec_a.finish(a, ended_at=STARTED)
    finally:
        first.close()
        second.close()

    with open_for_writing(db_path) as check:
        rows = queries.recent_sessions(check, since=STARTED - timedelta(days=1))
        assert rec_a.session_id != rec_b.session_id
        assert [(r.id, r.pain_before, r.outcome, r.done, r.skipped) for r in rows] == [
            (rec_a.session_id, 2, "completed", 3, 0),
            (rec_b.session_id, 7, "quit", 1, 1),
        ]
        assert [row[4] for row in steps_of(check.db, rec_b.session_id)] == ["done", "partial", "planned"]


# -- a damaged database is never deleted or overwritten -----------------------------------------


def listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


@pytest.mark.parametrize(
    "content",
    [GARBAGE, b"SQLite format 3\x00" + bytes(range(256)) * 16],
    ids=["garbage", "sqlite-header-then-garbage"],
)
def test_opening_refuses_a_damaged_database_and_leaves_it_untouched(db_path: Path, content: bytes) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    before = listing(db_path.parent)

    with pytest.raises(HistoryError) as caught:
        open_for_writing(db_path)

    error = caught.value
    assert error.exit_code == ExitCode.USAGE == 2
    assert error.path == db_path
    assert error.damaged
    # The one line the CLI prints: the file, what is wrong (in stretchcoach's words), and what to do.
    assert error.message == (
        f"history database {db_path} is damaged (it is not an SQLite database); it was left untouched. "
        "Run `stretchcoach routine --reset-history` to move it aside and start a new history."
    )
    assert listing(db_path.parent) == before  # same bytes, and no -wal, -shm or -journal left


def test_move_aside_renames_the_database_and_its_wal_files(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(GARBAGE)
    wal, shm = db_path.with_name("history.sqlite3-wal"), db_path.with_name("history.sqlite3-shm")
    wal.write_bytes(b"wal bytes")
    shm.write_bytes(b"shm bytes")

    moved = move_aside(db_path, now=datetime(2025, 3, 20, 9, 5, 7))

    assert moved == db_path.with_name("history.sqlite3.damaged-20250320T090507")
    assert listing(db_path.parent) == {
        "history.sqlite3.damaged-20250320T090507": GARBAGE,
        "history.sqlite3.damaged-20250320T090507-wal": b"wal bytes",
        "history.sqlite3.damaged-20250320T090507-shm": b"shm bytes",
    }


def test_move_aside_twice_in_one_second_keeps_both(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    moment = datetime(2025, 3, 20, 9, 5, 7)
    db_path.write_bytes(b"first " + GARBAGE)
    first = move_aside(db_path, now=moment)
    db_path.write_bytes(b"second " + GARBAGE)
    second = move_aside(db_path, now=moment)

    assert first != second
    assert second.name == "history.sqlite3.damaged-20250320T090507-2"
    assert listing(db_path.parent) == {first.name: b"first " + GARBAGE, second.name: b"second " + GARBAGE}


def test_after_moving_aside_a_new_history_starts(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(GARBAGE)
    moved = move_aside(db_path, now=datetime(2025, 3, 20))
    with open_for_writing(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM sessions").fetchone() == (0,)
    assert moved.read_bytes() == GARBAGE


def test_move_aside_of_a_missing_file_is_a_runtime_error(db_path: Path) -> None:
    with pytest.raises(StretchcoachError) as caught:
        move_aside(db_path, now=datetime(2025, 3, 20))
    assert caught.value.exit_code == ExitCode.RUNTIME
    assert str(db_path) in caught.value.message


# -- real processes: signals and concurrent routines --------------------------------------------

ROUTINE = [
    sys.executable,
    "-m",
    "stretchcoach",
    "routine",
    "--yes",
    "--no-checkin",
    "--hold",
    "1",
    "--reps",
    "1",
    "--prep",
    "0",
    "--rest",
    "0",
    "--switch",
    "0",
]
STEP_LINE = re.compile(r"^\[\d\d:\d\d\] ")


class Lines:
    """Collects a stream's lines on a thread, so the test can wait for them with a timeout."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self.lines), timeout)

    def join(self) -> list[str]:
        self._thread.join(timeout=10)
        return self.lines


def step_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if STEP_LINE.match(line)]


def run_env(home: Path) -> dict[str, str]:
    use_quick_holds(home)
    return {**os.environ, "STRETCHCOACH_HOME": str(home), "PYTHONUNBUFFERED": "1"}


@pytest.mark.parametrize(
    ("signum", "outcome", "returncode"),
    [
        (signal.SIGINT, "interrupted", 130),
        (signal.SIGTERM, "terminated", 143),
        (signal.SIGKILL, None, -signal.SIGKILL),
    ],
    ids=["SIGINT", "SIGTERM", "SIGKILL"],
)
def test_a_signalled_routine_keeps_every_finished_step(
    isolated_home: Path, db_path: Path, signum: int, outcome: str | None, returncode: int
) -> None:
    argv = [*ROUTINE, "--only", "childs-pose,cat-cow"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=run_env(isolated_home))
    try:
        out = Lines(proc.stdout)  # type: ignore[arg-type]
        # A 1 s hold, then the first 4 s breathing phase of cat-cow: signal early in it.
        assert out.wait_for(lambda lines: len(step_lines(lines)) >= 2, timeout=20), "".join(out.lines)
        time.sleep(0.5)
        proc.send_signal(signum)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    shown = step_lines(out.join())
    stderr = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == returncode, stderr
    assert "Traceback" not in stderr

    db = sqlite3.connect(db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ((session_id, recorded_outcome),) = db.execute("SELECT id, outcome FROM sessions").fetchall()
        assert recorded_outcome == outcome
        statuses = [status for _, _, _, _, status, _ in steps_of(db, session_id)]
    finally:
        db.close()
    started = len(shown)
    assert 2 <= started < len(statuses)
    assert statuses[: started - 1] == ["done"] * (started - 1), shown
    assert statuses[started - 1] != "done"  # the step in progress when the signal came
    assert statuses[started:] == ["planned"] * (len(statuses) - started)
    if outcome is not None:
        assert statuses[started - 1] == "partial"  # its seconds so far were saved on the way out


def test_four_routines_at_once_all_complete(isolated_home: Path, db_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [*ROUTINE, "--only", "childs-pose"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=run_env(isolated_home),
        )
        for _ in range(4)
    ]
    errors = [proc.communicate(timeout=60)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], errors

    db = sqlite3.connect(db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT id, outcome FROM sessions ORDER BY id").fetchall()
        assert [outcome for _, outcome in rows] == ["completed"] * 4
        assert len({session_id for session_id, _ in rows}) == 4
        assert db.execute("SELECT count(*), min(status), max(status) FROM steps").fetchone() == (4, "done", "done")
    finally:
        db.close()
