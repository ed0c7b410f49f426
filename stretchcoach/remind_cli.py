"""``stretchcoach remind``: the Typer sub-app (attached with ``app.add_typer(remind_app, name="remind")``).

Only typer is imported here at module level: ``remind due`` runs at every shell
prompt, and ``--help`` and completion must stay fast. Each command turns its
options into keyword arguments for :mod:`stretchcoach.commands.remind` and
prints what comes back; a :class:`~stretchcoach.errors.StretchcoachError` is
left to the main app, which prints its one line and exits with its code.

Tests pass a :class:`~stretchcoach.remind.edges.Edges` of fakes as the root
context's ``obj`` (or as its ``runtime``); otherwise the real one is used.
"""

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from stretchcoach.paths import Paths
    from stretchcoach.remind.edges import Edges

remind_app = typer.Typer(
    name="remind",
    help="Reminders to stretch, run by your system's own scheduler: nothing of stretchcoach's keeps running.\n\n"
    "They never suggest stretching when the rule says to stop and see a doctor.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _edges(ctx: typer.Context) -> "Edges":
    from stretchcoach.remind.edges import Edges

    obj = ctx.find_root().obj
    for candidate in (obj, getattr(obj, "runtime", None)):
        if isinstance(candidate, Edges):
            return candidate
    return Edges.real()


def _paths(ctx: typer.Context) -> "Paths":
    from stretchcoach.paths import Paths, resolve_paths

    paths = getattr(ctx.find_root().obj, "paths", None)
    return paths if isinstance(paths, Paths) else resolve_paths()


def _say(*lines: str, err: bool = False) -> None:
    import sys

    from stretchcoach.core.safe_text import visible

    stream = sys.stderr if err else sys.stdout
    stream.write("".join(visible(line) + "\n" for line in lines))
    stream.flush()


def _minutes(value: str | int) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 24 * 60:
        raise typer.BadParameter(f"expected a whole number of minutes from 0 to 1440; got {value!r}")
    return int(text)


def _backend(value: str) -> str:
    names = ("auto", "systemd", "launchd", "cron")
    if value not in names:
        raise typer.BadParameter(f"expected one of {', '.join(names)}; got {value!r}")
    return value


@remind_app.command("on")
def on(
    ctx: typer.Context,
    at: Annotated[
        str | None, typer.Option(metavar="HH:MM,...", help="Remind at these times of day, e.g. 10:00,15:00.")
    ] = None,
    every: Annotated[
        str | None, typer.Option(metavar="DURATION", help="Remind at this interval, e.g. 2h or 90m (15m to 24h).")
    ] = None,
    between: Annotated[
        str | None,
        typer.Option(metavar="HH:MM-HH:MM", help="With --every: from and to these times (default 09:00-18:00)."),
    ] = None,
    days: Annotated[
        str | None, typer.Option(metavar="DAYS", help="Only on these days, e.g. mon-fri or mon,wed,fri (default: all).")
    ] = None,
    backend: Annotated[
        str,
        typer.Option(metavar="NAME", parser=_backend, help="The scheduler: auto, systemd, launchd or cron."),
    ] = "auto",
    routine: Annotated[str, typer.Option(metavar="ROUTINE", help="The routine to suggest.")] = "back-relief",
    quiet: Annotated[
        int,
        typer.Option(metavar="MINUTES", parser=_minutes, help="No reminder within this long of a completed routine."),
    ] = 60,
    sound: Annotated[bool, typer.Option("--sound/--no-sound", help="Play a sound with each reminder.")] = False,
) -> None:
    """Turn reminders on, or change them.

    Writes a job for your system's scheduler (a systemd user timer, a launchd agent or
    crontab lines); nothing of stretchcoach's keeps running.
    """
    from stretchcoach.commands.remind import turn_on
    from stretchcoach.remind.schedule import build_schedule

    schedule = build_schedule(at=at, every=every, between=between, days=days)
    lines = turn_on(
        schedule=schedule,
        backend_name=backend,
        routine_id=routine,
        quiet_minutes=quiet,
        sound=sound,
        paths=_paths(ctx),
        edges=_edges(ctx),
    )
    _say(*lines)


@remind_app.command("off")
def off(ctx: typer.Context) -> None:
    """Turn reminders off: remove what `remind on` wrote, and nothing else."""
    from stretchcoach.commands.remind import turn_off

    _say(*turn_off(paths=_paths(ctx), edges=_edges(ctx)))


@remind_app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines.")] = False,
) -> None:
    """Show what is installed and when the next reminder comes."""
    from stretchcoach.commands.remind import status as read_status
    from stretchcoach.remind.view import status_json, status_lines

    report = read_status(paths=_paths(ctx), edges=_edges(ctx))
    if as_json:
        import json

        _say(json.dumps(status_json(report), indent=2))
    else:
        _say(*status_lines(report))


@remind_app.command("snooze")
def snooze(
    ctx: typer.Context,
    duration: Annotated[
        str | None, typer.Argument(metavar="[DURATION]", help="How long to pause reminders, e.g. 30m, 1h, 2d.")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(metavar="WHEN", help="Pause until then: tomorrow, 14:30, 2026-12-01 or '2026-12-01 09:00'."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="End the pause now.")] = False,
) -> None:
    """Pause reminders: `snooze 1h`, or `snooze --until tomorrow`."""
    from stretchcoach.commands.remind import snooze as pause

    _say(pause(duration=duration, until=until, clear=clear, paths=_paths(ctx), edges=_edges(ctx)))


@remind_app.command("notify")
def notify(
    ctx: typer.Context,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Show the reminder now, whatever the schedule, snooze or last routine (to try it out)."
        ),
    ] = False,
) -> None:
    """Show a reminder if one is due now (the scheduled job runs this).

    When the rule says to stop, the notice says to see a doctor instead (once a day).
    """
    import sys

    from stretchcoach.commands.remind import notify as run_notify

    def ring(line: str) -> None:  # the last resort: a line on the terminal, with the bell
        from stretchcoach.core.safe_text import visible

        sys.stdout.write("\a" + visible(line) + "\n")
        sys.stdout.flush()

    notes = run_notify(paths=_paths(ctx), edges=_edges(ctx), force=force, ring=ring)
    if notes:
        _say(*notes, err=True)


@remind_app.command("due")
def due(ctx: typer.Context) -> None:
    """Print one line; exit 0 if a routine is due, 1 if not.

    For a shell prompt or a tmux status line; it never notifies.
    """
    from stretchcoach.commands.remind import due as check_due

    result = check_due(paths=_paths(ctx), edges=_edges(ctx))
    _say(result.line)
    raise typer.Exit(0 if result.due else 1)
