"""Text from outside is data: it never reaches the terminal as a control sequence.

A catalog, a history file or an argument could carry characters that a
terminal acts on instead of showing: C0 and C1 controls (ESC starts sequences
that move the cursor, set the window title, write the clipboard through OSC 52
or open links through OSC 8; U+009B is an 8-bit CSI), DEL, bidirectional
overrides that reorder what is read (U+202E), invisible characters that hide
words (zero-width spaces, tag characters), and lone surrogates, which are not
text at all.

The policy, in two halves:

* the loader refuses such characters in catalog text, naming where they are
  (:func:`first_unsafe`);
* everything that is written out passes through :func:`visible`, which turns
  any that are still there (an old history row, a tampered cache, an argument)
  into a harmless, readable escape such as ``\\x1b`` or ``\\u202e``. The Rich
  consoles of ``output`` apply it to every text segment they draw, and the
  few places that write plain text directly call it themselves.
"""

from __future__ import annotations

import re

# Tab and newline are the only controls text may hold; they are layout, not commands.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab and newline), DEL, C1
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"  # bidi marks, zero-width, invisible operators
    "\ud800-\udfff"  # lone surrogates (a YAML "\ud83d" escape): not text, and no terminal can be sent them
    "\ufeff\ufff9-\ufffb"  # zero-width no-break space, interlinear annotation
    "\U000e0000-\U000e007f]"  # tag characters ("ASCII smuggling")
)


def first_unsafe(text: str) -> str | None:
    """The first character of ``text`` that a terminal might act on, if any."""
    found = UNSAFE.search(text)
    return found.group() if found else None


def describe(char: str) -> str:
    """``U+001B``: how a message names an unsafe character."""
    return f"U+{ord(char):04X}"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character written as a visible escape (``\\x1b``)."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # JSON writes astral characters as surrogate pairs
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def json_text(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with unsafe characters as ``\\uXXXX``.

    ``json.dumps`` already escapes C0 controls inside strings; this adds DEL, C1,
    bidirectional and invisible characters, which it leaves raw.
    """
    return UNSAFE.sub(_json_escape, dumped) if UNSAFE.search(dumped) else dumped
