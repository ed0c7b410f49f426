"""The command line: turn options into the keyword arguments of a command (``commands/``).

Each command is given an :class:`~stretchcoach.views.output.Output`, built here
once with the output mode. Heavy modules (yaml, rich.live, sqlite3) are imported
inside the commands that need them, so ``--help`` and completion stay fast.

No ``from __future__ import annotations`` here: Typer reads every command's
annotations when it builds the command line, and strings would each be compiled
again on every run; evaluated when the module loads, they come from its bytecode.
"""

import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stretchcoach import __version__
from stretchcoach import options as parse
from stretchcoach.core.safety import HELP_NOTE
from stretchcoach.errors import StretchcoachError
from stretchcoach.exits import CommandGroup, cannot_write
from stretchcoach.remind_cli import remind_app

if TYPE_CHECKING:
    from stretchcoach.core.model import Catalog
    from stretchcoach.paths import Paths
    from stretchcoach.runtime import Runtime

app = typer.Typer(
    name="stretchcoach",
    cls=CommandGroup,
    help=f"A terminal coach for a short stretching routine for back pain.\n\n{HELP_NOTE}",
    epilog="Your own stretches and routines go in catalog.yaml in the config directory "
    "($STRETCHCOACH_HOME/config when that is set); they add to, or replace by id, the built-in ones.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain Click help and one-line usage errors: Typer's Rich formatter imports
    # markdown, pygments and tracebacks, which would double the cost of --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass(frozen=True)
class Settings:
    """What the global options and the environment decided, resolved once."""

    catalog_path: Path | None
    paths: "Paths"
    runtime: "Runtime | None" = None  # None: the real clocks and terminal (tests pass theirs as `obj`)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stretchcoach {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    catalog: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            metavar="FILE",
            help="Use FILE as your own catalog, over the built-in one, instead of catalog.yaml "
            "in the config directory.",
            dir_okay=True,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback when something fails.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    from stretchcoach.paths import resolve_paths

    ctx.obj = Settings(catalog_path=catalog, paths=resolve_paths(), runtime=ctx.obj)


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    if isinstance(settings, Settings):
        return settings
    from stretchcoach.paths import resolve_paths  # completion runs without the root callback

    catalog = ctx.find_root().params.get("catalog")
    return Settings(catalog_path=Path(catalog) if catalog else None, paths=resolve_paths())


def _catalog(ctx: typer.Context) -> "Catalog":
    from stretchcoach.catalog.assemble import load_catalog

    settings = _settings(ctx)
    return load_catalog(
        catalog_path=settings.catalog_path,
        user_catalog=settings.paths.user_catalog,
        cache_dir=settings.paths.cache_dir,
    )


def _complete_stretch(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        catalog = _catalog(ctx)
    except StretchcoachError:
        return []
    return [(s.id, s.name) for s in catalog.stretches if s.id.startswith(incomplete)]


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SoundOption = Annotated[
    str,
    typer.Option(
        "--sound",
        metavar="MODE",
        parser=parse.sound_mode,
        envvar="STRETCHCOACH_SOUND",
        help="auto (chimes through a sound player; the terminal bell over SSH or without a player), "
        "chime, bell or off.",
    ),
]
VolumeOption = Annotated[
    int,
    typer.Option(
        "--volume", metavar="0-100", parser=parse.whole_number(0, 100), help="Loudness of the chimes (0-100)."
    ),
]


@app.command("list")
def list_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the stretches and routines in the catalog."""
    from stretchcoach.commands.list import list_catalog
    from stretchcoach.views.output import Output

    list_catalog(catalog=_catalog(ctx), as_json=as_json, output=Output())


@app.command()
def show(
    ctx: typer.Context,
    stretch: Annotated[
        str,
        typer.Argument(help="A stretch id or name, in any case.", autocompletion=_complete_stretch),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Show how to do one stretch."""
    from stretchcoach.commands.show import show_stretch
    from stretchcoach.views.output import Output

    show_stretch(catalog=_catalog(ctx), query=stretch, as_json=as_json, output=Output())


@app.command()
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Catalog files to check (default: your own catalog).", metavar="[FILE]...", show_default=False
        ),
    ] = None,
) -> None:
    """Check catalog files and report every problem with its line and column.

    Each FILE is checked as `stretchcoach --catalog FILE` loads it: over the built-in
    catalog, whose stretches its routines may name. Without FILE, checks your own
    catalog: the --catalog file, or catalog.yaml in the config directory if there is one.
    """
    from stretchcoach.commands.validate import validate as validate_files
    from stretchcoach.views.output import Output

    settings = _settings(ctx)
    validate_files(
        files=files or [],
        catalog_path=settings.catalog_path,
        user_catalog=settings.paths.user_catalog,
        cache_dir=settings.paths.cache_dir,
        output=Output(),
    )


@app.command()
def routine(
    ctx: typer.Context,
    routine_id: Annotated[
        str, typer.Argument(metavar="ROUTINE", help="Routine id (see `stretchcoach list`).")
    ] = "back-relief",
    hold: Annotated[
        int | None,
        typer.Option(metavar="SECONDS", parser=parse.hold_seconds, help="Hold every held stretch this long."),
    ] = None,
    reps: Annotated[
        int | None,
        typer.Option(
            metavar="N", parser=parse.whole_number(1, 100), help="Rounds (1-100) for every stretch done in rounds."
        ),
    ] = None,
    prep: Annotated[
        int | None,
        typer.Option(metavar="SECONDS", parser=parse.gap_seconds, help="Get-ready time before each stretch."),
    ] = None,
    rest: Annotated[
        int | None, typer.Option(metavar="SECONDS", parser=parse.gap_seconds, help="Rest between stretches.")
    ] = None,
    switch: Annotated[
        int | None, typer.Option(metavar="SECONDS", parser=parse.gap_seconds, help="Time to change sides.")
    ] = None,
    only: Annotated[str | None, typer.Option(metavar="ID,ID", help="Do only these stretches.")] = None,
    skip: Annotated[str | None, typer.Option(metavar="ID,ID", help="Leave these stretches out.")] = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            metavar="MINUTES",
            parser=parse.minutes,
            help="Fit the routine into at most this many minutes (0.5-120): rounds, rest and get-ready time "
            "go first; holds never go below their least.",
        ),
    ] = None,
    deeper: Annotated[
        bool,
        typer.Option(
            "--deeper", help="Hold each position of cat-cow (and the like) a few seconds, for a deeper stretch."
        ),
    ] = False,
    show_plan: Annotated[bool, typer.Option("--plan", help="Print the timed plan and exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --plan: print the plan as JSON.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Start without waiting for Enter.")] = False,
    sound: SoundOption = "auto",
    no_bell: Annotated[bool, typer.Option("--no-bell", help="The same as --sound off.")] = False,
    volume: VolumeOption = 100,
    voice: Annotated[bool, typer.Option("--voice", help="Speak the cues (espeak-ng, espeak, spd-say or say).")] = False,
    on_step: Annotated[
        str | None,
        typer.Option(metavar="CMD", help="Run CMD (no shell) at each step, with the step as JSON on its stdin."),
    ] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="One line per step instead of the live screen (also ACCESSIBLE=1).")
    ] = False,
    pain_before: Annotated[
        int | None,
        typer.Option(metavar="0-10", parser=parse.whole_number(0, 10), help="Pain before, instead of being asked."),
    ] = None,
    pain_after: Annotated[
        int | None,
        typer.Option(metavar="0-10", parser=parse.whole_number(0, 10), help="Pain after, instead of being asked."),
    ] = None,
    no_checkin: Annotated[bool, typer.Option("--no-checkin", help="Do not ask about pain.")] = False,
    reset_history: Annotated[
        bool,
        typer.Option("--reset-history", help="If the history database is damaged, move it aside and start anew."),
    ] = False,
) -> None:
    """Follow a routine with a timer, cues and bells (default: back-relief).

    Keys: space/p pause, n/→ next, b/← back, +/- 10 s, h this hurts (stop), q/Esc quit.
    """
    from stretchcoach.commands import routine as command
    from stretchcoach.core.plan import PlanOptions
    from stretchcoach.views.output import Output, plain_wanted

    catalog = _catalog(ctx)
    options = PlanOptions(
        hold=hold,
        reps=reps,
        prep=prep,
        rest=rest,
        switch=switch,
        only=parse.id_list(only),
        skip=parse.id_list(skip),
        minutes=minutes,
        deeper=deeper,
    )
    plan = command.plan(catalog=catalog, routine_id=routine_id, options=options, voice=voice)
    if as_json and not show_plan:
        raise typer.BadParameter("--json goes with --plan", param_hint="--json")
    output = Output(plain=plain_wanted(plain))
    if show_plan:
        command.print_plan(plan, as_json=as_json, output=output)
        return

    from stretchcoach.runtime import Runtime

    settings = _settings(ctx)
    code = command.run(
        plan,
        warning=catalog.warning,
        options=command.RunOptions(
            confirm=not yes,
            sound=_sound_mode(ctx, sound, no_bell=no_bell),
            volume=volume,
            voice=voice,
            on_step=on_step,
            checkin=not no_checkin,
            pain_before=pain_before,
            pain_after=pain_after,
            reset_history=reset_history,
        ),
        paths=settings.paths,
        runtime=settings.runtime or Runtime.real(),
        output=output,
    )
    if code:
        raise typer.Exit(int(code))


def _sound_mode(ctx: typer.Context, sound: str, *, no_bell: bool) -> str:
    """--sound, or "off" for --no-bell (another name for it), which a --sound typed with it must agree with."""
    if not no_bell:
        return sound
    source = ctx.get_parameter_source("sound")
    if sound != "off" and source is not None and source.name == "COMMANDLINE":
        raise typer.BadParameter(
            f"is another name for --sound off, and --sound {sound} was given too; give one of them",
            param_hint="--no-bell",
        )
    return "off"


@app.command("sound-test")
def sound_test(
    ctx: typer.Context,
    sound: SoundOption = "auto",
    volume: VolumeOption = 100,
    voice: Annotated[bool, typer.Option("--voice", help="Test the voice too.")] = False,
) -> None:
    """Play each sound of a routine and say what it means, to check your set-up before lying down."""
    from stretchcoach.commands.sound_test import sound_test as test
    from stretchcoach.runtime import Runtime
    from stretchcoach.views.output import Output

    runtime = _settings(ctx).runtime or Runtime.real()
    code = test(
        sound=sound,
        volume=volume,
        voice=voice,
        clock=runtime.clock,
        sleep=runtime.sleep,
        bell_out=runtime.bell_out,
        output=Output(),
    )
    if code:
        raise typer.Exit(int(code))


@app.command()
def safety(ctx: typer.Context) -> None:
    """Urgent signs that need a doctor now, and the rule for these stretches."""
    from stretchcoach.commands.safety import show_safety
    from stretchcoach.views.output import Output

    show_safety(warning=_catalog(ctx).warning, output=Output())


@app.command()
def history(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option(metavar="DAYS", parser=parse.whole_number(1, 36500), help="How many days back to show.")
    ] = 30,
    as_json: JsonFlag = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the sessions as CSV.")] = False,
    seen_doctor: Annotated[
        bool,
        typer.Option(
            "--seen-doctor", help="Record that you have seen a doctor today; it ends a stop the rule put in force."
        ),
    ] = False,
) -> None:
    """Recent routines, streaks, pain trend, and whether the rule says to stop."""
    from datetime import UTC, datetime

    from stretchcoach.commands.history import record_seen_doctor, show_history
    from stretchcoach.views.output import Output

    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--csv")
    settings = _settings(ctx)
    now = settings.runtime.now() if settings.runtime else datetime.now(UTC)
    if seen_doctor:
        if as_json or as_csv:
            raise typer.BadParameter(
                "--seen-doctor records a visit; it goes with no other option", param_hint="--seen-doctor"
            )
        record_seen_doctor(db_path=settings.paths.history_db, now=now, output=Output())
        return
    show_history(
        db_path=settings.paths.history_db,
        catalog=lambda: _catalog(ctx),
        days=days,
        now=now,
        as_json=as_json,
        as_csv=as_csv,
        output=Output(),
    )


app.add_typer(remind_app, name="remind")


def main() -> None:
    import io

    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:  # started with it closed (`>&-`, `<&-`): read nothing, write nowhere
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115  (lives as long as we do)
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        # Under LANG=C a "·" or "—" must not crash a command, nor an "é" typed at a prompt: a "?" instead.
        if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")
    if getattr(signal, "SIGQUIT", None) and signal.getsignal(signal.SIGQUIT) is not signal.SIG_IGN:
        signal.signal(signal.SIGQUIT, signal.default_int_handler)  # Ctrl-\ at a prompt: like Ctrl-C, no core dump
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # here, not at exit, where a full disk could only be reported as a traceback
    except OSError as exc:
        # A SystemExit in its context: the command had ended, and only the last flush failed.
        cannot_write(exc, ended=exc.__context__ if isinstance(exc.__context__, SystemExit) else None)
