"""Text from outside never reaches the terminal as a control sequence (see stretchcoach.safe_text).

The loader refuses control, bidirectional and invisible characters in catalog text,
naming where they are; and every way out (Rich consoles, plain lines, JSON, CSV,
error lines) shows any that are still there as a visible escape.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.text import Text
from typer.testing import CliRunner, Result

from stretchcoach.catalog.loader import parse_catalog
from stretchcoach.cli import app
from stretchcoach.core.model import Catalog
from stretchcoach.core.safe_text import UNSAFE, json_text, visible
from stretchcoach.errors import CatalogError
from stretchcoach.history.recorder import Recorder
from stretchcoach.history.store import open_for_writing
from stretchcoach.views import output
from stretchcoach.views.safeconsole import SafeConsole

from fakes import fake_runtime
from helpers import back_relief, flat

HOSTILE = Path(__file__).parent / "data" / "hostile-text.yaml"
# One of each kind: C0 (ESC, NUL, BEL, CR, FS), DEL, C1 (8-bit CSI), bidi, zero-width, tag characters.
UNSAFE_CHARS = [
    "\x1b",
    "\x00",
    "\x07",
    "\r",
    "\x1c",
    "\x7f",
    "\x9b",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\U000e0041",
]
SAFE_TEXT = ["Café", "Kindhaltung 子供のポーズ", "Breathe 🙂 slowly", "A\ttab"]


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), obj=fake_runtime())


def assert_nothing_unsafe(*texts: str) -> None:
    for text in texts:
        found = UNSAFE.search(text)
        assert found is None, f"{found.group()!r} reached the output: {text[max(0, found.start() - 40) :][:80]!r}"


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: every character escaped, so any can be written."""
    return '"' + "".join(f"\\U{ord(c):08x}" if ord(c) > 0xFFFF else f"\\u{ord(c):04x}" for c in text) + '"'


def one_stretch(name: str) -> str:
    return (
        "version: 1\nstretches:\n  - id: s\n    name: " + _quoted(name) + "\n    targets: [back]\n"
        "    setup: Stand.\n    steps: [Reach.]\n    feel: Long.\n    hold: 30\n"
    )


# -- the loader refuses them --------------------------------------------------------------------------


@pytest.mark.parametrize("char", UNSAFE_CHARS, ids=[f"U+{ord(c):04X}" for c in UNSAFE_CHARS])
def test_catalog_text_may_not_hold_a_character_a_terminal_acts_on(char: str) -> None:
    with pytest.raises(CatalogError) as info:
        parse_catalog(one_stretch(f"Sneaky{char}name"), source="c.yaml")
    assert info.value.problems == [
        f"c.yaml:4:11: stretches[0].name: contains U+{ord(char):04X}, a control, bidirectional or invisible character"
    ]


@pytest.mark.parametrize("text", SAFE_TEXT)
def test_ordinary_text_in_any_script_is_welcome(text: str) -> None:
    (stretch,) = parse_catalog(one_stretch(text), source="c.yaml").stretches
    assert stretch.name == " ".join(text.split())


def test_every_field_of_a_hostile_catalog_is_refused_with_its_place() -> None:
    result = run("validate", str(HOSTILE))
    assert (result.exit_code, result.stdout) == (2, "")
    refused = {
        line.split(": ")[1]: line.split(": ", 1)[0].rsplit(":", 2)[1:] for line in result.stderr.splitlines()[:-1]
    }
    for field, (line, _column) in {
        "warning": ("4", "10"),
        "stretches[0].name": ("7", "11"),
        "stretches[0].aka[0]": ("8", "11"),
        "stretches[0].targets[0]": ("9", "15"),
        "stretches[0].setup": ("10", "12"),
        "stretches[0].steps[0]": ("11", "13"),
        "stretches[0].feel": ("12", "11"),
        "stretches[0].tips[0]": ("13", "12"),
        "stretches[0].cautions[0]": ("14", "16"),
        "stretches[1].feel": ("21", "11"),
        "stretches[1].phases[0].cue": ("24", "15"),
        "stretches[1].phases[1].cue": ("25", "15"),
        "routines[0].name": ("28", "11"),
        "routines[0].description": ("29", "18"),
    }.items():
        assert field in refused, f"{field} was not refused: {result.stderr}"
        assert refused[field][0] == line, (field, refused[field])
    assert_nothing_unsafe(result.stdout, result.stderr)


@pytest.mark.parametrize("args", [["list"], ["show", "clipboard"], ["routine", "--plan"], ["safety"], ["history"]])
def test_a_hostile_catalog_never_reaches_the_screen(args: list[str]) -> None:
    result = run("--catalog", str(HOSTILE), *args)
    assert_nothing_unsafe(result.stdout, result.stderr)
    if args != ["history"]:  # history goes on without the catalog's names
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"stretchcoach: {HOSTILE}:4:10: warning: contains U+001B")


def test_a_file_that_is_not_a_catalog_is_never_quoted_back(tmp_path: Path) -> None:
    secrets = tmp_path / "shadow"
    secrets.write_text("root:$6$c2VjcmV0:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n", encoding="utf-8")
    env_file = tmp_path / "settings.env"
    env_file.write_text("API_TOKEN: abc123secret\n", encoding="utf-8")
    for path in (secrets, env_file):
        result = run("--catalog", str(path), "list")
        assert result.exit_code == 2
        assert "c2VjcmV0" not in result.stderr
        assert "abc123secret" not in result.stderr
        assert "API_TOKEN" not in result.stderr
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"stretchcoach: {path}:1:1: (top level): ")


# -- every way out shows what is left as a visible escape ---------------------------------------------


@pytest.mark.parametrize("char", UNSAFE_CHARS, ids=[f"U+{ord(c):04X}" for c in UNSAFE_CHARS])
def test_visible_writes_an_unsafe_character_as_an_escape(char: str) -> None:
    shown = visible(f"a{char}b")
    assert UNSAFE.search(shown) is None
    code = ord(char)
    assert (
        shown
        == "a" + (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}") + "b"
    )


@pytest.mark.parametrize("text", SAFE_TEXT)
def test_visible_leaves_ordinary_text_alone(text: str) -> None:
    assert visible(text) == text


def test_the_consoles_escape_text_but_keep_their_own_styles() -> None:
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, color_system="standard", width=200)
    console.print(Text("Stretch \x1b]52;c;aGk=\x07 now \x9b2J", style="bold"))
    written = out.getvalue()
    assert "\x1b]52" not in written
    assert "\x9b" not in written
    assert "Stretch \\x1b]52;c;aGk=" in written
    assert "now \\x9b2J" in written
    assert "\x1b[1m" in written  # the bold that stretchcoach asked for is still drawn


def test_json_output_escapes_what_json_leaves_raw() -> None:
    value = "C1 \x9b, bidi \u202e, zero-width \u200b, tag \U000e0041, ESC \x1b"
    dumped = json_text(json.dumps({"name": value}, ensure_ascii=False))
    assert_nothing_unsafe(dumped)
    assert json.loads(dumped) == {"name": value}  # the data is unchanged, only written safely


def test_error_lines_show_arguments_with_escapes() -> None:
    for args in (
        ["routine", "evil\x1b]0;pwned\x07", "--plan"],
        ["routine", "--only", "cat-cow,\x1b[2J", "--plan"],
        ["--catalog", "/nowhere/\x1b[31mred.yaml", "list"],
        ["show", "\u202ereverse"],
        ["routine", "--hold", "\x1b[5m"],
        ["routine", "--bogus\x1b[2J"],
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        (line,) = result.stderr.splitlines()
        assert line.startswith("stretchcoach: "), line
        assert_nothing_unsafe(result.stdout, result.stderr)
        assert "\\x1b" in line or "\\u202e" in line, line


def test_a_tampered_history_is_shown_with_escapes(db_path: Path, catalog: Catalog) -> None:
    store = open_for_writing(db_path)
    recorder = Recorder.start(store, back_relief(catalog), started_at=datetime.now(UTC), pain_before=3)
    store.close()
    raw = sqlite3.connect(db_path)
    with raw:
        raw.execute("UPDATE sessions SET routine = ?, note = ?", ("back\x1b]0;pwned\x07", "note \u202e"))
        raw.execute("UPDATE steps SET stretch = ? WHERE session_id = ?", ("cat\x1b[2Jcow", recorder.session_id))
    raw.close()
    for args in (["history"], ["history", "--json"], ["history", "--csv"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert_nothing_unsafe(result.stdout, result.stderr)
    assert json.loads(run("history", "--json").stdout)["sessions"][0]["routine"] == "back\x1b]0;pwned\x07"


def test_a_console_from_output_is_a_safe_one() -> None:
    assert isinstance(output.console(), SafeConsole)
    assert isinstance(output.error_console(), SafeConsole)


MARKUP = ["[link=https://evil.example/x]Click me[/link]", "Lie [blink]down[/blink].", "[/]", "[bold red]Loud[/]"]


@pytest.mark.parametrize("text", MARKUP)
def test_square_brackets_in_a_catalog_are_text_not_styles(text: str, tmp_path: Path) -> None:
    catalog = tmp_path / "markup.yaml"
    catalog.write_text(one_stretch(text) + "routines:\n  - {id: r, name: R, steps: [s]}\n", encoding="utf-8")
    for args in (["list"], ["show", "s"], ["routine", "r", "--plan"]):
        # Wide: the built-in stretches are listed too, and the name must not wrap.
        result = CliRunner().invoke(app, ["--catalog", str(catalog), *args], obj=fake_runtime(), env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert text in flat(result.stdout), result.stdout  # shown as written: not a style, not a crash


def test_square_brackets_in_the_history_are_text(db_path: Path, catalog: Catalog) -> None:
    store = open_for_writing(db_path)
    Recorder.start(store, back_relief(catalog), started_at=datetime.now(UTC), pain_before=3)
    store.close()
    raw = sqlite3.connect(db_path)
    with raw:
        raw.execute("UPDATE sessions SET routine = ?", ("[/]x",))
    raw.close()
    result = run("history", "--days", "1")
    assert result.exit_code == 0, result.output
    assert "[/]x" in result.stdout


def test_json_keeps_every_character_on_an_ascii_only_stdout(isolated_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STRETCHCOACH_DEBUG"}
    env |= {"STRETCHCOACH_HOME": str(isolated_home), "PYTHONIOENCODING": "ascii"}
    ran = subprocess.run(
        [sys.executable, "-m", "stretchcoach", "show", "cat-cow", "--json"], capture_output=True, env=env, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.isascii()
    phases = json.loads(ran.stdout)["timing"]["phases"]
    assert phases[0]["cue"] == "Inhale — arch your back and look up to the ceiling"


def test_columns_far_wider_than_any_screen_is_held_to_a_sane_width() -> None:
    result = CliRunner().invoke(app, ["show", "childs-pose"], env={"COLUMNS": "100000"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= output.MAX_WIDTH
