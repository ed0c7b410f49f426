"""The routine's displays: plain lines, the live view and its compact form, and the real Live display."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import replace

import pytest
from rich.console import Console

from stretchcoach.core.model import Catalog, Hold
from stretchcoach.core.plan import Plan, PlanOptions, plan_routine
from stretchcoach.core.session import Outcome, RoutineSession
from stretchcoach.live.cues import Cues
from stretchcoach.live.loop import run_routine
from stretchcoach.views.displays import LiveDisplay, PlainDisplay
from stretchcoach.views.live import COMPACT_HINTS, KEY_HINTS, live_view

from fakes import T0, FakeClock, ScriptedInput, TimedWriter
from fakes import run_loop as run
from helpers import big_digits, flat

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def elapsed(session: RoutineSession) -> float:
    assert session.ended is not None
    return session.ended - session.started


# -- the plain display ------------------------------------------------------------------------------


def run_plain(
    plan: Plan, script: Sequence[tuple[float, str]] = (), cues: Cues | None = None, notes: list[str] | None = None
) -> list[tuple[float, str]]:
    clock = FakeClock(T0)
    out = TimedWriter(clock)
    run_routine(
        plan,
        clock=clock,
        inputs=ScriptedInput(clock, script),
        display=PlainDisplay(out),
        cues=cues or Cues(),
        notes=notes,
        resume_after_suspend=True,
    )
    return out.writes


def test_plain_display_writes_one_line_per_step_when_it_starts(plan: Plan) -> None:
    """(The lines under a step, with the rest of what the voice says, are in test_plain_words.py.)"""
    writes = [(t, text.splitlines()[0] + "\n") for t, text in run_plain(plan) if "seconds left" not in text]
    assert len(writes) == len(plan.steps)
    assert [t for t, _ in writes] == plan.starts()
    lines = [text for _, text in writes]
    assert lines[:7] == [
        "[00:00] Supine hip flexor stretch — get ready 10 s: "
        "Lie on your back with your knees bent and your feet flat on the floor.\n",
        "[00:10] Supine hip flexor stretch — left side — hold 30 s\n",
        "[00:40] Supine hip flexor stretch — switch sides 5 s\n",
        "[00:45] Supine hip flexor stretch — right side — hold 30 s\n",
        "[01:15] Rest 10 s — next: Child's pose\n",
        "[01:25] Child's pose — get ready 10 s: Kneel and sit back on your heels with your knees bent.\n",
        "[01:35] Child's pose — hold 30 s\n",
    ]
    assert lines[9] == "[02:25] Cat-cow pose — round 1/6 — Inhale — arch your back and look up to the ceiling (4 s)\n"
    assert lines[-1] == "[04:08] Seated spinal twist — round 4/4 — Twist to the right (5 s)\n"


def test_plain_display_times_leave_out_pauses(plan: Plan) -> None:
    writes = run_plain(plan, [(3.25, "space"), (7.5, "space"), (20.0, "n")])
    assert writes[:5] == [
        (0.0, writes[0][1]),
        (3.25, "[00:03] Paused\n"),
        (7.5, "[00:03] Resumed\n"),
        (14.25, "[00:10] Supine hip flexor stretch — left side — hold 30 s\n" + writes[3][1].split("\n", 1)[1]),
        (20.0, "[00:16] Supine hip flexor stretch — switch sides 5 s\n"),
    ]


def test_plain_display_notes_an_adjustment(plan: Plan) -> None:
    writes = run_plain(plan, [(12.0, "+")])
    assert (12.0, "[00:12] Time +10 s\n") in writes
    assert (12.0, "+10 s on this step\n") in writes
    assert (50.0, "[00:50] Supine hip flexor stretch — switch sides 5 s\n") in writes


def test_plain_display_writes_a_message_once(plan: Plan) -> None:
    """A note (here: the hook cannot run) is one line in a log, not one line a second.

    Fails while the loop hands the same message to ``show`` on every redraw and
    PlainDisplay writes it each time.
    """

    def broken_spawn(*args: object, **kwargs: object) -> object:
        raise FileNotFoundError(2, "No such file or directory")

    notes: list[str] = []
    writes = run_plain(plan, cues=Cues(hook=["no-such-hook"], spawn=broken_spawn, notes=notes), notes=notes)
    notes = [text for _, text in writes if text.startswith("--on-step:")]
    assert notes == ["--on-step: cannot run no-such-hook (No such file or directory); hook turned off\n"]


# -- the live view ------------------------------------------------------------------------------------


def test_live_view_shows_the_hold(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(plan, draw_at={13.0})
    view = display.screen_at(13.0)
    text = flat(view)
    for expected in (
        "Back relief",
        "Supine hip flexor stretch",
        "LEFT SIDE",
        "Hold for 30 seconds",
        "Left knee to your chest, your hands around it; push your right leg down.",
        "1. Bring one knee up to your chest and grab it with your hands.",
        "Next: Supine hip flexor stretch — switch sides 5 s",
        "Stretch 1 of 4",
        "4:00 left",
        KEY_HINTS,
    ):
        assert expected in text
    assert big_digits(view) == ("0:27", 4)  # 80x30: 76 columns by 14 rows
    assert all(len(line) <= 80 for line in view.splitlines())
    assert "PAUSED" not in view


def test_live_view_shows_the_adjusted_hold(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(plan, [(12.0, "+")], draw_at={13.0})
    view = display.screen_at(13.0)
    assert "Hold for 40 seconds" in view
    assert big_digits(view) == ("0:37", 4)
    assert "+10 s on this step" in view
    assert "4:10 left" in view


def test_live_view_shows_the_round_and_breath(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(plan, draw_at={161.0})
    view = display.screen_at(161.0)  # cat-cow round 3, inhale
    assert "Cat-cow pose" in view
    assert "ROUND 3 OF 6" in view  # step_title "Round 3 of 6", upper-cased in the full view
    assert "Inhale — arch your back and look up to the ceiling" in view
    assert big_digits(view) == ("0:04", 4)
    assert "Stretch 3 of 4" in view
    assert "1:32 left" in view


def test_live_view_shows_paused(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(plan, [(162.5, "space"), (170.0, "space")], draw_at={162.5, 170.0})
    view = display.screen_at(162.5)
    assert "PAUSED — press space to resume" in view
    assert big_digits(view) == ("0:03", 4)
    assert "PAUSED" not in display.screen_at(170.0)


def test_compact_view_on_a_small_terminal(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(
        plan, [(13.5, "space"), (14.0, "space")], width=40, height=10, draw_at={13.0, 13.5}
    )
    view = display.screen_at(13.0)
    assert "╭" not in view  # no boxes
    assert "Supine hip flexor stretch · Left side" in view
    assert "Hold for 30 seconds" in view
    assert "0:27  stretch 1 of 4 · 4:00 left" in view
    assert all(len(line) <= 40 for line in view.splitlines())
    assert "0:27  PAUSED  stretch 1 of 4 · 4:00 left" in display.screen_at(13.5)


def test_compact_view_shows_the_adjusted_hold(plan: Plan) -> None:
    """Like the full view: after "+", the hold says 40 seconds, not the planned 30."""
    _session, _clock, _inputs, display = run(plan, [(12.0, "+")], width=40, height=10, draw_at={13.0})
    view = display.screen_at(13.0)
    assert "0:37" in view
    assert "Hold for 40 seconds" in view
    assert "Hold for 30 seconds" not in view


def test_compact_view_in_a_round(plan: Plan) -> None:
    _session, _clock, _inputs, display = run(plan, width=40, height=10, draw_at={161.0})
    assert "Cat-cow pose · Round 3 of 6" in display.screen_at(161.0)


@pytest.mark.parametrize(("width", "height"), [(20, 10), (20, 40), (300, 30), (300, 8), (59, 40), (60, 20)])
def test_live_view_at_odd_sizes_does_not_crash(quick_catalog: Catalog, width: int, height: int) -> None:
    every_kind = PlanOptions(reps=1, hold=3, prep=2, rest=2, switch=1)  # 37 s: prep, holds, switch, rest, phases
    plan = plan_routine(quick_catalog, quick_catalog.get_routine("back-relief"), every_kind)
    script = [(3.0, "+"), (4.0, "space"), (5.0, "space")]
    session, _clock, _inputs, display = run(plan, script, width=width, height=height, draw_at=None)
    assert session.outcome is Outcome.COMPLETED
    assert len(display.screens) >= plan.total_seconds
    for _t, view in display.screens:
        assert view.strip()
        assert all(len(line) <= width for line in view.splitlines())


def _render(session: RoutineSession, now: float, width: int, height: int) -> str:
    """As a colour terminal draws it: the progress bar's unfinished part is drawn too."""
    console = Console(file=io.StringIO(), width=width, height=height, force_terminal=True, color_system="truecolor")
    console.print(live_view(session, now, width=width, height=height))
    return ANSI.sub("", console.file.getvalue())  # type: ignore[attr-defined]


def test_compact_view_puts_the_key_hints_on_their_own_line(plan: Plan) -> None:
    """Fails while the ProgressBar in the compact Group ends without a newline:
    the hints are glued to the end of the bar and cropped ("━━━━…━━sp")."""
    session = RoutineSession(plan, started=0.0)
    session.update(13.0)
    lines = _render(session, 13.0, 40, 10).splitlines()
    assert any(line.startswith(COMPACT_HINTS[:12]) for line in lines), lines


@pytest.mark.parametrize(("width", "height"), [(40, 10), (60, 20), (80, 30)])
def test_the_quit_key_is_always_on_screen(plan: Plan, width: int, height: int) -> None:
    """Fails at 40 columns (compact hints are 42 characters) and at 60 (the full view's are 62)."""
    session = RoutineSession(plan, started=0.0)
    session.update(13.0)
    assert "q quit" in _render(session, 13.0, width, height)


# -- the real Live display ---------------------------------------------------------------------------


def _short_plan(catalog: Catalog) -> Plan:
    """Child's pose for 3 s: its 30 s minimum set aside, as these tests are about drawing, not timing."""
    pose = catalog.get_stretch("childs-pose")
    catalog = Catalog(catalog.warning, (replace(pose, timing=Hold(30)),), catalog.routines)
    options = PlanOptions(only=("childs-pose",), prep=0, hold=3)
    return plan_routine(catalog, catalog.get_routine("back-relief"), options)


@pytest.mark.parametrize("screen_mode", [False, True])
def test_live_display_draws_into_a_string_console(catalog: Catalog, screen_mode: bool) -> None:
    console = Console(file=io.StringIO(), width=80, height=30, force_terminal=True)
    clock = FakeClock(T0)
    with LiveDisplay(console, screen_mode=screen_mode) as live:
        session = run_routine(
            _short_plan(catalog),
            clock=clock,
            inputs=ScriptedInput(clock, [(1.5, "space"), (4.0, "space")]),
            display=live,
            cues=Cues(),
        )
    assert session.outcome is Outcome.COMPLETED
    assert elapsed(session) == 5.5
    raw = console.file.getvalue()  # type: ignore[attr-defined]
    text = ANSI.sub("", raw)
    assert "Child's pose" in text
    assert "0:03" in text
    assert "0:02" in text
    assert "PAUSED — press space to resume" in text
    assert KEY_HINTS in text
    assert raw.rfind("\x1b[?25h") > raw.rfind("\x1b[?25l")  # the cursor is shown again
    if screen_mode:
        assert raw.startswith("\x1b[?1049h")  # the alternate screen, and back
        assert "\x1b[?1049l" in raw


def test_live_display_suspend_and_resume(catalog: Catalog) -> None:
    console = Console(file=io.StringIO(), width=80, height=30, force_terminal=True)
    clock = FakeClock(T0)
    with LiveDisplay(console, screen_mode=False) as live:
        session = run_routine(
            _short_plan(catalog),
            clock=clock,
            inputs=ScriptedInput(clock, [(1.0, "<suspend>")], stopped_for=60.0),
            display=live,
            cues=Cues(),
            resume_after_suspend=True,
        )
    assert session.outcome is Outcome.COMPLETED
    assert elapsed(session) == 63
    assert "Child's pose" in ANSI.sub("", console.file.getvalue())  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", [(80, 24), (20, 10)])
def test_live_display_is_drawn_at_the_terminals_size_whatever_columns_says(
    catalog: Catalog, size: tuple[int, int]
) -> None:
    """COLUMNS=100000 LINES=40 in an 80x24 terminal. Fails while the console's size is used:
    every redraw was padded to 100,000 columns (61 MB and 2.8 s of CPU over a 10 s hold)."""
    console = Console(file=io.StringIO(), width=100_000, height=40, force_terminal=True)
    clock = FakeClock(T0)
    with LiveDisplay(console, size=lambda: size) as live:
        run_routine(_short_plan(catalog), clock=clock, inputs=ScriptedInput(clock), display=live, cues=Cues())
    frames = [ANSI.sub("", frame) for frame in console.file.getvalue().split("\x1b[H")]  # type: ignore[attr-defined]
    lines = [line for frame in frames for line in frame.split("\n")]
    assert max(len(line) for line in lines) <= size[0]
    assert max(len(frame.split("\n")) for frame in frames) <= size[1] + 1
    assert len(console.file.getvalue()) < 50_000  # type: ignore[attr-defined]
