"""Did you mean...? The one place that picks the closest of some names to a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(query: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``query`` (case aside), if any is like it at all."""
    matches = difflib.get_close_matches(query.casefold(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(query: str, choices: Iterable[str], *, otherwise: str) -> str:
    """The hint for a mistyped name: did you mean the closest choice, or ``otherwise`` if none is close."""
    close = closest(query, choices)
    return f"did you mean '{close}'?" if close else otherwise
