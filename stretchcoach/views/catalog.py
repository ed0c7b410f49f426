"""The catalog as `list` and `show` draw it: tables, the stretch panel and their JSON shapes.

`list` is laid out by ``views/table`` rather than Rich, and Rich is imported only
for `show`'s panel (or to style `list` on a terminal): `list` is the command
people run most to look something up, and Rich would be most of its time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.model import Catalog, Cycle, Hold, Phase, Routine, Stretch
from stretchcoach.views.output import Output

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
    from rich.measure import Measurement

    from stretchcoach.views.table import Line

# Above this many stretches, `list` prints aligned columns instead of a boxed table:
# a catalog of thousands reads better without a box around every row.
TABLE_ROWS = 200


def show_listing(out: Output, catalog: Catalog, totals: dict[str, int], *, as_json: bool) -> None:
    """The stretches and routines; ``totals`` holds each routine's planned seconds."""
    if as_json:
        out.json(listing_json(catalog, totals))
        return
    out.styled_lines(listing(catalog, totals, out.width))


def listing(catalog: Catalog, totals: dict[str, int], width: int) -> list[Line]:
    """What `list` shows, in lines ``width`` cells wide at most (the aligned columns of a large catalog aside)."""
    from stretchcoach.views.table import crop

    lines: list[Line]
    if len(catalog.stretches) <= TABLE_ROWS:
        lines = stretch_table(catalog, width)
    else:
        header, rows = stretch_columns(catalog, width)
        lines = [[(f"{len(catalog.stretches)} stretches", "bold")], [(header, "bold")], *([(row, "")] for row in rows)]
    if catalog.routines:
        lines += routine_table(catalog, totals, width)
    details: Line = [("Details: ", ""), ("stretchcoach show ID", "bold")]
    start: Line = [("Start: ", ""), ("stretchcoach routine", "bold")]
    one_line = [*details, ("   ", ""), *start]
    footer = [one_line] if sum(len(text) for text, _ in one_line) <= width else [details, start]
    return lines + [crop(line, width) for line in footer]


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


def stretch_table(catalog: Catalog, width: int) -> list[Line]:
    from stretchcoach.views.table import Column, layout  # here, not for `show`

    columns = (
        Column("ID", style="bold cyan", wrap=False),
        Column("Name"),
        Column("Targets"),
        Column("Timing"),
        Column("Time", wrap=False, right=True),
    )
    rows = [
        (s.id, s.name, ", ".join(s.targets), s.timing.summary(), human_seconds(s.seconds)) for s in catalog.stretches
    ]
    return layout("Stretches", columns, rows, width)


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


def routine_table(catalog: Catalog, totals: dict[str, int], width: int) -> list[Line]:
    from stretchcoach.views.table import Column, layout

    columns = (
        Column("ID", style="bold cyan", wrap=False),
        Column("Name"),
        Column("Stretches"),
        Column("Time", right=True),
    )
    rows = [
        (r.id, r.name, ", ".join(i.stretch for i in r.items), human_seconds(totals[r.id])) for r in catalog.routines
    ]
    return layout("Routines", columns, rows, width)


class Picture:
    """A stretch's line drawing, drawn whole or not at all: where it is too wide, it is left out."""

    def __init__(self, lines: tuple[str, ...], *, style: str = "cyan") -> None:
        self.lines = lines
        self.width = max(map(len, lines), default=0)
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        if self.lines and self.width <= options.max_width:
            yield Text("\n".join(self.lines), style=self.style, no_wrap=True)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement(0, self.width)  # it may be left out, down to nothing


def stretch_panel(stretch: Stretch, warning: str) -> Group:
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from stretchcoach.views.safety import catalog_warning

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
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

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
            "at_least": stretch.timing.least or None,
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
