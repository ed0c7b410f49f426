"""Saving a routine to the history as it runs, without ever holding up its timer.

The rule:

* **Before the first step** the session itself is saved: if the history is
  busy, waiting at most :data:`HOLD_SECONDS` (then the routine starts behind,
  see below); any other failure stops the routine before it starts, with
  nothing done yet to lose (``commands.routine._start_saving``).
* **Saved, then shown.** The routine loop saves after every change of step or
  state, before the next step is announced, so a kill never loses a step the
  person saw end. With the lock free this costs a few milliseconds.
* **Busy: wait a moment, once.** If another program holds the history's write
  lock, the announcement waits for the save at most :data:`HOLD_SECONDS`, a
  quarter of a second: long enough for another stretchcoach's own write to
  finish, too short to hear. Keys and signals are still read meanwhile
  (Ctrl-C and SIGTERM end the wait at once; keys are kept and handled after).
* **Still busy: the timer comes first.** If the save still cannot happen, the
  history is *behind*: steps, bells and voice go on time, what is not saved
  yet is kept in memory, and the save is retried at every turn of the loop,
  at least every :data:`RETRY_SECONDS`, never sleeping in SQLite. The first
  save that gets through writes everything, and the history is caught up:
  "saved, then shown" holds again (and a later busy spell may hold one step
  back again, at most HOLD_SECONDS).
* **At the end**, the last save may wait :data:`FINAL_WAIT_SECONDS`
  (:data:`SIGNAL_WAIT_SECONDS` after Ctrl-C, SIGTERM or a hangup, so exit
  stays prompt); if it still cannot happen, one line says what was not saved.

Other failures (a full disk, say) are not waited for, as they will not pass in
a moment: the history is behind at once, and saves are retried as above.
Damage is not retried: writing more could only harm it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stretchcoach.core.session import RoutineSession
from stretchcoach.history.problems import is_busy, why_not_saved
from stretchcoach.history.recorder import Recorder
from stretchcoach.live.terminal import HANGUP, INTERRUPT, TERMINATE, InputSource

HOLD_SECONDS = 0.25
POLL_SECONDS = 0.05  # between tries while the announcement waits
RETRY_SECONDS = 0.5
FINAL_WAIT_SECONDS = 3.0
SIGNAL_WAIT_SECONDS = 0.5

_STOPPING = (INTERRUPT, TERMINATE, HANGUP)


class Saver:
    """Drives a :class:`Recorder` by the rule above; ``notes`` are shown to the person.

    While the routine runs, the loop reads its keys through the saver (:meth:`watching`): so
    every wait for a key is also a chance to retry the save, and keys that arrived while an
    announcement waited for a save are handed over on the next read.
    """

    def __init__(self, recorder: Recorder, *, path: Path, clock: Callable[[], float], notes: list[str]) -> None:
        self.recorder = recorder
        self.path = path
        self.clock = clock
        self.notes = notes
        self.behind = False
        self._said_damage = False
        self._source: InputSource | None = None
        self._held: list[str] = []  # read while an announcement waited; handed over next

    # -- before the routine: nothing runs yet, so a plain sleep may wait ---------------

    def wait_to_start(self, sleep: Callable[[float], None]) -> None:
        """Wait up to HOLD_SECONDS for the session row; if still busy, start behind."""
        deadline = self.clock() + HOLD_SECONDS
        while not self.recorder.saved and self._busy() and self.clock() < deadline:
            sleep(POLL_SECONDS)
            self.recorder.save()
        if not self.recorder.saved:
            self._fall_behind()

    def wait_at_end(self, sleep: Callable[[float], None], *, seconds: float) -> bool:
        """Keep trying for up to ``seconds``; True if everything is saved."""
        deadline = self.clock() + seconds
        while not self.recorder.save() and not self.recorder.gave_up and self.clock() < deadline:
            sleep(POLL_SECONDS)
        return self.recorder.saved

    def what_was_lost(self) -> str:
        """The one line for a routine whose history could not be saved in full."""
        why = self._why_not_saved()
        if self.recorder.session_id is None:
            return f"this routine was not saved: the history {self.path} {why}."
        return (
            f"the end of this routine was not saved: the history {self.path} {why}; it shows the routine as unfinished."
        )

    # -- during the routine ----------------------------------------------------------------

    def watching(self, source: InputSource) -> Saver:
        """Read the routine's keys from ``source`` through this saver (an input source itself)."""
        self._source = source
        return self

    def wait(self, timeout: float) -> list[str]:
        """What arrived while an announcement waited; else ``source``'s keys, retrying the save
        first while the history is behind, and waiting at most RETRY_SECONDS for them then."""
        if self._held:
            items, self._held = self._held, []
            return items
        if self.behind:
            self._retry()
            if self.behind and not self.recorder.gave_up:
                timeout = min(timeout, RETRY_SECONDS)
        return self._watched().wait(timeout)

    def suspend(self) -> None:
        self._watched().suspend()

    def reclaim(self) -> None:
        self._watched().reclaim()

    def observe(self, session: RoutineSession) -> None:
        """Called by the loop after each change, before it is announced."""
        if self.recorder.observe(session):
            self._caught_up()
            return
        if self.recorder.gave_up:
            self._say_damage()
            return
        if self.behind:
            return  # on time: the next wait retries
        if session.finished:
            return  # nothing more to announce: the end has a wait of its own
        if not self._busy():  # a full disk or a read-only file will not change in a moment
            self._fall_behind()
            return
        deadline = self.clock() + HOLD_SECONDS
        while (left := deadline - self.clock()) > 0:
            items = self._watched().wait(min(POLL_SECONDS, left))
            self._held.extend(items)
            if any(item in _STOPPING for item in items):
                break
            if self.recorder.save():
                return
        self._fall_behind()

    def _watched(self) -> InputSource:
        assert self._source is not None, "watching() first"
        return self._source

    def _retry(self) -> None:
        if self.recorder.save():
            self._caught_up()
        elif self.recorder.gave_up:
            self._say_damage()

    def _busy(self) -> bool:
        failure = self.recorder.failure
        return failure is not None and is_busy(failure)

    def _why_not_saved(self) -> str:
        failure = self.recorder.failure
        return why_not_saved(self.path, failure) if failure is not None else "could not be written"

    def _fall_behind(self) -> None:
        if self.recorder.gave_up:
            self._say_damage()
            return
        if self.behind:
            return
        self.behind = True
        self.notes.append(f"History {self._why_not_saved()}: the routine goes on, and is saved as soon as it can be.")

    def _caught_up(self) -> None:
        if self.behind:
            self.behind = False
            self.notes.append("History saved.")

    def _say_damage(self) -> None:
        if not self._said_damage:
            self._said_damage = True
            self.behind = True
            self.notes.append("History is damaged: this routine cannot be saved; it goes on.")
