"""The routine command: plan a routine, print the plan, or follow it with a timer, cues and check-ins.

Everything outside the process (clocks, prompts, keys, the bell) comes in as a
:class:`~stretchcoach.runtime.Runtime`, so the whole flow runs under test with
a fake clock and scripted keys and answers. The prompts before and after, and
opening the history, are in ``commands.checkins``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stretchcoach.core.model import Catalog
from stretchcoach.core.plan import Plan, PlanOptions, plan_routine
from stretchcoach.errors import ExitCode
from stretchcoach.views import plan as plan_view
from stretchcoach.views.output import Output

if TYPE_CHECKING:
    from stretchcoach.core.session import RoutineSession
    from stretchcoach.history.saving import Saver
    from stretchcoach.history.store import HistoryStore
    from stretchcoach.live.cues import Cues
    from stretchcoach.paths import Paths
    from stretchcoach.runtime import Runtime


@dataclass(frozen=True)
class RunOptions:
    confirm: bool = True  # on a terminal, wait for Enter before starting
    sound: str = "auto"  # a live.sound.SoundMode: auto, chime, bell or off
    volume: int = 100  # of the chimes, 0 to 100
    voice: bool = False
    on_step: str | None = None
    checkin: bool = True  # ask for pain before and after, on a terminal
    pain_before: int | None = None
    pain_after: int | None = None
    reset_history: bool = False


def plan(*, catalog: Catalog, routine_id: str, options: PlanOptions, voice: bool = False) -> Plan:
    """The routine ``routine_id`` of ``catalog``, planned with ``options`` (with ``voice``: with time
    to say every get-ready step's words, ``core.voiced``)."""
    if voice:
        from stretchcoach.core.voiced import plan_for_voice

        return plan_for_voice(catalog, catalog.get_routine(routine_id), options)
    return plan_routine(catalog, catalog.get_routine(routine_id), options)


def print_plan(plan: Plan, *, as_json: bool, output: Output) -> None:
    plan_view.show_plan(output, plan, as_json=as_json)


def run(plan: Plan, *, warning: str, options: RunOptions, paths: Paths, runtime: Runtime, output: Output) -> ExitCode:
    """Follow ``plan``: the safety first, the rule, a check-in, the routine itself, a check-in, the
    summary. Returns the exit code: the outcome's, or :attr:`ExitCode.STOP` when the rule says stop."""
    # Imported here: `routine --plan` needs none of the prompts, the cues, the terminal, the rule nor Rich.
    from stretchcoach.commands.checkins import (
        ask_pain,
        can_check_in,
        confirmed,
        first_run_safety,
        open_history,
        rule_gate,
    )
    from stretchcoach.core import rule
    from stretchcoach.core.session import Outcome
    from stretchcoach.live.cues import parse_hook, routine_cues
    from stretchcoach.live.sound import SoundMode
    from stretchcoach.views import routine as routine_view

    no_pain_after = (Outcome.INTERRUPTED, Outcome.TERMINATED, Outcome.HANGUP)  # asking is not possible, or wanted

    hook = parse_hook(options.on_step) if options.on_step else None
    interactive = runtime.interactive
    checking_in = options.checkin and can_check_in(runtime)
    db = open_history(paths, reset=options.reset_history, runtime=runtime, output=output)
    cues: Cues | None = None
    try:
        first_run = first_run_safety(paths, warning, runtime=runtime, output=output)  # it has the warning: not twice
        state = rule_gate(db, runtime=runtime, output=output)  # before anything else is asked or shown
        routine_view.show_intro(output, plan, warning, with_warning=not first_run, keys=runtime.keys)
        notes: list[str] = []  # lines for the person while the routine runs, from the cues and the saver
        cues, said = routine_cues(
            sound=SoundMode(options.sound),
            volume=options.volume,
            voice=options.voice,
            hook=hook,
            bell_out=runtime.bell_out,
            notes=notes,
        )
        for line in said:
            output.print(line)
        pain_before = options.pain_before
        if pain_before is None and checking_in:
            pain_before = ask_pain(runtime.ask, output=output)
        if options.confirm and interactive and not confirmed(runtime.ask):
            output.print("Cancelled.")
            return Outcome.QUIT.exit_code

        saver = _start_saving(db, plan, paths, runtime, notes, pain_before=pain_before)
        session = _follow(plan, runtime=runtime, cues=cues, notes=notes, saver=saver, output=output)
        outcome = session.outcome or Outcome.QUIT
        saver.recorder.finish(session, ended_at=runtime.now())  # one try now; the last wait is below
        hurt = outcome is Outcome.HURT
        verdict = rule.after_routine(pain_before, None, hurt=hurt)
        try:
            if hurt:  # the stop first, before anything is asked
                routine_view.show_stop(output, verdict, warning)
            pain_after = options.pain_after
            if pain_after is None and checking_in and outcome not in no_pain_after:
                pain_after = ask_pain(runtime.ask, after=True, settle=runtime.settle, output=output)
            if pain_after is not None:
                saver.recorder.pain_after(pain_after)
            verdict = rule.after_routine(pain_before, pain_after, hurt=hurt)
            ended = rule.Routine(runtime.now(), pain_before, pain_after, outcome.value)
            # Said only where nothing else keeps the rule binding: pain that persists still does.
            lifted = state.stop if state.stop and ended.clears_a_stop and not state.persistence.persists else None
            routine_view.show_summary(
                output, session, warning, verdict, pain_before, pain_after, stop_shown=hurt, lifted=lifted
            )
            cues.flush(runtime.sleep, runtime.clock)
        except OSError:  # the terminal is gone (SIGHUP): the history has it all, or says below
            pass
        _finish_saving(saver, runtime, signalled=outcome in no_pain_after, output=output)
        return ExitCode.STOP if verdict.stop else outcome.exit_code
    finally:
        db.close()
        if cues is not None:  # after the summary: the last words and hooks get a moment, then are ended
            cues.close(runtime.clock, runtime.sleep)


def _follow(
    plan: Plan, *, runtime: Runtime, cues: Cues, notes: list[str], saver: Saver, output: Output
) -> RoutineSession:
    from stretchcoach.live.loop import run_routine
    from stretchcoach.views.displays import routine_display

    display = routine_display(output)
    with runtime.open_terminal(restore_cursor=display.hides_cursor) as terminal, display:
        inputs = saver.watching(terminal)

        def observe(session: RoutineSession) -> None:  # saved before it is announced: see saving.py
            saver.observe(session)

        return run_routine(
            plan,
            clock=runtime.clock,
            inputs=inputs,
            display=display,
            cues=cues,
            notes=notes,
            resume_after_suspend=not runtime.keys,  # no keys to resume with: carry on by itself
            observe=observe,
        )


def _start_saving(
    db: HistoryStore, plan: Plan, paths: Paths, runtime: Runtime, notes: list[str], *, pain_before: int | None
) -> Saver:
    """Save the session row before the first step. Anything but a busy database stops here, with
    nothing done yet to lose; a busy one is waited for a little, then the routine starts behind."""
    from stretchcoach.history.errors import history_error
    from stretchcoach.history.problems import is_busy
    from stretchcoach.history.recorder import Recorder
    from stretchcoach.history.saving import Saver

    recorder = Recorder.start(db, plan, started_at=runtime.now(), pain_before=pain_before)
    if recorder.failure is not None and not is_busy(recorder.failure):
        raise history_error(paths.history_db, recorder.failure)
    saver = Saver(recorder, path=paths.history_db, clock=runtime.clock, notes=notes)
    saver.wait_to_start(runtime.sleep)
    return saver


def _finish_saving(saver: Saver, runtime: Runtime, *, signalled: bool, output: Output) -> None:
    """The last save waits a little (less after a signal); if it still fails, one line says so."""
    from stretchcoach.history.saving import FINAL_WAIT_SECONDS, SIGNAL_WAIT_SECONDS

    try:
        saved = saver.wait_at_end(runtime.sleep, seconds=SIGNAL_WAIT_SECONDS if signalled else FINAL_WAIT_SECONDS)
    except KeyboardInterrupt:  # Ctrl-C again while waiting: stop waiting, but still say it
        output.error(saver.what_was_lost())
        raise
    if not saved:
        with contextlib.suppress(OSError):
            output.error(saver.what_was_lost())
