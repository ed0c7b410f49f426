"""What both ways of composing a catalog's YAML share: the tags of plain scalars, and which list
has its items read as they are composed (see ``yamlnodes`` and ``blockyaml``)."""

from __future__ import annotations

from typing import Protocol

from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

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


class PlainTags(dict[str, str]):
    """``tags[value]``: :func:`plain_tag`, remembered for the short values (keys, mostly) that
    come again and again."""

    def __missing__(self, value: str) -> str:
        tag = plain_tag(value)
        if len(value) <= 16:
            self[value] = tag
        return tag


class ItemReader(Protocol):
    """Reads the items of one top-level list as each is composed, so that a large file's nodes
    need not all be alive at once: a 10,000-stretch catalog is some 300,000 nodes."""

    key: str  # the list under this key of the top-level mapping (its first occurrence)

    def begin(self, node: Node) -> None:
        """A pass over the list ``node`` begins (a pass that gives up, or a retry after libyaml
        refused the text, starts again)."""

    def item(self, node: Node) -> None:
        """Read one item now; it is left out of the composed list."""

    def keep(self) -> None:
        """The next item is an alias, kept in the composed list to be read with the rest
        (what it names may still be open, as in ``&a [*a]``)."""


def streams(root: Node, key_node: Node, key: str) -> bool:
    """Whether a list that opens as the value of ``key_node`` in the top-level ``root`` is the
    one read item by item: the value of ``key``'s first occurrence."""
    if not isinstance(root, MappingNode) or not _names(key_node, key):
        return False
    return not any(_names(earlier, key) for earlier, _ in root.value)


def _names(node: Node, key: str) -> bool:
    return isinstance(node, ScalarNode) and node.tag == STR and node.value == key
