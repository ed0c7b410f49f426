"""Regenerate the README screenshots with Rich's own SVG export.

    python docs/screenshots.py

Renders the real `list`, `show cat-cow` and routine screens from the built-in
catalog into docs/*.svg. The routine screens are the live view of the default
routine, drawn from a session driven by plain numbers (no waiting): at 80x24
22.5 s in (the supine hip flexor stretch, left side), at 60x18 in the seated
twist's first round, and at 140x40 in child's pose.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text

from stretchcoach.catalog.assemble import load_catalog
from stretchcoach.core.plan import plan_routine
from stretchcoach.core.session import RoutineSession
from stretchcoach.views import catalog as render
from stretchcoach.views.live import live_view

DOCS = Path(__file__).resolve().parent


def _console(width: int) -> Console:
    return Console(record=True, width=width, force_terminal=True, color_system="truecolor", file=io.StringIO())


def main() -> None:
    catalog = load_catalog(catalog_path=None, user_catalog=None)
    totals = {r.id: plan_routine(catalog, r).total_seconds for r in catalog.routines}

    out = _console(100)
    for line in render.listing(catalog, totals, out.width):  # the lines `list` writes, styled as on a terminal
        out.print(Text.assemble(*line), soft_wrap=True)
    out.save_svg(str(DOCS / "list.svg"), title="stretchcoach list")

    out = _console(90)
    out.print(render.stretch_panel(catalog.get_stretch("cat-cow"), catalog.warning))
    out.save_svg(str(DOCS / "show.svg"), title="stretchcoach show cat-cow")

    plan = plan_routine(catalog, catalog.get_routine("back-relief"))
    for name, seconds, (width, height) in (
        ("routine", 22.5, (80, 24)),
        ("routine-small", 214.5, (60, 18)),  # the seated twist, round 1: to the left
        ("routine-large", 101.5, (140, 40)),  # child's pose, held
    ):
        session = RoutineSession(plan, started=0.0)
        session.update(seconds)
        out = _console(width)
        out.print(live_view(session, seconds, width=width, height=height))
        out.save_svg(str(DOCS / f"{name}.svg"), title=f"stretchcoach routine ({width}×{height})")


if __name__ == "__main__":
    main()
