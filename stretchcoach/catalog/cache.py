"""A cache of parsed catalog files, for large catalogs read again and again.

Parsing and validating a 10,000-stretch catalog takes about a second; reading
back the validated result as JSON takes a tenth of that. A file is read over
the built-in stretches its routines may name (``known``), so an entry is used
only while the file's size and modification time, the stretchcoach version and
those stretches are unchanged; anything unreadable in the cache is ignored and
rebuilt.
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
from stretchcoach.core.model import Breath, Cycle, Hold, Phase, Routine, RoutineItem, Side, Stretch

_LAYOUT = 4  # of an entry: a change to it makes older entries stale


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
        text = (cache_dir / name).read_text(encoding="utf-8")
        if not text.startswith(f'{{"stamp":{json.dumps(stamp)},'):  # stale: not worth decoding
            return None
        with building_heap():
            data = json.loads(text)
            del text
            if data.get("stamp") != stamp:
                return None
            return _decode(data["catalog"])
    except (OSError, ValueError, KeyError, TypeError):
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
                file.write(json.dumps({"stamp": stamp, "catalog": _encode(catalog)}, separators=(",", ":")))
            os.replace(temporary, cache_dir / name)
        except OSError:
            os.unlink(temporary)
            raise


def _encode(catalog: CatalogFile) -> dict[str, Any]:
    stretches = []
    for s in catalog.stretches:
        if isinstance(s.timing, Hold):
            sides = [side.value for side in s.timing.sides]
            timing: list[Any] = ["hold", s.timing.seconds, sides, s.timing.side_cues, s.timing.minimum]
        else:
            phases = [[p.cue, p.seconds, p.breath.value if p.breath else None, p.picture] for p in s.timing.phases]
            timing = ["cycle", s.timing.reps, phases, s.timing.least, s.timing.deeper]
        stretches.append(
            [s.id, s.name, s.targets, s.setup, s.steps, s.feel, timing, s.aka, s.tips, s.cautions, s.picture]
        )
    routines = [
        [r.id, r.name, r.description, [[i.stretch, i.hold, i.reps] for i in r.items], r.prep, r.rest, r.switch]
        for r in catalog.routines
    ]
    return {"warning": catalog.warning, "stretches": stretches, "routines": routines}


_SIDES = {side.value: side for side in Side}
_BREATHS = {breath.value: breath for breath in Breath}


def _decode(data: dict[str, Any]) -> CatalogFile:
    sides, breaths = _SIDES, _BREATHS
    stretches = []
    for sid, name, targets, setup, steps, feel, timing, aka, tips, cautions, picture in data["stretches"]:
        kind, number, detail, extra, last = timing  # a hold's side cues and minimum; a cycle's least and deeper
        if kind == "hold":
            made: Hold | Cycle = Hold(number, tuple([sides[side] for side in detail]), tuple(extra), last)
        else:
            phases = tuple([Phase(cue, sec, breaths[b] if b else None, tuple(pic)) for cue, sec, b, pic in detail])
            made = Cycle(phases, number, last, extra)
        stretches.append(
            Stretch(
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
        )
    routines = tuple(
        Routine(rid, name, description, tuple([RoutineItem(*item) for item in items]), prep, rest, switch)
        for rid, name, description, items, prep, rest, switch in data["routines"]
    )
    return CatalogFile(warning=data["warning"], stretches=tuple(stretches), routines=routines)
