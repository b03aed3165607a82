"""``extensor compare A B``: two sets side by side (analysis JSON files or logged sets)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from extensor._errors import ConfigError, ExtensorError
from extensor.app import SetSide, compare_sets, side_from_file, side_from_logged
from extensor.cli._app import app, console, fail, print_json
from extensor.cli._log_common import DbOption, UnitChoice, open_log, require_log
from extensor.store import Store, logged_set

__all__ = ["compare"]


@app.command()
def compare(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Analysis JSON files (`extensor analyze --json PATH`).", show_default=False
        ),
    ] = None,
    set_ids: Annotated[
        list[int] | None,
        typer.Option(
            "--set",
            help="A logged set by id (repeatable; ids in `extensor export`).",
            show_default=False,
        ),
    ] = None,
    unit: Annotated[
        UnitChoice | None,
        typer.Option(help="Compare loads in this unit (default: A's).", show_default=False),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Compare two sets: tempo, range, past neutral, clean reps and load, side by side.

    Give two analysis files, two `--set ID`, or one of each (the file is A).
    """  # fmt: skip
    try:
        paths, ids = list(files or []), list(set_ids or [])
        if len(paths) + len(ids) != 2:
            raise ConfigError(
                f"compare needs two sets (files or --set ID), got {len(paths) + len(ids)}"
            )
        sides: list[SetSide] = [side_from_file(p) for p in paths]
        if ids:
            _, url = open_log(db)
            require_log(url)
            with Store(url) as store:
                sides += [side_from_logged(logged_set(store, i), label=f"set {i}") for i in ids]
        result = compare_sets(sides[0], sides[1], unit=None if unit is None else unit.value)
    except ExtensorError as err:
        raise fail(err) from None
    if json_out:
        print_json(result.to_dict())
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", style="bold", no_wrap=True)
    for side in (result.a, result.b):
        title = side.label + (f" ({side.day})" if side.day else "")
        table.add_column(escape(title), justify="right")
    table.add_column("change", justify="right", no_wrap=True)
    for row in result.rows:
        table.add_row(row.label, row.a, row.b, row.change)
    console.print(table)
    console.print(
        "[dim]tempo = mean phase times of the complete reps; smoothness: log dimensionless "
        "jerk, nearer 0 is smoother[/]"
    )
