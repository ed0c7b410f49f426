"""``stretchcoach remind``: reminders to stretch, run by the system's own scheduler.

One function per subcommand. Each takes what it touches as keyword arguments
(the paths, the :class:`~stretchcoach.remind.edges.Edges` bundle with the clock,
the runner and the environment) and returns what to show; ``remind_cli``
only turns options into these arguments and prints the result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from stretchcoach.errors import StretchcoachError
from stretchcoach.paths import Paths
from stretchcoach.remind import state as saved
from stretchcoach.remind.backends import Installed, backend, choose, job_for
from stretchcoach.remind.clock import aware, wall_clock
from stretchcoach.remind.decide import NO_STOP, Due, Kind, PainState, Situation, notice
from stretchcoach.remind.decide import due as due_now
from stretchcoach.remind.edges import Edges
from stretchcoach.remind.notifier import post
from stretchcoach.remind.schedule import Schedule, moment_words, next_run, snooze_end
from stretchcoach.remind.sources import HistoryFacts, doctor_advice, history_facts, play_sound, routine_summary
from stretchcoach.remind.state import RemindState

UPCOMING_SOUND = "upcoming"


def _state(paths: Paths) -> RemindState | None:
    return saved.load(saved.state_path(paths.data_dir))


def _on_state(paths: Paths) -> RemindState:
    state = _state(paths)
    if state is None:
        raise StretchcoachError("reminders are off; turn them on with `stretchcoach remind on --at 10:00,15:00`")
    return state


# -- remind on / off -------------------------------------------------------------------------------


def turn_on(
    *,
    schedule: Schedule,
    backend_name: str,
    routine_id: str,
    quiet_minutes: int,
    sound: bool,
    paths: Paths,
    edges: Edges,
) -> list[str]:
    """Install the reminders (replacing any that are on) and save their state: all of it, or nothing."""
    path = saved.state_path(paths.data_dir)
    previous = saved.load(path)
    summary = routine_summary(user_catalog=paths.user_catalog, cache_dir=paths.cache_dir, routine_id=routine_id)
    chosen = choose(backend_name, edges)
    same = previous is not None and previous.installed.backend == chosen.name
    installed = chosen.install(job_for(schedule, edges), previous.installed if same and previous else None)
    state = RemindState(
        schedule=schedule,
        installed=installed,
        routine_id=summary.id,
        routine=summary,
        quiet_minutes=quiet_minutes,
        sound=sound,
        doctor_notice_on=previous.doctor_notice_on if previous else None,
        last_notice=previous.last_notice if previous else None,
    )
    try:
        saved.save(path, state)
    except StretchcoachError as exc:
        with contextlib.suppress(StretchcoachError):
            chosen.remove(installed)
        exc.message += "; the reminders are off now" if same else "; the reminders were not turned on"
        raise
    lines = [f"Reminders on, with {chosen.description}: {schedule.describe()}."]
    now = wall_clock(edges.now())
    upcoming = next_run(schedule, now)
    if upcoming is not None:
        lines.append(f"Next: {moment_words(upcoming, now)}. Each reminder says: {summary.line()}")
    lines.append(_written(installed))
    if previous is not None and not same:
        lines += _remove_quietly(previous.installed, edges, what="the reminders installed before")
    return lines


def _written(installed: Installed) -> str:
    if installed.backend == "cron":
        return "Added to your crontab, between stretchcoach's marker lines; `stretchcoach remind off` removes them."
    them = "them" if len(installed.files) > 1 else "it"
    return f"Wrote {' and '.join(installed.files)}; `stretchcoach remind off` removes {them}."


def _remove_quietly(installed: Installed, edges: Edges, *, what: str) -> list[str]:
    try:
        return backend(installed.backend, edges).remove(installed)
    except StretchcoachError as exc:
        return [f"note: could not remove {what} ({installed.backend}): {exc}"]


def found_installs(edges: Edges) -> list[Installed]:
    """stretchcoach's reminders where each scheduler keeps them, known by their markers (for
    ``remind off`` when the state file is gone or damaged)."""
    from stretchcoach.remind import cron, launchd, systemd

    found: list[Installed] = []
    units = systemd.Systemd(edges)
    ours = tuple(str(p) for p in (units.timer, units.service) if systemd.is_ours(p))
    if ours:
        found.append(Installed("systemd", ours))
    agent = launchd.Launchd(edges).plist
    if launchd.is_ours(agent):
        found.append(Installed("launchd", (str(agent),)))
    if edges.find("crontab"):
        with contextlib.suppress(StretchcoachError):
            if cron.has_block(cron.Cron(edges).read()):
                found.append(Installed("cron"))
    return found


def turn_off(*, paths: Paths, edges: Edges) -> list[str]:
    """Remove exactly what ``remind on`` wrote, then the state."""
    path = saved.state_path(paths.data_dir)
    try:
        state = saved.load(path)
        damaged = False
    except saved.DamagedState:
        state, damaged = None, True
    records = [state.installed] if state is not None else found_installs(edges)
    if not records and state is None and not damaged:
        return ["Reminders are off; there was nothing to remove."]
    notes: list[str] = []
    for installed in records:
        notes += backend(installed.backend, edges).remove(installed)
    saved.remove(path)
    if not records:
        return [f"Reminders off: none were installed; removed the unreadable {path}."]
    return ["Reminders off: removed what `stretchcoach remind on` had written.", *notes]


# -- remind status / snooze ------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    state: RemindState | None
    now: datetime  # wall clock
    next_reminder: datetime | None  # wall clock, after any snooze
    description: str = ""  # how it is installed, in words
    problems: tuple[str, ...] = ()
    pain: PainState = NO_STOP  # what the rule says now


def status(*, paths: Paths, edges: Edges) -> Status:
    now = wall_clock(edges.now())
    state = _state(paths)
    if state is None:
        return Status(None, now, None)
    chosen = backend(state.installed.backend, edges)
    try:
        problems = tuple(chosen.missing(state.installed))
    except StretchcoachError as exc:
        problems = (str(exc),)
    facts, note = _facts(paths, edges.now())
    problems += (note.removeprefix("note: "),) if note else ()
    return Status(state, now, _next_reminder(state, now), chosen.description, problems, facts.pain)


def _next_reminder(state: RemindState, now: datetime) -> datetime | None:
    start = now
    if state.snoozed_until is not None:
        start = max(now, wall_clock(state.snoozed_until) - timedelta(seconds=1))  # a run at its very end counts
    return next_run(state.schedule, start)


def snooze(*, duration: str | None, until: str | None, clear: bool, paths: Paths, edges: Edges) -> str:
    state = _on_state(paths)
    now = wall_clock(edges.now())
    if clear:
        if duration is not None or until is not None:
            raise StretchcoachError("--clear: give it alone, without a duration or --until")
        state = state.but(snoozed_until=None)
        said = "Snooze cleared"
    else:
        end = snooze_end(duration=duration, until=until, now=now)
        state = state.but(snoozed_until=aware(end))
        said = f"Reminders snoozed until {moment_words(end, now)}"
    saved.save(saved.state_path(paths.data_dir), state)
    upcoming = _next_reminder(state, now)
    return f"{said}; the next one: {moment_words(upcoming, now) if upcoming else 'none this week'}."


# -- remind notify / due ---------------------------------------------------------------------------


def _facts(paths: Paths, now: datetime) -> tuple[HistoryFacts, str | None]:
    try:
        return history_facts(paths.history_db, now=now), None
    except StretchcoachError as exc:
        return HistoryFacts(), f"note: {exc}"


def _situation(state: RemindState, facts: HistoryFacts, now: datetime) -> Situation:
    return Situation(
        schedule=state.schedule,
        now=wall_clock(now),
        routine=state.routine,
        pain=facts.pain,
        snoozed_until=wall_clock(state.snoozed_until) if state.snoozed_until else None,
        last_completed=wall_clock(facts.last_completed) if facts.last_completed else None,
        quiet_minutes=state.quiet_minutes,
        doctor_notice_on=state.doctor_notice_on,
    )


def notify(*, paths: Paths, edges: Edges, force: bool, ring: Callable[[str], None]) -> list[str]:
    """What the scheduled job runs: show a reminder, a see-a-doctor notice, or nothing.

    Returns notes for stderr (a history that cannot be read); what happened is
    kept in the state for ``remind status``.
    """
    state = _state(paths)
    if state is None:
        return ["note: reminders are off (`stretchcoach remind on` turns them on); nothing was shown"]
    now = edges.now()
    facts, note = _facts(paths, now)
    with contextlib.suppress(StretchcoachError):  # a broken catalog: the name saved at `remind on`
        state = state.but(
            routine=routine_summary(
                user_catalog=paths.user_catalog, cache_dir=paths.cache_dir, routine_id=state.routine_id
            )
        )
    shown = notice(_situation(state, facts, now), advice=doctor_advice(), force=force)
    if shown.kind is Kind.QUIET:
        what = f"nothing shown: {shown.reason}"
    else:
        how = post(shown.title, shown.body, urgent=shown.kind is Kind.DOCTOR, edges=edges, ring=ring)
        what = f"{'a reminder' if shown.kind is Kind.REMIND else 'the see-a-doctor notice'}, shown with {how}"
        if shown.kind is Kind.REMIND and state.sound:
            play = edges.play or (lambda name: play_sound(name, edges=edges))
            play(UPCOMING_SOUND)
    doctor_day = wall_clock(now).date() if shown.kind is Kind.DOCTOR else state.doctor_notice_on
    saved.save(saved.state_path(paths.data_dir), state.but(last_notice=(now, what), doctor_notice_on=doctor_day))
    return [note] if note else []


def due(*, paths: Paths, edges: Edges) -> Due:
    """For a shell prompt or a status line: is a routine due now, and one line either way."""
    state = _state(paths)
    if state is None:
        return Due(False, "Reminders are off")
    now = edges.now()
    facts, _ = _facts(paths, now)
    return due_now(_situation(state, facts, now))
