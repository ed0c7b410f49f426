"""The history report: recent sessions, streaks, totals, the pain trend and the rule, as a
table, CSV or JSON.

Built from plain data (``HistoryReport``); nothing here touches the database. With ``--json``
and ``--csv`` the sessions are written as they are read, a batch at a time, and Rich is not
imported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.rule import RuleState, Verdict, after_routine, day_text
from stretchcoach.core.safety import RULE_LIFTED, SEEN_DOCTOR_AFTER
from stretchcoach.history.queries import SessionRow, Sessions
from stretchcoach.history.report import HistoryReport
from stretchcoach.localtime import local
from stretchcoach.views.output import Output, json_dumps

if TYPE_CHECKING:
    from rich.console import RenderableType

SPARKS = "▁▂▃▄▅▆▇█"
OUTCOME_LABELS = {None: "unfinished", "hurt": "this hurts"}


def sessions_csv(sessions: Sessions) -> Iterator[str]:
    """The sessions as CSV, a batch of rows at a time, the header first: each line as SQLite
    made it (see :meth:`Sessions.csv_lines`) or written here."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SessionRow.CSV_FIELDS)
    for batch in sessions.csv_lines():
        for item in batch:
            if isinstance(item, str):
                out.write(item + "\n")
            else:
                writer.writerow(item.to_json().values())
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()  # the header, if there were no sessions


SESSIONS_HERE = "\0sessions"  # where the sessions go in the JSON document, until they are written


def report_json(report: HistoryReport) -> Iterator[str]:
    """The report as ``json_dumps`` of the whole would write it, in parts: the sessions a batch
    at a time, as SQLite made them (see :meth:`Sessions.json_texts`) or made here."""
    document = report.to_json()
    document["sessions"] = SESSIONS_HERE
    before, after = json_dumps(document).split(json.dumps(SESSIONS_HERE), 1)
    yield before + "["
    first = True
    for batch in report.sessions.json_texts():
        texts = [item if isinstance(item, str) else json_dumps(item.to_json()) for item in batch]
        yield ("\n" if first else ",\n") + "    " + ",\n".join(texts).replace("\n", "\n    ")
        first = False
    yield ("]" if first else "\n  ]") + after + "\n"


def sparkline(values: list[int], *, top: int = 10) -> str:
    return "".join(SPARKS[min(len(SPARKS) - 1, round(v / top * (len(SPARKS) - 1)))] for v in values)


def _pain(row: SessionRow) -> str:
    before = "–" if row.pain_before is None else str(row.pain_before)
    after = "–" if row.pain_after is None else str(row.pain_after)
    return f"{before} → {after}"


def history_view(report: HistoryReport, *, now: datetime) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from stretchcoach.views.rule import rule_panel

    parts: list[RenderableType] = []
    if not report.count:
        days = "day" if report.days == 1 else f"{report.days} days"
        parts.append(Text(f"No routines in the last {days}. Start one: stretchcoach routine"))
    else:
        days = "day" if report.days == 1 else f"{report.days} days"
        table = Table(title=f"The last {days}", title_justify="left")
        table.add_column("Date", no_wrap=True)
        table.add_column("Routine", overflow="fold")
        table.add_column("Done", justify="right")
        table.add_column("Skipped", justify="right")
        table.add_column("Min", justify="right")
        table.add_column("Pain", justify="center", no_wrap=True)
        table.add_column("Ended")
        for row in report.latest:
            label = OUTCOME_LABELS.get(row.outcome, row.outcome or "")
            style = "red" if row.outcome == "hurt" else ""
            verdict = after_routine(row.pain_before, row.pain_after, hurt=False)
            pain_style = {Verdict.WORSENED: "bold red", Verdict.SLIGHTLY_WORSE: "yellow"}.get(verdict, "")
            table.add_row(
                local(row.started_at).strftime("%d %b %H:%M"),
                row.routine,
                str(row.done),
                str(row.skipped),
                f"{row.active_seconds / 60:.1f}",
                Text(_pain(row), style=pain_style),
                Text(label, style=style),
            )
        if report.count > len(report.latest):
            table.caption = f"the latest {len(report.latest)} of {report.count}; --json or --csv for all"
        parts.append(table)
    parts.append(
        Text.assemble(
            ("Streak: ", "bold"),
            f"{report.current_streak} day{'s' if report.current_streak != 1 else ''} now, "
            f"longest {report.longest_streak}",
        )
    )
    if report.stretches:
        totals = Table(title="Per stretch", title_justify="left", box=None, padding=(0, 2))
        totals.add_column("Stretch")
        totals.add_column("Completed", justify="right")
        totals.add_column("Time", justify="right")
        for sid, count, seconds in report.stretches:
            totals.add_row(report.names.get(sid, sid), str(count), human_seconds(seconds))
        parts.append(totals)
    for at, sid, side in report.one_sided[-10:]:
        name = report.names.get(sid, sid)
        parts.append(Text(f"{local(at):%d %b}: the {side} side of the {name.lower()} was skipped.", "yellow"))
    pains = report.pains
    if pains:
        parts.append(
            Text.assemble(("Pain before each routine: ", "bold"), sparkline(pains), f"  {pains[0]} → {pains[-1]}")
        )
    parts.append(rule_panel(report.rule, last_verdict=report.last_verdict))
    return Group(*parts)


def show_history(out: Output, report: HistoryReport, *, now: datetime, as_json: bool) -> None:
    if as_json:
        out.json_parts(report_json(report))
    else:
        out.print(history_view(report, now=now))


def show_csv(out: Output, sessions: Sessions) -> None:
    for part in sessions_csv(sessions):
        out.write(part)


def show_seen_doctor(out: Output, *, before: RuleState, after: RuleState) -> None:
    """What recording a doctor's visit did."""
    assert after.seen_doctor is not None
    lines = [f"Recorded that you saw a doctor on {day_text(after.seen_doctor.date())}."]
    if before.binding and not after.binding:
        lines.append(RULE_LIFTED)
    lines.append(SEEN_DOCTOR_AFTER)
    out.lines(lines)
