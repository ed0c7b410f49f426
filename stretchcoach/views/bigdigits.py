"""Large digits for a countdown read from across the room, drawn with block characters.

A small bitmap font of our own: each character is 5 pixels wide (the colon 1) and 7
tall. A pixel is drawn ``scale`` cells wide and ``scale`` half-rows tall, with the
half-block characters ▀ ▄ █, so that it comes out about square in a terminal (a cell
is about twice as tall as it is wide). :func:`fit_scale` picks the largest scale that
fits the room the view has.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment

_FONT = {
    "0": (" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "),  # no slash: clearer from afar
    "1": ("  #  ", " ##  ", "# #  ", "  #  ", "  #  ", "  #  ", "#####"),
    "2": (" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"),
    "3": (" ### ", "#   #", "    #", "  ## ", "    #", "#   #", " ### "),
    "4": ("   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "),
    "5": ("#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "),
    "6": ("  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "),
    "7": ("#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "),
    "8": (" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "),
    "9": (" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "),
    ":": (" ", " ", "#", " ", "#", " ", " "),
}
GLYPH_ROWS = 7
GAP = 1  # pixels between characters


def pixel_width(text: str) -> int:
    """Width of ``text`` in font pixels, gaps included."""
    return sum(len(_FONT[char][0]) for char in text) + GAP * max(0, len(text) - 1)


def size(text: str, scale: int) -> tuple[int, int]:
    """(cells, rows) ``text`` takes at ``scale``."""
    return pixel_width(text) * scale, math.ceil(GLYPH_ROWS * scale / 2)


def fit_scale(text: str, *, width: int, height: int, largest: int = 12) -> int:
    """The largest scale at which ``text`` fits ``width`` cells by ``height`` rows; 0 if none does."""
    for scale in range(largest, 0, -1):
        cells, rows = size(text, scale)
        if cells <= width and rows <= height:
            return scale
    return 0


def render(text: str, scale: int) -> list[str]:
    """``text`` (digits and colons) as lines of block characters, ``scale`` times the font's size."""
    if scale < 1:
        raise ValueError("scale must be 1 or more")
    pixels: list[str] = []  # one string of '#' and ' ' per pixel row, every character side by side
    for row in range(GLYPH_ROWS):
        parts = [_FONT[char][row] for char in text]
        pixels.append((" " * GAP).join(parts))
    tall = [line.replace("#", "#" * scale).replace(" ", " " * scale) for line in pixels for _ in range(scale)]
    if len(tall) % 2:
        tall.append(" " * len(tall[0]))
    return [_halves(top, bottom) for top, bottom in zip(tall[::2], tall[1::2], strict=True)]


def _halves(top: str, bottom: str) -> str:
    return "".join(
        "█" if up == "#" and down == "#" else "▀" if up == "#" else "▄" if down == "#" else " "
        for up, down in zip(top, bottom, strict=True)
    )


def fit(text: str, *, width: int, rows: int) -> tuple[int, bool]:
    """(scale, with a bar under it) of the largest digits that fit ``width`` by ``rows``.

    The bar has a row if the digits stay as large with it; scale 0: not even scale 1 fits.
    """
    scale = fit_scale(text, width=width, height=rows - 1)
    return (scale, True) if scale else (fit_scale(text, width=width, height=rows), False)


class Countdown:
    """A countdown in the largest digits the region it is drawn in has room for, a bar under them.

    ``bar`` makes the bar at a width. Where not even the smallest digits fit, one line:
    the text and the bar. Drawn as segments and centred by hand, being redrawn every second.
    """

    def __init__(self, text: str, *, faded: bool, bar: Callable[[int], RenderableType]) -> None:
        self.text = text
        self.faded = faded  # paused: the digits fade, the small line is shown reversed
        self.bar = bar

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        height = options.height if options.height is not None else options.max_height
        scale, with_bar = fit(self.text, width=width, rows=height)
        if not scale:
            yield Segment(self.text, console.get_style("bold reverse" if self.faded else "bold"))
            yield Segment("  ")
            yield from console.render(self.bar(width - len(self.text) - 2), options)
            return
        cells, rows = size(self.text, scale)
        indent = Segment(" " * ((width - cells) // 2))
        style = console.get_style("dim" if self.faded else "bold")
        yield from [Segment.line()] * ((height - rows - with_bar) // 2)
        for line in render(self.text, scale):
            yield from (indent, Segment(line, style), Segment.line())
        if with_bar:
            yield indent
            yield from console.render(self.bar(cells), options.update_width(cells))
