"""The routine's full-screen view, and its compact form for small terminals.

Each is built from the session and ``now``, at the size given; nothing here prints.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from stretchcoach.core.durations import mmss
from stretchcoach.core.session import RoutineSession
from stretchcoach.core.steps import StepKind
from stretchcoach.core.words import hold_cue, step_line, step_title
from stretchcoach.views.output import NARROW_WIDTH

# Quit and "this hurts" come first, so they stay on screen when the hints are cut.
KEY_HINTS = "q quit · h this hurts · space pause · n next · b back · +/- 10 s"
COMPACT_HINTS = "q quit · h hurts · spc pause · n/b · +/-"
COMPACT_HEIGHT = 16  # fewer lines than this, or fewer than NARROW_WIDTH columns: the compact view


def _cue(session: RoutineSession) -> str:
    """The cue on screen: for a hold, its current length (+/- change it)."""
    step = session.step
    return hold_cue(session.duration) if step.kind is StepKind.HOLD else step.cue


def _lines(text: str, width: int) -> int:
    """Lines ``text`` takes when wrapped to ``width`` (an upper bound: wrapping at words)."""
    return max(1, -(-len(text) // max(1, width - 4)) + (1 if len(text) > width - 4 else 0))


def _next_text(session: RoutineSession) -> str:
    upcoming = session.next_step()
    return f"Next: {step_line(upcoming)}" if upcoming else "Next: done"


def live_view(session: RoutineSession, now: float, *, width: int, height: int, message: str = "") -> RenderableType:
    if width < NARROW_WIDTH or height < COMPACT_HEIGHT:
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
        Text(mmss(remaining), style="bold reverse" if session.paused else "bold"),
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
        f"{mmss(left)} left",
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
            (mmss(remaining), "bold"),
            ("  PAUSED" if session.paused else "", "bold magenta"),
            (f"  {mmss(session.time_left(now))} left", "dim"),
        )
    )
    bar_width = max(4, min(width - 2, 40))
    grid.add_row(ProgressBar(total=max(1, session.duration), completed=session.duration - remaining, width=bar_width))
    if message:
        grid.add_row(Text(message))
    grid.add_row(Text(COMPACT_HINTS, style="dim"))
    return grid
