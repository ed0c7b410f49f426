"""Sound from the outside: --sound and --volume, the choice made on this computer (SSH, no
player), the sound test, and real player processes that fail, hang or print megabytes.

Real processes are the stand-ins of tests/data/fake_command.py, put on PATH under the
players' and speech commands' names; they log what they were given, with the time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from stretchcoach.cli import app
from stretchcoach.live.cues import Cues, routine_cues
from stretchcoach.live.sound import PLAYERS, SOUNDS_DIR, Player, Sound, SoundFiles, SoundMode
from stretchcoach.live.speaker import HANG_SLACK
from stretchcoach.options import SOUND_MODES

from fakes import Answers, FakeClock, TimedWriter, fake_runtime

FAKE_COMMAND = Path(__file__).parent / "data" / "fake_command.py"
QUICK = ["--only", "childs-pose", "--yes", "--no-checkin"]


class HybridClock(FakeClock):
    """A fake clock that sleeps for real a third of each short wait (looking whether a process has
    ended, or for the next bell), so that real processes get to run meanwhile; the pauses between
    sounds take no real time."""

    def sleep(self, seconds: float) -> None:
        if seconds <= 0.05:
            time.sleep(seconds / 3)
        super().sleep(seconds)


# A player that only says what it was given (quicker to start than fake_command.py, for the sound
# test's many sounds), and exits with FAKE_COMMAND_EXIT.
QUICK_PLAYER = """#!/bin/sh
printf '%s %s\\n' pw-play "$*" >> "$FAKE_COMMAND_LOG"
exit "${FAKE_COMMAND_EXIT:-0}"
"""


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-ins for pw-play and espeak-ng first on PATH (and nothing else of sound); the log they write."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("pw-play", "espeak-ng"):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_COMMAND}" "$0" "$@"\n')
        script.chmod(0o755)
    (bin_dir / "quick-play").write_text(QUICK_PLAYER)
    (bin_dir / "quick-play").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_COMMAND_LOG", str(tmp_path / "log.jsonl"))
    monkeypatch.delenv("STRETCHCOACH_SOUND")  # conftest keeps every other test to the bell
    return bin_dir


@pytest.fixture
def quick_player(fake_bin: Path) -> None:
    """pw-play is the quick player."""
    (fake_bin / "quick-play").replace(fake_bin / "pw-play")


def logged() -> list[dict[str, Any]]:
    """What the stand-ins were given: JSON lines from fake_command.py, "NAME ARGS" lines from the quick player."""
    path = Path(os.environ["FAKE_COMMAND_LOG"])
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) if line.startswith("{") else quick(line) for line in lines]


def quick(line: str) -> dict[str, Any]:
    name, *args = line.split()
    return {"name": name, "argv": [name, *args]}


def invoke(*args: str, bell: TimedWriter | None = None, clock: FakeClock | None = None) -> Result:
    runtime = fake_runtime(clock=clock, answers=Answers(), bell_out=bell)
    result = CliRunner().invoke(app, list(args), obj=runtime)
    assert "Traceback" not in result.output, result.output
    return result


# -- options ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--volume", "150"], "stretchcoach: --volume: expected a whole number from 0 to 100; got '150'"),
        (["--volume", "-1"], "stretchcoach: --volume: expected a whole number from 0 to 100; got '-1'"),
        (["--volume", "loud"], "stretchcoach: --volume: expected a whole number from 0 to 100; got 'loud'"),
        (["--sound", "loud"], "stretchcoach: --sound: expected auto, chime, bell or off; got 'loud'"),
        (
            ["--no-bell", "--sound", "chime"],
            "stretchcoach: --no-bell: is another name for --sound off, and --sound chime was given too; "
            "give one of them",
        ),
    ],
)
@pytest.mark.parametrize("command", ["routine", "sound-test"])
def test_bad_sound_options_exit_2_with_one_line(command: str, args: list[str], message: str) -> None:
    if command == "sound-test" and "--no-bell" in args:
        pytest.skip("sound-test has no --no-bell")
    result = invoke(command, *args, *(QUICK if command == "routine" else []))
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_a_bad_sound_in_the_environment_is_a_usage_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRETCHCOACH_SOUND", "loud")
    result = invoke("routine", "--plan")
    assert result.exit_code == 2
    assert result.stderr.strip() == "stretchcoach: --sound: expected auto, chime, bell or off; got 'loud'"


def test_no_bell_is_sound_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """--no-bell wins over STRETCHCOACH_SOUND (only a --sound typed with it must agree)."""
    monkeypatch.setenv("STRETCHCOACH_SOUND", "bell")
    clock = FakeClock()
    bell = TimedWriter(clock)
    assert invoke("routine", *QUICK, "--no-bell", bell=bell, clock=clock).exit_code == 0
    assert bell.rung() == []
    assert invoke("routine", *QUICK, bell=bell, clock=clock).exit_code == 0
    assert len(bell.rung()) == 5  # the beginning (2), done (3)


def test_the_modes_the_cli_takes_are_the_sound_modes() -> None:
    assert tuple(mode.value for mode in SoundMode) == SOUND_MODES


def test_the_sound_machinery_is_not_imported_for_the_plan_or_help() -> None:
    code = (
        "import sys\n"
        "from stretchcoach.cli import app\n"
        "try:\n"
        "    app(['routine', '--plan'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('stretchcoach.live')))"
    )
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"


# -- the choice on this computer, said once ---------------------------------------------------------------


def test_over_ssh_the_routine_uses_the_bell_and_says_so_once(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    clock = FakeClock()
    bell = TimedWriter(clock)
    result = invoke("routine", *QUICK, bell=bell, clock=clock)
    assert result.exit_code == 0, result.output
    note = (
        "Sound: over SSH, this computer's speakers are not where you are; using the terminal bell "
        "(--sound chime plays the sounds here anyway)."
    )
    assert result.stdout.count("Sound:") == 1
    assert note in " ".join(result.stdout.split())
    assert logged() == [], "no player was started"
    assert len(bell.rung()) == 5  # the beginning (2), done (3)


def test_without_a_player_the_routine_uses_the_bell_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
    monkeypatch.delenv("STRETCHCOACH_SOUND")
    clock = FakeClock()
    bell = TimedWriter(clock)
    result = invoke("routine", *QUICK, bell=bell, clock=clock)
    names = ", ".join(PLAYERS)
    assert f"Sound: no sound player found ({names}); using the terminal bell." in " ".join(result.stdout.split())
    assert result.stdout.count("Sound:") == 1
    assert len(bell.rung()) == 5  # the beginning (2), done (3)


def test_choosing_with_what_is_on_this_computer() -> None:
    player = {"pw-play": "/usr/bin/pw-play", "espeak-ng": "/usr/bin/espeak-ng"}.get
    cues, said = choose_cues(SoundMode.AUTO, which=player)
    assert cues.chimes == Player(("/usr/bin/pw-play",))
    assert said == []
    cues, said = choose_cues(SoundMode.AUTO, which=player, environ={"SSH_TTY": "/dev/pts/1"}, voice=True)
    assert cues.chimes is None
    assert said == [
        "Sound: over SSH, this computer's speakers are not where you are; using the terminal bell "
        "(--sound chime plays the sounds here anyway), and the voice still speaks here.",
        "Voice: this computer has no audio output (no sound card, PipeWire or PulseAudio); espeak-ng may not be heard.",
    ]
    cues, said = choose_cues(SoundMode.CHIME, which=player, environ={"SSH_TTY": "/dev/pts/1"})
    assert cues.chimes is not None
    cues, said = choose_cues(SoundMode.AUTO, which={}.get, bell=False)
    assert said == [
        f"Sound: no sound player found ({', '.join(PLAYERS)}); no sounds (and no terminal to ring the bell on)."
    ]
    cues, said = choose_cues(SoundMode.AUTO, which={}.get, voice=True)
    assert said[0] == "Voice: no speech command found (espeak-ng, espeak, spd-say or say); going on without it."


def test_a_voice_played_through_the_player_needs_no_check_for_an_audio_output() -> None:
    which = {"pw-play": "/usr/bin/pw-play", "espeak-ng": "/usr/bin/espeak-ng"}.get
    _cues, said = choose_cues(SoundMode.AUTO, which=which, voice=True)
    assert said == []  # a player that cannot be heard will say so itself
    which = {"pw-play": "/usr/bin/pw-play", "spd-say": "/usr/bin/spd-say"}.get
    _cues, said = choose_cues(SoundMode.AUTO, which=which, voice=True)
    assert said == [
        "Voice: this computer has no audio output (no sound card, PipeWire or PulseAudio); spd-say may not be heard."
    ]
    _cues, said = choose_cues(SoundMode.AUTO, which=which, voice=True, has_audio=True)
    assert said == []


def choose_cues(
    mode: SoundMode,
    *,
    which: Any,
    environ: dict[str, str] | None = None,
    voice: bool = False,
    bell: bool = True,
    has_audio: bool = False,
) -> tuple[Cues, list[str]]:
    cues, said = routine_cues(
        sound=mode,
        volume=100,
        voice=voice,
        hook=None,
        bell_out=TimedWriter(FakeClock()) if bell else None,
        notes=[],
        environ=environ or {},
        which=which,
        has_audio=lambda: has_audio,
    )
    cues.close(FakeClock(), FakeClock().sleep)
    return cues, said


# -- the sound test ---------------------------------------------------------------------------------------


def sound_test(*args: str, bell: TimedWriter | None = None) -> tuple[Result, HybridClock]:
    clock = HybridClock()
    runtime = dataclasses.replace(fake_runtime(clock=clock), bell_out=bell)
    result = CliRunner().invoke(app, ["sound-test", *args], obj=runtime)
    assert "Traceback" not in result.output, result.output
    return result, clock


def test_the_sound_test_plays_and_names_every_sound(fake_bin: Path, quick_player: None) -> None:
    result, _clock = sound_test("--voice")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Sound test: each sound through pw-play, and what it means."
    assert lines[1 : 1 + len(Sound)] == [f"{sound.value:<9} {sound.meaning}" for sound in Sound]
    runs = logged()
    players = [Path(run["argv"][-1]) for run in runs if run["name"] == "pw-play"]
    assert [p.name for p in players[: len(Sound)]] == [f"{sound.value}.wav" for sound in Sound]
    assert all(p.parent == SOUNDS_DIR for p in players[: len(Sound)])  # volume 100: the shipped files
    speech = [run for run in runs if run["name"] == "espeak-ng"]
    assert speech[0]["stdin"] == "This is the voice of stretchcoach. If you can hear it, the voice works."
    assert speech[0]["argv"][:3] == ["espeak-ng", "--stdin", "-w"]
    assert players[-1].name == "words-1.wav", "the voice, written to a file, played through the player"


def test_the_sound_test_at_a_lower_volume_plays_scaled_copies(fake_bin: Path, quick_player: None) -> None:
    result, _clock = sound_test("--volume", "30")
    assert result.exit_code == 0, result.output
    played = [Path(run["argv"][-1]) for run in logged()]
    assert all(p.parent != SOUNDS_DIR and p.name.endswith(".wav") for p in played)
    assert not played[0].parent.exists(), "the scaled copies are removed at the end"


def test_a_sound_test_whose_player_fails_says_it_once_and_rings_the_bell(
    fake_bin: Path, quick_player: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_COMMAND_EXIT", "1")
    clock = FakeClock()
    bell = TimedWriter(clock)
    result, _clock = sound_test("--voice", bell=bell)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    note = "Sound: pw-play exited with status 1; using the terminal bell, and no voice (it played through pw-play)."
    assert note in " ".join(result.stdout.split())
    assert result.stdout.count("Sound:") == 1
    assert "switch    switch sides: 1 bell" in lines
    assert lines[-1] == "Not everything could be played; see above."
    assert bell.getvalue().count("\a") == 1 + 2 + 3
    assert len(logged()) == 1


def test_the_sound_test_with_the_bell(fake_bin: Path) -> None:
    clock = FakeClock()
    bell = TimedWriter(clock)
    result, _clock = sound_test("--sound", "bell", bell=bell)
    assert result.exit_code == 0, result.output
    assert "done      the routine is done: 3 bells" in result.stdout
    assert "inhale    breathe in: no bell" in result.stdout
    assert bell.getvalue().count("\a") == 6
    assert logged() == []


@pytest.mark.parametrize(("args", "code"), [(["--sound", "off"], 0), (["--sound", "bell"], 1)])
def test_a_sound_test_with_nothing_to_hear(fake_bin: Path, args: list[str], code: int) -> None:
    result, _clock = sound_test(*args)  # no terminal: no bell
    assert result.exit_code == code, result.output
    assert logged() == []


# -- real players that fail, hang or print megabytes: one line, and no waiting ------------------------------


def real_cues(fake_bin: Path, bell: TimedWriter | None = None) -> Cues:
    notes: list[str] = []
    return Cues(player=Player((str(fake_bin / "pw-play"),)), sounds=SoundFiles(), bell_out=bell, notes=notes)


def wait_for(cues: Cues, start: float, condition: Any) -> None:
    """Let real time pass (the cues are told it is ``start`` plus what has passed) until ``condition``."""
    began = time.monotonic()
    while not condition() and time.monotonic() - began < 20:
        time.sleep(0.01)
        cues.ring(start + time.monotonic() - began)


def test_a_real_player_that_exits_non_zero(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_COMMAND_EXIT", "3")
    cues = real_cues(fake_bin, bell=TimedWriter(FakeClock()))
    cues.play(Sound.START, None, 0.0)
    wait_for(cues, 0.0, lambda: cues.notes)
    assert cues.notes == ["Sound: pw-play exited with status 3; using the terminal bell."]
    assert cues.chimes is None
    cues.close(time.monotonic, time.sleep)


def test_a_real_player_that_hangs_never_holds_anything_up(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_COMMAND_SLEEP", "60")
    cues = real_cues(fake_bin)
    began = time.monotonic()
    cues.play(Sound.START, None, 0.0)
    assert time.monotonic() - began < 0.25  # started, not waited for
    wait_for(cues, 0.0, lambda: logged())  # it is running
    (child,) = cues._children.children
    cues.ring(0.35 + HANG_SLACK)  # as late as a sound is given
    assert cues.notes == ["Sound: pw-play did not finish a 0.35-second sound within 3 s; going on without sounds."]
    assert child.terminated_at is not None
    began = time.monotonic()
    cues.close(time.monotonic, time.sleep)
    assert time.monotonic() - began < 2
    assert child.process.poll() is not None


def test_a_real_player_that_prints_megabytes_is_not_heard_on_the_terminal(
    fake_bin: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAKE_COMMAND_NOISE", str(8 * 1024 * 1024))
    cues = real_cues(fake_bin)
    began = time.monotonic()
    cues.play(Sound.DONE, None, 0.0)
    assert time.monotonic() - began < 0.25
    wait_for(cues, 0.0, lambda: not cues.busy)
    assert [run["name"] for run in logged()] == ["pw-play"]
    assert cues.notes == []  # it played, and said nothing anyone sees
    assert cues.chimes is not None
    out, err = capfd.readouterr()
    assert "xxxx" not in out + err
    cues.close(time.monotonic, time.sleep)
