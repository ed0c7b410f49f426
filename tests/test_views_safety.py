"""The one warning panel, at each of its levels, and the verdicts said in lines."""

from __future__ import annotations

import pytest

from stretchcoach.core.rule import Verdict
from stretchcoach.core.safety import STOP_ADVICE
from stretchcoach.views.safety import (
    Level,
    closing_line,
    safety_lines,
    verdict_line,
    verdict_panel,
    warning_panel,
)

from helpers import BOX_DRAWING, flat, is_red, styled_lines


def border_colours(level: Level) -> set[str | None]:
    lines = styled_lines(warning_panel("Careful.", title="Title", level=level))
    return {
        style.color.name if style.color else None for line in lines for char, style in line if BOX_DRAWING.match(char)
    }


@pytest.mark.parametrize(
    ("level", "colour"),
    [
        (Level.CALM, "green"),
        (Level.NOTE, "yellow"),
        (Level.CAUTION, "yellow"),
        (Level.URGENT, "red"),
        (Level.STOP, "red"),
    ],
)
def test_each_level_has_its_colour(level: Level, colour: str) -> None:
    assert border_colours(level) == {colour}


@pytest.mark.parametrize(
    ("level", "title"),
    [
        (Level.CALM, "Title"),
        (Level.NOTE, "Title"),
        (Level.CAUTION, "⚠ Title"),
        (Level.URGENT, "⚠ Title"),
        (Level.STOP, "⚠ Title"),
    ],
)
def test_a_warning_sign_from_caution_up(level: Level, title: str) -> None:
    top = "".join(char for char, _ in styled_lines(warning_panel("Careful.", title="Title", level=level))[0])
    assert f"─ {title} ─" in top
    assert top.count("⚠") == title.count("⚠")


def test_only_a_stop_is_filled_red_and_bold() -> None:
    words = [
        style
        for line in styled_lines(warning_panel("Careful.", title="Stop", level=Level.STOP))[1:-1]
        for char, style in line
        if char.isalpha()
    ]
    assert words
    assert all(is_red(style) and style.bold for style in words)
    calm = [
        style
        for line in styled_lines(warning_panel("Careful.", title="T", level=Level.CAUTION))[1:-1]
        for _, style in line
    ]
    assert not any(style.bold for style in calm)


@pytest.mark.parametrize(
    ("verdict", "line"),
    [
        (Verdict.WORSENED, f"STOP: Your pain is worse after the routine than before it. {STOP_ADVICE}"),
        (Verdict.HURT, f"STOP: You stopped because it hurt. {STOP_ADVICE}"),
        (
            Verdict.SLIGHTLY_WORSE,
            "Note: Your pain is a little higher than before. If it keeps rising, stop and see a doctor.",
        ),
    ],
)
def test_verdicts_in_lines_and_panels(verdict: Verdict, line: str) -> None:
    assert verdict_line(verdict) == line
    panel = flat("".join(char for drawn in styled_lines(verdict_panel(verdict), width=200) for char, _ in drawn))
    assert line.split(": ", 1)[1] in panel


def test_the_closing_line_after_a_routine() -> None:
    assert closing_line("Careful.", hurt=False) == "Safety: Careful."
    assert closing_line("Careful.", hurt=True) == "STOP — see a doctor: Careful."


def test_safety_lines_end_with_the_warning_and_not_advice() -> None:
    lines = safety_lines("Careful.")
    assert lines[0].startswith("Get help now: ")
    assert lines[-2:] == ["Safety: Careful.", "stretchcoach is not medical advice and cannot diagnose anything."]
