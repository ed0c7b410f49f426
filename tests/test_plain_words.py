"""--plain writes the same words the voice says: the whole instruction, a sentence a line."""

from __future__ import annotations

import re

from fake_processes import FakeSpawn

from stretchcoach.core.plan import Plan
from stretchcoach.live.loop import run_routine
from stretchcoach.live.speech import SpeechCommand
from stretchcoach.views.displays import PlainDisplay

from fakes import T0, FakeClock, ScriptedInput, TimedWriter

ESPEAK = SpeechCommand(("/usr/bin/espeak-ng", "--stdin"), stdin=True)


def plain_and_said(plan: Plan) -> tuple[str, list[str]]:
    clock = FakeClock(T0)
    out = TimedWriter(clock)
    spawn = FakeSpawn(clock=clock, lasts=0.5)
    cues = spawn.cues(speech=ESPEAK)
    run_routine(plan, clock=clock, inputs=ScriptedInput(clock), display=PlainDisplay(out), cues=cues)
    cues.close(clock, clock.sleep)
    return out.getvalue(), spawn.said()


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, without the punctuation between a cue's parts (— or ,)."""
    parts = re.split(r"(?<=[.!?])\s+|(?<=:)\s+", text)
    return [re.sub(r"[.,;:—]", "", part).strip().lower() for part in parts if part.strip()]


# What the step line says in its own short words: "left side — hold 30 s", "switch sides 5 s", "rest 10 s — next: …".
IN_THE_STEP_LINE = re.compile(r"^(left side|right side|hold for \d+ seconds|switch sides|rest|next .*|get ready)$")


def test_every_word_the_voice_says_is_written_too(plan: Plan) -> None:
    written, said = plain_and_said(plan)
    flat = re.sub(r"[.,;:—]", "", " ".join(written.split())).lower()
    assert len(said) > len(plan.steps), "the voice said every step, and more"
    for words in said[:-1]:  # the last, "Routine complete.", begins the summary's headline
        for sentence in sentences(words):
            assert IN_THE_STEP_LINE.match(sentence) or sentence in flat, (sentence, words)


def test_the_instructions_are_written_under_their_step(plan: Plan) -> None:
    written, _said = plain_and_said(plan)
    lines = written.splitlines()
    start = lines.index(
        "[00:00] Supine hip flexor stretch — get ready 10 s: "
        "Lie on your back with your knees bent and your feet flat on the floor."
    )
    assert lines[start + 1 : start + 5] == [
        "        Bring one knee up to your chest and grab it with your hands.",
        "        Use your hips and abs to push your other leg down into the stretch.",
        "        Hold, then repeat on the other side.",
        "[00:10] Supine hip flexor stretch — left side — hold 30 s",
    ]
    left = lines.index("[00:10] Supine hip flexor stretch — left side — hold 30 s")
    assert lines[left + 1 : left + 3] == [
        "        Left knee to your chest, your hands around it; push your right leg down.",
        "[00:30] 10 seconds left",
    ]
    right = lines.index("[00:45] Supine hip flexor stretch — right side — hold 30 s")
    assert lines[right + 1] == "        Right knee to your chest, your hands around it; push your left leg down."
    childs = lines.index("[01:35] Child's pose — hold 30 s")
    assert lines[childs + 1] == (
        "        Tip: If you feel pain in your lower back, place a small pillow under your stomach "
        "to help support your spine."
    )
