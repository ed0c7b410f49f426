"""Assemble the catalog a command works with: the built-in catalog, with the person's own on top.

Every catalog file a person writes is read the same way, over the built-in
catalog: its routines may name built-in stretches, and its stretches, routines
and warning add to, or replace by id, the built-in ones. Their own catalog is
the ``--catalog`` file when one is given, otherwise ``catalog.yaml`` in the
config directory if there is one. ``validate`` reads files through
:func:`read_own` too, so a file it accepts is a file ``--catalog`` loads.

The built-in catalog comes already parsed, from ``builtin.py`` (made from
data/stretches.yaml by scripts/make_builtin_catalog.py): a command that reads
no file of the person's never imports yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stretchcoach.core.model import Catalog, Stretch
from stretchcoach.errors import CatalogError, os_problem

if TYPE_CHECKING:
    from stretchcoach.catalog.reader import CatalogFile

MIN_CACHED_BYTES = 256 * 1024  # smaller files parse faster than a cache round trip


def load_catalog(*, catalog_path: Path | None, user_catalog: Path | None, cache_dir: Path | None = None) -> Catalog:
    """The built-in catalog with the person's own catalog (see :func:`own_catalog_path`) merged over it.

    A large own catalog is cached in ``cache_dir``.
    """
    builtin = read_builtin()
    own_path = own_catalog_path(catalog_path=catalog_path, user_catalog=user_catalog)
    own = read_own(own_path, builtin=builtin, cache_dir=cache_dir) if own_path is not None else None
    return merge(builtin, own)


def own_catalog_path(*, catalog_path: Path | None, user_catalog: Path | None) -> Path | None:
    """The catalog the person gave: ``catalog_path`` (--catalog; read even if it is missing, so
    that is said), else ``user_catalog`` if it exists, else None. The two are never both read."""
    if catalog_path is not None:
        return catalog_path
    if user_catalog is not None and _present(user_catalog):
        return user_catalog
    return None


def read_builtin() -> Catalog:
    """The catalog shipped with stretchcoach, data/stretches.yaml, as ``builtin.py`` holds it parsed."""
    from stretchcoach.catalog.builtin import CATALOG

    return CATALOG


def read_catalog(path: Path, *, known: dict[str, Stretch]) -> CatalogFile:
    """``path`` read by the loader, which (with yaml) is imported only when a file is read."""
    from stretchcoach.catalog.loader import read_catalog as read

    return read(path, known=known)


def read_own(path: Path, *, builtin: Catalog, cache_dir: Path | None = None) -> CatalogFile:
    """``path`` as a catalog over ``builtin``: its routines may name the built-in stretches.

    Raises :class:`CatalogError` with every problem. A large file is cached in ``cache_dir``.
    """
    known = {s.id: s for s in builtin.stretches}
    if cache_dir is None or not _large(path):
        return read_catalog(path, known=known)
    from stretchcoach.catalog import cache as catalog_cache  # only large files: hashlib, json, tempfile

    cached = catalog_cache.load(cache_dir, path, known=known)
    if cached is not None:
        return cached
    parsed = read_catalog(path, known=known)
    catalog_cache.store(cache_dir, path, parsed, known=known)
    return parsed


def merge(builtin: Catalog, own: CatalogFile | None) -> Catalog:
    """``own`` over ``builtin``: replaced stretches and routines keep their place, new ones come after."""
    if own is None:
        return builtin
    warning = own.warning or builtin.warning
    stretches = {s.id: s for s in builtin.stretches} | own.by_id()
    routines = {r.id: r for r in builtin.routines} | {r.id: r for r in own.routines}
    return Catalog(warning, tuple(stretches.values()), tuple(routines.values()), index=stretches)


def _present(path: Path) -> bool:
    """Whether the user has a catalog file; any other trouble looking for it is said, not ignored."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise CatalogError([f"{path}: {os_problem(exc)}; cannot read your catalog"]) from None
    return True


def _large(path: Path) -> bool:
    """Whether ``path`` is a regular file worth caching; anything else is left to the loader to refuse."""
    try:
        return path.is_file() and path.stat().st_size >= MIN_CACHED_BYTES
    except OSError:
        return False
