"""Helpers shared by test modules (fixtures live in conftest.py).

Tests check what stretchcoach says, not how Rich lays it out: ``flat`` reads output
as a reader would (no borders, no line wrapping), ``rows`` reads the cells of a table
rendered wide enough not to wrap, and ``styled_lines`` gives the style each character
is drawn in, so colour is checked without escape codes. ``big_digits`` reads the
live view's large countdown back as the digits a person sees.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console, RenderableType
from rich.style import Style

from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan, PlanOptions, plan_routine
from stretchcoach.paths import builtin_catalog_path

# Wide enough that no table cell or panel line of stretchcoach's wraps.
WIDE = {"COLUMNS": "200"}

# The built-in catalog (data/stretches.yaml): its stretch ids in order, and its warning.
SEED_IDS = ("supine-hip-flexor", "childs-pose", "cat-cow", "seated-spinal-twist")
WARNING = (
    "If your pain persists or even worsens despite these stretches, stop doing them and consult a doctor "
    "as soon as possible. Doctors are the best way to address lingering back pain."
)

# Not an SQLite database: what a damaged history file holds in tests.
GARBAGE = b"this is not an SQLite database\n" * 64

BOX_DRAWING = re.compile("[\u2500-\u257f]")
# What pictures are drawn with besides: block elements and geometric shapes (● ▔ ◀ ▶).
DRAWING = re.compile("[\u2500-\u25ff]")
# The vertical lines of the box-drawing block: table column separators and panel sides.
VERTICAL = re.compile("[│┃┆┇┊┋║╎╏╵╷╹╻╽╿]")


def back_relief(catalog: Catalog, **options: Any) -> Plan:
    """The built-in routine, planned with ``options`` (as PlanOptions fields)."""
    return plan_routine(catalog, catalog.get_routine("back-relief"), PlanOptions(**options))


def required_in_ci(what: str) -> None:
    """Skip a test whose ``what`` is missing here; fail it under CI, where a skip would go unseen."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI is set: CI runs every test")
    pytest.skip(f"{what} is missing")


def flat(text: str) -> str:
    """The words as a reader sees them: no box drawing or pictures, and all whitespace (line wrapping too) one space."""
    return " ".join(DRAWING.sub(" ", text).split())


def rows(text: str) -> list[list[str]]:
    """The cells of each line that has a vertical box line, stripped; empty cells left out.

    For tables rendered wide enough not to wrap (``WIDE``): then each table row is one
    line, and its cells come out whole. A panel line comes out as one cell.
    """
    found = []
    for line in text.splitlines():
        if VERTICAL.search(line):
            cells = [cell.strip() for cell in VERTICAL.split(line)]
            if any(cells):
                found.append([cell for cell in cells if cell])
    return found


def styled_lines(renderable: RenderableType, *, width: int = 100) -> list[list[tuple[str, Style]]]:
    """Each rendered line as (character, the style it is drawn in), as on a colour terminal."""
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system="truecolor")
    lines = console.render_lines(renderable, console.options, pad=False)
    return [
        [(char, segment.style or Style()) for segment in line if not segment.control for char in segment.text]
        for line in lines
    ]


def is_red(style: Style) -> bool:
    return style.color is not None and style.color.name == "red"


BLOCKS = re.compile("[█▀▄]")


def big_digits(text: str) -> tuple[str, int] | None:
    """The large digits in rendered ``text``, read back: (what they say, their scale); None if none.

    The first run of lines drawn with the block characters of ``views.bigdigits`` is
    matched, character by character from its left edge, against the font's own
    rendering of each character at the scale that run's height implies.
    """
    from stretchcoach.views import bigdigits

    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if BLOCKS.search(line)), None)
    if start is None:
        return None
    end = start
    while end < len(lines) and BLOCKS.search(lines[end]):
        end += 1
    band = lines[start:end]
    scale = next((s for s in range(1, 40) if bigdigits.size("0", s)[1] == len(band)), None)
    if scale is None:
        return None
    width = max(map(len, band))
    band = [line.ljust(width) for line in band]
    x = min(BLOCKS.search(line).start() for line in band if BLOCKS.search(line))  # type: ignore[union-attr]
    read = ""
    while True:
        for char in "0123456789:":
            glyph = bigdigits.render(char, scale)
            if all(line[x : x + len(row)] == row for line, row in zip(band, glyph, strict=True)):
                read += char
                x += len(glyph[0]) + bigdigits.GAP * scale
                break
        else:
            return (read, scale) if read else None


MINIMUM_HOLD = "hold: {at_least: 30s}"
LEAST_ROUNDS = re.compile(r"reps: \{at_least: 3, rounds: (\d+)\}")


def use_quick_holds(home: Path) -> Path:
    """Give ``home`` (a STRETCHCOACH_HOME) a catalog of its own: the built-in one without its
    minimum holds and rounds, so that `--hold 1 --reps 1` is allowed, for tests of anything but
    those minimums."""
    text = builtin_catalog_path().read_text(encoding="utf-8")
    assert text.count(MINIMUM_HOLD) == 2
    assert len(LEAST_ROUNDS.findall(text)) == 2
    path = home / "config" / "catalog.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LEAST_ROUNDS.sub(r"reps: \1", text.replace(MINIMUM_HOLD, "hold: 30s")), encoding="utf-8")
    return path
