"""The history report: recent sessions, streaks, totals, the pain trend and the rule.

Built from plain data (``HistoryReport``); nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from stretchcoach.core.model import human_seconds
from stretchcoach.core.rule import Persistence, Verdict, after_routine
from stretchcoach.history.db import SessionRow
from stretchcoach.localtime import local

SPARKS = "▁▂▃▄▅▆▇█"
OUTCOME_LABELS = {None: "unfinished", "hurt": "this hurts"}


@dataclass(frozen=True)
class HistoryReport:
    days: int
    sessions: list[SessionRow]
    current_streak: int
    longest_streak: int
    stretches: list[tuple[str, int, float]]  # (id, times done fully, seconds)
    one_sided: list[tuple[datetime, str, str]]
    persistence: Persistence
    names: dict[str, str] = field(default_factory=dict)  # stretch id -> name, where known

    @property
    def last_verdict(self) -> Verdict | None:
        for row in reversed(self.sessions):
            if row.outcome is not None:
                return after_routine(row.pain_before, row.pain_after, hurt=row.outcome == "hurt")
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "sessions": [row.to_json() for row in self.sessions],
            "streak": {"current": self.current_streak, "longest": self.longest_streak},
            "stretches": [{"stretch": sid, "completed": n, "seconds": round(s, 1)} for sid, n, s in self.stretches],
            "one_side_only": [
                {"started_at": at.isoformat(), "stretch": sid, "side_skipped": side} for at, sid, side in self.one_sided
            ],
            "rule": {
                "persists": self.persistence.persists,
                "last_verdict": self.last_verdict.value if self.last_verdict else None,
                "status": self.persistence.describe(),
            },
        }


def sessions_csv(rows: list[SessionRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SessionRow.CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.to_json())
    return out.getvalue()


def sparkline(values: list[int], *, top: int = 10) -> str:
    return "".join(SPARKS[min(len(SPARKS) - 1, round(v / top * (len(SPARKS) - 1)))] for v in values)


def _pain(row: SessionRow) -> str:
    before = "–" if row.pain_before is None else str(row.pain_before)
    after = "–" if row.pain_after is None else str(row.pain_after)
    return f"{before} → {after}"


def history_view(report: HistoryReport, *, now: datetime) -> RenderableType:
    parts: list[RenderableType] = []
    if not report.sessions:
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
        for row in report.sessions[-50:]:
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
        if len(report.sessions) > 50:
            table.caption = f"the latest 50 of {len(report.sessions)}; --json or --csv for all"
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
    pains = [row.pain_before for row in report.sessions if row.pain_before is not None][-40:]
    if pains:
        parts.append(
            Text.assemble(("Pain before each routine: ", "bold"), sparkline(pains), f"  {pains[0]} → {pains[-1]}")
        )
    parts.append(rule_panel(report))
    return Group(*parts)


def rule_panel(report: HistoryReport) -> Panel:
    verdict = report.last_verdict
    if report.persistence.persists:
        return persists_panel(report.persistence)
    if verdict is not None and verdict is not Verdict.OK:
        return verdict_panel(verdict)
    return Panel(Text(report.persistence.describe()), title="The rule", title_align="left", border_style="green")


STOP_ADVICE = "Stop doing these stretches and consult a doctor as soon as possible."


def persists_panel(persistence: Persistence) -> Panel:
    text = Text(f"{persistence.describe()}\n{STOP_ADVICE}", style="bold")
    return Panel(text, title="⚠ Your pain persists", title_align="left", border_style="red", style="red")


def verdict_text(verdict: Verdict | None) -> str:
    if verdict is Verdict.HURT:
        return f"You stopped because it hurt. {STOP_ADVICE}"
    if verdict is Verdict.WORSENED:
        return f"Your pain is worse after the routine than before it. {STOP_ADVICE}"
    return "Your pain is a little higher than before. If it keeps rising, stop and see a doctor."


def verdict_panel(verdict: Verdict | None) -> Panel:
    message = verdict_text(verdict)
    if verdict is None or not verdict.stop:
        return Panel(Text(message), title="Pain check", title_align="left", border_style="yellow")
    return Panel(Text(message, style="bold"), title="⚠ Stop", title_align="left", border_style="red", style="red")
