"""Usage errors in stretchcoach's own words: one line naming what was wrong.

Typer (with the Click it vendors as ``typer._click``) finds the mistake; this
module says it, as every other stretchcoach error is said, so that the wording
and the one-line shape do not change with their releases.
"""

from __future__ import annotations

from typing import Any

from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)

from stretchcoach.core.suggest import closest


class UnknownCommand(UsageError):
    """A command name that is not one of ours."""

    def __init__(self, name: str, ctx: Any) -> None:
        super().__init__(f"no command {name!r}", ctx)
        self.name = name


def usage_line(exc: UsageError) -> str:
    """The line to print after ``stretchcoach: `` (a help text, for NoArgsIsHelpError, is not a line)."""
    ctx = exc.ctx
    where = ctx.command_path if ctx is not None else "stretchcoach"
    see = f"see `{where} --help`"
    if isinstance(exc, UnknownCommand) and ctx is not None:
        names = sorted(ctx.command.list_commands(ctx))  # type: ignore[attr-defined]  # a group's commands
        close = closest(exc.name, names)
        return f"{exc.message}; " + (f"did you mean '{close}'?" if close else f"the commands are {', '.join(names)}")
    if isinstance(exc, NoSuchOption):
        close = closest(exc.option_name, _option_names(ctx)) if ctx is not None else None
        hint = f"did you mean {close}?" if close else see
        return f"no option {_shown(exc.option_name)} in `{where}`; {hint}"
    if isinstance(exc, MissingParameter):
        return f"`{where}` needs {_param_name(exc)}; {see}"
    if isinstance(exc, BadParameter):
        return f"{_param_name(exc)}: {exc.message}"
    if isinstance(exc, BadOptionUsage):
        option = _option(ctx, exc.option_name) if ctx is not None else None
        needs = "takes no value" if getattr(option, "is_flag", False) else "needs a value"
        return f"{exc.option_name} {needs}; {see}"
    return f"{exc.message}; {see}"


def is_help(exc: UsageError) -> bool:
    """``stretchcoach`` alone: the help is shown instead of an error."""
    return isinstance(exc, NoArgsIsHelpError)


def _param_name(exc: BadParameter) -> str:
    if isinstance(exc.param_hint, str):
        return exc.param_hint
    param = exc.param
    if param is None:
        return "a value"
    opts = getattr(param, "opts", None)
    if opts and str(opts[0]).startswith("-"):
        return str(opts[0])
    return str(param.metavar or param.name or "a value").upper()  # an argument, as the usage line names it


# Parameters are duck-typed: the Click classes behind them moved between Typer releases.


def _option_names(ctx: Any) -> list[str]:
    names = list(ctx.help_option_names)
    for param in ctx.command.params:
        names += [n for n in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())) if n.startswith("-")]
    return names


def _option(ctx: Any, name: str) -> Any:
    for param in ctx.command.params:
        if name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
            return param
    return None


def _shown(text: str) -> str:
    """``text`` for a one-line message: control characters escaped."""
    return text if text.isprintable() else repr(text)[1:-1]
