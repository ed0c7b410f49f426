"""What stretchcoach shows about safety: the one warning panel, the urgent signs, the rule's verdicts.

Every panel here is a :func:`warning_panel` at one of its levels, from a calm
green note to a red panel that says stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.segment import Segment, SegmentLines
from rich.text import Text

from stretchcoach.core.safety import (
    HURT_ADVICE,
    NOT_ADVICE,
    RED_FLAGS,
    RISING_ADVICE,
    SEE_SAFETY,
    STOP_HEADING,
    STOP_TITLE,
    URGENT,
    WORSENED_ADVICE,
)
from stretchcoach.views.output import Mode, Output

if TYPE_CHECKING:
    from stretchcoach.core.rule import Verdict


class Level(Enum):
    """How loud a panel is: (border colour, warning sign in the title, filled red and bold)."""

    CALM = ("green", False, False)  # the rule has nothing to report
    NOTE = ("yellow", False, False)  # worth knowing: pain a little higher
    CAUTION = ("yellow", True, False)  # the standing warning
    URGENT = ("red", True, False)  # signs that need a doctor now
    STOP = ("red", True, True)  # stop these stretches and see a doctor


def warning_panel(body: RenderableType, *, title: str, level: Level) -> Panel:
    """The one panel for everything said about safety; text in it is never read as markup."""
    colour, sign, stop = level.value
    if isinstance(body, str):
        body = Text(body, style="bold" if stop else "")
    return Panel(
        body,
        title=Text(f"⚠ {title}" if sign else title),  # a Text: a str title would be parsed as markup
        title_align="left",
        border_style=colour,
        style="red" if stop else "none",
    )


def catalog_warning(warning: str) -> Panel:
    """The catalog's warning, and where to read the urgent signs."""
    text = Text(warning)
    text.append(f"\n{SEE_SAFETY}", style="dim")
    return warning_panel(text, title="Safety", level=Level.CAUTION)


def closing_warning(warning: str, *, hurt: bool) -> Panel:
    """The catalog's warning under a routine's summary: a stop, if the routine was stopped because it hurt."""
    if hurt:
        return warning_panel(warning, title=STOP_TITLE, level=Level.STOP)
    return warning_panel(warning, title="Safety", level=Level.CAUTION)


def closing_line(warning: str, *, hurt: bool) -> str:
    return f"{STOP_HEADING if hurt else 'Safety'}: {warning}"


def safety_view(warning: str) -> Group:
    return Group(*_safety_panels(warning))


def _safety_panels(warning: str) -> tuple[Panel, Panel]:
    flags = Text("\n".join(f"• {flag}" for flag in RED_FLAGS))
    urgent = Group(Text(URGENT, style="bold"), flags)
    return (
        warning_panel(urgent, title="Get help now", level=Level.URGENT),
        warning_panel(f"{warning}\n{NOT_ADVICE}", title="The rule", level=Level.CAUTION),
    )


def safety_lines(warning: str) -> list[str]:
    """The safety text as plain lines, for plain output and screen readers."""
    return [f"Get help now: {URGENT}", *(f"  - {flag}" for flag in RED_FLAGS), f"Safety: {warning}", NOT_ADVICE]


def show_safety(out: Output, warning: str) -> None:
    if out.mode is Mode.PLAIN:
        out.lines(safety_lines(warning))
    else:
        out.print(safety_view(warning))


@dataclass(frozen=True)
class SafetyPage:
    """A screenful of the safety text: plain lines, or lines as Rich draws them; and the rows it takes."""

    rows: int
    lines: tuple[str, ...] = ()
    drawn: tuple[list[Segment], ...] = ()


def safety_pages(out: Output, warning: str, *, rows: int) -> list[SafetyPage]:
    """The safety text in screens of at most ``rows`` rows, at the output's width: one if it fits.

    A page ends between panels (or between plain lines) where it can; only a panel taller
    than a whole screen is cut, a screenful at a time.
    """
    rows = max(1, rows)
    Line = tuple[int, str | list[Segment]]  # (rows it takes on screen, the line)
    pieces: list[list[Line]]  # each kept on one page where it can be
    if out.mode is Mode.PLAIN:  # a plain line is as long as it is: the terminal wraps it
        width = max(1, out.width)
        pieces = [[(max(1, math.ceil(cell_len(line) / width)), line)] for line in safety_lines(warning)]
    else:
        console = out.console()
        pieces = [[(1, line) for line in console.render_lines(panel, pad=False)] for panel in _safety_panels(warning)]
    pages: list[list[Line]] = [[]]
    used = 0
    for piece in pieces:
        if used and used + sum(height for height, _ in piece) > rows:
            pages.append([])
            used = 0
        for height, line in piece:
            if used and used + height > rows:
                pages.append([])
                used = 0
            pages[-1].append((height, line))
            used += height
    return [
        SafetyPage(
            rows=sum(height for height, _ in page),
            lines=tuple(line for _, line in page if isinstance(line, str)),
            drawn=tuple(line for _, line in page if not isinstance(line, str)),
        )
        for page in pages
    ]


def show_safety_page(out: Output, page: SafetyPage) -> None:
    if page.drawn:
        out.print(SegmentLines(list(page.drawn), new_lines=True))
    else:
        out.lines(page.lines)


def verdict_text(verdict: Verdict | None) -> str:
    """What the rule says after a routine whose verdict is not OK."""
    from stretchcoach.core.rule import Verdict  # here: `show` draws the warning, and needs none of the rule

    if verdict is Verdict.HURT:
        return HURT_ADVICE
    if verdict is Verdict.WORSENED:
        return WORSENED_ADVICE
    return RISING_ADVICE


def verdict_panel(verdict: Verdict | None) -> Panel:
    message = verdict_text(verdict)
    if verdict is None or not verdict.stop:
        return warning_panel(message, title="Pain check", level=Level.NOTE)
    return warning_panel(message, title="Stop", level=Level.STOP)


def verdict_line(verdict: Verdict) -> str:
    return ("STOP: " if verdict.stop else "Note: ") + verdict_text(verdict)


def stop_panel(verdict: Verdict, warning: str) -> Panel:
    """After a routine the rule says stop after: one red panel with why, the catalog's warning
    and where the urgent signs are (not a verdict panel and a warning panel, saying it twice)."""
    text = Text(verdict_text(verdict), style="bold")
    text.append(f"\n{warning}")
    text.append(f"\n{SEE_SAFETY}")
    return warning_panel(text, title=STOP_TITLE, level=Level.STOP)


def stop_lines(verdict: Verdict, warning: str, *, urgent: bool) -> list[str]:
    """The stop as plain lines; ``urgent`` adds where the urgent signs are."""
    lines = [verdict_line(verdict), closing_line(warning, hurt=True)]
    return [*lines, SEE_SAFETY] if urgent else lines
