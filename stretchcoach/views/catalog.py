"""The catalog as `list` and `show` draw it: tables, the stretch panel and their JSON shapes."""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.model import Catalog, Cycle, Hold, Phase, Routine, Stretch
from stretchcoach.views.output import Output
from stretchcoach.views.safety import catalog_warning

# Above this many stretches, `list` prints aligned columns instead of a Rich table:
# a table measures every cell (about 0.4 ms a row), columns cost next to nothing.
TABLE_ROWS = 200


def show_listing(out: Output, catalog: Catalog, totals: dict[str, int], *, as_json: bool) -> None:
    """The stretches and routines; ``totals`` holds each routine's planned seconds."""
    if as_json:
        out.json(listing_json(catalog, totals))
        return
    if len(catalog.stretches) <= TABLE_ROWS:
        out.print(stretch_table(catalog))
    else:
        console = out.console()
        header, lines = stretch_columns(catalog, console.width)
        console.print(f"{len(catalog.stretches)} stretches", style="bold")
        console.print(header, style="bold", markup=False, soft_wrap=True)
        out.write("\n".join(lines) + "\n")  # plain text: Rich would only measure it again
    if catalog.routines:
        out.print(routine_table(catalog, totals))
    out.print(
        Text.assemble("Details: ", ("stretchcoach show ID", "bold"), "   Start: ", ("stretchcoach routine", "bold"))
    )


def listing_json(catalog: Catalog, totals: dict[str, int]) -> dict[str, Any]:
    return {
        "stretches": [stretch_json(s) for s in catalog.stretches],
        "routines": [routine_json(r, totals[r.id]) for r in catalog.routines],
    }


def show_stretch(out: Output, stretch: Stretch, warning: str, *, as_json: bool) -> None:
    """One stretch, and the warning that goes with it."""
    if as_json:
        out.json(stretch_json(stretch) | {"warning": warning})
    else:
        out.print(stretch_panel(stretch, warning))


def stretch_table(catalog: Catalog) -> Table:
    table = Table(title="Stretches", title_justify="left", expand=False)
    table.add_column("ID", style="bold cyan", no_wrap=True)
    table.add_column("Name")
    table.add_column("Targets")
    table.add_column("Timing")
    table.add_column("Time", justify="right", no_wrap=True)
    for s in catalog.stretches:
        table.add_row(s.id, s.name, ", ".join(s.targets), s.timing.summary(), human_seconds(s.seconds))
    return table


def stretch_columns(catalog: Catalog, width: int) -> tuple[str, list[str]]:
    """(header, one line per stretch) in fixed columns fitted to ``width``, linear in size."""
    rows = [
        (s.id, s.name, ", ".join(s.targets), s.timing.summary(), human_seconds(s.seconds)) for s in catalog.stretches
    ]
    heads = ("ID", "NAME", "TARGETS", "TIMING", "TIME")
    caps = (32, 36, 28, 34, 10)
    widths = [
        min(cap, max(len(head), *(len(row[i]) for row in rows)))
        for i, (head, cap) in enumerate(zip(heads, caps, strict=True))
    ]
    while sum(widths) + 2 * (len(widths) - 1) > width and max(widths[1:4]) > 8:
        widest = max(range(1, 4), key=lambda i: widths[i])  # shrink name, targets or timing first
        widths[widest] -= 1

    def line(cells: tuple[str, ...]) -> str:
        fitted = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(cells, widths, strict=True)]
        return (
            "  ".join(f"{c:<{w}}" for c, w in zip(fitted[:-1], widths[:-1], strict=True))
            + f"  {fitted[-1]:>{widths[-1]}}"
        )

    return line(heads), [line(row) for row in rows]


def routine_table(catalog: Catalog, totals: dict[str, int]) -> Table:
    table = Table(title="Routines", title_justify="left", expand=False)
    table.add_column("ID", style="bold cyan", no_wrap=True)
    table.add_column("Name")
    table.add_column("Stretches")
    table.add_column("Time", justify="right", no_wrap=True)
    for r in catalog.routines:
        table.add_row(r.id, r.name, ", ".join(i.stretch for i in r.items), human_seconds(totals[r.id]))
    return table


class Picture:
    """A stretch's line drawing, drawn whole or not at all: where it is too wide, it is left out."""

    def __init__(self, lines: tuple[str, ...], *, style: str = "cyan") -> None:
        self.lines = lines
        self.width = max(map(len, lines), default=0)
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.lines and self.width <= options.max_width:
            yield Text("\n".join(self.lines), style=self.style, no_wrap=True)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(0, self.width)  # it may be left out, down to nothing


def stretch_panel(stretch: Stretch, warning: str) -> Group:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    if stretch.aka:
        grid.add_row("Also called", ", ".join(stretch.aka))
    grid.add_row("Targets", ", ".join(stretch.targets))
    grid.add_row("Start", stretch.setup)
    grid.add_row("Steps", Text("\n".join(f"{n}. {step}" for n, step in enumerate(stretch.steps, 1))))
    summary = stretch.timing.summary()
    total = human_seconds(stretch.seconds)
    grid.add_row("Timing", summary if summary == total else f"{summary} ({total} in all)")
    if isinstance(stretch.timing, Cycle):
        grid.add_row("Each round", _phases(stretch.timing.phases))
    grid.add_row("You should feel", stretch.feel)
    if stretch.tips:
        grid.add_row("Tips", "\n".join(f"• {t}" for t in stretch.tips))
    if stretch.cautions:
        grid.add_row(Text("Cautions", style="bold yellow"), "\n".join(f"• {c}" for c in stretch.cautions))
    title = Text.assemble((stretch.name, "bold"), (f"  {stretch.id}", "cyan"))
    body: RenderableType = Group(Picture(stretch.picture), Text(""), grid) if stretch.picture else grid
    return Group(Panel(body, title=title, title_align="left"), catalog_warning(warning))


def _phases(phases: tuple[Phase, ...]) -> RenderableType:
    """The movements of a round side by side, each with its picture under it when it has one."""
    if not any(phase.picture for phase in phases):
        return Text("\n".join(f"{p.cue} ({p.seconds} s)" for p in phases))
    side_by_side = Table.grid(padding=(0, 3))
    cells: list[RenderableType] = []
    for phase in phases:
        side_by_side.add_column(vertical="top")
        cue = Text(f"{phase.cue} ({phase.seconds} s)")
        cells.append(Group(cue, Picture(phase.picture)) if phase.picture else cue)
    side_by_side.add_row(*cells)
    return side_by_side


def stretch_json(stretch: Stretch) -> dict[str, Any]:
    timing: dict[str, Any]
    if isinstance(stretch.timing, Hold):
        hold = stretch.timing
        timing = {
            "hold": hold.seconds,
            "at_least": hold.minimum or None,
            "sides": [s.value for s in hold.sides],
            "side_cues": {side.value: cue for side, cue in zip(hold.sides, hold.side_cues, strict=False)},
        }
    else:
        timing = {
            "reps": stretch.timing.reps,
            "deeper": stretch.timing.deeper or None,
            "phases": [
                {
                    "cue": p.cue,
                    "seconds": p.seconds,
                    "breath": p.breath.value if p.breath else None,
                    "picture": list(p.picture),
                }
                for p in stretch.timing.phases
            ],
        }
    return {
        "id": stretch.id,
        "name": stretch.name,
        "aka": list(stretch.aka),
        "targets": list(stretch.targets),
        "setup": stretch.setup,
        "steps": list(stretch.steps),
        "feel": stretch.feel,
        "tips": list(stretch.tips),
        "cautions": list(stretch.cautions),
        "timing": timing,
        "summary": stretch.timing.summary(),
        "seconds": stretch.seconds,
        "picture": list(stretch.picture),
    }


def routine_json(routine: Routine, total_seconds: int) -> dict[str, Any]:
    return {
        "id": routine.id,
        "name": routine.name,
        "description": routine.description,
        "prep": routine.prep,
        "rest": routine.rest,
        "switch": routine.switch,
        "steps": [{"stretch": i.stretch, "hold": i.hold, "reps": i.reps} for i in routine.items],
        "total_seconds": total_seconds,
    }
