"""The Typer application and the error handling every command shares.

Exit codes: 0 ok, 1 input or processing error (one line on stderr naming the cause),
2 usage error (Typer/Click's own).
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup, TyperOption

from extensor._errors import ExtensorError
from extensor._files import strict_json
from extensor._version import __version__

__all__ = ["app", "console", "err_console", "fail", "print_json"]


def _no_flag_metavar(param: Any) -> Any:
    if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
        param.metavar = ""
    return param


class _Group(TyperGroup):
    """The command group: a plain on/off flag shows no ``<bool>`` value in ``--help``
    (Typer prints the type of every option, flags and ``--help`` included)."""

    def get_help_option(self, ctx: Any) -> Any:
        return _no_flag_metavar(super().get_help_option(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            for param in command.params:
                _no_flag_metavar(param)
            own_help = command.get_help_option
            command.get_help_option = lambda c: _no_flag_metavar(own_help(c))  # type: ignore[method-assign,assignment]
        return command


app = typer.Typer(
    name="extensor",
    cls=_Group,
    help="Coaching for the Lever Back Extension: guide, plans, and rep-by-rep analysis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def fail(err: ExtensorError | str) -> typer.Exit:
    """Print a one-line error and return the exit to raise (code 1)."""
    err_console.print(f"[bold red]error:[/] {escape(str(err))}", soft_wrap=True)
    return typer.Exit(code=1)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout (no Rich markup)."""
    sys.stdout.write(strict_json(data, default=str) + "\n")


def _print_version(value: bool) -> None:
    if value:
        console.print(f"extensor {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
        metavar="",
    ),
) -> None:
    """Coaching for the Lever Back Extension: guide, plans, and rep-by-rep analysis."""
