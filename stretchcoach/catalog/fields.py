"""Reading the fields of composed YAML nodes: each reader converts what is valid and notes the rest.

Every problem is noted as ``file:line:column: field.path: what was expected``,
and reading goes on, so that a file with several problems reports them all at once.
"""

from __future__ import annotations

import re

import yaml

from stretchcoach.core.durations import MAX_SECONDS, parse_duration
from stretchcoach.core.safe_text import UNSAFE, describe, first_unsafe
from stretchcoach.core.suggest import closest

MAX_REPS = 100
PICTURE_LINES, PICTURE_WIDTH = 8, 40  # a picture fits beside the instructions on an 80-column screen

STR = "tag:yaml.org,2002:str"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DURATION_HINT = 'a duration such as 30, "30s", "1m" or "1m30s"'


def shown(text: str) -> str:
    """``text`` for a one-line message: newlines and control characters escaped."""
    return text if text.isprintable() else repr(text)[1:-1]


def describe_node(node: yaml.Node, *, quote: bool = True) -> str:
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


# Fields written in the words `show` uses for them, or in other common words: what was meant.
_OTHER_WORDS = {
    "start": "setup",
    "starting_position": "setup",
    "position": "setup",
    "instructions": "steps",
    "how": "steps",
    "you_should_feel": "feel",
    "feeling": "feel",
    "duration": "hold",
    "rounds": "reps",
    "repeat": "reps",
    "repetitions": "reps",
    "tip": "tips",
    "caution": "cautions",
    "warnings": "cautions",
}


def _text(node: yaml.Node) -> str | None:
    """``node`` as text that may be shown, its runs of spaces and newlines made one space;
    None if it is not text, holds a character a terminal would act on, or is empty."""
    if node.tag != STR or not isinstance(node, yaml.ScalarNode) or UNSAFE.search(node.value):
        return None
    return " ".join(node.value.split()) or None


class FieldReader:
    """Reads fields of one file's nodes, collecting ``problems``."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def fail(self, node: yaml.Node, path: str, message: str) -> None:
        self.fail_at(node.start_mark, path, message)

    def fail_at(self, mark: yaml.Mark, path: str, message: str) -> None:
        where = path or "(top level)"  # the root mapping has no field path
        self.problems.append(f"{self.source}:{mark.line + 1}:{mark.column + 1}: {where}: {message}")

    # -- shapes ---------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            # A file that is not a catalog at all (--catalog /etc/shadow) is not quoted back.
            got = describe_node(node, quote=bool(path))
            self.fail(node, path, f"expected a mapping of {', '.join(required + optional)}, got {got}")
            return None
        allowed = required + optional
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.tag == STR and key in allowed and key not in found:  # a field, as most are (so text)
                found[key] = value_node
            else:
                self.not_a_field(key_node, path, allowed, found)
        for key in required:
            if key not in found:
                self.fail(node, path or "(top level)", f"missing required field '{key}'")
        return found

    def not_a_field(
        self, key_node: yaml.Node, path: str, allowed: tuple[str, ...], found: dict[str, yaml.Node]
    ) -> None:
        """Say why ``key_node`` is not one of the fields ``allowed`` (``found`` so far) at ``path``."""
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or key_node.tag != STR:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, path, "merge keys (<<) are not supported; write the fields out")
            else:
                self.fail(key_node, path, f"expected a field name, got {describe_node(key_node)}")
            return
        name = shown(key)
        here = f"{path}.{name}" if path else name
        if key in found:
            self.fail(key_node, here, "duplicate key; each field may appear once")
            return
        close = meant if (meant := _OTHER_WORDS.get(key)) in allowed else closest(key, allowed)
        hint = f"did you mean '{close}'?" if close else f"expected one of: {', '.join(allowed)}"
        self.fail(key_node, here, f"unknown field '{name}'; {hint}")

    def sequence(self, node: yaml.Node, path: str, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, path, f"expected a list of {what}, got {describe_node(node)}")
            return None
        return list(node.value)

    def text(self, node: yaml.Node, path: str) -> str | None:
        value = _text(node)
        if value is None:
            self.not_text(node, path)
        return value

    def not_text(self, node: yaml.Node, path: str) -> None:
        """Say why ``node``, at ``path``, is not text that may be shown."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR:
            self.fail(node, path, f"expected text, got {describe_node(node)}")
        elif (unsafe := first_unsafe(node.value)) is not None:  # it would reach the terminal: see safe_text
            self.fail(node, path, f"contains {describe(unsafe)}, a control, bidirectional or invisible character")
        else:
            self.fail(node, path, "expected text, got an empty string")

    def texts(self, node: yaml.Node, path: str, *, allow_empty: bool = False) -> tuple[str, ...] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, path, f"expected a list of text, got {describe_node(node)}")
            return None
        if not node.value and not allow_empty:
            self.fail(node, path, "expected at least one entry")
            return None
        values = [_text(item) for item in node.value]
        if None not in values:
            return tuple(values)  # type: ignore[arg-type]  # None was ruled out
        for i, (item, value) in enumerate(zip(node.value, values, strict=True)):
            if value is None:
                self.not_text(item, f"{path}[{i}]")
        return None

    def slug(self, node: yaml.Node, path: str) -> str | None:
        value = self.text(node, path)
        if value is not None and not _SLUG.fullmatch(value):
            self.fail(
                node, path, f"expected an id of lowercase letters, digits and dashes (like 'cat-cow'), got {value!r}"
            )
            return None
        return value

    def number(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            return None
        if node.tag == STR:
            return node.value
        if node.tag == "tag:yaml.org,2002:int":
            try:  # an explicit `!!int abc` or `!!int ''`, or more than 4300 digits
                return yaml.constructor.SafeConstructor().construct_yaml_int(node)
            except (ValueError, IndexError):
                return None
        return None

    def duration(self, node: yaml.Node, path: str, *, allow_zero: bool = False) -> int | None:
        seconds = parse_duration(self.number(node))
        lowest = 0 if allow_zero else 1
        if seconds is None:
            self.fail(node, path, f"expected {_DURATION_HINT}, got {describe_node(node)}")
        elif seconds < lowest:
            need = "zero or more" if allow_zero else "greater than zero"
            self.fail(node, path, f"expected a duration {need}, got {seconds} s")
        elif seconds > MAX_SECONDS:
            self.fail(node, path, f"expected at most {MAX_SECONDS // 60} minutes, got {seconds} s")
        else:
            return seconds
        return None

    def count(self, node: yaml.Node, path: str) -> int | None:
        value = self.number(node)
        if isinstance(value, str) and value.strip().isdigit():
            value = parse_duration(value)  # the same whole-number rules, without int()'s ValueError
        if not isinstance(value, int):
            self.fail(node, path, f"expected a whole number of repetitions, got {describe_node(node)}")
        elif not 1 <= value <= MAX_REPS:
            self.fail(node, path, f"expected a number from 1 to {MAX_REPS}, got {value}")
        else:
            return value
        return None

    def choice(self, node: yaml.Node, path: str, options: tuple[str, ...]) -> str | None:
        value: str | None = node.value if isinstance(node, yaml.ScalarNode) and node.tag == STR else None
        if value not in options:
            self.fail(node, path, f"expected one of {', '.join(options)}, got {describe_node(node)}")
            return None
        return value

    def picture(self, node: yaml.Node, path: str) -> tuple[str, ...] | None:
        """A small line drawing: a block of text (``picture: |``), kept line for line as written."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR:
            self.fail(node, path, f"expected a drawing as a block of text (picture: |), got {describe_node(node)}")
            return None
        unsafe = first_unsafe(node.value.replace("\n", ""))
        if unsafe is not None or "\t" in node.value:
            what = "a tab (it would not line up)" if unsafe is None else describe(unsafe)
            self.fail(node, path, f"contains {what}; a picture is drawn with printable characters and spaces")
            return None
        lines = [line.rstrip() for line in node.value.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if not lines:
            self.fail(node, path, "expected a drawing, got nothing")
            return None
        if len(lines) > PICTURE_LINES or max(map(len, lines)) > PICTURE_WIDTH:
            most = f"at most {PICTURE_WIDTH} wide and {PICTURE_LINES} tall"
            self.fail(node, path, f"expected a drawing {most}, got {max(map(len, lines))} wide and {len(lines)} tall")
            return None
        return tuple(lines)
