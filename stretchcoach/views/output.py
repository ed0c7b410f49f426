"""The only place that creates Rich consoles, and where text is made safe to write.

Commands write through an :class:`Output`, built once by the CLI, which carries
the output mode (Rich, plain lines, or narrow) so that no command has to ask.
Consoles are built per call so they follow the current environment
(``NO_COLOR``, ``TERM``, ``COLUMNS``) and the current ``sys.stdout``. They
draw every text segment through :func:`~stretchcoach.core.safe_text.visible`, so
no text from a catalog, a history file or an argument reaches the terminal as
a control sequence (see ``safe_text`` for the policy).

Rich is imported only when something is drawn with it: importing it costs more
than all the rest of a command like `list`, whose lines (laid out by
``views/table``) go straight to a pipe, and through Rich only to be styled.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from stretchcoach.core.safe_text import json_text, visible

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def console() -> Console:
    from stretchcoach.views.safeconsole import SafeConsole

    # markup=False: a "[link=...]" or "[/]" in a catalog is text, not a style (nor a crash).
    return SafeConsole(highlight=False, markup=False, emoji=False, width=width_of(sys.stdout))


def error_console() -> Console:
    from stretchcoach.views.safeconsole import SafeConsole

    return SafeConsole(
        stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True, width=width_of(sys.stderr)
    )


MAX_WIDTH = 500  # wider than any screen: COLUMNS=100000 must not draw megabytes into a pipe
DEFAULT_WIDTH = 80  # with no terminal anywhere and no COLUMNS, as Rich draws


def width_of(stream: Any) -> int:
    """The width to draw for on ``stream``: a terminal's real width, whatever COLUMNS says;
    elsewhere COLUMNS (up to MAX_WIDTH), else the width of the terminal we were started
    from (``stretchcoach list | less``), else DEFAULT_WIDTH."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH
    with contextlib.suppress(ValueError):
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return min(columns, MAX_WIDTH)
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            return os.get_terminal_size(fd).columns or DEFAULT_WIDTH
    return DEFAULT_WIDTH


def may_style(stream: Any) -> bool:
    """Whether Rich might draw styles on ``stream``: a terminal, or one forced on through the
    environment variables Rich reads. Where not, Rich would write plain text, and so can be skipped."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return True
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def print_error(message: str) -> None:
    """One line on stderr: ``stretchcoach: <message>``. The message is never parsed as markup.

    If stderr itself cannot be written (``2>/dev/full``), there is nowhere left to say so:
    the exit code still tells.
    """
    err = error_console()
    with contextlib.suppress(OSError):
        err.print("stretchcoach:", style="bold red", end=" ")
        err.print(message)


def json_dumps(data: Any) -> str:
    """Machine-readable output: plain JSON, no colour, no wrapping, safe to write to stdout.

    Where stdout cannot encode all of Unicode (PYTHONIOENCODING=ascii), non-ASCII is
    written as \\u escapes rather than lost to "?".
    """
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    ascii_only = encoding not in ("utf8", "utf16", "utf32")
    return json_text(json.dumps(data, indent=2, ensure_ascii=ascii_only))


def print_json(data: Any) -> None:
    sys.stdout.write(json_dumps(data) + "\n")


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
        return width_of(sys.stdout)

    def console(self) -> Console:
        return console()

    def print(self, renderable: RenderableType = "", *, style: str | None = None) -> None:
        """A renderable, or text wrapped at words to the width."""
        console().print(renderable, style=style)

    def styled_lines(self, lines: Iterable[Sequence[tuple[str, str]]]) -> None:
        """Lines laid out already, each as (text, style) spans; styled only where Rich would style them."""
        if not may_style(sys.stdout):
            write_plain("".join("".join(text for text, _ in line) + "\n" for line in lines))
            return
        from rich.text import Text

        out = console()
        for line in lines:
            out.print(Text.assemble(*line, no_wrap=True, overflow="crop"), soft_wrap=True)

    def lines(self, lines: Iterable[str]) -> None:
        """Plain lines, each whole however long: a screen reader reads a line as one."""
        out = console()
        for line in lines:
            out.print(line, markup=False, soft_wrap=True)

    def json(self, data: Any) -> None:
        print_json(data)

    def json_parts(self, parts: Iterable[str]) -> None:
        """One JSON document written part by part as the parts come, each made by :func:`json_dumps`
        or as safe and as plain (ASCII only, without DEL): a long list need not be held whole."""
        for part in parts:
            sys.stdout.write(part)

    def write(self, text: str) -> None:
        write_plain(text)

    def error(self, message: str) -> None:
        print_error(message)

    def error_lines(self, lines: Iterable[str]) -> None:
        """Lines on stderr as they are, such as each problem found in a catalog file."""
        err = error_console()
        for line in lines:
            err.print(line, markup=False)
