"""The ``guide``, ``plan`` and ``exercises`` commands (the exercise knowledge base)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from extensor._config import load_settings
from extensor._errors import ExtensorError
from extensor.cli._app import app, console, fail, print_json
from extensor.knowledge import (
    MAX_WEEKS,
    Plan,
    list_exercises,
    load_exercise,
    make_plan,
    render_guide,
)

__all__ = ["exercises", "guide", "plan"]


class GuideFormatChoice(StrEnum):
    """Output formats of ``extensor guide``."""

    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


@app.command()
def guide(
    variant: Annotated[
        str | None,
        typer.Option(help="Only this variant and its steps (e.g. seated_lever_machine)."),
    ] = None,
    section: Annotated[
        str | None,
        typer.Option(help="Only this section (e.g. setup, execution, mistakes, faq)."),
    ] = None,
    fmt: Annotated[
        GuideFormatChoice,
        typer.Option("--format", "-f", help="Output format."),
    ] = GuideFormatChoice.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the terminal."),
    ] = None,
) -> None:
    """Show the exercise guide: setup, execution, breathing, mistakes, goals, FAQ and more."""
    try:
        exercise = load_exercise()
        if output is None and fmt is GuideFormatChoice.text:
            markdown = render_guide(exercise, variant=variant, section=section, fmt="markdown")
            console.print(Markdown(markdown))
            return
        text = render_guide(exercise, variant=variant, section=section, fmt=fmt.value)
    except ExtensorError as err:
        raise fail(err) from None
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise fail(f"{output}: cannot write the guide: {err.strerror or err}") from None
    console.print(f"Wrote the {fmt.value} guide to {output}")


@app.command()
def plan(
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal",
            "-g",
            help="endurance, strength, hypertrophy, warm_up or technique "
            "(default: the goal in your settings).",
        ),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            "-l",
            help="beginner, intermediate or advanced (default: the level in your settings).",
        ),
    ] = None,
    weeks: Annotated[
        int,
        typer.Option("--weeks", "-w", min=1, max=MAX_WEEKS, help="Length of the plan in weeks."),
    ] = 4,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Build a week-by-week plan of sets, reps, tempo, rest and load for a training goal."""
    try:
        settings = load_settings(goal=goal, level=level)
        exercise = load_exercise(settings.exercise)
        the_plan = make_plan(exercise, settings.goal, level=settings.level, weeks=weeks)
    except ExtensorError as err:
        raise fail(err) from None
    if as_json:
        print_json(the_plan.model_dump(mode="json"))
        return
    _print_plan(the_plan)


_LOAD_LABELS = {
    "start_light": "start light",
    "hold": "same load",
    "increase_if_clean": "+1 step if clean",
    "reduce": "lighter",
}


def _print_plan(the_plan: Plan) -> None:
    head = (
        f"[bold]{escape(the_plan.goal_name)}[/], {escape(the_plan.level_name.lower())} level: "
        f"{the_plan.sets_range} sets x {the_plan.reps_range} reps. "
        f"{escape(the_plan.intensity)}\n"
        f"[dim]Where:[/] {escape(the_plan.placement)}\n"
        f"[dim]Top hold:[/] {'required' if the_plan.requires_top_pause else 'brief turnaround'}\n"
        f"[dim]Level load:[/] {escape(the_plan.level_load)}"
    )
    console.print(Panel(head, title="Training plan", expand=False))
    table = Table(caption="Tempo: seconds to lift / hold at the top / lower / pause at the bottom.")
    table.add_column("Week", justify="right")
    table.add_column("Kind")
    table.add_column("Sets x reps", justify="center", no_wrap=True)
    table.add_column("Tempo", justify="center", no_wrap=True)
    table.add_column("Rest", justify="center", no_wrap=True)
    table.add_column("Load", no_wrap=True)
    legend: dict[str, str] = {}
    for week in the_plan.weeks:
        label = _LOAD_LABELS[week.load_change]
        legend.setdefault(label, week.load)
        table.add_row(
            str(week.week),
            week.kind,
            f"{week.sets} x {week.reps}",
            str(week.tempo),
            f"{week.rest_s} s",
            label,
            style="dim" if week.kind == "technique" else None,
        )
    console.print(table)
    for label, text in legend.items():
        console.print(f"[bold]{escape(label)}:[/] {escape(text)}")
    focus = {w.kind: w.focus for w in the_plan.weeks}
    if "build" in focus:
        console.print(f"[bold]Focus:[/] {escape(focus['build'])}")
    if "technique" in focus:
        console.print(escape(focus["technique"]))
    console.print(f"[bold]Clean-rep gate:[/] {escape(the_plan.clean_rep_gate)}")
    rules = Table(title="Progression rules (the first that applies decides)", show_lines=True)
    rules.add_column("#", justify="right")
    rules.add_column("If")
    rules.add_column("Then")
    for n, rule in enumerate(the_plan.progression, start=1):
        rules.add_row(str(n), escape(rule.condition), escape(rule.action))
    console.print(rules)
    console.print(f"[dim]{escape(the_plan.defaults_note)}[/]")


@app.command()
def exercises(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the exercises in the knowledge base with their variants and goals."""
    try:
        loaded = [load_exercise(name) for name in list_exercises()]
    except ExtensorError as err:
        raise fail(err) from None
    if as_json:
        print_json(
            [
                {
                    "id": ex.id,
                    "name": ex.name,
                    "variants": list(ex.variants),
                    "goals": list(ex.goals),
                    "levels": list(ex.levels),
                }
                for ex in loaded
            ]
        )
        return
    table = Table(title="Exercises")
    for column in ("Exercise", "Variants", "Goals", "Levels"):
        table.add_column(column, no_wrap=True)
    for ex in loaded:
        table.add_row(
            f"{escape(ex.name)}\n[dim]{ex.id}[/]",
            "\n".join(ex.variants),
            "\n".join(ex.goals),
            "\n".join(ex.levels),
        )
    console.print(table)
