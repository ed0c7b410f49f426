"""A cache of parsed catalog files, for large catalogs read again and again.

Parsing and validating a 10,000-stretch catalog takes most of a second; reading
back the validated result as JSON takes a tenth of that. A file is read over
the built-in stretches its routines may name (``known``), so an entry is used
only while the file's size and modification time, the stretchcoach version and
those stretches are unchanged; anything unreadable in the cache is ignored and
rebuilt.

An entry is JSON lines: a first line with the stamp, the warning, the routines
and how many stretches follow, then the stretches, a thousand to a line. Each
line is decoded and made into stretches before the next is read, so the JSON's
own lists and strings never pile up: loading stays linear in the catalog's size
and its memory is little more than the stretches themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stretchcoach import __version__
from stretchcoach.catalog.file import CatalogFile
from stretchcoach.catalog.heap import building_heap
from stretchcoach.core.model import BREATHS, SIDES, Cycle, Hold, Phase, Routine, RoutineItem, Stretch

_LAYOUT = 5  # of an entry: a change to it makes older entries stale
_PER_LINE = 1000  # stretches


def cache_key(path: Path, known: Mapping[str, Stretch] | None = None) -> tuple[Path, str]:
    """(cache file name for ``path``, the stamp its entry must carry when read over ``known``)."""
    resolved = path.resolve()
    stat = resolved.stat()
    name = hashlib.sha256(str(resolved).encode()).hexdigest()[:24]
    # What the file was checked against: the entry of a file read over other stretches is stale.
    against = hashlib.sha256(repr(sorted((known or {}).items())).encode()).hexdigest()[:16]
    return Path(f"catalog-{name}.json"), f"{_LAYOUT}:{__version__}:{against}:{stat.st_size}:{stat.st_mtime_ns}"


def load(cache_dir: Path, path: Path, *, known: Mapping[str, Stretch] | None = None) -> CatalogFile | None:
    """The entry for ``path`` read over ``known``, or None if there is none still good."""
    try:
        name, stamp = cache_key(path, known)
        with (cache_dir / name).open(encoding="utf-8") as file:
            head = file.readline()
            if not head.startswith(f'{{"stamp":{json.dumps(stamp)},'):  # stale: not worth decoding
                return None
            with building_heap():
                header = json.loads(head)
                stretches: dict[str, Stretch] = {}
                for line in file:
                    _decode_stretches(json.loads(line), stretches)
                if header["stamp"] != stamp or len(stretches) != header["stretches"]:
                    return None  # cut short, or ids twice
                routines = _decode_routines(header["routines"])
                return CatalogFile(header["warning"], tuple(stretches.values()), routines, index=stretches)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):  # RecursionError: JSON nested too deep
        return None


def store(cache_dir: Path, path: Path, catalog: CatalogFile, *, known: Mapping[str, Stretch] | None = None) -> None:
    """Write the entry atomically; a cache that cannot be written is simply not used."""
    with contextlib.suppress(OSError):
        name, stamp = cache_key(path, known)
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=cache_dir, prefix=".catalog-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                # dumps, not dump: only the one-shot encoder is written in C (ten times faster).
                head = {
                    "stamp": stamp,
                    "warning": catalog.warning,
                    "routines": _encode_routines(catalog.routines),
                    "stretches": len(catalog.stretches),
                }
                file.write(json.dumps(head, separators=(",", ":")) + "\n")
                stretches = catalog.stretches
                for at in range(0, len(stretches), _PER_LINE):
                    line = [_encode_stretch(s) for s in stretches[at : at + _PER_LINE]]
                    file.write(json.dumps(line, separators=(",", ":")) + "\n")
            os.replace(temporary, cache_dir / name)
        except OSError:
            os.unlink(temporary)
            raise


def _encode_stretch(s: Stretch) -> list[Any]:
    if isinstance(s.timing, Hold):
        sides = [side.value for side in s.timing.sides]
        timing: list[Any] = ["hold", s.timing.seconds, sides, s.timing.side_cues, s.timing.minimum]
    else:
        phases = [[p.cue, p.seconds, p.breath.value if p.breath else None, p.picture] for p in s.timing.phases]
        timing = ["cycle", s.timing.reps, phases, s.timing.least, s.timing.deeper]
    return [s.id, s.name, s.targets, s.setup, s.steps, s.feel, timing, s.aka, s.tips, s.cautions, s.picture]


def _encode_routines(routines: tuple[Routine, ...]) -> list[Any]:
    return [
        [r.id, r.name, r.description, [[i.stretch, i.hold, i.reps] for i in r.items], r.prep, r.rest, r.switch]
        for r in routines
    ]


def _decode_stretches(rows: list[Any], stretches: dict[str, Stretch]) -> None:
    """Add the stretches of ``rows`` to ``stretches``, by id."""
    sides, breaths = SIDES, BREATHS
    for sid, name, targets, setup, steps, feel, timing, aka, tips, cautions, picture in rows:
        kind, number, detail, extra, last = timing  # a hold's side cues and minimum; a cycle's least and deeper
        if kind == "hold":
            made: Hold | Cycle = Hold(number, tuple([sides[side] for side in detail]), tuple(extra), last)
        else:
            phases = tuple([Phase(cue, sec, breaths[b] if b else None, tuple(pic)) for cue, sec, b, pic in detail])
            made = Cycle(phases, number, last, extra)
        stretches[sid] = Stretch(
            sid,
            name,
            tuple(targets),
            setup,
            tuple(steps),
            feel,
            made,
            tuple(aka),
            tuple(tips),
            tuple(cautions),
            tuple(picture),
        )


def _decode_routines(rows: list[Any]) -> tuple[Routine, ...]:
    return tuple(
        Routine(rid, name, description, tuple([RoutineItem(*item) for item in items]), prep, rest, switch)
        for rid, name, description, items, prep, rest, switch in rows
    )
