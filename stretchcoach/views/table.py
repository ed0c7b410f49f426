"""Tables and panels laid out as lines of text, without Rich's Table: what `list` and `show` draw.

A table is a title, columns and rows of text; :func:`layout` fits it to a width
and returns its lines, each a sequence of (text, style) spans, for
:meth:`~stretchcoach.views.output.Output.styled_lines` to write. It looks like
Rich's default table (a heavy head, a light body), and costs a fraction of it:
Rich measures every cell through its whole rendering machinery, and importing
it is most of what a short command spends.

Cell text is made visible first (:func:`~stretchcoach.core.safe_text.visible`),
so a control character is measured as the escape that is shown. Widths are
terminal cells (a CJK character or an emoji takes two). Cells wrap at spaces;
a word wider than its column, or a cell in a column that never wraps, is cut
with "…". Where even that does not fit, each line is cut at the width: no
line is ever wider than asked.

For `show`, :func:`boxed` draws a titled box as Rich's ``Panel`` does, and
:func:`shares` and :func:`side_by_side` set blocks of lines next to each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from stretchcoach.core.safe_text import visible

Span = tuple[str, str]  # (text, style): a Rich style name, "" for none
Line = list[Span]

TITLE_STYLE = "italic"  # as Rich's tables draw their titles, headers and captions
HEADER_STYLE = "bold"
CAPTION_STYLE = "italic dim"


@dataclass(frozen=True)
class Column:
    header: str
    style: str = ""
    wrap: bool = True  # False: one line a cell, cut with "…" only where the width leaves no choice
    right: bool = False  # right-justified (times)


def layout(
    title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int, *, caption: str = ""
) -> list[Line]:
    """The table's lines, at most ``width`` cells wide, with ``caption`` (if any) under it."""
    headers = [visible(c.header) for c in columns]
    cells = [[visible(text) for text in row] for row in rows]
    widths = _fit(columns, [[h, *(row[i] for row in cells)] for i, h in enumerate(headers)], width)
    lines: list[Line] = [[(visible(title), TITLE_STYLE)]]
    lines.append([("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓", "")])
    lines += _row(columns, headers, widths, "┃", HEADER_STYLE)
    lines.append([("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩", "")])
    for row in cells:
        lines += _row(columns, row, widths, "│", None)
    lines.append([("└" + "┴".join("─" * (w + 2) for w in widths) + "┘", "")])
    lines += [[(part, CAPTION_STYLE)] for part in (wrap(visible(caption), width) if caption else [])]
    return [crop(line, width) for line in lines]


def _fit(columns: Sequence[Column], texts: list[list[str]], width: int) -> list[int]:
    """Each column's width: what its longest text needs, the widest wrapping columns narrowed first to fit."""
    widths = [max(max(cell_len(part) for part in text.split("\n")) for text in column) for column in texts]
    words = [max((cell_len(word) for text in column for word in _words(text)), default=1) for column in texts]
    room = width - 3 * len(columns) - 1  # a border and a space on each side of every cell
    wrapping = [i for i, c in enumerate(columns) if c.wrap] or list(range(len(columns)))
    # Narrow the widest wrapping column first, but cut no word while another column can still wrap.
    for narrowing, least in (
        (wrapping, words),
        (wrapping, [1] * len(columns)),
        (range(len(columns)), [1] * len(columns)),
    ):
        while sum(widths) > room:
            candidates = [i for i in narrowing if widths[i] > least[i]]
            if not candidates:
                break
            widths[max(candidates, key=lambda i: widths[i])] -= 1
    return widths


def _row(columns: Sequence[Column], texts: Sequence[str], widths: list[int], bar: str, style: str | None) -> list[Line]:
    """One row as lines: each cell wrapped to its column, the row as tall as its tallest cell."""
    wrapped = [
        wrap(text, w) if column.wrap else [cut(part, w) for part in text.split("\n")]
        for column, text, w in zip(columns, texts, widths, strict=True)
    ]
    lines: list[Line] = []
    for n in range(max(map(len, wrapped))):
        line: Line = [(bar, "")]
        for column, cell, w in zip(columns, wrapped, widths, strict=True):
            text = cell[n] if n < len(cell) else ""
            pad = " " * (w - cell_len(text))
            line += [(" ", ""), *([(pad, "")] if column.right else []), (text, style or column.style)]
            line.append((("" if column.right else pad) + " " + bar, ""))
        lines.append(line)
    return lines


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces (and kept at its line breaks)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in _words(paragraph):
            if line and cell_len(line) + 1 + cell_len(word) <= width:
                line += " " + word
                continue
            if line:
                lines.append(line)
            line = cut(word, width)
        lines.append(line)
    return lines


def _words(text: str) -> list[str]:
    """The words of ``text``, a number kept with its unit ("30 s", "(4 min)") so a time is never split."""
    return _WORD.findall(text)


_WORD = re.compile(r"(?<!\S)[^\s\d]*\d+ (?:s|min)\b\S*|\S+")


def cut(text: str, width: int) -> str:
    """``text`` if it fits in ``width`` cells, else as much as fits with "…" after it."""
    if cell_len(text) <= width:
        return text
    kept = set_cell_size(text, width - 1).rstrip() if width > 1 else ""
    return kept + "…"


def crop(line: Line, width: int) -> Line:
    """``line`` cut at ``width`` cells: a table too wide for the screen loses its right edge, not its shape."""
    cropped: Line = []
    room = width
    for text, style in line:
        size = cell_len(text)
        if size > room:
            cropped.append((set_cell_size(text, room), style))
            break
        cropped.append((text, style))
        room -= size
    return cropped


def width_of(line: Line) -> int:
    return sum(cell_len(text) for text, _ in line)


def fill(line: Line, width: int) -> Line:
    """``line`` exactly ``width`` cells wide: padded with spaces, or cut."""
    size = width_of(line)
    return [*line, (" " * (width - size), "")] if size < width else crop(line, width)


def boxed(title: Line, body: Sequence[Line], width: int) -> list[Line]:
    """``body`` in a rounded box ``width`` cells wide with ``title`` in its top edge, as Rich's ``Panel``
    draws it: a title too long is cut, and so is each body line wider than the box."""
    inner = max(width - 4, 0)
    top = crop([(" ", ""), *title], inner)
    edge = (" " + "─" * inner)[: inner - width_of(top)]  # a space after the title, where there is room
    lines: list[Line] = (
        [[("╭─", ""), *top, (edge, ""), ("─╮", "")]] if inner else [[("╭" + "─" * (width - 2) + "╮", "")]]
    )
    lines += [[("│", ""), (" ", ""), *fill(line, inner), (" ", ""), ("│", "")] for line in body]
    lines.append([("╰" + "─" * (width - 2) + "╯", "")])
    return [crop(line, width) for line in lines]


def shares(widths: Sequence[int], room: int) -> list[int]:
    """``widths`` narrowed to add up to ``room`` at most, as Rich narrows a table's wrapping columns:
    none wider than ``room``, then the widest down to the next widest, then those together, the excess
    shared out evenly."""
    widths = [min(w, room) for w in widths]
    excess = sum(widths) - room
    while excess > 0:
        top = max(widths)
        second = max((w for w in widths if w != top), default=0)
        if top <= 0:
            break
        widest = [i for i, w in enumerate(widths) if w == top]
        left, most = excess, min(excess, top - second)
        for n, i in enumerate(widest):  # Rich's ratio_reduce: round() as it rounds
            share = min(most, round(left / (len(widest) - n)))
            widths[i] -= share
            left -= share
        excess = sum(widths) - room
    return widths


def side_by_side(blocks: Sequence[Sequence[Line]], widths: Sequence[int], gap: int) -> list[Line]:
    """Blocks of lines next to each other, each ``widths[i]`` cells wide, ``gap`` spaces apart, aligned at the top."""
    height = max((len(block) for block in blocks), default=0)
    lines: list[Line] = []
    for n in range(height):
        line: Line = []
        for i, (block, w) in enumerate(zip(blocks, widths, strict=True)):
            line += fill(block[n] if n < len(block) else [], w) + ([(" " * gap, "")] if i < len(blocks) - 1 else [])
        lines.append(line)
    return lines
