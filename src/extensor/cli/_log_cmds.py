"""The training-log commands: ``profile``, ``log``, ``history``, ``next``, ``export``, ``import``.

Every command takes ``--db`` (a file path or a URL; default ``EXTENSOR_DB`` or the SQLite
file in the data directory). The profile's goal, variant and unit are the fall-back for
every command that needs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from extensor._config import Settings, load_settings
from extensor._errors import ConfigError, ExtensorError, MissingExtraError
from extensor._files import atomic_write
from extensor.cli._app import app, console, fail, print_json
from extensor.knowledge import Exercise, load_exercise
from extensor.progression import (
    PersonalBests,
    Profile,
    Recommendation,
    Rules,
    SessionSummary,
    convert,
    format_load,
    load_rules,
    parse_load,
    parse_unit,
    personal_bests,
    recommend,
)

if TYPE_CHECKING:
    from extensor._analysis import AnalysisRun
    from extensor.store import Store

__all__ = [
    "export",
    "history",
    "import_",
    "log",
    "next_",
    "profile",
    "resolve_profile",
    "save_run_to_log",
]

_DB_HELP = "Training log: a file path or a URL such as postgresql://user@host/db."
DbOption = Annotated[str | None, typer.Option("--db", help=_DB_HELP, show_default=False)]


class UnitChoice(StrEnum):
    kg = "kg"
    lb = "lb"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


class ImportFormat(StrEnum):
    auto = "auto"
    strong = "strong"
    hevy = "hevy"


_IMPORT_FORMATS: dict[ImportFormat, Literal["auto", "strong", "hevy"]] = {
    ImportFormat.auto: "auto",
    ImportFormat.strong: "strong",
    ImportFormat.hevy: "hevy",
}


def _open(db: str | None) -> tuple[Settings, Store]:
    from extensor.store import Store, resolve_db_url

    settings = load_settings(db=db)
    return settings, Store(resolve_db_url(settings))


def stored_profile(db: str | None = None) -> Profile | None:
    """The lifter's stored profile, or None when there is no training log yet (none is created)."""
    from extensor.store import Store, get_profile, resolve_db_url

    url = resolve_db_url(load_settings(db=db))
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    with Store(url) as store:
        return get_profile(store)


def resolve_profile(store: Store, settings: Settings, rules: Rules) -> tuple[Profile, bool]:
    """The stored profile, or one built from the settings (:func:`extensor.store.current_profile`)."""
    from extensor.store import current_profile

    return current_profile(store, settings, rules)


def _parse_day(text: str | None, *, what: str = "--date") -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{what} must be a date as YYYY-MM-DD, got {text!r}") from None


def _variant_name(exercise: Exercise, variant: str) -> str:
    found = exercise.variants.get(variant)
    return found.name if found else variant


def save_run_to_log(
    run: AnalysisRun,
    *,
    load: str,
    db: str | None = None,
    day: date | None = None,
    rpe: float | None = None,
    rir: int | None = None,
    pain: bool = False,
    note: str | None = None,
) -> str:
    """Store an analysed set in the training log (for ``extensor analyze --save``).

    ``load`` is the text of a ``--load`` option (``40kg``, ``90lb``, ``40`` in the
    profile's unit, ``bw``). Returns a one-line confirmation; raises ExtensorError.
    """
    from extensor.store import save_analysis

    settings, store = _open(db)
    with store:
        current, _ = resolve_profile(store, settings, load_rules())
        value, unit = parse_load(load, default_unit=current.unit)
        saved = save_analysis(
            store, run, load=value, unit=unit, day=day, rpe=rpe, rir=rir, pain=pain, note=note
        )
    faulty = {f.rep for f in run.result.faults if f.rep is not None}
    complete = [r.number for r in run.result.reps if r.complete]
    clean = sum(1 for n in complete if n not in faulty)
    return (
        f"Saved to the training log: {len(complete)} reps at {format_load(value, unit)} on "
        f"{saved.day.isoformat()}, {clean} clean. Next: `extensor next`."
    )


# -- profile ------------------------------------------------------------------------------


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
        settings, store = _open(db)
        with store:
            exercise = load_exercise(settings.exercise)
            rules = load_rules()
            current, stored = resolve_profile(store, settings, rules)
            changed = any(v is not None for v in (level, goal, variant, increment, unit))
            notes: list[str] = []
            if changed:
                new_unit: Literal["kg", "lb"] = current.unit
                if unit is not None:
                    new_unit = "lb" if unit is UnitChoice.lb else "kg"
                step = current.increment
                if new_unit != current.unit and increment is None:
                    step = rules.default_increment(new_unit)
                    notes.append(
                        f"unit changed to {new_unit}: load step reset to {format_load(step, new_unit)}"
                    )
                if increment is not None:
                    value, step_unit = parse_load(increment, default_unit=new_unit)
                    if value <= 0:
                        raise ConfigError(f"--increment must be above 0, got {increment!r}")
                    step = round(convert(value, step_unit, new_unit), 4)
                    if step_unit != new_unit:
                        notes.append(f"{increment} is {format_load(step, new_unit)} in your unit")
                current = Profile(
                    level=exercise.level(level).id if level else current.level,
                    goal=exercise.goal(goal).id if goal else current.goal,
                    variant=exercise.variant(variant).id if variant else current.variant,
                    increment=step,
                    unit=new_unit,
                )
                from extensor.store import save_profile

                save_profile(store, current)
                stored = True
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
    table.add_row("machine", _variant_name(exercise, current.variant))
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


# -- log ----------------------------------------------------------------------------------


@app.command()
def log(
    load: Annotated[
        str,
        typer.Option(help="Load per set: 40kg, 90lb, 40 (profile unit) or bw.", show_default=False),
    ],
    reps: Annotated[int, typer.Option(help="Reps per set.", show_default=False)],
    sets: Annotated[int, typer.Option(help="Number of sets with these numbers.")] = 1,
    rpe: Annotated[
        float | None, typer.Option(help="Rating of perceived exertion, 1-10.", show_default=False)
    ] = None,
    rir: Annotated[
        int | None, typer.Option(help="Reps in reserve (instead of --rpe).", show_default=False)
    ] = None,
    pain: Annotated[
        bool, typer.Option("--pain", help="Pain or discomfort during the set.")
    ] = False,
    note: Annotated[
        str | None, typer.Option(help="A note on the sets.", show_default=False)
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date", help="Training day as YYYY-MM-DD (default today).", show_default=False
        ),
    ] = None,
    variant: Annotated[
        str | None, typer.Option(help="Variant (default: the profile's).", show_default=False)
    ] = None,
    fault: Annotated[
        list[str] | None,
        typer.Option(
            help="A fault you noticed, by mistake id (repeatable), e.g. momentum.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Log sets typed in by hand: load, reps, effort, pain."""
    if rpe is not None and rir is not None:
        raise typer.BadParameter("give either --rpe or --rir, not both", param_hint="--rpe/--rir")
    try:
        from extensor.store import log_sets

        when = _parse_day(day)
        if when > date.today():
            raise ConfigError(f"--date must not be in the future, got {when.isoformat()}")
        settings, store = _open(db)
        with store:
            exercise = load_exercise(settings.exercise)
            current, _ = resolve_profile(store, settings, load_rules())
            value, unit = parse_load(load, default_unit=current.unit)
            the_variant = exercise.variant(variant).id if variant else current.variant
            faults = [exercise.mistake(f).id for f in fault or []]
            done = log_sets(
                store,
                day=when,
                load=value,
                unit=unit,
                reps=reps,
                sets=sets,
                variant=the_variant,
                goal=current.goal,
                rpe=rpe,
                rir=rir,
                pain=pain,
                note=note,
                faults=faults,
            )
    except ExtensorError as err:
        raise fail(err) from None
    word = "set" if sets == 1 else "sets"
    console.print(
        f"Logged {sets} {word} x {reps} reps at {format_load(value, unit)} on "
        f"{done.day.isoformat()} ({_variant_name(exercise, the_variant)})."
    )
    if faults:
        console.print("Faults noted: " + ", ".join(exercise.mistakes[f].title for f in faults))
    if pain:
        console.print(
            "[bold red]Pain noted.[/] Stop this exercise for today; "
            "`extensor next` lists pain-free ways back."
        )
    else:
        console.print("Next: `extensor next` for the next session's load.")


# -- history ------------------------------------------------------------------------------


def _sets_text(session: SessionSummary) -> str:
    reps = [s.reps for s in session.sets]
    if len(set(reps)) == 1:
        return f"{len(reps)} x {reps[0]}"
    return ", ".join(str(r) for r in reps)


def _load_text(session: SessionSummary, unit: str) -> str:
    loads = sorted({round(s.load_in(unit), 2) for s in session.sets})
    if len(loads) == 1:
        return format_load(loads[0], unit)
    return f"{format_load(loads[0], unit)}-{format_load(loads[-1], unit)}"


def _clean_text(session: SessionSummary) -> str:
    share = session.clean_share
    if share is None:
        return "[dim]-[/]"
    rated = [s for s in session.sets if s.rated]
    total = sum(s.reps for s in rated)
    clean = sum(min(s.clean_reps or 0, s.reps) for s in rated)
    colour = "green" if share >= 0.999 else ("yellow" if share >= 0.75 else "red")
    return f"[{colour}]{share * 100:.0f}%[/] {clean}/{total}"


def _faults_text(session: SessionSummary) -> str:
    counts = Counter(session.faults)
    if not counts:
        return ""
    parts = [f"{fid} x{n}" if n > 1 else fid for fid, n in counts.most_common(2)]
    if len(counts) > 2:
        parts.append(f"+{len(counts) - 2}")
    return ", ".join(parts)


def _best_text(pb: PersonalBests) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    u = pb.unit
    if pb.heaviest:
        b = pb.heaviest
        rows.append(("heaviest set", f"{format_load(b.load, u)} x {b.reps} ({b.day.isoformat()})"))
    if pb.heaviest_clean:
        b = pb.heaviest_clean
        rows.append(
            ("heaviest all-clean set", f"{format_load(b.load, u)} x {b.reps} ({b.day.isoformat()})")
        )
    if pb.most_reps:
        b = pb.most_reps
        rows.append(
            ("most reps in a set", f"{b.reps} at {format_load(b.load, u)} ({b.day.isoformat()})")
        )
    if pb.best_volume:
        b = pb.best_volume
        rows.append(("best session volume", f"{b.value:,.0f} {u} ({b.day.isoformat()})"))
    return rows


@app.command()
def history(
    last: Annotated[int, typer.Option(help="Show the last N sessions.", min=1)] = 10,
    plot: Annotated[
        Path | None,
        typer.Option(help="Also draw the history to this .png or .svg file.", show_default=False),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the history as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Sessions, volume, load and rep quality over time, with personal bests."""
    from extensor.store import load_history

    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
            raise ConfigError(f"--plot file must end in .png or .svg, got {plot.name!r}")
        settings, store = _open(db)
        with store:
            exercise = load_exercise(settings.exercise)
            current, _ = resolve_profile(store, settings, load_rules())
            everything = load_history(store)
        shown = everything[-last:]
        bests = personal_bests(everything, unit=current.unit)
        if plot is not None:
            _plot_history(shown, unit=current.unit, path=plot)
    except ExtensorError as err:
        raise fail(err) from None
    unit = current.unit
    if json_out:
        print_json(
            {
                "unit": unit,
                "sessions": [s.to_dict(unit) for s in shown],
                "total_sessions": len(everything),
                "personal_bests": bests.to_dict(),
                "plot": None if plot is None else str(plot),
            }
        )
        return
    if not everything:
        console.print(
            "No sessions logged yet. Start with `extensor log --load 20kg --reps 10 --sets 2`."
        )
        return
    variants = {s.variant for x in shown for s in x.sets}
    one_variant = len(variants) == 1
    title = f"Last {len(shown)} of {len(everything)} sessions"
    if one_variant:
        title += f" - {_variant_name(exercise, next(iter(variants)))}"
    console.print(f"[bold]{escape(title)}[/]")  # not Table(title=...): it skews column widths
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("date", no_wrap=True)
    if not one_variant:
        table.add_column("variant", overflow="ellipsis", max_width=16)
    table.add_column("sets", no_wrap=True)
    table.add_column("load", justify="right", no_wrap=True)
    table.add_column("volume", justify="right", no_wrap=True)
    table.add_column("clean", justify="right", no_wrap=True)
    table.add_column("pain", no_wrap=True)
    table.add_column("faults", overflow="ellipsis", no_wrap=True, min_width=8)
    for s in shown:
        row = [s.day.isoformat()]
        if not one_variant:
            row.append(", ".join(sorted({x.variant for x in s.sets})))
        row += [
            _sets_text(s),
            _load_text(s, unit),
            f"{s.volume(unit):,.0f} {unit}",
            _clean_text(s),
            "[bold red]yes[/]" if s.pain else "",
            _faults_text(s),
        ]
        table.add_row(*row)
    console.print(table)
    console.print(
        "[dim]volume = load x reps; clean = analysed reps without a fault (- = typed in)[/]"
    )
    rated = [s.clean_share for s in shown if s.clean_share is not None]
    first, latest = shown[0], shown[-1]
    peak = max(s.top_load(unit) or 0.0 for s in shown)
    trend = (
        f"From {first.day.isoformat()} to {latest.day.isoformat()}: top load "
        f"{format_load(first.top_load(unit), unit)} -> {format_load(latest.top_load(unit), unit)}"
        f" (peak {format_load(peak, unit)}), volume {first.volume(unit):,.0f} -> "
        f"{latest.volume(unit):,.0f} {unit}"
    )
    if len(rated) >= 2:
        trend += f", clean reps {rated[0] * 100:.0f}% -> {rated[-1] * 100:.0f}%"
    console.print(trend + ".")
    console.print("\n[bold]Personal bests[/] (all sessions)")
    for label, text in _best_text(bests):
        console.print(f"  {label:<24}{text}")
    if plot is not None:
        console.print(f"\nPlot written to {plot}")


def _plot_history(sessions: Sequence[SessionSummary], *, unit: str, path: Path) -> None:
    """Top load, volume and share of clean reps per session, one panel each."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError.for_extra("report", "matplotlib") from None
    days = [s.day for s in sessions]
    fig, (ax_load, ax_vol, ax_clean) = plt.subplots(3, 1, figsize=(8, 7), sharex=True)
    try:
        loads = [s.top_load(unit) or 0.0 for s in sessions]
        ax_load.plot(days, loads, marker="o", color="#1f77b4")
        pain_days = [s.day for s in sessions if s.pain]
        if pain_days:
            ax_load.scatter(
                pain_days,
                [s.top_load(unit) or 0.0 for s in sessions if s.pain],
                marker="x",
                s=80,
                color="#d62728",
                zorder=3,
                label="pain reported",
            )
            ax_load.legend(loc="best")
        ax_load.set_ylabel(f"top load ({unit})")
        ax_load.set_title("Lever back extension: training history")
        ax_vol.bar(days, [s.volume(unit) for s in sessions], color="#7f7f7f", width=0.8)
        ax_vol.set_ylabel(f"volume ({unit} x reps)")
        rated = [(s.day, 100 * s.clean_share) for s in sessions if s.clean_share is not None]
        if rated:
            ax_clean.plot([d for d, _ in rated], [v for _, v in rated], marker="s", color="#2ca02c")
        else:
            ax_clean.text(
                0.5, 0.5, "no analysed sets in this period", transform=ax_clean.transAxes,
                ha="center", va="center", color="#7f7f7f",
            )  # fmt: skip
        ax_clean.set_ylim(0, 105)
        ax_clean.set_ylabel("clean reps (%)")
        for ax in (ax_load, ax_vol, ax_clean):
            ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format=path.suffix.lower().lstrip("."))
    except OSError as err:
        raise ConfigError(f"cannot write the plot: {err}") from None
    finally:
        plt.close(fig)


# -- next ---------------------------------------------------------------------------------


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
    }.get(rec.action, rec.action)
    goal = exercise.goals.get(profile.goal)
    console.print(
        f"[bold]Next session[/] ({rec.as_of.isoformat()}, "
        f"{goal.name.lower() if goal else profile.goal}, {_variant_name(exercise, profile.variant)})"
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
    from extensor.store import load_history, record_recommendation

    try:
        today = _parse_day(as_of)
        settings, store = _open(db)
        with store:
            exercise = load_exercise(settings.exercise)
            rules = load_rules(exercise=exercise)
            current, _ = resolve_profile(store, settings, rules)
            if goal is not None:
                current = Profile(
                    level=current.level,
                    goal=exercise.goal(goal).id,
                    variant=current.variant,
                    increment=current.increment,
                    unit=current.unit,
                )
            rec = recommend(load_history(store, until=today), current, rules, exercise, today=today)
            record_recommendation(store, rec)
    except ExtensorError as err:
        raise fail(err) from None
    if json_out:
        print_json(rec.to_dict())
        return
    _print_recommendation(rec, exercise, current)


# -- export / import ----------------------------------------------------------------------


@app.command()
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv (one row per set) or json.")
    ] = (ExportFormat.csv),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export the whole training log as CSV or JSON."""
    from extensor.store import export_log

    try:
        _, store = _open(db)
        with store:
            text = export_log(store, fmt="json" if fmt is ExportFormat.json else "csv")
        if output is not None:
            try:
                atomic_write(output, text)
            except OSError as err:
                raise ConfigError(f"cannot write the export: {err}", source=output) from None
    except ExtensorError as err:
        raise fail(err) from None
    if output is None:
        typer.echo(text, nl=False)
    else:
        console.print(f"Exported to {output}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A Strong or Hevy CSV export.")],
    fmt: Annotated[
        ImportFormat, typer.Option("--format", "-f", help="File layout.")
    ] = ImportFormat.auto,
    unit: Annotated[
        UnitChoice | None,
        typer.Option(
            help="Weight unit of a Strong file without a Weight Unit column.", show_default=False
        ),
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option(
            help="Variant of the imported sets (default: the profile's).", show_default=False
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the import report as JSON.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Import the back-extension sets of a Strong or Hevy CSV export (safe to repeat)."""
    from extensor.store import import_file

    try:
        settings, store = _open(db)
        with store:
            exercise = load_exercise(settings.exercise)
            the_variant = exercise.variant(variant).id if variant else None
            report = import_file(
                store,
                file,
                fmt=_IMPORT_FORMATS[fmt],
                unit=None if unit is None else parse_unit(unit.value),
                variant=the_variant,
            )
    except ExtensorError as err:
        raise fail(err) from None
    if json_out:
        print_json(report.to_dict())
        return
    console.print(
        f"{report.format.capitalize()} export {file.name}: {report.rows} rows, "
        f"{report.matched} back-extension sets."
    )
    days = len(report.days)
    lines = [
        ("imported", f"{report.imported} sets on {days} {'day' if days == 1 else 'days'}"),
        ("already there", str(report.already)),
        ("warm-ups skipped", str(report.warmups)),
        ("empty skipped", str(report.empty)),
        ("other exercises", f"{report.other} rows ignored"),
    ]
    for label, value in lines:
        console.print(f"  {label:<18}{value}")
