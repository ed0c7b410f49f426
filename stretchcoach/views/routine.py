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
from stretchcoach.core.rule import Stop, Verdict
from stretchcoach.core.safety import SEE_SAFETY
from stretchcoach.core.session import Outcome, RoutineSession, Status, StepRecord
from stretchcoach.core.steps import StepKind
from stretchcoach.core.words import step_line
from stretchcoach.views.live import KEY_HINTS
from stretchcoach.views.output import Mode, Output
from stretchcoach.views.rule import lifted_line
from stretchcoach.views.safety import (
    catalog_warning,
    closing_line,
    closing_warning,
    stop_lines,
    stop_panel,
    verdict_line,
    verdict_panel,
)

NO_KEYS = "Keys: none, as standard input is not a terminal; Ctrl-C stops the routine."


def show_intro(out: Output, plan: Plan, warning: str, *, with_warning: bool, keys: bool) -> None:
    """What is about to run, (unless the safety view was just shown) the warning, and the keys:
    in every mode, as they work in every mode, or a line saying there are none."""
    total = human_seconds(plan.total_seconds)
    names = ", ".join(s.name for s in plan.stretches)
    keys_line = "Keys: " + KEY_HINTS if keys else NO_KEYS
    if out.mode is Mode.PLAIN:
        lines = [f"{plan.routine.name}: {total}. {names}.", *plan.changes]
        out.lines([*lines, f"Safety: {warning}", SEE_SAFETY, keys_line] if with_warning else [*lines, keys_line])
        return
    text = Text.assemble((plan.routine.name, "bold"), f" · {total} · {names}")
    for change in plan.changes:
        text.append(f"\n• {change}")
    out.print(Panel(text, border_style="blue"))
    if with_warning:
        out.print(catalog_warning(warning))
    out.print(keys_line, style="dim")


def show_stop(out: Output, verdict: Verdict, warning: str) -> None:
    """The stop, said at once when a routine ends with "this hurts": before anything is asked,
    with where the urgent signs are."""
    if out.mode is Mode.RICH:
        out.print(stop_panel(verdict, warning))
    else:
        out.lines(stop_lines(verdict, warning, urgent=True))


def show_summary(
    out: Output,
    session: RoutineSession,
    warning: str,
    verdict: Verdict,
    pain_before: int | None,
    pain_after: int | None,
    *,
    stop_shown: bool = False,
    lifted: Stop | None = None,
) -> None:
    """The summary, the pain check-ins, a stop this routine lifted, and the rule's verdict if it
    has one to say: a stop once (not again if ``stop_shown`` already, by :func:`show_stop`)."""
    pain = None
    if pain_before is not None or pain_after is not None:
        shown = ["–" if p is None else str(p) for p in (pain_before, pain_after)]
        pain = f"Pain before → after: {shown[0]} → {shown[1]}"
    extra = [line for line in (pain, lifted_line(lifted) if lifted else None) if line]
    if out.mode is not Mode.RICH:  # a table is unreadable on a narrow terminal
        out.lines(summary_lines(session, verdict) + extra)
        if verdict.stop:
            if not stop_shown:
                out.lines(stop_lines(verdict, warning, urgent=True))
        else:
            out.lines([verdict_line(verdict)] if verdict is not Verdict.OK else [])
            out.lines([closing_line(warning, hurt=False)])
        return
    out.print(summary_view(session, verdict))
    if pain:
        out.print(pain)
    if lifted:
        out.print(lifted_line(lifted), style="green")
    if verdict.stop:
        if not stop_shown:
            out.print(stop_panel(verdict, warning))
        return
    if verdict is not Verdict.OK:
        out.print(verdict_panel(verdict))
    out.print(closing_warning(warning, hurt=False))


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
WELL_DONE = "Routine complete. Well done."
_HEADLINES = {
    Outcome.COMPLETED: ("Routine complete.", "yellow"),  # well done, only without skips or a rise: see _headline
    Outcome.QUIT: ("Stopped early.", "yellow"),
    Outcome.HURT: ("Stopped: you said this hurts.", "red"),
    Outcome.INTERRUPTED: ("Interrupted.", "yellow"),
    Outcome.TERMINATED: ("Stopped: stretchcoach was terminated.", "yellow"),
    Outcome.HANGUP: ("Stopped: the terminal closed.", "yellow"),
}


def _headline(session: RoutineSession, verdict: Verdict) -> tuple[str, str]:
    """What happened, in one line, and its colour. "Well done" only for a routine completed
    without a stretching step skipped and without pain rising; never after the rule says stop.

    A routine counts as completed (and towards the streak) with half its stretching done
    (see ``Outcome``): the headline says how much was skipped rather than praise it.
    """
    if verdict is Verdict.WORSENED:
        return WORSENED_HEADLINE, "red"
    outcome = session.outcome or Outcome.QUIT
    if outcome is not Outcome.COMPLETED:
        return _HEADLINES[outcome]
    stretching = [r for r in session.records if r.step.active]
    skipped = sum(1 for r in stretching if r.status is Status.SKIPPED)
    if skipped:
        step_word = "step" if len(stretching) == 1 else "steps"
        return f"Routine complete, with {skipped} of {len(stretching)} stretching {step_word} skipped.", "yellow"
    if verdict is not Verdict.OK:  # a little higher: not worse by the rule's measure, but not "well done"
        return _HEADLINES[outcome]
    return WELL_DONE, "green"


def _summary(session: RoutineSession, verdict: Verdict) -> tuple[str, str, list[tuple[str, str, str]], list[str]]:
    """(headline, colour, rows of stretch/progress/time, notes) for both summary renderings.

    A routine after which the rule says stop is never "well done", however far it went.
    """
    headline, colour = _headline(session, verdict)
    rows = []
    for stretch in session.plan.stretches:
        records = [r for r in session.records if r.step.stretch.id == stretch.id and r.step.active]
        rows.append((stretch.name, progress_text(records), human_seconds(sum(r.seconds for r in records))))
    end = session.ended if session.ended is not None else session.started
    total = max(0.0, end - session.started - session.paused_total)
    planned = human_seconds(session.plan.active_seconds)
    took = human_seconds(total) + (", pauses left out" if session.paused_total > 0 else "")
    done = human_seconds(session.active_seconds())
    notes = [f"Active stretching {done} of {planned} planned; the routine took {took}."]
    if session.hurt_step is not None:
        during = step_line(session.hurt_step)
        notes.append(f"You stopped during: {during}{'' if during.endswith(('.', '!', '?')) else '.'}")
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
