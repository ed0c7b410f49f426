"""The safety command: urgent signs that need a doctor now, and the catalog's rule."""

from __future__ import annotations

from stretchcoach.views import safety as safety_view
from stretchcoach.views.output import Output


def show_safety(*, warning: str, output: Output) -> None:
    safety_view.show_safety(output, warning)
