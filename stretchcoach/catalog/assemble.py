"""Assemble the catalog a command works with: a base file plus the user's own."""

from __future__ import annotations

from pathlib import Path

from stretchcoach.catalog.loader import read_catalog
from stretchcoach.catalog.reader import CatalogFile
from stretchcoach.core.model import Catalog
from stretchcoach.errors import CatalogError, os_problem
from stretchcoach.paths import builtin_catalog_path

MIN_CACHED_BYTES = 256 * 1024  # smaller files parse faster than a cache round trip


def load_catalog(*, catalog_path: Path | None, user_catalog: Path | None, cache_dir: Path | None = None) -> Catalog:
    """The base catalog (``catalog_path`` or the built-in one) with ``user_catalog`` on top.

    Stretches and routines in the user's file add to, or replace by id, those of
    the base. The safety warning always comes from somewhere: a file without one
    keeps the built-in warning. A large base file is cached in ``cache_dir``.
    """
    base = read_base(catalog_path, cache_dir)
    overlay: CatalogFile | None = None
    if user_catalog is not None and _present(user_catalog):
        overlay = read_catalog(user_catalog, known={s.id: s for s in base.stretches})
    warning = (overlay and overlay.warning) or base.warning
    if warning is None:
        warning = read_catalog(builtin_catalog_path()).warning
    if warning is None:  # the shipped file is tested to have one
        raise AssertionError("the built-in catalog has no warning")
    if overlay is None:
        return Catalog(warning=warning, stretches=base.stretches, routines=base.routines)
    stretches = {s.id: s for s in base.stretches} | {s.id: s for s in overlay.stretches}
    routines = {r.id: r for r in base.routines} | {r.id: r for r in overlay.routines}
    return Catalog(warning=warning, stretches=tuple(stretches.values()), routines=tuple(routines.values()))


def _present(path: Path) -> bool:
    """Whether the user has a catalog file; any other trouble looking for it is said, not ignored."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise CatalogError([f"{path}: {os_problem(exc)}; cannot read your catalog"]) from None
    return True


def read_base(catalog_path: Path | None, cache_dir: Path | None = None) -> CatalogFile:
    """The base catalog: ``catalog_path``, or the built-in one. A large file is cached in ``cache_dir``."""
    path = catalog_path or builtin_catalog_path()
    if cache_dir is None:
        return read_catalog(path)
    try:
        large = path.is_file() and path.stat().st_size >= MIN_CACHED_BYTES
    except OSError:
        large = False
    if not large:
        return read_catalog(path)
    from stretchcoach.catalog import cache as catalog_cache  # only large files: hashlib, json, tempfile

    cached = catalog_cache.load(cache_dir, path)
    if cached is not None:
        return cached
    parsed = read_catalog(path)
    catalog_cache.store(cache_dir, path, parsed)
    return parsed
