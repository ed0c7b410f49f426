"""A routine's timed plan, as `routine --plan` prints it: a table, or JSON.

Laid out by ``views/table`` like `list`, without Rich: the plan is printed to
check a routine before doing it, and should come back as quickly.
"""

from __future__ import annotations

from stretchcoach.core.durations import human_seconds, mmss
from stretchcoach.core.plan import Plan
from stretchcoach.core.steps import StepKind
from stretchcoach.core.words import step_title
from stretchcoach.views.output import Output
from stretchcoach.views.table import Column, Line, layout, wrap

COLUMNS = (
    Column("Start", wrap=False, right=True),
    Column("Stretch", style="bold"),
    Column("Step"),
    Column("Time", wrap=False, right=True),
)


def show_plan(out: Output, plan: Plan, *, as_json: bool) -> None:
    if as_json:
        out.json(plan.to_json())
    else:
        out.styled_lines(plan_lines(plan, out.width))


def plan_lines(plan: Plan, width: int) -> list[Line]:
    """The plan as a table, its total under it, and then each change made to fit the options."""
    rows = []
    shown = None
    for start, step in zip(plan.starts(), plan.steps, strict=True):
        name = step.stretch.name if step.stretch.id != shown and step.kind is not StepKind.REST else ""
        shown = step.stretch.id if name else shown
        what = step_title(step)
        if step.kind is StepKind.PHASE:
            what += f": {step.cue}"
        rows.append((mmss(start), name, what, f"{step.seconds} s"))
    total = f"Total {human_seconds(plan.total_seconds)} ({human_seconds(plan.active_seconds)} stretching)"
    lines = layout(f"{plan.routine.name}: {len(plan.steps)} steps", COLUMNS, rows, width, caption=total)
    for change in plan.changes:
        lines += [[(part, "")] for part in wrap(f"• {change}", width)]
    return lines
