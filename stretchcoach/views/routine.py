"""What the routine looks like: the live view, plain lines, the plan table, the summary.

Every function builds from a session (or plan) and ``now``; nothing here prints.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from stretchcoach.core.model import human_seconds
from stretchcoach.core.plan import Plan, Step, StepKind
from stretchcoach.core.session import Outcome, RoutineSession, Status, StepRecord

# Quit and "this hurts" come first, so they stay on screen when the hints are cut.
KEY_HINTS = "q quit · h this hurts · space pause · n next · b back · +/- 10 s"
COMPACT_HINTS = "q quit · h hurts · spc pause · n/b · +/-"
COMPACT_WIDTH, COMPACT_HEIGHT = 60, 16


def clock(seconds: float) -> str:
    """Whole seconds left as m:ss, rounding up so "0:00" means done."""
    whole = int(seconds) + (1 if seconds - int(seconds) > 0.001 else 0)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}:{secs:02d}"


def step_title(step: Step) -> str:
    """The line under the stretch name: what this step is."""
    if step.kind is StepKind.PREP:
        return "Get ready"
    if step.kind is StepKind.REST:
        return "Rest"
    if step.kind is StepKind.SWITCH:
        return "Switch sides"
    if step.kind is StepKind.PHASE:
        return f"Round {step.rep} of {step.reps}"
    return f"{step.side.value.capitalize()} side" if step.side else "Hold"


def step_line(step: Step) -> str:
    """One plain line for a step, e.g. "Supine hip flexor stretch — right side — hold 30 s"."""
    name = step.stretch.name
    if step.kind is StepKind.PREP:
        return f"{name} — get ready {step.seconds} s: {step.stretch.setup}"
    if step.kind is StepKind.REST:
        return f"Rest {step.seconds} s — next: {name}"
    if step.kind is StepKind.SWITCH:
        return f"{name} — switch sides {step.seconds} s"
    if step.kind is StepKind.PHASE:
        return f"{name} — round {step.rep}/{step.reps} — {step.cue} ({step.seconds} s)"
    side = f" — {step.side.value} side" if step.side else ""
    return f"{name}{side} — hold {step.seconds} s"


def _cue(session: RoutineSession) -> str:
    """The cue on screen: for a hold, its current length (+/- change it)."""
    step = session.step
    return f"Hold for {session.duration} seconds" if step.kind is StepKind.HOLD else step.cue


def _lines(text: str, width: int) -> int:
    """Lines ``text`` takes when wrapped to ``width`` (an upper bound: wrapping at words)."""
    return max(1, -(-len(text) // max(1, width - 4)) + (1 if len(text) > width - 4 else 0))


def _next_text(session: RoutineSession) -> str:
    upcoming = session.next_step()
    return f"Next: {step_line(upcoming)}" if upcoming else "Next: done"


def live_view(session: RoutineSession, now: float, *, width: int, height: int, message: str = "") -> RenderableType:
    if width < COMPACT_WIDTH or height < COMPACT_HEIGHT:
        return compact_view(session, now, width=width, message=message)
    step = session.step
    remaining = session.remaining(now)
    plan_total = session.plan.total_seconds
    left = session.time_left(now)

    body = Table.grid(padding=(0, 1), expand=True)
    body.add_column()
    body.add_row(Text(step.stretch.name, style="bold"))
    title = Text(step_title(step).upper(), style="bold cyan")
    body.add_row(title)
    cue = _cue(session)
    body.add_row(Text(cue, style="bold yellow" if step.breath else "yellow"))
    body.add_row("")
    countdown = Table.grid(padding=(0, 2), expand=True)
    countdown.add_column(no_wrap=True)
    countdown.add_column(ratio=1)
    countdown.add_row(
        Text(clock(remaining), style="bold reverse" if session.paused else "bold"),
        ProgressBar(total=max(1, session.duration), completed=session.duration - remaining),
    )
    body.add_row(countdown)
    if session.paused:
        body.add_row(Text("PAUSED — press space to resume", style="bold magenta"))
    body.add_row("")
    how = [f"{n}. {line}" for n, line in enumerate(step.stretch.steps, 1)]
    if step.kind is not StepKind.PREP:  # the prep cue already says where to start
        how.insert(0, f"Start: {step.stretch.setup}")
    # Rows besides the instructions: borders, name, title, blanks, countdown, next, overall.
    fixed = 10 + _lines(cue, width) + session.paused + bool(message) + _lines(_next_text(session), width)
    needed = sum(_lines(line, width) for line in how) + 1
    if step.kind in (StepKind.PREP, StepKind.HOLD, StepKind.SWITCH) and fixed + needed <= height:
        body.add_row(Text("\n".join(how), style="dim" if step.kind is StepKind.HOLD else ""))
        body.add_row("")
    body.add_row(Text(_next_text(session), style="italic"))
    overall = Table.grid(padding=(0, 2), expand=True)
    overall.add_column(no_wrap=True)
    overall.add_column(ratio=1)
    overall.add_column(no_wrap=True)
    overall.add_row(
        f"Step {session.index + 1}/{len(session.plan.steps)}",
        ProgressBar(total=max(1, plan_total), completed=max(0.0, plan_total - left)),
        f"{clock(left)} left",
    )
    body.add_row(overall)
    if message:
        body.add_row(Text(message, style="bold"))
    return Panel(
        body,
        title=Text(session.plan.routine.name, style="bold"),
        title_align="left",
        subtitle=Text(KEY_HINTS, style="dim"),
        subtitle_align="left",
        border_style="magenta" if session.paused else "blue",
    )


def compact_view(session: RoutineSession, now: float, *, width: int, message: str = "") -> RenderableType:
    """For narrow or short terminals: a few short lines, no boxes."""
    step = session.step
    remaining = session.remaining(now)
    grid = Table.grid()
    grid.add_column(no_wrap=True, overflow="ellipsis")
    grid.add_row(Text(f"{step.stretch.name} · {step_title(step)}", style="bold"))
    grid.add_row(Text(_cue(session), style="yellow"))
    grid.add_row(
        Text.assemble(
            (clock(remaining), "bold"),
            ("  PAUSED" if session.paused else "", "bold magenta"),
            (f"  {clock(session.time_left(now))} left", "dim"),
        )
    )
    bar_width = max(4, min(width - 2, 40))
    grid.add_row(ProgressBar(total=max(1, session.duration), completed=session.duration - remaining, width=bar_width))
    if message:
        grid.add_row(Text(message))
    grid.add_row(Text(COMPACT_HINTS, style="dim"))
    return grid


def plan_table(plan: Plan) -> Table:
    table = Table(title=f"{plan.routine.name}: {len(plan.steps)} steps", title_justify="left")
    table.add_column("Start", justify="right", no_wrap=True)
    table.add_column("Stretch", style="bold")
    table.add_column("Step")
    table.add_column("Time", justify="right", no_wrap=True)
    shown = None
    for start, step in zip(plan.starts(), plan.steps, strict=True):
        name = step.stretch.name if step.stretch.id != shown and step.kind is not StepKind.REST else ""
        shown = step.stretch.id if name else shown
        what = step_title(step)
        if step.kind is StepKind.PHASE:
            what += f": {step.cue}"
        table.add_row(clock(start), name, what, f"{step.seconds} s")
    table.caption = f"Total {human_seconds(plan.total_seconds)} ({human_seconds(plan.active_seconds)} stretching)"
    table.caption_justify = "left"
    return table


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


_HEADLINES = {
    Outcome.COMPLETED: ("Routine complete. Well done.", "green"),
    Outcome.QUIT: ("Stopped early.", "yellow"),
    Outcome.HURT: ("Stopped: you said this hurts.", "red"),
    Outcome.INTERRUPTED: ("Interrupted.", "yellow"),
    Outcome.TERMINATED: ("Stopped: stretchcoach was terminated.", "yellow"),
    Outcome.HANGUP: ("Stopped: the terminal closed.", "yellow"),
}


def _summary(session: RoutineSession) -> tuple[str, str, list[tuple[str, str, str]], list[str]]:
    """(headline, colour, rows of stretch/progress/time, notes) for both summary renderings."""
    outcome = session.outcome or Outcome.QUIT
    headline, colour = _HEADLINES[outcome]
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


def summary_lines(session: RoutineSession, warning: str) -> list[str]:
    """The summary as plain lines, for plain output and screen readers."""
    headline, _, rows, notes = _summary(session)
    lines = [headline, *(f"  {name}: {done}, {time}" for name, done, time in rows), *notes]
    stop = session.outcome is Outcome.HURT
    lines.append(f"{'STOP — see a doctor' if stop else 'Safety'}: {warning}")
    return lines


def summary_view(session: RoutineSession, warning: str) -> RenderableType:
    headline, colour, rows, notes = _summary(session)
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("Stretch")
    table.add_column("Done", justify="right")
    table.add_column("Time", justify="right")
    for row in rows:
        table.add_row(*row)
    parts: list[RenderableType] = [Text(headline, style=f"bold {colour}"), table, Text(notes[0])]
    for note in notes[1:]:
        parts.append(Text(note, style="red" if note.startswith("You stopped") else "yellow"))
    hurt = session.outcome is Outcome.HURT
    warning_panel = Panel(
        Text(warning, style="bold" if hurt else ""),
        title="⚠ Stop and see a doctor" if hurt else "⚠ Safety",
        title_align="left",
        border_style="red" if hurt else "yellow",
        style="red" if hurt else "",
    )
    return Group(Panel(Group(*parts), title="Summary", title_align="left", border_style=colour), warning_panel)
