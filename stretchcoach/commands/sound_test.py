"""The sound test: play each sound and say what it means, so a person can check their set-up
before lying down.

It builds the same cues a routine would (``live.cues.routine_cues``: the same
player, the same bell, the same notes), plays each sound in turn and waits for it
to end, then, with ``voice``, has the voice say a sentence. A player or speech
command that fails is said in the same one line a routine would say it in, and
the test goes on as the routine would: with the bell, or without the voice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from typing import IO, Any

from stretchcoach.errors import ExitCode
from stretchcoach.live.bells import BELLS
from stretchcoach.live.cues import Cues, routine_cues
from stretchcoach.live.sound import Sound, SoundMode
from stretchcoach.views.output import Output

GAP = 0.6  # seconds of quiet between two sounds, so each is heard on its own
LONGEST_WAIT = 20.0  # a sound or a sentence is over by then, whatever the player does
VOICE_TEST = "This is the voice of stretchcoach. If you can hear it, the voice works."


def sound_test(
    *,
    sound: str,
    volume: int,
    voice: bool,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    bell_out: IO[str] | None,
    output: Output,
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    spawn: Callable[..., Any] = subprocess.Popen,
    signal_group: Callable[[int, int], None] = os.killpg,
) -> ExitCode:
    """Play every sound as ``sound`` (a SoundMode value) chooses, naming each, then the voice
    if ``voice``. Exit 1 if a player or the voice failed while playing, or what was asked
    for cannot be heard at all (no player and no terminal bell; no speech command); else 0.
    A note before, such as the one over SSH, is not a failure."""
    mode = SoundMode(sound)
    notes: list[str] = []
    cues, said = routine_cues(
        sound=mode,
        volume=volume,
        voice=voice,
        hook=None,
        bell_out=bell_out,
        notes=notes,
        environ=environ,
        which=which,
        spawn=spawn,
        signal_group=signal_group,
    )
    test = _Test(cues, notes, output, clock, sleep)
    unheard = (mode is not SoundMode.OFF and cues.chimes is None and cues.bell_out is None) or (
        voice and cues.speech is None
    )
    try:
        for line in said:
            output.print(line)
        output.print(_heading(cues, mode))
        for each in Sound:
            if cues.chimes is None and cues.bell_out is None:
                break  # nothing to hear them by (or no longer: the player failed, and there is no bell)
            test.play(each)
        if cues.speech is not None:
            output.print(f"{'voice':<9} {VOICE_TEST}")
            test.play(None, VOICE_TEST)
        if test.failed or unheard:
            output.print("Not everything could be played; see above.")
            return ExitCode.RUNTIME
        output.print("Done. Missed one? Turn the volume up (--volume, or the computer's own) and try again.")
        return ExitCode.OK
    finally:
        cues.close(clock, sleep)


def _heading(cues: Cues, mode: SoundMode) -> str:
    if cues.chimes is not None:
        return f"Sound test: each sound through {cues.chimes.name}, and what it means."
    if cues.bell_out is not None:
        return "Sound test: the terminal bell rings for three of the sounds; the others make none."
    if mode is SoundMode.OFF:
        return "Sound test: sounds are off (--sound off)."
    return "Sound test: there is no player and no terminal bell here."


class _Test:
    def __init__(
        self,
        cues: Cues,
        notes: list[str],
        output: Output,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self.cues, self.notes, self.output = cues, notes, output
        self.clock, self.sleep = clock, sleep
        self.failed = False

    def play(self, sound: Sound | None, words: str | None = None) -> None:
        """Name ``sound``, play it (or say ``words``), and wait until it is over."""
        if sound is not None:
            self.output.print(f"{sound.value:<9} {sound.meaning}{self._bells(sound)}")
        self.cues.play(sound, words, self.clock())
        give_up = self.clock() + LONGEST_WAIT
        while self.cues.busy and self.clock() < give_up:
            self.sleep(max(0.01, min(0.05, self.cues.next_due(self.clock()))))
            self.cues.ring(self.clock())
        for note in self.notes:  # a player or voice that failed: said once, as in a routine
            self.output.print(note)
        self.failed = self.failed or bool(self.notes)
        self.notes.clear()
        if sound is not None:
            self.sleep(GAP)

    def _bells(self, sound: Sound) -> str:
        if self.cues.chimes is not None:
            return ""
        bells = BELLS.get(sound, 0)
        return f": {bells} bell{'s' if bells > 1 else ''}" if bells else ": no bell"
