"""The one error type users see, and the exit codes it maps to.

Core and edges raise :class:`StretchcoachError`; only ``cli.main`` turns it
into a single line on stderr and an exit code.
"""

from __future__ import annotations

import shlex
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    RUNTIME = 1  # something failed while running, or the routine was quit early
    USAGE = 2  # a wrong option, a bad catalog, an unknown id
    STOP = 3  # the article's rule says stop and see a doctor: pain worse, "this hurts", or not started for it
    HANGUP = 129  # SIGHUP: 128 + 1
    INTERRUPTED = 130  # Ctrl-C: 128 + 2
    TERMINATED = 143  # SIGTERM: 128 + 15


class StretchcoachError(Exception):
    """A problem the user can act on, with the exit code it deserves."""

    def __init__(self, message: str, *, exit_code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class CatalogError(StretchcoachError):
    """One or more problems in a catalog file, each with its position."""

    def __init__(self, problems: list[str], *, source: str | None = None) -> None:
        """``source``: the file the problems are in, for the command that lists them all."""
        self.problems = problems
        first = problems[0]
        more = len(problems) - 1
        if more:
            command = f"stretchcoach validate {shlex.quote(source) if source else 'FILE'}"
            first += f" (and {more} more problem{'s' if more > 1 else ''}; see `{command}`)"
        super().__init__(first, exit_code=ExitCode.USAGE)


def os_problem(exc: OSError) -> str:
    """What went wrong with a file, in plain words (the system's own only as a last resort).

    The words are the short phrases of the one classification of what can go wrong with a
    file, which covers the history's SQLite errors too (:mod:`stretchcoach.history.problems`).
    """
    from stretchcoach.history.problems import describe  # only when something went wrong: it imports sqlite3

    return describe(exc)
