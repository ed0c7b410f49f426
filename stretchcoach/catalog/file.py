"""What one catalog file says, as the reader gives it and the cache keeps it (no yaml needed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from stretchcoach.core.model import Routine, Stretch


@dataclass(frozen=True)
class CatalogFile:
    """What one file says; ``warning`` is None when the file leaves it out.

    ``index`` is ``stretches`` by id, when they were read so: made while each stretch was
    fresh in memory, it spares merging a large catalog a slow second visit to every one.
    """

    warning: str | None
    stretches: tuple[Stretch, ...]
    routines: tuple[Routine, ...]
    index: dict[str, Stretch] | None = field(default=None, repr=False, compare=False)

    def by_id(self) -> dict[str, Stretch]:
        return self.index if self.index is not None else {s.id: s for s in self.stretches}
