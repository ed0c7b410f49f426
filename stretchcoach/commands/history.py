"""The history command: recent routines, streaks, the pain trend and what the rule says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from stretchcoach.core.model import Catalog
from stretchcoach.errors import StretchcoachError
from stretchcoach.views import history as history_view
from stretchcoach.views.output import Output


def show_history(
    *,
    db_path: Path,
    catalog: Callable[[], Catalog],
    days: int,
    now: datetime,
    as_json: bool,
    as_csv: bool,
    output: Output,
) -> None:
    """The last ``days`` of the history at ``db_path``; ``catalog`` is read for the stretches' names
    (the table's: JSON and CSV have ids). The sessions of JSON and CSV are written as they are read."""
    from stretchcoach.history.report import build_report, open_history, window
    from stretchcoach.localtime import zone_note

    note = zone_note()  # streaks count local days: UTC ones if the local zone cannot be used
    if note:
        output.error(note)
    with open_history(db_path) as store:
        if as_csv:  # the sessions alone
            history_view.show_csv(output, window(store, days=days, now=now))
            return
        names = {} if as_json else stretch_names(catalog)
        report = build_report(store, days=days, now=now, names=names)
        history_view.show_history(output, report, now=now, as_json=as_json)


def stretch_names(catalog: Callable[[], Catalog]) -> dict[str, str]:
    try:
        return {s.id: s.name for s in catalog().stretches}
    except StretchcoachError:
        return {}  # a broken catalog should not hide the history


def record_seen_doctor(*, db_path: Path, now: datetime, output: Output) -> None:
    """Record a doctor's visit now: it ends a stop in force, and the rule's window starts again."""
    from stretchcoach.history import queries, rule_events
    from stretchcoach.history.store import open_for_writing

    with open_for_writing(db_path) as store:
        before = queries.rule_state(store, now=now)
        rule_events.record(store, rule_events.SEEN_DOCTOR, at=now)
        after = queries.rule_state(store, now=now)
    history_view.show_seen_doctor(output, before=before, after=after)
