"""Wire a routine run: history, check-ins, the warning, the terminal, the summary.

Everything outside the process (clocks, prompts, keys, the bell) comes in as a
:class:`~stretchcoach.runtime.Runtime`, so the whole flow runs under test with
a fake clock and scripted keys and answers.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.text import Text

from stretchcoach.core import rule
from stretchcoach.core.model import human_seconds
from stretchcoach.core.plan import Plan
from stretchcoach.core.session import Outcome, RoutineSession
from stretchcoach.live.cues import Cues, find_speech_command, parse_hook
from stretchcoach.live.loop import LiveDisplay, PlainDisplay, run_routine
from stretchcoach.localtime import local, zone_note
from stretchcoach.paths import Paths
from stretchcoach.runtime import Runtime
from stretchcoach.views import catalog as render
from stretchcoach.views import history as report
from stretchcoach.views import routine as screen
from stretchcoach.views.output import console, print_error

if TYPE_CHECKING:
    import sqlite3

    from stretchcoach.history.saving import Saver

PAIN_PROMPT = "Back pain right now, 0–10 (Enter to skip): "
_NO_PAIN_AFTER = (Outcome.INTERRUPTED, Outcome.TERMINATED, Outcome.HANGUP)


@dataclass(frozen=True)
class CoachOptions:
    plain: bool = False  # one line per step instead of the live view
    confirm: bool = True  # on a terminal, wait for Enter before starting
    bell: bool = True
    voice: bool = False
    on_step: str | None = None
    checkin: bool = True  # ask for pain before and after, on a terminal
    pain_before: int | None = None
    pain_after: int | None = None
    reset_history: bool = False


def coach(plan: Plan, *, warning: str, options: CoachOptions, paths: Paths, runtime: Runtime) -> Outcome:
    out = console()
    hook = parse_hook(options.on_step) if options.on_step else None
    interactive = runtime.interactive
    db = open_history(paths, reset=options.reset_history, runtime=runtime)
    cues: Cues | None = None
    try:
        first_run = _first_run_safety(paths, warning, plain=options.plain)  # it has the warning: not twice
        _intro(plan, warning, plain=options.plain, with_warning=not first_run)
        _persistence_check(db, paths, runtime)
        speech = find_speech_command() if options.voice else None
        if options.voice and speech is None:
            out.print("Voice: no speech command found (espeak-ng, espeak, spd-say or say); going on without it.")
        pain_before = options.pain_before
        if pain_before is None and options.checkin and interactive:
            pain_before = ask_pain(runtime.ask)
        if options.confirm and interactive and not _confirmed(runtime.ask):
            out.print("Cancelled.")
            return Outcome.QUIT

        cues = Cues(bell_out=runtime.bell_out if options.bell else None, speech=speech, hook=hook)
        saver = _start_saving(db, plan, paths, runtime, cues, pain_before=pain_before)
        session = _run(plan, options=options, runtime=runtime, cues=cues, saver=saver)
        outcome = session.outcome or Outcome.QUIT
        saver.recorder.finish(session, ended_at=runtime.now())  # one try now; the last wait is below
        try:
            pain_after = options.pain_after
            if pain_after is None and options.checkin and interactive and outcome not in _NO_PAIN_AFTER:
                pain_after = ask_pain(runtime.ask, after=True)
            if pain_after is not None:
                saver.recorder.pain_after(pain_after)
            verdict = rule.after_routine(pain_before, pain_after, hurt=outcome is Outcome.HURT)
            _summary(session, warning, verdict, pain_before, pain_after, plain=options.plain)
            cues.flush(runtime.sleep, runtime.clock)
        except OSError:  # the terminal is gone (SIGHUP): the history has it all, or says below
            pass
        _finish_saving(saver, runtime, signalled=outcome in _NO_PAIN_AFTER)
        return outcome
    finally:
        db.close()
        if cues is not None:  # after the summary: the last words and hooks get a moment, then are ended
            cues.close(runtime.clock, runtime.sleep)


def _summary(
    session: RoutineSession,
    warning: str,
    verdict: rule.Verdict,
    pain_before: int | None,
    pain_after: int | None,
    *,
    plain: bool,
) -> None:
    out = console()
    pain = None
    if pain_before is not None or pain_after is not None:
        shown = ["–" if p is None else str(p) for p in (pain_before, pain_after)]
        pain = f"Pain before → after: {shown[0]} → {shown[1]}"
    said = verdict not in (rule.Verdict.OK, rule.Verdict.HURT)  # HURT is in the summary already
    if plain or out.width < screen.COMPACT_WIDTH:  # a table is unreadable on a narrow terminal
        lines = screen.summary_lines(session, warning) + ([pain] if pain else [])
        if said:
            lines.append(("STOP: " if verdict.stop else "Note: ") + report.verdict_text(verdict))
        for line in lines:
            out.print(line, markup=False, soft_wrap=True)
        return
    out.print(screen.summary_view(session, warning))
    if pain:
        out.print(pain, markup=False)
    if said:
        out.print(report.verdict_panel(verdict))


def _start_saving(
    db: sqlite3.Connection, plan: Plan, paths: Paths, runtime: Runtime, cues: Cues, *, pain_before: int | None
) -> Saver:
    """Save the session row before the first step. Anything but a busy database stops here, with
    nothing done yet to lose; a busy one is waited for a little, then the routine starts behind."""
    from stretchcoach.history.db import Recorder, is_busy
    from stretchcoach.history.errors import from_sqlite
    from stretchcoach.history.saving import Saver

    recorder = Recorder.start(db, plan, started_at=runtime.now(), pain_before=pain_before)
    if recorder.failure is not None and not is_busy(recorder.failure):
        raise from_sqlite(paths.history_db, recorder.failure)
    saver = Saver(recorder, path=paths.history_db, clock=runtime.clock, notes=cues.notes)
    saver.wait_to_start(runtime.sleep)
    return saver


def _finish_saving(saver: Saver, runtime: Runtime, *, signalled: bool) -> None:
    """The last save waits a little (less after a signal); if it still fails, one line says so."""
    from stretchcoach.history.saving import FINAL_WAIT_SECONDS, SIGNAL_WAIT_SECONDS

    try:
        saved = saver.wait_at_end(runtime.sleep, seconds=SIGNAL_WAIT_SECONDS if signalled else FINAL_WAIT_SECONDS)
    except KeyboardInterrupt:  # Ctrl-C again while waiting: stop waiting, but still say it
        print_error(saver.what_was_lost())
        raise
    if not saved:
        with contextlib.suppress(OSError):
            print_error(saver.what_was_lost())


def _run(plan: Plan, *, options: CoachOptions, runtime: Runtime, cues: Cues, saver: Saver) -> RoutineSession:
    with runtime.open_terminal(keys=not options.plain, restore_cursor=not options.plain) as terminal:
        inputs = saver.watching(terminal)

        def observe(session: RoutineSession) -> None:  # saved before it is announced: see saving.py
            saver.observe(session, inputs)

        if options.plain:
            display = PlainDisplay(sys.stdout)
            session = run_routine(
                plan,
                clock=runtime.clock,
                inputs=inputs,
                display=display,
                cues=cues,
                resume_after_suspend=True,
                observe=observe,
            )
        else:
            with LiveDisplay(console()) as live:
                session = run_routine(
                    plan, clock=runtime.clock, inputs=inputs, display=live, cues=cues, observe=observe
                )
    return session


def open_history(paths: Paths, *, reset: bool, runtime: Runtime) -> sqlite3.Connection:
    """Open the history. Only a damaged one may be moved aside, and only if the user says so:
    with ``reset`` (after a check of every page), or answering yes on a terminal."""
    from stretchcoach.history.errors import HistoryError
    from stretchcoach.history.files import check_integrity, move_aside, open_for_writing, still_damaged

    note = zone_note()
    if note:
        print_error(note)
    path = paths.history_db
    try:
        db = open_for_writing(path)
        if reset:
            try:
                check_integrity(db, path)
            except HistoryError:
                db.close()
                raise
        return db
    except HistoryError as exc:
        if not exc.damaged:
            raise
        if not reset:
            if not runtime.interactive:
                raise
            console().print(f"The history database {path} is damaged ({exc.detail}).", markup=False, soft_wrap=True)
            answer = runtime.ask("Move it aside to a timestamped name and start a new history? [y/N] ")
            if (answer or "").strip().lower() not in ("y", "yes"):
                raise
        if not still_damaged(path):  # only real damage is ever moved: look again, with locks and the -wal
            raise
        moved = move_aside(path, now=local(runtime.now()))
        console().print(f"Moved the old history to {moved}; starting a new one.", markup=False, soft_wrap=True)
        return open_for_writing(path)


def _first_run_safety(paths: Paths, warning: str, *, plain: bool) -> bool:
    """Show the urgent signs before the very first routine; True if shown now."""
    marker = paths.data_dir / "safety-shown"
    if marker.exists():
        return False
    if plain:
        for line in render.safety_lines(warning):
            console().print(line, markup=False, soft_wrap=True)
    else:
        console().print(render.safety_view(warning))
    with contextlib.suppress(OSError):  # if it cannot be marked, it is shown again: better than never
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600))  # owner-only
    return True


def _persistence_check(db: sqlite3.Connection, paths: Paths, runtime: Runtime) -> None:
    from stretchcoach.history.db import checkins
    from stretchcoach.history.errors import guarded

    now = runtime.now()
    with guarded(paths.history_db):
        recent = checkins(db, since=now - timedelta(days=rule.WINDOW_DAYS))
    state = rule.persistence(recent, now=now)
    if state.persists:
        console().print(report.persists_panel(state))


def _intro(plan: Plan, warning: str, *, plain: bool, with_warning: bool) -> None:
    from stretchcoach.core.safety import SEE_SAFETY

    out = console()
    total = human_seconds(plan.total_seconds)
    names = ", ".join(s.name for s in plan.stretches)
    if plain:
        plain_lines = [f"{plan.routine.name}: {total}. {names}.", *plan.changes]
        if with_warning:
            plain_lines += [f"Safety: {warning}", SEE_SAFETY]
        for line in plain_lines:
            out.print(line, markup=False, soft_wrap=True)
        return
    lines = Text.assemble((plan.routine.name, "bold"), f" · {total} · {names}")
    for change in plan.changes:
        lines.append(f"\n• {change}")
    out.print(Panel(lines, border_style="blue"))
    if with_warning:
        out.print(render.warning_panel(warning))
    out.print("Keys: " + screen.KEY_HINTS, style="dim", markup=False)


def ask_pain(ask: Callable[[str], str | None], *, after: bool = False) -> int | None:
    """Ask for pain 0-10 until the answer is one (Enter or Ctrl-D skips)."""
    prompt = ("After the routine: " if after else "") + PAIN_PROMPT
    while True:
        try:
            answer = (ask(prompt) or "").strip()
        except KeyboardInterrupt:
            if after:  # the routine is over and recorded: just skip the question
                console().print()
                return None
            raise
        if not answer:
            return None
        if answer.isascii() and answer.isdigit() and rule.PAIN_MIN <= int(answer) <= rule.PAIN_MAX:  # not "²"
            return int(answer)
        console().print("Please type a whole number from 0 (no pain) to 10 (worst), or press Enter to skip.")


def _confirmed(ask: Callable[[str], str | None]) -> bool:
    """Enter starts; q (or Ctrl-D) cancels."""
    answer = ask("Press Enter to begin, or q then Enter to cancel: ")
    return answer is not None and answer.strip().lower() not in ("q", "quit", "n", "no")
