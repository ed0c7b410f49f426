"""Compose YAML into PyYAML nodes from the event stream, without recursion.

``yaml.compose`` builds the same nodes, but libyaml's composer costs about ten
times the parse itself on a large catalog and recurses in C, so deep nesting
can crash the interpreter. This composer walks libyaml's events in a loop with
an explicit stack, stops at ``max_depth``, and resolves plain scalars with
PyYAML's own implicit resolvers (no constructor runs: nothing in the text can
execute).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from yaml.composer import ComposerError
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
from yaml.resolver import Resolver

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
_IMPLICIT = Resolver.yaml_implicit_resolvers


def plain_tag(value: str) -> str:
    """The tag YAML 1.1 gives an unquoted scalar: int, float, bool, null, ... or str."""
    for tag, pattern in _IMPLICIT.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return STR


def compose(text: str, *, max_depth: int, max_expanded: int) -> Node | None:
    """The single document in ``text`` as nodes, or None for an empty stream.

    Raises ``yaml.MarkedYAMLError`` for invalid YAML, more than one document,
    an undefined alias, nesting deeper than ``max_depth``, or aliases that would
    expand the document beyond ``max_expanded`` characters (an alias bomb: a
    few kilobytes that read back as gigabytes).
    """
    root: Node | None = None
    stack: list[tuple[Node, list[Node]]] = []  # open collections, each with its pending mapping key
    anchors: dict[str, Node] = {}
    documents = 0
    expanded = 0  # characters of the document with every alias written out
    opened: list[int] = []  # `expanded` when each open collection began
    sizes: dict[int, int] = {}  # id(node) -> its expanded size, for anchored nodes

    def grow(amount: int, mark: Any) -> None:
        nonlocal expanded
        expanded += amount
        if expanded > max_expanded:
            raise ComposerError(None, None, f"aliases expand the document beyond {max_expanded} characters", mark)

    def remember(anchor: str | None, node: Node) -> None:
        if anchor is None:
            return
        if anchor in anchors:
            first = anchors[anchor].start_mark
            raise ComposerError(
                f"found duplicate anchor {anchor!r}; first occurrence", first, "second occurrence", node.start_mark
            )
        anchors[anchor] = node

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent, pending = stack[-1]
        if isinstance(parent, SequenceNode):
            parent.value.append(node)
        elif pending:
            parent.value.append((pending.pop(), node))
        else:
            pending.append(node)

    events: Iterator[Any] = yaml.parse(text, Loader=_Loader)  # Any: libyaml's marks are not typed as yaml's
    for event in events:
        start: Any = event.start_mark  # libyaml's Mark type differs from the stubs' yaml.Mark
        end: Any = event.end_mark
        if isinstance(event, ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = plain_tag(event.value) if event.implicit[0] else STR
            node: Node = ScalarNode(tag, event.value, start, end, style=event.style)
            remember(event.anchor, node)
            if event.anchor is not None:
                sizes[id(node)] = len(event.value) + 1
            grow(len(event.value) + 1, start)
            attach(node)
        elif isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            if len(stack) >= max_depth:
                raise ComposerError(None, None, f"nested more than {max_depth} levels deep", start)
            is_map = isinstance(event, MappingStartEvent)
            tag = event.tag if event.tag not in (None, "!") else (MAP if is_map else SEQ)
            node = (MappingNode if is_map else SequenceNode)(tag, [], start, None, flow_style=event.flow_style)
            remember(event.anchor, node)
            attach(node)
            stack.append((node, []))
            opened.append(expanded)
        elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            node, _ = stack.pop()
            node.end_mark = event.end_mark
            sizes[id(node)] = expanded - opened.pop() + 1
        elif isinstance(event, AliasEvent):
            if event.anchor not in anchors:
                raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", start)
            target = anchors[event.anchor]
            # A collection still open (a recursive alias) counts what it holds so far.
            grow(sizes.get(id(target), expanded) + 1, start)
            attach(target)
        elif isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ComposerError(
                    "expected a single document in the stream",
                    None,
                    "but found another document",
                    start,
                )
    return root
