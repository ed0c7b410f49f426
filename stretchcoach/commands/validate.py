"""The validate command: check catalog files, and report every problem with its line and column."""

from __future__ import annotations

from pathlib import Path

from stretchcoach.catalog.assemble import read_base
from stretchcoach.catalog.loader import read_catalog
from stretchcoach.errors import CatalogError, StretchcoachError
from stretchcoach.views.output import Output


def validate(*, files: list[Path], catalog_path: Path | None, output: Output) -> None:
    """Read each file as a catalog whose routines may name the base catalog's stretches.

    Raises :class:`StretchcoachError` if any file has a problem, after saying every one.
    """
    known = {s.id: s for s in read_base(catalog_path).stretches}
    failed = 0
    for path in files:
        try:
            result = read_catalog(path, known=known)
        except CatalogError as exc:
            failed += 1
            output.error_lines(exc.problems)
            continue
        stretches, routines = len(result.stretches), len(result.routines)
        output.write(
            f"ok: {path}: {_count(stretches, 'stretch', 'stretches')}, {_count(routines, 'routine', 'routines')}\n"
        )
    if failed:
        raise StretchcoachError(f"{failed} of {_count(len(files), 'catalog file', 'catalog files')} failed validation")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
