"""Wire a real routine run: the warning, the start prompt, the terminal, the summary.

This is the only place that picks the real clock, stdin and console for the
routine loop; the loop itself (``timer``) takes them as arguments.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import IO

from rich.panel import Panel
from rich.text import Text

from . import screen
from .cues import Cues, find_speech_command, parse_hook
from .model import human_seconds
from .output import console
from .plan import Plan
from .session import Outcome
from .terminal import TerminalInput
from .timer import Display, LiveDisplay, PlainDisplay, run_routine


@dataclass(frozen=True)
class CoachOptions:
    plain: bool = False  # one line per step instead of the live view
    confirm: bool = True  # on a terminal, wait for Enter before starting
    bell: bool = True
    voice: bool = False
    on_step: str | None = None


def coach(plan: Plan, *, warning: str, options: CoachOptions) -> Outcome:
    out = console()
    hook = parse_hook(options.on_step) if options.on_step else None
    speech = find_speech_command() if options.voice else None
    interactive = sys.stdin.isatty() and sys.stdout.isatty()

    _intro(plan, warning, plain=options.plain)
    if options.voice and speech is None:
        out.print("Voice: no speech command found (espeak-ng, espeak, spd-say or say); going on without it.")
    if options.confirm and interactive and not _confirmed():
        out.print("Cancelled.")
        return Outcome.QUIT

    cues = Cues(bell_out=_bell_stream() if options.bell else None, speech=speech, hook=hook)
    display: Display
    keys_fd = sys.stdin.fileno() if interactive and not options.plain else None
    with TerminalInput(keys_fd, output=sys.stdout) as inputs:
        if options.plain:
            display = PlainDisplay(sys.stdout)
            session = run_routine(
                plan, clock=time.monotonic, inputs=inputs, display=display, cues=cues, resume_after_suspend=True
            )
        else:
            with LiveDisplay(out) as live:
                session = run_routine(plan, clock=time.monotonic, inputs=inputs, display=live, cues=cues)
        cues.close()
        try:
            out.print(screen.summary_view(session, warning))
            cues.flush(time.sleep, time.monotonic)
        except OSError:  # the terminal is gone (SIGHUP): nothing left to show
            pass
    return session.outcome or Outcome.QUIT


def _intro(plan: Plan, warning: str, *, plain: bool) -> None:
    out = console()
    total = human_seconds(plan.total_seconds)
    names = ", ".join(s.name for s in plan.stretches)
    if plain:
        out.print(f"{plan.routine.name}: {total}. {names}.", markup=False, soft_wrap=True)
        for change in plan.changes:
            out.print(f"  {change}", markup=False, soft_wrap=True)
        out.print(f"Safety: {warning}", markup=False, soft_wrap=True)
        return
    lines = Text.assemble((plan.routine.name, "bold"), f" · {total} · {names}")
    for change in plan.changes:
        lines.append(f"\n• {change}")
    out.print(Panel(lines, border_style="blue"))
    out.print(Panel(Text(warning), title="⚠ Safety", title_align="left", border_style="yellow"))
    out.print("Keys: " + screen.KEY_HINTS, style="dim", markup=False)


def _confirmed() -> bool:
    """Enter starts; q (or Ctrl-D) cancels."""
    try:
        answer = input("Press Enter to begin, or q then Enter to cancel: ")
    except EOFError:
        return False
    return answer.strip().lower() not in ("q", "quit", "n", "no")


def _bell_stream() -> IO[str] | None:
    for stream in (sys.stdout, sys.stderr):
        if stream.isatty():
            return stream
    return None
