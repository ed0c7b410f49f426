"""The cache of parsed large catalogs: what comes back is what was parsed, and a stale entry is never used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stretchcoach.catalog import assemble, cache
from stretchcoach.catalog.loader import read_catalog
from stretchcoach.paths import builtin_catalog_path


def test_the_builtin_catalog_comes_back_equal_pictures_and_side_cues_included(tmp_path: Path) -> None:
    parsed = read_catalog(builtin_catalog_path())
    assert any(s.picture for s in parsed.stretches)
    copy = tmp_path / "stretches.yaml"
    copy.write_bytes(builtin_catalog_path().read_bytes())
    cache.store(tmp_path / "cache", copy, parsed)
    assert cache.load(tmp_path / "cache", copy) == parsed


def test_an_entry_is_stale_once_the_file_changes(tmp_path: Path) -> None:
    copy = tmp_path / "stretches.yaml"
    copy.write_bytes(builtin_catalog_path().read_bytes())
    cache.store(tmp_path / "cache", copy, read_catalog(copy))
    copy.write_bytes(copy.read_bytes() + b"# an edit\n")
    assert cache.load(tmp_path / "cache", copy) is None


@pytest.mark.parametrize("content", [b"", b"not json", b'{"stamp": "x"}', b'{"catalog": []}'])
def test_a_damaged_entry_is_ignored(tmp_path: Path, content: bytes) -> None:
    copy = tmp_path / "stretches.yaml"
    copy.write_bytes(builtin_catalog_path().read_bytes())
    cache.store(tmp_path / "cache", copy, read_catalog(copy))
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_bytes(content)
    assert cache.load(tmp_path / "cache", copy) is None


def test_a_large_catalog_is_parsed_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    large = tmp_path / "large.yaml"
    text = builtin_catalog_path().read_text(encoding="utf-8")
    large.write_text(text + "#" * assemble.MIN_CACHED_BYTES + "\n", encoding="utf-8")
    parses = []
    monkeypatch.setattr(assemble, "read_catalog", lambda path: parses.append(path) or read_catalog(path))
    first = assemble.load_catalog(catalog_path=large, user_catalog=None, cache_dir=tmp_path / "cache")
    second = assemble.load_catalog(catalog_path=large, user_catalog=None, cache_dir=tmp_path / "cache")
    assert first == second
    assert parses == [large]
    os.utime(large, ns=(0, 0))  # touched: parsed again
    assemble.load_catalog(catalog_path=large, user_catalog=None, cache_dir=tmp_path / "cache")
    assert parses == [large, large]
