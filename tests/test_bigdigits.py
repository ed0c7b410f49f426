"""The countdown's large digits: a font of our own, scaled to the room the view has."""

from __future__ import annotations

import pytest

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
