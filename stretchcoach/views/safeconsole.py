"""The Rich console whose text cannot drive the terminal, made only by ``output``."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from stretchcoach.core.safe_text import UNSAFE, visible


class SafeConsole(Console):
    """A Rich console whose text cannot drive the terminal; Rich's own control codes pass."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not UNSAFE.search(segment.text):
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style)
