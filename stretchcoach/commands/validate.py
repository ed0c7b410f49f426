"""The validate command: check catalog files as ``--catalog`` would load them, and report every problem."""

from __future__ import annotations

from pathlib import Path

from stretchcoach.catalog.assemble import own_catalog_path, read_builtin, read_own
from stretchcoach.catalog.reader import CatalogFile
from stretchcoach.core.model import Catalog
from stretchcoach.errors import CatalogError, StretchcoachError
from stretchcoach.views.output import Output


def validate(
    *, files: list[Path], catalog_path: Path | None, user_catalog: Path, cache_dir: Path | None, output: Output
) -> None:
    """Read each of ``files`` over the built-in catalog, exactly as ``--catalog FILE`` loads it.

    Without ``files``, check the catalog in use: ``catalog_path`` (--catalog) if given,
    else ``user_catalog`` if it exists; with neither there is nothing to check, and that is said.
    Raises :class:`StretchcoachError` if any file has a problem, after saying every one.
    """
    if not files:
        own = own_catalog_path(catalog_path=catalog_path, user_catalog=user_catalog)
        if own is None:
            output.write(
                f"no catalog of your own at {user_catalog}; nothing to check (the built-in catalog is in use)\n"
            )
            return
        files = [own]
    builtin = read_builtin()
    failed = 0
    for path in files:
        try:
            own_file = read_own(path, builtin=builtin, cache_dir=cache_dir)
        except CatalogError as exc:
            failed += 1
            output.error_lines(exc.problems)
            continue
        output.write(f"ok: {path}: {_summary(own_file, builtin)}\n")
    if failed:
        raise StretchcoachError(f"{failed} of {_count(len(files), 'catalog file', 'catalog files')} failed validation")


def _summary(own: CatalogFile, builtin: Catalog) -> str:
    """What the file holds, and what it does to the built-in catalog it goes over."""
    stretches = _count(len(own.stretches), "stretch", "stretches")
    routines = _count(len(own.routines), "routine", "routines")
    builtin_stretches = {s.id for s in builtin.stretches}
    builtin_routines = {r.id for r in builtin.routines}
    replaced = [
        *_named("the stretch", "the stretches", [s.id for s in own.stretches if s.id in builtin_stretches]),
        *_named("the routine", "the routines", [r.id for r in own.routines if r.id in builtin_routines]),
        *(["the warning"] if own.warning is not None else []),
    ]
    replacing = f", replacing {_and(replaced)}" if replaced else ""
    return f"{stretches}, {routines}, over the built-in catalog{replacing}"


def _named(one: str, many: str, ids: list[str]) -> list[str]:
    return [f"{one if len(ids) == 1 else many} {_and(ids)}"] if ids else []


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
