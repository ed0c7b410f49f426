"""What one catalog file says, as the reader gives it and the cache keeps it (no yaml needed)."""

from __future__ import annotations

from dataclasses import dataclass

from stretchcoach.core.model import Routine, Stretch


@dataclass(frozen=True)
class CatalogFile:
    """What one file says; ``warning`` is None when the file leaves it out."""

    warning: str | None
    stretches: tuple[Stretch, ...]
    routines: tuple[Routine, ...]
