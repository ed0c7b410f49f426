"""A stand-in for systemctl, launchctl, crontab, notify-send, osascript and a sound player.

Run as ``python fake_tool.py NAME ARGS...`` by the wrappers the remind tests put on
PATH (nothing else is on PATH then). Every call appends one JSON line to
``FAKE_LOG``: {"name", "argv", "stdin", "bus", "home", "units"} — ``units`` lists
the files in ``FAKE_UNIT_DIR`` at the time of the call, so tests can tell what
was in place when systemctl ran.

``FAKE_FAIL`` and ``FAKE_HANG`` hold comma-separated patterns, ``NAME`` or
``NAME:WORD``: a call of NAME (with WORD among its arguments) fails with exit
code 1 and a line on stderr, or sleeps for a minute. Besides recording, the fakes
keep just enough state to be believable:

- crontab: ``-l`` prints ``FAKE_CRONTAB`` (or "no crontab for tester", exit 1),
  ``-`` stores its input there, ``-r`` removes it;
- systemctl: ``enable`` makes the ``timers.target.wants`` link as the real one does
  (even when told to fail: the real one fails after linking, when starting the
  timer), ``disable`` removes it, ``is-active`` says whether it is there;
- launchctl: ``bootstrap``/``bootout``/``print`` keep the loaded labels in
  ``FAKE_LAUNCHD``, with launchctl's exit codes for what is not loaded.
"""

from __future__ import annotations

import json
import os
import plistlib
import sys
import time


def matches(variable: str, name: str, args: list[str]) -> bool:
    for pattern in filter(None, os.environ.get(variable, "").split(",")):
        tool, _, word = pattern.partition(":")
        if tool == name and (not word or word in args):
            return True
    return False


def units() -> list[str]:
    directory = os.environ.get("FAKE_UNIT_DIR", "")
    found = []
    for root, _dirs, files in os.walk(directory):
        found += [os.path.relpath(os.path.join(root, f), directory) for f in files]
    return sorted(found)


def crontab(args: list[str], stdin: bytes) -> int:
    path = os.environ["FAKE_CRONTAB"]
    if args == ["-l"]:
        if not os.path.exists(path):
            sys.stderr.write("no crontab for tester\n")
            return 1
        with open(path, "rb") as table:
            sys.stdout.buffer.write(table.read())
        return 0
    if args == ["-"]:
        with open(path, "wb") as table:
            table.write(stdin)
        return 0
    if args == ["-r"] and os.path.exists(path):
        os.unlink(path)
        return 0
    sys.stderr.write(f"crontab: unexpected arguments {args}\n")
    return 2


def systemctl(args: list[str], failing: bool) -> int:
    unit_dir = os.environ.get("FAKE_UNIT_DIR", "")
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return 0
    command, units_named = words[0], words[1:]
    for unit in units_named:
        link = os.path.join(unit_dir, "timers.target.wants", unit)
        if command == "enable":
            if not os.path.exists(os.path.join(unit_dir, unit)):
                sys.stderr.write(f"Failed to enable unit: Unit file {unit} does not exist.\n")
                return 1
            os.makedirs(os.path.dirname(link), exist_ok=True)
            if not os.path.lexists(link):
                os.symlink(os.path.join(unit_dir, unit), link)
        elif command == "disable" and os.path.lexists(link):
            os.unlink(link)
        elif command == "is-active":
            active = os.path.lexists(link)
            sys.stdout.write("active\n" if active else "inactive\n")
            return 0 if active else 3
    if failing:
        return 1
    if command == "show-environment":
        sys.stdout.write("LANG=C.UTF-8\n")
    return 0


def launchctl(args: list[str]) -> int:
    path = os.environ["FAKE_LAUNCHD"]
    loaded: set[str] = set()
    if os.path.exists(path):
        with open(path) as state:
            loaded = set(json.load(state))
    command = args[0] if args else ""
    if command == "bootstrap":
        with open(args[2], "rb") as agent:
            label = plistlib.load(agent)["Label"]
        if label in loaded:
            sys.stderr.write("Bootstrap failed: 5: Input/output error\n")
            return 5
        loaded.add(label)
    elif command in ("bootout", "print"):
        label = args[1].rsplit("/", 1)[-1]
        if label not in loaded:
            sys.stderr.write("Boot-out failed: 3: No such process\n" if command == "bootout" else "not found\n")
            return 3 if command == "bootout" else 113
        if command == "bootout":
            loaded.discard(label)
    with open(path, "w") as state:
        json.dump(sorted(loaded), state)
    return 0


def main() -> int:
    name, args = sys.argv[1], sys.argv[2:]
    stdin = b"" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()
    entry = {
        "name": name,
        "argv": args,
        "stdin": stdin.decode("utf-8", "replace"),
        "bus": os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
        "units": units(),
    }
    with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
    if matches("FAKE_HANG", name, args):
        time.sleep(60)
        return 0
    failing = matches("FAKE_FAIL", name, args)
    if failing and name != "systemctl":
        sys.stderr.write(f"{name}: simulated failure\n")
        return 1
    if name == "crontab":
        return crontab(args, stdin)
    if name == "systemctl":
        code = systemctl(args, failing)
        if code and failing:
            sys.stderr.write("Job for stretchcoach-remind.timer failed (simulated).\n")
        return code
    if name == "launchctl":
        return launchctl(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
