"""Read a catalog file (format version 1) into model objects, strictly.

The YAML is *composed* into nodes, never constructed into arbitrary Python
objects, so no tag can run code, and every node keeps the line and column it
came from. Validation walks the nodes and collects every problem as
``file:line:column: field.path: what was expected``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from stretchcoach.catalog.yamlnodes import compose
from stretchcoach.core.model import Breath, Cycle, Hold, Phase, Routine, RoutineItem, Side, Stretch, Timing
from stretchcoach.core.safe_text import describe, first_unsafe
from stretchcoach.core.suggest import closest
from stretchcoach.errors import CatalogError
from stretchcoach.errors import os_problem as _os_problem

FORMAT_VERSION = 1
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_SECONDS = 3600  # a single hold or gap longer than an hour is a typo
MAX_REPS = 100
# A catalog nests five levels deep; anything far deeper is refused while composing
# (libyaml's own composer recursed in C and crashed the interpreter on such input).
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DURATION = re.compile(r"(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s(?:ec)?)?")
_DURATION_HINT = 'a duration such as 30, "30s", "1m" or "1m30s"'


@dataclass(frozen=True)
class CatalogFile:
    """What one file says; ``warning`` is None when the file leaves it out."""

    warning: str | None
    stretches: tuple[Stretch, ...]
    routines: tuple[Routine, ...]


def read_catalog(path: Path, *, known: Mapping[str, Stretch] | None = None) -> CatalogFile:
    """Load ``path``; routines may name stretches from ``known`` too."""
    source = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise CatalogError([f"{source}: no such file"]) from None
    except OSError as exc:
        raise CatalogError([f"{source}: {_os_problem(exc)}; cannot read the catalog"]) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise CatalogError([f"{source}: is a directory, not a catalog file"])
        if not stat.S_ISREG(mode):  # a FIFO, a device, a socket: nothing a catalog is
            raise CatalogError([f"{source}: not a regular file; a catalog is a file of text"])
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            raise CatalogError(
                [f"{source}: file is {size / 2**20:.1f} MiB; a catalog may be at most {MAX_FILE_BYTES // 2**20} MiB"]
            )
        with os.fdopen(fd, "rb", closefd=False) as file:  # bounded: the file may grow while read
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise CatalogError([f"{source}: more than {MAX_FILE_BYTES // 2**20} MiB; a catalog may be at most that"])
    except OSError as exc:
        raise CatalogError([f"{source}: {_os_problem(exc)}; cannot read the catalog"]) from None
    finally:
        os.close(fd)
    return parse_catalog(data, source=source, known=known)


def parse_catalog(data: bytes | str, *, source: str, known: Mapping[str, Stretch] | None = None) -> CatalogFile:
    """Parse catalog text; raise :class:`CatalogError` listing every problem."""
    text = _decode(data, source) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    with _gc_paused():
        root = _compose(text, source)
        reader = _Reader(source)
        catalog = reader.catalog(root, dict(known or {}))
    if reader.problems or catalog is None:
        raise CatalogError(reader.problems or [f"{source}: not a catalog"])
    return catalog


def _compose(text: str, source: str) -> yaml.Node:
    try:
        # A catalog may not expand, through aliases, beyond the largest file accepted.
        root = compose(text, max_depth=MAX_DEPTH, max_expanded=MAX_FILE_BYTES)
    except yaml.reader.ReaderError as exc:
        raise CatalogError([_reader_problem(exc, text, source)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise CatalogError([f"{where}: invalid YAML: {what}"]) from None
    except yaml.YAMLError as exc:
        raise CatalogError([f"{source}: invalid YAML: {exc}"]) from None
    if root is None:
        raise CatalogError([f"{source}: the file is empty; a catalog starts with `version: {FORMAT_VERSION}`"])
    return root


def parse_duration(value: object) -> int | None:
    """Seconds from 30, "30", "30s", "1m" or "1m30s"; None if not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:  # int() refuses digits such as "²" and more than 4300 of them
            if text.isdigit():
                return int(text)
            match = _DURATION.fullmatch(text)
            if match and any(match.groups()):
                minutes, seconds = (int(g) if g else 0 for g in match.groups())
                return minutes * 60 + seconds
        except ValueError:
            return None
    return None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading allocates hundreds of thousands of nodes and objects that all stay alive;
    without this, the cyclic garbage collector rescans them again and again (4x slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _reader_problem(exc: yaml.reader.ReaderError, text: str, source: str) -> str:
    """One line for a character YAML refuses (its first occurrence is the one refused)."""
    if not isinstance(exc.character, int):
        return f"{source}: invalid YAML: {exc.reason}"
    # libyaml reports a byte offset, the pure-Python reader a character index:
    # find the character instead, so the column counts characters either way.
    at = text.find(chr(exc.character))
    where = source
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        where = f"{source}:{line}:{column}"
    return f"{where}: invalid YAML: character U+{exc.character:04X} is not allowed in YAML"


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise CatalogError(
            [f"{source}:{line}:{column}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"]
        ) from None


def _shown(text: str) -> str:
    """``text`` for a one-line message: newlines and control characters escaped."""
    return text if text.isprintable() else repr(text)[1:-1]


def _describe(node: yaml.Node, *, quote: bool = True) -> str:
    """What ``node`` is, for a message: "a list", "text ('abc')" (``quote=False``: "text")."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    kind = node.tag.rsplit(":", 1)[-1]
    kind = {"str": "text", "int": "a number", "float": "a number", "bool": "a yes/no value", "null": "nothing"}.get(
        kind, f"a {kind}"
    )
    return f"{kind} ({value!r})" if node.value and quote else kind


class _Reader:
    """Walks composed YAML nodes, converting what is valid and noting the rest."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def fail(self, node: yaml.Node, path: str, message: str) -> None:
        mark = node.start_mark
        where = path or "(top level)"  # the root mapping has no field path
        self.problems.append(f"{self.source}:{mark.line + 1}:{mark.column + 1}: {where}: {message}")

    # -- shapes ---------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            # A file that is not a catalog at all (--catalog /etc/shadow) is not quoted back.
            got = _describe(node, quote=bool(path))
            self.fail(node, path, f"expected a mapping of {', '.join(required + optional)}, got {got}")
            return None
        allowed = required + optional
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != _STR:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, path, "merge keys (<<) are not supported; write the fields out")
                else:
                    self.fail(key_node, path, f"expected a field name, got {_describe(key_node)}")
                continue
            shown = _shown(key)
            here = f"{path}.{shown}" if path else shown
            if key in found:
                self.fail(key_node, here, "duplicate key; each field may appear once")
                continue
            if key not in allowed:
                close = closest(key, allowed)
                hint = f"did you mean '{close}'?" if close else f"expected one of: {', '.join(allowed)}"
                self.fail(key_node, here, f"unknown field '{shown}'; {hint}")
                continue
            found[key] = value_node
        for key in required:
            if key not in found:
                self.fail(node, path or "(top level)", f"missing required field '{key}'")
        return found

    def sequence(self, node: yaml.Node, path: str, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, path, f"expected a list of {what}, got {_describe(node)}")
            return None
        return list(node.value)

    def text(self, node: yaml.Node, path: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            self.fail(node, path, f"expected text, got {_describe(node)}")
            return None
        unsafe = first_unsafe(node.value)
        if unsafe is not None:  # it would reach the terminal: see safe_text
            self.fail(node, path, f"contains {describe(unsafe)}, a control, bidirectional or invisible character")
            return None
        value = " ".join(node.value.split())
        if not value:
            self.fail(node, path, "expected text, got an empty string")
            return None
        return value

    def texts(self, node: yaml.Node, path: str, *, allow_empty: bool = False) -> tuple[str, ...] | None:
        items = self.sequence(node, path, "text")
        if items is None:
            return None
        if not items and not allow_empty:
            self.fail(node, path, "expected at least one entry")
            return None
        values = [self.text(item, f"{path}[{i}]") for i, item in enumerate(items)]
        return tuple(v for v in values if v is not None) if None not in values else None

    def slug(self, node: yaml.Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and not _SLUG.fullmatch(value):
            self.fail(
                node, path, f"expected an id of lowercase letters, digits and dashes (like 'cat-cow'), got {value!r}"
            )
            return None
        return value

    def _number(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            return None
        if node.tag == _STR:
            return node.value
        if node.tag == "tag:yaml.org,2002:int":
            try:  # an explicit `!!int abc` or `!!int ''`, or more than 4300 digits
                return yaml.constructor.SafeConstructor().construct_yaml_int(node)
            except (ValueError, IndexError):
                return None
        return None

    def duration(self, node: yaml.Node, path: str, *, allow_zero: bool = False) -> int | None:
        seconds = parse_duration(self._number(node))
        lowest = 0 if allow_zero else 1
        if seconds is None:
            self.fail(node, path, f"expected {_DURATION_HINT}, got {_describe(node)}")
        elif seconds < lowest:
            need = "zero or more" if allow_zero else "greater than zero"
            self.fail(node, path, f"expected a duration {need}, got {seconds} s")
        elif seconds > MAX_SECONDS:
            self.fail(node, path, f"expected at most {MAX_SECONDS // 60} minutes, got {seconds} s")
        else:
            return seconds
        return None

    def count(self, node: yaml.Node, path: str) -> int | None:
        value = self._number(node)
        if isinstance(value, str) and value.strip().isdigit():
            value = parse_duration(value)  # the same whole-number rules, without int()'s ValueError
        if not isinstance(value, int):
            self.fail(node, path, f"expected a whole number of repetitions, got {_describe(node)}")
        elif not 1 <= value <= MAX_REPS:
            self.fail(node, path, f"expected a number from 1 to {MAX_REPS}, got {value}")
        else:
            return value
        return None

    def choice(self, node: yaml.Node, path: str, options: tuple[str, ...]) -> str | None:
        value: str | None = node.value if isinstance(node, yaml.ScalarNode) and node.tag == _STR else None
        if value not in options:
            self.fail(node, path, f"expected one of {', '.join(options)}, got {_describe(node)}")
            return None
        return value

    # -- the catalog ------------------------------------------------------------

    def catalog(self, root: yaml.Node, known: dict[str, Stretch]) -> CatalogFile | None:
        top = ("version", "warning", "stretches", "routines")
        if isinstance(root, yaml.MappingNode) and not any(key.value in top for key, _ in root.value):
            # Some other file (--catalog /etc/shadow): say so, without quoting a word of it back.
            self.fail(root, "", f"not a stretchcoach catalog; a catalog starts with `version: {FORMAT_VERSION}`")
            return None
        fields = self.mapping(root, "", ("version",), ("warning", "stretches", "routines"))
        if fields is None:
            return None
        version = self._number(fields["version"]) if "version" in fields else FORMAT_VERSION
        if version not in (FORMAT_VERSION, str(FORMAT_VERSION)):
            self.fail(fields["version"], "version", f"expected {FORMAT_VERSION} (the only format this version reads)")
            return None
        warning = self.text(fields["warning"], "warning") if "warning" in fields else None
        stretches = self.stretches(fields["stretches"]) if "stretches" in fields else ()
        known = known | {s.id: s for s in stretches}
        routines = self.routines(fields["routines"], known) if "routines" in fields else ()
        return CatalogFile(warning=warning, stretches=stretches, routines=routines)

    def stretches(self, node: yaml.Node) -> tuple[Stretch, ...]:
        items = self.sequence(node, "stretches", "stretches")
        result: list[Stretch] = []
        seen: set[str] = set()
        for i, item in enumerate(items or ()):
            stretch = self.stretch(item, f"stretches[{i}]")
            if stretch is None:
                continue
            if stretch.id in seen:
                self.fail(item, f"stretches[{i}].id", f"duplicate id '{stretch.id}'; ids must be unique")
                continue
            seen.add(stretch.id)
            result.append(stretch)
        return tuple(result)

    def stretch(self, node: yaml.Node, path: str) -> Stretch | None:
        fields = self.mapping(
            node,
            path,
            ("id", "name", "targets", "setup", "steps", "feel"),
            ("aka", "tips", "cautions", "hold", "sides", "phases", "reps"),
        )
        if fields is None:
            return None
        get = fields.get
        sid = self.slug(fields["id"], f"{path}.id") if "id" in fields else None
        name = self.text(fields["name"], f"{path}.name") if "name" in fields else None
        targets = self.texts(fields["targets"], f"{path}.targets") if "targets" in fields else None
        setup = self.text(fields["setup"], f"{path}.setup") if "setup" in fields else None
        steps = self.texts(fields["steps"], f"{path}.steps") if "steps" in fields else None
        feel = self.text(fields["feel"], f"{path}.feel") if "feel" in fields else None
        aka = self.texts(n, f"{path}.aka", allow_empty=True) if (n := get("aka")) else ()
        tips = self.texts(n, f"{path}.tips", allow_empty=True) if (n := get("tips")) else ()
        cautions = self.texts(n, f"{path}.cautions", allow_empty=True) if (n := get("cautions")) else ()
        timing = self.timing(node, fields, path)
        if None in (sid, name, targets, setup, steps, feel, aka, tips, cautions, timing):
            return None
        # None was ruled out above; the asserts tell the type checker.
        assert sid and name and targets and setup and steps and feel
        assert timing
        return Stretch(
            id=sid,
            name=name,
            targets=targets,
            setup=setup,
            steps=steps,
            feel=feel,
            timing=timing,
            aka=aka or (),
            tips=tips or (),
            cautions=cautions or (),
        )

    def timing(self, node: yaml.Node, fields: dict[str, yaml.Node], path: str) -> Timing | None:
        if ("hold" in fields) == ("phases" in fields):
            which = "both" if "hold" in fields else "neither"
            self.fail(node, path, f"expected exactly one of 'hold' or 'phases', got {which}")
            return None
        if "hold" in fields:
            if "reps" in fields:
                self.fail(fields["reps"], f"{path}.reps", "'reps' goes with 'phases'; a hold is done once per side")
                return None
            seconds = self.duration(fields["hold"], f"{path}.hold")
            sides = self.sides(fields["sides"], f"{path}.sides") if "sides" in fields else ()
            return Hold(seconds, sides) if seconds is not None and sides is not None else None
        if "sides" in fields:
            self.fail(
                fields["sides"], f"{path}.sides", "'sides' goes with 'hold'; give each side its own phase instead"
            )
            return None
        phases = self.phases(fields["phases"], f"{path}.phases")
        reps = self.count(fields["reps"], f"{path}.reps") if "reps" in fields else 1
        return Cycle(phases, reps) if phases and reps else None

    def sides(self, node: yaml.Node, path: str) -> tuple[Side, ...] | None:
        items = self.sequence(node, path, "sides (left, right)")
        if not items:
            if items is not None:
                self.fail(node, path, "expected at least one side")
            return None
        sides: list[Side] = []
        for i, item in enumerate(items):
            value = self.choice(item, f"{path}[{i}]", tuple(s.value for s in Side))
            if value is None:
                return None
            if Side(value) in sides:
                self.fail(item, f"{path}[{i}]", f"side '{value}' is listed twice")
                return None
            sides.append(Side(value))
        return tuple(sides)

    def phases(self, node: yaml.Node, path: str) -> tuple[Phase, ...] | None:
        items = self.sequence(node, path, "phases ({cue, seconds, breath})")
        if not items:
            if items is not None:
                self.fail(node, path, "expected at least one phase")
            return None
        phases: list[Phase | None] = []
        for i, item in enumerate(items):
            here = f"{path}[{i}]"
            fields = self.mapping(item, here, ("cue", "seconds"), ("breath",))
            if fields is None:
                phases.append(None)
                continue
            cue = self.text(fields["cue"], f"{here}.cue") if "cue" in fields else None
            seconds = self.duration(fields["seconds"], f"{here}.seconds") if "seconds" in fields else None
            breath: Breath | None = None
            node_breath = fields.get("breath")
            if node_breath is not None and node_breath.tag != "tag:yaml.org,2002:null":
                value = self.choice(node_breath, f"{here}.breath", tuple(b.value for b in Breath))
                if value is None:
                    phases.append(None)
                    continue
                breath = Breath(value)
            phases.append(Phase(cue, seconds, breath) if cue and seconds else None)
        return tuple(p for p in phases if p is not None) if None not in phases else None

    def routines(self, node: yaml.Node, known: dict[str, Stretch]) -> tuple[Routine, ...]:
        items = self.sequence(node, "routines", "routines")
        result: list[Routine] = []
        seen: set[str] = set()
        for i, item in enumerate(items or ()):
            routine = self.routine(item, f"routines[{i}]", known)
            if routine is None:
                continue
            if routine.id in seen:
                self.fail(item, f"routines[{i}].id", f"duplicate id '{routine.id}'; ids must be unique")
                continue
            seen.add(routine.id)
            result.append(routine)
        return tuple(result)

    def routine(self, node: yaml.Node, path: str, known: dict[str, Stretch]) -> Routine | None:
        fields = self.mapping(node, path, ("id", "name", "steps"), ("description", "prep", "rest", "switch"))
        if fields is None:
            return None
        rid = self.slug(fields["id"], f"{path}.id") if "id" in fields else None
        name = self.text(fields["name"], f"{path}.name") if "name" in fields else None
        description = self.text(n, f"{path}.description") if (n := fields.get("description")) else ""
        gaps = {
            key: self.duration(fields[key], f"{path}.{key}", allow_zero=True) if key in fields else default
            for key, default in (("prep", Routine.prep), ("rest", Routine.rest), ("switch", Routine.switch))
        }
        items = self.routine_items(fields["steps"], f"{path}.steps", known) if "steps" in fields else None
        if None in (rid, name, description, items, *gaps.values()):
            return None
        assert rid and name
        assert items is not None
        assert description is not None
        return Routine(
            id=rid,
            name=name,
            description=description,
            items=items,
            prep=gaps["prep"] or 0,
            rest=gaps["rest"] or 0,
            switch=gaps["switch"] or 0,
        )

    def routine_items(self, node: yaml.Node, path: str, known: dict[str, Stretch]) -> tuple[RoutineItem, ...] | None:
        entries = self.sequence(node, path, "stretch ids or {stretch, hold, reps}")
        if entries is None:
            return None
        if not entries:
            self.fail(node, path, "expected at least one stretch")
            return None
        items: list[RoutineItem | None] = []
        for i, entry in enumerate(entries):
            here = f"{path}[{i}]"
            if isinstance(entry, yaml.MappingNode):
                fields = self.mapping(entry, here, ("stretch",), ("hold", "reps"))
                if fields is None or "stretch" not in fields:
                    items.append(None)
                    continue
                sid_node = fields["stretch"]
                sid = self.known_stretch(sid_node, f"{here}.stretch", known)
                hold = self.duration(n, f"{here}.hold") if (n := fields.get("hold")) else None
                reps = self.count(n, f"{here}.reps") if (n := fields.get("reps")) else None
                stretch = known.get(sid) if sid else None
                if stretch is not None and "hold" in fields and not isinstance(stretch.timing, Hold):
                    self.fail(fields["hold"], f"{here}.hold", f"'{sid}' is done in phases; override 'reps' instead")
                    stretch = None
                if stretch is not None and "reps" in fields and not isinstance(stretch.timing, Cycle):
                    self.fail(fields["reps"], f"{here}.reps", f"'{sid}' is a hold; override 'hold' instead")
                    stretch = None
                bad = ("hold" in fields and hold is None) or ("reps" in fields and reps is None)
                items.append(RoutineItem(sid, hold, reps) if stretch and sid and not bad else None)
            else:
                sid = self.known_stretch(entry, here, known)
                items.append(RoutineItem(sid) if sid else None)
        return tuple(it for it in items if it is not None) if None not in items else None

    def known_stretch(self, node: yaml.Node, path: str, known: dict[str, Stretch]) -> str | None:
        sid = self.text(node, path)
        if sid is None or sid in known:
            return sid
        close = closest(sid, known)
        hint = f"; did you mean '{close}'?" if close else ""
        self.fail(node, path, f"no stretch '{_shown(sid)}' in the catalog{hint}")
        return None
