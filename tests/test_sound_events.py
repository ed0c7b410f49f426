"""What a person hears during a routine: a sound at every change, ticks, voice after sound, and a
player or voice that fails said once, with the bell standing in.

Whole routines run on a fake clock, with stand-in processes (tests/fake_processes.py):
the player's sounds are read back from what it was given to play, and when.
"""

from __future__ import annotations

import dataclasses
import itertools
import signal

import pytest
from fake_processes import PLAYER, FakeSpawn, as_long_as_it_plays

from stretchcoach.core.model import Catalog, Hold, RoutineItem
from stretchcoach.core.plan import Plan, plan_routine
from stretchcoach.core.session import Event, EventKind, Outcome, RoutineSession
from stretchcoach.core.steps import StepKind
from stretchcoach.core.voiced import lengthen_for_voice
from stretchcoach.live.bells import BELLS, bell_count, cue_sound, tick_times
from stretchcoach.live.cues import Cues
from stretchcoach.live.loop import run_routine
from stretchcoach.live.sound import Sound, SoundFiles
from stretchcoach.live.speaker import HANG_SLACK
from stretchcoach.live.speech import SpeechCommand

from fakes import FakeClock, ScriptedInput, SilentDisplay, TimedWriter
from helpers import back_relief

ESPEAK = SpeechCommand(("/usr/bin/espeak-ng", "--stdin"), stdin=True, writes_file=True)
SPD_SAY = SpeechCommand(("/usr/bin/spd-say", "-w"), stdin=False, percent=True)
LENGTHS = {sound.value: SoundFiles().seconds(sound) for sound in Sound}


def hear(
    plan: Plan,
    keys: list[tuple[float, str]] | None = None,
    *,
    speech: SpeechCommand | None = None,
    spawn: FakeSpawn | None = None,
    clock: FakeClock | None = None,
    bell: bool = False,
) -> tuple[RoutineSession, FakeSpawn, Cues, TimedWriter]:
    """Run ``plan`` with chimes (and ``speech``) on a fake clock; every process lasts as long as it plays."""
    clock = clock or FakeClock()
    spawn = spawn or FakeSpawn(clock=clock, lasts=as_long_as_it_plays())
    bells = TimedWriter(clock)
    notes: list[str] = []
    cues = spawn.cues(player=PLAYER, sounds=SoundFiles(), speech=speech, notes=notes, bell_out=bells if bell else None)
    session = run_routine(
        plan, clock=clock, inputs=ScriptedInput(clock, keys or []), display=SilentDisplay(), cues=cues
    )
    cues.close(clock, clock.sleep)
    return session, spawn, cues, bells


# -- every change is heard ------------------------------------------------------------------------------


def test_every_step_of_the_whole_routine_begins_with_a_sound(plan: Plan) -> None:
    """The issue's test: the sound events of a whole routine, read from the player, have one at every
    step boundary (the routine's beginning, the start of a hold after getting ready, each breath,
    each twist), ticks in the last 3 seconds of every hold, and "done" at the end."""
    _session, spawn, _cues, _bells = hear(plan)
    heard = spawn.sounds()
    starts = plan.starts()
    for index, (start, step) in enumerate(zip(starts, plan.steps, strict=True)):
        at_start = [name for t, name in heard if t == start]
        assert len(at_start) == 1, (index, step.kind, at_start)
    assert heard[0] == (0.0, "next"), "someone who started the routine and lay down hears a stretch begin"
    by_kind = {
        (step.kind, step.breath): name
        for (start, step) in zip(starts, plan.steps, strict=True)
        for t, name in heard
        if t == start
    }
    assert by_kind[(StepKind.HOLD, None)] == "start"
    assert by_kind[(StepKind.SWITCH, None)] == "switch"
    assert by_kind[(StepKind.REST, None)] == "next"
    assert by_kind[(StepKind.PREP, None)] == "next"
    assert {name for (kind, breath), name in by_kind.items() if breath} == {"inhale", "exhale"}
    holds = [(start, step) for start, step in zip(starts, plan.steps, strict=True) if step.kind is StepKind.HOLD]
    for start, step in holds:
        end = start + step.seconds
        assert [t for t, name in heard if name == "tick" and start < t < end] == [end - 3, end - 2, end - 1]
    assert len([name for _, name in heard if name == "tick"]) == 3 * len(holds)
    assert heard[-1] == (plan.total_seconds, "done")


def test_the_twist_sounds_at_each_direction(plan: Plan) -> None:
    _session, spawn, _cues, _bells = hear(plan)
    phases = [
        start
        for start, step in zip(plan.starts(), plan.steps, strict=True)
        if step.kind is StepKind.PHASE and step.breath is None
    ]
    assert [step.cue for step in plan.steps if step.kind is StepKind.PHASE and step.breath is None][:2] == [
        "Twist to the left",
        "Twist to the right",
    ]
    assert len(phases) == 8
    assert spawn.sounds()[-9:-1] == [(t, "start") for t in phases]


def test_this_hurts_sounds_the_warning(plan: Plan) -> None:
    session, spawn, _cues, _bells = hear(plan, [(20.0, "h")])
    assert session.outcome is Outcome.HURT
    assert spawn.sounds()[-1] == (20.0, "warning")


@pytest.mark.parametrize("key", ["q", "<interrupt>"])
def test_quitting_makes_no_sound(plan: Plan, key: str) -> None:
    _session, spawn, _cues, _bells = hear(plan, [(20.0, key)])
    assert [t for t, _ in spawn.sounds()] == [0.0, 10.0], "the beginning, the hold: quitting is not announced"


def test_without_a_switch_step_the_second_side_still_sounds_switch(catalog: Catalog) -> None:
    _session, spawn, _cues, _bells = hear(back_relief(catalog, switch=0, only=("supine-hip-flexor",)))
    assert spawn.sounds()[:3] == [(0.0, "next"), (10.0, "start"), (37.0, "tick")]
    assert (40.0, "switch") in spawn.sounds()


def test_without_rest_or_get_ready_a_new_stretch_sounds_next(catalog: Catalog) -> None:
    plan = back_relief(catalog, rest=0, prep=0, only=("supine-hip-flexor", "childs-pose"))
    _session, spawn, _cues, _bells = hear(plan)
    assert (65.0, "next") in spawn.sounds()


def test_ticks_follow_a_pause_and_a_change_of_time(plan: Plan) -> None:
    """Paused 2 s into the last 3 (after one tick), resumed 10 s later: the other two ticks come in
    the hold's last 2 s, and none twice. Then +10 on the right side moves its ticks 10 s later."""
    keys = [(37.5, "space"), (47.5, "space"), (70.0, "+")]
    _session, spawn, _cues, _bells = hear(plan, keys)
    ticks = [t for t, name in spawn.sounds() if name == "tick"]
    assert ticks[:3] == [37.0, 48.0, 49.0]
    assert ticks[3:6] == [92.0, 93.0, 94.0]  # the right side began at 55 and lasted 30 + 10 s


def childs_pose_held(catalog: Catalog, seconds: int) -> Plan:
    """Child's pose alone, held ``seconds`` (however short: its catalog minimum left out), no get-ready."""
    childs = dataclasses.replace(catalog.get_stretch("childs-pose"), timing=Hold(seconds))
    routine = dataclasses.replace(catalog.get_routine("back-relief"), items=(RoutineItem("childs-pose"),), prep=0)
    return plan_routine(dataclasses.replace(catalog, stretches=(childs,), routines=(routine,)), routine)


def test_a_hold_too_short_for_three_ticks_has_none_in_its_first_second(catalog: Catalog) -> None:
    plan = childs_pose_held(catalog, 2)
    _session, spawn, _cues, _bells = hear(plan)
    assert spawn.sounds() == [(0.0, "next"), (1.0, "tick"), (2.0, "done")]


def test_tick_times_are_none_outside_holds(plan: Plan) -> None:
    session = RoutineSession(plan, started=0.0)
    assert tick_times(session) == ()  # getting ready
    session.update(10.0)
    assert tick_times(session) == (37.0, 38.0, 39.0)
    session.pause(20.0)
    assert tick_times(session) == ()


# -- the bell agrees with the chimes -----------------------------------------------------------------


def all_events(plan: Plan) -> list[Event]:
    session = RoutineSession(plan, started=0.0)
    events = session.begin()
    for t in range(1, plan.total_seconds + 1):
        events += session.update(float(t))
    return events


def test_the_bell_rings_the_pattern_of_the_same_sound(plan: Plan) -> None:
    for event in all_events(plan):
        sound = cue_sound(event)
        rest_then_prep = event.previous is not None and event.previous.kind is StepKind.REST
        expected = 0 if sound is None or (sound is Sound.NEXT and rest_then_prep) else BELLS.get(sound, 0)
        assert bell_count(event) == expected, event
    assert set(BELLS) == {Sound.SWITCH, Sound.NEXT, Sound.DONE}  # 1, 2 and 3 bells; nothing else rings


def test_only_completing_and_hurting_make_a_sound_at_the_end(plan: Plan) -> None:
    finished = {o: cue_sound(Event(EventKind.FINISHED, 3, detail=o.value)) for o in Outcome}
    assert finished == {
        Outcome.COMPLETED: Sound.DONE,
        Outcome.HURT: Sound.WARNING,
        Outcome.QUIT: None,
        Outcome.INTERRUPTED: None,
        Outcome.TERMINATED: None,
        Outcome.HANGUP: None,
    }
    for kind in (EventKind.LAST_SECONDS, EventKind.PAUSED, EventKind.RESUMED, EventKind.ADJUSTED):
        assert cue_sound(Event(kind, 1, plan.steps[1], plan.steps[0])) is None


# -- voice and sound take turns ---------------------------------------------------------------------------


def test_the_words_come_after_the_sound_and_are_cut_off_by_the_next(plan: Plan) -> None:
    _session, spawn, _cues, _bells = hear(plan, speech=ESPEAK)
    played = spawn.played()
    # Each sound's words begin only once it has played.
    for (t, name), (later, following) in itertools.pairwise(played):
        if not name.startswith("words-") and following.startswith("words-") and name != "tick.wav":
            assert later == pytest.approx(t + LENGTHS[name.removesuffix(".wav")], abs=0.03), (t, name)
    # No two things play at once: whatever still plays when the next begins is ended then.
    players = [p for p in spawn.processes if p.args[0] == PLAYER.argv[0]]
    for current, following in itertools.pairwise(players):
        ended = current.exits_at if current.exits_at is not None else 1e9
        if current.signals:
            ended = min(ended, current.signals[0][0])
        assert ended <= following.started + 1e-6, (current.args[-1], following.args[-1])


def test_no_tick_over_words(catalog: Catalog) -> None:
    """A voice so slow that "10 seconds left" takes 15 s: the last seconds' ticks are not played over it."""
    plan = back_relief(catalog, only=("childs-pose",), prep=0)
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=as_long_as_it_plays(), rate=0.2)
    _session, spawn, cues, _bells = hear(plan, speech=ESPEAK, spawn=spawn, clock=clock)
    assert [name for _, name in spawn.sounds()] == ["next", "done"]
    assert cues.notes == []


ESPEAK_RATE = 175 / 60  # espeak-ng's default: 175 words a minute


def test_with_the_voice_nothing_said_is_cut_off(plan: Plan) -> None:
    """The whole routine, planned for the voice, spoken as fast as espeak-ng speaks: every word
    said to its end. Fails while get-ready steps keep their 10 s (cat-cow's instructions take
    24 s) or a breath says its whole cue in a 4-second round."""
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=as_long_as_it_plays(), rate=ESPEAK_RATE)
    _session, spawn, cues, _bells = hear(lengthen_for_voice(plan), speech=ESPEAK, spawn=spawn, clock=clock)
    written = {p.args[p.args.index("-w") + 1]: p.stdin.decode() for p in spawn.processes if "-w" in p.args and p.stdin}
    words = [p for p in spawn.processes if p.args[0] == PLAYER.argv[0] and p.args[-1] in written]
    assert len(words) == len(spawn.said()) > len(plan.steps)
    cut = [written[p.args[-1]] for p in words if p.signals and p.signals[0][0] < (p.exits_at or 0) - 0.01]
    assert cut == []
    assert cues.notes == []


def test_a_holds_words_are_said_as_it_begins(plan: Plan) -> None:
    """Each hold's sound and words come at its start, saying its whole length: a person listening
    with eyes closed holds as long as planned. Fails while the hold's words wait for the get-ready's."""
    voiced = lengthen_for_voice(plan)
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=as_long_as_it_plays(), rate=ESPEAK_RATE)
    _session, spawn, _cues, _bells = hear(voiced, speech=ESPEAK, spawn=spawn, clock=clock)
    played = spawn.played()
    holds = [(t, step) for t, step in zip(voiced.starts(), voiced.steps, strict=True) if step.kind is StepKind.HOLD]
    assert len(holds) == 3
    for start, _step in holds:
        at = played.index((start, "start.wav"))
        after, name = played[at + 1]
        assert name.startswith("words-")
        assert after == pytest.approx(start + LENGTHS["start"], abs=0.03)
    said = [words for words in spawn.said() if "Hold for" in words]
    assert [f"Hold for {step.seconds} seconds." in words for (_, step), words in zip(holds, said, strict=True)] == [
        True,
        True,
        True,
    ]


def test_a_skipped_get_ready_is_cut_off_and_the_hold_said_at_once(plan: Plan) -> None:
    _session, spawn, _cues, _bells = hear(plan, [(2.0, "n")], speech=ESPEAK)
    assert spawn.sounds()[:2] == [(0.0, "next"), (2.0, "start")]
    assert spawn.said()[1].endswith("Hold for 30 seconds.")


def test_10_seconds_left_is_not_said_over_a_holds_own_words(catalog: Catalog) -> None:
    """A voice so slow that a hold's words last past its last 10 seconds: they are not cut off."""
    plan = back_relief(catalog, only=("childs-pose",), prep=0)
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=as_long_as_it_plays(), rate=1.0)
    _session, spawn, _cues, _bells = hear(plan, speech=ESPEAK, spawn=spawn, clock=clock)
    said = spawn.said()
    assert said[0].startswith("Hold for 30 seconds. Tip:")
    assert "10 seconds left" not in said
    first = next(p for p in spawn.processes if p.args[0] == PLAYER.argv[0] and p.args[-1].endswith("/words-1.wav"))
    assert first.signals == [], "the hold's words are said to their end"


def test_breathing_rounds_keep_their_rhythm_over_instructions(plan: Plan) -> None:
    _session, spawn, _cues, _bells = hear(plan, speech=ESPEAK)
    cat_cow = [start for start, step in zip(plan.starts(), plan.steps, strict=True) if step.kind is StepKind.PHASE]
    assert (cat_cow[0], "inhale") in spawn.sounds()


def test_the_last_words_begin_before_the_summary(catalog: Catalog) -> None:
    """The routine loop lets "done" play, and the words after it begin, before it hands over."""
    plan = childs_pose_held(catalog, 5)
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=as_long_as_it_plays())
    cues = spawn.cues(player=PLAYER, sounds=SoundFiles(), speech=ESPEAK)
    run_routine(plan, clock=clock, inputs=ScriptedInput(clock), display=SilentDisplay(), cues=cues)
    assert clock() == pytest.approx(5.0 + LENGTHS["done"], abs=0.03)
    assert spawn.said()[-1] == "Routine complete."
    assert spawn.played()[-1][1].startswith("words-")
    cues.close(clock, clock.sleep)


# -- a player or voice that fails: said once, the bell stands in, the timer keeps time ---------------------


def test_a_player_that_fails_is_said_once_and_the_bell_stands_in(plan: Plan) -> None:
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=0.05, status=lambda args: 1 if args[0] == PLAYER.argv[0] else 0)
    session, spawn, cues, bells = hear(plan, speech=ESPEAK, spawn=spawn, clock=clock, bell=True)
    assert cues.notes == [
        "Sound: pw-play exited with status 1; using the terminal bell, and no voice (it played through pw-play)."
    ]
    assert session.outcome is Outcome.COMPLETED
    assert [name for _, name in spawn.played()] == ["next.wav"], "nothing more once it has failed"
    assert bells.rung() == pytest.approx([40.0, 75.0, 75.35, 125.0, 125.35, 193.0, 193.35, 253.0, 253.35, 253.7])


def test_a_player_that_cannot_start_is_said_once(plan: Plan) -> None:
    clock = FakeClock()
    spawn = FakeSpawn(FileNotFoundError(2, "No such file or directory"), clock=clock)
    _session, spawn, cues, bells = hear(plan, spawn=spawn, clock=clock, bell=True)
    assert spawn.attempts == 1
    assert cues.notes == ["Sound: pw-play cannot be run (No such file or directory); using the terminal bell."]
    assert len(bells.rung()) == 10


def test_a_player_that_hangs_is_ended_and_said_once(plan: Plan) -> None:
    """Every sound hangs. The first is given until HANG_SLACK after its end (not until the next
    sound, 10 s later), then ended and said, and the bell takes over, on time."""
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=None)
    session, spawn, cues, bells = hear(plan, spawn=spawn, clock=clock, bell=True)
    first = spawn.processes[0]
    assert first.signals == [(pytest.approx(LENGTHS["next"] + HANG_SLACK), signal.SIGTERM)]
    assert cues.notes == [
        f"Sound: pw-play did not finish a 0.73-second sound within {HANG_SLACK:.0f} s; using the terminal bell."
    ]
    assert len(spawn.processes) == 1
    assert session.records[-1].status is not None
    assert bells.rung()[0] == 40.0


def test_a_sound_still_playing_when_the_next_is_due_is_ended_not_waited_for(plan: Plan) -> None:
    clock = FakeClock()
    cues = FakeSpawn(clock=clock, lasts=2.0)  # longer than the 1 s between ticks
    _session, spawn, hearing, _bells = hear(plan, spawn=cues, clock=clock)
    ticks = [p for p in spawn.processes if p.args[-1].endswith("tick.wav")]
    assert [p.sent() for p in ticks[:3]] == [[signal.SIGTERM], [signal.SIGTERM], [signal.SIGTERM]]
    assert hearing.notes == []


def test_a_speech_command_that_fails_is_said_once(plan: Plan) -> None:
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=0.5, status=lambda args: 2 if "spd-say" in args[0] else 0)
    _session, spawn, cues, _bells = hear(plan, speech=SPD_SAY, spawn=spawn, clock=clock)
    assert cues.notes == ["Voice: spd-say exited with status 2; going on without it."]
    assert cues.speech is None
    assert len([p for p in spawn.processes if "spd-say" in p.args[0]]) == 1
    assert spawn.sounds()[-1] == (253.0, "done"), "the sounds go on"


def test_speech_that_writes_nothing_is_said_once(plan: Plan) -> None:
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=as_long_as_it_plays(), status=lambda args: 1 if "-w" in args else 0)
    _session, spawn, cues, _bells = hear(plan, speech=ESPEAK, spawn=spawn, clock=clock)
    assert cues.notes == ["Voice: espeak-ng exited with status 1; going on without it."]


def test_a_cue_cut_off_is_not_a_failure(plan: Plan) -> None:
    """Words and sounds ended by a newer cue exit by a signal: that says nothing about the player."""
    clock = FakeClock()
    spawn = FakeSpawn(clock=clock, lasts=lambda args: 0.02 if "-w" in args else 60.0)
    keys = [(3.0, "n"), (3.5, "n"), (4.0, "b"), (5.0, "q")]
    _session, spawn, cues, _bells = hear(plan, keys, speech=ESPEAK, spawn=spawn, clock=clock)
    cut = [p for p in spawn.processes if p.args[0] == PLAYER.argv[0] and p.sent()[:1] == [signal.SIGTERM]]
    assert len(cut) >= 5
    assert cues.notes == []


def test_no_player_means_the_bell_and_no_chimes(plan: Plan) -> None:
    clock = FakeClock()
    out = TimedWriter(clock)
    spawn = FakeSpawn(clock=clock)
    cues = spawn.cues(bell_out=out)
    run_routine(plan, clock=clock, inputs=ScriptedInput(clock), display=SilentDisplay(), cues=cues)
    assert spawn.processes == []
    assert len(out.rung()) == 12  # the beginning (2), switch sides (1), three next stretches (2 each), done (3)


def test_with_a_player_the_bell_is_silent(plan: Plan) -> None:
    _session, spawn, _cues, bells = hear(plan, bell=True)
    assert bells.rung() == []
    assert spawn.sounds()
