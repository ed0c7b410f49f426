"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import os

import pytest


def required_in_ci(what: str) -> None:
    """Skip a test whose ``what`` is missing here; fail it under CI, where a skip would go unseen."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI is set: CI runs every test")
    pytest.skip(f"{what} is missing")
