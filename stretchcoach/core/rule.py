"""The article's rule, applied to the person's own check-ins. Pure: times come in as arguments.

"If you find that your pain persists or even worsens despite these stretches,
stop doing them. Be sure to consult with a doctor as soon as possible."

stretchcoach does not diagnose anything. It notices the two patterns the rule
names, and once it has seen one it holds to it: a stop stays in force, and
each routine must be started on purpose, until the pain is better or the
person has seen a doctor.

- **Worsens**: pain after a routine :data:`WORSE_BY` points or more above the
  pain before it, or a routine stopped with "this hurts".
- **Persists**: over the last :data:`WINDOW_DAYS` days, check-ins on at least
  :data:`MIN_DAYS` different days spanning at least :data:`MIN_SPAN_DAYS` days,
  where the latest is 1 or more and is not clearly better than the first (at
  least :data:`BETTER_BY` points, or :data:`BETTER_SHARE` of it, lower).

Two points, or 30 %, is about the smallest change on a 0-10 pain scale that
people notice as a real change (Farrar et al. 2001; Ostelo et al. 2008); the
NHS advises seeing a GP about back pain that has not improved within a few
weeks. The README lists the sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

PAIN_MIN, PAIN_MAX = 0, 10

WORSE_BY = 2  # points up after a routine that mean "worse"; one point gets a gentler note
WINDOW_DAYS = 21  # "a few weeks"
MIN_DAYS = 3  # different days with a check-in ...
MIN_SPAN_DAYS = 14  # ... from the first to the last at least this far apart
BETTER_BY = 2  # points down from the first check-in that count as improving ...
BETTER_SHARE = 0.3  # ... or this share of it


class Verdict(StrEnum):
    OK = "ok"
    SLIGHTLY_WORSE = "slightly-worse"  # up by less than WORSE_BY: keep an eye on it
    WORSENED = "worsened"  # stop and see a doctor
    HURT = "hurt"  # the routine was stopped with "this hurts": stop and see a doctor

    @property
    def stop(self) -> bool:
        return self in (Verdict.WORSENED, Verdict.HURT)


def after_routine(pain_before: int | None, pain_after: int | None, *, hurt: bool) -> Verdict:
    """What the rule says at the end of one routine."""
    if hurt:
        return Verdict.HURT
    if pain_before is None or pain_after is None:
        return Verdict.OK
    rise = pain_after - pain_before
    if rise >= WORSE_BY:
        return Verdict.WORSENED
    return Verdict.SLIGHTLY_WORSE if rise > 0 else Verdict.OK


def improved(first: int, latest: int) -> bool:
    """Whether ``latest`` is clearly better than ``first``: 2 points, or 30 %, lower."""
    return latest < first and (latest <= first - BETTER_BY or latest <= first * (1 - BETTER_SHARE))


# -- a routine, as the rule sees it ---------------------------------------------------------------


@dataclass(frozen=True)
class Routine:
    """One routine that ended: when, its pain check-ins and how it ended (an ``Outcome`` value)."""

    at: datetime
    pain_before: int | None
    pain_after: int | None
    outcome: str

    @property
    def verdict(self) -> Verdict:
        return after_routine(self.pain_before, self.pain_after, hurt=self.outcome == "hurt")

    @property
    def clears_a_stop(self) -> bool:
        """Completed, with check-ins before and after, and the pain after no higher than before:
        a routine that left it a point higher does not say the stretches are safe again."""
        return (
            self.outcome == "completed"
            and self.pain_before is not None
            and self.pain_after is not None
            and self.verdict is Verdict.OK
        )


# -- persists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persistence:
    """The "persists" half of the rule over the check-ins of the last :data:`WINDOW_DAYS` days."""

    persists: bool
    days: int = 0  # different days with a check-in
    first: tuple[date, int] | None = None  # (day, pain) of the earliest check-in
    latest: tuple[date, int] | None = None  # ... and of the latest
    since: date | None = None  # where the window starts: WINDOW_DAYS ago, or a doctor's visit
    after_doctor: bool = False  # it starts at a doctor's visit: "since you saw a doctor", not "in the last 21 days"

    @property
    def span_days(self) -> int:
        return (self.latest[0] - self.first[0]).days if self.first and self.latest else 0

    @property
    def enough(self) -> bool:
        """Whether there are enough check-ins, far enough apart, to tell."""
        return self.days >= MIN_DAYS and self.span_days >= MIN_SPAN_DAYS

    def describe(self) -> str:
        """The state of the rule in plain words."""
        visit = f"since you saw a doctor on {day_text(self.since)}" if self.after_doctor and self.since else ""
        if self.first is None or self.latest is None:
            return (
                f"No pain check-ins {visit or f'in the last {WINDOW_DAYS} days'}. To tell whether pain persists, "
                f"stretchcoach looks for check-ins on {MIN_DAYS} or more days, {MIN_SPAN_DAYS} days or more apart."
            )
        (first_day, first), (latest_day, latest) = self.first, self.latest
        trend = f"from {first} on {day_text(first_day)} to {latest} on {day_text(latest_day)}"
        if not self.enough:
            days = f"{self.days} day{'s' if self.days != 1 else ''}"
            return (
                f"Pain check-ins on {days} {visit or f'in the last {WINDOW_DAYS}'} ({trend}): not yet enough to tell "
                f"whether it persists, which takes check-ins on {MIN_DAYS} or more days, {MIN_SPAN_DAYS} days or "
                "more apart."
            )
        if self.persists:
            return f"Your pain has not improved over {self.span_days} days: {trend}."
        if latest == 0:
            return f"Your pain has gone: {trend}."
        return f"Your pain is improving: {trend}."


def persistence(
    checkins: Sequence[tuple[datetime, int]], *, now: datetime, since: datetime | None = None
) -> Persistence:
    """Check the "persists" half of the rule over (time, pain before a routine) pairs.

    Times are local (days are counted as the person counts them). Check-ins before
    ``since`` (a doctor's visit) are left out: the rule starts again from there.
    """
    start = now - timedelta(days=WINDOW_DAYS)
    after_doctor = since is not None and since > start
    if since is not None:
        start = max(start, since)
    recent = sorted((at, pain) for at, pain in checkins if start <= at <= now)
    if not recent:
        return Persistence(persists=False, since=start.date(), after_doctor=after_doctor)
    first = (recent[0][0].date(), recent[0][1])
    latest = (recent[-1][0].date(), recent[-1][1])
    days = len({at.date() for at, _ in recent})
    state = Persistence(persists=False, days=days, first=first, latest=latest, since=start.date())
    persists = state.enough and latest[1] >= 1 and not improved(first[1], latest[1])
    return Persistence(
        persists=persists, days=days, first=first, latest=latest, since=start.date(), after_doctor=after_doctor
    )


# -- the rule in force ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """A routine after which the rule said stop, still in force."""

    routine: Routine
    went_on: tuple[datetime, ...] = ()  # each time the person chose to do a routine anyway

    @property
    def reason(self) -> Verdict:
        return self.routine.verdict

    def describe(self) -> str:
        """What happened, in plain words: "On Tue 24 Nov your pain went from 2 to 6 during a routine"."""
        when = day_text(self.routine.at.date())
        if self.reason is Verdict.HURT:
            return f"On {when} you stopped a routine because it hurt."
        return (
            f"On {when} your pain went from {self.routine.pain_before} to {self.routine.pain_after} during a routine."
        )


@dataclass(frozen=True)
class RuleState:
    """What the rule says now, from the whole history: a stop in force, pain that persists, or neither."""

    stop: Stop | None
    persistence: Persistence
    seen_doctor: datetime | None = None  # the latest visit recorded

    @property
    def binding(self) -> bool:
        """Whether a routine may only start if the person says, each time, to go on anyway."""
        return self.stop is not None or self.persistence.persists

    @property
    def reason(self) -> str | None:
        """Why the rule is binding, for the history: "worsened", "hurt" or "persists"."""
        if self.stop is not None:
            return self.stop.reason.value
        return "persists" if self.persistence.persists else None


def rule_state(
    routines: Sequence[Routine],
    checkins: Sequence[tuple[datetime, int]],
    *,
    seen_doctor: Sequence[datetime] = (),
    went_on: Sequence[datetime] = (),
    now: datetime,
) -> RuleState:
    """The rule over the history: ``routines`` that ended, pain ``checkins`` before routines,
    recorded doctor's visits and each time a routine was started anyway (all local times).

    A stop comes into force with a routine whose verdict is "worsened" or "hurt", and
    stays until a later routine clears it (:attr:`Routine.clears_a_stop`) or a doctor's
    visit is recorded after it.
    """
    visit = max((at for at in seen_doctor if at <= now), default=None)
    stop: Routine | None = None
    for routine in sorted(routines, key=lambda r: r.at):
        if routine.at > now:  # a clock set back must not read routines ahead of it
            continue
        if routine.verdict.stop:
            stop = routine
        elif stop is not None and routine.clears_a_stop:
            stop = None
    if stop is not None and visit is not None and visit >= stop.at:
        stop = None
    in_force = None if stop is None else Stop(stop, tuple(sorted(at for at in went_on if stop.at <= at <= now)))
    return RuleState(
        stop=in_force,
        persistence=persistence(checkins, now=now, since=visit),
        seen_doctor=visit,
    )


def streaks(days: Sequence[date], *, today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days with a completed routine.

    The current streak still counts if the last completed day was yesterday:
    today's routine may not have happened yet.
    """
    unique = sorted({day for day in days if day <= today})  # a clock set back must not count days ahead
    longest = run = 0
    previous: date | None = None
    for day in unique:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and (today - previous).days <= 1 else 0
    return current, longest


def day_text(day: date) -> str:
    """ "Tue 24 Nov 2026": a date people read at a glance, in any locale's terminal."""
    return f"{day:%a} {day.day} {day:%b %Y}"
