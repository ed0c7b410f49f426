"""Catalogs that are not YAML, and the one line stretchcoach says about each.

Shared by tests/test_loader.py and the last stage of ``.ci/run``, which runs this
file against a wheel installed with the newest dependencies the package allows,
so that a new PyYAML or libyaml that changes what a user sees is caught there::

    python tests/bad_catalogs.py PATH/TO/stretchcoach

Each catalog is checked twice through the real command, ``validate FILE`` and
``--catalog FILE list``, with libyaml and with PyYAML's pure-Python parser
(forced by hiding ``yaml._yaml``): the message must be the same every time.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Bad:
    text: str
    says: str  # the whole message after "FILE:"; a trailing "…" means "starts with"

    def matches(self, message: str, path: str) -> bool:
        expected = f"{path}:{self.says}"
        if expected.endswith("…"):
            return message.startswith(expected[:-1]) and len(message) > len(expected)
        return message == expected


def _nested_aliases(levels: int = 9, width: int = 9) -> str:
    """Anchors x0..x8, each a list of nine of the one before: 9**9 "lol"s if written out."""
    lines = [f"x0: &x0 [{', '.join(['lol'] * width)}]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


NESTED = "invalid YAML: nested more than 64 levels deep"

BAD: dict[str, Bad] = {
    # libyaml 0.2.6 refuses flow nesting past 1000 levels in words of its own, before
    # stretchcoach's limit of 64 can: the message must not depend on which fires first.
    "deep-flow-lists": Bad("version: 1\nwarning: " + "[" * 2000 + "]" * 2000 + "\n", f"2:73: {NESTED}"),
    "deep-flow-mappings": Bad("version: 1\nwarning: " + "{a: " * 2000 + "b" + "}" * 2000 + "\n", f"2:262: {NESTED}"),
    "deep-block-lists": Bad("version: 1\nwarning:\n" + "- " * 2000 + "x\n", f"3:127: {NESTED}"),
    "alias-bomb": Bad(
        _nested_aliases(), "7:40: invalid YAML: aliases expand the document beyond 16,777,216 characters"
    ),
    "two-documents": Bad(
        "version: 1\n---\nversion: 1\n",
        "2:1: invalid YAML: expected a single document in the stream but found another document",
    ),
    "undefined-alias": Bad("version: 1\nwarning: *nowhere\n", "2:10: invalid YAML: found undefined alias 'nowhere'"),
    "anchor-twice": Bad(
        "version: 1\nwarning: &a x\nstretches: &a []\n",
        "3:12: invalid YAML: anchor 'a' is defined twice (first on line 2)",
    ),
    "control-character": Bad(
        "version: 1\nwarning: ça\x07va\n", "2:12: invalid YAML: character U+0007 is not allowed in YAML"
    ),
    "not-utf8": Bad(
        "version: 1\nwarning: caf\udce9\n", "2:13: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"
    ),
    "empty": Bad("# nothing but a comment\n", " the file is empty; a catalog starts with `version: 1`"),
    # The parser words these itself; where they are is stretchcoach's to say.
    "unclosed-list": Bad("version: 1\nstretches: [\n", "3:1: invalid YAML: …"),
    "tab-indented": Bad("version: 1\nroutines:\n\t- id: tabbed\n", "3:1: invalid YAML: …"),
    "unknown-escape": Bad('version: 1\nwarning: "\\q"\n', "2:12: invalid YAML: …"),
    "indented-key": Bad("version: 1\n  warning: x\n", "2:10: invalid YAML: …"),
}

# Runs the command with PyYAML's pure-Python parser: libyaml's module hidden before yaml is imported.
_PURE = "import sys; sys.modules['yaml._yaml'] = None; from stretchcoach.cli import main; main()"


def write(folder: Path, name: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_bytes(BAD[name].text.encode("utf-8", "surrogateescape"))
    return path


def check(stretchcoach: Path, folder: Path) -> list[str]:
    """Every way the installed ``stretchcoach`` got a bad catalog wrong (nothing: all is well)."""
    python = stretchcoach.parent / "python"
    failures: list[str] = []
    for name, bad in BAD.items():
        path = write(folder, name)
        for parser, command in (("libyaml", [str(stretchcoach)]), ("python", [str(python), "-c", _PURE])):
            for args, prefix in ((["validate", str(path)], ""), (["--catalog", str(path), "list"], "stretchcoach: ")):
                ran = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60, check=False)
                message = ran.stderr.splitlines()[0] if ran.stderr else ""
                ok = ran.returncode == 2 and not ran.stdout and bad.matches(message.removeprefix(prefix), str(path))
                if not ok or not message.startswith(prefix):
                    shown = re.sub(r"\s+", " ", ran.stderr)[:300]
                    failures.append(f"{name} ({parser}, {args[0]}): exit {ran.returncode}: {shown}")
    return failures


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/bad_catalogs.py PATH/TO/stretchcoach", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        failures = check(Path(argv[0]), Path(folder))
    for failure in failures:
        print(f"bad catalog: {failure}", file=sys.stderr)
    print(f"bad catalogs: {len(BAD) - len({f.split(' ')[0] for f in failures})} of {len(BAD)} refused as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
