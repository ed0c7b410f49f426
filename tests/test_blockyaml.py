"""The line reader for plain block YAML: what it reads, it reads exactly as PyYAML does; the rest it leaves.

Every text it accepts is composed by PyYAML too, with libyaml and with the
pure-Python parser, and the two trees must agree node for node: kind, tag,
value, line, column and index. Texts come from the YAML test suite, from
random lines full of YAML's indicators, and from random documents written out
in block style. The loader's own tests run through both readers as well (see
test_loader.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchcoach.catalog import yamlnodes
from stretchcoach.catalog.blockyaml import NotPlain, compose_block
from stretchcoach.catalog.loader import parse_catalog
from stretchcoach.paths import builtin_catalog_path

from helpers import required_in_ci

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "yaml-test-suite"


def shape(node: yaml.Node | None) -> Any:
    """What a node tree says, with where each node starts, as nested tuples."""
    if node is None:
        return None
    mark = node.start_mark
    where = (type(node).__name__, node.tag, mark.line, mark.column, mark.index)
    if isinstance(node, yaml.ScalarNode):
        return (*where, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*where, [shape(item) for item in node.value])
    return (*where, [(shape(key), shape(value)) for key, value in node.value])


def parsers() -> list[Any]:
    if getattr(yaml, "CSafeLoader", None) is None:
        required_in_ci("PyYAML built with libyaml")
        return [yaml.SafeLoader]
    return [yaml.CSafeLoader, yaml.SafeLoader]


def read_or_leave(text: str) -> tuple[bool, Any]:
    """(whether the line reader read ``text``, its tree)."""
    try:
        return True, shape(compose_block(text, max_depth=64))
    except NotPlain:
        return False, None


def assert_read_as_pyyaml_does(text: str) -> bool:
    """If the line reader reads ``text``, PyYAML reads it too, into the same tree; whether it was read."""
    read, tree = read_or_leave(text)
    if read:
        for loader in parsers():
            assert shape(yaml.compose(text, Loader=loader)) == tree, (loader.__name__, text)
    return read


# -- what it reads ---------------------------------------------------------------------------------

CATALOG = """\
# A catalog, as the README's example writes one.
version: 1
warning: Stop if it hurts.   # a comment after a value

stretches:
  - id: knee-hug
    name: Knee hug
    aka: []
    targets: [lower back, hips]
    setup: Lie on your back; don't rush.
    steps:
      - Hug both knees to your chest.
      -   Rock gently, side to side; slowly.
    feel: 'A stretch: low in the back'
    hold: {at_least: 30s, seconds: 45s}
    sides:
      left: "Left knee #1"
      right: Right knee
  - id: rock
    name: Rock
    targets: [spine]
    setup: Kneel.
    steps: [Rock back and forth.]
    feel: A loose spine.
    reps: {at_least: 3, rounds: 6}
    phases:
    - {cue: Rock back, seconds: 2, breath: inhale}
    - {cue: Rock forward, seconds: 2}
routines:
  - id: mine
    name: Mine
    steps:
      - knee-hug
      - {stretch: rock, reps: 4}
"""


def test_a_catalog_in_plain_block_yaml_is_read_as_pyyaml_reads_it() -> None:
    assert assert_read_as_pyyaml_does(CATALOG)


def test_a_generated_catalog_is_read_by_the_line_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """So large generated catalogs take the fast way: with no YAML parser at all, it still loads."""
    lines = ["version: 1", "stretches:"]
    for n in range(50):
        lines += [
            f"  - id: stretch-{n}",
            f"    name: Stretch number {n}",
            "    targets: [lower back, hips]",
            "    setup: Lie on your back.",
            "    steps:",
            "      - Bring one knee up.",
            "    feel: A stretch.",
            *(["    hold: 30s"] if n % 2 else ["    phases:", "      - {cue: Inhale, seconds: 4, breath: inhale}"]),
        ]
    text = "\n".join(lines) + "\n"
    assert assert_read_as_pyyaml_does(text)

    def no_parser(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the text went to a YAML parser")

    monkeypatch.setattr(yamlnodes, "LIBYAML", no_parser)
    monkeypatch.setattr(yamlnodes, "PYTHON", no_parser)
    catalog = parse_catalog(text, source="big.yaml")
    assert [s.id for s in catalog.stretches] == [f"stretch-{n}" for n in range(50)]


def test_the_builtin_catalog_with_its_folded_warning_and_pictures_is_read_as_pyyaml_reads_it() -> None:
    """data/stretches.yaml folds its warning (``>-``) and draws its pictures in literal text (``|2``)."""
    assert assert_read_as_pyyaml_does(builtin_catalog_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("a: |\n  one\n   two\n\nb: 1\n", "one\n two\n", id="literal"),
        pytest.param("a: |-\n  one\n\n", "one", id="literal, stripped"),
        pytest.param("a: |+\n  one\n\n\nb: 1\n", "one\n\n\n", id="literal, kept"),
        pytest.param("- |2\n    drawn\n   here\n", "  drawn\n here\n", id="indentation given"),
        pytest.param("a: >\n  one\n  two\n\n  three\n", "one two\nthree\n", id="folded"),
        pytest.param("a: >-\n  one\n    more\n  two\n", "one\n  more\ntwo", id="folded, more indented"),
        pytest.param("a: |  # a comment\n  # text, not a comment\n", "# text, not a comment\n", id="comments"),
        pytest.param("a: |\n  last line", "last line", id="at the end of the text"),
        pytest.param('a: "say \\"yes\\"\\t\\u00e9\\x41\\U0001F600\\/\\\\"\n', 'say "yes"\té' + "A😀/\\", id="escapes"),
    ],
)
def test_blocks_of_text_are_read_as_pyyaml_reads_them(text: str, value: str) -> None:
    assert assert_read_as_pyyaml_does(text)
    root = compose_block(text, max_depth=64)
    assert isinstance(root, yaml.CollectionNode)
    first = root.value[0][1] if isinstance(root, yaml.MappingNode) else root.value[0]
    assert first.value == value


def test_keys_as_long_as_yaml_allows_are_read() -> None:
    assert assert_read_as_pyyaml_does("k" * 1000 + ": v\n")
    assert assert_read_as_pyyaml_does("- " + "k" * 1000 + ": v\n")
    assert assert_read_as_pyyaml_does("a: {" + "k" * 1000 + ": v}\n")


def test_comments_and_blank_lines_alone_are_an_empty_document() -> None:
    assert compose_block("# nothing here\n\n   # still nothing\n", max_depth=64) is None
    assert compose_block("", max_depth=64) is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: |0\n  text\n", id="block with indentation 0"),
        pytest.param("a: |x\n  text\n", id="block with more after its header"),
        pytest.param("a: |", id="block header at the end"),
        pytest.param("a: &x 1\nb: *x\n", id="anchor and alias"),
        pytest.param("a: !!str 1\n", id="tag"),
        pytest.param("a: one\n  two\n", id="value continued on the next line"),
        pytest.param("a: 'one\n  two'\n", id="quoted value continued"),
        pytest.param('a: "\\q"\n', id="an escape YAML refuses"),
        pytest.param('a: "\\ud800"\n', id="an escape to a lone surrogate"),
        pytest.param('a: "\\U00110000"\n', id="an escape past Unicode"),
        pytest.param('a: "one\\\n  two"\n', id="an escaped line break"),
        pytest.param("a:\nb: 1\n", id="empty value (null)"),
        pytest.param("a:", id="empty value at the end"),
        pytest.param("- \n- a\n", id="empty item"),
        pytest.param("-\n  a: 1\n", id="item on the next line"),
        pytest.param("- - a\n", id="list in a list on one line"),
        pytest.param("a:\tb\n", id="tab"),
        pytest.param("a: b\r\nc: d\r\n", id="carriage return"),
        pytest.param("a: b\u2028c: d\n", id="line separator"),
        pytest.param("a: b\x85", id="next line character"),
        pytest.param("a: b\ufeff\n", id="byte order mark inside"),
        pytest.param("a: \x07\n", id="control character"),
        pytest.param("---\na: 1\n", id="document marker"),
        pytest.param("%YAML 1.1\n---\na: 1\n", id="directive"),
        pytest.param("a: 1\n...\n", id="document end"),
        pytest.param("a: b: c\n", id="mapping in a value"),
        pytest.param("a: b:\n", id="value ending in a colon"),
        pytest.param("? a\n: b\n", id="complex key"),
        pytest.param("'a': b\n", id="quoted key"),
        pytest.param("a b: c\n", id="key with a space"),
        pytest.param("a: [b, [c]]\n", id="nested flow"),
        pytest.param("a: [b,\n  c]\n", id="flow over two lines"),
        pytest.param("a: [b, ]\n", id="trailing comma"),
        pytest.param("a: ['b']\n", id="quoted in flow"),
        pytest.param("a: [b: c]\n", id="pair in a flow list"),
        pytest.param("a: [why?]\n", id="question mark in flow"),
        pytest.param("a: {b}\n", id="flow key with no value"),
        pytest.param("a: {b:" + " " * 100 + ":}\n", id="flow value of spaces, then a colon"),
        pytest.param("k" * 1025 + ": v\n", id="key longer than YAML allows"),
        pytest.param("- " + "k" * 1025 + ": v\n", id="key after a dash longer than YAML allows"),
        pytest.param("a: {" + "k" * 1025 + ": v}\n", id="flow key longer than YAML allows"),
        pytest.param("a: {b: c: d}\n", id="colon in a flow value"),
        pytest.param("a: -\n", id="a lone dash"),
        pytest.param("a: @b\n", id="reserved indicator"),
        pytest.param("a: 1\n  b: 2\n", id="deeper after a value"),
        pytest.param("a: 1\n- b\n", id="item among fields"),
        pytest.param("- a\nb: 1\n", id="field after a list"),
        pytest.param("[a, b]\n", id="flow document"),
        pytest.param("just text\n", id="scalar document"),
        pytest.param("a: b\n   # comment\n  c\n", id="continued after a comment"),
    ],
)
def test_more_than_plain_block_yaml_is_left_to_the_parser(text: str) -> None:
    with pytest.raises(NotPlain):
        compose_block(text, max_depth=64)


def test_nesting_near_the_limit_is_left_to_the_parser_to_refuse() -> None:
    text = "".join(f"{' ' * i}k:\n" for i in range(10)) + " " * 10 + "k: v\n"
    assert read_or_leave(text)[0]
    with pytest.raises(NotPlain):
        compose_block(text, max_depth=5)


def test_the_stretches_are_streamed_as_the_composer_streams_them() -> None:
    class Items:
        key = "stretches"

        def __init__(self) -> None:
            self.log: list[Any] = []

        def begin(self, node: yaml.Node) -> None:
            self.log.append(("begin", shape(node)))

        def item(self, node: yaml.Node) -> None:
            self.log.append(("item", shape(node)))

        def keep(self) -> None:
            raise AssertionError("no aliases here")

    texts = [
        CATALOG,
        "version: 1\nstretches: [a, b]\n",
        "stretches:\n- a\n- {id: b}\nstretches:\n- c\n",
        "other:\n  stretches:\n  - a\nstretches:\n  - b\n",
        "- stretches:\n  - a\n",
    ]
    for text in texts:
        fast, slow = Items(), Items()
        assert shape(compose_block(text, max_depth=64, items=fast)) == shape(
            yamlnodes._Composer(text, max_depth=64, max_expanded=10**6, items=slow).run(yaml.SafeLoader)
        )
        assert fast.log == slow.log, text


# -- what it reads, it reads as PyYAML does ------------------------------------------------------


def test_the_yaml_test_suite_where_it_reads_it() -> None:
    files = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
    if not files:
        required_in_ci(f"the YAML test suite corpus at {CORPUS}")
    read = []
    for path in files:
        text = path.read_bytes().decode("utf-8-sig", "replace")
        if assert_read_as_pyyaml_does(text):
            read.append(path.name)
            assert not path.name.endswith(".error.yaml"), f"{path.name} is not valid YAML"
    assert len(read) >= 20


# Pieces of lines, heavy with what YAML treats specially.
_INDENTS = st.sampled_from(["", "", " ", "  ", "  ", "   ", "    ", "      "])
_PREFIXES = st.sampled_from(["", "", "- ", "-  ", "-", "- - "])
_KEYS = st.sampled_from(["id", "name", "a", "yes", "on", "null", "x-y", "_k", "1", "a b", "<<", "a:b", "'q'", '"d"'])
_SEPARATORS = st.sampled_from([":", ": ", ":  ", " :", ":\t"])
_BITS = st.sampled_from(
    [
        *" abcxyz019:#-[]{},'\"!&*?|>%@`\\~.",
        *["  ", " #", ": ", "- ", "yes", "null", "1.5", "0x1", "-1", "é", "\xa0"],
        *["\\n", '\\"', "\\u00e9", "\\x4", "\\q", "\\ud800"],  # escapes, when quoted
    ]
)


_HEADERS = st.sampled_from(["|", ">", "|-", ">-", "|+", ">+", "|1", "|2", ">2", "|2-", "|-2", ">+1", "| # c", "|#c"])


@st.composite
def _values(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.integers(0, 10)) if depth < 2 else 9
    if kind == 0:
        return ""
    if kind == 10:  # a block of text: the lines after it are its text, or not
        return draw(_HEADERS)
    if kind in (1, 2):
        items = draw(st.lists(_values(depth + 1), max_size=3))
        return "[" + ", ".join(items) + draw(st.sampled_from(["]", "] #c", ",]", ""]))
    if kind == 3:
        pairs = draw(st.lists(st.tuples(_KEYS, _values(depth + 1)), max_size=3))
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + draw(st.sampled_from(["}", "} #c", ""]))
    return "".join(draw(st.lists(_BITS, min_size=1, max_size=6)))


@st.composite
def _lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 19))
    indent, prefix = draw(_INDENTS), draw(_PREFIXES)
    if kind < 2:
        return indent + "# " + draw(_values())
    if kind < 3:
        return ""
    if kind < 11:
        return indent + prefix + draw(_KEYS) + draw(_SEPARATORS) + draw(_values())
    return indent + prefix + draw(_values())


@settings(max_examples=600, deadline=None)
@given(st.lists(_lines(), min_size=1, max_size=6), st.sampled_from(["", "\n"]))
def test_random_lines_are_read_as_pyyaml_reads_them_or_left(lines: list[str], end: str) -> None:
    assert_read_as_pyyaml_does("\n".join(lines) + end)


# Values that are plain, quoted, or neither; and documents of mappings and lists made of them.
_SCALARS = st.sampled_from(
    [
        *["a", "text with spaces", "a  b", "a#b", "a #c", "30s", "4", "-1", "yes", "~", "1.5e3", "2001-12-14"],
        *["'q''s'", "'it: is'", '"dq #"', "don't", "é ü", "a, b", "x: y", "[x]", "- a", "a:", "%x", "?x", ":x"],
        *['"\\"q\\" \\\\ \\/"', '"\\u00e9\\x41\\N"', '"\\q"', '"\\ud83d"', '"\\t\\ "'],
    ]
)


@dataclass(frozen=True)
class _Block:
    """A block of text: its header, and its lines (None: an empty line, of any spaces)."""

    header: str
    lines: tuple[str | None, ...]


_BLOCKS = st.builds(
    _Block,
    _HEADERS,
    st.lists(
        st.none() | st.sampled_from(["x", "a b", " lead", "  two", "#not", "- item", "k: v", "trail  ", "   ", "é"]),
        max_size=4,
    ).map(tuple),
)
_TREES = st.recursive(
    _SCALARS | _BLOCKS,
    lambda inner: (
        st.lists(inner, min_size=1, max_size=3)
        | st.dictionaries(st.sampled_from(["id", "name", "a", "on", "x-y", "_k", "stretches"]), inner, min_size=1)
    ),
    max_leaves=12,
)


def _write(tree: Any, indent: int, rng: random.Random, out: list[str]) -> None:
    """``tree`` in block style, with indentation, comments and flow chosen by ``rng``."""
    pad = " " * indent
    if isinstance(tree, dict):
        for key, value in tree.items():
            if rng.random() < 0.1:
                out.append(" " * rng.randint(0, 6) + "# a comment")
            if isinstance(value, str):
                out.append(f"{pad}{key}:{' ' * rng.randint(1, 2)}{value}{rng.choice(['', '', ' # c', '  '])}")
            elif isinstance(value, _Block):
                out.append(f"{pad}{key}: {value.header}")
                _write_block(value, indent, rng, out)
            elif _flat(value) and rng.random() < 0.5:
                out.append(f"{pad}{key}: {_flow(value)}")
            else:
                out.append(f"{pad}{key}:{rng.choice(['', '', ' # c'])}")
                _write(value, indent + rng.choice([0, 1, 2, 4] if isinstance(value, list) else [1, 2, 4]), rng, out)
        return
    for item in tree:
        dash = "-" + " " * rng.randint(1, 3)
        if isinstance(item, str):
            out.append(pad + dash + item)
        elif isinstance(item, _Block):
            out.append(pad + dash + item.header)
            _write_block(item, indent + len(dash), rng, out)
        elif isinstance(item, dict) and rng.random() < 0.7:  # `- key: value`, the mapping after the dash
            inner: list[str] = []
            _write(item, indent + len(dash), rng, inner)
            first = next(i for i, line in enumerate(inner) if line.strip() and not line.lstrip().startswith("#"))
            inner[first] = pad + dash + inner[first][indent + len(dash) :]
            out += inner
        elif _flat(item):
            out.append(pad + dash + _flow(item))
        else:
            out.append(pad + "-")
            _write(item, indent + 2, rng, out)


def _write_block(block: _Block, indent: int, rng: random.Random, out: list[str]) -> None:
    """The lines of ``block``, indented a little more than ``indent`` (now and then one less or more)."""
    step = rng.choice([1, 2, 2, 4])
    for line in block.lines:
        if line is None:
            out.append(" " * rng.choice([0, indent, indent + step, indent + step + 2]))
        else:
            out.append(" " * (indent + step + rng.choice([0, 0, 0, 1, -1])) + line)


def _flat(value: Any) -> bool:
    return isinstance(value, list | dict) and all(
        isinstance(v, str) for v in (value.values() if isinstance(value, dict) else value)
    )


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"


@settings(max_examples=600, deadline=None)
@given(_TREES.filter(lambda tree: isinstance(tree, list | dict)), st.randoms(), st.sampled_from([0, 2]))
def test_random_documents_in_block_style_are_read_as_pyyaml_reads_them_or_left(
    tree: Any, rng: random.Random, indent: int
) -> None:
    out: list[str] = []
    _write(tree, indent, rng, out)
    assert_read_as_pyyaml_does("\n".join(out) + "\n")
