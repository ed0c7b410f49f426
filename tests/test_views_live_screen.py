"""The live view as it is read from the floor: big digits, the breath, the picture, what fits where.

Each screen is the real view of the built-in routine, drawn from a session driven by
plain numbers into a StringIO console of the size under test. Starts of back relief:
prep 0, left 10, switch 40, right 45, rest 75, child's pose prep 85, hold 95, rest 125,
cat-cow prep 135, its rounds from 145 (inhale 4 s, exhale 4 s), rest 193, twist prep 203.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from stretchcoach.core.durations import mmss
from stretchcoach.core.model import Breath, Catalog, Cycle
from stretchcoach.core.plan import Plan
from stretchcoach.core.session import RoutineSession
from stretchcoach.core.steps import StepKind
from stretchcoach.views import bigdigits
from stretchcoach.views.catalog import stretch_panel
from stretchcoach.views.live import HINTS, PAUSED, key_hints, live_view

from fakes import run_loop
from helpers import big_digits, flat, styled_lines

PILLOW = "Tip: If you feel pain in your lower back, place a small pillow under your stomach to help support your spine."


def at(plan: Plan, seconds: float) -> RoutineSession:
    session = RoutineSession(plan, started=0.0)
    session.update(seconds)
    return session


def draw(session: RoutineSession, now: float, width: int, height: int, message: str = "") -> str:
    console = Console(file=io.StringIO(), width=width, height=height, force_terminal=True, color_system=None)
    console.print(live_view(session, now, width=width, height=height, message=message))
    return console.file.getvalue()  # type: ignore[attr-defined]


def screen(plan: Plan, seconds: float, width: int, height: int, message: str = "") -> str:
    return draw(at(plan, seconds), seconds, width, height, message)


def has_picture(text: str, picture: tuple[str, ...]) -> bool:
    """The drawing is on screen, whole: each of its lines under the one before, at the same column."""
    lines = text.splitlines()
    first = picture[0].lstrip()
    indent = len(picture[0]) - len(first)
    for row, line in enumerate(lines[: len(lines) - len(picture) + 1]):
        found = line.find(first)
        while found >= 0:
            column = found - indent
            if column >= 0 and all(
                lines[row + n][column : column + len(drawn)] == drawn for n, drawn in enumerate(picture)
            ):
                return True
            found = line.find(first, found + 1)
    return False


def step_start(plan: Plan, kind: StepKind, stretch: str, *, breath: Breath | None = None) -> float:
    for start, step in zip(plan.starts(), plan.steps, strict=True):
        if step.kind is kind and step.stretch.id == stretch and step.breath is breath:
            return float(start)
    raise AssertionError(f"no {kind} step of {stretch}")


# -- the countdown ---------------------------------------------------------------------------------


def test_every_step_has_big_digits_readable_from_the_floor_at_80x24(plan: Plan) -> None:
    """At 80x24 the digits are at least twice the font's size: seven rows tall, 38 columns wide."""
    for start in plan.starts():
        session = at(plan, start + 1.5)
        found = big_digits(draw(session, start + 1.5, 80, 24))
        assert found is not None, f"no big digits at {start + 1.5} s"
        assert found[0] == mmss(session.remaining(start + 1.5))
        assert found[1] >= 2, f"digits at scale {found[1]} at {start + 1.5} s"


@pytest.mark.parametrize(
    ("size", "scale"),
    [
        ((80, 24), 3),  # 57 columns by 11 rows, with the picture, the side and the steps
        ((140, 40), 7),  # 133 of the panel's 136 columns, 25 rows
        ((60, 18), 1),  # with every instruction step, the side and the key hint
    ],
)
def test_the_digits_are_the_largest_that_fit(plan: Plan, size: tuple[int, int], scale: int) -> None:
    width, height = size
    text = screen(plan, 13.0, width, height)  # the left side's hold, 27 s left
    assert big_digits(text) == ("0:27", scale)
    for line in (
        "1. Bring one knee up to your chest and grab it with your hands.",
        "3. Hold, then repeat on the other side.",
    ):
        assert line in flat(text)
    assert len(text.splitlines()) == height
    assert all(len(line) <= width for line in text.splitlines())


def test_the_digits_fill_a_large_terminal(plan: Plan) -> None:
    text = screen(plan, 13.0, 140, 40)
    drawn = [line for line in text.splitlines() if "█" in line or "▀" in line]
    assert len(drawn) == bigdigits.size("0:27", 7)[1]
    left = min(len(line) - len(line.lstrip("│ ")) for line in drawn)
    right = max(len(line.rstrip("│ ")) for line in drawn)
    assert right - left >= 130  # of 136 columns inside the panel
    blank = [line for line in text.splitlines() if not line.strip("│ ")]
    assert len(blank) <= 3


def test_below_60x16_the_compact_line_instead(plan: Plan) -> None:
    for width, height in ((59, 24), (80, 15), (40, 10)):
        text = screen(plan, 13.0, width, height)
        assert "╭" not in text
        assert big_digits(text) is None
        assert "0:27  stretch 1 of 4 · 4:00 left" in text
        assert key_hints(width) in text.splitlines()[-1]


def test_a_paused_countdown_is_faded_and_says_so(plan: Plan) -> None:
    session = at(plan, 13.0)
    session.pause(13.0)

    def digit_styles(session: RoutineSession) -> set[tuple[bool, bool]]:
        lines = styled_lines(live_view(session, 13.0, width=80, height=24), width=80)
        return {(bool(style.dim), bool(style.bold)) for line in lines for char, style in line if char == "█"}

    assert digit_styles(session) == {(True, False)}
    assert PAUSED in flat(draw(session, 13.0, 80, 24))
    assert digit_styles(at(plan, 13.0)) == {(False, True)}


def test_the_breath_bar_grows_on_inhale_and_shrinks_on_exhale(plan: Plan) -> None:
    inhale = step_start(plan, StepKind.PHASE, "cat-cow", breath=Breath.INHALE)
    exhale = step_start(plan, StepKind.PHASE, "cat-cow", breath=Breath.EXHALE)

    def filled(start: float, label: str) -> list[int]:
        shown = []
        for second in range(4):
            bar = [line for line in screen(plan, start + second + 0.5, 80, 24).splitlines() if f"│ {label} " in line]
            assert len(bar) == 1, bar
            shown.append(bar[0].count("▆"))
        return shown

    growing, shrinking = filled(inhale, "in"), filled(exhale, "out")
    assert growing == sorted(set(growing))  # strictly more each second
    assert growing[0] > 0
    assert shrinking == sorted(set(shrinking), reverse=True)  # strictly less
    assert shrinking[-1] == 0
    assert growing[-1] == max(growing) == shrinking[0] + growing[0]  # full at the top of the breath


# -- what else is on screen ------------------------------------------------------------------------


def test_progress_says_which_stretch_and_the_time_left(plan: Plan) -> None:
    text = flat(screen(plan, 100.0, 80, 24))  # child's pose, held
    assert "Stretch 2 of 4" in text
    assert "2:33 left" in text


def test_the_picture_when_there_is_room(plan: Plan, catalog: Catalog) -> None:
    supine = catalog.get_stretch("supine-hip-flexor").picture
    assert has_picture(screen(plan, 3.0, 80, 24), supine)  # getting ready
    assert has_picture(screen(plan, 13.0, 80, 24), supine)  # holding, with the digits as large
    assert has_picture(screen(plan, 13.0, 140, 40), supine)
    cat_cow = catalog.get_stretch("cat-cow").timing
    assert isinstance(cat_cow, Cycle)
    inhale = step_start(plan, StepKind.PHASE, "cat-cow", breath=Breath.INHALE)
    assert has_picture(screen(plan, inhale + 1, 80, 24), cat_cow.phases[0].picture)
    assert has_picture(screen(plan, inhale + 5, 80, 24), cat_cow.phases[1].picture)
    rest = step_start(plan, StepKind.REST, "childs-pose")
    assert has_picture(screen(plan, rest + 1, 80, 24), catalog.get_stretch("childs-pose").picture)  # what is next


def test_no_picture_where_there_is_no_room(plan: Plan, catalog: Catalog) -> None:
    """At 60x18 a hold needs its rows for the side, the steps and the digits."""
    text = screen(plan, 13.0, 60, 18)
    assert not has_picture(text, catalog.get_stretch("supine-hip-flexor").picture)
    assert "┏━━━━╸" not in text  # nor any part of it
    assert big_digits(text) == ("0:27", 1)


def test_the_pillow_tip_during_childs_pose(plan: Plan) -> None:
    for seconds in (88.0, 100.0):  # getting ready, holding
        for width, height in ((80, 24), (60, 18), (140, 40)):
            assert PILLOW in flat(screen(plan, seconds, width, height)), (seconds, width, height)


@pytest.mark.parametrize("seconds", [3.0, 13.0, 42.0, 88.0, 100.0, 138.0, 206.0])  # every get-ready, hold, switch
def test_at_60x18_every_instruction_step_stays_on_screen(plan: Plan, seconds: float) -> None:
    session = at(plan, seconds)
    text = draw(session, seconds, 60, 18)
    for n, line in enumerate(session.step.stretch.steps, 1):
        assert f"{n}. {line}" in flat(text), f"step {n} cut at {seconds} s:\n{text}"
    assert key_hints(54) in text.splitlines()[-1]
    assert "Stretch " in text.splitlines()[-2]


@pytest.mark.parametrize("width", [60, 61, 64, 65, 70, 71, 80, 140])
def test_the_key_hint_is_shortened_never_cut(plan: Plan, width: int) -> None:
    bottom = screen(plan, 13.0, width, 24).splitlines()[-1]
    shown = [hint for hint in HINTS if f"─ {hint} ─" in bottom]
    assert shown, bottom
    assert shown[0] == key_hints(width - 6)
    assert "…" not in bottom
    assert shown[0].startswith(("q quit · h this hurts", "q quit · h hurts"))


def test_compact_hints_are_whole_at_any_width(plan: Plan) -> None:
    for width in range(20, 60):
        last = screen(plan, 13.0, width, 12).splitlines()[-1].rstrip()
        assert last in HINTS, (width, last)
        assert last.startswith("q quit · h hurts")


# -- messages from a key -----------------------------------------------------------------------------


def messages(shows: list[tuple[float, str, bool, int]]) -> dict[float, str]:
    return {t: message for t, message, _paused, _index in shows}


def test_a_key_message_goes_after_3_seconds(plan: Plan) -> None:
    _session, _clock, _inputs, display = run_loop(plan, [(12.0, "+")])
    said = messages(display.shows)
    assert said[12.0] == said[14.0] == "+10 s on this step"
    assert said[15.0] == ""  # redrawn to take it away, though the countdown changes then too
    assert all(not message for t, message in said.items() if t >= 15.0)


def test_a_key_message_goes_while_paused(plan: Plan) -> None:
    _session, _clock, _inputs, display = run_loop(plan, [(12.0, "space"), (12.5, "+"), (30.0, "space")])
    said = messages(display.shows)
    assert said[12.5] == "+10 s on this step"
    assert said[15.5] == ""  # nothing else would redraw a paused screen


def test_a_key_message_goes_at_the_next_step(plan: Plan) -> None:
    _session, _clock, _inputs, display = run_loop(plan, [(8.5, "-")])  # getting ready ends at 10 s
    said = messages(display.shows)
    assert said[8.5] == "This step is as short as it can be"
    assert said[10.0] == ""


def test_a_key_message_is_drawn_under_the_digits(plan: Plan) -> None:
    text = screen(plan, 13.0, 80, 24, message="+10 s on this step")
    lines = text.splitlines()
    said = next(n for n, line in enumerate(lines) if "+10 s on this step" in line)
    assert said > max(n for n, line in enumerate(lines) if "█" in line)
    assert big_digits(text) is not None


# -- show ---------------------------------------------------------------------------------------------


def test_show_draws_the_stretch_and_each_movement(catalog: Catalog) -> None:
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system=None)
    cat_cow = catalog.get_stretch("cat-cow")
    console.print(stretch_panel(cat_cow, catalog.warning))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(cat_cow.timing, Cycle)
    for picture in (cat_cow.picture, *(phase.picture for phase in cat_cow.timing.phases)):
        assert has_picture(text, picture), picture


def test_show_leaves_out_a_picture_too_wide_for_the_terminal(catalog: Catalog) -> None:
    console = Console(file=io.StringIO(), width=24, force_terminal=True, color_system=None)
    console.print(stretch_panel(catalog.get_stretch("supine-hip-flexor"), catalog.warning))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "┏━━━━╸" not in text
    assert "Targets" in text
