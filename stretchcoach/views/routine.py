"""The routine before and after: the introduction and the summary, drawn or in lines.

The live view while it runs is in ``views.live``; the plan `routine --plan` prints, in ``views.plan``.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.plan import Plan
from stretchcoach.core.rule import Verdict
from stretchcoach.core.safety import SEE_SAFETY
from stretchcoach.core.session import Outcome, RoutineSession, Status, StepRecord
from stretchcoach.core.steps import StepKind
from stretchcoach.core.words import step_line
from stretchcoach.views.live import KEY_HINTS
from stretchcoach.views.output import Mode, Output
from stretchcoach.views.safety import catalog_warning, closing_line, closing_warning, verdict_line, verdict_panel


def show_intro(out: Output, plan: Plan, warning: str, *, with_warning: bool) -> None:
    """What is about to run, and (unless the safety view was just shown) the warning."""
    total = human_seconds(plan.total_seconds)
    names = ", ".join(s.name for s in plan.stretches)
    if out.mode is Mode.PLAIN:
        lines = [f"{plan.routine.name}: {total}. {names}.", *plan.changes]
        out.lines([*lines, f"Safety: {warning}", SEE_SAFETY] if with_warning else lines)
        return
    text = Text.assemble((plan.routine.name, "bold"), f" · {total} · {names}")
    for change in plan.changes:
        text.append(f"\n• {change}")
    out.print(Panel(text, border_style="blue"))
    if with_warning:
        out.print(catalog_warning(warning))
    out.print("Keys: " + KEY_HINTS, style="dim")


def show_summary(
    out: Output,
    session: RoutineSession,
    warning: str,
    verdict: Verdict,
    pain_before: int | None,
    pain_after: int | None,
) -> None:
    """The summary, the pain check-ins, and the rule's verdict if it has one to say."""
    pain = None
    if pain_before is not None or pain_after is not None:
        shown = ["–" if p is None else str(p) for p in (pain_before, pain_after)]
        pain = f"Pain before → after: {shown[0]} → {shown[1]}"
    said = verdict not in (Verdict.OK, Verdict.HURT)  # HURT is in the summary already
    if out.mode is not Mode.RICH:  # a table is unreadable on a narrow terminal
        lines = summary_lines(session, verdict) + ([pain] if pain else [])
        out.lines([*lines, verdict_line(verdict)] if said else lines)
        out.lines([closing_line(warning, hurt=verdict.stop)])
        return
    out.print(summary_view(session, verdict))
    if pain:
        out.print(pain)
    if said:
        out.print(verdict_panel(verdict))
    out.print(closing_warning(warning, hurt=verdict.stop))


def progress_text(records: list[StepRecord]) -> str:
    """How much of one stretch was done: "✓ both sides", "left side only", "3/6 rounds"."""
    if not records:
        return "–"
    done = [r for r in records if r.status is Status.DONE]
    first = records[0].step
    if first.kind is StepKind.PHASE:
        total = first.reps or 1
        per_round = len(records) // total
        rounds = sum(
            1
            for n in range(total)
            if all(r.status is Status.DONE for r in records[n * per_round : (n + 1) * per_round])
        )
        return f"✓ {rounds}/{total} rounds" if rounds == total else f"{rounds}/{total} rounds"
    if len(done) == len(records):
        return "✓ both sides" if len(records) == 2 and first.side else "✓ done"
    if done and first.side:
        return " and ".join(r.step.side.value for r in done if r.step.side) + " side only"
    started = any(r.seconds > 0 for r in records)
    return "partly" if started else "skipped" if any(r.status is Status.SKIPPED for r in records) else "not reached"


WORSENED_HEADLINE = "Routine over. Your pain is worse than before it."
_HEADLINES = {
    Outcome.COMPLETED: ("Routine complete. Well done.", "green"),
    Outcome.QUIT: ("Stopped early.", "yellow"),
    Outcome.HURT: ("Stopped: you said this hurts.", "red"),
    Outcome.INTERRUPTED: ("Interrupted.", "yellow"),
    Outcome.TERMINATED: ("Stopped: stretchcoach was terminated.", "yellow"),
    Outcome.HANGUP: ("Stopped: the terminal closed.", "yellow"),
}


def _summary(session: RoutineSession, verdict: Verdict) -> tuple[str, str, list[tuple[str, str, str]], list[str]]:
    """(headline, colour, rows of stretch/progress/time, notes) for both summary renderings.

    A routine after which the rule says stop is never "well done", however far it went.
    """
    outcome = session.outcome or Outcome.QUIT
    headline, colour = _HEADLINES[outcome]
    if verdict is Verdict.WORSENED:
        headline, colour = WORSENED_HEADLINE, "red"
    rows = []
    for stretch in session.plan.stretches:
        records = [r for r in session.records if r.step.stretch.id == stretch.id and r.step.active]
        rows.append((stretch.name, progress_text(records), human_seconds(sum(r.seconds for r in records))))
    end = session.ended if session.ended is not None else session.started
    total = max(0.0, end - session.started - session.paused_total)
    notes = [f"Active stretching {human_seconds(session.active_seconds())} of {human_seconds(total)}."]
    if session.hurt_step is not None:
        notes.append(f"You stopped during: {step_line(session.hurt_step)}.")
    notes += [f"The {side.value} side of the {name.lower()} was skipped." for name, side in session.one_sided()]
    return headline, colour, rows, notes


def summary_lines(session: RoutineSession, verdict: Verdict = Verdict.OK) -> list[str]:
    """The summary as plain lines, for plain output and screen readers."""
    headline, _, rows, notes = _summary(session, verdict)
    return [headline, *(f"  {name}: {done}, {time}" for name, done, time in rows), *notes]


def summary_view(session: RoutineSession, verdict: Verdict = Verdict.OK) -> RenderableType:
    headline, colour, rows, notes = _summary(session, verdict)
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("Stretch")
    table.add_column("Done", justify="right")
    table.add_column("Time", justify="right")
    for row in rows:
        table.add_row(*row)
    parts: list[RenderableType] = [Text(headline, style=f"bold {colour}"), table, Text(notes[0])]
    for note in notes[1:]:
        parts.append(Text(note, style="red" if note.startswith("You stopped") else "yellow"))
    return Panel(Group(*parts), title="Summary", title_align="left", border_style=colour)
