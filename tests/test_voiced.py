"""A plan for the voice: get-ready steps long enough for their words, shown by --plan --voice as it runs."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stretchcoach.cli import app
from stretchcoach.core.durations import human_seconds
from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan, PlanOptions, plan_routine
from stretchcoach.core.steps import StepKind
from stretchcoach.core.voiced import LENGTHENED, get_ready_seconds, lengthen_for_voice, plan_for_voice
from stretchcoach.core.words import SOUND_BEFORE_WORDS, speaking_time, spoken
from stretchcoach.errors import StretchcoachError


def test_each_get_ready_step_lasts_as_long_as_its_sound_and_words(plan: Plan) -> None:
    voiced = lengthen_for_voice(plan)
    for before, after in zip(plan.steps, voiced.steps, strict=True):
        if before.kind is StepKind.PREP:
            assert after.seconds >= SOUND_BEFORE_WORDS + speaking_time(spoken(after)) + 1
            assert after.seconds == max(before.seconds, get_ready_seconds(before))
        else:
            assert after == before
    cat_cow = next(s for s in voiced.steps if s.kind is StepKind.PREP and s.stretch.id == "cat-cow")
    assert cat_cow.seconds > 24.4 + SOUND_BEFORE_WORDS  # its words take 24.4 s at espeak-ng's 175 a minute
    assert voiced.changes[-1].startswith(f"{LENGTHENED}: Supine hip flexor stretch 10 s → ")
    assert "Cat-cow pose 10 s → " in voiced.changes[-1]


def test_a_long_enough_get_ready_is_left_as_it_is(plan: Plan, catalog: Catalog) -> None:
    roomy = plan_routine(catalog, catalog.get_routine("back-relief"), PlanOptions(prep=60))
    assert lengthen_for_voice(roomy) == roomy


def test_with_minutes_the_voiced_plan_still_fits(catalog: Catalog) -> None:
    routine = catalog.get_routine("back-relief")
    voiced = plan_for_voice(catalog, routine, PlanOptions(minutes=5))
    assert voiced.total_seconds <= 300
    assert (
        voiced.changes[0] == f"fitted to 5 min: {human_seconds(voiced.total_seconds)} in all, with time for the voice"
    )
    assert any(change.startswith(LENGTHENED) for change in voiced.changes)
    with pytest.raises(StretchcoachError, match="cannot fit in 3 min with --voice"):
        plan_for_voice(catalog, routine, PlanOptions(minutes=3))


def test_routine_plan_voice_shows_the_plan_that_runs() -> None:
    result = CliRunner().invoke(app, ["routine", "--plan", "--json", "--voice"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert any(change.startswith(LENGTHENED) for change in shown["changes"])
    assert shown["steps"][0]["kind"] == "prep"
    assert shown["steps"][0]["seconds"] > 10
