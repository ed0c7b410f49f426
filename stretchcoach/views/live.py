"""The routine's full-screen view, and its compact form for small terminals.

Each is built from the session and ``now``, at the size given; nothing here prints.

The full view is read from the floor, two metres away. It is a Rich ``Layout``
whose regions are sized when it is drawn, by measuring what each holds at the
width there is: what must always be seen (what to do now, the time, what is next,
how far along, the keys that stop) first; then what is needed while it fits (the
instructions and the tip, the picture while getting ready); then what is welcome
only if the countdown keeps its size. The countdown takes every row left, in the
largest digits (``bigdigits``) that fit them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.layout import Layout
from rich.padding import Padding
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from stretchcoach.core.durations import mmss
from stretchcoach.core.model import Breath, Cycle, Hold
from stretchcoach.core.session import RoutineSession
from stretchcoach.core.steps import Step, StepKind
from stretchcoach.core.words import hold_cue, step_line, step_title
from stretchcoach.views import bigdigits
from stretchcoach.views.output import NARROW_WIDTH

# The key hints, longest first. Where the longest does not fit, a shorter one is shown whole,
# never one cut short; every one begins with the keys that stop: q quit, h this hurts.
HINTS = (
    "q quit · h this hurts · space pause · n next · b back · +/- 10 s",
    "q quit · h hurts · space pause · n next · b back · +/- 10 s",
    "q quit · h hurts · space pause · n next · b back · +/-",
    "q quit · h hurts · spc pause · n/b · +/-",
    "q quit · h hurts · spc pause",
    "q quit · h hurts",
    "q · h hurts",
)
KEY_HINTS = HINTS[0]
COMPACT_HINTS = HINTS[3]
COMPACT_HEIGHT = 16  # fewer lines than this, or fewer than NARROW_WIDTH columns: the compact view
PAUSED = "PAUSED — press space to resume"
PICTURE_GAP = 3  # columns between the words at the top and the picture beside them
MIN_TEXT_WIDTH = 28  # the words beside a picture keep at least this many columns, or there is no picture


def key_hints(width: int) -> str:
    """The longest key hint that fits in ``width`` columns."""
    return next((hint for hint in HINTS if len(hint) <= width), HINTS[-1])


def live_view(session: RoutineSession, now: float, *, width: int, height: int, message: str = "") -> RenderableType:
    if width < NARROW_WIDTH or height < COMPACT_HEIGHT:
        return compact_view(session, now, width=width, message=message)
    return Panel(
        _Screen(session, now, message),
        title=Text(session.plan.routine.name, style="bold"),
        title_align="left",
        subtitle=Text(key_hints(width - 6), style="dim"),  # 6: the corners, and a space each side
        subtitle_align="left",
        border_style="magenta" if session.paused else "blue",
        height=height,
    )


@dataclass(frozen=True)
class _Sizes:
    """How the screen is divided: rows of the words at the top, of each note, of each part shown."""

    words: int
    notes: tuple[int, ...]
    costs: dict[str, int]  # rows each part takes (the picture: rows it adds to the top)
    shown: frozenset[str]


class _Screen:
    """The inside of the live view's panel, laid out when it is drawn, for the room there is.

    Redrawn every second, it is measured again only when what it holds or its size has
    changed: the last layout is kept, with what it was made for.
    """

    _last: ClassVar[tuple[tuple[object, ...], _Sizes] | None] = None

    def __init__(self, session: RoutineSession, now: float, message: str) -> None:
        self.session = session
        self.now = now
        self.message = message

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        height = options.height if options.height is not None else options.max_height
        session, step = self.session, self.session.step
        cue = _cue(session)
        words = _Words(step.stretch.name, step_title(step).upper(), cue, bold=step.breath is not None)
        notes = [Text(PAUSED, style="bold reverse magenta")] if session.paused else []
        if self.message:
            notes.append(Text(self.message, style="bold"))
        parts = _instructions(step)
        picture = _picture(session)
        room = _picture_width(step)  # the same for each of the stretch's pictures: the figure stays put
        text = mmss(session.remaining(self.now))
        made_for = (step, cue, session.paused, self.message, width, height, len(text))
        if _Screen._last is not None and _Screen._last[0] == made_for:
            sizes = _Screen._last[1]
        else:
            unbounded = options.update(height=None)
            sizes = _measure(console, unbounded, step, words, notes, parts, (picture, room), height, text)
            _Screen._last = (made_for, sizes)

        top = Layout(words, name="top", size=sizes.words)
        if "picture" in sizes.shown:
            top.size = sizes.words + sizes.costs["picture"]
            drawing = Text("\n".join(picture), style="cyan", no_wrap=True, overflow="crop")
            top.split_row(Layout(Padding(words, (0, PICTURE_GAP, 0, 0))), Layout(drawing, size=room))
        regions = [top, Layout(_countdown(session, self.now), name="countdown")]  # the countdown: every row left
        regions += [Layout(note, size=rows) for note, rows in zip(notes, sizes.notes, strict=True)]
        how = [part for name, part in parts.items() if name in sizes.shown]
        if how:
            blank = "blank" in sizes.shown
            rows = blank + sum(sizes.costs[name] for name in parts if name in sizes.shown)
            regions.append(Layout(Group(*[Text("")] * blank, *how), name="how", size=rows))
        regions += [Layout(_next(session), name="next", size=1), Layout(_Progress(session, self.now), size=1)]
        layout = Layout()
        layout.split_column(*regions)
        yield from console.render(layout, options)  # as it is: what is yielded is drawn without a height


def _measure(
    console: Console,
    options: ConsoleOptions,
    step: Step,
    words: _Words,
    notes: list[Text],
    parts: dict[str, Text],
    picture: tuple[tuple[str, ...], int],
    height: int,
    text: str,
) -> _Sizes:
    """Measure what the screen holds at the width of ``options``, and choose what it shows."""
    width = options.max_width

    def rows(renderable: RenderableType, at: int = width) -> int:
        return len(console.render_lines(renderable, options.update_width(at), pad=False))

    costs = {name: rows(part) for name, part in parts.items()} | ({"blank": 1} if parts else {})
    lines, room = picture
    beside = width - room - PICTURE_GAP
    if lines and beside >= MIN_TEXT_WIDTH:
        costs["picture"] = max(len(lines), rows(words, beside)) - rows(words)
    note_rows = tuple(map(rows, notes))
    left = height - rows(words) - sum(note_rows) - 2  # 2: what is next, how far along
    shown = _choose(step, costs, left, lambda rows: bigdigits.fit(text, width=width, rows=rows))
    return _Sizes(rows(words), note_rows, costs, frozenset(shown))


def _picture_width(step: Step) -> int:
    """Columns of the widest of the stretch's pictures, its own and its movements'."""
    timing = step.stretch.timing
    pictures = (
        [step.stretch.picture, *(phase.picture for phase in timing.phases)]
        if isinstance(timing, Cycle)
        else [step.stretch.picture]
    )
    return max((len(line) for picture in pictures for line in picture), default=0)


def _choose(step: Step, costs: dict[str, int], rows: int, digits: Callable[[int], tuple[int, bool]]) -> set[str]:
    """What to show besides what always is: each part of ``costs`` (rows it takes) that fits in
    ``rows`` leaving the countdown one, in order of need; a welcome one only if the digits stay as large."""
    needed, welcome = _wanted(step)
    shown: set[str] = set()
    for name in [*needed, *welcome]:
        cost = costs.get(name)
        if cost is None or cost > rows - 1 or (name in welcome and digits(rows - cost) < digits(rows)):
            continue
        shown.add(name)
        rows -= cost
    return shown


def _wanted(step: Step) -> tuple[list[str], list[str]]:
    """(what is needed while it fits, what is welcome if the digits stay as large), most wanted first.

    Getting ready, the picture shows the position to get into; in a hold the person is in it
    already, and the time left is what they look up for.
    """
    if step.kind is StepKind.HOLD:
        return ["side", "steps", "tips"], ["picture", "blank", "start"]
    if step.kind is StepKind.SWITCH:
        return ["steps", "tips"], ["picture", "blank", "start"]
    if step.kind is StepKind.PREP:
        return ["steps", "tips", "picture"], ["blank"]
    return ["picture"], []


class _Words:
    """The stretch and the step on one line (two where they do not fit), and the cue under them."""

    def __init__(self, name: str, title: str, cue: str, *, bold: bool) -> None:
        self.name, self.title = name, title
        self.cue = Text(cue, style="bold yellow" if bold else "yellow")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        gap = options.max_width - cell_len(self.name) - cell_len(self.title)
        if gap >= 2:
            yield Text.assemble((self.name, "bold"), " " * gap, (self.title, "bold cyan"), no_wrap=True)
        else:
            yield Text(self.name, style="bold")
            yield Text(self.title, style="bold cyan", no_wrap=True, overflow="crop")
        yield self.cue


def _cue(session: RoutineSession) -> str:
    """The cue on screen: a hold says its current length (+/- change it); a switch, what the next side is."""
    step = session.step
    if step.kind is StepKind.HOLD:
        return hold_cue(session.duration)
    if step.kind is StepKind.SWITCH:
        return _side_cue(step) or step.cue
    return step.cue


def _side_cue(step: Step) -> str | None:
    timing = step.stretch.timing
    return timing.side_cue(step.side) if isinstance(timing, Hold) and step.side else None


def _picture(session: RoutineSession) -> tuple[str, ...]:
    """The drawing of the position: in a round, its movement's own (a still hold after one, that
    movement's), else the stretch's."""
    timing = session.step.stretch.timing
    if isinstance(timing, Cycle):
        pictures = {phase.cue: phase.picture for phase in timing.phases if phase.picture}
        for step in reversed(session.plan.steps[: session.index + 1]):
            if step.kind is not StepKind.PHASE:
                break
            if step.cue in pictures:
                return pictures[step.cue]
    return session.step.stretch.picture


def _instructions(step: Step) -> dict[str, Text]:
    """How to do the stretch, in parts, in the order they are shown; none in a round or a rest."""
    if step.kind not in (StepKind.PREP, StepKind.HOLD, StepKind.SWITCH):
        return {}
    stretch = step.stretch
    quiet = "dim" if step.kind is StepKind.HOLD else ""
    side = _side_cue(step) if step.kind is StepKind.HOLD else None  # a switch has it as its cue
    parts = {
        "side": Text(side) if side else None,
        "start": Text(f"Start: {stretch.setup}", style=quiet) if step.kind is not StepKind.PREP else None,
        "steps": Text("\n".join(f"{n}. {line}" for n, line in enumerate(stretch.steps, 1)), style=quiet),
        "tips": Text("\n".join(f"Tip: {tip}" for tip in stretch.tips), style="green") if stretch.tips else None,
    }
    return {name: part for name, part in parts.items() if part is not None}


def _countdown(session: RoutineSession, now: float) -> bigdigits.Countdown:
    remaining = session.remaining(now)
    bar: Callable[[int], RenderableType]
    if session.step.breath is not None:
        seconds = max(1, session.duration)
        second = min(seconds, int(session.elapsed(now)) + 1)  # the second of the breath being lived: 1..seconds
        inhale = session.step.breath is Breath.INHALE
        share = second / seconds if inhale else 1 - second / seconds
        bar = lambda width: _BreathBar(share, inhale=inhale, width=width)  # noqa: E731
    else:
        done = session.duration - remaining
        bar = lambda width: ProgressBar(total=max(1, session.duration), completed=done, width=width)  # noqa: E731
    return bigdigits.Countdown(mmss(remaining), faded=session.paused, bar=bar)


class _BreathBar:
    """A thick bar that grows through an in-breath and shrinks through an out-breath, a step a second."""

    def __init__(self, share: float, *, inhale: bool, width: int) -> None:
        self.share = share  # of the bar filled, 0 to 1
        self.label = "in " if inhale else "out"
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        bar = max(1, self.width - len(self.label) - 1)
        filled = round(bar * self.share)
        yield Segment(self.label + " ", console.get_style("bold yellow"))
        yield Segment("▆" * filled, console.get_style("yellow"))
        yield Segment("▁" * (bar - filled), console.get_style("dim"))


def _next(session: RoutineSession) -> Text:
    upcoming = session.next_step()
    what = f"Next: {step_line(upcoming)}" if upcoming else "Next: done"
    return Text(what, style="italic", no_wrap=True, overflow="ellipsis")


def _stretch_number(session: RoutineSession) -> str:
    """ "Stretch 2 of 4": which of the routine's stretches this step belongs to (or gets ready for)."""
    ids = [stretch.id for stretch in session.plan.stretches]
    return f"Stretch {ids.index(session.step.stretch.id) + 1} of {len(ids)}"


class _Progress:
    """ "Stretch 2 of 4", a bar of the whole routine, and the time it has left, on one line."""

    def __init__(self, session: RoutineSession, now: float) -> None:
        self.label = _stretch_number(session)
        self.total = session.plan.total_seconds
        self.left = session.time_left(now)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        left = f"{mmss(self.left)} left"
        bar = ProgressBar(total=max(1, self.total), completed=max(0.0, self.total - self.left))
        room = options.max_width - cell_len(self.label) - cell_len(left) - 4
        drawn = list(console.render(bar, options.update_width(room))) if room > 0 else []
        gap = max(0, room) - Segment.get_line_length(drawn)  # without colour, a bar draws only what is done
        yield from (Segment(self.label + "  "), *drawn, Segment(" " * gap + "  " + left))


def compact_view(session: RoutineSession, now: float, *, width: int, message: str = "") -> RenderableType:
    """For narrow or short terminals: a few short lines, no boxes."""
    step = session.step
    remaining = session.remaining(now)
    grid = Table.grid()
    grid.add_column(no_wrap=True, overflow="ellipsis")
    grid.add_row(Text(f"{step.stretch.name} · {step_title(step)}", style="bold"))
    grid.add_row(Text(_cue(session), style="yellow"))
    grid.add_row(
        Text.assemble(
            (mmss(remaining), "bold"),
            ("  PAUSED" if session.paused else "", "bold magenta"),
            (f"  {_stretch_number(session).lower()} · {mmss(session.time_left(now))} left", "dim"),
        )
    )
    bar_width = max(4, min(width - 2, 40))
    grid.add_row(ProgressBar(total=max(1, session.duration), completed=session.duration - remaining, width=bar_width))
    if message:
        grid.add_row(Text(message))
    grid.add_row(Text(key_hints(width), style="dim"))
    return grid
