"""The routine's sounds: shipped files made from code, a player found on PATH, a volume, and the bell."""

from __future__ import annotations

import array
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from stretchcoach.live.sound import (
    PLAYERS,
    SOUNDS_DIR,
    Player,
    Sound,
    SoundFiles,
    SoundMode,
    audio_output,
    choose,
    find_player,
    over_ssh,
    wav_seconds,
)
from stretchcoach.live.speech import speech_command

REPO = Path(__file__).resolve().parent.parent


def samples(path: Path) -> array.array[int]:
    with wave.open(str(path), "rb") as file:
        assert (file.getnchannels(), file.getsampwidth(), file.getframerate()) == (1, 2, 22_050)
        return array.array("h", file.readframes(file.getnframes()))


def test_the_shipped_sounds_are_what_the_script_makes(tmp_path: Path) -> None:
    made = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_sounds.py"), "--into", str(tmp_path)], check=False
    )
    assert made.returncode == 0
    for sound in Sound:
        shipped, remade = samples(SOUNDS_DIR / f"{sound.value}.wav"), samples(tmp_path / f"{sound.value}.wav")
        assert len(shipped) == len(remade), sound
        assert max(abs(a - b) for a, b in zip(shipped, remade, strict=True)) <= 1, sound  # a last-bit rounding at most


def test_every_sound_is_short_audible_and_different() -> None:
    seen = set()
    for sound in Sound:
        data = samples(SOUNDS_DIR / f"{sound.value}.wav")
        assert 0.02 < len(data) / 22_050 < 1.5, sound
        assert max(abs(s) for s in data) > 4000, sound  # not near-silent (the tick is soft on purpose)
        assert abs(data[0]) < 2000, sound  # a soft start: no click
        assert abs(data[-1]) < 2000, sound
        seen.add(bytes(data))
    assert len(seen) == len(Sound)


def test_players_are_looked_for_in_order() -> None:
    found = {"aplay": "/usr/bin/aplay", "ffplay": "/opt/ffplay", "paplay": "/usr/bin/paplay"}
    assert find_player(found.get) == Player(("/usr/bin/paplay",))
    assert find_player({"aplay": "/usr/bin/aplay"}.get) == Player(("/usr/bin/aplay", "-q"))
    assert find_player({}.get) is None
    assert list(PLAYERS)[:4] == ["pw-play", "paplay", "aplay", "afplay"]


def test_a_player_gets_the_file_last_as_an_absolute_path() -> None:
    player = Player(("/usr/bin/ffplay", *PLAYERS["ffplay"]))
    command = player.command(SOUNDS_DIR / "start.wav")
    assert command[0] == "/usr/bin/ffplay"
    assert command[-1] == str(SOUNDS_DIR / "start.wav")
    assert Path(command[-1]).is_absolute()
    assert player.name == "ffplay"


@pytest.mark.parametrize(
    ("env", "ssh"),
    [({}, False), ({"SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22"}, True), ({"SSH_TTY": "/dev/pts/3"}, True)],
)
def test_over_ssh(env: dict[str, str], ssh: bool) -> None:
    assert over_ssh(env) is ssh


PLAYER = Player(("/usr/bin/paplay",))


@pytest.mark.parametrize(
    ("mode", "player", "ssh", "chimes", "bell", "says"),
    [
        (SoundMode.AUTO, PLAYER, False, True, False, None),
        (SoundMode.AUTO, PLAYER, True, False, True, "over SSH"),
        (SoundMode.AUTO, None, False, False, True, "no sound player found"),
        (SoundMode.CHIME, PLAYER, True, True, False, None),  # asked for: the chimes even over SSH
        (SoundMode.CHIME, None, False, False, True, "no sound player found"),
        (SoundMode.BELL, PLAYER, False, False, True, None),
        (SoundMode.OFF, PLAYER, False, False, False, None),
    ],
)
def test_the_choice_of_chimes_bell_or_silence(
    mode: SoundMode, player: Player | None, ssh: bool, chimes: bool, bell: bool, says: str | None
) -> None:
    choice = choose(mode, player=player, ssh=ssh)
    assert (choice.player is not None, choice.bell) == (chimes, bell)
    assert (choice.note is None) == (says is None)
    if says:
        assert choice.note is not None
        assert says in choice.note
        assert "terminal bell" in choice.note


def test_volume_scales_the_samples_and_100_plays_the_shipped_file() -> None:
    full = SoundFiles(100)
    assert full.path(Sound.START) == SOUNDS_DIR / "start.wav"
    half = SoundFiles(50)
    try:
        scaled = half.path(Sound.START)
        assert scaled != SOUNDS_DIR / "start.wav"
        original, quieter = samples(SOUNDS_DIR / "start.wav"), samples(scaled)
        assert all(abs(q - o / 2) <= 1 for o, q in zip(original, quieter, strict=True))
        folder = scaled.parent
    finally:
        half.close()
    assert not folder.exists()
    silent = SoundFiles(0)
    try:
        assert max(abs(s) for s in samples(silent.path(Sound.DONE))) == 0
    finally:
        silent.close()


@pytest.mark.parametrize("volume", [-1, 101])
def test_volume_outside_0_to_100_is_refused(volume: int) -> None:
    with pytest.raises(ValueError, match="0 to 100"):
        SoundFiles(volume)


def test_every_sound_has_a_meaning_to_say_in_the_sound_test() -> None:
    assert all(sound.meaning for sound in Sound)


def test_without_a_terminal_the_note_says_there_will_be_no_sounds() -> None:
    choice = choose(SoundMode.AUTO, player=None, ssh=False, terminal=False)
    assert choice.note is not None
    assert choice.note.endswith("no sounds (and no terminal to ring the bell on).")


@pytest.mark.parametrize(
    ("env", "devices", "sockets", "heard"),
    [
        ({}, [], [], False),
        ({}, ["controlC0", "pcmC0D0c"], [], False),  # a card that only records
        ({}, ["controlC0", "pcmC0D0p"], [], True),
        ({"XDG_RUNTIME_DIR": "/run/user/1000"}, [], ["/run/user/1000/pipewire-0"], True),
        ({"XDG_RUNTIME_DIR": "/run/user/1000"}, [], ["/run/user/1000/pulse/native"], True),
        ({"PULSE_SERVER": "tcp:10.0.0.1"}, [], [], True),
        ({}, [], ["/dev/dsp"], True),
    ],
)
def test_an_audio_output_is_looked_for_on_linux(
    env: dict[str, str], devices: list[str], sockets: list[str], heard: bool
) -> None:
    def listdir(path: str) -> list[str]:
        assert path == "/dev/snd"
        if not devices:
            raise FileNotFoundError(path)
        return devices

    assert audio_output(env, platform="linux", exists=sockets.__contains__, listdir=listdir) is heard
    assert audio_output(env, platform="darwin", exists=sockets.__contains__, listdir=listdir) is True


def test_the_length_of_a_sound_file(tmp_path: Path) -> None:
    assert SoundFiles().seconds(Sound.DONE) == pytest.approx(1.27, abs=0.01)
    assert wav_seconds(SOUNDS_DIR / "tick.wav") == pytest.approx(0.04)
    streamed = tmp_path / "streamed.wav"  # as espeak-ng writes to a pipe: the header claims the most it can
    data = (SOUNDS_DIR / "tick.wav").read_bytes()
    streamed.write_bytes(data[:4] + b"\xff\xff\xff\x7f" + data[8:40] + b"\xff\xff\xff\x7f" + data[44:])
    assert wav_seconds(streamed) == pytest.approx(0.04)
    (tmp_path / "not.wav").write_bytes(b"not a sound")
    assert wav_seconds(tmp_path / "not.wav") is None
    assert wav_seconds(tmp_path / "missing.wav") is None


def test_sound_files_made_ahead_and_speech_beside_them() -> None:
    files = SoundFiles(40)
    try:
        files.prepare()
        folder = files.path(Sound.START).parent
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s.value}.wav" for s in Sound)
        assert files.scratch("words-1.wav") == folder / "words-1.wav"
    finally:
        files.close()
    assert not folder.exists()


def test_the_upcoming_reminder_sound_is_not_the_next_stretch_sound() -> None:
    upcoming, next_stretch = samples(SOUNDS_DIR / "upcoming.wav"), samples(SOUNDS_DIR / "next.wav")
    assert upcoming != next_stretch
    assert max(abs(s) for s in upcoming) > 4000


def test_espeak_writes_its_speech_to_a_file_given_after_its_text_options(tmp_path: Path) -> None:
    command = speech_command("espeak-ng", "/usr/bin/espeak-ng")
    assert command.writes_file
    argv, data = command.writing("-f /etc/passwd", tmp_path / "words-1.wav")
    assert argv == ["/usr/bin/espeak-ng", "--stdin", "-w", str(tmp_path / "words-1.wav")]
    assert data == b"-f /etc/passwd"
    assert not speech_command("spd-say", "/usr/bin/spd-say").writes_file
    assert not speech_command("say", "/usr/bin/say", platform="darwin").writes_file


def test_no_step_sound_outlasts_what_the_plan_allows_before_the_words() -> None:
    """core.words.SOUND_BEFORE_WORDS is what a voiced plan gives a step's sound before its words."""
    from stretchcoach.core.words import SOUND_BEFORE_WORDS

    step_sounds = (Sound.START, Sound.SWITCH, Sound.NEXT, Sound.INHALE, Sound.EXHALE)
    assert max(SoundFiles().seconds(sound) for sound in step_sounds) <= SOUND_BEFORE_WORDS
