"""The only place that creates Rich consoles, and where text is made safe to write.

Commands write through an :class:`Output`, built once by the CLI, which carries
the output mode (Rich, plain lines, or narrow) so that no command has to ask.
Consoles are built per call so they follow the current environment
(``NO_COLOR``, ``TERM``, ``COLUMNS``) and the current ``sys.stdout``. They
draw every text segment through :func:`~stretchcoach.core.safe_text.visible`, so
no text from a catalog, a history file or an argument reaches the terminal as
a control sequence (see ``safe_text`` for the policy).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from stretchcoach.core.safe_text import UNSAFE, json_text, visible


class SafeConsole(Console):
    """A Rich console whose text cannot drive the terminal; Rich's own control codes pass."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not UNSAFE.search(segment.text):
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style)


def console() -> Console:
    # markup=False: a "[link=...]" or "[/]" in a catalog is text, not a style (nor a crash).
    return SafeConsole(highlight=False, markup=False, emoji=False, width=_width(sys.stdout))


def error_console() -> Console:
    return SafeConsole(
        stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True, width=_width(sys.stderr)
    )


MAX_WIDTH = 500  # wider than any screen: COLUMNS=100000 must not draw megabytes into a pipe


def _width(stream: Any) -> int | None:
    """A terminal's real width, whatever COLUMNS says; elsewhere Rich's choice, up to MAX_WIDTH."""
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        pass
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return min(columns, MAX_WIDTH) if columns > 0 else None


def print_error(message: str) -> None:
    """One line on stderr: ``stretchcoach: <message>``. The message is never parsed as markup.

    If stderr itself cannot be written (``2>/dev/full``), there is nowhere left to say so:
    the exit code still tells.
    """
    err = error_console()
    with contextlib.suppress(OSError):
        err.print("stretchcoach:", style="bold red", end=" ")
        err.print(message)


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, no colour, no wrapping.

    Where stdout cannot encode all of Unicode (PYTHONIOENCODING=ascii), non-ASCII is
    written as \\u escapes rather than lost to "?".
    """
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    ascii_only = encoding not in ("utf8", "utf16", "utf32")
    sys.stdout.write(json_text(json.dumps(data, indent=2, ensure_ascii=ascii_only)) + "\n")


def write_plain(text: str) -> None:
    """Plain text straight to stdout (large listings, CSV), made safe like everything else."""
    sys.stdout.write(visible(text))


# Below this many columns a table or a boxed screen is unreadable: views draw lines instead.
NARROW_WIDTH = 60


class Mode(Enum):
    RICH = "rich"  # panels, tables and the live view
    PLAIN = "plain"  # lines, for logs, screen readers and dumb terminals
    NARROW = "narrow"  # a terminal under NARROW_WIDTH columns


def plain_wanted(asked: bool) -> bool:
    """Plain lines instead of the live view: asked for, or no real terminal to draw on."""
    term = os.environ.get("TERM", "")
    return asked or bool(os.environ.get("ACCESSIBLE")) or term == "dumb" or not sys.stdout.isatty()


@dataclass(frozen=True)
class Output:
    """Where a command writes, and in what mode; views render through it."""

    plain: bool = False  # see plain_wanted; only the routine offers plain lines

    @property
    def mode(self) -> Mode:
        """PLAIN if chosen; else NARROW or RICH by the width now (a terminal may be resized meanwhile)."""
        if self.plain:
            return Mode.PLAIN
        return Mode.NARROW if self.width < NARROW_WIDTH else Mode.RICH

    @property
    def width(self) -> int:
        return console().width

    def console(self) -> Console:
        return console()

    def print(self, renderable: RenderableType = "", *, style: str | None = None) -> None:
        """A renderable, or text wrapped at words to the width."""
        console().print(renderable, style=style)

    def lines(self, lines: Iterable[str]) -> None:
        """Plain lines, each whole however long: a screen reader reads a line as one."""
        out = console()
        for line in lines:
            out.print(line, markup=False, soft_wrap=True)

    def json(self, data: Any) -> None:
        print_json(data)

    def write(self, text: str) -> None:
        write_plain(text)

    def error(self, message: str) -> None:
        print_error(message)

    def error_lines(self, lines: Iterable[str]) -> None:
        """Lines on stderr as they are, such as each problem found in a catalog file."""
        err = error_console()
        for line in lines:
            err.print(line, markup=False)
