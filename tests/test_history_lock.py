"""A history write never holds up the timer (the rule is in stretchcoach/history/saving.py).

* A step counts as saved only once its transaction commits; what cannot be saved
  now is kept and saved by a later try, all of it.
* On a fake clock, with another connection holding the write lock: a step waits
  for the save of the one before at most HOLD_SECONDS, once; then steps and bells
  keep time, saves are retried, and once the lock is free everything is saved.
  If the lock outlasts the routine, one line says what was not saved, after a
  bounded wait (shorter after Ctrl-C).
* With a real second process holding ``BEGIN EXCLUSIVE``: step lines and bells
  come on time, and Ctrl-C, SIGTERM and the routine's own end all exit promptly.
"""

from __future__ import annotations

import dataclasses
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from stretchcoach.cli import app
from stretchcoach.core.model import Catalog
from stretchcoach.core.session import RoutineSession
from stretchcoach.history import saving
from stretchcoach.history.problems import why_not_saved
from stretchcoach.history.recorder import Recorder
from stretchcoach.history.store import open_for_writing

from fakes import FakeClock, ScriptedInput, TimedWriter, fake_runtime
from helpers import back_relief
from history_files import LockHolder, lock_held

# Stretches held for a second or so: the built-in catalog without its minimum holds.
pytestmark = pytest.mark.usefixtures("quick_holds")

GAPLESS = ["--reps", "1", "--prep", "0", "--rest", "0", "--switch", "0", "--yes", "--no-checkin"]
# Left side 0-5 s, right side 5-10 s (one bell), child's pose 10-15 s (two bells), done at 15 s (three).
THREE_STEPS = ["routine", "--hold", "5", *GAPLESS, "--only", "supine-hip-flexor,childs-pose"]
BUSY = "is busy (another program is writing to it)"
NOTE_BEHIND = f"History {BUSY}: the routine goes on, and is saved as soon as it can be."


def steps_saved(path: Path) -> list[tuple[str | None, list[str]]]:
    """(outcome, step statuses) of every session."""
    db = sqlite3.connect(path)
    try:
        return [
            (outcome, [s for (s,) in db.execute("SELECT status FROM steps WHERE session_id = ? ORDER BY idx", (sid,))])
            for sid, outcome in db.execute("SELECT id, outcome FROM sessions ORDER BY id").fetchall()
        ]
    finally:
        db.close()


@pytest.fixture
def history_db(db_path: Path) -> Path:
    """An empty history of this version, closed."""
    open_for_writing(db_path).close()
    return db_path


# -- the recorder: saved means committed -------------------------------------------------------------


def test_a_step_counts_as_saved_only_once_its_transaction_commits(history_db: Path, quick_catalog: Catalog) -> None:
    plan = back_relief(quick_catalog, hold=1, reps=1, prep=0, rest=0, switch=0, only=("childs-pose", "cat-cow"))
    store = open_for_writing(history_db)
    try:
        recorder = Recorder.start(store, plan, started_at=datetime(2026, 3, 2, tzinfo=UTC), pain_before=None)
        assert recorder.saved
        session = RoutineSession(plan, started=0.0)
        session.begin()
        with lock_held(history_db) as other:
            for now in (1.0, 2.0, 99.0):  # three steps end while the lock is held, and the routine
                session.update(now)
                assert not recorder.observe(session)
            assert not recorder.finish(session, ended_at=datetime(2026, 3, 2, 0, 2, tzinfo=UTC))
            assert not recorder.saved
            assert isinstance(recorder.failure, sqlite3.OperationalError)
            # Nothing reached the file: the other connection (inside its own transaction) sees all planned.
            statuses = [s for (s,) in other.execute("SELECT status FROM steps ORDER BY idx")]
            assert set(statuses) == {"planned"}
        assert recorder.save()  # one try, once free, writes all that was kept
        assert recorder.saved
        assert recorder.failure is None
    finally:
        store.close()
    ((outcome, statuses),) = steps_saved(history_db)
    assert outcome == "completed"
    assert statuses == ["done"] * len(plan.steps)


def test_the_session_itself_is_kept_until_it_can_be_saved(history_db: Path, quick_catalog: Catalog) -> None:
    plan = back_relief(quick_catalog, hold=1, reps=1, prep=0, rest=0, switch=0, only=("childs-pose",))
    store = open_for_writing(history_db)
    try:
        with lock_held(history_db):
            recorder = Recorder.start(store, plan, started_at=datetime(2026, 3, 2, tzinfo=UTC), pain_before=4)
            assert recorder.session_id is None
            recorder.pain_after(6)
        assert recorder.save()
    finally:
        store.close()
    db = sqlite3.connect(history_db)
    assert db.execute("SELECT pain_before, pain_after FROM sessions").fetchall() == [(4, 6)]
    db.close()


def test_a_full_disk_is_kept_and_retried_not_given_up(history_db: Path, catalog: Catalog) -> None:
    """SQLite's "database or disk is full", met for real: the file may not grow a page more."""
    plan = back_relief(catalog)
    store = open_for_writing(history_db)
    try:
        (pages,) = store.db.execute("PRAGMA page_count").fetchone()
        store.db.execute(f"PRAGMA max_page_count = {pages}")
        started = [Recorder.start(store, plan, started_at=datetime(2026, 3, 2, tzinfo=UTC), pain_before=None)]
        while started[-1].saved and len(started) < 100:  # until the steps table needs a page more
            started.append(Recorder.start(store, plan, started_at=datetime(2026, 3, 2, tzinfo=UTC), pain_before=None))
        recorder = started[-1]
        assert recorder.failure is not None
        assert recorder.failure.sqlite_errorcode == sqlite3.SQLITE_FULL
        assert not recorder.gave_up
        assert why_not_saved(history_db, recorder.failure) == "is on a full disk"
        store.db.execute(f"PRAGMA max_page_count = {pages + 100}")  # space is freed
        assert recorder.save()
    finally:
        store.close()
    assert steps_saved(history_db) == [(None, ["planned"] * len(plan.steps))] * len(started)


# -- the whole routine on a fake clock, another connection holding the lock ------------------------------


class LockBetween:
    """Scripted input that, as the fake clock passes ``take`` and ``drop`` (seconds after the
    start), takes and drops the history's write lock through a connection of its own."""

    def __init__(self, inner: ScriptedInput, path: Path, take: float, drop: float) -> None:
        self.inner = inner
        self.path = path
        self.marks = [take, drop]
        self.db: sqlite3.Connection | None = None

    def wait(self, timeout: float) -> list[str]:
        now = self.inner.clock.now - self.inner.clock.start
        ahead = [mark - now for mark in self.marks if mark > now]
        items = self.inner.wait(min([timeout, *ahead]))
        now = self.inner.clock.now - self.inner.clock.start
        while self.marks and self.marks[0] <= now:
            self.marks.pop(0)
            if self.db is None:
                self.db = sqlite3.connect(self.path, isolation_level=None)
                self.db.execute("BEGIN EXCLUSIVE")
            else:
                self.release()
        return items

    def release(self) -> None:
        if self.db is not None:
            self.db.execute("ROLLBACK")
            self.db.close()
            self.db = None
            self.marks.clear()

    def suspend(self) -> None:
        self.inner.suspend()

    def reclaim(self) -> None:
        self.inner.reclaim()


def run_locked(
    args: list[str],
    path: Path,
    *,
    take: float,
    drop: float,
    keys: list[tuple[float, str]] | None = None,
    sleep: Callable[[FakeClock], Callable[[float], None]] | None = None,
) -> tuple[Result, FakeClock, TimedWriter]:
    clock = FakeClock()
    bells = TimedWriter(clock)
    runtime = fake_runtime(clock=clock, keys=keys or [], bell_out=bells)
    script = ScriptedInput(clock, [k for k in (keys or []) if k[1].startswith("<")])
    locking = LockBetween(script, path, take, drop)
    runtime = dataclasses.replace(runtime, open_terminal=lambda **_: nullcontext(locking))
    if sleep is not None:
        runtime = dataclasses.replace(runtime, sleep=sleep(clock))
    try:
        result = CliRunner().invoke(app, args, obj=runtime)
    finally:
        locking.release()
    assert "Traceback" not in result.output, result.output
    return result, clock, bells


def test_steps_and_bells_without_a_lock(history_db: Path) -> None:
    """The timing every locked run below is compared with."""
    result, _, bells = run_locked(THREE_STEPS, history_db, take=99, drop=99)
    assert result.exit_code == 0, result.output
    assert bells.rung() == pytest.approx([0.0, 0.35, 5.0, 10.0, 10.35, 15.0, 15.35, 15.7])
    assert steps_saved(history_db) == [("completed", ["done"] * 3)]


def test_a_lock_taken_mid_routine_holds_one_step_back_at_most_briefly(history_db: Path) -> None:
    # Locked from 1 s to 12 s: the right side (due at 5 s) waits for the left side to be saved,
    # for HOLD_SECONDS; then the history is behind and child's pose comes on time at 10 s; at
    # 12 s the lock is free and the next try saves everything.
    result, clock, bells = run_locked(THREE_STEPS, history_db, take=1.0, drop=12.0)
    assert result.exit_code == 0, result.output
    held_until = 5.0 + saving.HOLD_SECONDS
    assert held_until < 10.0
    rung = bells.rung()
    assert rung[:2] == pytest.approx([0.0, 0.35])  # the routine begins
    assert rung[3:] == pytest.approx([10.0, 10.35, 15.0, 15.35, 15.7])  # on time once behind
    assert 5.0 <= rung[2] <= held_until + 0.01  # the held step's bell: late by HOLD_SECONDS at most
    out = result.stdout
    assert out.index("[00:05] Supine hip flexor stretch — right side") < out.index(NOTE_BEHIND)
    assert out.index(NOTE_BEHIND) < out.index("[00:10] Child's pose") < out.index("History saved.")
    assert result.stderr == ""
    assert steps_saved(history_db) == [("completed", ["done"] * 3)]
    assert clock.now == pytest.approx(15.7)  # the routine and its last bells: nothing waited at the end


def test_a_lock_held_past_the_end_is_said_in_one_line_after_a_bounded_wait(history_db: Path) -> None:
    with lock_held(history_db):  # from before the start to after the end
        result, clock, bells = run_locked(THREE_STEPS, history_db, take=99, drop=99)
    assert result.exit_code == 0, result.output
    start_wait = saving.HOLD_SECONDS  # the session row waited for, before the first step; then on time
    expected = (0.0, 0.35, 5.0, 10.0, 10.35, 15.0, 15.35, 15.7)
    assert bells.rung() == pytest.approx([t + start_wait for t in expected])
    assert NOTE_BEHIND in result.stdout
    assert "Routine complete. Well done." in result.stdout
    assert result.stderr == f"stretchcoach: this routine was not saved: the history {history_db} {BUSY}.\n"
    ended = start_wait + 15.0 + 0.35 * 2  # the last bell
    assert clock.now <= ended + saving.FINAL_WAIT_SECONDS + 0.1
    assert steps_saved(history_db) == []


def test_a_lock_freed_during_the_last_wait_loses_nothing(history_db: Path) -> None:
    """The lock goes during the end's wait: the end is saved in full, not some steps short of it."""
    holder: list[LockBetween] = []

    def sleep_then_free(clock: FakeClock) -> Callable[[float], None]:
        slept = [0.0]

        def sleep(seconds: float) -> None:
            clock.sleep(seconds)
            slept[0] += seconds
            if slept[0] >= 1.0:  # the end's wait (and the bells before it) has gone on a second
                holder[0].release()

        return sleep

    original = LockBetween.__init__

    def remember(self: LockBetween, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        holder.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LockBetween, "__init__", remember)
        result, _, _ = run_locked(THREE_STEPS, history_db, take=0.5, drop=99, sleep=sleep_then_free)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert steps_saved(history_db) == [("completed", ["done"] * 3)]


def test_ctrl_c_while_a_step_waits_for_the_lock_ends_the_wait_at_once(history_db: Path) -> None:
    # The right side is due at 5 s and waits for the save; Ctrl-C comes at 5.2 s.
    result, clock, _ = run_locked(THREE_STEPS, history_db, take=1.0, drop=99, keys=[(5.2, "<interrupt>")])
    assert result.exit_code == 130
    assert "Interrupted." in result.stdout
    assert clock.now <= 5.2 + saving.SIGNAL_WAIT_SECONDS + 0.1
    assert result.stderr == (
        f"stretchcoach: the end of this routine was not saved: the history {history_db} {BUSY}; "
        "it shows the routine as unfinished.\n"
    )
    assert steps_saved(history_db) == [(None, ["planned"] * 3)]  # saved before the lock: the session itself


# -- a real second process holding the lock -------------------------------------------------------------------

CLI = [sys.executable, "-m", "stretchcoach"]
STEP_LINE = re.compile(rb"\[\d\d:\d\d\] [^\r\n]*")
ON_TIME = 0.5  # seconds: a step line or bell this close to its time is on time (a 1 s step; busy CI)


class PtyRun:
    """``stretchcoach ARGS`` with its output on a pseudo-terminal (so it rings the bell), read with
    the moment each byte arrived."""

    def __init__(self, home: Path, *args: str) -> None:
        master, slave = os.openpty()
        env = {**os.environ, "STRETCHCOACH_HOME": str(home), "TERM": "xterm", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [*CLI, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env
        )
        os.close(slave)
        self.master = master
        self.seen: list[tuple[float, bytes]] = []

    def read_until(self, done: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the other end is closed: the process is gone
                    return
                if not chunk:
                    return
                self.seen.append((time.monotonic(), chunk))

    def text(self) -> bytes:
        return b"".join(chunk for _, chunk in self.seen)

    def step_times(self) -> list[float]:
        """When each step line arrived."""
        times, text = [], b""
        for at, chunk in self.seen:
            before = len(STEP_LINE.findall(text))
            text += chunk
            times += [at] * (len(STEP_LINE.findall(text)) - before)
        return times

    def bell_times(self) -> list[float]:
        return [at for at, chunk in self.seen for _ in range(chunk.count(b"\a"))]

    def finish(self, timeout: float) -> tuple[int, str]:
        self.read_until(lambda: self.proc.poll() is not None, timeout)
        try:
            code = self.proc.wait(timeout=1)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            os.close(self.master)
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read().decode()


def test_steps_and_bells_keep_time_while_another_process_holds_the_lock(isolated_home: Path, history_db: Path) -> None:
    # Three 1 s steps: left side, right side (one bell), child's pose (two bells), done (three).
    args = ["routine", "--plain", "--hold", "1", *GAPLESS, "--only", "supine-hip-flexor,childs-pose"]
    with LockHolder(history_db) as holder:
        run = PtyRun(isolated_home, *args)
        try:
            run.read_until(lambda: len(run.step_times()) >= 3, timeout=30)
            holder.release()  # after the last step began: the end is saved
            code, stderr = run.finish(timeout=30)
        finally:
            if run.proc.poll() is None:
                run.proc.kill()
    text = run.text().decode()
    assert code == 0, text + stderr
    assert stderr == ""
    assert NOTE_BEHIND in text
    steps = run.step_times()
    assert len(steps) == 3, text
    first = steps[0]
    assert [round(t - first, 1) for t in steps] == pytest.approx([0.0, 1.0, 2.0], abs=ON_TIME)
    bells = [t - first for t in run.bell_times()]
    for due in (1.0, 2.0, 3.0):  # each change of step rang at its time
        assert any(abs(t - due) <= ON_TIME for t in bells), (due, bells)
    assert steps_saved(history_db) == [("completed", ["done"] * 3)]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_and_sigterm_exit_promptly_while_another_process_holds_the_lock(
    isolated_home: Path, history_db: Path, signum: int, code: int
) -> None:
    args = ["routine", "--plain", "--hold", "30", *GAPLESS, "--only", "childs-pose"]
    run = PtyRun(isolated_home, *args)
    try:
        run.read_until(lambda: len(run.step_times()) >= 1, timeout=30)
        assert run.step_times(), run.text()
        with LockHolder(history_db):  # taken once the routine runs: its end cannot be saved
            since = time.monotonic()
            run.proc.send_signal(signum)
            returned, stderr = run.finish(timeout=30)
            took = time.monotonic() - since
    finally:
        if run.proc.poll() is None:
            run.proc.kill()
    assert returned == code, run.text().decode() + stderr
    assert stderr == (
        f"stretchcoach: the end of this routine was not saved: the history {history_db} {BUSY}; "
        "it shows the routine as unfinished.\n"
    )
    assert took < saving.SIGNAL_WAIT_SECONDS + 1.5, took  # the bounded last try, the summary, the exit
    assert steps_saved(history_db) == [(None, ["planned"])]
