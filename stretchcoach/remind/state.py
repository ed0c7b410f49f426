"""The reminders' settings and state: one small JSON file in the data directory, written atomically.

It holds the schedule, what was installed where (so ``remind off`` removes
exactly that), the routine to suggest (with its name and length, so ``remind
due`` need not read the catalog at every shell prompt), the quiet minutes, the
sound setting, a snooze, the day of the last see-a-doctor notice and what the
last reminder did.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from stretchcoach.errors import ExitCode, StretchcoachError, os_problem
from stretchcoach.remind.backends import Installed, os_exit_code
from stretchcoach.remind.decide import DEFAULT_QUIET_MINUTES, DEFAULT_ROUTINE, RoutineSummary
from stretchcoach.remind.schedule import Schedule

FILE_NAME = "remind.json"
VERSION = 1


@dataclass(frozen=True)
class RemindState:
    schedule: Schedule
    installed: Installed
    routine_id: str = DEFAULT_ROUTINE
    routine: RoutineSummary | None = None  # as the catalog said at `remind on`
    quiet_minutes: int = DEFAULT_QUIET_MINUTES
    sound: bool = False
    snoozed_until: datetime | None = None  # aware
    doctor_notice_on: date | None = None  # a local date
    last_notice: tuple[datetime, str] | None = None  # (when, what happened), for `remind status`

    def but(self, **changes: Any) -> RemindState:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        routine: dict[str, Any] = {"id": self.routine_id}
        if self.routine is not None:
            routine |= {"name": self.routine.name, "seconds": self.routine.seconds}
        return {
            "version": VERSION,
            "schedule": self.schedule.to_json(),
            "installed": self.installed.to_json(),
            "routine": routine,
            "quiet_minutes": self.quiet_minutes,
            "sound": self.sound,
            "snoozed_until": self.snoozed_until.isoformat() if self.snoozed_until else None,
            "doctor_notice_on": self.doctor_notice_on.isoformat() if self.doctor_notice_on else None,
            "last_notice": (
                {"at": self.last_notice[0].isoformat(), "what": self.last_notice[1]} if self.last_notice else None
            ),
        }

    @classmethod
    def from_json(cls, data: Any) -> RemindState:
        """ValueError, KeyError or TypeError if ``data`` is not what :meth:`to_json` writes."""
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r}, not {VERSION}")
        routine = data.get("routine") or {}
        routine_id = str(routine.get("id", DEFAULT_ROUTINE))
        summary = None
        if isinstance(routine.get("name"), str) and isinstance(routine.get("seconds"), int):
            summary = RoutineSummary(routine_id, routine["name"], routine["seconds"])
        last = data.get("last_notice")
        quiet = data.get("quiet_minutes", DEFAULT_QUIET_MINUTES)
        if not isinstance(quiet, int) or quiet < 0:
            raise ValueError("quiet_minutes is not a whole number")
        return cls(
            schedule=Schedule.from_json(data["schedule"]),
            installed=Installed.from_json(data["installed"]),
            routine_id=routine_id,
            routine=summary,
            quiet_minutes=quiet,
            sound=bool(data.get("sound", False)),
            snoozed_until=_aware(data.get("snoozed_until")),
            doctor_notice_on=date.fromisoformat(data["doctor_notice_on"]) if data.get("doctor_notice_on") else None,
            last_notice=(_moment(last["at"]), str(last["what"])) if last else None,
        )


def _aware(text: str | None) -> datetime | None:
    return None if text is None else _moment(text)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


def state_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


class DamagedState(StretchcoachError):
    """The state file is there but cannot be read back."""


def load(path: Path) -> RemindState | None:
    """The saved state, or None when reminders were never turned on (or were turned off)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        why = os_problem(exc) if isinstance(exc, OSError) else "not text"
        raise DamagedState(f"cannot read {path}: {why}", exit_code=ExitCode.USAGE) from None
    try:
        return RemindState.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError, StretchcoachError) as exc:
        raise DamagedState(
            f"{path} is not reminder settings stretchcoach can read ({exc}); "
            "`stretchcoach remind off` removes what it finds of stretchcoach's reminders, and this file"
        ) from None


def save(path: Path, state: RemindState) -> None:
    """Write the whole file under a temporary name, then rename it: never half a file."""
    data = (json.dumps(state.to_json(), indent=2) + "\n").encode()
    temp: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
        temp = None
    except FileExistsError:  # from mkdir: a file where a directory should be
        raise StretchcoachError(f"cannot save {path}: {path.parent} is not a directory") from None
    except OSError as exc:
        raise StretchcoachError(f"cannot save {path}: {os_problem(exc)}", exit_code=os_exit_code(exc)) from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise StretchcoachError(f"cannot remove {path}: {os_problem(exc)}", exit_code=ExitCode.RUNTIME) from None
