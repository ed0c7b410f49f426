"""Reminders as a launchd agent on macOS: a property list in ~/Library/LaunchAgents.

One ``StartCalendarInterval`` entry per time (and per weekday, unless every day):
launchd runs a job whose time passed while the Mac slept as soon as it wakes.
The agent is loaded with ``launchctl bootstrap gui/<uid>`` and unloaded with
``launchctl bootout``. A file of our name whose ``Label`` is not ours is never
replaced or removed.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
from pathlib import Path
from typing import Any

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

LABEL = "stretchcoach.remind"
PLIST = f"{LABEL}.plist"
NOT_LOADED = (3, 113)  # launchctl bootout: "No such process", "Could not find service"


def plist_data(job: Job) -> dict[str, Any]:
    days = job.schedule.days
    weekdays = None if days == EVERY_DAY else sorted((day + 1) % 7 for day in days)  # launchd: 0 is Sunday
    intervals: list[dict[str, int]] = []
    for moment in job.schedule.times:
        if weekdays is None:
            intervals.append({"Hour": moment.hour, "Minute": moment.minute})
        else:
            intervals += [{"Weekday": day, "Hour": moment.hour, "Minute": moment.minute} for day in weekdays]
    data: dict[str, Any] = {"Label": LABEL, "ProgramArguments": list(job.argv)}
    if job.env:
        data["EnvironmentVariables"] = dict(job.env)
    data["StartCalendarInterval"] = intervals
    return data


def plist_bytes(job: Job) -> bytes:
    return plistlib.dumps(plist_data(job), sort_keys=False)


def is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as agent:
            data = plistlib.load(agent)
    except (OSError, ValueError, plistlib.InvalidFileException):
        return False
    return isinstance(data, dict) and data.get("Label") == LABEL


class Launchd:
    name = "launchd"
    description = "a launchd agent"

    def __init__(self, edges: Edges) -> None:
        self.edges = edges
        self.plist = edges.launch_agents_dir / PLIST
        self.domain = f"gui/{edges.uid}"

    def _launchctl(self, *args: str) -> Completed:
        launchctl = self.edges.find("launchctl")
        if launchctl is None:
            raise StretchcoachError("launchctl is not installed (not found on PATH)", exit_code=ExitCode.RUNTIME)
        return self.edges.runner([launchctl, *args])

    def install(self, job: Job, previous: Installed | None) -> Installed:
        if self.edges.find("launchctl") is None:
            raise StretchcoachError("launchctl is not installed (not found on PATH)", exit_code=ExitCode.RUNTIME)
        if os.path.lexists(self.plist) and not is_ours(self.plist):
            raise StretchcoachError(
                f"{self.plist} exists and was not written by stretchcoach; move it away to install reminders. "
                "Nothing was changed."
            )
        replacing = self.plist.exists()
        files = FileSet()
        try:
            files.make_dir(self.plist.parent)
            temp = files.stage(self.plist, plist_bytes(job))
            unloaded = self._launchctl("bootout", f"{self.domain}/{LABEL}")  # the agent loaded now, if any
            if not unloaded.ok and unloaded.returncode not in NOT_LOADED:
                check(unloaded)
            files.place(temp, self.plist)
            check(self._launchctl("bootstrap", self.domain, str(self.plist)))
        except BaseException as exc:
            files.undo()
            if replacing and not isinstance(exc, CommandTimeout):  # the previous agent is back: load it again
                with contextlib.suppress(StretchcoachError):
                    self._launchctl("bootstrap", self.domain, str(self.plist))
            raise
        dirs = kept_dirs(previous if previous and previous.backend == self.name else None, files.made_dirs)
        return Installed(self.name, (str(self.plist),), dirs)

    def remove(self, installed: Installed) -> list[str]:
        ours, notes = ours_and_notes(installed, is_ours)
        if ours:
            unloaded = self._launchctl("bootout", f"{self.domain}/{LABEL}")
            if not unloaded.ok and unloaded.returncode not in NOT_LOADED:
                check(unloaded)
        remove_files(ours)
        remove_dirs(installed.dirs)
        return notes

    def missing(self, installed: Installed) -> list[str]:
        gone = [f"{p} is missing; {PUT_BACK}" for p in installed.files if not os.path.exists(p)]
        if gone or self.edges.find("launchctl") is None:
            return gone
        with contextlib.suppress(StretchcoachError):
            if not self._launchctl("print", f"{self.domain}/{LABEL}").ok:
                return [f"the agent {LABEL} is not loaded (see `launchctl print {self.domain}/{LABEL}`)"]
        return []
