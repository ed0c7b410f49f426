"""The list command: every stretch and routine of the catalog."""

from __future__ import annotations

from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import plan_routine
from stretchcoach.views import catalog as catalog_view
from stretchcoach.views.output import Output


def list_catalog(*, catalog: Catalog, as_json: bool, output: Output) -> None:
    totals = {r.id: plan_routine(catalog, r).total_seconds for r in catalog.routines}
    catalog_view.show_listing(output, catalog, totals, as_json=as_json)
