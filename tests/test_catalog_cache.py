"""The cache of parsed large catalogs: what comes back is what was parsed, and a stale entry is never used."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from stretchcoach.catalog import assemble, cache
from stretchcoach.catalog.loader import read_catalog
from stretchcoach.catalog.reader import CatalogFile
from stretchcoach.core.model import Hold
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


def test_an_entry_cut_short_is_ignored(tmp_path: Path) -> None:
    """An entry holds the stretches a thousand to a line, after a line that says how many there are."""
    large = tmp_path / "large.yaml"
    large.write_text(LARGE_OVERLAY, encoding="utf-8")
    known = {s.id: s for s in read_catalog(builtin_catalog_path()).stretches}
    parsed = read_catalog(large, known=known)
    cache.store(tmp_path / "cache", large, parsed, known=known)
    (entry,) = (tmp_path / "cache").iterdir()
    lines = entry.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 1 + 3  # 2,300 stretches
    assert cache.load(tmp_path / "cache", large, known=known) == parsed
    entry.write_text("".join(lines[:-1]), encoding="utf-8")
    assert cache.load(tmp_path / "cache", large, known=known) is None
    entry.write_text("".join([*lines[:-1], lines[-1][: len(lines[-1]) // 2]]), encoding="utf-8")
    assert cache.load(tmp_path / "cache", large, known=known) is None
    entry.write_text("".join([*lines[:-1], "[" * 100_000 + "\n"]), encoding="utf-8")  # too deep for json
    assert cache.load(tmp_path / "cache", large, known=known) is None


def test_a_large_catalog_is_parsed_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    large = tmp_path / "large.yaml"
    text = builtin_catalog_path().read_text(encoding="utf-8")
    large.write_text(text + "#" * assemble.MIN_CACHED_BYTES + "\n", encoding="utf-8")
    parses = counting_parses(monkeypatch, large)
    first = assemble.load_catalog(catalog_path=large, user_catalog=None, cache_dir=tmp_path / "cache")
    second = assemble.load_catalog(catalog_path=large, user_catalog=None, cache_dir=tmp_path / "cache")
    assert first == second
    assert parses == [large]
    os.utime(large, ns=(0, 0))  # touched: parsed again
    assemble.load_catalog(catalog_path=large, user_catalog=None, cache_dir=tmp_path / "cache")
    assert parses == [large, large]


def counting_parses(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[Path]:
    """Each time ``path`` is parsed from its text, from now on (the built-in file's parses are not counted)."""
    parses: list[Path] = []

    def reading(read: Path, **options: Any) -> CatalogFile:
        if read == path:
            parses.append(read)
        return read_catalog(read, **options)

    monkeypatch.setattr(assemble, "read_catalog", reading)
    return parses


# A large catalog of one's own: stretches of its own, and a routine naming a built-in stretch it does not define.
LARGE_OVERLAY = (
    "version: 1\nstretches:\n"
    + "".join(
        f"  - {{id: reach-{i}, name: Reach {i}, targets: [arms], setup: Stand., steps: [Reach up.], "
        f"feel: Long arms., hold: 20s}}\n"
        for i in range(2300)
    )
    + "routines:\n  - {id: reach-and-rest, name: Reach and rest, steps: [reach-7, childs-pose]}\n"
)


@pytest.mark.parametrize("given_as", ["--catalog", "catalog.yaml"])
def test_a_large_catalog_of_your_own_is_cached_over_the_builtin_one(
    given_as: str, tmp_path: Path, user_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    large = tmp_path / "large.yaml" if given_as == "--catalog" else user_catalog
    large.write_text(LARGE_OVERLAY, encoding="utf-8")
    assert large.stat().st_size >= assemble.MIN_CACHED_BYTES
    catalog_path, user_path = (large, None) if given_as == "--catalog" else (None, large)
    parses = counting_parses(monkeypatch, large)
    loads = [
        assemble.load_catalog(catalog_path=catalog_path, user_catalog=user_path, cache_dir=tmp_path / "cache")
        for _ in range(2)
    ]
    assert parses == [large]
    assert loads[0] == loads[1]
    assert len(loads[0].stretches) == 2304
    assert loads[0].routine("reach-and-rest") is not None
    assert loads[0].routine("back-relief") is not None


def test_validate_reads_a_large_file_from_the_same_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from stretchcoach.cli import app

    large = tmp_path / "large.yaml"
    large.write_text(LARGE_OVERLAY, encoding="utf-8")
    parses = counting_parses(monkeypatch, large)
    runner = CliRunner()
    assert runner.invoke(app, ["--catalog", str(large), "show", "reach-7"]).exit_code == 0
    checked = runner.invoke(app, ["validate", str(large)], env={"COLUMNS": "500"})
    assert (checked.exit_code, checked.stdout) == (
        0,
        f"ok: {large}: 2300 stretches, 1 routine, over the built-in catalog\n",
    )
    assert parses == [large]


def test_an_entry_read_over_other_stretches_is_not_used(tmp_path: Path) -> None:
    """An entry holds a file as read over the built-in stretches: over others, it may not have loaded at all."""
    large = tmp_path / "large.yaml"
    large.write_text(LARGE_OVERLAY, encoding="utf-8")
    builtin = read_catalog(builtin_catalog_path())
    known = {s.id: s for s in builtin.stretches}
    parsed = read_catalog(large, known=known)
    cache.store(tmp_path / "cache", large, parsed, known=known)
    assert cache.load(tmp_path / "cache", large, known=known) == parsed
    assert cache.load(tmp_path / "cache", large) is None
    cat_cow = known["cat-cow"]
    other = known | {"cat-cow": replace(cat_cow, timing=Hold(30))}
    assert cache.load(tmp_path / "cache", large, known=other) is None


@pytest.mark.parametrize("command", [["history"], ["list"], ["show", "reach-7"], ["routine", "--plan"]])
def test_every_command_reads_a_large_catalog_yaml_from_the_cache(
    command: list[str], user_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large catalog.yaml of one's own is parsed once, not on every command (history reads it for names)."""
    from typer.testing import CliRunner

    from stretchcoach.cli import app

    user_catalog.write_text(LARGE_OVERLAY, encoding="utf-8")
    parses = counting_parses(monkeypatch, user_catalog)
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    assert parses == [user_catalog]
