"""Speaking cues aloud through the system's speech command, so that no text is ever an option.

What is said is handed over on standard input where the program reads it there,
else as the argument after ``--``: no cue is ever read as one of the program's
options (``-f FILE`` would read any file of yours aloud).

espeak-ng and espeak can also write their speech to a sound file instead of
playing it (:meth:`SpeechCommand.writing`): the routine then plays it through the
same player as its sounds, so a voice that cannot be heard is noticed (espeak-ng
with no audio device exits 0 and says nothing).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stretchcoach.core.safety import SPOKEN_STOP
from stretchcoach.core.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.core.words import LAST_SECONDS_WORDS, SPOKEN_COMPLETE, spoken

SPEECH_COMMANDS = ("espeak-ng", "espeak", "spd-say", "say")
SPOKEN_MAX = 2000  # characters of one cue read aloud: minutes of speech, and well within one argument


@dataclass(frozen=True)
class SpeechCommand:
    """How to run one speech program so that no text can be taken for one of its options."""

    argv: tuple[str, ...]  # the program and its own options
    stdin: bool  # the text goes on standard input; else as the one argument after "--"
    percent: bool = False  # "%" must be doubled: spd-say reads its text as a printf format
    writes_file: bool = False  # it can write its speech to a WAV file (``-w FILE``) instead of playing it

    @property
    def name(self) -> str:
        return Path(self.argv[0]).name

    def invocation(self, text: str) -> tuple[list[str], bytes | None]:
        """The argument list and what goes on standard input (None: nothing) to say ``text``."""
        text = text.replace("\0", " ")[:SPOKEN_MAX]
        if self.stdin:
            return list(self.argv), text.encode("utf-8", "replace")
        return [*self.argv, "--", text.replace("%", "%%") if self.percent else text], None

    def writing(self, text: str, path: Path) -> tuple[list[str], bytes | None]:
        """Like :meth:`invocation`, but to write the speech to ``path`` (absolute: never an option)."""
        assert self.writes_file and self.stdin and path.is_absolute()
        argv, data = self.invocation(text)
        return [*argv, "-w", str(path)], data


def speech_command(name: str, path: str, *, platform: str = sys.platform) -> SpeechCommand:
    """How each supported program takes its text, from its documentation and source.

    espeak-ng and espeak read it with ``--stdin``. spd-say cannot (its pipe mode runs
    lines starting "!-!" as commands to the speech server) but uses getopt, which
    ends options at ``--``. macOS ``say`` reads standard input when given no text;
    the GNUstep ``say`` found on Linux does not, and it uses getopt.
    """
    if name in ("espeak-ng", "espeak"):
        return SpeechCommand((path, "--stdin"), stdin=True, writes_file=True)
    if name == "spd-say":  # -w: it lives as long as it speaks, so its words are timed like the others'
        return SpeechCommand((path, "-w"), stdin=False, percent=True)
    return SpeechCommand((path,), stdin=platform == "darwin")


def find_speech_command(
    which: Callable[[str], str | None] = shutil.which, *, platform: str = sys.platform
) -> SpeechCommand | None:
    """The first speech command on PATH."""
    for name in SPEECH_COMMANDS:
        path = which(name)
        if path:
            return speech_command(name, path, platform=platform)
    return None


def spoken_text(event: Event, session: RoutineSession) -> str | None:
    """What the voice says for an event, or None to stay quiet."""
    step = event.step
    if event.kind is EventKind.STEP and step is not None:
        return spoken(step)
    if event.kind is EventKind.LAST_SECONDS:
        return LAST_SECONDS_WORDS
    if event.kind is EventKind.PAUSED:
        return "Paused"
    if event.kind is EventKind.RESUMED:
        return "Resuming"
    if event.kind is EventKind.FINISHED:
        if session.outcome is Outcome.COMPLETED:  # no praise yet: the pain check-in may still say it got worse
            return SPOKEN_COMPLETE
        if session.outcome is Outcome.HURT:
            return SPOKEN_STOP
        return "Routine stopped."
    return None
