"""The article's rule, applied to the person's own check-ins. Pure: dates come in as arguments.

"If you find that your pain persists or even worsens despite these stretches,
stop doing them. Be sure to consult with a doctor as soon as possible."

stretchcoach does not diagnose anything; it only notices the two patterns the
rule names and repeats the rule when it sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

# Worsens: pain after a routine at least this many points (0-10) above the pain
# before it. Two points is the smallest change people reliably notice on a 0-10
# pain scale; a one-point rise gets a gentler note instead.
WORSE_BY = 2
# Persists: over the last WINDOW_DAYS, at least MIN_CHECKINS check-ins spanning at
# least MIN_SPAN_DAYS, every one at PERSIST_LEVEL or more, and the latest no lower
# than the first (no improvement).
WINDOW_DAYS = 14
MIN_CHECKINS = 3
MIN_SPAN_DAYS = 7
PERSIST_LEVEL = 4

PAIN_MIN, PAIN_MAX = 0, 10


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


@dataclass(frozen=True)
class Persistence:
    persists: bool
    checkins: int  # how many check-ins the window holds
    first: int | None = None
    latest: int | None = None
    span_days: int = 0

    def describe(self) -> str:
        if self.persists:
            return (
                f"Your pain has stayed at {PERSIST_LEVEL} or more without improving over "
                f"{self.checkins} check-ins in {self.span_days} days (from {self.first} to {self.latest})."
            )
        if self.checkins < MIN_CHECKINS or self.span_days < MIN_SPAN_DAYS:
            return (
                f"{self.checkins} check-in{'s' if self.checkins != 1 else ''} over {self.span_days} days in the "
                f"last {WINDOW_DAYS}; the rule looks at {MIN_CHECKINS} or more over {MIN_SPAN_DAYS} days or more."
            )
        return "Your recent check-ins show no persisting pain."


def persistence(checkins: Sequence[tuple[datetime, int]], *, now: datetime) -> Persistence:
    """Check the "persists" half of the rule over (time, pain before the routine) pairs."""
    start = now - timedelta(days=WINDOW_DAYS)
    recent = sorted((at, pain) for at, pain in checkins if start <= at <= now)
    if not recent:
        return Persistence(persists=False, checkins=0)
    span = (recent[-1][0].date() - recent[0][0].date()).days  # calendar days, as people count them
    first, latest = recent[0][1], recent[-1][1]
    persists = (
        len(recent) >= MIN_CHECKINS
        and span >= MIN_SPAN_DAYS
        and all(pain >= PERSIST_LEVEL for _, pain in recent)
        and latest >= first
    )
    return Persistence(persists=persists, checkins=len(recent), first=first, latest=latest, span_days=span)


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
