"""What the article's rule says now, drawn: the stop panel before a routine and in `history`,
and the calm status when it has nothing to say. Built from :class:`~stretchcoach.core.rule.RuleState`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.panel import Panel

from stretchcoach.core.rule import RuleState, Stop, Verdict, day_text
from stretchcoach.core.safety import (
    PERSISTS_HINT,
    PERSISTS_TITLE,
    RULE_STOP_TITLE,
    SEEN_DOCTOR_HINT,
    STOP_ADVICE,
    STOP_LIFTED,
)
from stretchcoach.views.output import Mode, Output
from stretchcoach.views.safety import Level, verdict_text, warning_panel


def rule_words(state: RuleState) -> tuple[str, list[str]]:
    """(title, paragraphs) of what the rule says now."""
    if state.stop is not None:
        words = [state.stop.describe(), STOP_ADVICE]
        if state.persistence.persists:
            words.append(state.persistence.describe())
        if state.stop.went_on:
            words.append(f"You went on anyway on {_days(state.stop.went_on)}.")
        return RULE_STOP_TITLE, [*words, SEEN_DOCTOR_HINT]
    if state.persistence.persists:
        return PERSISTS_TITLE, [state.persistence.describe(), STOP_ADVICE, PERSISTS_HINT]
    words = [state.persistence.describe()]
    if state.seen_doctor is not None:
        words.append(f"You recorded seeing a doctor on {day_text(state.seen_doctor.date())}.")
    return "The rule", words


def rule_panel(state: RuleState, *, last_verdict: Verdict | None = None) -> Panel:
    """The rule's panel; a calm one also notes a last routine that left pain a little higher."""
    title, words = rule_words(state)
    if not state.binding and last_verdict is Verdict.SLIGHTLY_WORSE:
        words.append(verdict_text(last_verdict))
    return warning_panel("\n".join(words), title=title, level=Level.STOP if state.binding else Level.CALM)


def show_rule(out: Output, state: RuleState) -> None:
    """The rule's panel, or its plain lines."""
    if out.mode is Mode.PLAIN:
        title, words = rule_words(state)
        if state.binding:  # "STOP: On Mon 2 Mar …", "STOP: Your pain persists: …"
            title = "STOP" if title == RULE_STOP_TITLE else f"STOP: {title}"
        out.lines([f"{title}: {words[0]}", *words[1:]])
    else:
        out.print(rule_panel(state))


def lifted_line(stop: Stop) -> str:
    """In the summary of the routine that ended ``stop``: "The stop of Thu 26 Nov 2026 is lifted: …"."""
    return STOP_LIFTED.format(day=day_text(stop.routine.at.date()))


def _days(moments: Sequence[datetime]) -> str:
    days = list(dict.fromkeys(day_text(at.date()) for at in moments))
    return days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
