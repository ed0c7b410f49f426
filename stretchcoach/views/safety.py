"""What stretchcoach shows about safety: the one warning panel, the urgent signs, the rule's verdicts.

Every panel here is a :func:`warning_panel` at one of its levels, from a calm
green note to a red panel that says stop.
"""

from __future__ import annotations

from enum import Enum

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from stretchcoach.core.rule import Persistence, Verdict
from stretchcoach.core.safety import (
    HURT_ADVICE,
    NOT_ADVICE,
    RED_FLAGS,
    RISING_ADVICE,
    SEE_SAFETY,
    STOP_ADVICE,
    STOP_HEADING,
    STOP_TITLE,
    URGENT,
    WORSENED_ADVICE,
)
from stretchcoach.views.output import Mode, Output


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
        title=f"⚠ {title}" if sign else title,
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
    flags = Text("\n".join(f"• {flag}" for flag in RED_FLAGS))
    urgent = Group(Text(URGENT, style="bold"), flags)
    return Group(
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


def persists_panel(persistence: Persistence) -> Panel:
    return warning_panel(f"{persistence.describe()}\n{STOP_ADVICE}", title="Your pain persists", level=Level.STOP)


def verdict_text(verdict: Verdict | None) -> str:
    """What the rule says after a routine whose verdict is not OK."""
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
