"""What is at the history's path, and what stretchcoach does with it.

A history that is busy, read-only, full, newer, someone else's, beside someone
else's ``-wal``, behind a symbolic link, or where a directory should be gets a
message of its own and is never changed; only a damaged one may be moved aside.
A history from before the application id is adopted. Commands run through
Typer's CliRunner on a fake clock; where file permissions are what is tested, a
real process runs without root's power over them (see ``history_files.as_a_user``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from stretchcoach.cli import app
from stretchcoach.errors import ExitCode
from stretchcoach.history import store
from stretchcoach.history.errors import HistoryError
from stretchcoach.history.migrations import APPLICATION_ID, MIGRATIONS
from stretchcoach.history.problems import Problem
from stretchcoach.history.store import open_for_writing

from fakes import fake_runtime
from helpers import GARBAGE
from history_files import (
    LEGACY_SESSIONS,
    another_apps_database,
    as_a_user,
    copy_legacy,
    foreign_wal,
    hot_journal,
    listing,
    lock_held,
    newer_history,
    side,
)

QUICK = ["--yes", "--no-checkin", "--reps", "1", "--prep", "0", "--rest", "0", "--switch", "0"]  # on a fake clock
CHILDS_POSE = ["routine", *QUICK, "--only", "childs-pose"]
RESET = "--reset-history"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env=env, obj=fake_runtime())
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def error_line(result: Result) -> str:
    """The one line on stderr, without the program name."""
    (line,) = result.stderr.splitlines()
    assert line.startswith("stretchcoach: "), line
    return line.removeprefix("stretchcoach: ")


def sessions(path: Path) -> list[tuple[str, int | None, str | None]]:
    db = sqlite3.connect(path)  # read-write, though it only reads: it removes the -wal and -shm it makes
    try:
        return db.execute("SELECT started_at, pain_before, outcome FROM sessions ORDER BY id").fetchall()
    finally:
        db.close()


def header(path: Path) -> tuple[int, int, int]:
    """(journal mode byte: 1 rollback, 2 WAL; user_version; application_id), read from the file itself."""
    data = path.read_bytes()[:100]
    return data[18], int.from_bytes(data[60:64], "big"), int.from_bytes(data[68:72], "big")


@pytest.fixture
def recorded(db_path: Path) -> Path:
    """A history of this version with one completed routine in it, closed (no -wal)."""
    result = invoke(*CHILDS_POSE, "--pain-before", "3")
    assert result.exit_code == 0, result.output
    assert sessions(db_path)[0][1:] == (3, "completed")
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["history.sqlite3", "safety-shown"]
    return db_path


def assert_untouched(before: dict[str, bytes], directory: Path) -> None:
    """Same files, same bytes; above all, nothing moved aside."""
    assert listing(directory) == before
    assert not list(directory.glob("*.damaged-*"))


# -- 3. busy is not damaged ------------------------------------------------------------------------


def test_a_busy_history_is_not_damaged_and_reset_does_not_move_it(recorded: Path) -> None:
    """Another program holds the write lock: the routine runs and says what it could not save;
    --reset-history finds nothing wrong (the check reads past the lock) and moves nothing."""
    with lock_held(recorded):
        result = invoke(*CHILDS_POSE, RESET)
        assert result.exit_code == 0, result.output
        assert "Routine complete. Well done." in result.stdout
        assert error_line(result) == (
            f"this routine was not saved: the history {recorded} is busy (another program is writing to it)."
        )
        assert not list(recorded.parent.glob("*.damaged-*"))
        # `history` reads while the lock is held.
        shown = invoke("history", "--json")
        assert shown.exit_code == 0, shown.output
        assert [s["outcome"] for s in json.loads(shown.stdout)["sessions"]] == ["completed"]
    assert [s[1:] for s in sessions(recorded)] == [(3, "completed")]


def test_a_busy_history_that_must_be_migrated_waits_then_says_so(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "OPEN_WAIT_MS", 50)
    copy_legacy(db_path)
    before = listing(db_path.parent)
    with lock_held(db_path):
        for args in (CHILDS_POSE, [*CHILDS_POSE, RESET]):
            result = invoke(*args)
            assert result.exit_code == ExitCode.RUNTIME == 1, result.output
            assert error_line(result) == (
                f"history database {db_path} is busy: another program is writing to it (another stretchcoach, "
                "or a tool that has it open). It was left untouched; try again once that program is done."
            )
            assert result.stdout == ""
    assert_untouched(before, db_path.parent)


# -- 3. a newer history, and a damaged one, said apart -----------------------------------------------


def test_a_newer_history_is_reported_and_never_moved(db_path: Path) -> None:
    newer_history(db_path)
    before = listing(db_path.parent)
    expected = (
        f"history database {db_path} was written by a newer stretchcoach (history version {len(MIGRATIONS) + 1}; "
        f"this one knows up to {len(MIGRATIONS)}). It was left untouched; upgrade stretchcoach to use it."
    )
    for args in (CHILDS_POSE, [*CHILDS_POSE, RESET], ["history"]):
        result = invoke(*args)
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert error_line(result) == expected
    assert_untouched(before, db_path.parent)


def test_an_unknown_migration_is_newer_too(recorded: Path) -> None:
    db = sqlite3.connect(recorded, isolation_level=None)
    db.execute("INSERT INTO migrations VALUES ('m002b_from_a_branch', '2031-01-01T00:00:00+00:00')")
    db.close()
    result = invoke(*CHILDS_POSE)
    assert result.exit_code == ExitCode.USAGE
    assert "was written by a newer stretchcoach" in error_line(result)


def test_only_a_damaged_history_suggests_reset(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(GARBAGE)
    result = invoke(*CHILDS_POSE)
    assert error_line(result) == (
        f"history database {db_path} is damaged (it is not an SQLite database); it was left untouched. "
        "Run `stretchcoach routine --reset-history` to move it aside and start a new history."
    )
    assert result.exit_code == ExitCode.USAGE


def test_a_history_missing_a_table_is_damaged_and_reset_moves_it(recorded: Path) -> None:
    db = sqlite3.connect(recorded, isolation_level=None)
    db.execute("DROP TABLE steps")
    db.close()
    broken = recorded.read_bytes()
    result = invoke(*CHILDS_POSE)
    assert result.exit_code == ExitCode.USAGE
    assert error_line(result) == (
        f"history database {recorded} is damaged (its tables are not the ones stretchcoach made); it was left "
        "untouched. Run `stretchcoach routine --reset-history` to move it aside and start a new history."
    )
    assert recorded.read_bytes() == broken
    result = invoke(*CHILDS_POSE, RESET)
    assert result.exit_code == 0, result.output
    (moved,) = recorded.parent.glob("history.sqlite3.damaged-*")
    assert moved.read_bytes() == broken
    assert [s[1:] for s in sessions(recorded)] == [(None, "completed")]


# -- 5. someone else's database ------------------------------------------------------------------------


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_another_programs_database_is_refused_and_left_untouched(db_path: Path, wal: bool) -> None:
    another_apps_database(db_path, wal=wal)
    journal_mode = header(db_path)[0]
    before = listing(db_path.parent)
    for args in (CHILDS_POSE, [*CHILDS_POSE, RESET], ["history"]):
        result = invoke(*args)
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert error_line(result) == (
            f"{db_path} is not a stretchcoach history: it is another SQLite database (its tables: notes, tags). "
            "It was left untouched; move it elsewhere, or set STRETCHCOACH_HOME to another directory."
        )
    assert_untouched(before, db_path.parent)  # no tables added, no -wal or -shm made
    assert header(db_path)[0] == journal_mode  # and never switched to WAL


def test_a_database_marked_as_another_programs_is_refused(db_path: Path) -> None:
    another_apps_database(db_path, application_id=0x4D504246)
    before = listing(db_path.parent)
    result = invoke(*CHILDS_POSE)
    assert result.exit_code == ExitCode.USAGE
    assert error_line(result).startswith(
        f"{db_path} is not a stretchcoach history: it is another program's SQLite database (application id 0x4d504246)."
    )
    assert_untouched(before, db_path.parent)


def test_stretchcoachs_tables_with_a_change_are_not_taken_for_a_history(db_path: Path) -> None:
    """The same table names, but not the same columns, and no application id: not ours."""
    copy_legacy(db_path)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("ALTER TABLE sessions ADD COLUMN colour TEXT")
    db.close()
    before = listing(db_path.parent)
    result = invoke(*CHILDS_POSE)
    assert result.exit_code == ExitCode.USAGE
    assert error_line(result).startswith(f"{db_path} is not a stretchcoach history: it is another SQLite database")
    assert_untouched(before, db_path.parent)


def test_a_foreign_wal_beside_the_history_is_refused_not_applied(recorded: Path) -> None:
    wal = side(recorded, "-wal")
    wal.write_bytes(foreign_wal())
    before = listing(recorded.parent)
    for args in (CHILDS_POSE, [*CHILDS_POSE, RESET], ["history"]):
        result = invoke(*args)
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert error_line(result) == (
            f"{wal} does not belong to the history beside it: reading it would turn the history into another "
            f"database. Both were left untouched; move {wal} (and history.sqlite3-shm, if there) away, then try again."
        )
    # The history and the -wal are as they were (a -shm may have been made to look at it).
    after = listing(recorded.parent)
    assert {name: after[name] for name in before} == before
    assert set(after) - set(before) <= {"history.sqlite3-shm"}
    # Once the stray -wal is moved away, the history is all there.
    wal.rename(recorded.parent / "stray-wal")
    side(recorded, "-shm").unlink(missing_ok=True)
    assert [s[1:] for s in sessions(recorded)] == [(3, "completed")]


def test_a_hot_journal_beside_the_history_is_refused_not_played_back(recorded: Path) -> None:
    journal = side(recorded, "-journal")
    journal.write_bytes(hot_journal())
    before = listing(recorded.parent)
    result = invoke(*CHILDS_POSE)
    assert result.exit_code == ExitCode.USAGE
    assert error_line(result) == (
        f"{journal} is not stretchcoach's (its history never has a rollback journal), and opening the history "
        "would apply it. Both were left untouched; back up both files before you decide what to do with them."
    )
    after = listing(recorded.parent)
    assert {name: after[name] for name in before} == before
    journal.unlink()
    assert [s[1:] for s in sessions(recorded)] == [(3, "completed")]


# -- 5. a history from before the application id is adopted -------------------------------------------


def test_a_history_from_before_the_application_id_is_adopted(db_path: Path) -> None:
    copy_legacy(db_path)
    assert header(db_path) == (2, 0, 0)
    shown = invoke("history", "--json", "--days", "36500")
    assert shown.exit_code == 0, shown.output
    assert header(db_path) == (2, 0, 0)  # reading changes nothing
    assert len(json.loads(shown.stdout)["sessions"]) == 2

    result = invoke(*CHILDS_POSE, "--pain-before", "2")
    assert result.exit_code == 0, result.output
    assert header(db_path) == (2, len(MIGRATIONS), APPLICATION_ID)  # marked as stretchcoach's, in a migration
    assert sessions(db_path)[:2] == LEGACY_SESSIONS
    assert sessions(db_path)[2][1:] == (2, "completed")
    db = sqlite3.connect(db_path)
    assert [name for (name,) in db.execute("SELECT name FROM migrations ORDER BY rowid")] == [
        m.__name__ for m in MIGRATIONS
    ]
    db.close()


def test_an_empty_file_at_the_path_becomes_a_new_history(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    result = invoke(*CHILDS_POSE)
    assert result.exit_code == 0, result.output
    assert header(db_path)[2] == APPLICATION_ID


# -- 5. links, and files stretchcoach makes ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "-wal"], ids=["history", "its -wal"])
def test_a_symlinked_history_path_is_not_followed(db_path: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / "elsewhere" / "precious.db"
    target.parent.mkdir()
    if suffix:
        copy_legacy(db_path)
        target.write_bytes(b"precious")
    else:
        copy_legacy(target)
        db_path.parent.mkdir(parents=True)
    link = side(db_path, suffix)
    link.symlink_to(target)
    before, elsewhere = listing(db_path.parent), listing(target.parent)
    for args in (CHILDS_POSE, ["history"]):
        result = invoke(*args)
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert error_line(result) == (
            f"{link} is a symbolic link (to {target}); stretchcoach does not read or write its history through "
            "links. Put the file itself there, or set STRETCHCOACH_HOME to the directory that holds it; nothing "
            "was changed."
        )
    assert listing(db_path.parent) == before
    assert listing(target.parent) == elsewhere  # nothing written through, nothing made beside it


def test_everything_a_routine_makes_is_owner_only(isolated_home: Path, db_path: Path) -> None:
    saved = os.umask(0)
    try:
        result = invoke(*CHILDS_POSE)
    finally:
        os.umask(saved)
    assert result.exit_code == 0, result.output
    made = [isolated_home, db_path.parent, db_path, db_path.parent / "safety-shown"]
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in made} == {
        "stretchcoach-home": "0o700",
        "data": "0o700",
        "history.sqlite3": "0o600",
        "safety-shown": "0o600",
    }


def test_a_history_readable_by_others_is_made_owner_only(recorded: Path) -> None:
    recorded.chmod(0o644)
    with open_for_writing(recorded):
        for path in (recorded, side(recorded, "-wal"), side(recorded, "-shm")):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# -- the place itself: STRETCHCOACH_HOME a file, a path too long ------------------------------------------


def test_stretchcoach_home_being_a_file_is_said_plainly(tmp_path: Path) -> None:
    home = tmp_path / "a-file"
    home.write_text("not a directory\n")
    for args in (CHILDS_POSE, ["history"]):
        result = invoke(*args, env={"STRETCHCOACH_HOME": str(home)})
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert error_line(result) == (
            f"cannot keep the history in {home}/data: {home} is a file, not a directory. "
            "Set STRETCHCOACH_HOME to a directory, or move that file away; nothing was changed."
        )
    assert home.read_text() == "not a directory\n"


def test_a_history_path_too_long_for_the_file_system_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / ("a" * 5000)
    db_path = home / "data" / "history.sqlite3"
    expected = f"the history's path is too long for the file system ({len(str(db_path))} characters: "
    with pytest.raises(HistoryError) as caught:
        open_for_writing(db_path)
    assert caught.value.problem is Problem.NAME_TOO_LONG
    assert caught.value.message.startswith(expected)
    assert caught.value.message.endswith("). Set STRETCHCOACH_HOME to a shorter directory.")
    assert len(caught.value.message) < 250  # the path is shortened, not printed whole
    for args in (CHILDS_POSE, ["history"]):
        result = invoke(*args, env={"STRETCHCOACH_HOME": str(home)})
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert len(result.stderr.splitlines()) == 1
    assert error_line(invoke("history", env={"STRETCHCOACH_HOME": str(home)})).startswith(expected)


# -- time zones that cannot be used ---------------------------------------------------------------------------


@pytest.fixture
def unusable_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "XYZ+25")  # 25 hours west of UTC: no such zone for datetime
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


ZONE_NOTE = "note: TZ='XYZ+25' is not a time zone stretchcoach can use; dates are in UTC."


@pytest.mark.usefixtures("unusable_time_zone")
def test_an_unusable_time_zone_falls_back_to_utc_with_a_note(db_path: Path) -> None:
    result = invoke(*CHILDS_POSE)
    assert result.exit_code == 0, result.output
    assert error_line(result) == ZONE_NOTE
    db = sqlite3.connect(db_path)
    ((started_at, local_day),) = db.execute("SELECT started_at, local_day FROM sessions").fetchall()
    db.close()
    assert local_day == started_at[:10]  # the day in UTC
    for args in (["history"], ["history", "--json"], ["history", "--csv"]):
        shown = invoke(*args)
        assert shown.exit_code == 0, shown.output
        assert error_line(shown) == ZONE_NOTE
    assert "Streak: 1 day now, longest 1" in invoke("history").stdout


# -- permissions, in a real process that cannot override them ----------------------------------------------


def run_as_user(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STRETCHCOACH_HOME": str(home), "TZ": "UTC"}
    argv = as_a_user([sys.executable, "-m", "stretchcoach", *args])
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def routine_args(*extra: str) -> list[str]:
    return [*CHILDS_POSE, *extra]


def test_a_read_only_history_says_so_and_history_still_reads(isolated_home: Path, recorded: Path) -> None:
    recorded.chmod(0o444)
    before = listing(recorded.parent)
    for extra in ((), (RESET,)):
        done = run_as_user(isolated_home, *routine_args(*extra))
        assert done.returncode == ExitCode.USAGE, done.stderr
        assert done.stderr == (
            f"stretchcoach: the history database {recorded} is read-only, so stretchcoach cannot save routines "
            f"to it. Make it writable (chmod u+w {recorded}); it was left untouched.\n"
        )
    assert_untouched(before, recorded.parent)
    shown = run_as_user(isolated_home, "history", "--csv")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[1].split(",")[7] == "completed"


def test_a_read_only_data_directory_still_lets_history_read(isolated_home: Path, recorded: Path) -> None:
    recorded.parent.chmod(0o555)
    try:
        before = listing(recorded.parent)
        shown = run_as_user(isolated_home, "history", "--csv")
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.splitlines()[1].split(",")[7] == "completed"
        done = run_as_user(isolated_home, *routine_args(RESET))
        assert done.returncode == ExitCode.USAGE, done.stderr
        assert done.stderr == (
            f"stretchcoach: the directory {recorded.parent} is read-only, so the history cannot be saved there "
            "(SQLite keeps history.sqlite3-wal beside it). Make the directory writable (chmod u+w), or set "
            "STRETCHCOACH_HOME to one that is; nothing was changed.\n"
        )
        assert_untouched(before, recorded.parent)
    finally:
        recorded.parent.chmod(0o700)


def test_a_history_you_may_not_read_says_so(isolated_home: Path, recorded: Path) -> None:
    recorded.chmod(0o000)
    try:
        for args in (routine_args(RESET), ["history"]):
            done = run_as_user(isolated_home, *args)
            assert done.returncode == ExitCode.USAGE, done.stderr
            assert done.stderr == (
                f"stretchcoach: no permission to read the history database {recorded}; check its owner and "
                f"permissions (ls -l {recorded}). Nothing was changed.\n"
            )
        assert not list(recorded.parent.glob("*.damaged-*"))
    finally:
        recorded.chmod(0o600)
