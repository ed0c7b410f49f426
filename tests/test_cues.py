"""Cues: bells, speech and the --on-step hook, with fake processes and a StringIO terminal.

(The sounds a routine plays, and how a failing player or voice is dealt with, are in
test_sound_events.py.)

A few tests run real processes instead: stand-in speech commands and hooks from
tests/data/fake_command.py, to show what a real program receives and that
nothing is left running.
"""

from __future__ import annotations

import dataclasses
import errno
import io
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fake_processes import FakeSpawn

from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan
from stretchcoach.core.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.core.words import speaking_time
from stretchcoach.errors import StretchcoachError
from stretchcoach.live.bells import BELL_GAP, DONE_BELLS, NEXT_STRETCH_BELLS, SWITCH_BELLS, bell_count
from stretchcoach.live.cues import MAX_HOOKS, Cues, parse_hook
from stretchcoach.live.loop import run_routine
from stretchcoach.live.processes import HOOK_GRACE, KILL_AFTER
from stretchcoach.live.speech import SPEECH_COMMANDS, SpeechCommand, find_speech_command, speech_command, spoken_text

from fakes import FakeClock, ScriptedInput, SilentDisplay, TimedWriter
from helpers import back_relief

DATA = Path(__file__).parent / "data"


def all_events(plan: Plan, outcome: Outcome = Outcome.COMPLETED) -> tuple[RoutineSession, list[Event]]:
    """Every event of a run with no keys, one update a second; ended with ``outcome`` if not completed."""
    session = RoutineSession(plan, started=0.0)
    events = session.begin()
    for t in range(1, plan.total_seconds + 1):
        events += session.update(float(t))
        if outcome is not Outcome.COMPLETED and t == 20:
            events += session.finish(outcome, float(t))
            break
    return session, events


def bells_by_index(plan: Plan) -> list[tuple[int, str, int]]:
    _session, events = all_events(plan)
    return [(e.index, e.kind.value, bell_count(e)) for e in events if bell_count(e)]


# -- how many bells -------------------------------------------------------------------------------


def test_bell_patterns_for_the_builtin_routine(plan: Plan) -> None:
    assert (SWITCH_BELLS, NEXT_STRETCH_BELLS, DONE_BELLS) == (1, 2, 3)
    # A stretch begins at step 0; switch at step 2; on to the next stretch at each rest (4, 7, 21);
    # done at the end.
    assert bells_by_index(plan) == [
        (0, "step", 2),
        (2, "step", 1),
        (4, "step", 2),
        (7, "step", 2),
        (21, "step", 2),
        (30, "finished", 3),
    ]


def test_without_rests_the_next_stretch_bells_ring_at_its_prep(catalog: Catalog) -> None:
    plan = back_relief(catalog, rest=0)
    assert bells_by_index(plan) == [
        (0, "step", 2),
        (2, "step", 1),
        (4, "step", 2),
        (6, "step", 2),
        (19, "step", 2),
        (27, "finished", 3),
    ]


def test_without_prep_or_rest_the_next_stretch_bells_ring_at_its_first_step(catalog: Catalog) -> None:
    plan = back_relief(catalog, rest=0, prep=0)
    assert bells_by_index(plan) == [
        (0, "step", 2),
        (1, "step", 1),
        (3, "step", 2),
        (4, "step", 2),
        (16, "step", 2),
        (23, "finished", 3),
    ]


def test_changing_sides_rings_once_even_without_a_switch_step(catalog: Catalog) -> None:
    """--switch 0: the right-side hold follows the left one directly; that is still a side change.

    Fails while bell_count only rings for SWITCH steps: with --switch 0 the person
    gets no bell at all to change sides.
    """
    plan = back_relief(catalog, switch=0)
    assert bells_by_index(plan)[1] == (2, "step", 1)


@pytest.mark.parametrize("outcome", [Outcome.QUIT, Outcome.HURT, Outcome.INTERRUPTED, Outcome.TERMINATED])
def test_no_done_bells_when_stopped_early(plan: Plan, outcome: Outcome) -> None:
    _session, events = all_events(plan, outcome)
    assert events[-1].kind is EventKind.FINISHED
    assert bell_count(events[-1]) == 0


@pytest.mark.parametrize("kind", [EventKind.LAST_SECONDS, EventKind.PAUSED, EventKind.RESUMED, EventKind.ADJUSTED])
def test_other_events_ring_nothing(plan: Plan, kind: EventKind) -> None:
    assert bell_count(Event(kind, 1, plan.steps[1], plan.steps[0])) == 0


def test_the_first_step_rings_a_stretch_beginning(plan: Plan) -> None:
    """Someone who started the routine and lay down hears it begin. Fails while the first step is silent."""
    assert bell_count(Event(EventKind.STEP, 0, plan.steps[0])) == NEXT_STRETCH_BELLS


# -- ringing -----------------------------------------------------------------------------------------


def step_event(plan: Plan, index: int) -> Event:
    return Event(EventKind.STEP, index, plan.steps[index], plan.steps[index - 1])


def test_bells_are_rung_only_when_due_and_gap_apart(plan: Plan) -> None:
    out = io.StringIO()
    cues = Cues(bell_out=out)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 4)], session, 75.0)  # two bells: on to child's pose
    assert out.getvalue() == "\a"
    assert cues.next_due(75.0) == pytest.approx(BELL_GAP)
    cues.ring(75.2)
    assert out.getvalue() == "\a"
    cues.ring(75.0 + BELL_GAP)
    assert out.getvalue() == "\a\a"
    assert cues.next_due(76.0) >= 60
    cues.ring(80.0)
    assert out.getvalue() == "\a\a"


def test_one_batch_rings_only_its_newest_pattern(plan: Plan) -> None:
    """One late update passed the switch (1 bell) and the rest (2 bells) at once: where you are now
    is what counts, so the rest's two bells ring, and nothing after them."""
    out = io.StringIO()
    cues = Cues(bell_out=out)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 2), step_event(plan, 4)], session, 80.0)
    assert out.getvalue() == "\a"
    cues.ring(80.0 + BELL_GAP)
    assert out.getvalue() == "\a\a"
    assert not cues.ringing


def test_a_new_pattern_replaces_one_still_waiting(plan: Plan) -> None:
    """A pattern already ringing rings out; one still waiting its turn is replaced by a newer one."""
    clock = FakeClock(75.0)
    out = TimedWriter(clock)
    cues = Cues(bell_out=out)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 4)], session, clock())  # 2 bells; the first rings now
    clock.now = 75.1
    cues.handle([step_event(plan, 2)], session, clock())  # 1 bell, waiting its turn...
    clock.now = 75.2
    cues.handle([step_event(plan, 7)], session, clock())  # ...replaced by these 2
    while cues.ringing:
        clock.sleep(cues.next_bell(clock()))
        cues.ring(clock())
    assert out.rung() == pytest.approx([0.0, BELL_GAP, 3 * BELL_GAP, 4 * BELL_GAP])  # seconds after 75


def test_bells_too_late_to_mean_anything_are_dropped(plan: Plan) -> None:
    """The loop did not come back for seconds (the process was stopped): the pattern's moment is gone."""
    out = io.StringIO()
    cues = Cues(bell_out=out)
    cues.handle([step_event(plan, 4)], RoutineSession(plan, started=0.0), 75.0)
    cues.ring(80.0)
    assert out.getvalue() == "\a"
    assert not cues.ringing


def test_a_routine_stopped_early_rings_nothing_more(plan: Plan) -> None:
    out = io.StringIO()
    cues = Cues(bell_out=out)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 4)], session, 75.0)  # the second bell is still to come
    cues.handle(session.finish(Outcome.QUIT, 75.1), session, 75.1)
    cues.ring(75.0 + BELL_GAP)
    assert out.getvalue() == "\a"
    assert not cues.ringing


def test_a_pasted_block_of_n_rings_a_few_bells_not_dozens(plan: Plan) -> None:
    """Forty "n" in one paste skip through the routine. Fails while every pattern queues up behind
    the last: 35 bells then rang for more than 20 s, on past the summary."""
    clock = FakeClock()
    out = TimedWriter(clock)
    cues = Cues(bell_out=out)
    paste = [(12.0, "n")] * 40
    session = run_routine(plan, clock=clock, inputs=ScriptedInput(clock, paste), display=SilentDisplay(), cues=cues)
    cues.flush(clock.sleep, clock)
    assert session.outcome is Outcome.QUIT  # skipped through: not completed, so no "done" bells
    after_paste = [t for t in out.rung() if t >= 12.0]
    assert len(after_paste) <= 4, after_paste
    assert max(after_paste) <= 12.0 + 4 * BELL_GAP


def test_a_new_pattern_waits_a_gap_after_the_last_bell_rung(plan: Plan) -> None:
    """Quick "n" presses: switch (1 bell) then, 0.1 s later, the next stretch (2 bells).

    Fails while rung bells are forgotten: the next pattern starts 0.1 s after the last
    bell, and the person hears three bells run together, the "done" signal.
    """
    clock = FakeClock(40.0)
    out = TimedWriter(clock)
    cues = Cues(bell_out=out)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 2)], session, clock())
    clock.now = 40.1
    cues.handle([step_event(plan, 4)], session, clock())
    while cues.next_due(clock()) < 60:
        clock.sleep(cues.next_due(clock()))
        cues.ring(clock())
    rung = out.rung()
    assert len(rung) == 3
    assert all(b - a >= BELL_GAP - 0.01 for a, b in itertools.pairwise(rung)), rung


def test_no_bell_stream_means_no_bells(plan: Plan) -> None:
    cues = Cues()
    cues.handle([step_event(plan, 4)], RoutineSession(plan, started=0.0), 75.0)
    assert cues.next_due(75.0) >= 60


def test_flush_rings_the_done_pattern_with_gaps(plan: Plan) -> None:
    out = io.StringIO()
    cues = Cues(bell_out=out)
    session, events = all_events(plan)
    cues.handle([events[-1]], session, 253.0)
    assert out.getvalue() == "\a"
    clock = [253.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    cues.flush(sleep, lambda: clock[0])
    assert out.getvalue() == "\a\a\a"
    assert sum(slept) == pytest.approx(2 * BELL_GAP)


def test_done_rings_three_bells_apart_even_when_the_loop_comes_back_late(plan: Plan) -> None:
    """The loop comes back 0.8 s after "done" began (saving the history took that long): the two
    bells left are rung one at a time, a gap apart, from then. Fails while every bell due is
    written at once: the three are heard as fewer, "done" as another pattern."""
    clock = FakeClock(253.0)
    out = TimedWriter(clock)
    cues = Cues(bell_out=out)
    session, events = all_events(plan)
    cues.handle([events[-1]], session, clock())
    clock.now = 253.8
    cues.ring(clock())
    while cues.ringing:
        clock.sleep(cues.next_bell(clock()))
        cues.ring(clock())
    assert [text for _, text in out.writes] == ["\a", "\a", "\a"], "each bell a write of its own"
    rung = out.rung()
    assert len(rung) == DONE_BELLS
    assert all(b - a >= BELL_GAP - 1e-6 for a, b in itertools.pairwise(rung)), rung


def test_a_pattern_waiting_behind_a_late_one_keeps_its_distance(plan: Plan) -> None:
    clock = FakeClock(75.0)
    out = TimedWriter(clock)
    cues = Cues(bell_out=out)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 4)], session, clock())  # 2 bells, the first now
    clock.now = 75.2
    cues.handle([step_event(plan, 2)], session, clock())  # 1 bell, after them
    clock.now = 75.9  # late: the second bell moves to now, the next pattern after it
    while cues.ringing:
        cues.ring(clock())
        clock.sleep(cues.next_bell(clock()))
    rung = out.rung()
    assert len(rung) == 3
    assert rung[2] - rung[1] >= 2 * BELL_GAP - 1e-6, rung


def test_a_closed_bell_stream_is_not_an_error(plan: Plan) -> None:
    out = io.StringIO()
    out.close()
    cues = Cues(bell_out=out)
    cues.handle([step_event(plan, 4)], RoutineSession(plan, started=0.0), 75.0)
    cues.ring(76.0)
    assert cues.next_due(76.0) >= 60, "the bells due were given up, not kept to be retried"


def test_the_routine_loop_rings_every_pattern_on_time(plan: Plan) -> None:
    clock = FakeClock()
    out = TimedWriter(clock)
    cues = Cues(bell_out=out)
    run_routine(plan, clock=clock, inputs=ScriptedInput(clock), display=SilentDisplay(), cues=cues)
    assert not cues.ringing, "the done bells ring out before the routine loop hands over to the summary"
    expected = [0.0, BELL_GAP, 40.0, 75.0, 75.0 + BELL_GAP, 125.0, 125.0 + BELL_GAP, 193.0, 193.0 + BELL_GAP]
    expected += [253.0, 253.0 + BELL_GAP, 253.0 + 2 * BELL_GAP]
    assert out.rung() == pytest.approx(expected, abs=0.01)


def test_a_signal_while_the_done_bells_ring_hushes_them(quick_catalog: Catalog) -> None:
    plan = back_relief(quick_catalog, only=("childs-pose",), prep=0, hold=5)
    clock = FakeClock()
    out = TimedWriter(clock)
    cues = Cues(bell_out=out)
    keys = ScriptedInput(clock, [(5.1, "<interrupt>")])
    session = run_routine(plan, clock=clock, inputs=keys, display=SilentDisplay(), cues=cues)
    assert session.outcome is Outcome.COMPLETED  # it was over before the Ctrl-C
    assert out.rung() == pytest.approx([0.0, BELL_GAP, 5.0])  # the beginning's two, then the first of "done"
    assert not cues.ringing


ESPEAK = SpeechCommand(("/usr/bin/espeak-ng", "--stdin"), stdin=True)


# -- speech -------------------------------------------------------------------------------------------


def test_speech_gets_its_words_on_standard_input(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = spawn.cues(speech=ESPEAK)
    cues.handle([step_event(plan, 1)], RoutineSession(plan, started=0.0), 10.0)
    (process,) = spawn.processes
    assert process.args == ["/usr/bin/espeak-ng", "--stdin"]
    assert process.stdin == b"Left side. Left knee to your chest, your hands around it; push your right leg down. " + (
        b"Hold for 30 seconds."
    )
    assert not process.kwargs.get("shell")
    assert process.kwargs["stdout"] is subprocess.DEVNULL
    assert process.kwargs["start_new_session"] is True


SPEECH_ATTACKS = (DATA / "speech-attacks.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("text", SPEECH_ATTACKS)
@pytest.mark.parametrize(
    ("name", "platform"),
    [("espeak-ng", "linux"), ("espeak", "linux"), ("spd-say", "linux"), ("say", "darwin"), ("say", "linux")],
)
def test_no_cue_can_be_an_option_of_any_speech_command(name: str, platform: str, text: str) -> None:
    """Each supported program gets the text where its parser cannot take it for an option: on
    standard input, or as the one argument after "--"; the options before are the same whatever
    the text. Fails while the text is one more argument: ``-f FILE`` had espeak-ng read any file
    of yours aloud."""
    command = speech_command(name, f"/usr/bin/{name}", platform=platform)
    argv, stdin = command.invocation(text)
    plain_argv, _ = command.invocation("Inhale")
    if stdin is not None:
        assert stdin.decode() == text
        assert argv == plain_argv
    else:
        assert argv[:-1] == plain_argv[:-1]
        assert argv[-2] == "--"
        assert argv[-1].replace("%%", "%") == text


def test_spd_say_is_given_no_printf_directives() -> None:
    """spd-say hands its text to a printf-style function: a bare "%n" there writes to memory."""
    argv, _ = speech_command("spd-say", "/usr/bin/spd-say").invocation("100% %n%s done")
    assert argv[-1] == "100%% %%n%%s done"


def test_speech_never_gets_more_than_an_argument_can_hold() -> None:
    argv, _ = speech_command("say", "/usr/bin/say", platform="linux").invocation("stretch " * 100_000)
    assert len(argv[-1]) <= 2000


def test_new_speech_cuts_off_a_running_utterance(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = spawn.cues(speech=ESPEAK)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1)], session, 10.0)
    cues.handle([step_event(plan, 2)], session, 40.0)
    first, second = spawn.processes
    assert first.sent() == [signal.SIGTERM]  # to its process group: whatever it started goes too
    assert second.stdin == b"Switch sides"
    second.running = False  # finished speaking on its own
    cues.handle([step_event(plan, 3)], session, 45.0)
    assert second.sent() == []


def test_speech_that_ignores_sigterm_is_killed_soon_after(plan: Plan) -> None:
    """Fails while a cut-off voice is only asked to stop: one that ignored it left 12 processes."""
    spawn = FakeSpawn(ignores_term=True)
    cues = spawn.cues(speech=ESPEAK)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1)], session, 10.0)
    cues.handle([step_event(plan, 2)], session, 40.0)
    first = spawn.processes[0]
    assert cues.next_due(40.0) == pytest.approx(KILL_AFTER)  # the loop wakes up for it, paused or not
    cues.ring(40.0 + KILL_AFTER / 2)
    assert first.sent() == [signal.SIGTERM]
    cues.ring(40.0 + KILL_AFTER)
    assert first.sent() == [signal.SIGTERM, signal.SIGKILL]
    assert first.poll() is not None


def test_one_batch_speaks_only_its_newest_words(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = spawn.cues(speech=ESPEAK)
    cues.handle([step_event(plan, 2), step_event(plan, 3)], RoutineSession(plan, started=0.0), 45.0)
    assert spawn.said() == [
        "Right side. Right knee to your chest, your hands around it; push your left leg down. Hold for 30 seconds."
    ]


def test_a_missing_speech_command_gives_one_note_then_silence(plan: Plan) -> None:
    spawn = FakeSpawn(FileNotFoundError(2, "No such file or directory"))
    cues = spawn.cues(speech=ESPEAK)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1)], session, 10.0)
    cues.handle([step_event(plan, 2), step_event(plan, 3)], session, 45.0)
    assert spawn.attempts == 1
    assert cues.notes == ["Voice: espeak-ng cannot be run (No such file or directory); going on without it."]
    assert cues.speech is None


def test_find_speech_command_takes_the_first_on_path() -> None:
    found = {"say": "/usr/bin/say", "espeak": "/opt/bin/espeak", "spd-say": "/usr/bin/spd-say"}
    assert find_speech_command(found.get) == speech_command("espeak", "/opt/bin/espeak")
    assert find_speech_command({"spd-say": "/usr/bin/spd-say"}.get) == speech_command("spd-say", "/usr/bin/spd-say")
    assert find_speech_command({"espeak-ng": "/e", "say": "/s"}.get) == speech_command("espeak-ng", "/e")
    assert find_speech_command(lambda name: None) is None


def spoken(plan: Plan, index: int) -> str | None:
    return spoken_text(step_event(plan, index), RoutineSession(plan, started=0.0))


def test_spoken_text_for_steps(plan: Plan) -> None:
    first = spoken_text(Event(EventKind.STEP, 0, plan.steps[0]), RoutineSession(plan, started=0.0))
    assert first == (
        "Supine hip flexor stretch. Get ready: Lie on your back with your knees bent and your feet flat on the floor. "
        "Bring one knee up to your chest and grab it with your hands. "
        "Use your hips and abs to push your other leg down into the stretch. Hold, then repeat on the other side."
    )
    assert spoken(plan, 1) == (
        "Left side. Left knee to your chest, your hands around it; push your right leg down. Hold for 30 seconds."
    )
    assert spoken(plan, 2) == "Switch sides"
    assert spoken(plan, 3) == (
        "Right side. Right knee to your chest, your hands around it; push your left leg down. Hold for 30 seconds."
    )
    assert spoken(plan, 4) == "Rest. Next: Child's pose"
    assert spoken(plan, 6) == (
        "Hold for 30 seconds. Tip: If you feel pain in your lower back, "
        "place a small pillow under your stomach to help support your spine."
    )
    # A 4-second breath has no time for its whole cue (said while getting ready): its breath word.
    assert spoken(plan, 9) == "Inhale"
    assert spoken(plan, 10) == "Exhale"
    assert spoken(plan, 23) == "Twist to the left"


def test_spoken_text_for_other_events(plan: Plan) -> None:
    session = RoutineSession(plan, started=0.0)
    say = {kind: spoken_text(Event(kind, 1, plan.steps[1]), session) for kind in EventKind if kind != "step"}
    assert say == {
        EventKind.LAST_SECONDS: "10 seconds left",
        EventKind.PAUSED: "Paused",
        EventKind.RESUMED: "Resuming",
        EventKind.ADJUSTED: None,
        EventKind.FINISHED: "Routine stopped.",  # not finished yet: nothing to congratulate
    }


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        (Outcome.COMPLETED, "Routine complete."),
        (
            Outcome.HURT,
            "Stopping now. If your pain persists or worsens, stop these stretches and see a doctor.",
        ),
        (Outcome.QUIT, "Routine stopped."),
        (Outcome.INTERRUPTED, "Routine stopped."),
        (Outcome.TERMINATED, "Routine stopped."),
        (Outcome.HANGUP, "Routine stopped."),
    ],
)
def test_spoken_text_when_finished(plan: Plan, outcome: Outcome, text: str) -> None:
    session, events = all_events(plan, outcome)
    assert events[-1].kind is EventKind.FINISHED
    assert spoken_text(events[-1], session) == text


def test_the_routine_loop_speaks_each_cue_in_order(quick_catalog: Catalog) -> None:
    plan = back_relief(quick_catalog, only=("supine-hip-flexor", "cat-cow"), reps=1, hold=20)
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=1.0)  # each says its words in a second
    cues = spawn.cues(speech=ESPEAK)
    run_routine(plan, clock=clock, inputs=ScriptedInput(clock), display=SilentDisplay(), cues=cues)
    assert spawn.said() == [
        "Supine hip flexor stretch. Get ready: Lie on your back with your knees bent and your feet flat on the floor. "
        "Bring one knee up to your chest and grab it with your hands. "
        "Use your hips and abs to push your other leg down into the stretch. Hold, then repeat on the other side.",
        "Left side. Left knee to your chest, your hands around it; push your right leg down. Hold for 20 seconds.",
        "10 seconds left",
        "Switch sides",
        "Right side. Right knee to your chest, your hands around it; push your left leg down. Hold for 20 seconds.",
        "10 seconds left",
        "Rest. Next: Cat-cow pose",
        "Cat-cow pose. Get ready: Start on your hands and knees with your back in a neutral position. "
        "As you inhale, arch your back and look up to the ceiling. "
        "As you exhale, round your back and tuck your chin to your chest. "
        "Repeat several times, moving slowly and with deep breaths. "
        "You can hold each position for a few seconds if you need a deeper stretch.",
        "Inhale",
        "Exhale",
        "Routine complete.",
    ]


# -- the --on-step hook -------------------------------------------------------------------------------


def test_hook_gets_the_step_as_json_on_stdin(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = spawn.cues(hook=["notify", "--urgent"])
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1), Event(EventKind.PAUSED, 1, plan.steps[1])], session, 10.0)
    (process,) = spawn.processes  # steps only, not pauses
    assert process.args == ["notify", "--urgent"]
    assert not process.kwargs.get("shell")
    assert process.kwargs["start_new_session"] is True
    assert process.stdin is not None
    assert process.stdin.endswith(b"\n")
    assert json.loads(process.stdin) == {
        "kind": "hold",
        "stretch": "supine-hip-flexor",
        "side": "left",
        "rep": None,
        "seconds": 30,
        "cue": "Left side. Hold for 30 seconds",
        "breath": None,
        "index": 1,
        "steps": 31,
        "routine": "back-relief",
        "name": "Supine hip flexor stretch",
    }


def test_hook_json_for_a_phase(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = spawn.cues(hook=["hook"])
    cues.handle([step_event(plan, 14)], RoutineSession(plan, started=0.0), 165.0)
    data = json.loads(spawn.processes[0].stdin or b"")
    assert {k: data[k] for k in ("kind", "stretch", "side", "rep", "seconds", "cue", "breath")} == {
        "kind": "phase",
        "stretch": "cat-cow",
        "side": None,
        "rep": 3,
        "seconds": 4,
        "cue": "Exhale — round your back and tuck your chin to your chest",
        "breath": "exhale",
    }


def test_hooks_that_never_finish_cannot_pile_up(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = spawn.cues(hook=["hangs"])
    session = RoutineSession(plan, started=0.0)
    for index in range(1, 31):
        cues.handle([step_event(plan, index)], session, float(index))
    running = [p for p in spawn.processes if not p.signals]
    assert len(spawn.processes) == 30
    assert len(running) == MAX_HOOKS
    assert running == spawn.processes[-MAX_HOOKS:]  # the oldest were ended


def test_a_real_hook_process_reads_the_json(plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "hook.json"
    script = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.stdin.read())"
    cues = Cues(hook=[sys.executable, "-c", script, str(out)])
    cues.handle([step_event(plan, 2)], RoutineSession(plan, started=0.0), 40.0)
    deadline = time.monotonic() + 20
    while not (out.exists() and out.read_text().endswith("\n")) and time.monotonic() < deadline:
        time.sleep(0.02)
    data = json.loads(out.read_text())
    assert (data["kind"], data["stretch"], data["side"], data["seconds"]) == ("switch", "supine-hip-flexor", "right", 5)
    cues.close(time.monotonic, time.sleep)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, and not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != b"Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to see what is left")
@pytest.mark.parametrize(
    "leaves",
    [
        "sleep 30 & echo $! > {pids}",  # the hook exits at once, its child goes on
        "(trap '' TERM; exec sleep 30) & echo $! > {pids}; wait",  # the hook ends on SIGTERM, its child ignores it
    ],
    ids=["exits-and-leaves-a-child", "child-ignores-sigterm"],
)
def test_nothing_a_hook_left_running_outlives_the_routine(plan: Plan, tmp_path: Path, leaves: str) -> None:
    pids = tmp_path / "pids"
    cues = Cues(hook=["sh", "-c", leaves.format(pids=pids)])
    cues.handle([step_event(plan, 1)], RoutineSession(plan, started=0.0), 10.0)
    deadline = time.monotonic() + 20
    while not (pids.exists() and pids.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.02)
    left = int(pids.read_text())
    assert _running(left)
    started = time.monotonic()
    cues.close(time.monotonic, time.sleep)
    assert time.monotonic() - started < HOOK_GRACE + 2 * KILL_AFTER + 1
    deadline = time.monotonic() + 5  # init reaps what it inherited, a moment after it dies
    while _running(left) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _running(left), "a process the hook started outlived the routine"
    assert cues._children.children == []


def test_a_hook_that_never_reads_its_input_never_blocks_the_routine(plan: Plan) -> None:
    """The step's JSON over 64 KiB (a long cue) to a hook that does not read it. Fails while the JSON
    goes through a pipe: the write waited for a reader forever, deaf to Ctrl-C, SIGTERM and SIGHUP."""
    step = dataclasses.replace(plan.steps[1], cue="Hold. " * 40_000)
    hook = [sys.executable, "-c", "import time; time.sleep(60)"]
    cues = Cues(hook=hook)
    started = time.monotonic()
    cues.handle([Event(EventKind.STEP, 1, step, plan.steps[0])], RoutineSession(plan, started=0.0), 10.0)
    assert time.monotonic() - started < 5
    (child,) = cues._children.children
    cues.close(time.monotonic, time.sleep)
    assert child.process.poll() is not None, "the hook was left running"


def test_a_hook_that_cannot_start_is_turned_off_with_one_note(plan: Plan, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-hook")
    cues = Cues(hook=[missing])  # the real Popen
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1)], session, 10.0)
    cues.handle([step_event(plan, 2)], session, 40.0)
    assert cues.hook is None
    assert cues.notes == [f"--on-step: cannot run {missing} ({os.strerror(errno.ENOENT)}); hook turned off"]


def test_parse_hook_splits_like_a_shell_without_one() -> None:
    assert parse_hook("notify-send 'Stretch now' --urgency=low") == ["notify-send", "Stretch now", "--urgency=low"]
    assert parse_hook("cmd; rm -rf /") == ["cmd;", "rm", "-rf", "/"]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("", "--on-step: expected a command, got an empty string"),
        ("   ", "--on-step: expected a command, got an empty string"),
        (
            "say 'unclosed",
            '--on-step: cannot split "say \'unclosed" into arguments: a quote or a backslash is left open',
        ),
        ("say back\\", "--on-step: cannot split 'say back\\\\' into arguments: a quote or a backslash is left open"),
    ],
)
def test_parse_hook_errors(command: str, message: str) -> None:
    with pytest.raises(StretchcoachError) as caught:
        parse_hook(command)
    assert caught.value.message == message
    assert caught.value.exit_code == 2


# -- ending what was started --------------------------------------------------------------------------


def finished(plan: Plan, outcome: Outcome = Outcome.COMPLETED) -> tuple[RoutineSession, list[Event]]:
    session = RoutineSession(plan, started=0.0)
    return session, session.finish(outcome, 100.0)


def test_close_lets_the_last_words_finish(plan: Plan) -> None:
    clock = FakeClock(100.0)
    spawn = FakeSpawn(clock=clock, exits_at=101.0)  # "Routine complete." takes about 1 s
    cues = spawn.cues(speech=ESPEAK)
    session, events = finished(plan)
    cues.handle(events, session, clock())
    cues.close(clock, clock.sleep)
    (process,) = spawn.processes
    assert process.signals == []
    assert clock() == pytest.approx(101.0, abs=0.06)  # no longer than it took


def test_close_ends_a_voice_that_does_not_stop(plan: Plan) -> None:
    clock = FakeClock(100.0)
    spawn = FakeSpawn(clock=clock, ignores_term=True)
    cues = spawn.cues(speech=ESPEAK)
    session, events = finished(plan, Outcome.HURT)
    cues.handle(events, session, clock())
    cues.close(clock, clock.sleep)
    (process,) = spawn.processes
    words = spoken_text(events[-1], session) or ""
    term = 100.0 + speaking_time(words)
    assert process.signals == [
        (pytest.approx(term, abs=0.06), signal.SIGTERM),
        (pytest.approx(term + KILL_AFTER, abs=0.06), signal.SIGKILL),
    ]
    assert speaking_time(words) > 5  # the warning is long; it is let be said


@pytest.mark.parametrize(("exits_at", "signals"), [(100.3, []), (None, [(100.0 + HOOK_GRACE, signal.SIGTERM)])])
def test_close_gives_a_running_hook_a_moment_then_ends_it(
    plan: Plan, exits_at: float | None, signals: list[tuple[float, int]]
) -> None:
    clock = FakeClock(100.0)
    spawn = FakeSpawn(clock=clock, exits_at=exits_at)
    cues = spawn.cues(hook=["hook"])
    cues.handle([step_event(plan, 1)], RoutineSession(plan, started=0.0), 99.0)
    cues.close(clock, clock.sleep)
    assert spawn.processes[0].signals == [(pytest.approx(t, abs=0.06), signum) for t, signum in signals]
    assert clock() <= 100.0 + HOOK_GRACE + 0.06


def test_an_interrupt_while_closing_kills_everything_at_once(plan: Plan) -> None:
    clock = FakeClock(100.0)
    spawn = FakeSpawn(clock=clock, ignores_term=True)
    cues = spawn.cues(speech=ESPEAK, hook=["hook"])
    session, events = finished(plan)
    cues.handle([step_event(plan, 1), *events], session, clock())

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cues.close(clock, interrupted)
    assert [p.sent() for p in spawn.processes] == [[signal.SIGKILL], [signal.SIGKILL]]


# -- real processes: what a speech command receives, and what is left running ---------------------------


@pytest.fixture
def fake_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory of stand-ins for every speech command (see tests/data/fake_command.py), and
    the log they write what they received to: one JSON line per run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in SPEECH_COMMANDS:
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{DATA / "fake_command.py"}" "$0" "$@"\n')
        script.chmod(0o755)
    monkeypatch.setenv("FAKE_COMMAND_LOG", str(tmp_path / "log.jsonl"))
    return bin_dir


def runs(log: Path) -> list[dict[str, Any]]:
    """What the stand-in commands logged, once at least one has (a hang guard, not a speed claim)."""
    deadline = time.monotonic() + 20
    while not (log.exists() and log.read_text().endswith("\n")) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.mark.parametrize("name", SPEECH_COMMANDS)
def test_a_real_speech_command_gets_a_cue_starting_with_a_dash_as_words(
    plan: Plan, fake_commands: Path, name: str
) -> None:
    path = str(fake_commands / name)
    command = find_speech_command({name: path}.get)
    assert command is not None
    text = SPEECH_ATTACKS[0]
    step = dataclasses.replace(plan.steps[9], cue=text)  # a breathing phase: its cue is said as it is
    cues = Cues(speech=command)
    cues.handle([Event(EventKind.STEP, 9, step, plan.steps[8])], RoutineSession(plan, started=0.0), time.monotonic())
    (run,) = runs(Path(os.environ["FAKE_COMMAND_LOG"]))
    cues.close(time.monotonic, time.sleep)
    if run["stdin"]:
        assert run["stdin"] == text
        assert run["argv"] in ([name, "--stdin"], [name])
    else:  # spd-say also waits (-w) while it speaks
        assert run["argv"] in ([name, "--", text], [name, "-w", "--", text])
