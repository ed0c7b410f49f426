"""The urgent signs before the first routine are never scrolled away unread.

Where they and what follows them (the introduction, the first question) do not fit
the terminal, the person presses Enter when they have read them; where they do not
fit at all, they come a screenful at a time. The command runs through CliRunner
with a fake runtime (its prompter records each prompt); its output is not a
terminal, so plain lines, at the size that COLUMNS and LINES give.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from stretchcoach.cli import app
from stretchcoach.commands.checkins import MORE_PROMPT, READ_PROMPT, first_run_safety
from stretchcoach.core.safety import RED_FLAGS
from stretchcoach.paths import resolve_paths
from stretchcoach.views.output import Output

from fakes import Answers, FakeClock, fake_runtime
from helpers import WARNING, flat

PAIN = "Back pain right now, 0–10 (Enter to skip): "
AFTER = "After the routine: " + PAIN
BEGIN = "Press Enter to begin, or q then Enter to cancel: "
ONE_STRETCH = ["--only", "childs-pose"]


def run(answers: Answers, monkeypatch: pytest.MonkeyPatch, *, columns: int, lines: int) -> Result:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("LINES", str(lines))
    runtime = fake_runtime(clock=FakeClock(), answers=answers, interactive=True)
    result = CliRunner().invoke(app, ["routine", *ONE_STRETCH], obj=runtime)
    assert "Traceback" not in result.output
    return result


def test_on_a_tall_terminal_nothing_more_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers("", "", "")
    result = run(answers, monkeypatch, columns=100, lines=40)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [PAIN, BEGIN, AFTER]


def test_at_60x18_it_waits_for_enter_before_going_on(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers("", "", "", "")
    result = run(answers, monkeypatch, columns=60, lines=18)
    assert result.exit_code == 0, result.output
    assert answers.prompts == [READ_PROMPT, PAIN, BEGIN, AFTER]
    out = result.stdout
    read = out.index(READ_PROMPT)
    assert all(0 <= out.index(flag) < read for flag in RED_FLAGS)  # every flag, then the wait
    assert out.index(WARNING[:40]) < read < out.index("Back relief: 40 s.")  # the introduction only after


class Enter(Answers):
    """Enter at every prompt."""

    def __call__(self, prompt: str) -> str | None:
        self.answers.append("")
        return super().__call__(prompt)


def test_where_it_does_not_fit_at_all_it_comes_a_screenful_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Enter()
    result = run(answers, monkeypatch, columns=60, lines=8)
    assert result.exit_code == 0, result.output
    assert answers.prompts[-4:] == [READ_PROMPT, PAIN, BEGIN, AFTER]
    pages = answers.prompts[:-4]
    assert pages
    assert set(pages) == {MORE_PROMPT}
    out = result.stdout[: result.stdout.index(READ_PROMPT)]
    screens = out.split(MORE_PROMPT)
    assert len(screens) == len(pages) + 1
    for screen in screens:  # each fits above its prompt: 7 rows of at most 60 columns
        rows = sum(max(1, -(-len(line) // 60)) for line in screen.strip("\n").split("\n"))
        assert rows <= 7, screen
    assert all(flag in out for flag in RED_FLAGS)


def test_it_is_shown_again_if_it_was_not_read_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    class Interrupted(Answers):
        def __call__(self, prompt: str) -> str | None:
            if prompt == READ_PROMPT:
                raise KeyboardInterrupt
            return super().__call__(prompt)

    first = run(Interrupted(), monkeypatch, columns=60, lines=18)
    assert first.exit_code == 130
    assert "[00:00]" not in first.stdout
    answers = Answers("", "", "", "")
    again = run(answers, monkeypatch, columns=60, lines=18)
    assert again.exit_code == 0, again.output
    assert answers.prompts[0] == READ_PROMPT
    answers = Answers("", "", "")
    third = run(answers, monkeypatch, columns=60, lines=18)
    assert "Get help now" not in third.stdout
    assert answers.prompts == [PAIN, BEGIN, AFTER]


def test_panels_are_paged_between_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    """Drawn (not plain): at 60x18 the two panels take 19 rows, so each has a screen of its own."""
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("LINES", "18")
    answers = Answers("", "")
    runtime = fake_runtime(answers=answers, interactive=True)
    paths = resolve_paths()
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    assert first_run_safety(paths, WARNING, runtime=runtime, output=Output(plain=False))
    assert answers.prompts == [MORE_PROMPT, READ_PROMPT]
    first, second = capsys.readouterr().out.split(MORE_PROMPT)
    assert first.lstrip().startswith("╭─ ⚠ Get help now")
    assert first.rstrip().endswith("╯")
    assert " ".join(f"• {flag}" for flag in RED_FLAGS) in flat(first)
    assert second.lstrip().startswith("╭─ ⚠ The rule")
    assert not first_run_safety(paths, WARNING, runtime=runtime, output=Output(plain=False))  # once
