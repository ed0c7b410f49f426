"""The built-in catalog ships twice, as data/stretches.yaml and parsed in catalog/builtin.py: they never differ.

And what that buys: the commands that use only the built-in catalog never import
yaml, and those that draw no panel never import Rich's console; none imports Rich's Table.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from stretchcoach.catalog.assemble import load_catalog
from stretchcoach.catalog.builtin import CATALOG
from stretchcoach.catalog.loader import read_catalog
from stretchcoach.core.model import Catalog
from stretchcoach.paths import builtin_catalog_path

REGENERATE = "python scripts/make_builtin_catalog.py"


def test_the_parsed_catalog_is_what_the_yaml_file_says() -> None:
    parsed = read_catalog(builtin_catalog_path())
    assert parsed.warning is not None
    from_yaml = Catalog(warning=parsed.warning, stretches=parsed.stretches, routines=parsed.routines)
    assert from_yaml == CATALOG, f"stretchcoach/catalog/builtin.py differs from data/stretches.yaml: run `{REGENERATE}`"


def test_the_generator_agrees_with_the_shipped_module() -> None:
    script = builtin_catalog_path().parent.parent / "scripts" / "make_builtin_catalog.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr


def test_without_a_catalog_of_your_own_the_built_in_one_is_used_as_it_is() -> None:
    assert load_catalog(catalog_path=None, user_catalog=None) is CATALOG


# What each command has imported by the time it exits, run as the `stretchcoach` script runs it.
REPORT_MODULES = """
import sys
from stretchcoach.__main__ import main
sys.argv = ["stretchcoach", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
"""

COMPLETE = {"_STRETCHCOACH_COMPLETE": "complete_bash", "COMP_WORDS": "stretchcoach show c", "COMP_CWORD": "2"}


def modules_after(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", REPORT_MODULES, *args],
        capture_output=True,
        text=True,
        env=os.environ | (env or {}),
        check=False,
    )
    last = result.stderr.splitlines()[-1]
    assert last.startswith("MODULES "), result.stderr
    return set(last.split()[1:])


@pytest.mark.parametrize(
    ("args", "env", "rich_console"),
    [
        (["list"], None, False),
        (["routine", "--plan"], None, False),
        (["--help"], None, False),
        ([], COMPLETE, False),
        (["show", "cat-cow"], None, True),  # the safety panel is Rich's
    ],
    ids=["list", "routine --plan", "--help", "completion", "show"],
)
def test_yaml_is_never_imported_and_rich_only_to_draw_a_panel(
    args: list[str], env: dict[str, str] | None, rich_console: bool
) -> None:
    modules = modules_after(args, env)
    assert "stretchcoach.cli" in modules  # it ran
    assert "yaml" not in modules
    assert ("rich.console" in modules) is rich_console
    assert "rich.table" not in modules  # tables and the stretch's box are laid out by views/table


def test_a_catalog_of_your_own_is_still_read_with_yaml(user_catalog: os.PathLike[str]) -> None:
    with open(user_catalog, "w", encoding="utf-8") as file:
        file.write("version: 1\n")
    assert "yaml" in modules_after(["list"])
