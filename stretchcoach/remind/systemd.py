"""Reminders as a systemd user timer and service, in the user's own unit directory.

The timer has one ``OnCalendar=`` line per minute of the hour the times fall on
and ``Persistent=true``, so a reminder missed while the computer was off or
asleep comes when it is back (if still recent: see :data:`.decide.CATCH_UP`).
Both files carry :data:`MARKER`; a file of that name without it is not ours and
is never replaced or removed.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.remind.backends import (
    PUT_BACK,
    FileSet,
    Installed,
    Job,
    kept_dirs,
    ours_and_notes,
    remove_dirs,
    remove_files,
)
from stretchcoach.remind.edges import Edges
from stretchcoach.remind.run import CommandTimeout, Completed, check
from stretchcoach.remind.schedule import EVERY_DAY

UNIT = "stretchcoach-remind"
TIMER = f"{UNIT}.timer"
SERVICE = f"{UNIT}.service"
MARKER = "# Written by `stretchcoach remind on`; `stretchcoach remind off` removes it."
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NEEDS_QUOTES = re.compile(r"[\s\"'\\;]")


def _checked(word: str) -> str:
    if not word.isprintable():  # a newline would end the line and start a directive of its own
        raise StretchcoachError(f"cannot write {word!r} into a systemd unit: it holds a control character")
    return word


def exec_word(word: str) -> str:
    """One word of ``ExecStart=``: ``%`` and ``$`` doubled (no specifiers, no variables), and quoted
    where it holds a space, a quote, a backslash or a semicolon."""
    text = _checked(word).replace("%", "%%").replace("$", "$$")
    if not text or _NEEDS_QUOTES.search(text):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def environment_line(name: str, value: str) -> str:
    assignment = _checked(f"{name}={value}").replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')
    return f'Environment="{assignment}"'


def calendar_days(days: frozenset[int]) -> str:
    """The weekday part of ``OnCalendar=``, with its space: ``Mon..Fri ``; nothing for every day."""
    if days == EVERY_DAY:
        return ""
    parts: list[str] = []
    run: list[int] = []
    for day in [*sorted(days), -1]:
        if run and day == run[-1] + 1:
            run.append(day)
            continue
        if len(run) >= 3:
            parts.append(f"{_DAYS[run[0]]}..{_DAYS[run[-1]]}")
        else:
            parts.extend(_DAYS[d] for d in run)
        run = [day]
    return ",".join(parts) + " "


def timer_text(job: Job) -> str:
    days = calendar_days(job.schedule.days)
    calendar = [
        f"OnCalendar={days}*-*-* {','.join(f'{h:02d}' for h in hours)}:{minute:02d}:00"
        for minute, hours in job.schedule.by_minute()
    ]
    return "\n".join(
        [
            MARKER,
            f"# When: {job.schedule.describe()}.",
            "[Unit]",
            "Description=stretchcoach: reminders to stretch",
            "",
            "[Timer]",
            *calendar,
            "Persistent=true",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )


def service_text(job: Job) -> str:
    return "\n".join(
        [
            MARKER,
            "[Unit]",
            f"Description=stretchcoach: a reminder to stretch (started by {TIMER})",
            "",
            "[Service]",
            "Type=oneshot",
            *(environment_line(name, value) for name, value in job.env),
            "ExecStart=" + " ".join(exec_word(word) for word in job.argv),
            "",
        ]
    )


def is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as unit:
            return unit.readline().rstrip(b"\r\n") == MARKER.encode()
    except OSError:
        return False


class Systemd:
    name = "systemd"
    description = "a systemd user timer"

    def __init__(self, edges: Edges) -> None:
        self.edges = edges
        self.unit_dir = edges.systemd_unit_dir
        self.timer = self.unit_dir / TIMER
        self.service = self.unit_dir / SERVICE
        self.wants_link = self.unit_dir / "timers.target.wants" / TIMER

    def _systemctl(self, *args: str) -> Completed:
        systemctl = self.edges.find("systemctl")
        if systemctl is None:
            raise StretchcoachError("systemctl is not installed (not found on PATH)", exit_code=ExitCode.RUNTIME)
        return self.edges.runner([systemctl, "--user", *args])

    def install(self, job: Job, previous: Installed | None) -> Installed:
        if self.edges.find("systemctl") is None:  # say so before anything is written
            raise StretchcoachError("systemctl is not installed (not found on PATH)", exit_code=ExitCode.RUNTIME)
        for path in (self.timer, self.service):
            if os.path.lexists(path) and not is_ours(path):
                raise StretchcoachError(
                    f"{path} exists and was not written by stretchcoach; move it away to install reminders. "
                    "Nothing was changed."
                )
        replacing = self.timer.exists()
        wants_dir_existed = self.wants_link.parent.is_dir()
        files = FileSet()
        enabling = False
        try:
            files.make_dir(self.unit_dir)
            staged = [(files.stage(self.service, service_text(job).encode()), self.service)]
            staged.append((files.stage(self.timer, timer_text(job).encode()), self.timer))
            for temp, path in staged:
                files.place(temp, path)
            check(self._systemctl("daemon-reload"))
            enabling = not replacing
            check(self._systemctl("enable", "--now", TIMER))
            if replacing:  # a running timer keeps its old times until restarted
                check(self._systemctl("restart", TIMER))
        except BaseException as exc:
            answers = not isinstance(exc, CommandTimeout)  # a systemctl that hangs would only hang again
            if enabling and answers:
                with contextlib.suppress(StretchcoachError):
                    self._systemctl("disable", "--now", TIMER)
            if enabling:
                self._drop_wants_link(remove_dir=not wants_dir_existed)
            seen = files.placed
            files.undo()
            if seen and answers:  # systemd may have loaded the units: make it forget them (or see the old ones)
                with contextlib.suppress(StretchcoachError):
                    self._systemctl("daemon-reload")
            raise
        made = files.made_dirs
        if not wants_dir_existed and self.wants_link.parent.is_dir():  # made by `enable`, for our link
            made.append(self.wants_link.parent)
        dirs = kept_dirs(previous if previous and previous.backend == self.name else None, made)
        return Installed(self.name, (str(self.timer), str(self.service)), dirs)

    def _drop_wants_link(self, *, remove_dir: bool) -> None:
        """The link ``enable`` made, if it is still there and points at our timer."""
        link = self.wants_link
        with contextlib.suppress(OSError):
            if link.is_symlink() and Path(os.readlink(link)).name == TIMER:
                link.unlink()
        if remove_dir:
            with contextlib.suppress(OSError):
                link.parent.rmdir()

    def remove(self, installed: Installed) -> list[str]:
        ours, notes = ours_and_notes(installed, is_ours)
        if self.timer in ours:
            check(self._systemctl("disable", "--now", TIMER))
        self._drop_wants_link(remove_dir=False)
        remove_files(ours)
        remove_dirs(installed.dirs)
        if ours:
            reload = self._systemctl("daemon-reload")
            if not reload.ok:
                notes.append(f"`systemctl --user daemon-reload` failed: {reload.said() or reload.returncode}")
        return notes

    def missing(self, installed: Installed) -> list[str]:
        gone = [f"{p} is missing; {PUT_BACK}" for p in installed.files if not os.path.exists(p)]
        if gone or self.edges.find("systemctl") is None:
            return gone
        with contextlib.suppress(StretchcoachError):
            state = self._systemctl("is-active", TIMER).stdout.decode("utf-8", "replace").strip()
            if state and state != "active":
                return [f"{TIMER} is {state} (see `systemctl --user status {TIMER}`)"]
        return []
