"""Cues: bells, speech and the --on-step hook, with fake processes and a StringIO terminal."""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from stretchcoach.cues import (
    BELL_GAP,
    DONE_BELLS,
    NEXT_STRETCH_BELLS,
    SWITCH_BELLS,
    Cues,
    bell_count,
    find_speech_command,
    parse_hook,
    spoken_text,
)
from stretchcoach.errors import StretchcoachError
from stretchcoach.model import Catalog
from stretchcoach.plan import Plan
from stretchcoach.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.timer import run_routine

from fakes import FakeClock, ScriptedInput, SilentDisplay, TimedWriter
from helpers import back_relief


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
    # Switch at step 2; on to the next stretch at each rest (4, 7, 21); done at the end.
    assert bells_by_index(plan) == [
        (2, "step", 1),
        (4, "step", 2),
        (7, "step", 2),
        (21, "step", 2),
        (30, "finished", 3),
    ]


def test_without_rests_the_next_stretch_bells_ring_at_its_prep(catalog: Catalog) -> None:
    plan = back_relief(catalog, rest=0)
    assert bells_by_index(plan) == [
        (2, "step", 1),
        (4, "step", 2),
        (6, "step", 2),
        (19, "step", 2),
        (27, "finished", 3),
    ]


def test_without_prep_or_rest_the_next_stretch_bells_ring_at_its_first_step(catalog: Catalog) -> None:
    plan = back_relief(catalog, rest=0, prep=0)
    assert bells_by_index(plan) == [
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
    assert bells_by_index(plan)[0] == (2, "step", 1)


@pytest.mark.parametrize("outcome", [Outcome.QUIT, Outcome.HURT, Outcome.INTERRUPTED, Outcome.TERMINATED])
def test_no_done_bells_when_stopped_early(plan: Plan, outcome: Outcome) -> None:
    _session, events = all_events(plan, outcome)
    assert events[-1].kind is EventKind.FINISHED
    assert bell_count(events[-1]) == 0


@pytest.mark.parametrize("kind", [EventKind.LAST_SECONDS, EventKind.PAUSED, EventKind.RESUMED, EventKind.ADJUSTED])
def test_other_events_ring_nothing(plan: Plan, kind: EventKind) -> None:
    assert bell_count(Event(kind, 1, plan.steps[1], plan.steps[0])) == 0


def test_the_first_step_rings_nothing(plan: Plan) -> None:
    assert bell_count(Event(EventKind.STEP, 0, plan.steps[0])) == 0


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


def test_patterns_in_one_batch_queue_up(plan: Plan) -> None:
    out = io.StringIO()
    cues = Cues(bell_out=out)
    session = RoutineSession(plan, started=0.0)
    # One late update passed the switch (1 bell) and the rest (2 bells) at once:
    # the second pattern starts a double gap after the first, so the two stay apart.
    cues.handle([step_event(plan, 2), step_event(plan, 4)], session, 80.0)
    assert out.getvalue() == "\a"
    times = [80.0, 80.0 + 2 * BELL_GAP, 80.0 + 3 * BELL_GAP]
    for n, t in enumerate(times[1:], start=2):
        assert cues.next_due(t - 0.1) == pytest.approx(0.1)
        cues.ring(t)
        assert out.getvalue() == "\a" * n


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
    cues.flush(clock.sleep, clock)
    expected = [40.0, 75.0, 75.0 + BELL_GAP, 125.0, 125.0 + BELL_GAP, 193.0, 193.0 + BELL_GAP]
    expected += [253.0, 253.0 + BELL_GAP, 253.0 + 2 * BELL_GAP]
    assert out.rung() == pytest.approx(expected, abs=0.01)


# -- speech -------------------------------------------------------------------------------------------


class FakeStdin(io.StringIO):
    def close(self) -> None:
        self.sent = self.getvalue()
        super().close()


class FakeProcess:
    def __init__(self, args: list[str], kwargs: dict[str, Any]) -> None:
        self.args = args
        self.kwargs = kwargs
        self.running = True
        self.terminated = 0
        self.stdin = FakeStdin()

    def poll(self) -> int | None:
        return None if self.running else 0

    def terminate(self) -> None:
        self.terminated += 1
        self.running = False


class FakeSpawn:
    """Stands in for subprocess.Popen; ``error`` makes every start fail like a missing command."""

    def __init__(self, error: OSError | None = None) -> None:
        self.error = error
        self.attempts = 0
        self.processes: list[FakeProcess] = []

    def __call__(self, args: list[str], **kwargs: Any) -> FakeProcess:
        self.attempts += 1
        if self.error is not None:
            raise self.error
        process = FakeProcess(args, kwargs)
        self.processes.append(process)
        return process


def test_speech_runs_the_command_with_the_text_as_last_argument(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = Cues(speech=["/usr/bin/espeak-ng", "-s", "150"], spawn=spawn)
    cues.handle([step_event(plan, 1)], RoutineSession(plan, started=0.0), 10.0)
    (process,) = spawn.processes
    assert process.args == ["/usr/bin/espeak-ng", "-s", "150", "Left side. Hold for 30 seconds"]
    assert not process.kwargs.get("shell")
    assert process.kwargs["stdin"] is subprocess.DEVNULL
    assert process.kwargs["stdout"] is subprocess.DEVNULL
    assert process.kwargs["start_new_session"] is True


def test_new_speech_cuts_off_a_running_utterance(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = Cues(speech=["say"], spawn=spawn)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1)], session, 10.0)
    cues.handle([step_event(plan, 2)], session, 40.0)
    first, second = spawn.processes
    assert first.terminated == 1
    assert second.args == ["say", "Switch sides"]
    second.running = False  # finished speaking on its own
    cues.handle([step_event(plan, 3)], session, 45.0)
    assert second.terminated == 0
    third = spawn.processes[2]
    cues.close()
    assert third.terminated == 0  # the last words ("Routine complete") are left to finish


def test_a_missing_speech_command_gives_one_note_then_silence(plan: Plan) -> None:
    spawn = FakeSpawn(FileNotFoundError(2, "No such file or directory"))
    cues = Cues(speech=["espeak-ng"], spawn=spawn)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1)], session, 10.0)
    cues.handle([step_event(plan, 2), step_event(plan, 3)], session, 45.0)
    assert spawn.attempts == 1
    assert cues.notes == ["voice: cannot run espeak-ng (No such file or directory); going on silently"]
    assert cues.speech is None


def test_find_speech_command_takes_the_first_on_path() -> None:
    found = {"say": "/usr/bin/say", "espeak": "/opt/bin/espeak", "spd-say": "/usr/bin/spd-say"}
    assert find_speech_command(found.get) == ["/opt/bin/espeak"]
    assert find_speech_command({"spd-say": "/usr/bin/spd-say"}.get) == ["/usr/bin/spd-say"]
    assert find_speech_command({"espeak-ng": "/e", "say": "/s"}.get) == ["/e"]
    assert find_speech_command(lambda name: None) is None


def spoken(plan: Plan, index: int) -> str | None:
    return spoken_text(step_event(plan, index), RoutineSession(plan, started=0.0))


def test_spoken_text_for_steps(plan: Plan) -> None:
    first = spoken_text(Event(EventKind.STEP, 0, plan.steps[0]), RoutineSession(plan, started=0.0))
    assert first == (
        "Supine hip flexor stretch. Get ready: Lie on your back with your knees bent and your feet flat on the floor."
    )
    assert spoken(plan, 1) == "Left side. Hold for 30 seconds"
    assert spoken(plan, 2) == "Switch sides"
    assert spoken(plan, 3) == "Right side. Hold for 30 seconds"
    assert spoken(plan, 4) == "Rest. Next: Child's pose"
    assert spoken(plan, 6) == "Hold for 30 seconds"
    assert spoken(plan, 9) == "Inhale, arch your back and look up to the ceiling"
    assert spoken(plan, 10) == "Exhale, round your back and tuck your chin to your chest"
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
        (Outcome.COMPLETED, "Routine complete. Well done."),
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


def test_the_routine_loop_speaks_each_cue_in_order(catalog: Catalog) -> None:
    plan = back_relief(catalog, only=("supine-hip-flexor", "cat-cow"), reps=1, hold=20)
    spawn = FakeSpawn()
    clock = FakeClock()
    cues = Cues(speech=["say"], spawn=spawn)
    run_routine(plan, clock=clock, inputs=ScriptedInput(clock), display=SilentDisplay(), cues=cues)
    assert [p.args[-1] for p in spawn.processes] == [
        "Supine hip flexor stretch. Get ready: Lie on your back with your knees bent and your feet flat on the floor.",
        "Left side. Hold for 20 seconds",
        "10 seconds left",
        "Switch sides",
        "Right side. Hold for 20 seconds",
        "10 seconds left",
        "Rest. Next: Cat-cow pose",
        "Cat-cow pose. Get ready: Start on your hands and knees with your back in a neutral position.",
        "Inhale, arch your back and look up to the ceiling",
        "Exhale, round your back and tuck your chin to your chest",
        "Routine complete. Well done.",
    ]


# -- the --on-step hook -------------------------------------------------------------------------------


def test_hook_gets_the_step_as_json_on_stdin(plan: Plan) -> None:
    spawn = FakeSpawn()
    cues = Cues(hook=["notify", "--urgent"], spawn=spawn)
    session = RoutineSession(plan, started=0.0)
    cues.handle([step_event(plan, 1), Event(EventKind.PAUSED, 1, plan.steps[1])], session, 10.0)
    (process,) = spawn.processes  # steps only, not pauses
    assert process.args == ["notify", "--urgent"]
    assert not process.kwargs.get("shell")
    assert process.kwargs["stdin"] is subprocess.PIPE
    assert process.kwargs["start_new_session"] is True
    assert process.stdin.closed
    assert process.stdin.sent.endswith("\n")
    assert json.loads(process.stdin.sent) == {
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
    cues = Cues(hook=["hook"], spawn=spawn)
    cues.handle([step_event(plan, 14)], RoutineSession(plan, started=0.0), 165.0)
    data = json.loads(spawn.processes[0].stdin.sent)
    assert {k: data[k] for k in ("kind", "stretch", "side", "rep", "seconds", "cue", "breath")} == {
        "kind": "phase",
        "stretch": "cat-cow",
        "side": None,
        "rep": 3,
        "seconds": 4,
        "cue": "Exhale — round your back and tuck your chin to your chest",
        "breath": "exhale",
    }


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
    cues.close()


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
