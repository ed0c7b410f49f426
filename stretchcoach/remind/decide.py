"""Whether a reminder is due, and what it says. Pure: every fact comes in as an argument.

The article's rule comes first: when the person's latest routine made the pain
worse (or was stopped because it hurt), or the pain persists, no reminder
suggests stretching; a notice says to see a doctor instead, at most once a day.
All times are naive local wall-clock times, as in :mod:`.schedule`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from stretchcoach.core.rule import RuleState
from stretchcoach.remind.schedule import Schedule, last_run, moment_words, next_run

DEFAULT_ROUTINE = "back-relief"  # what `stretchcoach routine` runs without an argument
REMINDER_TITLE = "Time to stretch"
DOCTOR_TITLE = "Stop these stretches and see a doctor"
# A reminder missed while the computer slept or was off (systemd's Persistent=true,
# launchd after a wake) still comes this long after its time; later, it is left out.
CATCH_UP = timedelta(hours=2)
DEFAULT_QUIET_MINUTES = 60


@dataclass(frozen=True)
class RoutineSummary:
    """The routine a reminder suggests: what it is called and how long its plan takes."""

    id: str
    name: str
    seconds: int

    @property
    def command(self) -> str:
        return "stretchcoach routine" if self.id == DEFAULT_ROUTINE else f"stretchcoach routine {self.id}"

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))

    def line(self) -> str:
        """E.g. "Back relief — 4 min. Run: stretchcoach routine"."""
        return f"{self.name} — {self.minutes} min. Run: {self.command}"


@dataclass(frozen=True)
class PainState:
    """What the rule says now: ``stop`` when stretching should stop, with ``why`` in words."""

    stop: bool
    why: str = ""


NO_STOP = PainState(stop=False)


def pain_state(state: RuleState) -> PainState:
    """What the rule in force means for reminders: a stop, or pain that persists, stops them."""
    if state.stop is not None:
        return PainState(stop=True, why=state.stop.describe())
    if state.persistence.persists:
        return PainState(stop=True, why=state.persistence.describe())
    return NO_STOP


class Kind(StrEnum):
    REMIND = "remind"  # time to stretch
    DOCTOR = "doctor"  # the rule holds: see a doctor, no stretching
    QUIET = "quiet"  # nothing to show now; ``reason`` says why


@dataclass(frozen=True)
class Notice:
    kind: Kind
    title: str = ""
    body: str = ""
    reason: str = ""  # for QUIET: why nothing was shown


@dataclass(frozen=True)
class Situation:
    """Everything a reminder depends on, at one moment."""

    schedule: Schedule
    now: datetime
    routine: RoutineSummary | None  # None: the catalog could not be read
    pain: PainState = NO_STOP
    snoozed_until: datetime | None = None
    last_completed: datetime | None = None  # when the latest completed routine ended
    quiet_minutes: int = DEFAULT_QUIET_MINUTES
    doctor_notice_on: date | None = None  # the day the last see-a-doctor notice was shown

    @property
    def snoozed(self) -> bool:
        return self.snoozed_until is not None and self.now < self.snoozed_until

    def done_since(self, moment: datetime) -> bool:
        """A routine was completed at ``moment``, after it, or within the quiet minutes before it."""
        if self.last_completed is None:
            return False
        return self.last_completed >= moment - timedelta(minutes=self.quiet_minutes)

    def next_words(self) -> str:
        upcoming = next_run(self.schedule, self.now)
        return moment_words(upcoming, self.now) if upcoming else "never"


def reminder_body(routine: RoutineSummary | None) -> str:
    return routine.line() if routine else "Run: stretchcoach routine"


def notice(situation: Situation, *, advice: str, force: bool = False) -> Notice:
    """What ``remind notify`` shows now. ``force`` (trying it out) skips the quiet checks, never the rule."""
    s = situation
    if s.snoozed and not force:
        assert s.snoozed_until is not None
        return Notice(Kind.QUIET, reason=f"snoozed until {moment_words(s.snoozed_until, s.now)}")
    run = last_run(s.schedule, s.now)
    if not force and (run is None or s.now - run > CATCH_UP):
        return Notice(Kind.QUIET, reason="no reminder is due at this time")
    if s.pain.stop:
        if s.doctor_notice_on == s.now.date() and not force:
            return Notice(Kind.QUIET, reason="the see-a-doctor notice was shown today already")
        return Notice(Kind.DOCTOR, DOCTOR_TITLE, f"{s.pain.why} {advice}".strip())
    if not force and s.done_since(s.now):
        assert s.last_completed is not None
        return Notice(
            Kind.QUIET, reason=f"a routine was completed at {moment_words(s.last_completed, s.now)}, recently enough"
        )
    return Notice(Kind.REMIND, REMINDER_TITLE, reminder_body(s.routine))


@dataclass(frozen=True)
class Due:
    due: bool
    line: str


def due(situation: Situation) -> Due:
    """For ``remind due``: is a routine due now (today's latest reminder time has passed, and no
    routine has been completed since), and one line to show either way."""
    s = situation
    if s.pain.stop:
        return Due(False, "Stretching paused: see a doctor")
    if s.snoozed:
        assert s.snoozed_until is not None
        return Due(False, f"Reminders snoozed until {moment_words(s.snoozed_until, s.now)}")
    run = last_run(s.schedule, s.now)
    if run is None or run.date() != s.now.date() or s.done_since(run):
        return Due(False, f"Next stretch: {s.next_words()}")
    return Due(True, f"{REMINDER_TITLE}: {reminder_body(s.routine)}")
