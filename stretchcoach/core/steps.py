"""One timed step of a routine: what kind it is, which stretch, how long, what to do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from stretchcoach.core.model import Breath, Side, Stretch


class StepKind(StrEnum):
    PREP = "prep"  # get into the starting position
    HOLD = "hold"  # hold the stretch (one side, or the only one)
    SWITCH = "switch"  # change sides
    PHASE = "phase"  # one movement of a repeated cycle
    REST = "rest"  # between stretches


@dataclass(frozen=True)
class Step:
    kind: StepKind
    stretch: Stretch
    seconds: int
    cue: str
    side: Side | None = None
    rep: int | None = None
    reps: int | None = None
    breath: Breath | None = None
    still: bool = False  # a phase held still a few seconds more, for a deeper stretch (--deeper)

    @property
    def active(self) -> bool:
        """Time spent stretching, as opposed to getting ready, switching or resting."""
        return self.kind in (StepKind.HOLD, StepKind.PHASE)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "stretch": self.stretch.id,
            "side": self.side.value if self.side else None,
            "rep": self.rep,
            "seconds": self.seconds,
            "cue": self.cue,
            "breath": self.breath.value if self.breath else None,
        }
