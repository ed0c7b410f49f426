"""The catalog as plain, frozen data: stretches, their timing, routines.

Nothing here reads files, looks at a clock or prints. ``loader`` builds these
objects from YAML; ``plan`` turns a routine into timed steps. Looking up a
stretch or a routine that is not there raises the one error that says which
id was probably meant.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from enum import StrEnum

from stretchcoach.core.suggest import did_you_mean
from stretchcoach.errors import StretchcoachError


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class Breath(StrEnum):
    INHALE = "inhale"
    EXHALE = "exhale"


# Each by the word a catalog writes for it (a dict lookup: calling the enum costs ten times as much).
SIDES = {side.value: side for side in Side}
BREATHS = {breath.value: breath for breath in Breath}


@dataclass(frozen=True, slots=True)
class Phase:
    """One movement of a repeated cycle, e.g. "inhale, arch your back"."""

    cue: str
    seconds: int
    breath: Breath | None = None
    picture: tuple[str, ...] = ()  # a small line drawing of the position, a line a string

    @property
    def label(self) -> str:
        """Short name for summaries: the breath if there is one, else the cue."""
        if self.breath:
            return self.breath.value
        return self.cue[:1].lower() + self.cue[1:]


@dataclass(frozen=True, slots=True)
class Hold:
    """Hold a position for ``seconds``, once per side when ``sides`` is given.

    ``minimum``, when not 0, is the least the hold may ever be ("hold it for at
    least 30 seconds"): no option, key or fit to a time goes below it.
    ``side_cues``, when given, says what each side means in words (one per side,
    in the same order): "Left knee to your chest; push your right leg down".
    """

    seconds: int
    sides: tuple[Side, ...] = ()
    side_cues: tuple[str, ...] = ()
    minimum: int = 0

    def side_cue(self, side: Side) -> str | None:
        return self.side_cues[self.sides.index(side)] if self.side_cues and side in self.sides else None

    @property
    def total_seconds(self) -> int:
        return self.seconds * max(1, len(self.sides))

    def summary(self) -> str:
        length = f"at least {self.seconds} s" if self.minimum == self.seconds else f"{self.seconds} s"
        if len(self.sides) > 1:
            length = f"{length} × {len(self.sides)} sides"
        elif self.sides:
            length = f"{length}, {self.sides[0].value} side"
        if self.minimum and self.minimum != self.seconds:
            length = f"{length}, at least {self.minimum} s"
        return length


@dataclass(frozen=True, slots=True)
class Cycle:
    """A list of phases repeated ``reps`` times.

    ``deeper``, when not 0, is how much longer each position may be held for a
    deeper stretch ("you can also hold each position for a few seconds").
    ``least``, when not 0, is the fewest rounds it may ever be done ("repeat this
    several times"): no option or fit to a time goes below it.
    """

    phases: tuple[Phase, ...]
    reps: int
    deeper: int = 0
    least: int = 0

    @property
    def total_seconds(self) -> int:
        return self.reps * sum(p.seconds for p in self.phases)

    def summary(self) -> str:
        parts = " / ".join(f"{p.label} {p.seconds} s" for p in self.phases)
        if self.least == self.reps:
            return f"at least {self.reps} × {parts}"
        least = f", at least {self.least} rounds" if self.least else ""
        return f"{self.reps} × {parts}{least}"


Timing = Hold | Cycle


@dataclass(frozen=True, slots=True)
class Stretch:
    id: str
    name: str
    targets: tuple[str, ...]
    setup: str
    steps: tuple[str, ...]
    feel: str
    timing: Timing
    aka: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    picture: tuple[str, ...] = ()  # a small line drawing of the position, a line a string

    @property
    def seconds(self) -> int:
        """Time under stretch, without get-ready, switch or rest time."""
        return self.timing.total_seconds


@dataclass(frozen=True, slots=True)
class RoutineItem:
    """A stretch in a routine, optionally overriding its hold or reps."""

    stretch: str
    hold: int | None = None
    reps: int | None = None


# A routine's gaps when its catalog gives none: seconds to get ready, to rest between stretches, to switch sides.
PREP, REST, SWITCH = 10, 10, 5


@dataclass(frozen=True, slots=True)
class Routine:
    id: str
    name: str
    description: str
    items: tuple[RoutineItem, ...]
    prep: int = PREP
    rest: int = REST
    switch: int = SWITCH


@dataclass(frozen=True, slots=True)
class Catalog:
    warning: str
    stretches: tuple[Stretch, ...] = ()
    routines: tuple[Routine, ...] = ()
    # ``stretches`` by id, when the caller has them so already: exactly those, in that order.
    # (Indexing 100,000 stretches again costs more than a tenth of loading them.)
    index: InitVar[dict[str, Stretch] | None] = None
    _by_id: dict[str, Stretch] = field(init=False, repr=False, compare=False)
    _routines_by_id: dict[str, Routine] = field(init=False, repr=False, compare=False)

    def __post_init__(self, index: dict[str, Stretch] | None) -> None:
        object.__setattr__(self, "_by_id", index if index is not None else {s.id: s for s in self.stretches})
        object.__setattr__(self, "_routines_by_id", {r.id: r for r in self.routines})

    def stretch(self, stretch_id: str) -> Stretch | None:
        return self._by_id.get(stretch_id)

    def routine(self, routine_id: str) -> Routine | None:
        return self._routines_by_id.get(routine_id)

    def find_stretch(self, query: str) -> Stretch | None:
        """Look a stretch up by id, name or other name, ignoring case."""
        exact = self._by_id.get(query)
        if exact is not None:
            return exact
        wanted = _fold(query)
        if not wanted:  # "" or "?" would match any name that folds to nothing, such as an emoji
            return None
        for s in self.stretches:
            if wanted in (_fold(s.id), _fold(s.name), *(_fold(a) for a in s.aka)):
                return s
        return None

    def get_stretch(self, query: str) -> Stretch:
        """The stretch ``query`` names (as :meth:`find_stretch` looks), or the error that says which is close."""
        found = self.find_stretch(query)
        if found is None:
            shown = query if query.isprintable() else repr(query)[1:-1]
            hint = did_you_mean(query, (s.id for s in self.stretches), otherwise="see `stretchcoach list`")
            raise StretchcoachError(f"no stretch '{shown}'; {hint}")
        return found

    def get_routine(self, routine_id: str) -> Routine:
        """The routine with this id, or the error that says which is close."""
        found = self.routine(routine_id)
        if found is None:
            routines = f"routines: {', '.join(r.id for r in self.routines)}"
            hint = did_you_mean(routine_id, (r.id for r in self.routines), otherwise=routines)
            raise StretchcoachError(f"no routine '{routine_id}'; {hint}")
        return found


def _fold(text: str) -> str:
    """Case- and punctuation-insensitive key: "Child's Pose" ~ "childs pose"."""
    return "".join(ch for ch in text.casefold().replace("’", "'") if ch.isalnum())
