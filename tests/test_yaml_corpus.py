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
import yaml
from typer.testing import CliRunner

from stretchcoach.catalog import yamlnodes
from stretchcoach.catalog.loader import parse_catalog
from stretchcoach.catalog.reader import CatalogFile
from stretchcoach.cli import app
from stretchcoach.errors import CatalogError

from helpers import required_in_ci

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "yaml-test-suite"
FILES = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []

# Without the corpus each test runs once, as "no-corpus", and skips (or fails under CI).
corpus_files = pytest.mark.parametrize(
    "path", [pytest.param(path, id=path.name) for path in FILES] or [pytest.param(None, id="no-corpus")]
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def corpus() -> None:
    if not FILES:
        required_in_ci(f"the YAML test suite corpus at {CORPUS}")


def test_corpus_has_valid_and_invalid_yaml() -> None:
    invalid = [path for path in FILES if path.name.endswith(".error.yaml")]
    assert len(FILES) == 402
    assert 0 < len(invalid) < len(FILES)


def _said(data: bytes, name: str) -> str:
    try:
        parse_catalog(data, source=name)
    except CatalogError as exc:
        return "\n".join(exc.problems)
    return "a catalog"


def test_what_libyaml_refuses_gets_the_pure_python_parsers_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where libyaml says no, the user reads what the pure-Python parser says, wherever it is installed.

    (Where libyaml accepts a text the pure-Python parser would refuse, such as some
    tabs, libyaml's reading stands: both end in a catalog or one clean error.)
    """
    if yamlnodes.LIBYAML is None:
        required_in_ci("PyYAML built with libyaml")
    refused = 0
    different = []
    for path in FILES:
        data = path.read_bytes()
        try:
            for _ in yaml.parse(data.decode("utf-8-sig", "replace"), Loader=yamlnodes.LIBYAML):
                pass
        except yaml.YAMLError:
            refused += 1
        else:
            continue
        with_libyaml = _said(data, path.name)
        with monkeypatch.context() as pure:
            pure.setattr(yamlnodes, "LIBYAML", None)
            without = _said(data, path.name)
        if with_libyaml != without:
            different.append(f"{path.name}:\n  libyaml: {with_libyaml}\n  python:  {without}")
    assert refused >= 90, "the corpus has 94 files of invalid YAML"
    assert not different, "\n".join(different)


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


def test_validate_gives_ok_or_one_line_per_problem_for_every_file() -> None:
    """All 402 files in one `validate` run (one process start, not 402): each gets an "ok" line,
    or problem lines that name it, and only the files of invalid YAML must fail."""
    result = runner.invoke(app, ["validate", *map(str, FILES)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    ok = {line.split(": ")[1]: line for line in result.stdout.splitlines()}
    problems: dict[str, list[str]] = {}
    *lines, summary = result.stderr.splitlines()
    for line in lines:
        named = next((str(path) for path in FILES if line.startswith(f"{path}:")), None)
        assert named is not None, f"a problem that names no file: {line}"
        problems.setdefault(named, []).append(line)
    for path in FILES:
        name = str(path)
        assert (name in ok) != (name in problems), f"{path.name}: both ok and refused, or neither"
        if name in ok:
            assert not path.name.endswith(".error.yaml"), "invalid YAML passed validation"
            assert re.fullmatch(
                rf"ok: {re.escape(name)}: \d+ stretches, \d+ routines, over the built-in catalog", ok[name]
            )
        else:
            for line in problems[name]:
                assert re.match(rf"{re.escape(name)}(:\d+:\d+)?: ", line), line
    assert result.exit_code == 2
    assert summary == f"stretchcoach: {len(problems)} of {len(FILES)} catalog files failed validation"
