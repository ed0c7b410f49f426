"""Where stretchcoach keeps things, resolved in one place.

``STRETCHCOACH_HOME`` overrides the platform directories: config then lives in
``$STRETCHCOACH_HOME/config``, data in ``$STRETCHCOACH_HOME/data`` and the cache
of parsed large catalogs in ``$STRETCHCOACH_HOME/cache``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stretchcoach.errors import StretchcoachError

APP_NAME = "stretchcoach"
HOME_ENV = "STRETCHCOACH_HOME"

_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def user_catalog(self) -> Path:
        """Stretches and routines here add to, or replace by id, the built-in ones."""
        return self.config_dir / "catalog.yaml"

    @property
    def history_db(self) -> Path:
        return self.data_dir / "history.sqlite3"


def resolve_paths(env: Mapping[str, str] | None = None) -> Paths:
    env = os.environ if env is None else env
    home = env.get(HOME_ENV)
    if home:
        try:
            base = Path(home).expanduser()
        except RuntimeError:  # "~someone" for a user that does not exist
            raise StretchcoachError(f"{HOME_ENV}={home!r}: no such user's home to start from") from None
        return Paths(config_dir=base / "config", data_dir=base / "data", cache_dir=base / "cache")
    import platformdirs  # only needed when no override is set

    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
        data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
    )


def builtin_catalog_path() -> Path:
    """The catalog shipped in the wheel, or the repository's copy in a source checkout."""
    shipped = _PACKAGE_DIR / "data" / "stretches.yaml"
    if shipped.is_file():
        return shipped
    return _PACKAGE_DIR.parent / "data" / "stretches.yaml"
