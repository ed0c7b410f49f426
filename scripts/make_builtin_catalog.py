"""Write the built-in catalog, data/stretches.yaml, as Python: stretchcoach/catalog/builtin.py.

    python scripts/make_builtin_catalog.py            # writes stretchcoach/catalog/builtin.py
    python scripts/make_builtin_catalog.py --check    # exit 1 if the shipped module differs from what this makes

The YAML file is the source of truth, and ships too (``validate`` and the README
point to it). The module holds the same catalog already parsed, so that a
command using only the built-in catalog never imports yaml nor parses a file.
tests/test_builtin_catalog.py fails if the two ever say different things.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from enum import Enum
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stretchcoach.catalog.loader import read_catalog  # noqa: E402  (after the path is set)
from stretchcoach.core.model import Catalog  # noqa: E402

SOURCE = REPO / "data" / "stretches.yaml"
MODULE = REPO / "stretchcoach" / "catalog" / "builtin.py"
COMMAND = "python scripts/make_builtin_catalog.py"

HEADER = f'''\
"""The built-in catalog, data/stretches.yaml, parsed: made by `{COMMAND}`; do not edit.

Edit data/stretches.yaml and run that command instead; a test fails while the two differ.
"""

from stretchcoach.core.model import Breath, Catalog, Cycle, Hold, Phase, Routine, RoutineItem, Side, Stretch

'''


def python(value: object, indent: str = "") -> str:
    """``value`` (a model object, or what its fields hold) as a Python expression."""
    inner = indent + "    "
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        args = [
            f"{inner}{f.name}={python(getattr(value, f.name), inner)},\n"
            for f in dataclasses.fields(value)
            if f.init and (f.default is dataclasses.MISSING or getattr(value, f.name) != f.default)
        ]
        return f"{type(value).__name__}(\n{''.join(args)}{indent})"
    if isinstance(value, tuple):
        if not value:
            return "()"
        return "(\n" + "".join(f"{inner}{python(item, inner)},\n" for item in value) + f"{indent})"
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    raise TypeError(f"no Python form for {type(value).__name__}")


def source() -> str:
    parsed = read_catalog(SOURCE)
    if parsed.warning is None:
        raise SystemExit(f"{SOURCE}: the built-in catalog needs a warning")
    catalog = Catalog(warning=parsed.warning, stretches=parsed.stretches, routines=parsed.routines)
    return f"{HEADER}CATALOG = {python(catalog)}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only check that the module is up to date")
    args = parser.parse_args()
    text = source()
    if args.check:
        if MODULE.read_text(encoding="utf-8") != text:
            print(f"{MODULE.relative_to(REPO)} is out of date; run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    MODULE.write_text(text, encoding="utf-8")
    print(f"wrote {MODULE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
