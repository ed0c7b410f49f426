"""Showing a reminder: a desktop notification, or a terminal line and bell as the last resort.

notify-send on Linux (and the other Unixes), osascript on macOS. The texts are
passed as arguments, never as part of a script or a shell line. A job started
by cron has no ``DBUS_SESSION_BUS_ADDRESS``; notify-send is then pointed at the
user's session bus in the runtime directory, if there is one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from stretchcoach.errors import StretchcoachError
from stretchcoach.remind.edges import Edges
from stretchcoach.remind.run import shown

APP_NAME = "stretchcoach"
BUS_ENV = "DBUS_SESSION_BUS_ADDRESS"
# AppleScript that shows its two arguments, title first: the texts are never parsed as script.
OSASCRIPT = ("on run argv", "display notification (item 2 of argv) with title (item 1 of argv)", "end run")


def notification_command(title: str, body: str, *, urgent: bool, edges: Edges) -> list[str] | None:
    """The command that shows a desktop notification here, or None if there is none."""
    if edges.platform == "darwin":
        osascript = edges.find("osascript")
        if osascript is None:
            return None
        script = [arg for line in OSASCRIPT for arg in ("-e", line)]
        return [osascript, *script, title, body]
    notify_send = edges.find("notify-send")
    if notify_send is None:
        return None
    urgency = "critical" if urgent else "normal"
    return [notify_send, f"--app-name={APP_NAME}", f"--urgency={urgency}", "--", title, body]


def session_bus_env(edges: Edges) -> dict[str, str] | None:
    """The environment for notify-send when ours lacks the session bus (under cron); else None."""
    if edges.env.get(BUS_ENV):
        return None
    runtime = edges.env.get("XDG_RUNTIME_DIR") or f"/run/user/{edges.uid}"
    bus = Path(runtime) / "bus"
    if not bus.exists():
        return None
    return {**edges.env, BUS_ENV: f"unix:path={bus}"}


def post(title: str, body: str, *, urgent: bool, edges: Edges, ring: Callable[[str], None]) -> str:
    """Show the notification; return how it was shown (for ``remind status``).

    ``ring`` is the last resort: it writes one line to the terminal with the bell.
    """
    command = notification_command(title, body, urgent=urgent, edges=edges)
    problem = "no notify-send" if edges.platform != "darwin" else "no osascript"
    if command is not None:
        env = session_bus_env(edges) if edges.platform != "darwin" else None
        try:
            result = edges.runner(command, env=env)
        except StretchcoachError as exc:
            problem = str(exc)
        else:
            if result.ok:
                return os.path.basename(command[0])
            problem = f"`{shown(command[:1])}` failed: {result.said() or f'exit code {result.returncode}'}"
    ring(f"{title}: {body}")
    return f"terminal ({problem})"
