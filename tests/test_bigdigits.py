"""The countdown's large digits: a font of our own, scaled to the room the view has."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text

from stretchcoach.views import bigdigits


@pytest.mark.parametrize("scale", [1, 2, 3, 5])
@pytest.mark.parametrize("text", ["0:27", "12:05", "9", ":"])
def test_a_rendering_is_exactly_the_size_it_says(text: str, scale: int) -> None:
    lines = bigdigits.render(text, scale)
    cells, rows = bigdigits.size(text, scale)
    assert len(lines) == rows
    assert {len(line) for line in lines} == {cells}
    assert set("".join(lines)) <= {" ", "█", "▀", "▄"}


def test_every_digit_looks_different_at_every_scale() -> None:
    for scale in (1, 2, 4):
        shapes = {digit: tuple(bigdigits.render(digit, scale)) for digit in "0123456789"}
        assert len(set(shapes.values())) == 10, scale


def test_scale_two_is_scale_one_with_every_pixel_doubled() -> None:
    def pixels(lines: list[str]) -> list[str]:
        rows = []
        for line in lines:
            rows.append("".join("#" if c in "█▀" else " " for c in line))
            rows.append("".join("#" if c in "█▄" else " " for c in line))
        return rows

    small, large = pixels(bigdigits.render("4:58", 1)), pixels(bigdigits.render("4:58", 2))
    doubled = ["".join(c * 2 for c in row) for row in small[:7] for _ in range(2)]
    assert large == doubled


@pytest.mark.parametrize(("width", "height", "scale"), [(76, 12, 3), (136, 24, 6), (38, 7, 2), (37, 7, 1), (18, 3, 0)])
def test_fit_scale_takes_the_largest_that_fits(width: int, height: int, scale: int) -> None:
    assert bigdigits.fit_scale("0:27", width=width, height=height) == scale
    if scale:
        cells, rows = bigdigits.size("0:27", scale)
        assert cells <= width
        assert rows <= height


def test_no_scale_below_one() -> None:
    with pytest.raises(ValueError, match="scale"):
        bigdigits.render("1", 0)


@pytest.mark.parametrize(
    ("rows", "fits"),
    [
        (3, (0, False)),
        (4, (1, False)),
        (5, (1, True)),
        (7, (1, True)),
        (8, (2, True)),
        (11, (2, True)),
        (12, (3, True)),
    ],
)
def test_the_bar_under_the_digits_gets_a_row_only_if_they_stay_as_large(rows: int, fits: tuple[int, bool]) -> None:
    assert bigdigits.fit("0:27", width=80, rows=rows) == fits


def draw_countdown(width: int, height: int, *, faded: bool = False) -> list[str]:
    console = Console(file=io.StringIO(), width=width, height=height, color_system=None)
    countdown = bigdigits.Countdown("0:27", faded=faded, bar=lambda cells: Text("=" * cells))
    lines = console.render_lines(countdown, console.options.update(height=height))
    return ["".join(segment.text for segment in line) for line in lines]


def test_a_countdown_is_centred_in_its_region_with_its_bar_under_it() -> None:
    lines = draw_countdown(60, 10)
    digits = bigdigits.render("0:27", 2)  # 38 columns, 7 rows, and the bar: 8 of 10 rows
    assert lines[1 : 1 + len(digits)] == [" " * 11 + row + " " * 11 for row in digits]
    assert lines[8] == " " * 11 + "=" * 38 + " " * 11
    assert lines[0].strip() == lines[9].strip() == ""


def test_where_no_digits_fit_a_countdown_is_one_line() -> None:
    assert draw_countdown(40, 3)[0].startswith("0:27  ====")
