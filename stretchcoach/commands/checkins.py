"""What the routine command asks and checks before and after a routine: pain check-ins, the
start prompt, the urgent signs on the first run, the rule in force, and a damaged history."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from stretchcoach.core import rule
from stretchcoach.core.safety import GO_ON_PROMPT, GO_ON_REFUSED, NEW_HISTORY_FORGETS, NOT_STARTED
from stretchcoach.errors import ExitCode, StretchcoachError
from stretchcoach.localtime import local, zone_note
from stretchcoach.paths import Paths
from stretchcoach.runtime import Runtime
from stretchcoach.views.output import Output
from stretchcoach.views.safety import safety_pages, show_safety, show_safety_page

if TYPE_CHECKING:
    from stretchcoach.history.store import HistoryStore

PAIN_PROMPT = "Back pain right now, 0–10 (Enter to skip): "
MORE_PROMPT = "More below: press Enter to read on: "
READ_PROMPT = "Press Enter when you have read this: "
# Rows printed after the safety text before the person is next asked anything (the routine's
# introduction, the keys, the pain question): if the text and these do not fit, the top of the
# text would scroll away unread, so the person is asked to press Enter first.
AFTER_SAFETY_ROWS = 8


def can_check_in(runtime: Runtime) -> bool:
    """Whether the pain check-ins can be asked: someone can type at standard input, a terminal,
    and see the question there.

    Standard output need not be the terminal (`routine --plain | tee log`): the prompt then
    goes to standard error (see ``runtime._ask``); with both sent to files, nothing is asked.
    Before and after a routine alike, so that the rule sees both numbers or neither.
    """
    return runtime.keys and runtime.prompts_seen


def ask_pain(
    ask: Callable[[str], str | None],
    *,
    after: bool = False,
    settle: Callable[[], None] | None = None,
    output: Output,
) -> int | None:
    """Ask for pain 0-10 until the answer is one (Enter or Ctrl-D skips).

    ``settle`` first lets keys still being pressed from the routine stop, and drops them:
    they must never answer the question (see ``Runtime.settle``).
    """
    prompt = ("After the routine: " if after else "") + PAIN_PROMPT
    while True:
        try:
            if settle is not None:
                settle()
                settle = None
            answer = (ask(prompt) or "").strip()
        except KeyboardInterrupt:
            if after:  # the routine is over and recorded: just skip the question
                output.print()
                return None
            raise
        if not answer:
            return None
        if answer.isascii() and answer.isdigit() and rule.PAIN_MIN <= int(answer) <= rule.PAIN_MAX:  # not "²"
            return int(answer)
        output.print("Please type a whole number from 0 (no pain) to 10 (worst), or press Enter to skip.")


def confirmed(ask: Callable[[str], str | None]) -> bool:
    """Enter starts; q (or Ctrl-D) cancels."""
    answer = ask("Press Enter to begin, or q then Enter to cancel: ")
    return answer is not None and answer.strip().lower() not in ("q", "quit", "n", "no")


def first_run_safety(paths: Paths, warning: str, *, runtime: Runtime, output: Output) -> bool:
    """Show the urgent signs before the very first routine; True if shown now.

    On a terminal it is never scrolled away unread: where it does not fit, it is shown a
    screenful at a time, and where what comes after it would push it off the screen, the
    person presses Enter when they have read it. It counts as shown once it all has been.
    """
    marker = paths.data_dir / "safety-shown"
    if marker.exists():
        return False
    if not runtime.interactive:
        show_safety(output, warning)
    else:
        screen = output.console().height
        pages = safety_pages(output, warning, rows=screen - 1)  # the last row for the prompt
        for page in pages[:-1]:
            show_safety_page(output, page)
            runtime.ask(MORE_PROMPT)
        show_safety_page(output, pages[-1])
        if len(pages) > 1 or pages[-1].rows + AFTER_SAFETY_ROWS > screen:
            runtime.ask(READ_PROMPT)
    with contextlib.suppress(OSError):  # if it cannot be marked, it is shown again: better than never
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600))  # owner-only
    return True


def rule_gate(db: HistoryStore, *, runtime: Runtime, output: Output) -> rule.RuleState:
    """Before a routine: if the rule says stop (a stop in force, or pain that persists), say why,
    and go on only if the person types yes, each time, which is recorded. ``--yes`` is not
    enough, and without a terminal to type at the routine does not start. Returns the rule's
    state as the routine starts (the summary says if the routine lifts a stop).

    Raises :class:`StretchcoachError` with :attr:`ExitCode.STOP` when it does not start.
    """
    from stretchcoach.history import queries, rule_events
    from stretchcoach.views.rule import show_rule

    state = queries.rule_state(db, now=runtime.now())
    if not state.binding:
        return state
    show_rule(output, state)
    if not runtime.interactive:
        raise StretchcoachError(GO_ON_REFUSED, exit_code=ExitCode.STOP)
    answer = runtime.ask(GO_ON_PROMPT)
    if (answer or "").strip().lower() != "yes":
        raise StretchcoachError(NOT_STARTED, exit_code=ExitCode.STOP)
    rule_events.record(db, rule_events.WENT_ON, at=runtime.now(), reason=state.reason)
    return state


def open_history(paths: Paths, *, reset: bool, runtime: Runtime, output: Output) -> HistoryStore:
    """Open the history. Only a damaged one may be moved aside, and only if the user says so:
    with ``reset`` (after a check of every page), or answering yes on a terminal."""
    from stretchcoach.history.errors import HistoryError
    from stretchcoach.history.files import move_aside
    from stretchcoach.history.store import check_integrity, open_for_writing, still_damaged

    note = zone_note()
    if note:
        output.error(note)
    path = paths.history_db
    try:
        db = open_for_writing(path)
        if reset:
            try:
                check_integrity(db)
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
            output.lines([f"The history database {path} is damaged ({exc.detail}).", NEW_HISTORY_FORGETS])
            answer = runtime.ask("Move it aside to a timestamped name and start a new history? [y/N] ")
            if (answer or "").strip().lower() not in ("y", "yes"):
                raise
        if not still_damaged(path):  # only real damage is ever moved: look again, with locks and the -wal
            raise
        moved = move_aside(path, now=local(runtime.now()))
        output.lines([f"Moved the old history to {moved}; starting a new one."])
        return open_for_writing(path)
