"""The catalog commands (list, show, validate), the global options and completion, through the CLI.

Errors are one line on stderr, ``stretchcoach: <message>``, with exit code 2; never a traceback.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
import typer
from typer.testing import CliRunner, Result

from stretchcoach import __version__
from stretchcoach.catalog.builtin import CATALOG
from stretchcoach.cli import _complete_stretch, app

from helpers import SEED_IDS, WARNING, WIDE, flat, rows

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def assert_clean_error(result: Result, stderr: str) -> None:
    """Exit code 2, exactly ``stderr`` on stderr, nothing on stdout, no traceback."""
    assert (result.exit_code, result.stderr, result.stdout) == (2, stderr, "")
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def first_cells(output: str) -> list[str]:
    """The first cell of each table row (and each wrapped part of a row)."""
    return [row[0] for row in rows(output)]


WALL_LEAN = """\
version: 1
stretches:
  - id: wall-lean
    name: Wall lean
    targets: [calves]
    setup: Face a wall an arm's length away.
    steps: [Lean into the wall with your heels down.]
    feel: A stretch in your calves.
    hold: 20s
    sides: [left, right]
"""

BROKEN = """\
version: 1
stretches:
  - id: wall-lean
    name: Wall lean
    hodl: 20s
routines:
  - {id: r, name: R, steps: [cat-cw]}
"""


def broken_problems(path: Path | str) -> list[str]:
    return [
        f"{path}:5:5: stretches[0].hodl: unknown field 'hodl'; did you mean 'hold'?",
        f"{path}:3:5: stretches[0]: missing required field 'targets'",
        f"{path}:3:5: stretches[0]: missing required field 'setup'",
        f"{path}:3:5: stretches[0]: missing required field 'steps'",
        f"{path}:3:5: stretches[0]: missing required field 'feel'",
        f"{path}:3:5: stretches[0]: expected exactly one of 'hold' or 'phases', got neither",
        f"{path}:7:30: routines[0].steps[0]: no stretch 'cat-cw' in the catalog; did you mean 'cat-cow'?",
    ]


# -- list ------------------------------------------------------------------------------

# The built-in catalog, as data/stretches.yaml has it.
SUPINE_HIP_FLEXOR_JSON = {
    "id": "supine-hip-flexor",
    "name": "Supine hip flexor stretch",
    "aka": [],
    "targets": ["hip flexors", "lower back"],
    "setup": "Lie on your back with your knees bent and your feet flat on the floor.",
    "steps": [
        "Bring one knee up to your chest and grab it with your hands.",
        "Use your hips and abs to push your other leg down into the stretch.",
        "Hold, then repeat on the other side.",
    ],
    "feel": "A stretch in the hip flexor of the leg you push down.",
    "tips": [],
    "cautions": [],
    "timing": {
        "hold": 30,
        "at_least": 30,
        "sides": ["left", "right"],
        "side_cues": {
            "left": "Left knee to your chest, your hands around it; push your right leg down.",
            "right": "Right knee to your chest, your hands around it; push your left leg down.",
        },
    },
    "summary": "at least 30 s × 2 sides",
    "seconds": 60,
    "picture": [
        "          ┏━━━━╸",
        "    ╭─────┨",
        " ●━━┷━━━━━┻━━━━━━━━━━━━━━╸",
        "▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔",
    ],
}
STRETCH_KEYS = list(SUPINE_HIP_FLEXOR_JSON)  # every stretch has these keys, in this order
CAT_COW_JSON = {
    "id": "cat-cow",
    "name": "Cat-cow pose",
    "aka": [],
    "targets": ["spine", "neck", "shoulders", "lower back"],
    "setup": "Start on your hands and knees with your back in a neutral position.",
    "steps": [
        "As you inhale, arch your back and look up to the ceiling.",
        "As you exhale, round your back and tuck your chin to your chest.",
        "Repeat several times, moving slowly and with deep breaths.",
        "You can hold each position for a few seconds if you need a deeper stretch.",
    ],
    "feel": "Your spine lengthening, and tension releasing in your lower back, neck and shoulders.",
    "tips": [],
    "cautions": [],
    "timing": {
        "reps": 6,
        "at_least": 3,
        "deeper": 3,
        "phases": [
            {
                "cue": "Inhale — arch your back and look up to the ceiling",
                "seconds": 4,
                "breath": "inhale",
                "picture": ["●", " ╲      ╱", "  ╰────╯", "  ┃    ┃", "▔▔┻▔▔▔▔┻▔▔"],
            },
            {
                "cue": "Exhale — round your back and tuck your chin to your chest",
                "seconds": 4,
                "breath": "exhale",
                "picture": ["  ╭────╮", " ╱      ╲", "●┃      ┃", "▔┻▔▔▔▔▔▔┻▔"],
            },
        ],
    },
    "summary": "6 × inhale 4 s / exhale 4 s, at least 3 rounds",
    "seconds": 48,
    "picture": [" ●━━━━━━━━╮", " ┃        ┃", "▔┻▔▔▔▔▔▔▔▔┻▔"],
}
BACK_RELIEF_JSON = {
    "id": "back-relief",
    "name": "Back relief",
    "description": "The four stretches of the article, in its order.",
    "prep": 10,
    "rest": 10,
    "switch": 5,
    "steps": [{"stretch": sid, "hold": None, "reps": None} for sid in SEED_IDS],
    "total_seconds": 253,
}


def test_list_shows_every_stretch_with_its_timing() -> None:
    result = run("list", env=WIDE)
    assert (result.exit_code, result.stderr) == (0, "")
    assert rows(result.stdout)[:5] == [
        ["ID", "Name", "Targets", "Timing", "Time"],
        [
            "supine-hip-flexor",
            "Supine hip flexor stretch",
            "hip flexors, lower back",
            "at least 30 s × 2 sides",
            "1 min",
        ],
        ["childs-pose", "Child's pose", "lower back, spine", "at least 30 s", "30 s"],
        [
            "cat-cow",
            "Cat-cow pose",
            "spine, neck, shoulders, lower back",
            "6 × inhale 4 s / exhale 4 s, at least 3 rounds",
            "48 s",
        ],
        [
            "seated-spinal-twist",
            "Seated spinal twist",
            "back muscles, spine",
            "4 × twist to the left 5 s / twist to the right 5 s, at least 3 rounds",
            "40 s",
        ],
    ]


def test_list_shows_the_routines_with_their_planned_total() -> None:
    result = run("list", env=WIDE)
    # The seed's routine: 178 s of stretching, 4 × 10 s to get ready, one 5 s switch, 3 × 10 s rests.
    assert rows(result.stdout)[5:] == [
        ["ID", "Name", "Stretches", "Time"],
        ["back-relief", "Back relief", "supine-hip-flexor, childs-pose, cat-cow, seated-spinal-twist", "4 min 13 s"],
    ]


def test_list_at_a_normal_width() -> None:
    result = run("list")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert text.startswith("Stretches ID Name Targets Timing Time supine-hip-flexor ")
    assert " Routines ID Name Stretches Time back-relief Back relief " in text
    for sid in [*SEED_IDS, "back-relief"]:  # ids never wrap
        assert sid in first_cells(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[-1] == "Details: stretchcoach show ID   Start: stretchcoach routine"
    assert all(len(line) <= 100 for line in lines)


def timing_seconds(timing: dict[str, Any]) -> int:
    """A stretch's time under stretch, from its JSON timing: a hold on each side, or every phase of every round."""
    if "hold" in timing:
        return int(timing["hold"]) * max(1, len(timing["sides"]))
    return int(timing["reps"]) * sum(phase["seconds"] for phase in timing["phases"])


def test_list_json() -> None:
    result = run("list", "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert list(data) == ["stretches", "routines"]
    stretches = {s["id"]: s for s in data["stretches"]}
    assert [s["id"] for s in data["stretches"]] == list(SEED_IDS)
    assert [list(s) for s in data["stretches"]] == [STRETCH_KEYS] * len(SEED_IDS)
    assert stretches["supine-hip-flexor"] == SUPINE_HIP_FLEXOR_JSON
    assert stretches["cat-cow"] == CAT_COW_JSON
    for sid, stretch in stretches.items():
        assert stretch["seconds"] == timing_seconds(stretch["timing"]), sid
        assert stretch["summary"], sid

    assert data["routines"] == [BACK_RELIEF_JSON]
    (routine,) = data["routines"]
    assert list(routine) == ["id", "name", "description", "prep", "rest", "switch", "steps", "total_seconds"]
    # The total adds up: each stretch, a prep before each, a switch between two sides, a rest between stretches.
    done = [stretches[step["stretch"]] for step in routine["steps"]]
    switches = sum(len(s["timing"].get("sides", [])) == 2 for s in done)
    assert routine["total_seconds"] == (
        sum(s["seconds"] for s in done)
        + routine["prep"] * len(done)
        + routine["switch"] * switches
        + routine["rest"] * (len(done) - 1)
    )


def test_list_json_is_plain_json_whatever_the_width() -> None:
    assert run("list", "--json", env={"COLUMNS": "20"}).stdout == run("list", "--json", env=WIDE).stdout


# -- show --------------------------------------------------------------------------------


def test_show_cat_cow() -> None:
    result = run("show", "cat-cow", env=WIDE)
    assert (result.exit_code, result.stderr) == (0, "")
    assert flat(result.stdout) == (
        "Cat-cow pose cat-cow "
        "Targets spine, neck, shoulders, lower back "
        "Start Start on your hands and knees with your back in a neutral position. "
        "Steps 1. As you inhale, arch your back and look up to the ceiling. "
        "2. As you exhale, round your back and tuck your chin to your chest. "
        "3. Repeat several times, moving slowly and with deep breaths. "
        "4. You can hold each position for a few seconds if you need a deeper stretch. "
        "Timing 6 × inhale 4 s / exhale 4 s, at least 3 rounds (48 s in all) "
        "Each round Inhale — arch your back and look up to the ceiling (4 s) "
        "Exhale — round your back and tuck your chin to your chest (4 s) "
        "You should feel Your spine lengthening, and tension releasing in your lower back, neck and shoulders. "
        f"⚠ Safety {WARNING} Urgent signs that need a doctor now: run `stretchcoach safety`."
    )


@pytest.mark.parametrize("width", [40, 60, 80, 100, 140])
def test_show_draws_one_box_as_wide_as_the_screen_then_the_warning(width: int) -> None:
    for stretch in CATALOG.stretches:
        result = run("show", stretch.id, env={"COLUMNS": str(width)})
        assert (result.exit_code, result.stderr) == (0, "")
        lines = result.stdout.splitlines()
        title = f"╭─ {stretch.name}  {stretch.id} "[: width - 2]  # a title too long is cut
        assert lines[0].startswith(title)
        assert {len(line) for line in lines} == {width}
        bottom = next(n for n, line in enumerate(lines) if line.startswith("╰"))
        assert lines[bottom + 1].startswith("╭─ ⚠ Safety ")
        assert "\x1b" not in result.stdout  # a pipe gets plain text


def test_show_a_hold_stretch_without_phases() -> None:
    out = run("show", "supine-hip-flexor", env=WIDE).stdout
    assert " Timing at least 30 s × 2 sides (1 min in all) You should feel " in flat(out)
    assert "Each round" not in out


@pytest.mark.parametrize("query", ["Child's Pose", "childs pose", "balasana", "BALASANA", "CHILDS-POSE"])
def test_show_finds_a_stretch_by_name_or_other_name(query: str) -> None:
    expected = run("show", "childs-pose", env=WIDE)
    assert expected.exit_code == 0
    assert flat(expected.stdout).startswith("Child's pose childs-pose Also called Balasana Targets lower back, spine ")
    result = run("show", query, env=WIDE)
    assert (result.exit_code, result.stdout) == (0, expected.stdout)


def test_show_unknown_stretch_suggests_a_close_one() -> None:
    assert_clean_error(run("show", "cat-cw"), "stretchcoach: no stretch 'cat-cw'; did you mean 'cat-cow'?\n")


def test_show_unknown_stretch_without_a_close_one() -> None:
    assert_clean_error(run("show", "xyzzy"), "stretchcoach: no stretch 'xyzzy'; see `stretchcoach list`\n")


def test_show_json_includes_the_warning() -> None:
    result = run("show", "cat-cow", "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert data == CAT_COW_JSON | {"warning": WARNING}
    assert list(data) == [*STRETCH_KEYS, "warning"]


def test_show_needs_a_stretch() -> None:
    result = run("show")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "stretchcoach: `stretchcoach show` needs STRETCH; see `stretchcoach show --help`\n"


# -- validate --------------------------------------------------------------------------------


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in tmp_path, so files are named by short relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_a_good_file(in_tmp: Path) -> None:
    (in_tmp / "good.yaml").write_text(
        WALL_LEAN + "  - {id: toe-touch, name: Toe touch, targets: [hamstrings], setup: Stand., "
        "steps: [Reach down.], feel: Long legs., hold: 20}\n",
        encoding="utf-8",
    )
    result = run("validate", "good.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "ok: good.yaml: 2 stretches, 0 routines, over the built-in catalog\n",
        "",
    )


def test_validate_the_builtin_catalog() -> None:
    from stretchcoach.paths import builtin_catalog_path

    result = run("validate", str(builtin_catalog_path()), env={"COLUMNS": "500"})
    assert (result.exit_code, result.stdout) == (
        0,
        f"ok: {builtin_catalog_path()}: 4 stretches, 1 routine, over the built-in catalog, replacing the stretches "
        "supine-hip-flexor, childs-pose, cat-cow and seated-spinal-twist, the routine back-relief and the warning\n",
    )


def test_validate_a_user_file_may_name_builtin_stretches(in_tmp: Path) -> None:
    (in_tmp / "mine.yaml").write_text(
        "version: 1\nroutines:\n"
        "  - {id: cats, name: Cats, steps: [cat-cow, {stretch: cat-cow, reps: 3}]}\n"
        "  - {id: kids, name: Kids, steps: [{stretch: childs-pose, hold: 1m}]}\n",
        encoding="utf-8",
    )
    result = run("validate", "mine.yaml")
    assert (result.exit_code, result.stdout) == (
        0,
        "ok: mine.yaml: 0 stretches, 2 routines, over the built-in catalog\n",
    )


def test_validate_a_bad_file_prints_every_problem(in_tmp: Path) -> None:
    (in_tmp / "bad.yaml").write_text(BROKEN, encoding="utf-8")
    result = run("validate", "bad.yaml")
    assert_clean_error(
        result, "\n".join([*broken_problems("bad.yaml"), "stretchcoach: 1 of 1 catalog file failed validation"]) + "\n"
    )


def test_validate_several_files_reports_each(in_tmp: Path) -> None:
    (in_tmp / "good.yaml").write_text(WALL_LEAN, encoding="utf-8")
    (in_tmp / "bad.yaml").write_text("version: 2\n", encoding="utf-8")
    result = run("validate", "good.yaml", "bad.yaml", "missing.yaml")
    assert result.exit_code == 2
    assert result.stdout == "ok: good.yaml: 1 stretch, 0 routines, over the built-in catalog\n"
    assert result.stderr == (
        "bad.yaml:1:10: version: expected 1 (the only format this version reads)\n"
        "missing.yaml: no such file\n"
        "stretchcoach: 2 of 3 catalog files failed validation\n"
    )


def test_validate_a_directory(in_tmp: Path) -> None:
    (in_tmp / "sub").mkdir()
    assert_clean_error(
        run("validate", "sub"),
        "sub: is a directory, not a catalog file\nstretchcoach: 1 of 1 catalog file failed validation\n",
    )


def test_validate_without_a_file_and_without_a_catalog_of_your_own(user_catalog: Path) -> None:
    result = run("validate", env=WIDE)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"no catalog of your own at {user_catalog}; nothing to check (the built-in catalog is in use)\n"
    )


def test_validate_without_a_file_checks_your_catalog_yaml(user_catalog: Path) -> None:
    user_catalog.write_text(WALL_LEAN, encoding="utf-8")
    result = run("validate", env=WIDE)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"ok: {user_catalog}: 1 stretch, 0 routines, over the built-in catalog\n",
        "",
    )
    user_catalog.write_text(BROKEN, encoding="utf-8")
    assert_clean_error(
        run("validate", env=WIDE),
        "\n".join([*broken_problems(user_catalog), "stretchcoach: 1 of 1 catalog file failed validation"]) + "\n",
    )


def test_validate_without_a_file_checks_the_catalog_option_not_catalog_yaml(tmp_path: Path, user_catalog: Path) -> None:
    user_catalog.write_text(BROKEN, encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text(WALL_LEAN, encoding="utf-8")
    result = run("--catalog", str(mine), "validate", env=WIDE)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"ok: {mine}: 1 stretch, 0 routines, over the built-in catalog\n",
        "",
    )
    assert_clean_error(
        run("--catalog", str(tmp_path / "nope.yaml"), "validate"),
        f"{tmp_path}/nope.yaml: no such file\nstretchcoach: 1 of 1 catalog file failed validation\n",
    )


def test_validate_checks_each_file_over_the_builtin_catalog_whatever_the_catalog_option(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(WALL_LEAN, encoding="utf-8")
    uses = tmp_path / "uses.yaml"
    uses.write_text("version: 1\nroutines:\n  - {id: calves, name: Calves, steps: [wall-lean]}\n", encoding="utf-8")
    # The FILE is checked as `--catalog uses.yaml` would load it: without base.yaml's wall-lean.
    result = run("--catalog", str(base), "validate", str(uses), env=WIDE)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{uses}:3:40: routines[0].steps[0]: no stretch 'wall-lean' in the catalog"


def test_validate_ok_line_stays_on_one_line_for_a_long_path(tmp_path: Path) -> None:
    path = tmp_path / ("a-long-directory-name-" * 4) / "catalog.yaml"
    path.parent.mkdir()
    path.write_text(WALL_LEAN, encoding="utf-8")
    assert run("validate", str(path)).stdout == f"ok: {path}: 1 stretch, 0 routines, over the built-in catalog\n"


# -- --catalog and the user catalog ---------------------------------------------------------------


def test_catalog_option_goes_over_the_builtin_catalog(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(WALL_LEAN, encoding="utf-8")

    listed = run("--catalog", str(mine), "list", env=WIDE)
    assert listed.exit_code == 0
    assert ["wall-lean", "Wall lean", "calves", "20 s × 2 sides", "40 s"] in rows(listed.stdout)
    assert first_cells(listed.stdout) == ["ID", *SEED_IDS, "wall-lean", "ID", "back-relief"]
    assert run("--catalog", str(mine), "show", "cat-cow").exit_code == 0


def test_catalog_option_replaces_a_builtin_stretch_by_id(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(WALL_LEAN.replace("id: wall-lean", "id: childs-pose"), encoding="utf-8")
    data = json.loads(run("--catalog", str(mine), "show", "childs-pose", "--json").stdout)
    assert (data["name"], data["summary"]) == ("Wall lean", "20 s × 2 sides")
    assert [s["id"] for s in json.loads(run("--catalog", str(mine), "list", "--json").stdout)["stretches"]] == list(
        SEED_IDS
    )


def test_a_catalog_without_a_warning_still_shows_the_builtin_warning(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(WALL_LEAN, encoding="utf-8")
    shown = run("--catalog", str(mine), "show", "wall-lean", env=WIDE)
    assert shown.exit_code == 0
    assert f" ⚠ Safety {WARNING} " in flat(shown.stdout)
    as_json = json.loads(run("--catalog", str(mine), "show", "wall-lean", "--json").stdout)
    assert as_json["warning"] == WARNING


def test_a_catalog_with_its_own_warning_shows_it(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(WALL_LEAN.replace("version: 1\n", "version: 1\nwarning: Mind your knees.\n"), encoding="utf-8")
    assert (
        json.loads(run("--catalog", str(mine), "show", "wall-lean", "--json").stdout)["warning"] == "Mind your knees."
    )


def test_catalog_option_with_a_broken_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    first = broken_problems(bad)[0]
    for command in (["list"], ["show", "cat-cow"], ["list", "--json"]):
        assert_clean_error(
            run("--catalog", str(bad), *command),
            f"stretchcoach: {first} (and 6 more problems; see `stretchcoach validate {bad}`)\n",
        )


def test_catalog_option_with_a_missing_file(tmp_path: Path) -> None:
    assert_clean_error(
        run("--catalog", str(tmp_path / "nope.yaml"), "list"), f"stretchcoach: {tmp_path}/nope.yaml: no such file\n"
    )


def test_catalog_option_with_a_directory(tmp_path: Path) -> None:
    assert_clean_error(
        run("--catalog", str(tmp_path), "list"), f"stretchcoach: {tmp_path}: is a directory, not a catalog file\n"
    )


@pytest.mark.parametrize(("args", "env"), [(["--debug"], {}), ([], {"STRETCHCOACH_DEBUG": "1"})])
def test_debug_lets_the_error_through(tmp_path: Path, args: list[str], env: dict[str, str]) -> None:
    from stretchcoach.errors import CatalogError

    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    result = run(*args, "--catalog", str(bad), "list", env=env)
    assert isinstance(result.exception, CatalogError)
    assert result.exception.problems == [f"{bad}:1:10: version: expected 1 (the only format this version reads)"]


def test_the_user_catalog_is_picked_up(user_catalog: Path) -> None:
    user_catalog.write_text(
        WALL_LEAN + "routines:\n  - {id: calves-and-back, name: Calves and back, steps: [wall-lean, childs-pose]}\n",
        encoding="utf-8",
    )
    listed = run("list", env=WIDE)
    assert listed.exit_code == 0
    assert first_cells(listed.stdout) == [
        "ID",
        *SEED_IDS,
        "wall-lean",
        "ID",
        "back-relief",
        "calves-and-back",
    ]
    shown = run("show", "wall lean", env=WIDE)
    assert shown.exit_code == 0
    assert flat(shown.stdout).startswith("Wall lean wall-lean Targets calves Start Face a wall an arm's length away. ")


def test_the_user_catalog_replaces_a_stretch_by_id(user_catalog: Path) -> None:
    user_catalog.write_text(WALL_LEAN.replace("id: wall-lean", "id: childs-pose"), encoding="utf-8")
    data = json.loads(run("show", "childs-pose", "--json").stdout)
    assert (data["name"], data["summary"]) == ("Wall lean", "20 s × 2 sides")
    assert [s["id"] for s in json.loads(run("list", "--json").stdout)["stretches"]] == list(SEED_IDS)


def test_the_user_catalog_is_not_read_when_the_catalog_option_is_given(tmp_path: Path, user_catalog: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(WALL_LEAN, encoding="utf-8")
    user_catalog.write_text("version: 1\nroutines:\n  - {id: calves, name: Calves, steps: [childs-pose]}\n")
    data = json.loads(run("--catalog", str(mine), "list", "--json").stdout)
    assert [s["id"] for s in data["stretches"]] == [*SEED_IDS, "wall-lean"]
    assert [r["id"] for r in data["routines"]] == ["back-relief"]
    user_catalog.write_text(BROKEN, encoding="utf-8")  # not even looked at
    assert run("--catalog", str(mine), "list", "--json").exit_code == 0
    assert run("list").exit_code == 2


def test_a_broken_user_catalog_names_the_user_file(user_catalog: Path) -> None:
    user_catalog.write_text("version: 1\nroutines:\n  - {id: r, name: R, steps: [cat-cw]}\n", encoding="utf-8")
    assert_clean_error(
        run("list"),
        f"stretchcoach: {user_catalog}:3:30: routines[0].steps[0]: no stretch 'cat-cw' in the catalog; "
        "did you mean 'cat-cow'?\n",
    )


# -- validate and --catalog agree ----------------------------------------------------------------------

REPLACING_CHILDS_POSE = (
    WALL_LEAN.replace("id: wall-lean", "id: childs-pose")
    + "routines:\n  - {id: kids, name: Kids, steps: [{stretch: childs-pose, hold: 45s}, cat-cow]}\n"
)
# Each file: its text (None: no file), and whether it is a good catalog.
AGREEMENT: dict[str, tuple[str | None, bool]] = {
    "names-childs-pose-without-defining-it": (
        "version: 1\nroutines:\n  - {id: kids, name: Kids, steps: [childs-pose, {stretch: childs-pose, hold: 1m}]}\n",
        True,
    ),
    "replaces-a-builtin-stretch": (REPLACING_CHILDS_POSE, True),
    "has-its-own-warning": (WALL_LEAN.replace("version: 1\n", "version: 1\nwarning: Mind your knees.\n"), True),
    "broken": (BROKEN, False),
    "replaces-a-builtin-stretch-a-routine-uses-otherwise": (
        WALL_LEAN.replace("id: wall-lean", "id: cat-cow")
        + "routines:\n  - {id: cats, name: Cats, steps: [{stretch: cat-cow, reps: 2}]}\n",
        False,
    ),
    "names-a-stretch-nobody-defines": ("version: 1\nroutines:\n  - {id: r, name: R, steps: [wall-lean]}\n", False),
    "not-yaml": ("version: 1\nstretches: [\n", False),
    "missing": (None, False),
}


@pytest.mark.parametrize("name", list(AGREEMENT))
def test_validate_accepts_exactly_the_files_the_catalog_option_loads(name: str, tmp_path: Path) -> None:
    text, good = AGREEMENT[name]
    path = tmp_path / f"{name}.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    validated = run("validate", str(path), env=WIDE)
    loaded = run("--catalog", str(path), "list", "--json")
    assert (validated.exit_code == 0, loaded.exit_code == 0) == (good, good), (validated.output, loaded.output)
    if good:
        assert validated.stdout.startswith(f"ok: {path}: ")
        data = json.loads(loaded.stdout)
        assert [s["id"] for s in data["stretches"]][: len(SEED_IDS)] == list(SEED_IDS)  # the built-ins stay
        assert "back-relief" in [r["id"] for r in data["routines"]]
        return
    *problems, summary = validated.stderr.splitlines()
    assert summary == "stretchcoach: 1 of 1 catalog file failed validation"
    command = f"stretchcoach validate {shlex.quote(str(path))}"
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''}; see `{command}`)"
    assert_clean_error(loaded, f"stretchcoach: {problems[0]}{more if len(problems) > 1 else ''}\n")


@pytest.mark.parametrize("name", [name for name, (text, _) in AGREEMENT.items() if text is not None])
def test_validate_accepts_exactly_what_loads_as_your_catalog_yaml(name: str, user_catalog: Path) -> None:
    text, good = AGREEMENT[name]
    assert text is not None
    user_catalog.write_text(text, encoding="utf-8")
    assert (run("validate", str(user_catalog)).exit_code == 0, run("list").exit_code == 0) == (good, good)
    assert (run("validate").exit_code == 0) == good


def test_validate_says_what_a_file_replaces_in_the_builtin_catalog(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        REPLACING_CHILDS_POSE.replace("version: 1\n", "version: 1\nwarning: Easy.\n")
        + "  - {id: back-relief, name: Back relief, steps: [cat-cow]}\n",
        encoding="utf-8",
    )
    assert run("validate", str(path), env=WIDE).stdout == (
        f"ok: {path}: 1 stretch, 2 routines, over the built-in catalog, "
        "replacing the stretch childs-pose, the routine back-relief and the warning\n"
    )
    data = json.loads(run("--catalog", str(path), "show", "childs-pose", "--json").stdout)
    assert (data["name"], data["warning"]) == ("Wall lean", "Easy.")


# -- the program as a whole ------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"stretchcoach {__version__}\n")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["bogus"],
            "no command 'bogus'; the commands are history, list, remind, routine, safety, show, sound-test, validate",
        ),
        (["histroy"], "no command 'histroy'; did you mean 'history'?"),
        (["--bogus"], "no option --bogus in `stretchcoach`; see `stretchcoach --help`"),
        (["list", "--yaml"], "no option --yaml in `stretchcoach list`; see `stretchcoach list --help`"),
        (["routine", "--hlod", "30"], "no option --hlod in `stretchcoach routine`; did you mean --hold?"),
        (["routine", "--hold"], "--hold needs a value; see `stretchcoach routine --help`"),
        (["routine", "--plain=yes"], "--plain takes no value; see `stretchcoach routine --help`"),
        (["--catalog"], "--catalog needs a value; see `stretchcoach --help`"),
    ],
)
def test_a_usage_error_is_one_line_in_stretchcoachs_words(args: list[str], says: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"stretchcoach: {says}\n"


def test_an_unexpected_argument_is_one_line_naming_it() -> None:
    result = run("show", "cat-cow", "child")
    assert (result.exit_code, result.stdout) == (2, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith("stretchcoach: ")
    assert "child" in line
    assert line.endswith("; see `stretchcoach show --help`")


def test_no_arguments_shows_the_help() -> None:
    result = run()
    # No command is a usage error: the help goes to stderr, with exit code 2.
    assert result.exit_code == 2
    assert result.stderr.rstrip("\n") == run("--help").stdout.rstrip("\n")
    for name in ("list", "show", "validate", "routine", "history", "safety"):
        assert name in result.stderr


def test_help_says_to_see_a_doctor() -> None:
    assert "Not medical advice: if your pain persists or worsens, stop and see a doctor." in flat(run("--help").stdout)


def test_every_command_and_parameter_has_help() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert {"list", "show", "validate"} <= set(commands)
    for name, command in commands.items():
        assert command.help, name
        assert command.help.strip(), name
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name}"
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert f"stretchcoach {name}" in result.stdout
        assert " ".join(command.help.split()[:4]) in flat(result.stdout), name


# -- completion ---------------------------------------------------------------------------------------


def completion_context(*args: str) -> typer.Context:
    """The context completion gets: the command line parsed, no command run."""
    command = typer.main.get_command(app)
    # Completion hands the callback this plain Click context, not a typer.Context subclass.
    return cast(typer.Context, command.make_context("stretchcoach", [*args, "show"], resilient_parsing=True))


def test_complete_stretch_gives_ids_with_names() -> None:
    assert _complete_stretch(completion_context(), "c") == [
        ("childs-pose", "Child's pose"),
        ("cat-cow", "Cat-cow pose"),
    ]
    assert _complete_stretch(completion_context(), "seated") == [("seated-spinal-twist", "Seated spinal twist")]
    assert [sid for sid, _ in _complete_stretch(completion_context(), "")] == list(SEED_IDS)
    assert _complete_stretch(completion_context(), "z") == []


def test_complete_stretch_follows_the_catalog_option(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(WALL_LEAN, encoding="utf-8")
    assert _complete_stretch(completion_context("--catalog", str(mine)), "w") == [("wall-lean", "Wall lean")]
    assert len(_complete_stretch(completion_context("--catalog", str(mine)), "")) == len(SEED_IDS) + 1


def test_complete_stretch_includes_the_user_catalog(user_catalog: Path) -> None:
    user_catalog.write_text(WALL_LEAN, encoding="utf-8")
    assert _complete_stretch(completion_context(), "w") == [("wall-lean", "Wall lean")]


def test_complete_stretch_with_a_broken_catalog_offers_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    assert _complete_stretch(completion_context("--catalog", str(bad)), "") == []


SCRIPT = Path(sys.executable).with_name("stretchcoach")


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The test's environment (already isolated by conftest), with the home spelled out."""
    env = {**os.environ, "STRETCHCOACH_HOME": str(home), "COLUMNS": "100", **extra}
    env.pop("STRETCHCOACH_DEBUG", None)
    return env


@pytest.mark.skipif(not SCRIPT.exists(), reason=f"no stretchcoach script next to {sys.executable}")
def test_shell_completion_of_stretch_ids(isolated_home: Path, user_catalog: Path) -> None:
    user_catalog.write_text(WALL_LEAN.replace("wall-lean", "calf-wall"), encoding="utf-8")
    fish = subprocess.run(
        [str(SCRIPT)],
        env=isolated_env(
            isolated_home,
            _STRETCHCOACH_COMPLETE="complete_fish",
            _TYPER_COMPLETE_ARGS="stretchcoach show c",
            _TYPER_COMPLETE_FISH_ACTION="get-args",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (fish.returncode, fish.stderr) == (0, "")
    assert fish.stdout == "childs-pose\tChild's pose\ncat-cow\tCat-cow pose\ncalf-wall\tWall lean\n"

    bash = subprocess.run(
        [str(SCRIPT)],
        env=isolated_env(
            isolated_home, _STRETCHCOACH_COMPLETE="complete_bash", COMP_WORDS="stretchcoach show s", COMP_CWORD="2"
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (bash.returncode, bash.stdout) == (0, "supine-hip-flexor\nseated-spinal-twist\n")


def test_python_dash_m_version(isolated_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stretchcoach", "--version"],
        env=isolated_env(isolated_home),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"stretchcoach {__version__}\n", "")
