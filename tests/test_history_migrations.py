"""The history's schema: migrations apply once, in order, all or nothing, and what they make
is held to a snapshot, ``tests/data/history-schema.sql``.

The snapshot is a new history's ``sqlite_schema``, its header fields and the names of the
migrations it records: editing a shipped migration shows up as a difference, as does a history
that an upgrade leaves other than a new one. After adding a migration, write the new snapshot
with ``python tests/test_history_migrations.py > tests/data/history-schema.sql``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from stretchcoach.history import migrations

from history_files import copy_legacy

SNAPSHOT = Path(__file__).resolve().parent / "data" / "history-schema.sql"


def schema_snapshot(db: sqlite3.Connection) -> str:
    """Every object in ``db``'s schema, its SQL as SQLite keeps it, after its header fields."""
    (application_id,) = db.execute("PRAGMA application_id").fetchone()
    (user_version,) = db.execute("PRAGMA user_version").fetchone()
    lines = [
        f"-- application_id {application_id:#x}, user_version {user_version}",
        f"-- migrations: {', '.join(migrations.applied_migrations(db))}",
    ]
    for kind, name, table, sql in db.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type DESC, name"
    ):
        lines += ["", f"-- {kind} {name} on {table} (SQLite's own)" if sql is None else f"{sql};"]
    return "\n".join(lines) + "\n"


def new_history_schema() -> str:
    db = sqlite3.connect(":memory:")
    try:
        migrations.migrate(db)
        return schema_snapshot(db)
    finally:
        db.close()


def test_the_migrations_make_the_schema_of_the_snapshot() -> None:
    assert new_history_schema() == SNAPSHOT.read_text(encoding="utf-8"), (
        "a shipped migration was changed (add a new one instead), or a new one was added "
        "without writing the snapshot (see this file's docstring)"
    )


def test_a_history_from_before_the_application_id_migrates_to_the_schema_of_a_new_one(tmp_path: Path) -> None:
    db = sqlite3.connect(copy_legacy(tmp_path / "history.sqlite3"), isolation_level=None)
    try:
        assert migrations.migrate(db) == [m.__name__ for m in migrations.MIGRATIONS[1:]]
        assert schema_snapshot(db) == new_history_schema()
    finally:
        db.close()


def table_names(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrate_applies_the_migrations_once_and_records_them() -> None:
    db = sqlite3.connect(":memory:")
    shipped = ["m001_initial", "m002_application_id", "m003_rule_events", "m004_summaries"]
    assert migrations.migrate(db) == shipped
    assert table_names(db) == {"migrations", "sessions", "steps", "rule_events", "session_stretches", "day_stretches"}
    rows = list(db.execute("SELECT name, applied_at FROM migrations"))
    assert [name for name, _ in rows] == shipped
    assert datetime.fromisoformat(rows[0][1]).tzinfo is not None
    # The file says whose it is, and how many migrations it has seen.
    assert db.execute("PRAGMA application_id").fetchone() == (migrations.APPLICATION_ID,)
    assert db.execute("PRAGMA user_version").fetchone() == (4,)

    assert migrations.migrate(db) == []
    assert db.execute("SELECT count(*) FROM migrations").fetchone() == (4,)


def test_a_new_migration_is_applied_after_the_shipped_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite3.connect(":memory:")
    migrations.migrate(db)

    def m099_add_mood(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE sessions ADD COLUMN mood TEXT")

    shipped = [m.__name__ for m in migrations.MIGRATIONS]
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m099_add_mood])
    assert migrations.migrate(db) == ["m099_add_mood"]
    assert "mood" in {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
    assert [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY rowid")] == [*shipped, "m099_add_mood"]
    assert db.execute("PRAGMA user_version").fetchone() == (len(shipped) + 1,)
    assert migrations.migrate(db) == []


def test_a_failing_migration_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    def m003_broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m003_broken])
    db = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError, match="boom"):
        migrations.migrate(db)
    assert not db.in_transaction
    assert table_names(db) == set()  # m001 was rolled back with it: one transaction
    # ...and so was the mark m002 sets in the header.
    assert db.execute("PRAGMA application_id").fetchone() == (0,)
    assert db.execute("PRAGMA user_version").fetchone() == (0,)


if __name__ == "__main__":
    print(new_history_schema(), end="")
