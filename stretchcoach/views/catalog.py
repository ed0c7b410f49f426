"""The catalog as `list` and `show` draw it: tables, the stretch's box and their JSON shapes.

Both are laid out by ``views/table`` rather than Rich, which is imported only for
the safety panel under `show` (or to style the lines on a terminal): `list` is the
command people run most to look something up, and Rich's Table, measuring every
cell through its whole rendering machinery, would be most of its time and much of
`show`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stretchcoach.core.durations import human_seconds
from stretchcoach.core.model import Catalog, Cycle, Hold, Phase, Routine, Stretch
from stretchcoach.core.safe_text import visible
from stretchcoach.views.output import Output

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, Group, RenderResult

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
        return
    from stretchcoach.views.safety import catalog_warning  # the one warning panel, drawn by Rich

    out.styled_lines(stretch_card(stretch, out.width))
    out.print(catalog_warning(warning))


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


def stretch_panel(stretch: Stretch, warning: str) -> Group:
    """What `show` draws, as one Rich renderable (for a console of one's own, as the screenshots use)."""
    from rich.console import Group

    from stretchcoach.views.safety import catalog_warning

    return Group(_Card(stretch), catalog_warning(warning))


class _Card:
    """The stretch's box, laid out at the width it is drawn at."""

    def __init__(self, stretch: Stretch) -> None:
        self.stretch = stretch

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for line in stretch_card(self.stretch, options.max_width):
            # A segment a span, as laid out: an SVG export then places each at its own column.
            yield from (Segment(text, console.get_style(style) if style else None) for text, style in line if text)
            yield Segment.line()


LABEL_STYLE = "bold"
PICTURE_STYLE = "cyan"
LABEL_GAP = 2  # between a label and its value
PHASE_GAP = 3  # between the movements of a round
LEAST_VALUE = 8  # below this many cells for the values, the labels are cut instead


def stretch_card(stretch: Stretch, width: int) -> list[Line]:
    """The stretch in a box ``width`` cells wide: its picture, then each label beside its value.

    Laid out by hand as ``views/table`` lays out `list`, to look as Rich's grid in a panel
    looked, without importing Rich's Table or measuring through it.
    """
    from rich.cells import cell_len

    from stretchcoach.views.table import boxed, cut, fill, wrap

    summary = stretch.timing.summary()
    total = human_seconds(stretch.seconds)
    rows: list[tuple[str, str, str | tuple[Phase, ...]]] = [  # (label, its style, its value)
        *([("Also called", LABEL_STYLE, ", ".join(stretch.aka))] if stretch.aka else []),
        ("Targets", LABEL_STYLE, ", ".join(stretch.targets)),
        ("Start", LABEL_STYLE, stretch.setup),
        ("Steps", LABEL_STYLE, "\n".join(f"{n}. {step}" for n, step in enumerate(stretch.steps, 1))),
        ("Timing", LABEL_STYLE, summary if summary == total else f"{summary} ({total} in all)"),
        *([("Each round", LABEL_STYLE, stretch.timing.phases)] if isinstance(stretch.timing, Cycle) else []),
        ("You should feel", LABEL_STYLE, stretch.feel),
        *([("Tips", LABEL_STYLE, "\n".join(f"• {t}" for t in stretch.tips))] if stretch.tips else []),
        *([("Cautions", "bold yellow", "\n".join(f"• {c}" for c in stretch.cautions))] if stretch.cautions else []),
    ]
    inner = max(width - 4, 1)  # inside the border and a space on each side
    label_width = max(cell_len(label) for label, _, _ in rows)
    label_width = max(min(label_width, inner - LABEL_GAP - LEAST_VALUE), 1)  # on a tiny screen, the labels give way
    value_width = max(inner - label_width - LABEL_GAP, 1)

    body: list[Line] = [*_picture(stretch.picture, inner), []] if stretch.picture else []
    for label, style, value in rows:
        values = (
            [[(part, "")] for part in wrap(visible(value), value_width)]
            if isinstance(value, str)
            else _phases(value, value_width)
        )
        for n, line in enumerate(values):
            shown: Line = [(cut(label, label_width), style)] if n == 0 else []
            body.append([*fill(shown, label_width), (" " * LABEL_GAP, ""), *line])
    title: Line = [(visible(stretch.name), "bold"), (f"  {visible(stretch.id)}", "cyan")]
    return boxed(title, body, width)


def _picture(picture: tuple[str, ...], width: int) -> list[Line]:
    """A line drawing, whole or not at all: where it is wider than ``width``, it is left out."""
    from rich.cells import cell_len

    lines = [visible(line) for line in picture]
    return [[(line, PICTURE_STYLE)] for line in lines] if max(map(cell_len, lines), default=0) <= width else []


def _phases(phases: tuple[Phase, ...], width: int) -> list[Line]:
    """The movements of a round side by side, each with its picture under it when it has one;
    as Rich's grid did, a column is narrowed from its widest text (or picture) to fit."""
    from rich.cells import cell_len

    from stretchcoach.views.table import shares, side_by_side, wrap

    cues = [visible(f"{phase.cue} ({phase.seconds} s)") for phase in phases]
    if not any(phase.picture for phase in phases):
        return [[(part, "")] for part in wrap("\n".join(cues), width)]
    natural = [
        max(cell_len(cue), *(cell_len(visible(line)) for line in phase.picture))
        for cue, phase in zip(cues, phases, strict=True)
    ]
    gaps = [PHASE_GAP] * (len(phases) - 1) + [0]  # as Rich measures a column: with the gap after it
    padded = shares([w + gap for w, gap in zip(natural, gaps, strict=True)], width)
    widths = [max(w - gap, 1) for w, gap in zip(padded, gaps, strict=True)]
    blocks = [
        [*([(part, "")] for part in wrap(cue, w)), *_picture(phase.picture, w)]
        for cue, phase, w in zip(cues, phases, widths, strict=True)
    ]
    return side_by_side(blocks, widths, PHASE_GAP)


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
