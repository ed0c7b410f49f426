"""The catalog format, version 1, as tests: what loads, what is refused and exactly what is said.

Every problem reads ``file:line:column: field.path: what was expected``, and a file
with several problems reports all of them at once.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchcoach.catalog import loader, yamlnodes
from stretchcoach.catalog.assemble import load_catalog
from stretchcoach.catalog.blockyaml import NotPlain
from stretchcoach.catalog.fields import MAX_REPS
from stretchcoach.catalog.loader import parse_catalog, read_catalog
from stretchcoach.catalog.reader import CatalogFile
from stretchcoach.core.durations import MAX_SECONDS
from stretchcoach.core.model import (
    Breath,
    Catalog,
    Cycle,
    Hold,
    Phase,
    Routine,
    RoutineItem,
    Side,
    Stretch,
)
from stretchcoach.errors import CatalogError, ExitCode
from stretchcoach.paths import builtin_catalog_path
from stretchcoach.views.catalog import routine_json, stretch_json

from bad_catalogs import BAD
from helpers import SEED_IDS, required_in_ci

# -- helpers ---------------------------------------------------------------------


@pytest.fixture(autouse=True, params=["line reader", "parser"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs twice: with plain block YAML read by the line reader (blockyaml), and with
    every text left to the YAML parser. What loads, and what is said, must not depend on which."""
    if request.param == "parser":

        def leave(*args: object, **kwargs: object) -> None:
            raise NotPlain

        monkeypatch.setattr(yamlnodes, "compose_block", leave)


def parse(text: str | bytes, **kwargs: Any) -> CatalogFile:
    return parse_catalog(text, source="c.yaml", **kwargs)


def problems(text: str | bytes, **kwargs: Any) -> list[str]:
    """The problems parse_catalog reports for ``text`` (it must refuse it)."""
    with pytest.raises(CatalogError) as info:
        parse(text, **kwargs)
    return info.value.problems


def one_stretch(timing: str, *, sid: str = "easy") -> str:
    """A catalog with one stretch whose timing lines start on line 9, column 5."""
    return (
        "version: 1\n"
        "stretches:\n"
        f"  - id: {sid}\n"
        "    name: Easy stretch\n"
        "    targets: [back]\n"
        "    setup: Stand tall.\n"
        "    steps: [Reach up.]\n"
        "    feel: A long back.\n" + textwrap.indent(textwrap.dedent(timing), "    ")
    )


# A hold stretch ("reach") and a stretch in phases ("rock"); routines start on line 21.
TWO_STRETCHES = """\
version: 1
stretches:
  - id: reach
    name: Reach
    targets: [back]
    setup: Stand tall.
    steps: [Reach up.]
    feel: A long back.
    hold: 30s
  - id: rock
    name: Rock
    targets: [spine]
    setup: Kneel.
    steps: [Rock back and forth.]
    feel: A loose spine.
    reps: 3
    phases:
      - {cue: Rock back, seconds: 2}
      - {cue: Rock forward, seconds: 2}
routines:
"""


def with_routine(routine: str) -> str:
    return TWO_STRETCHES + textwrap.indent(textwrap.dedent(routine), "  ")


def builtin() -> CatalogFile:
    return read_catalog(builtin_catalog_path())


# -- what loads -------------------------------------------------------------------


def test_a_catalog_needs_only_a_version() -> None:
    assert parse("version: 1\n") == CatalogFile(warning=None, stretches=(), routines=())


def test_version_may_be_quoted() -> None:
    assert parse('version: "1"\nwarning: Careful.\n') == CatalogFile(warning="Careful.", stretches=(), routines=())


def test_a_hold_stretch_loads_into_model_objects() -> None:
    catalog = parse(
        one_stretch(
            """\
            aka: [Easy one, The easy]
            tips: [Breathe.]
            cautions: [Stop if it hurts.]
            hold: 30s
            sides: [left, right]
            """
        )
    )
    assert catalog.stretches == (
        Stretch(
            id="easy",
            name="Easy stretch",
            targets=("back",),
            setup="Stand tall.",
            steps=("Reach up.",),
            feel="A long back.",
            timing=Hold(30, (Side.LEFT, Side.RIGHT)),
            aka=("Easy one", "The easy"),
            tips=("Breathe.",),
            cautions=("Stop if it hurts.",),
        ),
    )


def test_a_phase_stretch_loads_with_its_breath_and_reps() -> None:
    catalog = parse(
        one_stretch(
            """\
            reps: 6
            phases:
              - {cue: Arch, seconds: 4, breath: inhale}
              - {cue: Round, seconds: 4s, breath: exhale}
              - {cue: Rest, seconds: 2, breath: null}
              - {cue: Look up, seconds: 1}
            """
        )
    )
    assert catalog.stretches[0].timing == Cycle(
        (
            Phase("Arch", 4, Breath.INHALE),
            Phase("Round", 4, Breath.EXHALE),
            Phase("Rest", 2),
            Phase("Look up", 1),
        ),
        6,
    )


def test_phases_without_reps_are_done_once() -> None:
    catalog = parse(one_stretch("phases: [{cue: Arch, seconds: 4}]\n"))
    assert catalog.stretches[0].timing == Cycle((Phase("Arch", 4),), 1)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ('"30s"', 30),
        ("30s", 30),
        ("1m", 60),
        ("1m30s", 90),
        ("45", 45),
        ('"45"', 45),
        ("1 min 30 sec", 90),
        ("60m", MAX_SECONDS),
    ],
)
def test_durations_accepted(written: str, seconds: int) -> None:
    catalog = parse(one_stretch(f"hold: {written}\n"))
    assert catalog.stretches[0].timing == Hold(seconds)


def test_text_fields_collapse_whitespace() -> None:
    catalog = parse(
        one_stretch("hold: 30\n").replace(
            "    feel: A long back.\n", "    feel: >\n      A long\n        back,   really.\n"
        )
    )
    assert catalog.stretches[0].feel == "A long back, really."


def test_a_routine_loads_with_its_gaps_and_overrides() -> None:
    catalog = parse(
        with_routine(
            """\
            - id: morning
              name: Morning
              description: Wake the back up.
              prep: 5s
              rest: 0
              switch: 1m
              steps:
                - reach
                - {stretch: reach, hold: 45}
                - {stretch: rock, reps: 5}
            """
        )
    )
    assert catalog.routines == (
        Routine(
            id="morning",
            name="Morning",
            description="Wake the back up.",
            items=(RoutineItem("reach"), RoutineItem("reach", hold=45), RoutineItem("rock", reps=5)),
            prep=5,
            rest=0,
            switch=60,
        ),
    )


def test_a_routine_without_gaps_gets_the_defaults() -> None:
    catalog = parse(with_routine("- {id: quick, name: Quick, steps: [reach]}\n"))
    assert catalog.routines == (Routine(id="quick", name="Quick", description="", items=(RoutineItem("reach"),)),)
    assert (catalog.routines[0].prep, catalog.routines[0].rest, catalog.routines[0].switch) == (10, 10, 5)


def test_a_routine_may_name_stretches_it_is_told_about() -> None:
    known = {s.id: s for s in builtin().stretches}
    catalog = parse("version: 1\nroutines:\n  - {id: cats, name: Cats, steps: [cat-cow, childs-pose]}\n", known=known)
    assert catalog.routines[0].items == (RoutineItem("cat-cow"), RoutineItem("childs-pose"))


def test_utf8_bom_is_accepted() -> None:
    text = "version: 1\nwarning: Stop if it hurts.\n"
    expected = CatalogFile(warning="Stop if it hurts.", stretches=(), routines=())
    assert parse(b"\xef\xbb\xbf" + text.encode()) == expected
    assert parse("\ufeff" + text) == expected


def test_read_catalog_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(one_stretch("hold: 20\n"), encoding="utf-8")
    assert read_catalog(path).stretches[0].timing == Hold(20)


# -- unknown, duplicate and missing fields ------------------------------------------


def test_unknown_field_with_did_you_mean() -> None:
    assert problems(one_stretch("hodl: 30\n")) == [
        "c.yaml:9:5: stretches[0].hodl: unknown field 'hodl'; did you mean 'hold'?",
        "c.yaml:3:5: stretches[0]: expected exactly one of 'hold' or 'phases', got neither",
    ]


def test_unknown_field_without_a_close_match_lists_the_fields() -> None:
    assert problems("version: 1\ncolour: blue\n") == [
        "c.yaml:2:1: colour: unknown field 'colour'; expected one of: version, warning, stretches, routines",
    ]


def test_unknown_field_names_are_shown_on_one_line() -> None:
    assert problems('version: 1\n"a\\nb": 1\n') == [
        "c.yaml:2:1: a\\nb: unknown field 'a\\nb'; expected one of: version, warning, stretches, routines",
    ]


def test_duplicate_yaml_mapping_key() -> None:
    assert problems(one_stretch("hold: 30\nhold: 40\n")) == [
        "c.yaml:10:5: stretches[0].hold: duplicate key; each field may appear once",
    ]


def test_missing_required_fields_are_each_named() -> None:
    assert problems("version: 1\nstretches:\n  - id: bare\n    hold: 30\n") == [
        f"c.yaml:3:5: stretches[0]: missing required field '{name}'"
        for name in ("name", "targets", "setup", "steps", "feel")
    ]


def test_merge_keys_are_refused() -> None:
    assert problems("version: 1\n<<: {warning: hi}\n") == [
        "c.yaml:2:1: (top level): merge keys (<<) are not supported; write the fields out",
    ]


def test_field_names_must_be_text() -> None:
    assert problems("version: 1\n3: three\n") == ["c.yaml:2:1: (top level): expected a field name, got a number ('3')"]


def test_duplicate_stretch_id() -> None:
    text = (
        one_stretch("hold: 30\n")
        + "  - {id: easy, name: Again, targets: [b], setup: s, steps: [s], feel: f, hold: 5}\n"
    )
    assert problems(text) == ["c.yaml:10:5: stretches[1].id: duplicate id 'easy'; ids must be unique"]


def test_duplicate_routine_id() -> None:
    text = with_routine(
        """\
        - {id: twice, name: One, steps: [reach]}
        - {id: twice, name: Two, steps: [rock]}
        """
    )
    assert problems(text) == ["c.yaml:22:5: routines[1].id: duplicate id 'twice'; ids must be unique"]


@pytest.mark.parametrize("bad", ["Cat-Cow", "cat_cow", "cat cow", "-cat", "cat-", "cat--cow", "katzenbuckel!"])
def test_stretch_ids_are_slugs(bad: str) -> None:
    assert problems(one_stretch("hold: 30\n", sid=f'"{bad}"')) == [
        f"c.yaml:3:9: stretches[0].id: expected an id of lowercase letters, digits and dashes (like 'cat-cow'), "
        f"got {bad!r}",
    ]


def test_routine_ids_are_slugs() -> None:
    assert problems(with_routine("- {id: Morning Routine, name: M, steps: [reach]}\n")) == [
        "c.yaml:21:10: routines[0].id: expected an id of lowercase letters, digits and dashes (like 'cat-cow'), "
        "got 'Morning Routine'",
    ]


def test_text_fields_must_be_text() -> None:
    text = (
        one_stretch("hold: 30\n").replace("name: Easy stretch", "name: yes").replace("steps: [Reach up.]", "steps: []")
    )
    assert problems(text) == [
        "c.yaml:4:11: stretches[0].name: expected text, got a yes/no value ('yes')",
        "c.yaml:7:12: stretches[0].steps: expected at least one entry",
    ]


# -- timing: hold or phases -----------------------------------------------------------


def test_both_hold_and_phases() -> None:
    assert problems(one_stretch("hold: 30\nphases: [{cue: Arch, seconds: 4}]\n")) == [
        "c.yaml:3:5: stretches[0]: expected exactly one of 'hold' or 'phases', got both",
    ]


def test_neither_hold_nor_phases() -> None:
    assert problems(one_stretch("")) == [
        "c.yaml:3:5: stretches[0]: expected exactly one of 'hold' or 'phases', got neither",
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("0", "expected a duration greater than zero, got 0 s"),
        ("0s", "expected a duration greater than zero, got 0 s"),
        ("-5", "expected a duration greater than zero, got -5 s"),
        ("61m", "expected at most 60 minutes, got 3660 s"),
        ("3601", "expected at most 60 minutes, got 3601 s"),
        ("1" * 20, "expected at most 60 minutes, got 11111111111111111111 s"),
    ],
)
def test_hold_out_of_range(written: str, message: str) -> None:
    assert problems(one_stretch(f"hold: {written}\n")) == [f"c.yaml:9:11: stretches[0].hold: {message}"]


@pytest.mark.parametrize(
    ("written", "got"),
    [
        ("30 seconds", "text ('30 seconds')"),
        ("1h", "text ('1h')"),
        ('"-5"', "text ('-5')"),
        ("1m-30s", "text ('1m-30s')"),
        ('""', "text"),
        ("30.5", "a number ('30.5')"),
        ("true", "a yes/no value ('true')"),
        ("", "nothing"),
        ("[30]", "a list"),
        ('"²"', "text ('²')"),
        ("!!int abc", "a number ('abc')"),
        ("1" * 5000, "a number ('1111111111111111111111111111111111111...')"),
    ],
)
def test_bad_duration(written: str, got: str) -> None:
    assert problems(one_stretch(f"hold: {written}\n")) == [
        f"c.yaml:9:{10 if written == '' else 11}: stretches[0].hold: "
        f'expected a duration such as 30, "30s", "1m" or "1m30s", got {got}',
    ]


@pytest.mark.parametrize(
    ("written", "hold"),
    [
        ("{at_least: 30s}", Hold(30, minimum=30)),
        ("{at_least: 30s, seconds: 45s}", Hold(45, minimum=30)),
        ("{seconds: 1m, at_least: 1m}", Hold(60, minimum=60)),
        ("30s", Hold(30)),
    ],
)
def test_a_hold_can_be_a_minimum(written: str, hold: Hold) -> None:
    (stretch,) = parse(one_stretch(f"hold: {written}\n")).stretches
    assert stretch.timing == hold


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("{seconds: 30}", "c.yaml:9:11: stretches[0].hold: missing required field 'at_least'"),
        (
            "{at_least: 30s, seconds: 20s}",
            "c.yaml:9:36: stretches[0].hold.seconds: expected at least 30 s (at_least), got 20 s",
        ),
        ("{at_least: 0}", "c.yaml:9:22: stretches[0].hold.at_least: expected a duration greater than zero, got 0 s"),
        (
            "{at_least: 30s, for: 45s}",
            "c.yaml:9:27: stretches[0].hold.for: unknown field 'for'; expected one of: at_least, seconds",
        ),
    ],
)
def test_a_bad_minimum_is_named(written: str, message: str) -> None:
    assert problems(one_stretch(f"hold: {written}\n")) == [message]


def test_deeper_goes_with_phases_only() -> None:
    assert problems(one_stretch("hold: 30s\ndeeper: 3s\n")) == [
        "c.yaml:10:13: stretches[0].deeper: 'deeper' goes with 'phases'; a hold is done once per side"
    ]
    (stretch,) = parse(one_stretch("deeper: 3s\nphases: [{cue: Arch, seconds: 4}]\n")).stretches
    assert isinstance(stretch.timing, Cycle)
    assert stretch.timing.deeper == 3


def test_a_routine_may_not_hold_a_stretch_below_its_minimum() -> None:
    text = one_stretch("hold: {at_least: 30s}\n") + (
        "routines:\n  - {id: quick, name: Quick, steps: [{stretch: easy, hold: 20s}]}\n"
    )
    assert problems(text) == ["c.yaml:11:60: routines[0].steps[0].hold: 'easy' is held at least 30 s, got 20 s"]


PHASES = "phases: [{cue: Arch, seconds: 4}]\n"


@pytest.mark.parametrize(
    ("written", "reps", "least"),
    [("{at_least: 3}", 3, 3), ("{at_least: 3, rounds: 6}", 6, 3), ("{rounds: 4, at_least: 2}", 4, 2), ("5", 5, 0)],
)
def test_a_cycle_can_have_a_least_number_of_rounds(written: str, reps: int, least: int) -> None:
    (stretch,) = parse(one_stretch(f"reps: {written}\n" + PHASES)).stretches
    assert isinstance(stretch.timing, Cycle)
    assert (stretch.timing.reps, stretch.timing.least) == (reps, least)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("{rounds: 6}", "c.yaml:9:11: stretches[0].reps: missing required field 'at_least'"),
        (
            "{at_least: 3, rounds: 2}",
            "c.yaml:9:33: stretches[0].reps.rounds: expected at least 3 rounds (at_least), got 2 rounds",
        ),
        ("{at_least: 0}", "c.yaml:9:22: stretches[0].reps.at_least: expected a number from 1 to 100, got 0"),
        (
            "{at_least: 3, times: 6}",
            "c.yaml:9:25: stretches[0].reps.times: unknown field 'times'; expected one of: at_least, rounds",
        ),
    ],
)
def test_a_bad_least_number_of_rounds_is_named(written: str, message: str) -> None:
    assert problems(one_stretch(f"reps: {written}\n" + PHASES)) == [message]


def test_a_routine_may_not_do_a_cycle_fewer_rounds_than_its_least() -> None:
    text = one_stretch("reps: {at_least: 3}\n" + PHASES) + (
        "routines:\n  - {id: quick, name: Quick, steps: [{stretch: easy, reps: 2}]}\n"
    )
    assert problems(text) == ["c.yaml:12:60: routines[0].steps[0].reps: 'easy' is done at least 3 rounds, got 2"]


@pytest.mark.parametrize(
    ("written", "meant"), [("start", "setup"), ("rounds", "reps"), ("tip", "tips"), ("stesp", "steps")]
)
def test_a_field_in_other_words_points_to_the_one_meant(written: str, meant: str) -> None:
    """`show` calls `setup` "Start": a catalog written from what `show` says is pointed to it."""
    text = one_stretch(f"hold: 30s\n{written}: x\n")
    assert problems(text) == [
        f"c.yaml:10:5: stretches[0].{written}: unknown field '{written}'; did you mean '{meant}'?"
    ]


def test_phase_seconds_must_be_positive() -> None:
    assert problems(one_stretch("phases: [{cue: Arch, seconds: 0}, {cue: Round, seconds: -1}]\n")) == [
        "c.yaml:9:35: stretches[0].phases[0].seconds: expected a duration greater than zero, got 0 s",
        "c.yaml:9:61: stretches[0].phases[1].seconds: expected a duration greater than zero, got -1 s",
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("0", "expected a number from 1 to 100, got 0"),
        ("-1", "expected a number from 1 to 100, got -1"),
        (str(MAX_REPS + 1), "expected a number from 1 to 100, got 101"),
        ("many", "expected a whole number of repetitions, got text ('many')"),
        ("2.5", "expected a whole number of repetitions, got a number ('2.5')"),
        ('"²"', "expected a whole number of repetitions, got text ('²')"),
    ],
)
def test_bad_reps(written: str, message: str) -> None:
    assert problems(one_stretch(f"reps: {written}\nphases: [{{cue: Arch, seconds: 4}}]\n")) == [
        f"c.yaml:9:11: stretches[0].reps: {message}",
    ]


def test_reps_as_quoted_digits_are_accepted() -> None:
    assert parse(one_stretch('reps: "3"\nphases: [{cue: Arch, seconds: 4}]\n')).stretches[0].timing == Cycle(
        (Phase("Arch", 4),), 3
    )


def test_reps_with_hold() -> None:
    assert problems(one_stretch("hold: 30\nreps: 2\n")) == [
        "c.yaml:10:11: stretches[0].reps: 'reps' goes with 'phases'; a hold is done once per side",
    ]


def test_sides_with_phases() -> None:
    assert problems(one_stretch("phases: [{cue: Arch, seconds: 4}]\nsides: [left, right]\n")) == [
        "c.yaml:10:12: stretches[0].sides: 'sides' goes with 'hold'; give each side its own phase instead",
    ]


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("[up]", "c.yaml:10:13: stretches[0].sides[0]: expected one of left, right, got text ('up')"),
        ("[left, LEFT]", "c.yaml:10:19: stretches[0].sides[1]: expected one of left, right, got text ('LEFT')"),
        ("[left, left]", "c.yaml:10:19: stretches[0].sides[1]: side 'left' is listed twice"),
        ("[]", "c.yaml:10:12: stretches[0].sides: expected at least one side"),
        ("left", "c.yaml:10:12: stretches[0].sides: expected a list of sides (left, right), got text ('left')"),
    ],
)
def test_bad_sides(written: str, problem: str) -> None:
    assert problems(one_stretch(f"hold: 30\nsides: {written}\n")) == [problem]


def test_one_side_is_allowed() -> None:
    assert parse(one_stretch("hold: 30\nsides: [right]\n")).stretches[0].timing == Hold(30, (Side.RIGHT,))


def test_bad_breath() -> None:
    assert problems(one_stretch("phases:\n  - {cue: Arch, seconds: 4, breath: hold}\n")) == [
        "c.yaml:10:41: stretches[0].phases[0].breath: expected one of inhale, exhale, got text ('hold')",
    ]


def test_bad_phases() -> None:
    assert problems(one_stretch("phases: []\n")) == ["c.yaml:9:13: stretches[0].phases: expected at least one phase"]
    assert problems(one_stretch("phases: [Arch]\n")) == [
        "c.yaml:9:14: stretches[0].phases[0]: expected a mapping of cue, seconds, breath, picture, got text ('Arch')",
    ]
    assert problems(one_stretch("phases: [{cue: Arch}]\n")) == [
        "c.yaml:9:14: stretches[0].phases[0]: missing required field 'seconds'",
    ]


# -- routines --------------------------------------------------------------------------


def test_routine_naming_an_unknown_stretch_suggests_a_close_one() -> None:
    assert problems(with_routine("- {id: r, name: R, steps: [reach, rokc, xyzzy]}\n")) == [
        "c.yaml:21:37: routines[0].steps[1]: no stretch 'rokc' in the catalog; did you mean 'rock'?",
        "c.yaml:21:43: routines[0].steps[2]: no stretch 'xyzzy' in the catalog",
    ]


def test_routine_suggestions_include_stretches_from_known() -> None:
    known = {s.id: s for s in builtin().stretches}
    assert problems("version: 1\nroutines:\n  - {id: r, name: R, steps: [cat-cw]}\n", known=known) == [
        "c.yaml:3:30: routines[0].steps[0]: no stretch 'cat-cw' in the catalog; did you mean 'cat-cow'?",
    ]


def test_routine_override_hold_on_a_phase_stretch() -> None:
    assert problems(with_routine("- {id: r, name: R, steps: [{stretch: rock, hold: 30}]}\n")) == [
        "c.yaml:21:52: routines[0].steps[0].hold: 'rock' is done in phases; override 'reps' instead",
    ]


def test_routine_override_reps_on_a_hold_stretch() -> None:
    assert problems(with_routine("- {id: r, name: R, steps: [{stretch: reach, reps: 3}]}\n")) == [
        "c.yaml:21:53: routines[0].steps[0].reps: 'reach' is a hold; override 'hold' instead",
    ]


def test_routine_override_values_are_checked() -> None:
    assert problems(
        with_routine("- {id: r, name: R, steps: [{stretch: reach, hold: 0}, {stretch: rock, reps: 0}]}\n")
    ) == [
        "c.yaml:21:53: routines[0].steps[0].hold: expected a duration greater than zero, got 0 s",
        "c.yaml:21:79: routines[0].steps[1].reps: expected a number from 1 to 100, got 0",
    ]


def test_routine_with_empty_steps() -> None:
    assert problems(with_routine("- {id: r, name: R, steps: []}\n")) == [
        "c.yaml:21:29: routines[0].steps: expected at least one stretch",
    ]


def test_routine_gaps_may_be_zero_but_not_negative() -> None:
    assert problems(with_routine("- {id: r, name: R, prep: -1, steps: [reach]}\n")) == [
        "c.yaml:21:28: routines[0].prep: expected a duration zero or more, got -1 s",
    ]


# -- the file as a whole ---------------------------------------------------------------


def test_wrong_version() -> None:
    assert problems("version: 2\nstretches: []\n") == [
        "c.yaml:1:10: version: expected 1 (the only format this version reads)",
    ]


def test_missing_version() -> None:
    assert problems("warning: Careful.\n") == ["c.yaml:1:1: (top level): missing required field 'version'"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", b"", b"\xef\xbb\xbf"])
def test_empty_file(text: str | bytes) -> None:
    assert problems(text) == ["c.yaml: the file is empty; a catalog starts with `version: 1`"]


@pytest.mark.parametrize(
    ("text", "where", "got"),
    [
        ("- version: 1\n", "1:1", "a list"),
        ("just words\n", "1:1", "text"),  # a file that is not a catalog is never quoted back
        ("42\n", "1:1", "a number"),
        ("---\n", "2:1", "nothing"),  # an empty document: the position is where its content would be
    ],
)
def test_top_level_must_be_a_mapping(text: str, where: str, got: str) -> None:
    assert problems(text) == [
        f"c.yaml:{where}: (top level): expected a mapping of version, warning, stretches, routines, got {got}",
    ]


# The position and the "invalid YAML" prefix are ours; the wording after it is the YAML
# library's (libyaml and the pure-Python parser put it differently), so only a telling
# part of it is checked.
@pytest.mark.parametrize("name", BAD)
def test_text_that_is_not_yaml_gets_one_line_saying_where(name: str, yaml_parser: str) -> None:
    """The same line with libyaml and with the pure-Python parser, whichever limit fires first."""
    bad = BAD[name]
    (problem,) = problems(bad.text.encode("utf-8", "surrogateescape"))
    assert bad.matches(problem, "c.yaml"), problem
    assert "\n" not in problem


def test_deep_nesting_is_refused_before_it_can_crash_the_parser(yaml_parser: str) -> None:
    # libyaml's composer recurses in C: ~30 000 levels used to kill the interpreter.
    assert problems("[" * 100_000) == [
        f"c.yaml:1:{loader.MAX_DEPTH + 1}: invalid YAML: nested more than 64 levels deep"
    ]
    # Nesting within the limit is still parsed, and then judged as a catalog.
    depth = loader.MAX_DEPTH - 1  # the top-level mapping is the first level
    nested = "[" * depth + "]" * depth
    assert problems(f"version: 1\nwarning: {nested}\n") == ["c.yaml:2:10: warning: expected text, got a list"]


class _CountingParser(yaml.SafeLoader):
    """The pure-Python parser, noting how much text it is given each time."""

    given: ClassVar[list[int]] = []

    def __init__(self, stream: str) -> None:
        self.given.append(len(stream))
        super().__init__(stream)


@pytest.fixture
def counting_parser(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """For how libyaml's refusals are read again: libyaml's parser, and the pure-Python one counting."""
    if yamlnodes.LIBYAML is None:
        required_in_ci("PyYAML built with libyaml")
    _CountingParser.given = []
    monkeypatch.setattr(yamlnodes, "PYTHON", _CountingParser)
    return _CountingParser.given


LINES = "".join(f"key{n}: value {n}\n" for n in range(2000))
BROKEN = f"version: 1\n{LINES}broken: [\n{LINES}"  # the flow list is never closed: line 2004


def test_what_libyaml_refuses_is_read_again_only_as_far_as_the_error(counting_parser: list[int]) -> None:
    (problem,) = problems(BROKEN)
    assert problem.startswith("c.yaml:2004:"), problem
    through_the_next_line = len("".join(BROKEN.splitlines(keepends=True)[:2005]))
    assert counting_parser == [through_the_next_line]


def test_past_the_reread_limit_libyaml_says_where_in_its_own_words(
    counting_parser: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlnodes, "REREAD_LIMIT", 1000)
    (problem,) = problems(BROKEN)
    assert problem.startswith("c.yaml:2004:"), problem
    assert "invalid YAML: " in problem
    assert counting_parser == []


def test_past_the_reread_limit_deep_nesting_is_still_named(
    counting_parser: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlnodes, "REREAD_LIMIT", 1000)
    text = f"version: 1\n{LINES}warning: " + "[" * 1500 + "]" * 1500 + "\n"
    assert problems(text) == ["c.yaml:2002:73: invalid YAML: nested more than 64 levels deep"]
    assert counting_parser == []


def test_brackets_in_quotes_and_comments_do_not_count_as_nesting(
    counting_parser: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlnodes, "REREAD_LIMIT", 10)
    items = ", ".join(["'[[{ '' [['", '"[{ \\" [["'] * 40)
    text = f"version: 1\nwarning: [{items}, # [[[[[[[[\n  x]] ]\n"  # one ] too many, at 3:5
    (problem,) = problems(text)
    assert problem.startswith("c.yaml:3:5: invalid YAML: "), problem
    assert "nested" not in problem


TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.call [['touch', '{marker}']]",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
]


@pytest.mark.parametrize("tagged", TAGS)
def test_python_tags_never_run_code(tagged: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    value = tagged.format(marker=marker)
    for text in (f"{value}\n", f"version: 1\nwarning: {value}\n", one_stretch(f"hold: {value}\n")):
        with pytest.raises(CatalogError) as info:
            parse(text)
        assert info.value.problems
        assert all(p.startswith("c.yaml:") for p in info.value.problems)
    path = tmp_path / "evil.yaml"
    path.write_text(f"version: 1\nstretches:\n  - {value}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"evil\.yaml:3:5: stretches\[0\]: expected a mapping of id, name"):
        read_catalog(path)
    assert not marker.exists()


def test_a_python_tag_is_described_not_constructed() -> None:
    assert problems("version: 1\nwarning: !!python/object/apply:os.system ['echo hi']\n") == [
        "c.yaml:2:10: warning: expected text, got a list",
    ]


def test_non_utf8_bytes_report_where_they_are() -> None:
    assert problems(b"version: 1\nwarning: caf\xe9 au lait\n") == [
        "c.yaml:2:13: the file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ]


def test_multiple_problems_are_collected_in_one_error() -> None:
    text = (
        with_routine("- {id: r, name: R, steps: [rokc]}\n")
        .replace("hold: 30s", "hold: 0")
        .replace("reps: 3", "reps: lots")
    )
    text = text.replace("version: 1\n", "version: 1\nwarnign: Careful.\n")
    with pytest.raises(CatalogError) as info:
        parse(text)
    assert info.value.problems == [
        "c.yaml:2:1: warnign: unknown field 'warnign'; did you mean 'warning'?",
        "c.yaml:10:11: stretches[0].hold: expected a duration greater than zero, got 0 s",
        "c.yaml:17:11: stretches[1].reps: expected a whole number of repetitions, got text ('lots')",
        "c.yaml:22:30: routines[0].steps[0]: no stretch 'rokc' in the catalog",
    ]
    # The one line the CLI prints names the first problem and counts the rest.
    assert str(info.value) == (
        "c.yaml:2:1: warnign: unknown field 'warnign'; did you mean 'warning'? "
        "(and 3 more problems; see `stretchcoach validate c.yaml`)"
    )
    assert info.value.exit_code == ExitCode.USAGE


def test_a_single_problem_is_the_whole_message() -> None:
    with pytest.raises(CatalogError) as info:
        parse("version: 2\n")
    assert str(info.value) == "c.yaml:1:10: version: expected 1 (the only format this version reads)"


# -- reading files -----------------------------------------------------------------------


def test_read_catalog_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("version: 2\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert info.value.problems == [f"{path}:1:10: version: expected 1 (the only format this version reads)"]


def test_read_catalog_of_a_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as info:
        read_catalog(tmp_path)
    assert info.value.problems == [f"{tmp_path}: is a directory, not a catalog file"]


def test_read_catalog_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as info:
        read_catalog(tmp_path / "nope.yaml")
    assert info.value.problems == [f"{tmp_path / 'nope.yaml'}: no such file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_read_catalog_of_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("version: 1\n", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(CatalogError) as info:
            read_catalog(path)
    finally:
        path.chmod(0o600)
    assert info.value.problems == [f"{path}: permission denied; cannot read the catalog"]


def test_read_catalog_when_permission_is_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path as the chmod test, reachable when the tests run as root."""
    path = tmp_path / "secret.yaml"
    path.write_text("version: 1\n", encoding="utf-8")

    real_open = os.open

    def denied(name: Any, *args: Any, **kwargs: Any) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert info.value.problems == [f"{path}: permission denied; cannot read the catalog"]


def test_read_catalog_of_an_oversize_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 2**20)
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"version: 1\n" + b"# padding\n" * (3 * 2**20 // 20))
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert info.value.problems == [f"{path}: file is 1.5 MiB; a catalog may be at most 1 MiB"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_read_catalog_refuses_a_device() -> None:
    """A device has no end to read to: it is refused before a byte is read."""
    with pytest.raises(CatalogError) as info:
        read_catalog(Path("/dev/zero"))
    assert info.value.problems == ["/dev/zero: not a regular file; a catalog is a file of text"]


def test_read_catalog_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "catalog.yaml"
    os.mkfifo(fifo)
    with pytest.raises(CatalogError) as info:
        read_catalog(fifo)  # opening a FIFO for reading would block until someone writes to it
    assert info.value.problems == [f"{fifo}: not a regular file; a catalog is a file of text"]


def test_read_catalog_at_the_size_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "full.yaml"
    text = "version: 1\n"
    path.write_text(text + "#" * (1024 - len(text)), encoding="utf-8")
    assert path.stat().st_size == 1024
    assert read_catalog(path) == CatalogFile(warning=None, stretches=(), routines=())


# -- the built-in catalog ---------------------------------------------------------------------


def test_builtin_catalog_loads_with_a_warning_to_see_a_doctor() -> None:
    catalog = builtin()
    assert catalog.warning is not None
    assert "doctor" in catalog.warning
    assert "\n" not in catalog.warning


def test_builtin_catalog_has_the_seed_stretches_in_seed_order() -> None:
    assert tuple(s.id for s in builtin().stretches) == SEED_IDS


def test_builtin_catalog_keeps_the_seed_timings() -> None:
    timings = {s.id: s.timing for s in builtin().stretches}
    supine = timings["supine-hip-flexor"]
    assert isinstance(supine, Hold)
    assert (supine.seconds, supine.minimum, supine.sides) == (30, 30, (Side.LEFT, Side.RIGHT))
    assert supine.side_cue(Side.LEFT) == "Left knee to your chest, your hands around it; push your right leg down."
    assert supine.side_cue(Side.RIGHT) == "Right knee to your chest, your hands around it; push your left leg down."
    assert timings["childs-pose"] == Hold(30, minimum=30)  # "hold it for at least 30 seconds"

    def moves(timing: Hold | Cycle) -> tuple[int, list[tuple[str, int, Breath | None]]]:
        assert isinstance(timing, Cycle)
        return timing.reps, [(p.cue, p.seconds, p.breath) for p in timing.phases]

    assert moves(timings["cat-cow"]) == (
        6,
        [
            ("Inhale — arch your back and look up to the ceiling", 4, Breath.INHALE),
            ("Exhale — round your back and tuck your chin to your chest", 4, Breath.EXHALE),
        ],
    )
    assert moves(timings["seated-spinal-twist"]) == (
        4,
        [("Twist to the left", 5, None), ("Twist to the right", 5, None)],
    )
    cat_cow, twist = timings["cat-cow"], timings["seated-spinal-twist"]
    assert isinstance(cat_cow, Cycle)
    assert isinstance(twist, Cycle)
    assert (cat_cow.deeper, twist.deeper) == (3, 0)  # only cat-cow: "hold each position for a few seconds"


def test_builtin_routine_back_relief_does_all_four_in_order() -> None:
    (routine,) = builtin().routines
    assert routine.id == "back-relief"
    assert routine.items == tuple(RoutineItem(sid) for sid in SEED_IDS)
    assert (routine.prep, routine.rest, routine.switch) == (10, 10, 5)


def test_builtin_childs_pose_is_also_called_balasana() -> None:
    childs_pose = builtin().stretches[1]
    assert childs_pose.name == "Child's pose"
    assert childs_pose.aka == ("Balasana",)


# -- round trips ---------------------------------------------------------------------------------

Duration = Callable[[int], int | str]


def _as_int(seconds: int) -> int | str:
    return seconds


def catalog_yaml(
    stretches: list[dict[str, Any]],
    routines: Sequence[dict[str, Any]] = (),
    *,
    warning: str | None = None,
    duration: Duration = _as_int,
) -> str:
    """Catalog YAML from the JSON that ``render.stretch_json``/``routine_json`` give."""
    doc: dict[str, Any] = {"version": 1}
    if warning is not None:
        doc["warning"] = warning
    doc["stretches"] = []
    for s in stretches:
        entry = {key: s[key] for key in ("id", "name", "targets", "setup", "steps", "feel")}
        entry |= {key: s[key] for key in ("aka", "tips", "cautions") if s[key]}
        timing = s["timing"]
        if "hold" in timing:
            entry["hold"] = duration(timing["hold"])
            if timing["at_least"]:
                entry["hold"] = {"at_least": duration(timing["at_least"]), "seconds": entry["hold"]}
            if timing["side_cues"]:
                entry["sides"] = timing["side_cues"]
            elif timing["sides"]:
                entry["sides"] = timing["sides"]
        else:
            entry["reps"] = timing["reps"]
            if timing["at_least"]:
                entry["reps"] = {"at_least": timing["at_least"], "rounds": timing["reps"]}
            if timing["deeper"]:
                entry["deeper"] = duration(timing["deeper"])
            entry["phases"] = [
                {"cue": p["cue"], "seconds": duration(p["seconds"])}
                | ({"breath": p["breath"]} if p["breath"] else {})
                | ({"picture": "\n".join(p["picture"]) + "\n"} if p["picture"] else {})
                for p in timing["phases"]
            ]
        if s["picture"]:
            entry["picture"] = "\n".join(s["picture"]) + "\n"
        doc["stretches"].append(entry)
    if routines:
        doc["routines"] = []
    for r in routines:
        entry = {"id": r["id"], "name": r["name"]}
        if r["description"]:
            entry["description"] = r["description"]
        entry |= {gap: duration(r[gap]) for gap in ("prep", "rest", "switch")}
        entry["steps"] = [
            step["stretch"]
            if step["hold"] is None and step["reps"] is None
            else {"stretch": step["stretch"]}
            | ({"hold": duration(step["hold"])} if step["hold"] is not None else {})
            | ({"reps": step["reps"]} if step["reps"] is not None else {})
            for step in r["steps"]
        ]
        doc["routines"].append(entry)
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def test_stretch_json_written_back_as_yaml_gives_equal_stretches() -> None:
    original = builtin()
    text = catalog_yaml(
        [stretch_json(s) for s in original.stretches],
        [routine_json(r, 0) for r in original.routines],
        warning=original.warning,
    )
    assert parse(text) == original


# -- model -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "summary", "total"),
    [
        (Hold(30, (Side.LEFT, Side.RIGHT)), "30 s × 2 sides", 60),
        (Hold(30), "30 s", 30),
        (Hold(30, minimum=30), "at least 30 s", 30),
        (Hold(30, (Side.LEFT, Side.RIGHT), minimum=30), "at least 30 s × 2 sides", 60),
        (Hold(45, minimum=30), "45 s, at least 30 s", 45),
        (Hold(45, (Side.LEFT, Side.RIGHT), minimum=30), "45 s × 2 sides, at least 30 s", 90),
        (Hold(20, (Side.LEFT,)), "20 s, left side", 20),
        (
            Cycle((Phase("Arch", 4, Breath.INHALE), Phase("Round", 4, Breath.EXHALE)), 6),
            "6 × inhale 4 s / exhale 4 s",
            48,
        ),
        (
            Cycle((Phase("Arch", 4), Phase("Round", 4)), 6, least=3),
            "6 × arch 4 s / round 4 s, at least 3 rounds",
            48,
        ),
        (Cycle((Phase("Arch", 4), Phase("Round", 4)), 3, least=3), "at least 3 × arch 4 s / round 4 s", 24),
        (
            Cycle((Phase("Twist to the left", 5), Phase("Twist to the right", 5)), 4),
            "4 × twist to the left 5 s / twist to the right 5 s",
            40,
        ),
    ],
)
def test_timing_summary_and_total(timing: Hold | Cycle, summary: str, total: int) -> None:
    assert timing.summary() == summary
    assert timing.total_seconds == total


def test_stretch_seconds_is_its_time_under_stretch(catalog: Catalog) -> None:
    assert [s.seconds for s in catalog.stretches] == [60, 30, 48, 40]


# -- catalog.load_catalog: the built-in file plus the user's ----------------------------------------------

USER_CATALOG = """\
version: 1
warning: Stop at once if anything tingles or goes numb.
stretches:
  - id: wall-lean
    name: Wall lean
    targets: [calves]
    setup: Face a wall.
    steps: [Lean into the wall.]
    feel: A stretch in your calves.
    hold: 20s
  - id: childs-pose
    name: Child's pose, long
    targets: [lower back]
    setup: Kneel.
    steps: [Sit back on your heels.]
    feel: A long back.
    hold: 1m
routines:
  - id: evening
    name: Evening
    steps: [wall-lean, {stretch: cat-cow, reps: 4}, childs-pose]
"""


def test_load_catalog_without_a_user_file_is_the_builtin_one(user_catalog: Path) -> None:
    assert not user_catalog.exists()
    catalog = load_catalog(catalog_path=None, user_catalog=user_catalog)
    original = builtin()
    assert (catalog.warning, catalog.stretches, catalog.routines) == (
        original.warning,
        original.stretches,
        original.routines,
    )


def test_user_catalog_adds_replaces_and_overrides_the_warning(user_catalog: Path) -> None:
    user_catalog.write_text(USER_CATALOG, encoding="utf-8")
    catalog = load_catalog(catalog_path=None, user_catalog=user_catalog)
    assert catalog.warning == "Stop at once if anything tingles or goes numb."
    # Replaced stretches keep their place; new ones come after the built-in ones.
    assert [s.id for s in catalog.stretches] == [*SEED_IDS, "wall-lean"]
    childs_pose = catalog.stretch("childs-pose")
    assert childs_pose is not None
    assert (childs_pose.name, childs_pose.timing) == ("Child's pose, long", Hold(60))
    assert [r.id for r in catalog.routines] == ["back-relief", "evening"]
    evening = catalog.routine("evening")
    assert evening is not None
    assert evening.items == (RoutineItem("wall-lean"), RoutineItem("cat-cow", reps=4), RoutineItem("childs-pose"))


def test_user_catalog_without_a_warning_keeps_the_builtin_one(user_catalog: Path) -> None:
    user_catalog.write_text(USER_CATALOG.replace("warning: Stop at once if anything tingles or goes numb.\n", ""))
    assert load_catalog(catalog_path=None, user_catalog=user_catalog).warning == builtin().warning


def test_a_catalog_option_file_goes_over_the_builtin_one_in_place_of_the_users(
    tmp_path: Path, user_catalog: Path
) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(USER_CATALOG, encoding="utf-8")
    user_catalog.write_text("version: 1\nroutines:\n  - {id: r, name: R, steps: [cat-cw]}\n", encoding="utf-8")
    assert load_catalog(catalog_path=mine, user_catalog=user_catalog) == load_catalog(
        catalog_path=None, user_catalog=mine
    )
    catalog = load_catalog(catalog_path=mine, user_catalog=user_catalog)
    assert catalog.warning == "Stop at once if anything tingles or goes numb."
    assert [s.id for s in catalog.stretches] == [*SEED_IDS, "wall-lean"]
    assert [r.id for r in catalog.routines] == ["back-relief", "evening"]


def test_a_missing_catalog_option_file_is_an_error_a_missing_user_catalog_is_not(
    tmp_path: Path, user_catalog: Path
) -> None:
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog_path=tmp_path / "nope.yaml", user_catalog=user_catalog)
    assert info.value.problems == [f"{tmp_path}/nope.yaml: no such file"]
    assert load_catalog(catalog_path=None, user_catalog=tmp_path / "nope.yaml").stretches == builtin().stretches


def test_a_broken_user_catalog_names_the_user_file(user_catalog: Path) -> None:
    user_catalog.write_text("version: 1\nroutines:\n  - {id: r, name: R, steps: [cat-cw]}\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog_path=None, user_catalog=user_catalog)
    assert info.value.problems == [
        f"{user_catalog}:3:30: routines[0].steps[0]: no stretch 'cat-cw' in the catalog; did you mean 'cat-cow'?",
    ]


# -- properties ------------------------------------------------------------------------------------------------

FRAGMENTS = [
    "version: 1\n",
    "version: 2\n",
    "warning: careful\n",
    "stretches:\n",
    "routines:\n",
    "  - ",
    "    ",
    "id: cat-cow\n",
    "id: Bad Id\n",
    "name: x\n",
    "targets: [a]\n",
    "setup: s\n",
    "steps: [a]\n",
    "steps: [cat-cow, {stretch: cat-cow, hold: 30}]\n",
    "feel: f\n",
    "hold: ",
    "30s",
    "1m30s",
    "-5",
    "0",
    "!!int x",
    "!!python/object/apply:os.system ['true']",
    "sides: [left, right]\n",
    "phases:\n",
    "- {cue: c, seconds: 4, breath: inhale}\n",
    "reps: 6\n",
    "&a ",
    "*a",
    "<<: ",
    "? ",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "|\n",
    ">-\n",
    "#",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "\t",
    "\n",
    "\ufeff",
    "é",
    "\x00",
]

yamlish = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)


def _parses_or_refuses_cleanly(data: str | bytes) -> None:
    try:
        result = parse(data)
    except CatalogError as exc:
        error = exc
    else:
        assert isinstance(result, CatalogFile)
        return
    assert error.problems
    for problem in error.problems:
        assert problem.startswith("c.yaml")
        assert "\n" not in problem


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_catalog_or_a_catalog_error(text: str) -> None:
    _parses_or_refuses_cleanly(text)


@settings(max_examples=300, deadline=None)
@given(yamlish)
def test_yamlish_text_gives_a_catalog_or_a_catalog_error(text: str) -> None:
    _parses_or_refuses_cleanly(text)


@settings(max_examples=100, deadline=None)
@given(st.binary())
def test_any_bytes_give_a_catalog_or_a_catalog_error(data: bytes) -> None:
    _parses_or_refuses_cleanly(data)


slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
words = (
    st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=30)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)
seconds = st.integers(1, MAX_SECONDS)
holds = st.builds(
    Hold,
    seconds=seconds,
    sides=st.sampled_from([(), (Side.LEFT,), (Side.RIGHT,), (Side.LEFT, Side.RIGHT), (Side.RIGHT, Side.LEFT)]),
)
cycles = st.builds(
    Cycle,
    phases=st.lists(
        st.builds(Phase, cue=words, seconds=seconds, breath=st.none() | st.sampled_from(Breath)), min_size=1, max_size=4
    ).map(tuple),
    reps=st.integers(1, MAX_REPS),
)
short_lists = st.lists(words, max_size=3).map(tuple)


def _minutes_and_seconds(total: int) -> str:
    minutes, secs = divmod(total, 60)
    if minutes and secs:
        return f"{minutes}m{secs}s"
    return f"{minutes} min" if minutes else f"{secs}s"


durations: st.SearchStrategy[Duration] = st.sampled_from([_as_int, str, "{}s".format, _minutes_and_seconds])


@st.composite
def catalogs(draw: st.DrawFn) -> CatalogFile:
    ids = draw(st.lists(slugs, max_size=4, unique=True))
    stretches = tuple(
        Stretch(
            id=sid,
            name=draw(words),
            targets=draw(st.lists(words, min_size=1, max_size=3).map(tuple)),
            setup=draw(words),
            steps=draw(st.lists(words, min_size=1, max_size=3).map(tuple)),
            feel=draw(words),
            timing=draw(holds | cycles),
            aka=draw(short_lists),
            tips=draw(short_lists),
            cautions=draw(short_lists),
        )
        for sid in ids
    )
    routines: list[Routine] = []
    if stretches:
        for rid in draw(st.lists(slugs, max_size=3, unique=True)):
            items = []
            for stretch in draw(st.lists(st.sampled_from(stretches), min_size=1, max_size=5)):
                if isinstance(stretch.timing, Hold):
                    items.append(RoutineItem(stretch.id, hold=draw(st.none() | seconds)))
                else:
                    items.append(RoutineItem(stretch.id, reps=draw(st.none() | st.integers(1, MAX_REPS))))
            gaps = st.integers(0, MAX_SECONDS)
            routines.append(
                Routine(
                    id=rid,
                    name=draw(words),
                    description=draw(st.just("") | words),
                    items=tuple(items),
                    prep=draw(gaps),
                    rest=draw(gaps),
                    switch=draw(gaps),
                )
            )
    return CatalogFile(warning=draw(st.none() | words), stretches=stretches, routines=tuple(routines))


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), durations)
def test_valid_catalogs_parse_back_to_equal_model_objects(catalog: CatalogFile, duration: Duration) -> None:
    text = catalog_yaml(
        [stretch_json(s) for s in catalog.stretches],
        [routine_json(r, 0) for r in catalog.routines],
        warning=catalog.warning,
        duration=duration,
    )
    assert parse(text) == catalog


# -- pictures, and what each side means ----------------------------------------------------


def test_a_picture_is_kept_line_for_line() -> None:
    text = one_stretch("hold: 30\npicture: |2\n    ●\n   ╱┃╲\n  ┌─┸─┐  \n")
    (stretch,) = parse(text).stretches
    assert stretch.picture == ("  ●", " ╱┃╲", "┌─┸─┐")


@pytest.mark.parametrize(
    ("picture", "says"),
    [
        ("picture: [a, b]", "expected a drawing as a block of text (picture: |), got a list"),
        ('picture: "\\t●"', "contains a tab (it would not line up)"),
        ('picture: "●\\e[2J"', "contains U+001B"),
        ('picture: "   "', "expected a drawing, got nothing"),
        ("picture: " + '"' + "x" * 41 + '"', "expected a drawing at most 40 wide and 8 tall, got 41 wide and 1 tall"),
        ("picture: |\n" + "  x\n" * 9, "expected a drawing at most 40 wide and 8 tall, got 1 wide and 9 tall"),
    ],
)
def test_a_picture_must_be_a_small_drawing(picture: str, says: str) -> None:
    (problem,) = problems(one_stretch("hold: 30\n" + picture + "\n"))
    assert problem.startswith("c.yaml:10:"), problem
    assert f"stretches[0].picture: {says}" in problem, problem


def test_a_phase_may_have_a_picture() -> None:
    text = one_stretch('reps: 2\nphases:\n  - {cue: Up, seconds: 3, picture: "●\\n┃"}\n  - {cue: Down, seconds: 3}\n')
    (stretch,) = parse(text).stretches
    assert isinstance(stretch.timing, Cycle)
    assert [p.picture for p in stretch.timing.phases] == [("●", "┃"), ()]


def test_sides_may_say_what_each_side_means() -> None:
    text = one_stretch("hold: 30\nsides:\n  right: Right knee up.\n  left: Left knee up.\n")
    (stretch,) = parse(text).stretches
    assert isinstance(stretch.timing, Hold)
    assert stretch.timing.sides == (Side.RIGHT, Side.LEFT)  # in the order written
    assert stretch.timing.side_cue(Side.LEFT) == "Left knee up."
    assert stretch.timing.side_cue(Side.RIGHT) == "Right knee up."


@pytest.mark.parametrize(
    ("sides", "says"),
    [
        ("sides: {}", "expected at least one side"),
        ("sides: {left: Up., middle: Down.}", "unknown field 'middle'"),
        ("sides: {left: 3}", "expected text, got a number"),
    ],
)
def test_what_a_side_means_is_checked(sides: str, says: str) -> None:
    (problem,) = problems(one_stretch("hold: 30\n" + sides + "\n"))
    assert says in problem, problem


# -- reading each stretch as it is composed ----------------------------------------------------------------------


def _outcome(text: str, *, stream: bool) -> CatalogFile | list[str]:
    try:
        return parse(text, stream=stream)
    except CatalogError as exc:
        return exc.problems


STREAM_FRAGMENTS = [*FRAGMENTS, "stretches: ", "&s ", "*s", "- *a\n", "id: cat-cow\n    name: x\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(STREAM_FRAGMENTS), max_size=40).map("".join))
def test_stretches_read_as_composed_give_what_the_whole_tree_gives(text: str) -> None:
    assert _outcome(text, stream=True) == _outcome(text, stream=False)


_STRETCHES = TWO_STRETCHES.split("stretches:\n", 1)[1].split("routines:", 1)[0]
STREAM_CASES = {
    "valid": with_routine("- {id: both, name: Both, steps: [reach, rock]}\n"),
    "duplicate ids": TWO_STRETCHES.replace("routines:\n", _STRETCHES),
    "a bad stretch among good ones": TWO_STRETCHES.replace("feel: A long back.", "feel: [A long back.]"),
    "a stretch that is not a mapping": TWO_STRETCHES.replace("stretches:\n", "stretches:\n  - just text\n"),
    "an alias among the stretches": "version: 1\nother: &a {id: x}\nstretches:\n  - *a\n  - {id: y}\n",
    "the list itself anchored": "version: 1\nstretches: &s\n  - {id: x}\nroutines: *s\n",
    "stretches twice": "version: 1\nstretches: []\nstretches:\n  - {id: x}\n",
    "stretches not a list, then a list": "version: 1\nstretches: 3\nstretches:\n  - {id: x}\n",
    "a wrong version": "version: 2\nstretches:\n  - {id: x}\n",
    "an unknown top-level field first": "versoin: 1\nstretches:\n  - {id: x}\n",
    "a recursive alias": "version: 1\nstretches: &s\n  - *s\n",
    "the built-in catalog": builtin_catalog_path().read_text(encoding="utf-8"),
}


@pytest.mark.parametrize("text", STREAM_CASES.values(), ids=STREAM_CASES.keys())
def test_reading_stretches_as_composed_changes_nothing(text: str) -> None:
    assert _outcome(text, stream=True) == _outcome(text, stream=False)


def test_a_stretch_read_as_composed_is_not_kept_in_the_tree() -> None:
    """So only one stretch's nodes are alive at a time, however large the file."""
    read: list[str] = []

    class Items:
        key = "stretches"

        def begin(self, node: yaml.Node) -> None:
            read.clear()

        def item(self, node: yaml.Node) -> None:
            read.append(node.value[0][1].value)

        def keep(self) -> None:
            read.append("(kept)")

    text = "version: 1\nother: &a {id: a}\nstretches:\n  - {id: x}\n  - *a\n  - {id: y}\n"
    root = yamlnodes.compose(text, max_depth=64, max_expanded=10_000, items=Items())
    assert root is not None
    stretches = {k.value: v for k, v in root.value}["stretches"]
    assert read == ["x", "(kept)", "y"]
    assert [item.value[0][1].value for item in stretches.value] == ["a"]
