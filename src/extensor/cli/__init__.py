"""Command-line interface: ``extensor`` and ``python -m extensor``."""

from __future__ import annotations

import sys

from rich.markup import escape

from extensor._errors import ExtensorError
from extensor.cli import _commands  # noqa: F401  (registers the commands)
from extensor.cli._app import app, err_console

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app; any ExtensorError becomes one line and exit code 1."""
    try:
        app()
    except ExtensorError as err:  # pragma: no cover - commands normally catch their own
        err_console.print(f"[bold red]error:[/] {escape(str(err))}", soft_wrap=True)
        sys.exit(1)
