"""Read the plain block YAML that catalogs are mostly written in, line by line, or say it is not that.

libyaml parses a 10,000-stretch catalog in a twentieth of a second, but making a
Python object of each of its 380,000 events takes four times as long, and
composing them into nodes longer still. Most catalogs use a small part of
YAML: block mappings and lists whose values are plain text, quoted text on one
line ('...' or "..."), a one-line flow list or mapping
(``[lower back, hips]``, ``{cue: Inhale, seconds: 4}``) or a block of text
(``|`` or ``>``, as pictures are drawn). :func:`compose_block` reads exactly
that part, a line at a time, into the nodes the composer in ``yamlnodes``
would make of it: the same tags, values and start marks, the same items
streamed to an :class:`~stretchcoach.catalog.nodes.ItemReader`.

At the first thing outside that part (an anchor, a tag, a plain value
continued on the next line, a tab, an empty value, ...) it gives up and raises
:class:`NotPlain`, and the text is composed from libyaml's events instead. It
never reports a problem of its own: whatever it reads is valid YAML, so every
message about invalid YAML still comes from the parser.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from stretchcoach.catalog.nodes import MAP, SEQ, STR, ItemReader, PlainTags, streams

# The mark type libyaml's parser makes (a small C type), or PyYAML's own.
_Mark: Any = getattr(getattr(yaml, "_yaml", None), "Mark", yaml.error.Mark)
_NAME = "<unicode string>"  # what the parser calls a text it was given as a string

# Characters this reader leaves to the parser: tabs, carriage returns and YAML's other
# line breaks (U+0085, U+2028, U+2029), byte order marks, and whatever YAML refuses.
_OUTSIDE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# A field name. YAML allows a key on one line of at most 1024 characters: longer ones are left to the parser.
_KEY = r"[A-Za-z_][A-Za-z0-9_-]{0,999}"
# A line: its indentation, an item's dash, a field name and what follows it.
_LINE = re.compile(rf"( *)(?:(- +|-$))?(?:({_KEY}):(?: +|$))?(.*)\n?", re.MULTILINE)
# One-line values; what may follow them is spaces and a comment.
_SINGLE = re.compile(r"'((?:[^']|'')*)'(?: +#.*| *)")
# The escapes of double-quoted text, as libyaml reads them.
_ESCAPE_CODES = r'[0abtnvfre "/\\N_LP]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}'
_DOUBLE = re.compile(rf'"((?:[^"\\]|\\(?:{_ESCAPE_CODES}))*)"(?: +#.*| *)')
_ESCAPE = re.compile(rf"\\({_ESCAPE_CODES})")
_ESCAPES = {
    **{"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", "e": "\x1b"},
    **{" ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"},
}
# (No question mark inside: PyYAML's own parser ends a plain value there, libyaml does not.)
_FLOW_SEQ = re.compile(r"\[([^][{}#:?'\"]*)\](?: +#.*| *)")
_FLOW_MAP = re.compile(r"\{([^][{}#?'\"]*)\}(?: +#.*| *)")
# A block of text's header: | or >, then an indentation and a chomping indicator, in either order.
_BLOCK = re.compile(r"([|>])(?:([1-9])([+-])?|([+-])([1-9])?)?(?: +#.*| *)")
# A pair of a flow mapping: the value with its trailing spaces (its first character is no space, so
# that a colon further on fails the match at once rather than after trying every split of the spaces).
_FLOW_PAIR = re.compile(rf" *({_KEY}): +([^: ][^:]*)")
# What a plain value may not start with (YAML's indicators), unless it is a dash before a letter or digit.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class NotPlain(Exception):  # not an error: the text is read another way
    """The text uses YAML beyond what this reader reads."""


def compose_block(text: str, *, max_depth: int, items: ItemReader | None = None) -> Node | None:
    """The nodes of ``text``, or None for a text of only comments and blank lines; with ``items``,
    as ``yamlnodes.compose``.

    Raises :class:`NotPlain` for anything outside plain block YAML, or nested ``max_depth`` deep.
    """
    if _OUTSIDE.search(text):
        raise NotPlain
    return _Reader(max_depth, items).read(text)


class _Open:
    """A block collection still open: its node, the column of its keys or dashes, and a key
    read whose value is a block still to come."""

    __slots__ = ("indent", "is_map", "node", "pending")

    def __init__(self, node: Node, indent: int, is_map: bool) -> None:
        self.node = node
        self.indent = indent
        self.is_map = is_map
        self.pending: Node | None = None


class _Reader:
    def __init__(self, max_depth: int, items: ItemReader | None) -> None:
        self.max_depth = max_depth
        self.items = items
        self.tags = PlainTags()
        self.stack: list[_Open] = []
        self.root: Node | None = None
        self.streamed: Node | None = None
        self.text = ""
        # Where reading goes on after a block of text (``|``, ``>``): its index and line number.
        self.block_end: tuple[int, int] | None = None

    # -- lines ------------------------------------------------------------------------------------

    def read(self, text: str) -> Node | None:
        # One pass, a line at a time: the next field of the open mapping, by far the most common
        # line, is read here; any other line by `item` and `field`.
        self.text = text
        stack, tags, value, lines = self.stack, self.tags, self.value, _LINE.finditer
        at, first = 0, 0  # where reading begins, and the number of that line
        while at < len(text):
            for number, line in enumerate(lines(text, at), first):
                start = line.start()
                indent, dash, key, rest = line.groups()
                if dash is not None:
                    self.item(number, start, len(indent), dash, key, rest, line.start(4) - start)
                elif key is not None:
                    column = len(indent)
                    top = stack[-1] if stack else None
                    if top is None or top.indent != column or not top.is_map or top.pending is not None:
                        top = self.field(column, number, start)
                    key_node = ScalarNode(
                        tags[key], key, _Mark(_NAME, start + column, number, column, None, None), None, None
                    )
                    top.pending = key_node
                    if rest and rest[0] != "#":
                        top.node.value.append((key_node, value(rest, number, start, line.start(4) - start, column)))
                        top.pending = None
                    # else its value is the block on the lines below
                elif rest and rest[0] != "#":
                    raise NotPlain  # neither an item nor a field: a value continued, a document marker, ...
                # else blank, or a comment
                if self.block_end is not None:
                    break  # a block of text took the lines after this one: go on after it
            else:
                break  # the end of the text
            at, first = self.block_end
            self.block_end = None
        return self.finish()

    def field(self, column: int, number: int, at: int) -> _Open:
        """The mapping a field at ``column`` goes in, closing what it ends and opening it if need be."""
        top = self.close_to(column, dash=False)
        if top is None or top.indent != column:  # a mapping begins here
            return self.open(True, number, at, column)
        return top

    def item(self, number: int, at: int, column: int, dash: str, key: str | None, rest: str, after: int) -> None:
        """``- value``, or ``- key: value`` (a mapping that begins after the dash); ``rest`` is at column ``after``."""
        top = self.close_to(column, dash=True)
        if top is None or top.is_map:  # a list begins here
            top = self.open(False, number, at, column)
        column += len(dash)
        if key is None:
            if not rest or rest[0] == "#":
                raise NotPlain  # the item's value is on the lines below, or null
            self.add(top, self.value(rest, number, at, after, top.indent))
            return
        top = self.open(True, number, at, column)
        key_node = ScalarNode(self.tags[key], key, _Mark(_NAME, at + column, number, column, None, None), None, None)
        top.pending = key_node
        if rest and rest[0] != "#":
            self.add(top, self.value(rest, number, at, after, column))

    def close_to(self, column: int, dash: bool) -> _Open | None:
        """Close what a line at ``column`` ends, and return what it goes in (None: it begins the document).

        Raises NotPlain where YAML would read the line another way: as more of the value above it,
        or as an error.
        """
        stack = self.stack
        while stack:
            top = stack[-1]
            if column > top.indent:
                if top.pending is None:
                    raise NotPlain  # deeper than a complete value: continued text, or an error
                return top  # the block value of the key just read
            if column == top.indent:
                if top.is_map:
                    if top.pending is not None and not dash:
                        raise NotPlain  # a key with no value: null
                    if top.pending is None and dash:
                        raise NotPlain  # an item among fields: an error
                    return top  # the next field, or (dash) a list as the value of the key just read
                if dash:
                    return top  # the next item
            elif top.pending is not None:
                raise NotPlain  # a key with no value: null
            self.close()
        if self.root is not None:
            raise NotPlain  # more after the document's one collection: an error
        return None

    def open(self, is_map: bool, number: int, at: int, column: int) -> _Open:
        """A block mapping or list that begins at ``column`` of line ``number`` (at index ``at``)."""
        if len(self.stack) + 1 >= self.max_depth:
            raise NotPlain  # the parser says how deep is too deep
        mark = _Mark(_NAME, at + column, number, column, None, None)
        node: Node
        if is_map:
            node = MappingNode(MAP, [], mark, None, False)
        else:
            node = SequenceNode(SEQ, [], mark, None, False)
            self.begin_list(node)
        opened = _Open(node, column, is_map)
        self.stack.append(opened)
        return opened

    def begin_list(self, node: Node) -> None:
        """Stream the items of the list ``node``, opening now, to ``items`` if it is theirs."""
        items, stack = self.items, self.stack
        if items is None or self.streamed is not None or len(stack) != 1:
            return
        key_node = stack[0].pending
        if key_node is not None and streams(stack[0].node, key_node, items.key):
            self.streamed = node
            items.begin(node)

    def close(self) -> None:
        node = self.stack.pop().node
        if self.stack:
            self.add(self.stack[-1], node)
        else:
            self.root = node

    def add(self, parent: _Open, node: Node) -> None:
        if parent.is_map:
            assert parent.pending is not None
            parent.node.value.append((parent.pending, node))
            parent.pending = None
        elif parent.node is self.streamed and self.items is not None:
            self.items.item(node)
        else:
            parent.node.value.append(node)

    def finish(self) -> Node | None:
        """Close everything still open at the end of the text: the document's one collection, or None."""
        while self.stack:
            if self.stack[-1].pending is not None:
                raise NotPlain  # a key with no value: null
            self.close()
        return self.root

    # -- values -----------------------------------------------------------------------------------

    def value(self, rest: str, number: int, at: int, column: int, parent: int) -> Node:
        """The value ``rest``, which starts at ``column`` of line ``number`` (at index ``at``), in a
        collection indented by ``parent``: on this line, or a block of text on the lines below."""
        first = rest[0]
        if first == "[" or first == "{":
            return self.flow(rest, number, at, column)
        mark = _Mark(_NAME, at + column, number, column, None, None)
        if first == "|" or first == ">":
            return self.block(rest, number, at, mark, parent)
        if first == "'":
            match = _SINGLE.fullmatch(rest)
            if match is None:
                raise NotPlain  # continued on the next line, or more after it
            return ScalarNode(STR, match.group(1).replace("''", "'"), mark, None, "'")
        if first == '"':
            match = _DOUBLE.fullmatch(rest)
            if match is None:
                raise NotPlain  # continued on the next line, more after it, or an escape YAML refuses
            inside = match.group(1)
            return ScalarNode(STR, _ESCAPE.sub(_unescape, inside) if "\\" in inside else inside, mark, None, '"')
        cut = rest.find(" #")
        value = (rest if cut < 0 else rest[:cut]).rstrip(" ")
        if not _plain(value) or ": " in value or value[-1] == ":":
            raise NotPlain  # an indicator, or a mapping in a value
        return ScalarNode(self.tags[value], value, mark, None, None)

    def block(self, rest: str, number: int, at: int, mark: Any, parent: int) -> Node:
        """A block of text, literal (``|``) or folded (``>``), on the lines after its header ``rest``,
        read by libyaml's rules (yaml_parser_scan_block_scalar), line for line."""
        header = _BLOCK.fullmatch(rest)
        text = self.text
        start = text.find("\n", at) + 1  # where the line after the header begins
        if header is None or start == 0:
            raise NotPlain  # a header YAML refuses, or nothing after it
        style, digit, chomp, chomp_first, digit_last = header.groups()
        literal, chomp, digit = style == "|", chomp or chomp_first, digit or digit_last
        indent = parent + int(digit) if digit else 0  # 0: found from the first line of text
        pos, eaten, breaks, indent = _breaks(text, start, indent, parent)
        lines = 1 + breaks  # read so far: the header's, and the empty ones
        out: list[str] = []
        leading_break = leading_blank = False
        while eaten == indent and pos + eaten < len(text):  # a line of the text
            first = pos + eaten
            blank = text[first] == " "
            if not literal and leading_break and not leading_blank and not blank:
                if not breaks:
                    out.append(" ")  # folded: the lines join with a space
            elif leading_break:
                out.append("\n")
            out.append("\n" * breaks)
            leading_blank = blank
            eol = text.find("\n", first)
            if eol < 0:
                out.append(text[first:])
                pos, leading_break = len(text), False
            else:
                out.append(text[first:eol])
                pos, leading_break = eol + 1, True
                lines += 1
            pos, eaten, breaks, indent = _breaks(text, pos, indent, parent)
            lines += breaks
        if chomp != "-" and leading_break:  # clip or keep: the last line break stays
            out.append("\n")
        if chomp == "+":  # keep: the empty lines after it too
            out.append("\n" * breaks)
        self.block_end = (pos, number + lines)
        return ScalarNode(STR, "".join(out), mark, None, style)

    def flow(self, rest: str, number: int, at: int, column: int) -> Node:
        """A one-line flow list of plain values, or a flow mapping of plain keys and values."""
        is_map = rest[0] == "{"
        match = (_FLOW_MAP if is_map else _FLOW_SEQ).fullmatch(rest)
        if match is None or len(self.stack) + 1 >= self.max_depth:
            raise NotPlain  # nested, quoted, continued on the next line, ...
        mark = _Mark(_NAME, at + column, number, column, None, None)
        node = MappingNode(MAP, [], mark, None, True) if is_map else SequenceNode(SEQ, [], mark, None, True)
        if not is_map:
            self.begin_list(node)
        inside = match.group(1)
        if not inside.strip(" "):
            return node
        start = column + 1  # of each entry
        tags = self.tags
        for part in inside.split(","):
            if is_map:
                pair = _FLOW_PAIR.fullmatch(part)
                if pair is None or not _plain(value := pair.group(2).rstrip(" ")):
                    raise NotPlain
                key, here, there = pair.group(1), start + pair.start(1), start + pair.start(2)
                node.value.append(
                    (
                        ScalarNode(tags[key], key, _Mark(_NAME, at + here, number, here, None, None), None, None),
                        ScalarNode(tags[value], value, _Mark(_NAME, at + there, number, there, None, None), None, None),
                    )
                )
            else:
                value = part.strip(" ")
                if not _plain(value):
                    raise NotPlain  # empty (a trailing comma), or an indicator
                here = start + len(part) - len(part.lstrip(" "))
                item = ScalarNode(tags[value], value, _Mark(_NAME, at + here, number, here, None, None), None, None)
                if node is self.streamed and self.items is not None:
                    self.items.item(item)
                else:
                    node.value.append(item)
            start += len(part) + 1
        return node


def _breaks(text: str, pos: int, indent: int, parent: int) -> tuple[int, int, int, int]:
    """The empty lines of a block of text from ``pos`` (a line's start) to its next line of text.

    Returns (that line's start, the spaces of its indentation read, up to ``indent``; how many
    empty lines, the block's indentation: ``indent``, or if 0 found from the lines read, as
    libyaml finds it).
    """
    widest, breaks = 0, 0
    while True:
        eol = text.find("\n", pos)
        line = text[pos:] if eol < 0 else text[pos:eol]
        spaces = len(line) - len(line.lstrip(" "))
        eaten = spaces if not indent else min(spaces, indent)
        widest = max(widest, eaten)
        if eaten < len(line) or eol < 0:  # a line of text, or the end
            break
        breaks += 1
        pos = eol + 1
    if not indent:
        indent = max(widest, parent + 1, 1)
    return pos, eaten, breaks, indent


def _unescape(match: re.Match[str]) -> str:
    escape = match.group(1)
    if len(escape) == 1:
        return _ESCAPES[escape]
    code = int(escape[1:], 16)  # x, u or U and the character's code
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise NotPlain  # libyaml refuses it (PyYAML's own parser does not): the parser says so
    return chr(code)


def _plain(value: str) -> bool:
    """Whether ``value``, non-empty and trimmed, may be written plain: it starts with no indicator
    (a dash may begin a number or a word: -1, -x)."""
    if not value:
        return False
    first = value[0]
    return first not in _INDICATORS or (first == "-" and len(value) > 1 and value[1].isalnum())
