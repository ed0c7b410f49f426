"""What the routine command asks and checks before and after a routine: pain check-ins, the
start prompt, the urgent signs on the first run, pain that persists, and a damaged history."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from stretchcoach.core import rule
from stretchcoach.localtime import local, zone_note
from stretchcoach.paths import Paths
from stretchcoach.runtime import Runtime
from stretchcoach.views.output import Output
from stretchcoach.views.safety import persists_panel, show_safety

if TYPE_CHECKING:
    from stretchcoach.history.store import HistoryStore

PAIN_PROMPT = "Back pain right now, 0–10 (Enter to skip): "


def ask_pain(ask: Callable[[str], str | None], *, after: bool = False, output: Output) -> int | None:
    """Ask for pain 0-10 until the answer is one (Enter or Ctrl-D skips)."""
    prompt = ("After the routine: " if after else "") + PAIN_PROMPT
    while True:
        try:
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


def first_run_safety(paths: Paths, warning: str, *, output: Output) -> bool:
    """Show the urgent signs before the very first routine; True if shown now."""
    marker = paths.data_dir / "safety-shown"
    if marker.exists():
        return False
    show_safety(output, warning)
    with contextlib.suppress(OSError):  # if it cannot be marked, it is shown again: better than never
        os.close(os.open(marker, os.O_CREAT | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600))  # owner-only
    return True


def persistence_check(db: HistoryStore, *, runtime: Runtime, output: Output) -> None:
    """Say so before the routine if the person's pain has persisted over their recent check-ins."""
    from stretchcoach.history.queries import checkins

    now = runtime.now()
    recent = checkins(db, since=now - timedelta(days=rule.WINDOW_DAYS))
    state = rule.persistence(recent, now=now)
    if state.persists:
        output.print(persists_panel(state))


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
            output.lines([f"The history database {path} is damaged ({exc.detail})."])
            answer = runtime.ask("Move it aside to a timestamped name and start a new history? [y/N] ")
            if (answer or "").strip().lower() not in ("y", "yes"):
                raise
        if not still_damaged(path):  # only real damage is ever moved: look again, with locks and the -wal
            raise
        moved = move_aside(path, now=local(runtime.now()))
        output.lines([f"Moved the old history to {moved}; starting a new one."])
        return open_for_writing(path)
