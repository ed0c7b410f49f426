"""Shared fixtures: no test touches the real home directory or a real terminal size."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from stretchcoach.catalog import yamlnodes
from stretchcoach.catalog.assemble import load_catalog
from stretchcoach.core.model import Catalog, Hold
from stretchcoach.core.plan import Plan, plan_routine

from helpers import required_in_ci, use_quick_holds

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every path stretchcoach resolves at a fresh temporary directory."""
    home = tmp_path / "stretchcoach-home"
    monkeypatch.setenv("STRETCHCOACH_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "40")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("STRETCHCOACH_DEBUG", raising=False)
    monkeypatch.delenv("ACCESSIBLE", raising=False)
    # No test plays a sound through this computer's player, or takes itself to be over SSH:
    # the bell (rung only where a test gives a stream) unless a test of sounds asks otherwise.
    monkeypatch.setenv("STRETCHCOACH_SOUND", "bell")
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    return home


@pytest.fixture
def user_catalog(isolated_home: Path) -> Path:
    """Where the user's own catalog lives under the isolated home (not created)."""
    path = isolated_home / "config" / "catalog.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def db_path(isolated_home: Path) -> Path:
    """Where the history database lives under the isolated home (not created)."""
    return isolated_home / "data" / "history.sqlite3"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The built-in catalog, as shipped."""
    return load_catalog(catalog_path=None, user_catalog=None)


@pytest.fixture(scope="session")
def quick_catalog(catalog: Catalog) -> Catalog:
    """The built-in catalog with no minimum holds or rounds: for tests that hold a stretch for a second."""
    stretches = tuple(
        replace(s, timing=replace(s.timing, minimum=0) if isinstance(s.timing, Hold) else replace(s.timing, least=0))
        for s in catalog.stretches
    )
    return Catalog(warning=catalog.warning, stretches=stretches, routines=catalog.routines)


@pytest.fixture
def utc_local_time() -> Iterator[None]:
    """Local time is UTC for the test: calendar days (streaks, dates, schedules) without DST or
    midnight surprises."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.fixture
def quick_holds(isolated_home: Path) -> Path:
    """Your own catalog: the built-in one without its minimum holds, so that `--hold 1` is allowed."""
    return use_quick_holds(isolated_home)


@pytest.fixture(scope="session")
def plan(catalog: Catalog) -> Plan:
    """Back relief as shipped: 31 steps, 253 s. Starts: prep 0, left 10, switch 40, right 45, rest 75, ..."""
    return plan_routine(catalog, catalog.get_routine("back-relief"))


@pytest.fixture(params=["libyaml", "python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with libyaml, then with PyYAML's pure-Python parser."""
    if request.param == "python":
        monkeypatch.setattr(yamlnodes, "LIBYAML", None)
    elif yamlnodes.LIBYAML is None:
        required_in_ci("PyYAML built with libyaml")
    return str(request.param)
