"""run_routine driven by a fake clock and scripted keys: time, keys, signals and notes."""

from __future__ import annotations

import math

import pytest

from stretchcoach.core.plan import Plan
from stretchcoach.core.session import EventKind, Outcome, RoutineSession, Status
from stretchcoach.live.cues import Cues
from stretchcoach.live.loop import NOTE_SECONDS, run_routine
from stretchcoach.live.terminal import RESIZE

from fakes import T0, FakeClock, RecordingDisplay, ScriptedInput
from fakes import run_loop as run


def elapsed(session: RoutineSession) -> float:
    assert session.ended is not None
    return session.ended - session.started


# -- time ------------------------------------------------------------------------------------


def test_whole_routine_without_keys_takes_exactly_the_plan_total(plan: Plan) -> None:
    session, clock, _inputs, display = run(plan)
    assert session.outcome is Outcome.COMPLETED
    assert session.started == T0
    assert elapsed(session) == plan.total_seconds == 253
    assert clock.now == T0 + 253  # no waiting after the end
    assert all(r.status is Status.DONE for r in session.records)
    # Each step began exactly at its planned second.
    assert display.events_of(EventKind.STEP) == list(zip(plan.starts(), range(len(plan.steps)), strict=True))
    assert display.events_of(EventKind.FINISHED) == [(253, 30)]


def test_the_screen_is_redrawn_once_a_second_and_no_more(plan: Plan) -> None:
    _session, _clock, inputs, display = run(plan)
    assert sorted({t for t, *_ in display.shows}) == list(range(253))
    assert len(display.shows) <= 253 + len(plan.steps)
    assert max(timeout for _t, timeout in inputs.waits) <= 1.0


def test_drawing_the_screen_does_not_make_the_next_step_late(plan: Plan) -> None:
    """Drawing takes milliseconds: the wait for the next deadline counts from when drawing ended."""
    clock = FakeClock(T0)

    class SlowScreen(RecordingDisplay):
        def show(self, session: RoutineSession, now: float, message: str) -> None:
            super().show(session, now, message)
            clock.sleep(0.04)

    display = SlowScreen(clock)
    session = run_routine(plan, clock=clock, inputs=ScriptedInput(clock), display=display, cues=Cues())
    assert session.outcome is Outcome.COMPLETED
    assert display.events_of(EventKind.STEP) == list(zip(plan.starts(), range(len(plan.steps)), strict=True))
    assert elapsed(session) == plan.total_seconds


def test_a_redraw_that_runs_past_a_second_does_not_skip_that_second(plan: Plan) -> None:
    """A resize just before a whole second, on a slow screen: the second it ran into is drawn next."""
    clock = FakeClock(T0)
    left: list[int] = []  # the whole seconds left that each redraw of the first step showed

    class SlowScreen(RecordingDisplay):
        def show(self, session: RoutineSession, now: float, message: str) -> None:
            super().show(session, now, message)
            if session.index == 0:
                left.append(math.ceil(session.remaining(now)))
            clock.sleep(0.04)

    inputs = ScriptedInput(clock, [(3.98, RESIZE)])
    run_routine(plan, clock=clock, inputs=inputs, display=SlowScreen(clock), cues=Cues())
    assert sorted(set(left), reverse=True) == list(range(10, 0, -1))


def test_space_pauses_and_excludes_exactly_the_paused_time(plan: Plan) -> None:
    session, _clock, _inputs, display = run(plan, [(3.25, "space"), (7.5, "space")])
    assert session.outcome is Outcome.COMPLETED
    assert session.paused_total == 4.25
    assert elapsed(session) == 253 + 4.25
    assert session.records[0].seconds == 10
    assert display.events_of(EventKind.PAUSED) == [(3.25, 0)]
    assert display.events_of(EventKind.RESUMED) == [(7.5, 0)]
    assert display.events_of(EventKind.STEP)[1:] == [(start + 4.25, i) for i, start in enumerate(plan.starts())][1:]
    paused_shows = [(t, index) for t, _message, paused, index in display.shows if paused]
    assert paused_shows == [(3.25, 0)]  # one redraw, then wait for a key


def test_p_also_pauses(plan: Plan) -> None:
    session, *_ = run(plan, [(1.0, "p"), (2.0, "p")])
    assert session.paused_total == 1.0
    assert elapsed(session) == 254


def test_n_skips_the_current_step(plan: Plan) -> None:
    session, _clock, _inputs, display = run(plan, [(4.0, "n")])
    assert session.records[0].status is Status.SKIPPED
    assert session.records[0].seconds == 4.0
    assert display.events_of(EventKind.STEP)[:3] == [(0, 0), (4.0, 1), (34.0, 2)]
    assert elapsed(session) == 253 - 6
    assert session.outcome is Outcome.COMPLETED


def test_right_arrow_skips_too(plan: Plan) -> None:
    session, *_ = run(plan, [(4.0, "right")])
    assert session.records[0].status is Status.SKIPPED


def test_b_goes_back_to_the_previous_step(plan: Plan) -> None:
    session, _clock, _inputs, display = run(plan, [(15.0, "b")])
    assert display.events_of(EventKind.STEP)[:4] == [(0, 0), (10, 1), (15.0, 0), (25.0, 1)]
    assert elapsed(session) == 253 + 15
    assert session.records[0].seconds == 20
    assert session.records[1].seconds == 35
    assert session.outcome is Outcome.COMPLETED


def test_left_arrow_goes_back_too(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(plan, [(15.0, "left")])
    assert display.events_of(EventKind.STEP)[2] == (15.0, 0)


@pytest.mark.parametrize("key", ["+", "="])
def test_plus_adds_ten_seconds_to_the_current_hold(plan: Plan, key: str) -> None:
    session, _clock, _inputs, display = run(plan, [(12.0, key)])
    assert display.events_of(EventKind.STEP)[2] == (50, 2)
    assert session.records[1].seconds == 40
    assert elapsed(session) == 263
    assert (12.0, "+10 s on this step", False, 1) in display.shows


@pytest.mark.parametrize("key", ["-", "_"])
def test_minus_takes_ten_seconds_but_never_below_the_holds_minimum(plan: Plan, key: str) -> None:
    session, _clock, _inputs, display = run(plan, [(12.0, "+"), (13.0, key), (14.0, key)])
    assert session.records[1].seconds == 30  # back to the article's 30 s, and no lower
    assert elapsed(session) == 253
    assert (13.0, "−10 s on this step", False, 1) in display.shows
    assert (14.0, "Supine hip flexor stretch is held at least 30 s", False, 1) in display.shows


def test_plus_in_a_cat_cow_round_holds_the_position_and_minus_never_hurries_it(plan: Plan) -> None:
    session, _clock, _inputs, display = run(plan, [(146.0, "+"), (147.0, "-"), (148.0, "-")])  # round 1 inhale
    assert elapsed(session) == 253
    assert (146.0, "+3 s: holding this position longer", False, 9) in display.shows
    assert (147.0, "−3 s on this step", False, 9) in display.shows
    assert (148.0, "A round keeps the pace of the breath", False, 9) in display.shows


def test_a_twist_round_keeps_its_pace(plan: Plan) -> None:
    session, _clock, _inputs, display = run(plan, [(215.0, "+")])  # the twist to the left, 213-218
    assert elapsed(session) == 253
    assert (215.0, "Rounds keep their pace", False, 23) in display.shows


def test_a_message_stays_through_a_resize_and_goes_with_the_next_key(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(plan, [(12.0, "+"), (12.5, "<resize>"), (13.5, "x")])
    messages = {t: message for t, message, *_ in display.shows}
    assert messages[12.0] == messages[12.5] == messages[13.0] == "+10 s on this step"
    assert messages[13.5] == ""


@pytest.mark.parametrize(
    ("key", "outcome"),
    [
        ("h", Outcome.HURT),
        ("q", Outcome.QUIT),
        ("esc", Outcome.QUIT),
        ("<interrupt>", Outcome.INTERRUPTED),
        ("<terminate>", Outcome.TERMINATED),
        ("<hangup>", Outcome.HANGUP),
    ],
)
def test_keys_and_signals_that_end_the_routine(plan: Plan, key: str, outcome: Outcome) -> None:
    session, clock, _inputs, display = run(plan, [(20.5, key)])
    assert session.outcome is outcome
    assert elapsed(session) == 20.5
    assert clock.now == T0 + 20.5  # stops at once
    assert session.records[1].seconds == 10.5
    assert session.hurt_step == (plan.steps[1] if outcome is Outcome.HURT else None)
    assert display.events_of(EventKind.FINISHED) == [(20.5, 1)]


def test_a_signal_outranks_keys_that_arrive_with_it(plan: Plan) -> None:
    session, *_ = run(plan, [(5.0, "<terminate>"), (5.0, "n")])
    assert session.outcome is Outcome.TERMINATED
    assert session.records[0].status is None


def test_unknown_keys_change_nothing(plan: Plan) -> None:
    session, *_ = run(plan, [(3.0, "x"), (4.0, "enter"), (5.0, "up"), (6.0, "^01")])
    assert session.outcome is Outcome.COMPLETED
    assert elapsed(session) == 253


def test_suspend_pauses_and_stays_paused_until_space(plan: Plan) -> None:
    session, _clock, inputs, display = run(plan, [(12.0, "<suspend>"), (150.0, "space")], stopped_for=100.0)
    assert inputs.suspended == 1
    assert display.calls == ["suspend@12.0", "resume@112.0"]
    assert display.events_of(EventKind.PAUSED) == [(12.0, 1)]
    assert display.events_of(EventKind.RESUMED) == [(150.0, 1)]
    assert (112.0, "", True, 1) in display.shows  # back from fg: still paused
    assert session.paused_total == 138.0
    assert elapsed(session) == 253 + 138
    assert session.records[1].seconds == 30


def test_suspend_resumes_by_itself_when_asked(plan: Plan) -> None:
    session, _clock, _inputs, display = run(plan, [(12.0, "<suspend>")], stopped_for=100.0, resume_after_suspend=True)
    assert display.events_of(EventKind.RESUMED) == [(112.0, 1)]
    assert session.paused_total == 100.0
    assert elapsed(session) == 353
    assert session.outcome is Outcome.COMPLETED


def test_continue_from_outside_takes_the_terminal_back(plan: Plan) -> None:
    session, _clock, inputs, display = run(plan, [(30.0, "<continue>")])
    assert inputs.reclaimed == 1
    assert display.calls == ["resume@30.0"]
    assert elapsed(session) == 253


def test_ctrl_z_puts_the_screen_back_before_anything_else(plan: Plan) -> None:
    """The shell may be taking the terminal back already: the pause is saved after the screen is put back."""
    clock = FakeClock(T0)
    display = RecordingDisplay(clock)
    inputs = ScriptedInput(clock, [(12.0, "<suspend>"), (13.0, "q")])
    run_routine(
        plan,
        clock=clock,
        inputs=inputs,
        display=display,
        cues=Cues(),
        observe=lambda session: display.calls.append(f"saved{' paused' if session.paused else ''}"),
    )
    first_pause = display.calls.index("saved paused")
    assert display.calls.index("suspend@12.0") < first_pause


# -- notes ---------------------------------------------------------------------------------------------


def test_a_note_outlives_its_step_and_then_gives_its_rows_back(plan: Plan) -> None:
    """A note left as a step begins (a player that failed) is not lost with that step, and
    does not stay for the rest of the routine either: after NOTE_SECONDS the countdown has its rows."""
    notes: list[str] = []

    def observe(session: RoutineSession) -> None:
        if session.index == 2 and not notes:  # switch sides, 40 s to 45 s
            notes.append("Sound: the player failed; using the terminal bell.")

    clock = FakeClock(T0)
    display = RecordingDisplay(clock)
    run_routine(
        plan, clock=clock, inputs=ScriptedInput(clock), display=display, cues=Cues(), notes=notes, observe=observe
    )
    messages = {t: message for t, message, *_ in display.shows}
    assert messages[40.0].startswith("Sound:")
    assert messages[46.0] == messages[40.0]  # the right side has begun: the note stays
    assert messages[40.0 + NOTE_SECONDS - 1] == messages[40.0]
    assert messages[40.0 + NOTE_SECONDS] == ""


def test_notes_left_while_the_routine_runs_are_shown_until_a_key(plan: Plan) -> None:
    """What the history saver (here: ``observe``) leaves in the notes is the display's next message."""
    notes: list[str] = []

    def observe(session: RoutineSession) -> None:
        if session.index == 1 and not notes:
            notes.append("History saved.")

    clock = FakeClock(T0)
    display = RecordingDisplay(clock)
    run_routine(
        plan,
        clock=clock,
        inputs=ScriptedInput(clock, [(20.0, "x")]),
        display=display,
        cues=Cues(),
        notes=notes,
        observe=observe,
    )
    messages = {t: message for t, message, *_ in display.shows}
    assert messages[9.0] == ""
    assert messages[10.0] == messages[19.0] == "History saved."
    assert messages[20.0] == ""
    assert notes == []  # taken by the loop
