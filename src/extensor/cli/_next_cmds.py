"""``extensor next``: the progression rules' advice for the next session, recorded in the log."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from extensor._errors import ExtensorError
from extensor.app import next_session
from extensor.cli._app import app, console, fail, print_json
from extensor.cli._log_common import (
    DbOption,
    check_choices,
    open_log,
    parse_day,
    variant_name,
)
from extensor.knowledge import Exercise, load_exercise
from extensor.progression import Profile, Recommendation, format_load
from extensor.store import Store

__all__ = ["next_"]


def _print_recommendation(rec: Recommendation, exercise: Exercise, profile: Profile) -> None:
    style = {"stop": "bold red", "reduce_load": "bold yellow", "add_increment": "bold green"}.get(
        rec.action, "bold"
    )
    headline = {
        "stop": "STOP this exercise",
        "start": "First session",
        "reduce_load": f"Reduce the load: {format_load(rec.previous_load, rec.unit)} -> {format_load(rec.load, rec.unit)}",
        "add_increment": f"Add load: {format_load(rec.previous_load, rec.unit)} -> {format_load(rec.load, rec.unit)}",
        "fix_fault": f"Keep {format_load(rec.load, rec.unit)}, fix one thing",
        "add_reps": f"Keep {format_load(rec.load, rec.unit)}, more clean reps",
        "keep_load": f"Keep {format_load(rec.load, rec.unit)}",
    }.get(rec.action, rec.action)
    goal = exercise.goals.get(profile.goal)
    console.print(
        f"[bold]Next session[/] ({rec.as_of.isoformat()}, "
        f"{goal.name.lower() if goal else profile.goal}, {variant_name(exercise, profile.variant)})"
    )
    console.print(f"[{style}]{escape(headline)}[/]")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    if rec.sets and rec.target_reps:
        at = "" if rec.load is None else f" at {format_load(rec.load, rec.unit)}"
        grid.add_row("plan", f"{rec.sets} x {rec.target_reps}{at}")
    grid.add_row("advice", escape(rec.message))
    grid.add_row("why", escape(rec.reason))
    if rec.details:
        bullets = Table.grid(padding=(0, 1))
        bullets.add_column(no_wrap=True)
        bullets.add_column()
        for line in rec.details:
            bullets.add_row("-", escape(line))
        grid.add_row("also", bullets)
    console.print(grid)
    console.print(f"[dim]rule {rec.rule_id} of extensor/progression/data/progression.toml[/]")


@app.command("next")
def next_(
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the recommendation as JSON.")
    ] = False,
    goal: Annotated[
        str | None,
        typer.Option(help="Goal for this advice (default: the profile's).", show_default=False),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--date", help="Plan as of this day, YYYY-MM-DD (default today).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """The recommendation for your next session, and the reason for it."""
    try:
        today = parse_day(as_of)
        settings, log_url = open_log(db)
        exercise = load_exercise(settings.exercise)
        check_choices(exercise, goal=goal)
        with Store(log_url) as store:
            rec, current = next_session(
                store, settings, exercise, goal=goal, today=today, record=True
            )
    except ExtensorError as err:
        raise fail(err) from None
    if json_out:
        print_json(rec.to_dict())
        return
    _print_recommendation(rec, exercise, current)
