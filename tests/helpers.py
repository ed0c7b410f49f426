"""Helpers shared by test modules (fixtures live in conftest.py).

Tests check what stretchcoach says, not how Rich lays it out: ``flat`` reads output
as a reader would (no borders, no line wrapping), ``rows`` reads the cells of a table
rendered wide enough not to wrap, and ``styled_lines`` gives the style each character
is drawn in, so colour is checked without escape codes.
"""

from __future__ import annotations

import io
import os
import re
from typing import Any

import pytest
from rich.console import Console, RenderableType
from rich.style import Style

from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan, PlanOptions, plan_routine

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
    """The words as a reader sees them: no box drawing, and all whitespace (line wrapping too) one space."""
    return " ".join(BOX_DRAWING.sub(" ", text).split())


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
