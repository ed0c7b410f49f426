"""The show command: how to do one stretch, found by its id or name."""

from __future__ import annotations

from stretchcoach.core.model import Catalog
from stretchcoach.views import catalog as catalog_view
from stretchcoach.views.output import Output


def show_stretch(*, catalog: Catalog, query: str, as_json: bool, output: Output) -> None:
    stretch = catalog.get_stretch(query)
    catalog_view.show_stretch(output, stretch, catalog.warning, as_json=as_json)
