"""Durations: reading them, and saying them in words and as a countdown."""

from __future__ import annotations

import pytest

from stretchcoach.core.durations import human_seconds, mmss, parse_duration


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(45, 45), ("45", 45), (" 45 ", 45), ("30s", 30), ("1m", 60), ("1m30s", 90), ("2min", 120), ("0", 0)],
)
def test_parse_duration(value: object, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", [True, None, 1.5, "", "s", "m", "1h", "30 seconds", "-5", "²", "1" * 5000, [30]])
def test_parse_duration_refuses(value: object) -> None:
    assert parse_duration(value) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (59.6, "1 min"),
        (60, "1 min"),
        (90, "1 min 30 s"),
        (253, "4 min 13 s"),
        (3600, "60 min"),
    ],
)
def test_human_seconds(seconds: float, text: str) -> None:
    assert human_seconds(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (0.0005, "0:00"), (0.5, "0:01"), (27, "0:27"), (59.2, "1:00"), (240, "4:00"), (3600, "60:00")],
)
def test_mmss_rounds_up_so_zero_means_done(seconds: float, text: str) -> None:
    assert mmss(seconds) == text
