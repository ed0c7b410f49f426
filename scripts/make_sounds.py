"""Make the sounds stretchcoach plays, from code: no recording, no file of unknown licence.

    python scripts/make_sounds.py            # writes stretchcoach/sounds/*.wav
    python scripts/make_sounds.py --check    # exit 1 if the shipped files differ from what this makes

Each sound is built from sine tones with smooth envelopes (no clicks), 16-bit mono
at 22,050 Hz, and is short: the longest is under a second and a half. They are
meant to be told apart with eyes closed after one routine:

* start:   one clear, rounded tone                  — a hold or a round begins
* switch:  two tones, high then low ("ding-dong")   — change sides
* next:    three tones rising                       — on to the next stretch
* inhale:  a soft tone gliding up                   — breathe in
* exhale:  a soft tone gliding down                 — breathe out
* tick:    a short, quiet click                     — each of a hold's last 3 seconds
* done:    four tones rising to the octave          — the routine is over
* warning: two low, buzzing pulses                  — stopped: this hurts
* upcoming: two soft tones rising a fourth           — a reminder: time for a routine
"""

from __future__ import annotations

import argparse
import io
import math
import struct
import sys
import wave
from collections.abc import Callable, Iterable
from pathlib import Path

RATE = 22_050
HERE = Path(__file__).resolve().parent.parent / "stretchcoach" / "sounds"
C5, E5, G5, C6, A4, G4 = 523.25, 659.25, 783.99, 1046.50, 440.0, 392.0


def _envelope(i: int, n: int, attack: float, release: float) -> float:
    t, total = i / RATE, n / RATE
    rise = min(1.0, t / attack) if attack else 1.0
    fall = min(1.0, (total - t) / release) if release else 1.0
    return max(0.0, min(rise, fall))


def tone(
    seconds: float,
    frequency: float | Callable[[float], float],
    *,
    level: float = 0.5,
    attack: float = 0.01,
    release: float = 0.08,
    harmonics: Iterable[tuple[int, float]] = ((2, 0.15), (3, 0.05)),
) -> list[float]:
    """A tone (a fixed frequency, or one that changes with time) with a soft start and end."""
    n = int(seconds * RATE)
    harmonics = tuple(harmonics)
    pitch = frequency if callable(frequency) else (lambda _t, f=frequency: f)
    samples, phase = [], 0.0
    for i in range(n):
        phase += 2 * math.pi * pitch(i / RATE) / RATE
        wave_ = math.sin(phase) + sum(weight * math.sin(k * phase) for k, weight in harmonics)
        samples.append(level * _envelope(i, n, attack, release) * wave_)
    return samples


def silence(seconds: float) -> list[float]:
    return [0.0] * int(seconds * RATE)


def glide(start: float, end: float, seconds: float) -> Callable[[float], float]:
    return lambda t: start * (end / start) ** (min(t, seconds) / seconds)


def start() -> list[float]:
    return tone(0.35, E5, level=0.55, release=0.25)


def switch() -> list[float]:
    return tone(0.3, E5, release=0.2) + silence(0.05) + tone(0.45, C5, release=0.35)


def next_stretch() -> list[float]:
    return [s for f in (C5, E5, G5) for s in tone(0.18, f, release=0.1) + silence(0.03)] + silence(0.1)


def inhale() -> list[float]:
    return tone(0.9, glide(330, 550, 0.9), level=0.35, attack=0.25, release=0.3, harmonics=((2, 0.05),))


def exhale() -> list[float]:
    return tone(0.9, glide(550, 330, 0.9), level=0.35, attack=0.25, release=0.3, harmonics=((2, 0.05),))


def tick() -> list[float]:
    return tone(0.04, 1600, level=0.25, attack=0.002, release=0.03, harmonics=())


def done() -> list[float]:
    notes = [tone(0.16, f, release=0.1) + silence(0.03) for f in (C5, E5, G5)]
    return [s for note in notes for s in note] + tone(0.7, C6, release=0.5)


def warning() -> list[float]:
    buzz = ((3, 0.33), (5, 0.2), (7, 0.14))  # odd harmonics: a harsh, square-ish tone
    pulse = tone(0.28, A4 / 2, level=0.5, attack=0.005, release=0.04, harmonics=buzz)
    return pulse + silence(0.12) + pulse


def upcoming() -> list[float]:
    """Gentler than ``next`` (two notes, not three; slower, softer, rounder): a nudge, not a command."""
    soft = ((2, 0.08),)
    return tone(0.3, G4, level=0.35, attack=0.04, release=0.2, harmonics=soft) + tone(
        0.55, C5, level=0.35, attack=0.04, release=0.4, harmonics=soft
    )


SOUNDS: dict[str, Callable[[], list[float]]] = {
    "start": start,
    "switch": switch,
    "next": next_stretch,
    "inhale": inhale,
    "exhale": exhale,
    "tick": tick,
    "done": done,
    "warning": warning,
    "upcoming": upcoming,
}


def wav_bytes(samples: list[float]) -> bytes:
    peak = max(1.0, max((abs(s) for s in samples), default=0.0))
    frames = b"".join(struct.pack("<h", round(32767 * 0.9 * s / peak)) for s in samples)
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(RATE)
        file.writeframes(frames)
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    parser.add_argument("--into", type=Path, default=HERE, help="directory to write or check (default: the package's)")
    args = parser.parse_args(argv)
    stale = []
    args.into.mkdir(parents=True, exist_ok=True)
    for name, make in SOUNDS.items():
        data, path = wav_bytes(make()), args.into / f"{name}.wav"
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path.name)
        else:
            path.write_bytes(data)
    if stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/make_sounds.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
