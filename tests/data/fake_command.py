"""A stand-in for a speech command, a sound player or an --on-step hook, for tests.

Run as ``python fake_command.py NAME ARGS...`` (the wrappers tests put on PATH
pass their own name first). Environment:

FAKE_COMMAND_LOG
    append one JSON line: {"name", "argv", "stdin", "pid", "time"} (argv without NAME's
    directory; time from time.monotonic(), which is the same clock in every process).
-w FILE
    as espeak-ng or espeak: write a WAV of a tenth of a second of silence to FILE.
FAKE_COMMAND_NOISE
    then write this many bytes to standard output and to standard error.
FAKE_COMMAND_SLEEP
    then sleep this many seconds.
FAKE_COMMAND_EXIT
    then exit with this status.
FAKE_COMMAND_HANG
    instead of reading its input, record "NAME PID" lines in FAKE_COMMAND_PIDS and hang
    for a minute: "sleep" just sleeps; "stubborn" also ignores SIGTERM and starts a child,
    NAME-child, that does the same (a process of its group its own death would not end).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import wave


def record_pid(name: str, pid: int) -> None:
    with open(os.environ["FAKE_COMMAND_PIDS"], "a", encoding="utf-8") as pids:
        pids.write(f"{name} {pid}\n")


def hang(name: str, how: str) -> None:
    if how == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if sys.argv[2:3] != ["--child"]:
            child = subprocess.Popen([sys.executable, __file__, f"{name}-child", "--child"], stdin=subprocess.DEVNULL)
            record_pid(f"{name}-child", child.pid)
    record_pid(name, os.getpid())
    time.sleep(60)


def main() -> None:
    how = os.environ.get("FAKE_COMMAND_HANG")
    if how:
        hang(os.path.basename(sys.argv[1]), how)
        return
    data = sys.stdin.buffer.read() if not sys.stdin.isatty() else b""
    entry = {
        "name": os.path.basename(sys.argv[1]),
        "argv": [os.path.basename(sys.argv[1]), *sys.argv[2:]],
        "stdin": data.decode("utf-8", "replace"),
        "pid": os.getpid(),
        "time": time.monotonic(),
    }
    with open(os.environ["FAKE_COMMAND_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
    if os.path.basename(sys.argv[1]).startswith("espeak") and "-w" in sys.argv[2:-1]:  # spd-say's -w: wait
        with wave.open(sys.argv[sys.argv.index("-w") + 1], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(22050)
            out.writeframes(b"\0\0" * 2205)
    noise = int(os.environ.get("FAKE_COMMAND_NOISE", "0"))
    for stream in (sys.stdout.buffer, sys.stderr.buffer):
        for _ in range(noise // 65536):
            stream.write(b"x" * 65536)
        stream.flush()
    time.sleep(float(os.environ.get("FAKE_COMMAND_SLEEP", "0")))
    sys.exit(int(os.environ.get("FAKE_COMMAND_EXIT", "0")))


if __name__ == "__main__":
    main()
