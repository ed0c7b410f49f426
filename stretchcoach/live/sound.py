"""The routine's sounds: which to use, where they come from, and what plays them.

The sounds ship in the package (``stretchcoach/sounds/*.wav``, made by
``scripts/make_sounds.py`` from code). They are played through the first system
player found, never waited for (``speaker``); the volume is applied to the
samples themselves, so it works the same with every player. Without a player, or
over SSH (where the computer's speakers are not where the person is), the
terminal bell stands in.
"""

from __future__ import annotations

import array
import os
import shutil
import sys
import tempfile
import wave
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

SOUNDS_DIR = Path(__file__).resolve().parent.parent / "sounds"


class Sound(StrEnum):
    """Every sound, named for what it means; the file is ``<value>.wav``."""

    START = "start"  # a hold or a round begins
    SWITCH = "switch"  # change sides
    NEXT = "next"  # on to the next stretch
    INHALE = "inhale"
    EXHALE = "exhale"
    TICK = "tick"  # each of a hold's last three seconds
    DONE = "done"  # the routine is over
    WARNING = "warning"  # stopped: this hurts
    UPCOMING = "upcoming"  # a reminder (stretchcoach remind --sound): time for a routine

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    Sound.START: "a hold or a round begins",
    Sound.SWITCH: "switch sides",
    Sound.NEXT: "on to the next stretch",
    Sound.INHALE: "breathe in",
    Sound.EXHALE: "breathe out",
    Sound.TICK: "the last three seconds of a hold, one a second",
    Sound.DONE: "the routine is done",
    Sound.WARNING: "stopped: this hurts",
    Sound.UPCOMING: "a reminder: time for a routine (stretchcoach remind --sound)",
}


class SoundMode(StrEnum):
    """What ``--sound`` asks for."""

    AUTO = "auto"  # a player's chimes if there is one and we are not over SSH, else the bell
    CHIME = "chime"  # the chimes, whatever the connection (the bell if no player is found)
    BELL = "bell"  # the terminal bell only
    OFF = "off"


# Players, in the order they are looked for, with how each plays one file quietly.
PLAYERS: dict[str, tuple[str, ...]] = {
    "pw-play": (),
    "paplay": (),
    "aplay": ("-q",),
    "afplay": (),
    "ffplay": ("-nodisp", "-autoexit", "-loglevel", "quiet"),
    "gst-play-1.0": ("--no-interactive", "-q"),
}


@dataclass(frozen=True)
class Player:
    """A system program that plays a sound file."""

    argv: tuple[str, ...]  # the program and its options; the file goes last

    @property
    def name(self) -> str:
        return Path(self.argv[0]).name

    def command(self, path: Path) -> list[str]:
        return [*self.argv, str(path)]  # an absolute path: never taken for an option


def find_player(which: Callable[[str], str | None] = shutil.which) -> Player | None:
    for name, options in PLAYERS.items():
        path = which(name)
        if path:
            return Player((path, *options))
    return None


def over_ssh(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


def audio_output(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    exists: Callable[[str], bool] = os.path.exists,
    listdir: Callable[[str], list[str]] = os.listdir,
) -> bool:
    """Whether this computer has somewhere to play sound: False only when it surely has not.

    On Linux: a sound card that plays (``/dev/snd/pcmC*D*p``), OSS's ``/dev/dsp``, or
    a PipeWire or PulseAudio server (its socket, or PULSE_SERVER / PIPEWIRE_REMOTE).
    Elsewhere it cannot be told: True. A speech command that plays by itself gives no
    sign when nothing can be heard (espeak-ng exits 0), so this is asked for it.
    """
    if not platform.startswith("linux"):
        return True
    env = os.environ if environ is None else environ
    if env.get("PULSE_SERVER") or env.get("PIPEWIRE_REMOTE"):
        return True
    try:
        cards = listdir("/dev/snd")
    except OSError:
        cards = []
    if any(name.startswith("pcmC") and name.endswith("p") for name in cards) or exists("/dev/dsp"):
        return True
    runtime_dir = env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return any(exists(f"{runtime_dir}/{socket}") for socket in ("pulse/native", "pipewire-0"))


@dataclass(frozen=True)
class Choice:
    """How sounds will be made: by ``player`` (chimes), by the bell (``bell``), or not at all."""

    player: Player | None
    bell: bool
    note: str | None = None  # said once before the routine, when the choice is not what was asked


def choose(mode: SoundMode, *, player: Player | None, ssh: bool, terminal: bool = True, voice: bool = False) -> Choice:
    """Chimes, the bell, or silence, for ``mode`` on this machine.

    ``terminal``: there is a terminal to ring the bell on; ``voice``: the voice is on
    (over SSH it still speaks on this computer, which the note says).
    """
    if mode is SoundMode.OFF:
        return Choice(None, bell=False)
    if mode is SoundMode.BELL:
        return Choice(None, bell=True)
    instead = "using the terminal bell" if terminal else "no sounds (and no terminal to ring the bell on)"
    if mode is SoundMode.AUTO and ssh:
        also = ", and the voice still speaks here" if voice else ""
        where = "over SSH, this computer's speakers are not where you are"
        anyway = "--sound chime plays the sounds here anyway"
        return Choice(None, bell=True, note=f"Sound: {where}; {instead} ({anyway}){also}.")
    if player is None:
        names = ", ".join(PLAYERS)
        return Choice(None, bell=True, note=f"Sound: no sound player found ({names}); {instead}.")
    return Choice(player, bell=False)


class SoundFiles:
    """The sound files at a volume: the shipped ones at 100, scaled copies in a private
    temporary directory otherwise; the same directory holds speech written to files
    (:meth:`scratch`). :meth:`close` removes it."""

    def __init__(self, volume: int = 100, *, source: Path = SOUNDS_DIR) -> None:
        if not 0 <= volume <= 100:
            raise ValueError("volume is 0 to 100")
        self.volume = volume
        self.source = source
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._lengths: dict[Sound, float] = {}

    def path(self, sound: Sound) -> Path:
        original = self.source / f"{sound.value}.wav"
        if self.volume == 100:
            return original
        scaled = self._directory() / original.name
        if not scaled.exists():
            _write_scaled(original, scaled, self.volume / 100)
        return scaled

    def prepare(self) -> None:
        """Make every file now, before a routine: scaling one takes a few milliseconds of the timer's."""
        for sound in Sound:
            self.path(sound)
            self.seconds(sound)

    def seconds(self, sound: Sound) -> float:
        """How long ``sound`` plays."""
        if sound not in self._lengths:
            self._lengths[sound] = wav_seconds(self.source / f"{sound.value}.wav") or 0.0
        return self._lengths[sound]

    def scratch(self, name: str) -> Path:
        """A path in the private directory, for a file of speech."""
        return self._directory() / name

    def _directory(self) -> Path:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="stretchcoach-sounds-")
        return Path(self._dir.name)

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


def wav_seconds(path: Path) -> float | None:
    """How long the WAV file at ``path`` plays; None if it is not one that can be read.

    A file written while it was spoken may say it is longer than it is (espeak-ng
    writing to a pipe leaves the size at its largest): the size of the file counts.
    """
    try:
        with wave.open(str(path), "rb") as reader:
            params = reader.getparams()
        size = path.stat().st_size
    except (OSError, EOFError, wave.Error):
        return None
    frame = params.sampwidth * params.nchannels
    if not params.framerate or not frame:
        return None
    frames = min(params.nframes, max(0, size - 44) // frame)
    return frames / params.framerate


def _write_scaled(source: Path, target: Path, factor: float) -> None:
    with wave.open(str(source), "rb") as reader:
        params = reader.getparams()
        samples = array.array("h", reader.readframes(params.nframes))
    if sys.byteorder == "big":  # WAV samples are little-endian
        samples.byteswap()
    samples = array.array("h", (round(s * factor) for s in samples))
    if sys.byteorder == "big":
        samples.byteswap()
    with wave.open(str(target), "wb") as writer:
        writer.setparams(params)
        writer.writeframes(samples.tobytes())
