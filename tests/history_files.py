"""What can be found at the history's path, made on demand: attack inputs and odd conditions.

* :func:`another_apps_database`: some other program's SQLite file where the history goes;
* :func:`foreign_wal`: the ``-wal`` of another database, to be left beside a history;
* :func:`hot_journal`: a rollback journal another database's crashed writer left behind;
* :func:`newer_history`: a history a later stretchcoach has migrated further;
* :data:`LEGACY`: a history made by stretchcoach before it marked its files with an
  application id (``tests/data/history-before-application-id.sqlite3``: two sessions,
  6 and 7 January 2025, pain before 5 and 4; made with the code of commit 9822e99);
* :func:`lock_held` and :class:`LockHolder`: another connection, or another process,
  holding the write lock (``BEGIN EXCLUSIVE``);
* :func:`as_a_user`: an argv that runs as an ordinary user would, so file permissions
  apply even when the tests run as root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import required_in_ci

DATA = Path(__file__).resolve().parent / "data"
LEGACY = DATA / "history-before-application-id.sqlite3"
LEGACY_SESSIONS = [("2025-01-06T08:00:00+00:00", 5, "completed"), ("2025-01-07T08:00:00+00:00", 4, "quit")]


def side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def listing(directory: Path) -> dict[str, bytes]:
    """Every file in ``directory`` and its bytes: to show that nothing changed, and nothing was added."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file() and not p.is_symlink()}


def copy_legacy(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LEGACY, path)
    return path


def another_apps_database(path: Path, *, wal: bool = False, application_id: int = 0) -> Path:
    """A small database of some other program: notes and tags (in WAL mode if ``wal``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        if wal:
            db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA application_id = {application_id}")
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("CREATE TABLE tags (note INTEGER, tag TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('buy milk'), ('call mum')")
    finally:
        db.close()
    return path


def foreign_wal() -> bytes:
    """The -wal of another program's database, with transactions not yet copied into it.

    Made by copying the -wal while its connection is still open (as a crash would
    leave it): its frames would replace the pages of any database it is put beside.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "other.db"
        db = sqlite3.connect(path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA wal_autocheckpoint = 0")
            db.execute("CREATE TABLE intruder (secret TEXT)")
            db.execute("INSERT INTO intruder VALUES ('not yours')")
            return side(path, "-wal").read_bytes()
        finally:
            db.close()


def hot_journal() -> bytes:
    """A rollback journal left by another database's writer killed mid-transaction."""
    code = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("CREATE TABLE intruder (secret TEXT)")
db.execute("INSERT INTO intruder VALUES ('not yours')")
db.execute("PRAGMA cache_size = 1")
db.execute("BEGIN")
db.execute("INSERT INTO intruder SELECT randomblob(3000) FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3)")
os._exit(0)
"""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "other.db"
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=30)
        journal = side(path, "-journal").read_bytes()
    assert journal, "the writer left no journal"
    return journal


def newer_history(path: Path) -> Path:
    """A stretchcoach history one migration ahead of this version."""
    from stretchcoach.history import migrations
    from stretchcoach.history.store import open_for_writing

    open_for_writing(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN")
        db.execute("ALTER TABLE sessions ADD COLUMN mood TEXT")
        db.execute("INSERT INTO migrations VALUES ('m099_mood', '2031-01-01T00:00:00+00:00')")
        db.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) + 1}")
        db.execute("COMMIT")
    finally:
        db.close()
    return path


@contextlib.contextmanager
def lock_held(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection (in this process) holding the write lock until the block ends."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN EXCLUSIVE")
        yield db
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.close()


class LockHolder:
    """Another process holding the history's write lock (``BEGIN EXCLUSIVE``) until :meth:`release`."""

    CODE = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
db.close()
"""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", self.CODE, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline() == "locked\n"

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)

    def __enter__(self) -> LockHolder:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.release()
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


DAC_POWERS = "-dac_override,-dac_read_search,-fowner"


def as_a_user(argv: list[str]) -> list[str]:
    """``argv`` run so that file permissions apply to it: as is for an ordinary user; for root,
    through ``setpriv`` without the powers that override them (it stays root, so it can still
    reach the test's files)."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        required_in_ci("setpriv (util-linux), to drop root's power over file permissions")
    probe = subprocess.run([setpriv, f"--bounding-set={DAC_POWERS}", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("this machine does not let setpriv drop root's capabilities")
    return [str(setpriv), f"--bounding-set={DAC_POWERS}", *argv]
