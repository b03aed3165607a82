"""``extensor profile``: show or set level, goal, machine (variant), load step and unit."""

from __future__ import annotations

from typing import Annotated, Literal

import typer
from rich.markup import escape
from rich.table import Table

from extensor._errors import ExtensorError
from extensor.app import change_profile
from extensor.cli._app import app, console, fail, print_json
from extensor.cli._log_common import (
    DbOption,
    UnitChoice,
    check_choices,
    open_log,
    resolve_profile,
    variant_name,
)
from extensor.knowledge import load_exercise
from extensor.progression import format_load, load_rules
from extensor.store import Store

__all__ = ["profile"]


@app.command()
def profile(
    level: Annotated[str | None, typer.Option(help="beginner, intermediate or advanced.")] = None,
    goal: Annotated[
        str | None, typer.Option(help="Training goal, e.g. hypertrophy, strength, endurance.")
    ] = None,
    variant: Annotated[
        str | None, typer.Option(help="Machine or variant, e.g. seated_lever_machine.")
    ] = None,
    increment: Annotated[
        str | None,
        typer.Option(
            help="The machine's smallest load step, e.g. 2.5kg or 5lb.", show_default=False
        ),
    ] = None,
    unit: Annotated[UnitChoice | None, typer.Option(help="Unit of your loads.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the profile as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Show or set your profile: level, goal, machine (variant), its load step and unit."""
    try:
        settings, log_url = open_log(db)
        exercise = load_exercise(settings.exercise)
        check_choices(exercise, goal=goal, variant=variant, level=level)
        with Store(log_url) as store:
            rules = load_rules()
            current, stored = resolve_profile(store, settings, rules)
            changed = any(v is not None for v in (level, goal, variant, increment, unit))
            notes: tuple[str, ...] = ()
            if changed:
                new_unit: Literal["kg", "lb"] | None = None
                if unit is not None:
                    new_unit = "lb" if unit is UnitChoice.lb else "kg"
                change = change_profile(
                    store, exercise, rules, current, level=level, goal=goal, variant=variant,
                    increment=increment, unit=new_unit,
                )  # fmt: skip
                current, notes, stored = change.profile, change.notes, True
            location = store.location
    except ExtensorError as err:
        raise fail(err) from None
    if json_out:
        print_json({**current.to_dict(), "stored": stored, "db": location})
        return
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    goal_obj = exercise.goals.get(current.goal)
    level_obj = exercise.levels.get(current.level)
    table.add_row("level", level_obj.name if level_obj else current.level)
    table.add_row(
        "goal",
        f"{goal_obj.name} ({goal_obj.sets} sets x {goal_obj.reps} reps)"
        if goal_obj
        else current.goal,
    )
    table.add_row("machine", variant_name(exercise, current.variant))
    table.add_row("load step", format_load(current.increment, current.unit))
    table.add_row("unit", current.unit)
    table.add_row("log", escape(location))
    console.print("[bold]Profile saved[/]" if changed else "[bold]Profile[/]")
    console.print(table)
    for note in notes:
        console.print(f"note: {note}")
    if not stored:
        console.print(
            "Not saved yet: these are the defaults from your settings. "
            "Set them with e.g. `extensor profile --goal strength --increment 2.5kg`."
        )
