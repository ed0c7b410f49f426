"""Every file of the YAML test suite through ``validate``: a clean verdict, never a traceback.

The corpus (https://github.com/yaml/yaml-test-suite, one file per test case) lives
outside the repository, in ``shared/corpora/yaml-test-suite`` next to it. Files named
``*.error.yaml`` are not valid YAML and must be refused. The others are valid YAML but
almost never a catalog, so most of them fail validation too, each with problems on
single lines that name the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stretchcoach.cli import app
from stretchcoach.errors import CatalogError
from stretchcoach.loader import CatalogFile, parse_catalog

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "yaml-test-suite"
FILES = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
MISSING = pytest.mark.skip(reason=f"the YAML test suite corpus is not at {CORPUS}")

corpus_files = pytest.mark.parametrize(
    "path",
    [pytest.param(path, id=path.name) for path in FILES] or [pytest.param(None, id="no-corpus", marks=MISSING)],
)

runner = CliRunner()


@pytest.mark.skipif(not FILES, reason=f"the YAML test suite corpus is not at {CORPUS}")
def test_corpus_has_valid_and_invalid_yaml() -> None:
    invalid = [path for path in FILES if path.name.endswith(".error.yaml")]
    assert len(FILES) == 402
    assert 0 < len(invalid) < len(FILES)


@corpus_files
def test_parse_catalog_gives_a_catalog_or_a_catalog_error(path: Path) -> None:
    data = path.read_bytes()
    try:
        result = parse_catalog(data, source=path.name)
    except CatalogError as exc:
        error = exc
    else:
        assert isinstance(result, CatalogFile)
        assert not path.name.endswith(".error.yaml"), "invalid YAML was accepted"
        return
    assert error.problems
    for problem in error.problems:
        assert re.match(rf"{re.escape(path.name)}(:\d+:\d+)?: ", problem), problem
        assert "\n" not in problem


@corpus_files
def test_validate_gives_ok_or_one_line_per_problem(path: Path) -> None:
    result = runner.invoke(app, ["validate", str(path)])

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if path.name.endswith(".error.yaml"):
        assert result.exit_code == 2, "invalid YAML passed validation"
    if result.exit_code == 0:
        assert re.fullmatch(rf"ok: {re.escape(str(path))}: \d+ stretches, \d+ routines\n", result.stdout)
        assert result.stderr == ""
        return
    assert result.exit_code == 2
    assert result.stdout == ""
    *problems, summary = result.stderr.splitlines()
    assert problems
    for line in problems:
        assert re.match(rf"{re.escape(str(path))}(:\d+:\d+)?: ", line), line
    assert summary == "stretchcoach: 1 of 1 catalog file failed validation"
