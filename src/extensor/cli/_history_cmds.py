"""``extensor log`` (sets typed in by hand) and ``extensor history`` (table, bests, chart)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from extensor._errors import ConfigError, ExtensorError
from extensor.app import quality_trend, write_history_chart
from extensor.cli._app import app, console, fail, print_json
from extensor.cli._log_common import (
    DbOption,
    check_choices,
    open_log,
    parse_day,
    resolve_profile,
    variant_name,
)
from extensor.knowledge import load_exercise
from extensor.progression import (
    PersonalBests,
    SessionSummary,
    format_load,
    load_rules,
    parse_load,
    personal_bests,
)
from extensor.store import Store, load_history, log_sets

__all__ = ["history", "log"]


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
            help="A fault you noticed, by mistake id (repeatable; the ids are listed by `extensor guide --format json`).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Log sets typed in by hand: load, reps, effort, pain."""
    if rpe is not None and rir is not None:
        raise typer.BadParameter("give either --rpe or --rir, not both", param_hint="--rpe/--rir")
    try:
        when = parse_day(day)
        if when > date.today():
            raise ConfigError(f"--date must not be in the future, got {when.isoformat()}")
        settings, log_url = open_log(db)
        exercise = load_exercise(settings.exercise)
        check_choices(exercise, variant=variant)
        for f in fault or []:
            exercise.mistake(f)
        parse_load(load, default_unit="kg")
        with Store(log_url) as store:
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
        f"{done.day.isoformat()} ({variant_name(exercise, the_variant)})."
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
    total = sum(s.reps for s in session.sets if s.rated)
    clean = session.clean_reps or 0
    colour = "green" if share >= 0.999 else ("yellow" if share >= 0.75 else "red")
    return f"[{colour}]{share * 100:.0f}%[/] {clean}/{total}"


def _faults_text(session: SessionSummary) -> str:
    counts = Counter(session.faults)
    if not counts:
        return ""
    parts = [
        f"{fid.replace('_', ' ')} x{n}" if n > 1 else fid.replace("_", " ")
        for fid, n in counts.most_common(2)
    ]
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


#: Columns of the history table; the numbers never wrap (each keeps the width of its
#: widest cell), the variant and the faults wrap at word boundaries into what is left.
_FIXED = (("date", "left"), ("sets", "left"), ("load", "right"), ("volume", "right"),
          ("clean", "right"), ("pain", "left"))  # fmt: skip


#: Least width of the faults column (characters) before columns are dropped.
MIN_FAULTS_WIDTH = 20
#: Columns dropped, in this order, when the terminal is too narrow for every one.
DROP_ORDER = ("variant", "volume")


def history_table(
    rows: Sequence[Sequence[str]], *, one_variant: bool, width: int
) -> tuple[Table, tuple[str, ...]]:
    """The history table for ``rows`` (cells in column order, the variant cell only when
    the sessions are on more than one variant) fitted to ``width`` characters, and the
    columns it dropped. The numbers never wrap or shrink (each keeps the width of its
    widest cell); the faults wrap at word boundaries; when even so the faults would get
    less than :data:`MIN_FAULTS_WIDTH`, columns go in :data:`DROP_ORDER`."""
    names = [c for c, _ in _FIXED]
    if not one_variant:
        names.insert(1, "variant")
    plain = [[Text.from_markup(c).plain for c in r] for r in rows]
    widths = {n: max([len(n)] + [len(r[k]) for r in plain]) for k, n in enumerate(names)}
    dropped: list[str] = []
    for name in DROP_ORDER:
        used = sum(widths[n] + 2 for n in names if n not in dropped) + 2
        if width - used >= MIN_FAULTS_WIDTH:
            break
        if name in names:
            dropped.append(name)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    keep = [k for k, n in enumerate(names) if n not in dropped]
    aligns = dict(_FIXED)
    for k in keep:
        name = names[k]
        justify: Any = aligns.get(name, "left")
        table.add_column(name, justify=justify, no_wrap=True, min_width=widths[name])
    table.add_column("faults", overflow="fold", min_width=10)
    for r in rows:
        table.add_row(*[r[k] for k in keep], r[-1])
    return table, tuple(dropped)


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
    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
            raise ConfigError(f"--plot file must end in .png or .svg, got {plot.name!r}")
        settings, log_url = open_log(db)
        with Store(log_url) as store:
            exercise = load_exercise(settings.exercise)
            current, _ = resolve_profile(store, settings, load_rules())
            everything = load_history(store)
        shown = everything[-last:]
        bests = personal_bests(everything, unit=current.unit)
        if plot is not None:
            _write_plot(shown, unit=current.unit, path=plot)
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
                "quality_trend": None if (q := quality_trend(shown)) is None else q.to_dict(),
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
        title += f" - {variant_name(exercise, next(iter(variants)))}"
    console.print(f"[bold]{escape(title)}[/]")  # not Table(title=...): it skews column widths
    rows: list[list[str]] = []
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
        rows.append(row)
    table, dropped = history_table(rows, one_variant=one_variant, width=console.width)
    console.print(table)
    if dropped:
        console.print(
            f"[dim]not shown at this width: {', '.join(dropped)} (`--json` has everything)[/]"
        )
    console.print(
        "[dim]volume = load x reps; clean = analysed reps without a fault (- = typed in)[/]"
    )
    first, latest = shown[0], shown[-1]
    peak = max(s.top_load(unit) or 0.0 for s in shown)
    trend = (
        f"From {first.day.isoformat()} to {latest.day.isoformat()}: top load "
        f"{format_load(first.top_load(unit), unit)} -> {format_load(latest.top_load(unit), unit)}"
        f" (peak {format_load(peak, unit)}), volume {first.volume(unit):,.0f} -> "
        f"{latest.volume(unit):,.0f} {unit}"
    )
    console.print(trend + ".")
    quality = quality_trend(shown)
    if quality is not None:
        console.print(f"Rep quality: {quality.text}.")
    console.print("\n[bold]Personal bests[/] (all sessions)")
    for label, text in _best_text(bests):
        console.print(f"  {label:<24}{text}")
    if plot is not None:
        console.print(f"\nPlot written to {plot}")


def _write_plot(sessions: Sequence[SessionSummary], *, unit: str, path: Path) -> None:
    """The history chart (:func:`extensor.app.write_history_chart`), a ConfigError when
    the file cannot be written."""
    try:
        write_history_chart(sessions, unit=unit, path=path)
    except OSError as err:
        raise ConfigError(f"cannot write the plot: {err}") from None
