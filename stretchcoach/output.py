"""The only place that creates Rich consoles.

Consoles are built per call so they follow the current environment
(``NO_COLOR``, ``TERM``, ``COLUMNS``) and the current ``sys.stdout``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console


def console() -> Console:
    return Console(highlight=False)


def error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_error(message: str) -> None:
    """One line on stderr: ``stretchcoach: <message>``. The message is never parsed as markup."""
    err = error_console()
    err.print("stretchcoach:", style="bold red", end=" ")
    err.print(message, markup=False)


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, no colour, no wrapping."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
