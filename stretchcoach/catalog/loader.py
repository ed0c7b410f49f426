"""Read a catalog file into model objects, strictly.

The file is read with care (only regular files, at most MAX_FILE_BYTES, UTF-8),
and its YAML is *composed* into nodes, never constructed into arbitrary Python
objects, so no tag can run code, and every node keeps the line and column it
came from. :class:`~stretchcoach.catalog.reader.CatalogReader` then walks the
nodes and collects every problem as ``file:line:column: field.path: what was expected``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

import yaml

from stretchcoach.catalog.heap import building_heap
from stretchcoach.catalog.reader import FORMAT_VERSION, CatalogFile, CatalogReader
from stretchcoach.catalog.yamlnodes import compose
from stretchcoach.core.model import Stretch
from stretchcoach.errors import CatalogError
from stretchcoach.errors import os_problem as _os_problem

MAX_FILE_BYTES = 16 * 1024 * 1024
# A catalog nests five levels deep; anything far deeper is refused while composing
# (libyaml's own composer recursed in C and crashed the interpreter on such input).
MAX_DEPTH = 64


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


def parse_catalog(
    data: bytes | str, *, source: str, known: Mapping[str, Stretch] | None = None, stream: bool = True
) -> CatalogFile:
    """Parse catalog text; raise :class:`CatalogError` listing every problem.

    Each stretch is read as soon as it is composed, and its nodes let go (``stream=False``,
    for the tests: composed whole, then read; the outcome is the same).
    """
    text = _decode(data, source) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    with building_heap():
        reader = CatalogReader(source)
        try:
            root = _compose(text, source, reader if stream else None)
            catalog = reader.catalog(root, dict(known or {}))
        finally:
            # The reader and its early reads refer to each other: let go of what they hold
            # (a mark, and through it the text, a stretch) before what is left alive is frozen.
            reader.early.entries.clear()
            reader.early.node = None
    if reader.problems or catalog is None:
        raise CatalogError(reader.problems or [f"{source}: not a catalog"], source=source)
    return catalog


def _compose(text: str, source: str, reader: CatalogReader | None) -> yaml.Node:
    try:
        # A catalog may not expand, through aliases, beyond the largest file accepted.
        items = reader.early if reader is not None else None
        root = compose(text, max_depth=MAX_DEPTH, max_expanded=MAX_FILE_BYTES, items=items)
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
