"""What a reminder says and when it stays quiet; `remind due`. Pure: every fact is an argument."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from stretchcoach.core.rule import Routine, rule_state
from stretchcoach.remind.decide import (
    DOCTOR_TITLE,
    NO_STOP,
    Kind,
    PainState,
    RoutineSummary,
    Situation,
    due,
    notice,
    pain_state,
)
from stretchcoach.remind.schedule import build_schedule

ADVICE = "Stop doing these stretches and consult a doctor as soon as possible."
BACK_RELIEF = RoutineSummary("back-relief", "Back relief", 253)
WEEKDAYS = build_schedule(at="10:00,15:00", every=None, between=None, days="mon-fri")
AT_TEN = datetime(2026, 11, 26, 10, 0, 20)  # Thursday, just after the 10:00 reminder
WORSE = PainState(stop=True, why="Your pain was worse after your last routine than before it.")


def at(moment: datetime, **facts: object) -> Situation:
    return replace(Situation(schedule=WEEKDAYS, now=moment, routine=BACK_RELIEF), **facts)  # type: ignore[arg-type]


def test_the_reminder_says_which_routine_and_how_long() -> None:
    shown = notice(at(AT_TEN), advice=ADVICE)
    assert (shown.kind, shown.title, shown.body) == (
        Kind.REMIND,
        "Time to stretch",
        "Back relief — 4 min. Run: stretchcoach routine",
    )


def test_another_routine_is_named_in_the_command() -> None:
    other = RoutineSummary("desk-break", "Desk break", 50)
    assert other.line() == "Desk break — 1 min. Run: stretchcoach routine desk-break"


def test_without_a_catalog_the_reminder_still_says_what_to_run() -> None:
    assert notice(at(AT_TEN, routine=None), advice=ADVICE).body == "Run: stretchcoach routine"


def test_quiet_within_n_minutes_of_a_completed_routine() -> None:
    recent = at(AT_TEN, last_completed=AT_TEN - timedelta(minutes=59), quiet_minutes=60)
    assert notice(recent, advice=ADVICE).kind is Kind.QUIET
    assert notice(recent, advice=ADVICE).reason == "a routine was completed at 09:01, recently enough"
    earlier = at(AT_TEN, last_completed=AT_TEN - timedelta(minutes=61), quiet_minutes=60)
    assert notice(earlier, advice=ADVICE).kind is Kind.REMIND
    assert notice(at(AT_TEN, last_completed=AT_TEN - timedelta(minutes=1), quiet_minutes=0), advice=ADVICE).kind is (
        Kind.REMIND
    )


def test_quiet_while_snoozed_and_again_after() -> None:
    snoozed = at(AT_TEN, snoozed_until=datetime(2026, 11, 26, 11))
    assert notice(snoozed, advice=ADVICE).reason == "snoozed until 11:00"
    assert notice(at(AT_TEN, snoozed_until=AT_TEN - timedelta(seconds=1)), advice=ADVICE).kind is Kind.REMIND


def test_a_missed_reminder_comes_late_only_while_it_is_recent() -> None:
    assert notice(at(datetime(2026, 11, 26, 11, 59)), advice=ADVICE).kind is Kind.REMIND
    late = notice(at(datetime(2026, 11, 26, 12, 1)), advice=ADVICE)
    assert (late.kind, late.reason) == (Kind.QUIET, "no reminder is due at this time")
    monday_morning = notice(at(datetime(2026, 11, 30, 8)), advice=ADVICE)  # Friday 15:00 missed over the weekend
    assert monday_morning.kind is Kind.QUIET


def test_force_skips_the_quiet_checks() -> None:
    quiet = at(
        datetime(2026, 11, 28, 3), snoozed_until=datetime(2026, 11, 29), last_completed=datetime(2026, 11, 28, 3)
    )
    assert notice(quiet, advice=ADVICE, force=True).kind is Kind.REMIND


RULE_NOW = datetime(2026, 11, 26, 9, 0)


@pytest.mark.parametrize(
    ("routines", "checkins", "why"),
    [
        (
            [Routine(datetime(2026, 11, 25, 8, 0), 2, 6, "completed")],
            [],
            "On Wed 25 Nov 2026 your pain went from 2 to 6 during a routine.",
        ),
        (
            [Routine(datetime(2026, 11, 20, 8, 0), None, None, "hurt")],
            [],
            "On Fri 20 Nov 2026 you stopped a routine because it hurt.",
        ),
        (
            [],
            [(RULE_NOW - timedelta(days=days), 5) for days in (20, 10, 0)],
            "Your pain has not improved over 20 days: from 5 on Fri 6 Nov 2026 to 5 on Thu 26 Nov 2026.",
        ),
    ],
)
def test_the_rule_turns_the_reminder_into_a_doctor_notice(
    routines: list[Routine], checkins: list[tuple[datetime, int]], why: str
) -> None:
    pain = pain_state(rule_state(routines, checkins, now=RULE_NOW))
    assert pain == PainState(stop=True, why=why)
    for situation in (at(AT_TEN, pain=pain), at(AT_TEN, pain=pain, last_completed=AT_TEN)):
        shown = notice(situation, advice=ADVICE)
        assert (shown.kind, shown.title, shown.body) == (Kind.DOCTOR, DOCTOR_TITLE, f"{why} {ADVICE}")
        assert "routine" not in shown.body.replace("a routine", "")  # never suggests stretching
        assert "Run:" not in shown.body
    forced = notice(at(AT_TEN, pain=pain), advice=ADVICE, force=True)
    assert forced.kind is Kind.DOCTOR  # trying it out never bypasses the rule


def test_a_slight_rise_or_no_check_in_is_no_reason_to_stop() -> None:
    slightly = Routine(datetime(2026, 11, 25, 8, 0), 2, 3, "completed")
    assert pain_state(rule_state([slightly], [], now=RULE_NOW)) is NO_STOP
    assert pain_state(rule_state([], [], now=RULE_NOW)) is NO_STOP


def test_the_doctor_notice_comes_at_most_once_a_day() -> None:
    today = at(AT_TEN, pain=WORSE, doctor_notice_on=date(2026, 11, 26))
    assert notice(today, advice=ADVICE).reason == "the see-a-doctor notice was shown today already"
    tomorrow = at(AT_TEN + timedelta(days=1), pain=WORSE, doctor_notice_on=date(2026, 11, 26))
    assert notice(tomorrow, advice=ADVICE).kind is Kind.DOCTOR
    # and never a reminder to stretch in between
    afternoon = at(datetime(2026, 11, 26, 15, 0, 5), pain=WORSE, doctor_notice_on=date(2026, 11, 26))
    assert notice(afternoon, advice=ADVICE).kind is Kind.QUIET


# -- remind due -------------------------------------------------------------------------------------------


def test_due_after_todays_reminder_time_until_a_routine_is_done() -> None:
    assert due(at(AT_TEN)).due
    assert due(at(AT_TEN)).line == "Time to stretch: Back relief — 4 min. Run: stretchcoach routine"
    assert due(at(datetime(2026, 11, 26, 14))).due  # still due: nothing done since 10:00
    done = due(at(datetime(2026, 11, 26, 14), last_completed=datetime(2026, 11, 26, 11)))
    assert (done.due, done.line) == (False, "Next stretch: 15:00")
    before_the_reminder = at(datetime(2026, 11, 26, 10, 30), last_completed=datetime(2026, 11, 26, 9, 15))
    assert not due(before_the_reminder).due  # within the quiet minutes before it


def test_not_due_before_the_first_time_or_on_a_day_off() -> None:
    morning = due(at(datetime(2026, 11, 26, 9)))
    assert (morning.due, morning.line) == (False, "Next stretch: 10:00")
    saturday = due(at(datetime(2026, 11, 28, 16)))
    assert (saturday.due, saturday.line) == (False, "Next stretch: Mon 30 Nov 10:00")


def test_not_due_while_snoozed_or_when_the_rule_says_stop() -> None:
    snoozed = due(at(AT_TEN, snoozed_until=datetime(2026, 11, 27)))
    assert (snoozed.due, snoozed.line) == (False, "Reminders snoozed until tomorrow 00:00")
    stop = due(at(AT_TEN, pain=WORSE))
    assert (stop.due, stop.line) == (False, "Stretching paused: see a doctor")
