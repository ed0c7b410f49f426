"""Reminders as lines in the user's crontab, between two marker comments, when there is no
systemd user instance or launchd.

The crontab is read with ``crontab -l`` and written whole with ``crontab -``.
Everything outside the markers is kept byte for byte: other tools' blocks,
environment lines, comments, carriage returns, a last line without a newline.
Only lines whose whole text is a marker count as one.
"""

from __future__ import annotations

import shlex

from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.remind.backends import PUT_BACK, Installed, Job
from stretchcoach.remind.edges import Edges
from stretchcoach.remind.run import Completed, check
from stretchcoach.remind.schedule import EVERY_DAY

BEGIN = b"# >>> stretchcoach remind: written by `stretchcoach remind on`; `stretchcoach remind off` removes it >>>"
END = b"# <<< stretchcoach remind <<<"


def cron_days(days: frozenset[int]) -> str:
    """The day-of-week field: ``*``, or cron's numbers (0 is Sunday) with runs as ranges: ``1-5``."""
    if days == EVERY_DAY:
        return "*"
    numbers = sorted((day + 1) % 7 for day in days)
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], -1]:
        if number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = number
    return ",".join(parts)


def cron_word(word: str) -> str:
    """One word of the command, for ``sh``; ``%`` escaped, which cron would turn into a newline."""
    if not word.isprintable():
        raise StretchcoachError(f"cannot write {word!r} into a crontab line: it holds a control character")
    return shlex.quote(word).replace("%", "\\%")


def block(job: Job) -> bytes:
    command = " ".join([*(f"{name}={cron_word(value)}" for name, value in job.env), *map(cron_word, job.argv)])
    days = cron_days(job.schedule.days)
    lines = [
        f"{minute} {','.join(str(h) for h in hours)} * * {days} {command}" for minute, hours in job.schedule.by_minute()
    ]
    text = "\n".join([f"# When: {job.schedule.describe()}.", *lines]).encode()
    return BEGIN + b"\n" + text + b"\n" + END + b"\n"


def _lines(data: bytes) -> list[bytes]:
    """Lines with their own ends (a last line may have none); only ``\\n`` ends a line for cron."""
    parts = data.split(b"\n")
    return [part + b"\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _edit(data: bytes, new_block: bytes | None) -> tuple[bytes, bool, bool]:
    """``data`` with every stretchcoach block taken out, and ``new_block`` where the first one was.

    Returns (text, found a block, the last block was at the very end)."""
    out: list[bytes] = []
    inside = found = False
    at_end = False
    for line in _lines(data):
        text = line.rstrip(b"\r\n")
        if inside:
            if text == END:
                inside, at_end = False, True
            continue
        if text == BEGIN:
            if not found and new_block is not None:
                out.append(new_block)
            inside = found = True
            continue
        if text == END:
            raise _unbalanced()
        out.append(line)
        at_end = False
    if inside:
        raise _unbalanced()
    return b"".join(out), found, at_end


def _unbalanced() -> StretchcoachError:
    return StretchcoachError(
        "your crontab has one of stretchcoach's marker lines without the other; remove what is left of "
        "stretchcoach's lines with `crontab -e`. Nothing was changed."
    )


def has_block(data: bytes) -> bool:
    return _edit(data, None)[1]


def with_block(data: bytes, new_block: bytes) -> tuple[bytes, bool]:
    """The crontab with ``new_block`` in place of ours, or at the end; and whether a newline
    had to be added after a last line that had none."""
    text, found, _ = _edit(data, new_block)
    if found:
        return text, False
    added = bool(text) and not text.endswith(b"\n")
    return text + (b"\n" if added else b"") + new_block, added


def without_block(data: bytes, *, added_newline: bool) -> tuple[bytes, bool]:
    """The crontab without our lines (and without the newline we added, if we added one)."""
    text, found, at_end = _edit(data, None)
    if found and at_end and added_newline and text.endswith(b"\n"):
        text = text[:-1]
    return text, found


class Cron:
    name = "cron"
    description = "lines in your crontab"

    def __init__(self, edges: Edges) -> None:
        self.edges = edges

    def _crontab(self, *args: str, input: bytes | None = None) -> Completed:
        crontab = self.edges.find("crontab")
        if crontab is None:
            raise StretchcoachError("crontab is not installed (not found on PATH)", exit_code=ExitCode.RUNTIME)
        return self.edges.runner([crontab, *args], input=input)

    def read(self) -> bytes:
        result = self._crontab("-l")
        if not result.ok and "no crontab" in result.said().lower():
            return b""
        return check(result).stdout

    def install(self, job: Job, previous: Installed | None) -> Installed:
        current = self.read()
        updated, added = with_block(current, block(job))
        if previous is not None and previous.backend == self.name and not added:
            added = previous.added_newline  # still ours to take back at `remind off`
        check(self._crontab("-", input=updated))
        return Installed(self.name, (), added_newline=added)

    def remove(self, installed: Installed) -> list[str]:
        current = self.read()
        updated, found = without_block(current, added_newline=installed.added_newline)
        if not found:
            return ["stretchcoach's lines were no longer in your crontab"]
        check(self._crontab("-", input=updated))
        return []

    def missing(self, installed: Installed) -> list[str]:
        try:
            found = has_block(self.read())
        except StretchcoachError as exc:
            return [str(exc)]
        return [] if found else [f"stretchcoach's lines are no longer in your crontab; {PUT_BACK}"]
