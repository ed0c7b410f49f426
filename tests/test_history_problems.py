"""One classification of what can go wrong with a file, for OS and SQLite errors alike: each
problem is said in the same words wherever it is said, and decides the exit code."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from stretchcoach.errors import ExitCode, os_problem
from stretchcoach.history.errors import HistoryError, history_error
from stretchcoach.history.problems import Problem, classify, describe, is_busy, is_damage, why_not_saved


def sqlite_error(code: int) -> sqlite3.Error:
    exc = sqlite3.OperationalError("as SQLite says it")
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


def test_a_full_disk_is_said_the_same_way_whether_the_system_or_sqlite_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    from_os = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    from_sqlite = sqlite_error(sqlite3.SQLITE_FULL)
    assert classify(from_os) is classify(from_sqlite) is Problem.FULL
    assert os_problem(from_os) == describe(from_sqlite) == "no space left on the disk"
    expected = (
        f"cannot save to the history database {path}: no space left on the disk. Free some space and try again; "
        "the history was left as it was."
    )
    assert history_error(path, from_os).message == history_error(path, from_sqlite).message == expected
    assert why_not_saved(path, from_sqlite) == "is on a full disk"
    assert history_error(path, from_os).exit_code == ExitCode.RUNTIME  # it may pass: not the user's mistake


@pytest.mark.parametrize(
    ("number", "phrase"),
    [
        (errno.ENOENT, "no such file"),
        (errno.EACCES, "permission denied"),
        (errno.ENAMETOOLONG, "the path is too long"),
        (errno.EDQUOT, "over the disk quota"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EIO, "the disk reported an error"),
        (errno.EXDEV, os.strerror(errno.EXDEV)),  # no words of stretchcoach's own: the system's
    ],
)
def test_an_os_error_in_a_short_phrase(number: int, phrase: str) -> None:
    assert os_problem(OSError(number, os.strerror(number))) == phrase


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        (sqlite3.SQLITE_BUSY, Problem.BUSY),
        (sqlite3.SQLITE_BUSY_RECOVERY, Problem.BUSY),  # an extended code falls back on its primary one
        (sqlite3.SQLITE_LOCKED, Problem.BUSY),
        (sqlite3.SQLITE_CORRUPT, Problem.DAMAGED),
        (sqlite3.SQLITE_NOTADB, Problem.DAMAGED),
        (sqlite3.SQLITE_READONLY, Problem.READ_ONLY),
        (sqlite3.SQLITE_READONLY_DIRECTORY, Problem.READ_ONLY_DIRECTORY),  # unless it says more
        (sqlite3.SQLITE_IOERR_SHORT_READ, Problem.DISK_ERROR),
        (sqlite3.SQLITE_MISMATCH, Problem.OTHER),
    ],
)
def test_sqlite_errors_are_classified_by_their_result_code(code: int, problem: Problem) -> None:
    exc = sqlite_error(code)
    assert classify(exc) is problem
    assert is_busy(exc) is (problem is Problem.BUSY)
    assert is_damage(exc) is (problem is Problem.DAMAGED)


def test_an_sqlite_error_without_words_of_our_own_is_said_in_sqlites(tmp_path: Path) -> None:
    exc = sqlite_error(sqlite3.SQLITE_MISMATCH)
    assert why_not_saved(tmp_path / "history.sqlite3", exc) == "could not be written (SQLite: as SQLite says it)"


@pytest.mark.parametrize("problem", list(Problem), ids=lambda problem: problem.name)
def test_what_may_pass_exits_1_and_what_someone_must_fix_exits_2(problem: Problem) -> None:
    error = HistoryError(Path("history.sqlite3"), problem, "message")
    assert error.exit_code == (ExitCode.RUNTIME if problem.may_pass else ExitCode.USAGE)
    assert error.damaged is (problem is Problem.DAMAGED)  # only damage may ever be moved aside


def test_each_problem_has_words_of_its_own() -> None:
    phrases = [problem.phrase for problem in Problem if problem is not Problem.OTHER]
    assert len(set(phrases)) == len(phrases)
    states = [problem.state for problem in Problem]
    assert len(set(states)) == len(states)
