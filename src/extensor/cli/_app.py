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

from extensor._errors import ExtensorError
from extensor._files import strict_json

__all__ = ["app", "console", "err_console", "fail", "print_json"]

app = typer.Typer(
    name="extensor",
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
