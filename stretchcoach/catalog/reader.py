"""The catalog format, version 1: what a file must hold, read into model objects (see README)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import yaml

from stretchcoach.catalog.fields import FieldReader, shown
from stretchcoach.catalog.file import CatalogFile as CatalogFile  # where it has always been imported from
from stretchcoach.core.model import (
    BREATHS,
    PREP,
    REST,
    SIDES,
    SWITCH,
    Breath,
    Cycle,
    Hold,
    Phase,
    Routine,
    RoutineItem,
    Side,
    Stretch,
    Timing,
)
from stretchcoach.core.suggest import closest

FORMAT_VERSION = 1


@dataclass(slots=True)
class _ReadEarly:
    """A stretch read as soon as it was composed: what it gave, and where it began."""

    stretch: Stretch | None
    problems: list[str]
    mark: yaml.Mark


class StretchItems:
    """Reads each stretch as the composer finishes it (see ``nodes.ItemReader``), so that
    only one stretch's nodes are alive at a time. :meth:`CatalogReader.stretches` then goes
    through what was read, in order, exactly as if it were reading the nodes themselves."""

    key = "stretches"

    def __init__(self, reader: CatalogReader) -> None:
        self.reader = reader
        self.node: yaml.Node | None = None
        self.entries: list[_ReadEarly | None] = []  # None: an item left in the list, read later

    def begin(self, node: yaml.Node) -> None:
        self.node, self.entries = node, []

    def item(self, node: yaml.Node) -> None:
        reader = self.reader
        kept, reader.problems = reader.problems, []
        try:
            stretch = reader.stretch(node, f"stretches[{len(self.entries)}]")
        finally:
            found, reader.problems = reader.problems, kept
        self.entries.append(_ReadEarly(stretch, found, node.start_mark))

    def keep(self) -> None:
        self.entries.append(None)


class CatalogReader(FieldReader):
    """Reads a whole catalog from its root node (composed with ``items=reader.early``, its
    stretches are read as they are composed)."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.early = StretchItems(self)

    def catalog(self, root: yaml.Node, known: dict[str, Stretch]) -> CatalogFile | None:
        top = ("version", "warning", "stretches", "routines")
        if isinstance(root, yaml.MappingNode) and not any(key.value in top for key, _ in root.value):
            # Some other file (--catalog /etc/shadow): say so, without quoting a word of it back.
            self.fail(root, "", f"not a stretchcoach catalog; a catalog starts with `version: {FORMAT_VERSION}`")
            return None
        fields = self.mapping(root, "", ("version",), ("warning", "stretches", "routines"))
        if fields is None:
            return None
        version = self.number(fields["version"]) if "version" in fields else FORMAT_VERSION
        if version not in (FORMAT_VERSION, str(FORMAT_VERSION)):
            self.fail(fields["version"], "version", f"expected {FORMAT_VERSION} (the only format this version reads)")
            return None
        warning = self.text(fields["warning"], "warning") if "warning" in fields else None
        stretches = self.stretches(fields["stretches"]) if "stretches" in fields else {}
        routines = self.routines(fields["routines"], known | stretches) if "routines" in fields else ()
        return CatalogFile(warning, tuple(stretches.values()), routines, index=stretches)

    def stretches(self, node: yaml.Node) -> dict[str, Stretch]:
        """The stretches that are valid, by id, in order."""
        items = self.sequence(node, "stretches", "stretches")
        entries: list[_ReadEarly | None] = self.early.entries if node is self.early.node else [None] * len(items or ())
        left = iter(items or ())  # the items not read early, in order
        result: dict[str, Stretch] = {}
        for i, entry in enumerate(entries):
            if entry is None:
                item = next(left)
                stretch, mark = self.stretch(item, f"stretches[{i}]"), item.start_mark
            else:
                self.problems += entry.problems
                stretch, mark = entry.stretch, entry.mark
            if stretch is None:
                continue
            if stretch.id in result:
                self.fail_at(mark, f"stretches[{i}].id", f"duplicate id '{stretch.id}'; ids must be unique")
                continue
            result[stretch.id] = stretch
        return result

    def stretch(self, node: yaml.Node, path: str) -> Stretch | None:
        fields = self.mapping(
            node,
            path,
            ("id", "name", "targets", "setup", "steps", "feel"),
            ("aka", "tips", "cautions", "hold", "sides", "phases", "reps", "deeper", "picture"),
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
        picture = self.picture(n, f"{path}.picture") if (n := get("picture")) else ()
        timing = self.timing(node, fields, path)
        if None in (sid, name, targets, setup, steps, feel, aka, tips, cautions, picture, timing):
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
            picture=picture or (),
        )

    def timing(self, node: yaml.Node, fields: dict[str, yaml.Node], path: str) -> Timing | None:
        if ("hold" in fields) == ("phases" in fields):
            which = "both" if "hold" in fields else "neither"
            self.fail(node, path, f"expected exactly one of 'hold' or 'phases', got {which}")
            return None
        if "hold" in fields:
            for key in ("reps", "deeper"):
                if key in fields:
                    self.fail(fields[key], f"{path}.{key}", f"'{key}' goes with 'phases'; a hold is done once per side")
                    return None
            hold = self.hold(fields["hold"], f"{path}.hold")
            sides = self.sides(fields["sides"], f"{path}.sides") if "sides" in fields else ((), ())
            if hold is None or sides is None:
                return None
            seconds, minimum = hold
            return Hold(seconds, *sides, minimum=minimum)
        if "sides" in fields:
            self.fail(
                fields["sides"], f"{path}.sides", "'sides' goes with 'hold'; give each side its own phase instead"
            )
            return None
        phases = self.phases(fields["phases"], f"{path}.phases")
        rounds = self.rounds(fields["reps"], f"{path}.reps") if "reps" in fields else (1, 0)
        deeper = self.duration(fields["deeper"], f"{path}.deeper") if "deeper" in fields else 0
        if not phases or rounds is None or deeper is None:
            return None
        reps, least = rounds
        return Cycle(phases, reps, deeper, least=least)

    def rounds(self, node: yaml.Node, path: str) -> tuple[int, int] | None:
        """(rounds, least or 0) from ``6``, ``{at_least: 3}`` or ``{at_least: 3, rounds: 6}``."""
        return self.at_least(node, path, "rounds", self.count, "{} rounds")

    def hold(self, node: yaml.Node, path: str) -> tuple[int, int] | None:
        """(seconds, minimum or 0) from ``30s``, ``{at_least: 30s}`` or ``{at_least: 30s, seconds: 45s}``."""
        return self.at_least(node, path, "seconds", self.duration, "{} s")

    def at_least(
        self, node: yaml.Node, path: str, key: str, read: Callable[[yaml.Node, str], int | None], unit: str
    ) -> tuple[int, int] | None:
        """(value, least or 0) from a value, ``{at_least: V}`` or ``{at_least: V, <key>: W}`` (W ≥ V),
        each read by ``read``; ``unit`` writes an amount in a message."""
        if not isinstance(node, yaml.MappingNode):
            value = read(node, path)
            return None if value is None else (value, 0)
        fields = self.mapping(node, path, ("at_least",), (key,))
        if fields is None or "at_least" not in fields:
            return None
        least = read(fields["at_least"], f"{path}.at_least")
        value = read(n, f"{path}.{key}") if (n := fields.get(key)) else least
        if least is None or value is None:
            return None
        if value < least:
            expected = f"expected at least {unit.format(least)} (at_least), got {unit.format(value)}"
            self.fail(fields[key], f"{path}.{key}", expected)
            return None
        return value, least

    def sides(self, node: yaml.Node, path: str) -> tuple[tuple[Side, ...], tuple[str, ...]] | None:
        """(the sides, in order; what each side means, or nothing): from ``[left, right]``, or from
        ``{left: Left knee to your chest..., right: ...}``."""
        if isinstance(node, yaml.MappingNode):
            fields = self.mapping(node, path, (), tuple(SIDES))
            if fields is None:
                return None
            if not fields:
                self.fail(node, path, "expected at least one side")
                return None
            cues = [self.text(value, f"{path}.{key}") for key, value in fields.items()]
            if None in cues:
                return None
            return tuple(SIDES[key] for key in fields), tuple(c for c in cues if c)
        items = self.sequence(node, path, "sides (left, right)")
        if not items:
            if items is not None:
                self.fail(node, path, "expected at least one side")
            return None
        sides: list[Side] = []
        for i, item in enumerate(items):
            value = self.choice(item, f"{path}[{i}]", tuple(SIDES))
            if value is None:
                return None
            if SIDES[value] in sides:
                self.fail(item, f"{path}[{i}]", f"side '{value}' is listed twice")
                return None
            sides.append(SIDES[value])
        return tuple(sides), ()

    def phases(self, node: yaml.Node, path: str) -> tuple[Phase, ...] | None:
        items = self.sequence(node, path, "phases ({cue, seconds, breath})")
        if not items:
            if items is not None:
                self.fail(node, path, "expected at least one phase")
            return None
        phases: list[Phase | None] = []
        for i, item in enumerate(items):
            here = f"{path}[{i}]"
            fields = self.mapping(item, here, ("cue", "seconds"), ("breath", "picture"))
            if fields is None:
                phases.append(None)
                continue
            cue = self.text(fields["cue"], f"{here}.cue") if "cue" in fields else None
            seconds = self.duration(fields["seconds"], f"{here}.seconds") if "seconds" in fields else None
            breath: Breath | None = None
            node_breath = fields.get("breath")
            if node_breath is not None and node_breath.tag != "tag:yaml.org,2002:null":
                value = self.choice(node_breath, f"{here}.breath", tuple(BREATHS))
                if value is None:
                    phases.append(None)
                    continue
                breath = BREATHS[value]
            picture = self.picture(n, f"{here}.picture") if (n := fields.get("picture")) else ()
            phases.append(Phase(cue, seconds, breath, picture) if cue and seconds and picture is not None else None)
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
            for key, default in (("prep", PREP), ("rest", REST), ("switch", SWITCH))
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
                least = stretch.timing.minimum if stretch and isinstance(stretch.timing, Hold) else 0
                if hold is not None and hold < least:
                    self.fail(fields["hold"], f"{here}.hold", f"'{sid}' is held at least {least} s, got {hold} s")
                    stretch = None
                least = stretch.timing.least if stretch and isinstance(stretch.timing, Cycle) else 0
                if reps is not None and reps < least:
                    self.fail(fields["reps"], f"{here}.reps", f"'{sid}' is done at least {least} rounds, got {reps}")
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
        self.fail(node, path, f"no stretch '{shown(sid)}' in the catalog{hint}")
        return None
