"""`list`, `routine --plan` and `show` lay out their own tables and boxes (views/table.py): aligned
in terminal cells, never wider than the screen, and catalog text in them is shown, never acted on."""

from __future__ import annotations

import dataclasses
import io
import sys

import pytest
from rich.cells import cell_len

from stretchcoach.core.model import Catalog, Hold, Stretch
from stretchcoach.core.plan import plan_routine
from stretchcoach.core.safe_text import UNSAFE
from stretchcoach.views.catalog import listing, stretch_card
from stretchcoach.views.output import Output
from stretchcoach.views.plan import plan_lines
from stretchcoach.views.table import Column, Line, boxed, layout, shares

COLUMNS = (Column("ID", style="bold cyan", wrap=False), Column("Name"), Column("Time", wrap=False, right=True))


def text(lines: list[Line]) -> list[str]:
    return ["".join(part for part, _ in line) for line in lines]


def test_a_table_is_boxed_with_its_title_above() -> None:
    assert text(layout("Things", COLUMNS, [("a", "Alpha", "5 s"), ("bb", "Beta", "10 s")], 80)) == [
        "Things",
        "┏━━━━┳━━━━━━━┳━━━━━━┓",
        "┃ ID ┃ Name  ┃ Time ┃",
        "┡━━━━╇━━━━━━━╇━━━━━━┩",
        "│ a  │ Alpha │  5 s │",
        "│ bb │ Beta  │ 10 s │",
        "└────┴───────┴──────┘",
    ]


def test_cells_wrap_at_words_and_a_word_too_long_is_cut() -> None:
    lines = text(layout("T", COLUMNS, [("id", "one two three unbreakableword", "1 s")], 24))
    assert lines[4:-1] == [
        "│ id │ one two  │  1 s │",
        "│    │ three    │      │",
        "│    │ unbreak… │      │",
    ]


def test_a_time_is_never_split_from_its_unit() -> None:
    lines = text(layout("T", (Column("Timing"),), [("hold 30 s × 2 sides",)], 12))
    assert lines[4:-1] == [
        "│ hold     │",
        "│ 30 s × 2 │",
        "│ sides    │",
    ]


def test_words_are_cut_only_when_no_other_column_can_wrap() -> None:
    """Narrowing evenly would cut "shoulders,"; the short words' column gives way first."""
    columns = (Column("ID", wrap=False), Column("Name"), Column("Targets"))
    row = ("seated-spinal-twist", "Child's pose", "lower back, spine, shoulders, neck")
    lines = text(layout("T", columns, [row], 46))
    assert "…" not in "".join(lines)
    cells = [line.split("│")[2:4] for line in lines[4:-1]]
    assert [name.strip() for name, _ in cells if name.strip()] == ["Child's", "pose"]
    assert "shoulders," in [targets.strip() for _, targets in cells]


def test_wide_characters_are_measured_in_cells() -> None:
    lines = text(layout("T", COLUMNS, [("x", "猫のポーズ 🧘", "1 s"), ("y", "Cat", "2 s")], 80))
    assert len({cell_len(line) for line in lines[1:]}) == 1  # every border and row the same width on screen
    assert "│ x  │ 猫のポーズ 🧘 │  1 s │" in lines


@pytest.mark.parametrize("width", range(8, 121, 7))
def test_no_line_is_wider_than_the_screen(catalog: Catalog, width: int) -> None:
    lines = text(listing(catalog, {"back-relief": 253}, width))
    assert max(map(cell_len, lines)) <= width
    lines = text(plan_lines(plan_routine(catalog, catalog.routines[0]), width))
    assert max(map(cell_len, lines)) <= width


def hostile(catalog: Catalog) -> Catalog:
    """The built-in catalog with control and invisible characters in a stretch's text, as a tampered
    cache could hold it (the loader refuses them in a file)."""
    evil = Stretch(
        id="evil\x1b[2J",
        name="Title \x1b]0;pwned\x07 now",
        targets=("clip\x1b]52;c;aGk=\x07", "bidi\u202e"),
        setup="s",
        steps=("x",),
        feel="f",
        timing=Hold(seconds=5),
    )
    return dataclasses.replace(catalog, stretches=(*catalog.stretches, evil))


def test_a_title_is_shown_as_escapes_too() -> None:
    lines = text(layout("Routine \x1b]0;pwned\x07", COLUMNS, [("a", "Alpha", "5 s")], 80))
    assert lines[0] == "Routine \\x1b]0;pwned\\x07"


def test_catalog_text_is_shown_as_escapes(catalog: Catalog) -> None:
    shown = "\n".join(text(listing(hostile(catalog), {"back-relief": 253}, 200)))
    assert UNSAFE.search(shown) is None
    assert "evil\\x1b[2J" in shown
    assert "Title \\x1b]0;pwned\\x07 now" in shown
    assert "bidi\\u202e" in shown


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_output_to_a_pipe_is_plain_text(monkeypatch: pytest.MonkeyPatch, catalog: Catalog) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    Output().styled_lines(listing(hostile(catalog), {"back-relief": 253}, 100))
    assert "\x1b" not in out.getvalue()
    assert "│ supine-hip-flexor " in out.getvalue()


def test_a_terminal_gets_the_same_lines_styled(monkeypatch: pytest.MonkeyPatch, catalog: Catalog) -> None:
    out = Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    lines = listing(hostile(catalog), {"back-relief": 253}, 100)
    Output().styled_lines(lines)
    written = out.getvalue()
    assert "\x1b[1;36msupine-hip-flexor" in written  # the ids, bold cyan
    assert UNSAFE.sub("", written.replace("\x1b[", "")) == written.replace("\x1b[", "")  # only Rich's own SGR
    assert "\x1b[2J" not in written
    assert "\x1b]" not in written
    assert len(written.splitlines()) == len(lines)  # laid out once: Rich wraps nothing again


# -- show: the stretch in a box --------------------------------------------------------------------

CAT_COW_60 = """\
╭─ Cat-cow pose  cat-cow ──────────────────────────────────╮
│  ●━━━━━━━━╮                                              │
│  ┃        ┃                                              │
│ ▔┻▔▔▔▔▔▔▔▔┻▔                                             │
│                                                          │
│ Targets          spine, neck, shoulders, lower back      │
│ Start            Start on your hands and knees with your │
│                  back in a neutral position.             │
│ Steps            1. As you inhale, arch your back and    │
│                  look up to the ceiling.                 │
│                  2. As you exhale, round your back and   │
│                  tuck your chin to your chest.           │
│                  3. Repeat several times, moving slowly  │
│                  and with deep breaths.                  │
│                  4. You can hold each position for a few │
│                  seconds if you need a deeper stretch.   │
│ Timing           6 × inhale 4 s / exhale 4 s, at least 3 │
│                  rounds (48 s in all)                    │
│ Each round       Inhale — arch      Exhale — round your  │
│                  your back and      back and tuck your   │
│                  look up to the     chin to your chest   │
│                  ceiling (4 s)      (4 s)                │
│                  ●                    ╭────╮             │
│                   ╲      ╱           ╱      ╲            │
│                    ╰────╯           ●┃      ┃            │
│                    ┃    ┃           ▔┻▔▔▔▔▔▔┻▔           │
│                  ▔▔┻▔▔▔▔┻▔▔                              │
│ You should feel  Your spine lengthening, and tension     │
│                  releasing in your lower back, neck and  │
│                  shoulders.                              │
╰──────────────────────────────────────────────────────────╯"""


def test_a_stretch_is_boxed_with_its_picture_and_each_movement_side_by_side(catalog: Catalog) -> None:
    """As Rich's grid in a panel drew it: labels in a column, values wrapped beside them, and the
    movements of a round in columns narrowed from the widest, each picture under its words."""
    assert "\n".join(text(stretch_card(catalog.get_stretch("cat-cow"), 60))) == CAT_COW_60


def test_narrow_movements_wrap_and_keep_their_pictures_when_they_fit(catalog: Catalog) -> None:
    lines = text(stretch_card(catalog.get_stretch("seated-spinal-twist"), 40))
    start = next(n for n, line in enumerate(lines) if "Each round" in line)
    assert lines[start : start + 9] == [
        "│ Each round       Twist    Twist to   │",
        "│                  to the   the right  │",
        "│                  left     (5 s)      │",
        "│                  (5 s)       ●━━▶    │",
        "│                  ◀━━●       ╱┃╲      │",
        "│                    ╱┃╲     ┌─┸─┐     │",
        "│                   ┌─┸─┐    │   │     │",
        "│                   │   │              │",
        "│ You should feel  A stretch through   │",
    ]


def test_a_time_in_a_stretch_is_never_split_from_its_unit(catalog: Catalog) -> None:
    lines = text(stretch_card(catalog.get_stretch("cat-cow"), 40))
    assert "│                  (48 s in all)       │" in lines


def test_a_picture_too_wide_is_left_out_whole(catalog: Catalog) -> None:
    stretch = catalog.get_stretch("cat-cow")
    assert stretch.picture[0] in text(stretch_card(stretch, 30))[1]
    lines = text(stretch_card(stretch, 15))
    assert not any(stretch.picture[0].strip() in line for line in lines)
    assert lines[1].strip("│ ") == ""  # the blank line under where it would be stays


@pytest.mark.parametrize("width", [*range(1, 30), *range(30, 161, 13)])
def test_a_stretch_box_is_never_wider_than_the_screen(catalog: Catalog, width: int) -> None:
    for stretch in hostile(catalog).stretches:
        lines = text(stretch_card(stretch, width))
        assert max(map(cell_len, lines)) <= width
        if width >= 24:  # room for a label and its value: the box is whole
            assert {cell_len(line) for line in lines} == {width}
            assert lines[0].endswith("╮")
            assert all(line.endswith("│") for line in lines[1:-1])


def test_stretch_text_is_shown_as_escapes_and_measured_as_shown(catalog: Catalog) -> None:
    evil = hostile(catalog).stretches[-1]
    shown = text(stretch_card(evil, 100))
    assert UNSAFE.search("".join(shown)) is None
    assert shown[0].startswith("╭─ Title \\x1b]0;pwned\\x07 now  evil\\x1b[2J ─")
    assert shown[0].endswith("─╮")
    assert "│ Targets          clip\\x1b]52;c;aGk=\\x07, bidi\\u202e" in shown[1]


def test_a_stretch_is_styled_as_before(catalog: Catalog) -> None:
    stretch = dataclasses.replace(catalog.get_stretch("cat-cow"), cautions=("Go gently.",))
    styles = {text: style for line in stretch_card(stretch, 80) for text, style in line if text.strip()}
    assert styles["Cat-cow pose"] == "bold"
    assert styles["  cat-cow"] == "cyan"
    assert styles["Targets"] == styles["Each round"] == "bold"
    assert styles["Cautions"] == "bold yellow"
    assert styles[stretch.picture[0]] == "cyan"
    assert styles["spine, neck, shoulders, lower back"] == ""


def test_a_box_cuts_a_long_title_and_keeps_its_corners() -> None:
    assert text(boxed([("A very long title", "bold")], [[("x", "")]], 12)) == [
        "╭─ A very ─╮",
        "│ x        │",
        "╰──────────╯",
    ]


@pytest.mark.parametrize(
    ("widths", "room", "shared"),
    [
        ([26, 24], 19, [9, 10]),  # each first no wider than the room, then the excess shared out
        ([10, 30], 30, [10, 20]),  # the widest narrowed alone while it is the widest
        ([20, 20, 5], 30, [12, 13, 5]),  # as Rich rounds: the first gives round(15 / 2) = 8
        ([5, 6], 20, [5, 6]),
    ],
)
def test_columns_are_narrowed_as_richs_grid_narrows_them(widths: list[int], room: int, shared: list[int]) -> None:
    assert shares(widths, room) == shared
