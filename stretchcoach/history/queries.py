"""Reading the history back: sessions, check-ins, streaks, per-stretch totals and one-sided
stretches since a moment, each added up by SQLite from the summaries and indexes of the schema
(:func:`~stretchcoach.history.migrations.m004_summaries`), never from every step in Python.

Each query raises :class:`~stretchcoach.history.errors.HistoryError` itself, for an SQLite
error or a row it cannot read back (see :meth:`HistoryStore.reading`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from stretchcoach.core import rule
from stretchcoach.history import rule_events
from stretchcoach.history.sql import parse_stored_time, stored_time
from stretchcoach.localtime import local

if TYPE_CHECKING:
    from stretchcoach.history.store import HistoryStore

BATCH = 1_000  # sessions read at a time when they are written out as they are read


@dataclass(frozen=True)
class SessionRow:
    """One session, as `history` lists it: counts of steps done and skipped, not the steps."""

    id: int
    started_at: datetime
    routine: str
    planned_seconds: int
    active_seconds: float
    pain_before: int | None
    pain_after: int | None
    outcome: str | None  # None: never finished (killed, or still running)
    note: str | None
    done: int
    skipped: int

    CSV_FIELDS: ClassVar[list[str]] = [
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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "routine": self.routine,
            "planned_seconds": self.planned_seconds,
            "active_seconds": self.active_seconds,
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "outcome": self.outcome or "unfinished",
            "note": self.note,
            "steps_done": self.done,
            "steps_skipped": self.skipped,
        }


# SessionRow's fields: the columns of `sessions` of the same names; and to_json's values in SQL
# (the start as stored, which is what isoformat() gives back).
_COLUMNS = ", ".join(SessionRow.CSV_FIELDS)
_WINDOW = "FROM sessions WHERE started_at >= ? ORDER BY started_at, id"
_VALUES = {name: "ifnull(outcome, 'unfinished')" if name == "outcome" else name for name in SessionRow.CSV_FIELDS}


# SQLite writes the values of a session as Python does where they are of the types stretchcoach
# records: whole numbers, and hundredths of a second (a real, to 15 digits: the same digits).
# A pain is a whole number or NULL, or at worst a real: the table checks it.
_FORMATS = dict.fromkeys(SessionRow.CSV_FIELDS, "%s") | {
    "id": "%d",
    "planned_seconds": "%d",
    "active_seconds": "%!.15g",
    "steps_done": "%d",
    "steps_skipped": "%d",
}
# Text is text (never a BLOB), and without NUL, where printf would stop; a value that is not
# ordinary sends its session to Python.
_TEXTS = [name for name, format in _FORMATS.items() if format == "%s" and not name.startswith("pain")]
_ORDINARY = " AND ".join(
    [f"typeof({name}) = 'integer'" for name, format in _FORMATS.items() if format == "%d"]
    + [f"typeof({name}) IN ('integer', 'null')" for name in ("pain_before", "pain_after")]
    + ["typeof(active_seconds) = 'real'", "active_seconds = round(active_seconds, 2)", "abs(active_seconds) < 1e9"]
    + [f"typeof({name}) IN ('text', 'null') AND ifnull(instr({name}, char(0)), 0) = 0" for name in _TEXTS]
)


def _ordinary_sql(template: str, values: list[str]) -> str:
    """``printf(template, values)`` for a session whose values are ordinary, else NULL."""
    return f"CASE WHEN {_ORDINARY} THEN printf('{template}', {', '.join(values)}) END"


# A session as ``json.dumps(row.to_json(), indent=2)`` writes it: strings quoted by SQLite,
# which escapes them as Python does in ASCII (see Sessions.json_texts).
_JSON_TEXT = _ordinary_sql(
    "{\n" + ",\n".join(f"  {json.dumps(name)}: {format}" for name, format in _FORMATS.items()) + "\n}",
    [
        value
        if _FORMATS[name] != "%s"
        else f"ifnull({value}, 'null')"
        if name.startswith("pain")
        else f"json_quote({value})"
        for name, value in _VALUES.items()
    ],
)
# A session as Python's ``csv`` writes its values where none needs quoting (see Sessions.csv_lines);
# printf writes NULL as nothing, as ``csv`` writes None.
_CSV_LINE = _ordinary_sql(",".join(_FORMATS.values()), list(_VALUES.values()))


@dataclass(frozen=True)
class Sessions:
    """The sessions of a window, read as they are written out: never all in memory at once.

    ``store`` None is a history with nothing in it. Iterating reads them afresh.
    """

    store: HistoryStore | None
    since: datetime

    def __iter__(self) -> Iterator[SessionRow]:
        for batch in self._batches(_COLUMNS):
            yield from (_session_row(row) for row in batch)

    def json_texts(self) -> Iterator[list[str | SessionRow]]:
        """Batches of the sessions, each as ``json.dumps(row.to_json(), indent=2)`` writes it, made
        by SQLite, where that is plain ASCII (no DEL; control characters are escaped alike);
        elsewhere as a :class:`SessionRow`, for Python to write."""
        for batch in self._batches(f"{_JSON_TEXT}, id"):
            yield [
                text if text is not None and text.isascii() and "\x7f" not in text else self._row(session_id)
                for text, session_id in batch
            ]

    def csv_lines(self) -> Iterator[list[str | SessionRow]]:
        """Batches of the sessions as Python's ``csv`` writes the values of ``row.to_json()``: lines
        made by SQLite (a batch of them at once, where none of its values needs quoting: no comma
        but those between values, no quote, no line break), or a :class:`SessionRow`, for Python
        to write."""
        commas = len(SessionRow.CSV_FIELDS) - 1
        for batch in self._batches(f"{_CSV_LINE}, id"):
            lines: list[str | None] = [line for line, _ in batch]
            if None not in lines:
                text = "\n".join(line for line in lines if line is not None)
                if _plain_csv(text, lines=len(lines), commas=commas * len(lines)):
                    yield [text]
                    continue
            yield [
                line if line is not None and _plain_csv(line, lines=1, commas=commas) else self._row(session_id)
                for line, session_id in batch
            ]

    def _row(self, session_id: int) -> SessionRow:
        assert self.store is not None
        with self.store.reading() as db:
            return _session_row(db.execute(f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone())

    def _batches(self, columns: str) -> Iterator[list[tuple[Any, ...]]]:
        if self.store is None:
            return
        with self.store.reading() as db:
            cursor = db.execute(f"SELECT {columns} {_WINDOW}", (stored_time(self.since),))
            while batch := cursor.fetchmany(BATCH):
                yield batch


def _plain_csv(text: str, *, lines: int, commas: int) -> bool:
    """Whether ``text`` is ``lines`` lines of CSV values none of which needs quoting."""
    return text.count(",") == commas and text.count("\n") == lines - 1 and '"' not in text and "\r" not in text


def _session_row(row: tuple[Any, ...]) -> SessionRow:
    # A value stored as a BLOB (by hand: stretchcoach writes text) is shown as the text it holds.
    values: list[Any] = [value.decode("utf-8", "replace") if isinstance(value, bytes) else value for value in row[2:]]
    return SessionRow(row[0], parse_stored_time(row[1]), *values)


def recent_sessions(store: HistoryStore, *, since: datetime) -> list[SessionRow]:
    return list(Sessions(store, since))


def session_count(store: HistoryStore, *, since: datetime) -> int:
    with store.reading() as db:
        (count,) = db.execute("SELECT count(*) FROM sessions WHERE started_at >= ?", (stored_time(since),)).fetchone()
        return int(count)


def latest_sessions(store: HistoryStore, *, since: datetime, limit: int) -> list[SessionRow]:
    """The last ``limit`` sessions since ``since``, oldest first."""
    with store.reading() as db:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM sessions WHERE started_at >= ? ORDER BY started_at DESC, id DESC LIMIT ?",
            (stored_time(since), limit),
        )
        return [_session_row(row) for row in reversed(rows.fetchall())]


def latest_pains(store: HistoryStore, *, since: datetime, limit: int) -> list[int]:
    """The pain before each of the last ``limit`` sessions with a check-in since ``since``, oldest first."""
    with store.reading() as db:
        rows = db.execute(
            """SELECT pain_before FROM sessions WHERE started_at >= ? AND pain_before IS NOT NULL
               ORDER BY started_at DESC, id DESC LIMIT ?""",
            (stored_time(since), limit),
        )
        return [pain for (pain,) in reversed(rows.fetchall())]


def last_verdict(store: HistoryStore, *, since: datetime) -> rule.Verdict | None:
    """What the rule said at the end of the latest routine since ``since`` that ended."""
    with store.reading() as db:
        row = db.execute(
            """SELECT pain_before, pain_after, outcome FROM sessions WHERE started_at >= ? AND outcome IS NOT NULL
               ORDER BY started_at DESC, id DESC LIMIT 1""",
            (stored_time(since),),
        ).fetchone()
    return None if row is None else rule.after_routine(row[0], row[1], hurt=row[2] == "hurt")


def checkins(store: HistoryStore, *, since: datetime) -> list[tuple[datetime, int]]:
    """(session start, pain before) of every session with a pain check-in."""
    with store.reading() as db:
        rows = db.execute(
            "SELECT started_at, pain_before FROM sessions WHERE started_at >= ? AND pain_before IS NOT NULL",
            (stored_time(since),),
        )
        return [(parse_stored_time(at), pain) for at, pain in rows]


_ROUTINE = "SELECT started_at, pain_before, pain_after, outcome, id FROM sessions"


def rule_state(store: HistoryStore, *, now: datetime) -> rule.RuleState:
    """What the article's rule says now, from this history (see :func:`stretchcoach.core.rule.rule_state`).

    Only what the rule can use is read: the latest routine that said stop, the first one after
    it that clears it (if any), the check-ins of the last :data:`~stretchcoach.core.rule.WINDOW_DAYS`
    days, and the person's own rule events.
    """
    until = stored_time(now)  # a clock set back must not read routines ahead of it
    with store.reading() as db:
        events = rule_events.read(db)
        stop = db.execute(
            f"""{_ROUTINE} WHERE id IN (SELECT id FROM sessions WHERE outcome = 'hurt'
                                        UNION ALL SELECT id FROM sessions WHERE pain_after - pain_before >= ?)
                  AND outcome IS NOT NULL AND started_at <= ?
                ORDER BY started_at DESC, id DESC LIMIT 1""",
            (rule.WORSE_BY, until),
        ).fetchone()
        routines = []
        if stop is not None:
            cleared = db.execute(
                f"""{_ROUTINE} WHERE started_at BETWEEN ? AND ? AND (started_at > ? OR id > ?)
                      AND outcome = 'completed' AND pain_after <= pain_before
                    ORDER BY started_at, id LIMIT 1""",
                (stop[0], until, stop[0], stop[4]),
            ).fetchone()
            routines = [
                rule.Routine(local(parse_stored_time(at)), before, after, outcome)
                for at, before, after, outcome, _ in filter(None, (stop, cleared))
            ]
        window = now - timedelta(days=rule.WINDOW_DAYS)
        recent = [(local(at), pain) for at, pain in checkins(store, since=window)]
    return rule.rule_state(
        routines,
        recent,
        seen_doctor=[local(at) for kind, at, _ in events if kind == rule_events.SEEN_DOCTOR],
        went_on=[local(at) for kind, at, _ in events if kind == rule_events.WENT_ON],
        now=local(now),
    )


def streaks(store: HistoryStore, *, today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days with a completed routine (see
    :func:`stretchcoach.core.rule.streaks`): days are where the person was, and none after ``today``."""
    with store.reading() as db:
        current, longest, unreadable = db.execute(
            """WITH days AS (SELECT DISTINCT local_day AS day FROM sessions
                             WHERE outcome = 'completed' AND local_day <= ?),
                    runs AS (SELECT count(*) AS length, max(day) AS last
                             FROM (SELECT day, julianday(day) - row_number() OVER (ORDER BY day) AS run FROM days)
                             GROUP BY run)
               SELECT coalesce(max(CASE WHEN last >= ? THEN length END), 0), coalesce(max(length), 0),
                      (SELECT count(*) FROM days WHERE julianday(day) IS NULL OR length(day) != 10)
               FROM runs""",
            (today.isoformat(), (today - timedelta(days=1)).isoformat()),
        ).fetchone()
        if unreadable:
            raise ValueError("a day that is not a date")  # reading() says so: not in stretchcoach's format
    return int(current), int(longest)


def stretch_totals(store: HistoryStore, *, since: datetime) -> list[tuple[str, int, float]]:
    """(stretch id, sessions that did it fully, seconds spent) per stretch, the longest first.

    Whole UTC days are read from ``day_stretches``; the sessions of the day ``since`` falls in,
    from ``session_stretches``.
    """
    start = stored_time(since)
    next_day = (date.fromisoformat(start[:10]) + timedelta(days=1)).isoformat()
    with store.reading() as db:
        rows = db.execute(
            """SELECT stretch, sum(completed), sum(centiseconds) FROM (
                   SELECT stretch, steps, completed, centiseconds FROM day_stretches WHERE day >= ?
                   UNION ALL
                   SELECT stretch, steps, steps > 0 AND done = steps, centiseconds FROM session_stretches
                   WHERE started_at >= ? AND started_at < ?)
               GROUP BY stretch HAVING sum(steps) > 0 ORDER BY sum(centiseconds) DESC, stretch""",
            (next_day, start, next_day),
        )
        return [(stretch, completed, centiseconds / 100) for stretch, completed, centiseconds in rows]


def one_sided(store: HistoryStore, *, since: datetime) -> list[tuple[datetime, str, str]]:
    """(session start, stretch id, side left out) where only some sides were done."""
    with store.reading() as db:
        rows = db.execute(
            """SELECT x.started_at, t.stretch, t.side FROM session_stretches x
               JOIN steps t ON t.session_id = x.session_id AND t.stretch = x.stretch
               WHERE x.started_at >= ? AND x.holds_done > 0 AND x.sides_missed > 0
                 AND t.kind = 'hold' AND t.side IS NOT NULL AND t.status != 'done'
               ORDER BY x.started_at, t.session_id, t.idx""",
            (stored_time(since),),
        )
        return [(parse_stored_time(r[0]), r[1], r[2]) for r in rows]
