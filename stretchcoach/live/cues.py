"""Cues for someone who cannot see the screen: sounds, bells, speech, and a step hook.

Nothing here blocks the timer: bells and ticks are rung by the routine loop when
they fall due (``bells``), and sounds, speech and the hook are processes started
without a shell and never waited for (``speaker``, ``processes``). What each
event sounds like is decided in one place, ``bells.cue_sound``: the chimes play
it, and the bell rings its pattern when there is no player (or the player fails).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from stretchcoach.core.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.errors import StretchcoachError
from stretchcoach.live.bells import BELLS, Bells, bell_count, cue_sound, tick_times
from stretchcoach.live.processes import Children
from stretchcoach.live.sound import Player, Sound, SoundFiles, SoundMode, audio_output, choose, find_player, over_ssh
from stretchcoach.live.speaker import Speaker
from stretchcoach.live.speech import SPEECH_COMMANDS, SpeechCommand, find_speech_command, spoken_text

MAX_HOOKS = 8  # hooks running at once; a new one ends the oldest, so a hook that hangs cannot pile up
STALE_TICK = 0.3  # a tick this late (the loop was held up, or "-" moved the end) is not played


@dataclass
class Cues:
    """Turns session events into sounds, bells, speech and hook calls.

    ``player`` plays the ``sounds`` (None: no chimes); ``bell_out`` is the terminal
    stream to ring when there is no player, or once it fails (None: no bell);
    ``speech`` the speech command (None: silent; None again once it fails); ``hook``
    the ``--on-step`` command. ``spawn``, ``signal_group`` and ``group_left`` start,
    signal and look after processes (see :class:`Children`).
    """

    bell_out: IO[str] | None = None
    speech: SpeechCommand | None = None
    hook: list[str] | None = None
    spawn: Callable[..., Any] = subprocess.Popen
    signal_group: Callable[[int, int], None] = os.killpg
    group_left: Callable[[int], bool | None] | None = None
    notes: list[str] = field(default_factory=list)  # lines for the person: pass the list the routine loop reads
    player: Player | None = None
    sounds: SoundFiles | None = None
    _bells: Bells = field(init=False)
    _children: Children = field(init=False)
    _speaker: Speaker = field(init=False)
    _session: RoutineSession | None = None
    _now: float = 0.0  # the latest time the cues were told
    _last_tick: float = -1e9  # the last tick's time, less the paused time then (pausing moves ticks on)
    _tick_step: tuple[int, float] = (-1, 0.0)  # the step the ticks are for

    def __post_init__(self) -> None:
        self._children = Children(self.spawn, self.signal_group, self.group_left)
        self._speaker = Speaker(
            self._children,
            player=self.player,
            files=self.sounds,
            speech=self.speech,
            notes=self.notes,
            bell=self.bell_out is not None,
        )
        self._bells = Bells(self.bell_out if self._speaker.player is None else None)

    def handle(self, events: Sequence[Event], session: RoutineSession, now: float) -> None:
        self._session, self._now = session, now
        count, stopped = 0, False
        sound: Sound | None = None
        words: str | None = None
        over_words = False  # only a cue that adds to the step ("10 seconds left") waits for the step's words
        for event in events:
            count = bell_count(event) or count
            sound = cue_sound(event) or sound
            stopped = stopped or (event.kind is EventKind.FINISHED and event.detail != Outcome.COMPLETED.value)
            text = spoken_text(event, session) if self.speech is not None else None
            if text:
                words = text
            over_words = over_words or event.kind is not EventKind.LAST_SECONDS
            if self.hook is not None and event.kind is EventKind.STEP and event.step is not None:
                self._run_hook(event, session, now)
        if stopped:  # nothing more to announce
            self._bells.hush()
        else:
            self._bells.queue(count, now)
        if sound is not None or words:
            self._speaker.cue(sound, words, now, over_words=over_words)
        self.ring(now)

    def play(self, sound: Sound | None, words: str | None, now: float) -> None:
        """``sound`` (its bells, without a player) and ``words`` after it, outside a routine: the sound test."""
        self._bells.queue(BELLS.get(sound, 0) if sound is not None else 0, now)
        self._speaker.cue(sound, words, now)
        self.ring(now)

    @property
    def busy(self) -> bool:
        """Something is still playing, ringing or waiting to."""
        return self._bells.ringing or self._speaker.busy

    @property
    def chimes(self) -> Player | None:
        """The player the sounds play through (None: none, or it has failed)."""
        return self._speaker.player

    @property
    def ringing(self) -> bool:
        """Bells are still to ring, or the last words still wait to begin after their sound."""
        return self._bells.ringing or self._speaker.pending

    def hush(self) -> None:
        self._bells.hush()
        self._speaker.hush(self._now)

    def next_bell(self, now: float) -> float:
        """Seconds until the next bell, or the last words' turn (a large number if neither)."""
        return min(self._bells.next_bell(now), self._speaker.next_due(now))

    def next_due(self, now: float) -> float:
        """Seconds until a bell, a tick or a sound's next step is due, or a process is due its SIGKILL
        (a large number if none is)."""
        due = [self._bells.next_bell(now), self._children.next_due(now), self._speaker.next_due(now)]
        tick = self._next_tick()
        if tick is not None:
            due.append(max(0.0, tick - now))
        return min(due)

    def ring(self, now: float) -> None:
        """Ring the bell or play a tick if due; keep up with sounds, speech and hooks (reap, escalate)."""
        self._now = now
        self._speaker.update(now)
        self.speech = self._speaker.speech  # None once it has failed
        if self._speaker.player is None and self._bells.out is None:
            self._bells.out = self.bell_out  # the player failed: the bell stands in from now on
        self._bells.ring(now)
        self._tick(now)

    def flush(self, sleep: Callable[[float], None], clock: Callable[[], float]) -> None:
        """Ring what is still scheduled (the "done" pattern), waiting between bells."""
        self._bells.flush(sleep, clock)

    def close(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """End every process the cues started (see :meth:`Children.close`), then remove the sound files."""
        try:
            self._children.close(clock, sleep)
        finally:
            if self.sounds is not None:
                self.sounds.close()

    # -- ticks in a hold's last seconds ---------------------------------------------------------------

    def _next_tick(self) -> float | None:
        session = self._session
        if session is None or self._speaker.player is None:
            return None
        step = (session.index, session.step_started - session.paused_total)
        if step != self._tick_step:
            self._tick_step, self._last_tick = step, -1e9
        later = (t for t in tick_times(session) if t - session.paused_total > self._last_tick + 1e-6)
        return next(later, None)

    def _tick(self, now: float) -> None:
        session = self._session
        tick = self._next_tick()
        while session is not None and tick is not None and tick <= now + 0.005:
            if now - tick <= STALE_TICK:
                self._speaker.tick(now)
            self._last_tick = tick - session.paused_total
            tick = self._next_tick()

    def _run_hook(self, event: Event, session: RoutineSession, now: float) -> None:
        assert self.hook is not None and event.step is not None
        payload = event.step.to_json() | {
            "index": event.index,
            "steps": len(session.plan.steps),
            "routine": session.plan.routine.id,
            "name": event.step.stretch.name,
        }
        running = self._children.hooks_running()
        for oldest in running[: max(0, len(running) - MAX_HOOKS + 1)]:
            self._children.end(oldest, now)
        try:
            self._children.start(self.hook, (json.dumps(payload) + "\n").encode(), now=now, hook=True)
        except OSError as exc:
            self.notes.append(f"--on-step: cannot run {self.hook[0]} ({exc.strerror or exc}); hook turned off")
            self.hook = None


def routine_cues(
    *,
    sound: SoundMode,
    volume: int,
    voice: bool,
    hook: list[str] | None,
    bell_out: IO[str] | None,
    notes: list[str],
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    spawn: Callable[..., Any] = subprocess.Popen,
    signal_group: Callable[[int, int], None] = os.killpg,
    has_audio: Callable[[], bool] | None = None,
) -> tuple[Cues, list[str]]:
    """The cues for a routine on this computer, and the lines to say once before it starts.

    ``bell_out`` is the terminal to ring, if any; ``environ`` and ``which`` are where the
    connection (SSH) and the programs (players, speech commands) are looked up;
    ``spawn`` and ``signal_group`` start and signal them (see :class:`Cues`);
    ``has_audio`` says whether there is an audio output (``sound.audio_output``).
    """
    said: list[str] = []
    speech = find_speech_command(which) if voice else None
    if voice and speech is None:
        said.append(f"Voice: no speech command found ({_names(SPEECH_COMMANDS)}); going on without it.")
    player = find_player(which) if sound in (SoundMode.AUTO, SoundMode.CHIME) else None
    choice = choose(
        sound, player=player, ssh=over_ssh(environ), terminal=bell_out is not None, voice=speech is not None
    )
    if choice.note:
        said.append(choice.note)
    has_audio = has_audio or (lambda: audio_output(environ))
    if speech is not None and not (choice.player and speech.writes_file) and not has_audio():
        # It plays by itself, and would say nothing and exit 0: nobody would know.
        said.append(
            f"Voice: this computer has no audio output (no sound card, PipeWire or PulseAudio); "
            f"{speech.name} may not be heard."
        )
    files = None
    if choice.player is not None:
        files = SoundFiles(volume)
        files.prepare()
    cues = Cues(
        bell_out=bell_out if sound is not SoundMode.OFF else None,
        speech=speech,
        hook=hook,
        notes=notes,
        player=choice.player,
        sounds=files,
        spawn=spawn,
        signal_group=signal_group,
    )
    return cues, said


def _names(names: Sequence[str]) -> str:
    return f"{', '.join(names[:-1])} or {names[-1]}"


def parse_hook(command: str) -> list[str]:
    try:
        args = shlex.split(command)
    except ValueError:  # shlex's only complaints: an unclosed quote, or a backslash at the end
        raise StretchcoachError(
            f"--on-step: cannot split {command!r} into arguments: a quote or a backslash is left open"
        ) from None
    if not args:
        raise StretchcoachError("--on-step: expected a command, got an empty string")
    return args
