"""Did you mean...? The one place that picks the closest of some names to a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(query: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``query`` (case aside), if any is like it at all."""
    matches = difflib.get_close_matches(query.casefold(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None
