"""Compose YAML into PyYAML nodes from the event stream, without recursion.

A text in plain block YAML, as most catalogs are, is read line by line by
``blockyaml`` instead, into the same nodes, several times faster; anything
beyond that comes here.

``yaml.compose`` builds the same nodes, but libyaml's composer costs about ten
times the parse itself on a large catalog and recurses in C, so deep nesting
can crash the interpreter. This composer walks the parser's events in a loop
with an explicit stack, stops at ``max_depth``, and resolves plain scalars with
PyYAML's own implicit resolvers (no constructor runs: nothing in the text can
execute).

Events come from libyaml when PyYAML has it, for speed. libyaml's wording and
limits change between its releases (0.2.6 refuses flow nesting past 1000 levels
in words of its own, before ``max_depth`` is reached), so what libyaml refuses
is judged again: nesting deeper than ``max_depth`` is reported as such, and
anything else is read again by PyYAML's pure-Python parser, which ships with
PyYAML itself. A catalog gets the same message whether libyaml is there or not.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.error import Mark, MarkedYAMLError
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import ParserError
from yaml.reader import ReaderError
from yaml.scanner import ScannerError

from stretchcoach.catalog.blockyaml import NotPlain, compose_block
from stretchcoach.catalog.nodes import MAP, SEQ, STR, ItemReader, PlainTags, streams

# libyaml's parser, or None without it. Tests set it to None to force the pure-Python parser.
LIBYAML: Any = getattr(yaml, "CSafeLoader", None)
PYTHON: Any = yaml.SafeLoader
# The pure-Python parser reads about 0.7 MB a second: past this much text before
# libyaml's error, libyaml's own words stand rather than keep the user waiting.
REREAD_LIMIT = 2**20

# What moves the flow level: brackets and braces outside quoted text and comments.
_FLOW = re.compile(r"""[\[\]{}]|"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|(?<![^\s])#[^\n]*""")


def compose(text: str, *, max_depth: int, max_expanded: int, items: ItemReader | None = None) -> Node | None:
    """The single document in ``text`` as nodes, or None for an empty stream.

    With ``items``, each item of the list ``items.key`` is given to it as soon as it
    is composed, and left out of the list if it is read there.

    Raises ``yaml.MarkedYAMLError`` (or ``yaml.reader.ReaderError``) for invalid
    YAML, more than one document, an undefined alias, nesting deeper than
    ``max_depth``, or aliases that would expand the document beyond
    ``max_expanded`` characters (an alias bomb: a few kilobytes that read back
    as gigabytes).
    """
    if len(text) <= max_expanded:  # plain block YAML has no aliases, so expands to no more than itself
        try:
            return compose_block(text, max_depth=max_depth, items=items)
        except NotPlain:
            pass  # more than plain block YAML: read by a YAML parser
    if LIBYAML is None:
        return _Composer(text, max_depth=max_depth, max_expanded=max_expanded, items=items).run(PYTHON)
    composer = _Composer(text, max_depth=max_depth, max_expanded=max_expanded, items=items)
    try:
        return composer.run(LIBYAML)
    except (ScannerError, ParserError, ReaderError) as exc:  # libyaml's refusal, in libyaml's words
        refused = exc
    mark: Any = getattr(refused, "problem_mark", None) or getattr(refused, "context_mark", None)
    if mark is not None:
        end = _index(text, mark.line, mark.column) + 1
        too_deep = composer.flow_too_deep(end)
        if too_deep is not None:
            raise too_deep from None
        # An error the pure-Python parser finds before the last line of what it
        # was given is the error of the whole text: nothing a YAML parser decides
        # looks further ahead than the next line. So it need read no further.
        cut = _index(text, mark.line + 2, 0)
        if cut > REREAD_LIMIT:
            raise refused
        if cut < len(text):
            try:
                _Composer(text[:cut], max_depth=max_depth, max_expanded=max_expanded).run(PYTHON)
            except MarkedYAMLError as exc:
                found = exc.problem_mark or exc.context_mark
                if found is not None and found.line <= mark.line:
                    raise
    return _Composer(text, max_depth=max_depth, max_expanded=max_expanded, items=items).run(PYTHON)


def _index(text: str, line: int, column: int) -> int:
    """The index of ``line`` (0-based) and ``column`` in ``text``, or ``len(text)`` past its end."""
    at = 0
    for _ in range(line):
        at = text.find("\n", at) + 1
        if at == 0:
            return len(text)
    return min(at + column, len(text))


def _starts_list(stack: list[tuple[Node, list[Node]]], key: str) -> bool:
    """Whether a list opening now is the value of ``key``'s first occurrence in the top-level mapping."""
    if len(stack) != 1:
        return False
    parent, pending = stack[0]
    return bool(pending) and streams(parent, pending[0], key)


class _Composer:
    """One pass over one parser's events; after an error, ``depth`` and ``read`` say how far it got."""

    def __init__(self, text: str, *, max_depth: int, max_expanded: int, items: ItemReader | None = None) -> None:
        self.text = text
        self.items = items
        self.max_depth = max_depth
        self.max_expanded = max_expanded
        self.depth = 0  # collections open
        self.read = 0  # index just past the last event composed
        self.expanded = 0  # characters of the document with every alias written out

    def grow(self, amount: int, mark: Any) -> None:
        self.expanded += amount
        if self.expanded > self.max_expanded:
            limit = f"{self.max_expanded:,}"
            raise ComposerError(None, None, f"aliases expand the document beyond {limit} characters", mark)

    def too_deep(self, mark: Any) -> ComposerError:
        return ComposerError(None, None, f"nested more than {self.max_depth} levels deep", mark)

    def flow_too_deep(self, end: int) -> ComposerError | None:
        """The nesting error a parser without a limit of its own would have reached before ``end``."""
        level = self.depth
        for match in _FLOW.finditer(self.text, self.read, end):
            char = match.group()
            if char in "[{":
                level += 1
                if level > self.max_depth:
                    at = match.start()
                    line = self.text.count("\n", 0, at)
                    column = at - (self.text.rfind("\n", 0, at) + 1)
                    return self.too_deep(Mark("<unicode string>", at, line, column, None, 0))
            elif char in "]}":
                level -= 1
        return None

    def run(self, loader: Any) -> Node | None:
        root: Node | None = None
        stack: list[tuple[Node, list[Node]]] = []  # open collections, each with its pending mapping key
        anchors: dict[str, Node] = {}
        documents = 0
        opened: list[tuple[int, bool]] = []  # (`expanded` when it began, anchored) for each open collection
        sizes: dict[int, int] = {}  # id(node) -> its expanded size, for anchored nodes (kept alive by `anchors`)
        streamed: Node | None = None  # the list whose items go to `self.items` as they are composed
        items = self.items

        def remember(anchor: str | None, node: Node) -> None:
            if anchor is None:
                return
            if anchor in anchors:
                first = anchors[anchor].start_mark.line + 1
                raise ComposerError(
                    None, None, f"anchor {anchor!r} is defined twice (first on line {first})", node.start_mark
                )
            anchors[anchor] = node

        def attach(node: Node) -> None:
            nonlocal root
            if not stack:
                root = node
                return
            parent, pending = stack[-1]
            if parent is streamed and items is not None:
                items.item(node)
            elif isinstance(parent, SequenceNode):
                parent.value.append(node)
            elif pending:
                parent.value.append((pending.pop(), node))
            else:
                pending.append(node)

        # The parser's own loop, without yaml.parse's generator around it: this runs once an event.
        parser: Any = loader(self.text)  # Any: libyaml's marks are not yaml.Mark
        next_event = parser.get_event
        event: Any = None
        limit = self.max_expanded
        plain_tags = PlainTags()
        try:
            while (event := next_event()) is not None:
                kind = type(event)
                if kind is ScalarEvent:  # most events: a plain scalar, its tag resolved here
                    value = event.value
                    tag = event.tag
                    if tag is None or tag == "!":
                        tag = plain_tags[value] if event.implicit[0] else STR
                    node: Node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
                    self.expanded += len(value) + 1
                    if self.expanded > limit:
                        self.grow(0, event.start_mark)
                    if event.anchor is not None:
                        remember(event.anchor, node)
                        sizes[id(node)] = len(value) + 1
                    if stack and (top := stack[-1])[1]:  # a mapping's value, its key pending: attach(), inline
                        top[0].value.append((top[1].pop(), node))
                    else:
                        attach(node)
                elif kind is SequenceStartEvent or kind is MappingStartEvent:
                    start: Any = event.start_mark
                    if len(stack) >= self.max_depth:
                        raise self.too_deep(start)
                    is_map = kind is MappingStartEvent
                    tag = event.tag if event.tag not in (None, "!") else (MAP if is_map else SEQ)
                    node = (MappingNode if is_map else SequenceNode)(tag, [], start, None, flow_style=event.flow_style)
                    remember(event.anchor, node)
                    if (
                        not is_map
                        and event.anchor is None
                        and streamed is None
                        and items
                        and _starts_list(stack, items.key)
                    ):
                        streamed = node
                        items.begin(node)
                    stack.append((node, []))
                    opened.append((self.expanded, event.anchor is not None))
                elif kind is SequenceEndEvent or kind is MappingEndEvent:
                    node, _ = stack.pop()
                    node.end_mark = event.end_mark
                    began, anchored = opened.pop()
                    if anchored:
                        sizes[id(node)] = self.expanded - began + 1
                    attach(node)  # complete: an item of `streamed` is read now
                elif kind is AliasEvent:
                    start = event.start_mark
                    if event.anchor not in anchors:
                        raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", start)
                    target = anchors[event.anchor]
                    # A collection still open (a recursive alias) counts what it holds so far.
                    self.grow(sizes.get(id(target), self.expanded) + 1, start)
                    if stack and stack[-1][0] is streamed and items is not None:
                        items.keep()
                        stack[-1][0].value.append(target)
                    else:
                        attach(target)
                elif kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise ComposerError(
                            "expected a single document in the stream",
                            None,
                            "but found another document",
                            event.start_mark,
                        )
        except (ScannerError, ParserError, ReaderError):
            self.depth = len(stack)
            self.read = event.end_mark.index if event is not None else 0
            raise
        finally:
            parser.dispose()
        return root
