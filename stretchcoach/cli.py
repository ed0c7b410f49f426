"""The command line: parse options, call the core and an edge, render the result.

Heavy modules (yaml, rich.live, sqlite3) are imported inside the commands that
need them, so ``--help`` and completion stay fast.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from stretchcoach import __version__
from stretchcoach.errors import ExitCode, StretchcoachError

if TYPE_CHECKING:
    from stretchcoach.core.model import Catalog
    from stretchcoach.paths import Paths
    from stretchcoach.runtime import Runtime

DEBUG_ENV = "STRETCHCOACH_DEBUG"
_RESOLVED = "stretchcoach.command"  # the subcommand being run, kept in the group's context meta


class _Commands(TyperGroup):
    """Turns :class:`StretchcoachError` and usage errors into one line on stderr and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click.exceptions import ClickException, UsageError

        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except UsageError as exc:
            from stretchcoach.usage import is_help, usage_line

            if exc.ctx is None:  # an error in the top-level options
                exc.ctx = self.context_class(self, info_name=prog_name or self.name)
            if is_help(exc):
                sys.stderr.write(exc.ctx.get_help() + "\n")
            else:
                from stretchcoach.views.output import print_error

                print_error(usage_line(exc))
            code = ExitCode.USAGE
        except ClickException as exc:
            from stretchcoach.views.output import print_error

            print_error(exc.format_message())
            code = exc.exit_code
        except typer.Abort:  # end of input at a prompt Typer itself asked
            code = ExitCode.RUNTIME
        code = int(code) if isinstance(code, int) else ExitCode.OK
        if not standalone_mode:
            return code
        sys.exit(code)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from typer._click.exceptions import UsageError

        try:
            name, command, rest = super().resolve_command(ctx, args)
        except UsageError as exc:
            if type(exc) is not UsageError or not args:
                raise
            from stretchcoach.usage import UnknownCommand

            raise UnknownCommand(args[0], ctx) from None
        ctx.meta[_RESOLVED] = (name, command)
        return name, command, rest

    def invoke(self, ctx: Any) -> Any:  # Any: the context class is typer-internal
        from typer._click.exceptions import UsageError

        try:
            return super().invoke(ctx)
        except UsageError as exc:
            if exc.ctx is None and _RESOLVED in ctx.meta:  # Click's parser leaves some errors without one
                name, command = ctx.meta[_RESOLVED]
                exc.ctx = command.context_class(command, info_name=name, parent=ctx)
            raise
        except StretchcoachError as exc:
            if _debugging(ctx):
                raise
            from stretchcoach.views.output import print_error

            print_error(exc.message)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            if _debugging(ctx):
                raise
            if sys.stderr.isatty():
                sys.stderr.write("\n")  # end the line the ^C was typed on
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def _debugging(ctx: typer.Context) -> bool:
    return bool(ctx.params.get("debug")) or bool(os.environ.get(DEBUG_ENV))


app = typer.Typer(
    name="stretchcoach",
    cls=_Commands,
    help="A terminal coach for a short stretching routine for back pain.\n\n"
    "Not medical advice: if your pain persists or worsens, stop and see a doctor.",
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
    paths: Paths
    runtime: Runtime | None = None  # None: the real clocks and terminal (tests pass theirs as `obj`)


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
            help="Use this catalog file instead of the built-in one.",
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


def _catalog(ctx: typer.Context) -> Catalog:
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


@app.command("list")
def list_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the stretches and routines in the catalog."""
    from rich.text import Text

    from stretchcoach.core.plan import plan_routine
    from stretchcoach.views import catalog as render
    from stretchcoach.views.output import console, print_json, write_plain

    catalog = _catalog(ctx)
    totals = {r.id: plan_routine(catalog, r).total_seconds for r in catalog.routines}
    if as_json:
        print_json(
            {
                "stretches": [render.stretch_json(s) for s in catalog.stretches],
                "routines": [render.routine_json(r, totals[r.id]) for r in catalog.routines],
            }
        )
        return
    out = console()
    if len(catalog.stretches) <= render.TABLE_ROWS:
        out.print(render.stretch_table(catalog))
    else:
        header, lines = render.stretch_columns(catalog, out.width)
        out.print(f"{len(catalog.stretches)} stretches", style="bold")
        out.print(header, style="bold", markup=False, soft_wrap=True)
        write_plain("\n".join(lines) + "\n")  # plain text: Rich would only measure it again
    if catalog.routines:
        out.print(render.routine_table(catalog, totals))
    out.print(
        Text.assemble("Details: ", ("stretchcoach show ID", "bold"), "   Start: ", ("stretchcoach routine", "bold"))
    )


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
    from stretchcoach.views import catalog as render
    from stretchcoach.views.output import console, print_json

    catalog = _catalog(ctx)
    found = catalog.find_stretch(stretch)
    if found is None:
        close = catalog.suggest_stretch(stretch)
        hint = f"; did you mean '{close}'?" if close else "; see `stretchcoach list`"
        shown = stretch if stretch.isprintable() else repr(stretch)[1:-1]
        raise StretchcoachError(f"no stretch '{shown}'{hint}")
    if as_json:
        print_json(render.stretch_json(found) | {"warning": catalog.warning})
        return
    console().print(render.stretch_panel(found, catalog.warning))


@app.command()
def validate(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Catalog files to check.", metavar="FILE...")],
) -> None:
    """Check catalog files and report every problem with its line and column.

    Routines may name stretches of the catalog in use (the built-in one, or --catalog).
    """
    from stretchcoach.catalog.loader import read_catalog
    from stretchcoach.errors import CatalogError
    from stretchcoach.paths import builtin_catalog_path
    from stretchcoach.views.output import error_console, write_plain

    base = read_catalog(_settings(ctx).catalog_path or builtin_catalog_path())
    known = {s.id: s for s in base.stretches}
    err = error_console()
    failed = 0
    for path in files:
        try:
            result = read_catalog(path, known=known)
        except CatalogError as exc:
            failed += 1
            for problem in exc.problems:
                err.print(problem, markup=False)
            continue
        stretches, routines = len(result.stretches), len(result.routines)
        write_plain(
            f"ok: {path}: {_count(stretches, 'stretch', 'stretches')}, {_count(routines, 'routine', 'routines')}\n"
        )
    if failed:
        raise StretchcoachError(f"{failed} of {_count(len(files), 'catalog file', 'catalog files')} failed validation")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _parse_duration(value: str, *, lowest: int) -> int:
    from stretchcoach.catalog.loader import MAX_SECONDS, parse_duration

    seconds = parse_duration(value)
    if seconds is None or not lowest <= seconds <= MAX_SECONDS:
        raise typer.BadParameter(
            f"expected a duration from {lowest} s to {MAX_SECONDS // 60} min, such as 30, 45s or 1m30s; got {value!r}"
        )
    return seconds


def _hold_seconds(value: str) -> int:
    return _parse_duration(value, lowest=1)


def _gap_seconds(value: str) -> int:
    return _parse_duration(value, lowest=0)


def _whole_number(low: int, high: int) -> Callable[[str | int], int]:
    def parse(value: str | int) -> int:
        text = str(value).strip()  # a default arrives as a number
        try:
            number = int(text) if text.isascii() else None
        except ValueError:  # not digits, or more than 4300 of them
            number = None
        if number is None or not low <= number <= high:
            raise typer.BadParameter(f"expected a whole number from {low} to {high}; got {value!r}")
        return number

    return parse


def _minutes(value: str) -> float:
    try:
        minutes = float(value) if value.strip().isascii() else None
    except ValueError:
        minutes = None
    if minutes is None or not 0.5 <= minutes <= 120:  # nan and inf fail this too
        raise typer.BadParameter(f"expected a number of minutes from 0.5 to 120, such as 3 or 4.5; got {value!r}")
    return minutes


def _id_list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _plain_output(plain: bool) -> bool:
    """Plain lines instead of the live view: asked for, or no real terminal to draw on."""
    term = os.environ.get("TERM", "")
    return plain or bool(os.environ.get("ACCESSIBLE")) or term == "dumb" or not sys.stdout.isatty()


@app.command()
def routine(
    ctx: typer.Context,
    routine_id: Annotated[
        str, typer.Argument(metavar="ROUTINE", help="Routine id (see `stretchcoach list`).")
    ] = "back-relief",
    hold: Annotated[
        int | None,
        typer.Option(metavar="SECONDS", parser=_hold_seconds, help="Hold every held stretch this long."),
    ] = None,
    reps: Annotated[
        int | None,
        typer.Option(
            metavar="N", parser=_whole_number(1, 100), help="Rounds (1-100) for every stretch done in rounds."
        ),
    ] = None,
    prep: Annotated[
        int | None, typer.Option(metavar="SECONDS", parser=_gap_seconds, help="Get-ready time before each stretch.")
    ] = None,
    rest: Annotated[
        int | None, typer.Option(metavar="SECONDS", parser=_gap_seconds, help="Rest between stretches.")
    ] = None,
    switch: Annotated[
        int | None, typer.Option(metavar="SECONDS", parser=_gap_seconds, help="Time to change sides.")
    ] = None,
    only: Annotated[str | None, typer.Option(metavar="ID,ID", help="Do only these stretches.")] = None,
    skip: Annotated[str | None, typer.Option(metavar="ID,ID", help="Leave these stretches out.")] = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            metavar="MINUTES",
            parser=_minutes,
            help="Fit the routine into about this many minutes (0.5-120) by scaling holds and rounds.",
        ),
    ] = None,
    show_plan: Annotated[bool, typer.Option("--plan", help="Print the timed plan and exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --plan: print the plan as JSON.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Start without waiting for Enter.")] = False,
    no_bell: Annotated[bool, typer.Option("--no-bell", help="No terminal bell.")] = False,
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
        typer.Option(metavar="0-10", parser=_whole_number(0, 10), help="Pain before, instead of being asked."),
    ] = None,
    pain_after: Annotated[
        int | None,
        typer.Option(metavar="0-10", parser=_whole_number(0, 10), help="Pain after, instead of being asked."),
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
    from stretchcoach.core.plan import PlanOptions, find_routine, plan_routine

    catalog = _catalog(ctx)
    options = PlanOptions(
        hold=hold,
        reps=reps,
        prep=prep,
        rest=rest,
        switch=switch,
        only=_id_list(only),
        skip=_id_list(skip),
        minutes=minutes,
    )
    plan = plan_routine(catalog, find_routine(catalog, routine_id), options)
    if as_json and not show_plan:
        raise typer.BadParameter("--json goes with --plan", param_hint="--json")
    if show_plan:
        from stretchcoach.views import routine as screen
        from stretchcoach.views.output import console, print_json

        if as_json:
            print_json(plan.to_json())
            return
        out = console()
        out.print(screen.plan_table(plan))
        for change in plan.changes:
            out.print(f"• {change}", markup=False)
        return

    from stretchcoach.commands.routine import CoachOptions, coach
    from stretchcoach.runtime import Runtime

    settings = _settings(ctx)
    outcome = coach(
        plan,
        warning=catalog.warning,
        options=CoachOptions(
            plain=_plain_output(plain),
            confirm=not yes,
            bell=not no_bell,
            voice=voice,
            on_step=on_step,
            checkin=not no_checkin,
            pain_before=pain_before,
            pain_after=pain_after,
            reset_history=reset_history,
        ),
        paths=settings.paths,
        runtime=settings.runtime or Runtime.real(),
    )
    if outcome.exit_code:
        raise typer.Exit(int(outcome.exit_code))


@app.command()
def safety(ctx: typer.Context) -> None:
    """Urgent signs that need a doctor now, and the rule for these stretches."""
    from stretchcoach.views import catalog as render
    from stretchcoach.views.output import console

    console().print(render.safety_view(_catalog(ctx).warning))


@app.command()
def history(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option(metavar="DAYS", parser=_whole_number(1, 36500), help="How many days back to show.")
    ] = 30,
    as_json: JsonFlag = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the sessions as CSV.")] = False,
) -> None:
    """Recent routines, streaks, pain trend, and whether the rule says to stop."""
    from datetime import UTC, datetime

    from stretchcoach.history.report import build_report
    from stretchcoach.views import history as report
    from stretchcoach.views.output import console, print_json

    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--csv")
    settings = _settings(ctx)
    try:
        names = {s.id: s.name for s in _catalog(ctx).stretches}
    except StretchcoachError:
        names = {}  # a broken catalog should not hide the history
    now = datetime.now(UTC)
    data = build_report(settings.paths.history_db, days=days, now=now, names=names)
    if as_json:
        print_json(data.to_json())
    elif as_csv:
        from stretchcoach.views.output import write_plain

        write_plain(report.sessions_csv(data.sessions))
    else:
        console().print(report.history_view(data, now=now))


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
        _cannot_write(exc)


def _cannot_write(exc: OSError) -> None:
    """An OSError that reached the top: the output could not be written (a full disk, a closed
    pipe), or the system refused something else. One line, exit 1, no traceback."""
    import errno

    from stretchcoach.errors import os_problem

    writing = exc.errno in (errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF)
    if writing:
        with contextlib.suppress(OSError):  # nothing more may fail on the way out
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    if exc.errno != errno.EPIPE:  # a reader that stopped reading (`| head`) needs no message
        what = "cannot write the output: " if writing else ""
        with contextlib.suppress(OSError):
            sys.stderr.write(f"stretchcoach: {what}{os_problem(exc)}\n")
            sys.stderr.flush()
    sys.exit(ExitCode.RUNTIME)
