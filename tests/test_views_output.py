"""The output mode, decided once: plain lines, a narrow terminal, or Rich panels and the live view."""

from __future__ import annotations

import io
import sys

import pytest

from stretchcoach.views.output import NARROW_WIDTH, Mode, Output, plain_wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout is a terminal (in the test itself: pytest puts its capture back before each test runs)."""
    monkeypatch.setattr(sys, "stdout", Terminal())


def test_a_terminal_gets_the_live_view_unless_plain_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    on_a_terminal(monkeypatch)
    assert plain_wanted(False) is False
    assert plain_wanted(True) is True


@pytest.mark.parametrize(("name", "value"), [("ACCESSIBLE", "1"), ("TERM", "dumb")])
def test_accessible_or_a_dumb_terminal_gets_plain_lines(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    on_a_terminal(monkeypatch)
    monkeypatch.setenv(name, value)
    assert plain_wanted(False) is True


def test_no_terminal_gets_plain_lines() -> None:
    assert not sys.stdout.isatty()
    assert plain_wanted(False) is True


@pytest.mark.parametrize(
    ("plain", "columns", "mode"),
    [
        (True, 100, Mode.PLAIN),
        (True, 40, Mode.PLAIN),
        (False, NARROW_WIDTH, Mode.RICH),
        (False, NARROW_WIDTH - 1, Mode.NARROW),
    ],
)
def test_the_mode(monkeypatch: pytest.MonkeyPatch, plain: bool, columns: int, mode: Mode) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert Output(plain=plain).mode is mode


def test_narrow_is_measured_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal resized during a routine: the summary after it is drawn for the new width."""
    output = Output()
    assert output.mode is Mode.RICH
    monkeypatch.setenv("COLUMNS", "50")
    assert output.mode is Mode.NARROW


def test_plain_lines_are_never_wrapped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    line = "A line much longer than forty columns, which a screen reader reads as one."
    Output(plain=True).lines([line, "and a second"])
    assert capsys.readouterr().out == f"{line}\nand a second\n"
