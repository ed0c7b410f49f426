"""The only place that creates Rich consoles, and where text is made safe to write.

Consoles are built per call so they follow the current environment
(``NO_COLOR``, ``TERM``, ``COLUMNS``) and the current ``sys.stdout``. They
draw every text segment through :func:`~stretchcoach.safe_text.visible`, so
no text from a catalog, a history file or an argument reaches the terminal as
a control sequence (see ``safe_text`` for the policy).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from .safe_text import UNSAFE, json_text, visible


class SafeConsole(Console):
    """A Rich console whose text cannot drive the terminal; Rich's own control codes pass."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not UNSAFE.search(segment.text):
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style)


def console() -> Console:
    return SafeConsole(highlight=False, width=_terminal_width(sys.stdout))


def error_console() -> Console:
    return SafeConsole(stderr=True, highlight=False, soft_wrap=True, width=_terminal_width(sys.stderr))


def _terminal_width(stream: Any) -> int | None:
    """On a terminal, its real width: COLUMNS=100000 must not draw megabytes. Elsewhere, Rich decides."""
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        pass
    return None


def print_error(message: str) -> None:
    """One line on stderr: ``stretchcoach: <message>``. The message is never parsed as markup."""
    err = error_console()
    err.print("stretchcoach:", style="bold red", end=" ")
    err.print(message, markup=False)


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, no colour, no wrapping."""
    sys.stdout.write(json_text(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def write_plain(text: str) -> None:
    """Plain text straight to stdout (large listings, CSV), made safe like everything else."""
    sys.stdout.write(visible(text))
