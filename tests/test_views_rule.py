"""The rule's panel: red and saying stop while it is binding, a calm status otherwise, and the
same words as plain lines."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from stretchcoach.core.rule import Routine, RuleState, Verdict, rule_state
from stretchcoach.core.safety import SEEN_DOCTOR_HINT, STOP_ADVICE
from stretchcoach.views.output import Output
from stretchcoach.views.rule import rule_panel, show_rule

from helpers import BOX_DRAWING, flat, is_red, styled_lines

NOW = datetime(2026, 3, 5, 9, 0)
WORSENED = Routine(datetime(2026, 3, 2, 9, 0), 2, 6, "completed")


def panel_text(state: RuleState, last_verdict: Verdict | None = None) -> tuple[str, bool]:
    """(the words a reader sees, whether the border is red)."""
    lines = styled_lines(rule_panel(state, last_verdict=last_verdict), width=100)
    border = [style for line in lines for char, style in line if BOX_DRAWING.match(char)]
    return flat("".join(char for line in lines for char, _ in line)), all(is_red(style) for style in border)


def test_a_stop_in_force_is_a_red_panel_that_says_why_and_how_it_ends() -> None:
    went_on = [datetime(2026, 3, 3, 9, 0), datetime(2026, 3, 4, 9, 0)]
    text, red = panel_text(rule_state([WORSENED], [], went_on=went_on, now=NOW))
    assert red
    assert text == flat(
        "⚠ Stop and see a doctor On Mon 2 Mar 2026 your pain went from 2 to 6 during a routine. "
        f"{STOP_ADVICE} You went on anyway on Tue 3 Mar 2026 and Wed 4 Mar 2026. {SEEN_DOCTOR_HINT}"
    )


def test_pain_that_persists_is_a_red_panel_too() -> None:
    checkins = [(NOW - timedelta(days=days), 4) for days in (20, 10, 0)]
    text, red = panel_text(rule_state([], checkins, now=NOW))
    assert red
    assert text.startswith("⚠ Your pain persists Your pain has not improved over 20 days: from 4 on Fri 13 Feb 2026")
    assert STOP_ADVICE in text


def test_otherwise_the_rule_is_a_calm_status_with_a_note_for_a_small_rise() -> None:
    state = rule_state([], [(NOW, 3)], seen_doctor=[NOW - timedelta(days=30)], now=NOW)
    text, red = panel_text(state, Verdict.SLIGHTLY_WORSE)
    assert not red
    assert text.startswith("The rule Pain check-ins on 1 day in the last 21 (from 3 on Thu 5 Mar 2026")
    assert "You recorded seeing a doctor on Tue 3 Feb 2026." in text
    assert text.endswith("Your pain is a little higher than before. If it keeps rising, stop and see a doctor.")


def test_plain_lines_say_the_same_and_start_with_stop(capsys: pytest.CaptureFixture[str]) -> None:
    show_rule(Output(plain=True), rule_state([WORSENED], [], now=NOW))
    assert capsys.readouterr().out.splitlines() == [
        "STOP: On Mon 2 Mar 2026 your pain went from 2 to 6 during a routine.",
        STOP_ADVICE,
        SEEN_DOCTOR_HINT,
    ]


def test_after_a_doctors_visit_the_status_counts_from_it() -> None:
    state = rule_state([], [(NOW - timedelta(days=5), 4)], seen_doctor=[NOW - timedelta(days=2)], now=NOW)
    text, red = panel_text(state)
    assert not red
    assert text.startswith("The rule No pain check-ins since you saw a doctor on Tue 3 Mar 2026. ")
    assert text.endswith("You recorded seeing a doctor on Tue 3 Mar 2026.")
