"""Adapters: everything the reminders take from the rest of stretchcoach, one small function each.

The rest of stretchcoach is being reorganised; when a module moves, only the
import in the function here changes.

- :func:`routine_summary` — the catalog and the plan: a routine's name and length.
- :func:`history_facts` — the history's read API and the rule: the latest verdict,
  whether the pain persists, when a routine was last completed.
- :func:`doctor_advice` — the see-a-doctor wording.
- :func:`play_sound` — the sound files and a system player.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from stretchcoach.errors import StretchcoachError
from stretchcoach.remind.decide import NO_STOP, PainState, RoutineSummary, pain_state
from stretchcoach.remind.edges import Edges

# How far back the latest completed routine is looked for.
RECENT_DAYS = 30


def routine_summary(*, user_catalog: Path, cache_dir: Path, routine_id: str) -> RoutineSummary:
    """The routine's name and its planned length, from the built-in catalog and the user's.

    Raises StretchcoachError for an unknown routine or a broken catalog.
    """
    from stretchcoach.catalog.assemble import load_catalog
    from stretchcoach.core.plan import find_routine, plan_routine

    catalog = load_catalog(catalog_path=None, user_catalog=user_catalog, cache_dir=cache_dir)
    routine = find_routine(catalog, routine_id)
    return RoutineSummary(routine.id, routine.name, plan_routine(catalog, routine).total_seconds)


@dataclass(frozen=True)
class HistoryFacts:
    pain: PainState = NO_STOP
    last_completed: datetime | None = None  # aware: when the latest completed routine ended


def history_facts(history_db: Path, *, now: datetime) -> HistoryFacts:
    """What the history says for reminders; nothing is created or written. A history that
    cannot be read raises the history's own error (a StretchcoachError)."""
    from stretchcoach.history import queries
    from stretchcoach.history.store import open_for_reading

    store = open_for_reading(history_db)
    if store is None:
        return HistoryFacts()
    with store, store.reading():
        sessions = queries.recent_sessions(store, since=now - timedelta(days=RECENT_DAYS))
        state = queries.rule_state(store, now=now)
    # Sessions keep their start and the seconds actually spent: the end is at least that late.
    ends = [row.started_at + timedelta(seconds=row.active_seconds) for row in sessions if row.outcome == "completed"]
    return HistoryFacts(pain_state(state), max(ends, default=None))


def doctor_advice() -> str:
    from stretchcoach.core.safety import STOP_ADVICE

    return STOP_ADVICE


def play_sound(name: str, *, edges: Edges) -> None:
    """Play a sound by name through the first player found; quietly nothing if there is none.

    Waited for (the runner's timeout bounds it): a job's leftover processes are
    ended with it under systemd.
    """
    from stretchcoach.live.sound import SOUNDS_DIR, Sound, find_player

    try:
        sound = Sound(name)
    except ValueError:  # a name from a newer or older settings file
        sound = Sound.UPCOMING
    player = find_player(edges.find)
    if player is None:
        return
    with contextlib.suppress(StretchcoachError):
        edges.runner(player.command(SOUNDS_DIR / f"{sound.value}.wav"))
