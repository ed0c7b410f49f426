"""How stretchcoach fails: one line on stderr and an exit code, never a traceback.

:class:`CommandGroup` catches what a command raises: :class:`StretchcoachError` and
Typer's usage errors, said in stretchcoach's words (``usage.py``), unless ``--debug``
or STRETCHCOACH_DEBUG asks for the traceback. :func:`cannot_write` is the last
resort, for an OSError that reaches ``cli.main``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from stretchcoach.errors import ExitCode, StretchcoachError, os_problem

DEBUG_ENV = "STRETCHCOACH_DEBUG"
_RESOLVED = "stretchcoach.command"  # the subcommand being run, kept in the group's context meta


class CommandGroup(TyperGroup):
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


def cannot_write(exc: OSError, *, ended: SystemExit | None = None) -> NoReturn:
    """An OSError that reached the top: the output could not be written (a full disk, a closed
    pipe), or the system refused something else. One line, exit 1, no traceback.

    ``ended``: the command had already ended so, and only writing out its last output failed.
    If that was because its terminal has gone (EIO: the window was closed, SIGHUP), its exit
    stands (a routine says 129 itself), and there is no one to tell.
    """
    import errno

    if ended is not None and exc.errno == errno.EIO:  # its terminal has gone: no one to tell
        _to_nowhere(sys.stdout)
        _to_nowhere(sys.stderr)
        raise ended
    writing = exc.errno in (errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF)
    if writing:
        _to_nowhere(sys.stdout)  # what is still buffered goes nowhere, rather than fail again at exit
    if exc.errno != errno.EPIPE:  # a reader that stopped reading (`| head`) needs no message
        what = "cannot write the output: " if writing else ""
        try:
            sys.stderr.write(f"stretchcoach: {what}{os_problem(exc)}\n")
            sys.stderr.flush()
        except OSError:  # stderr cannot be written either: nor may it fail again at exit
            _to_nowhere(sys.stderr)
    sys.exit(ExitCode.RUNTIME)


def _to_nowhere(stream: Any) -> None:
    """Point ``stream``'s descriptor at /dev/null, so that nothing written or still buffered fails."""
    with contextlib.suppress(OSError, ValueError):  # nothing more may fail on the way out
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
