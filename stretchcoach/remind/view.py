"""``remind status`` in plain lines and as JSON, side by side. No Rich: it starts fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stretchcoach.remind.clock import wall_clock
from stretchcoach.remind.schedule import moment_words

if TYPE_CHECKING:
    from stretchcoach.commands.remind import Status


def status_lines(status: Status) -> list[str]:
    state, now = status.state, status.now
    if state is None:
        return ["Reminders: off. Turn them on with `stretchcoach remind on --at 10:00,15:00`."]
    lines = [
        f"Reminders: on, with {status.description}",
        f"When: {state.schedule.describe()}",
        f"Next: {moment_words(status.next_reminder, now) if status.next_reminder else 'none this week'}",
    ]
    if state.snoozed_until is not None and wall_clock(state.snoozed_until) > now:
        lines.append(f"Snoozed until: {moment_words(wall_clock(state.snoozed_until), now)}")
    routine = state.routine.line() if state.routine else f"stretchcoach routine {state.routine_id}"
    if status.pain.stop:
        lines.append(f"The rule: {status.pain.why} Reminders say to see a doctor instead (once a day).")
    else:
        lines.append(f"Suggests: {routine}")
    sound = "on" if state.sound else "off"
    lines.append(f"Quiet within {state.quiet_minutes} min of a completed routine; sound {sound}")
    if state.installed.files:
        lines.append(f"Files: {', '.join(state.installed.files)}")
    else:
        lines.append("Crontab: the lines between stretchcoach's marker comments")
    if state.last_notice is not None:
        at, what = state.last_notice
        lines.append(f"Last run: {moment_words(wall_clock(at), now)}, {what}")
    lines += [f"Problem: {problem}" for problem in status.problems]
    return lines


def status_json(status: Status) -> dict[str, Any]:
    state = status.state
    if state is None:
        return {"on": False}
    data: dict[str, Any] = {"on": True, "backend": state.installed.backend}
    data |= {key: value for key, value in state.to_json().items() if key != "version"}
    data["next"] = status.next_reminder.isoformat(timespec="minutes") if status.next_reminder else None
    data["problems"] = list(status.problems)
    data["rule"] = {"stop": status.pain.stop, "why": status.pain.why or None}
    return data
