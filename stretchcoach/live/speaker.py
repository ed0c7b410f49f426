"""What the routine is heard through: a sound, then the words after it, never both at once.

Sounds play through the player (``sound.Player``). Words are said by the speech
command or, when it can write its speech to a file (espeak-ng, espeak) and there
is a player, written to a file and played through the player too: then a player
that cannot be heard is noticed for the voice as well (espeak-ng itself exits 0
when there is no audio device, and no one would ever know).

Nothing here waits. Every process is started through ``processes.Children`` and
looked at when the routine loop comes back (:meth:`Speaker.update`, which
:meth:`Speaker.next_due` wakes it for):

- A sound and words together: the sound now, the words once it has played.
- A new step's cue cuts off what is still playing (the newest cue matters most,
  and a step's words are said as it begins, never queued behind older ones).
  Nothing is cut in a routine left to run: with the voice on, the plan gives each
  get-ready step the time its words take (``core.voiced``), and a movement of a
  round says no more than fits it (``words.spoken``). A cue that only adds to the
  step ("10 seconds left") is not said over the step's own words.
- A tick is never played over words.
- A player that cannot start, exits with an error, or has not finished a sound
  HANG_SLACK seconds after its end, is reported once, in one line, and the
  routine goes on with the terminal bell (the owner, ``cues``, rings it). A speech
  command that fails likewise, and the routine goes on without the voice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from stretchcoach.live.processes import Child, Children
from stretchcoach.live.sound import Player, Sound, SoundFiles, wav_seconds
from stretchcoach.live.speech import SpeechCommand

HANG_SLACK = 3.0  # a player still running this long after its sound should have ended is stuck
SYNTH_LIMIT = 3.0  # writing one cue's speech takes espeak-ng some 20 ms; this long, it is stuck
_SYNTH_POLL = 0.02  # while speech is being written: how often to look whether it is done
_WAKE = 3600.0  # nothing due


@dataclass
class _Words:
    """Words to say: after ``at`` (once the sound before them has played), once written if
    they go through the player (``file``)."""

    text: str
    at: float
    file: Path | None = None  # where they are written, when they play through the player
    synth: Child | None = None  # writing them
    seconds: float | None = None  # how long they play, once written
    child: Child | None = None  # saying them

    @property
    def ready(self) -> bool:
        return self.file is None or self.seconds is not None


class Speaker:
    """Plays sounds and says words in turn; see the module's docstring.

    ``player`` and ``files`` play the sounds (no player: no sounds); ``speech`` says the
    words (None: no voice). ``bell`` is whether the terminal bell stands in when the
    player fails (for the note's words). Lines for the person go to ``notes``.
    """

    def __init__(
        self,
        children: Children,
        *,
        player: Player | None,
        files: SoundFiles | None,
        speech: SpeechCommand | None,
        notes: list[str],
        bell: bool,
    ) -> None:
        self.children = children
        self.player = player if files is not None else None
        self.files = files
        self.speech = speech
        self.notes = notes
        self.bell = bell
        self._sound: Child | None = None
        self._words: _Words | None = None
        self._count = 0

    # -- what the person hears ----------------------------------------------------------------------

    def cue(
        self,
        sound: Sound | None,
        words: str | None,
        now: float,
        *,
        over_words: bool = True,
    ) -> None:
        """Play ``sound`` now and say ``words`` after it, cutting off what still plays; see the module.

        Not ``over_words``: words still being said are not cut off, and these are not said."""
        self.update(now)
        if not over_words and self._words is not None:
            words = None
            if sound is None:
                return
        self._cut(now)
        at = now
        if sound is not None and self.player is not None:
            at = self._play(sound, now)
        if words and self.speech is not None:
            self._prepare(words, at, now)
            self._start_words(now)

    def tick(self, now: float) -> None:
        """A tick, unless words are being said or wait to be."""
        self.update(now)
        if self._words is None and self.player is not None:
            self._play(Sound.TICK, now)

    def hush(self, now: float) -> None:
        """Say and play nothing more of what is under way."""
        self._cut(now)

    @property
    def busy(self) -> bool:
        """A sound or words are still playing, or wait to."""
        playing = self._sound is not None and not self._sound.exited
        return playing or self._words is not None

    @property
    def pending(self) -> bool:
        """Words still wait to begin (behind a sound, or being written): the routine's last ones
        should be let begin before the summary takes the screen."""
        return self._words is not None and self._words.child is None

    def next_due(self, now: float) -> float:
        """Seconds until :meth:`update` has something to do (a large number if nothing)."""
        due = [_WAKE]
        if self._sound is not None and not self._sound.exited and self._sound.until is not None:
            due.append(self._sound.until + HANG_SLACK - now)
        words = self._words
        if words is not None:
            if words.synth is not None and words.seconds is None:
                due.append(_SYNTH_POLL)
            elif words.child is None:
                due.append(words.at - now)
            elif words.child.until is not None and not words.child.exited:
                due.append(words.child.until + HANG_SLACK - now)
        return max(0.0, min(due))

    # -- keeping up with the processes --------------------------------------------------------------

    def update(self, now: float) -> None:
        """Notice what has ended or failed, and start words that are due."""
        self.children.reap(now)
        sound = self._sound
        if sound is not None:
            if sound.failed:
                self._player_failed(f"exited with status {sound.status}", now)
            elif sound.exited:
                self._sound = None
            elif sound.until is not None and now >= sound.until + HANG_SLACK:
                length = f"{sound.until - sound.started:.2f}".rstrip("0").rstrip(".")
                self._player_failed(f"did not finish a {length}-second sound within {HANG_SLACK:.0f} s", now)
        self._follow_words(now)
        self._start_words(now)

    def _follow_words(self, now: float) -> None:
        words = self._words
        if words is None or self.speech is None:
            return
        synth = words.synth
        if synth is not None and words.seconds is None:
            if synth.failed:
                self._speech_failed(f"exited with status {synth.status}", now)
            elif synth.exited:
                assert words.file is not None
                words.seconds = wav_seconds(words.file)
                if words.seconds is None:
                    self._speech_failed("wrote no speech", now)
            elif now >= synth.started + SYNTH_LIMIT:
                self._speech_failed(f"did not write one cue's speech within {SYNTH_LIMIT:.0f} s", now)
            return
        child = words.child
        if child is None:
            return
        if child.failed:
            if words.file is not None:
                self._player_failed(f"exited with status {child.status}", now)
            else:
                self._speech_failed(f"exited with status {child.status}", now)
        elif child.exited:
            self._forget(words)
        elif words.file is not None and child.until is not None and now >= child.until + HANG_SLACK:
            self._player_failed(f"did not finish the voice's words within {HANG_SLACK:.0f} s of their end", now)

    # -- starting and ending -----------------------------------------------------------------------

    def _play(self, sound: Sound, now: float) -> float:
        """Start ``sound``; return when it will have played."""
        assert self.player is not None and self.files is not None
        if self._sound is not None:
            self.children.end(self._sound, now)  # still playing when the next is due: ended, not waited for
            self._sound = None
        length = self.files.seconds(sound)
        try:
            self._sound = self.children.start(
                self.player.command(self.files.path(sound)), None, now=now, until=now + length
            )
        except OSError as exc:
            self._player_failed(f"cannot be run ({exc.strerror or exc})", now)
            return now
        return now + length

    def _prepare(self, text: str, at: float, now: float) -> None:
        assert self.speech is not None
        words = _Words(text, at)
        if self.speech.writes_file and self.player is not None and self.files is not None:
            self._count += 1
            words.file = self.files.scratch(f"words-{self._count}.wav")
            try:
                words.synth = self.children.start(*self.speech.writing(text, words.file), now=now)
            except OSError as exc:
                self._speech_failed(f"cannot be run ({exc.strerror or exc})", now)
                return
        self._words = words

    def _start_words(self, now: float) -> None:
        words = self._words
        if words is None or words.child is not None or not words.ready or now < words.at - 0.005:
            return
        assert self.speech is not None
        try:
            if words.file is not None:
                assert self.player is not None and words.seconds is not None
                command = self.player.command(words.file)
                until = now + words.seconds
                words.child = self.children.start(command, None, now=now, words=words.text, until=until)
            else:
                words.child = self.children.start(*self.speech.invocation(words.text), now=now, words=words.text)
        except OSError as exc:
            if words.file is not None:
                self._player_failed(f"cannot be run ({exc.strerror or exc})", now)
            else:
                self._speech_failed(f"cannot be run ({exc.strerror or exc})", now)

    def _cut(self, now: float) -> None:
        words = self._words
        if words is not None:
            for child in (words.synth, words.child):
                if child is not None and not child.exited:
                    self.children.end(child, now)  # the newest cue matters most
            self._forget(words)

    def _forget(self, words: _Words) -> None:
        if self._words is words:
            self._words = None
        if words.file is not None and (words.child is None or words.child.exited):
            with contextlib.suppress(OSError):
                words.file.unlink(missing_ok=True)  # else the directory goes at the end

    # -- failures: said once, then done without -----------------------------------------------------

    def _player_failed(self, how: str, now: float) -> None:
        player = self.player
        if player is None:
            return
        voice = self.speech is not None and self.speech.writes_file
        self.player = None
        for child in (self._sound, *(() if self._words is None else (self._words.synth, self._words.child))):
            if child is not None and not child.exited:
                self.children.end(child, now)
        self._sound, self._words = None, None
        instead = "using the terminal bell" if self.bell else "going on without sounds"
        lost = f", and no voice (it played through {player.name})" if voice else ""
        self.notes.append(f"Sound: {player.name} {how}; {instead}{lost}.")
        if voice:
            self.speech = None

    def _speech_failed(self, how: str, now: float) -> None:
        speech = self.speech
        if speech is None:
            return
        self.speech = None
        words = self._words
        if words is not None:
            for child in (words.synth, words.child):
                if child is not None and not child.exited:
                    self.children.end(child, now)
            self._words = None
        self.notes.append(f"Voice: {speech.name} {how}; going on without it.")
