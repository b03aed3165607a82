"""``extensor export`` (CSV or JSON) and ``extensor import`` (Strong, Hevy)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer

from extensor._errors import ConfigError, ExtensorError, InputError
from extensor._files import atomic_write
from extensor.cli._app import app, console, fail, print_json
from extensor.cli._log_common import DbOption, UnitChoice, open_log
from extensor.knowledge import load_exercise
from extensor.progression import parse_unit
from extensor.store import Store, export_log, import_file

__all__ = ["export", "import_"]


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    strong = "strong"
    hevy = "hevy"


_EXPORT_FORMATS: dict[ExportFormat, Literal["csv", "json", "strong", "hevy"]] = {
    ExportFormat.csv: "csv",
    ExportFormat.json: "json",
    ExportFormat.strong: "strong",
    ExportFormat.hevy: "hevy",
}


class ImportFormat(StrEnum):
    auto = "auto"
    strong = "strong"
    hevy = "hevy"


_IMPORT_FORMATS: dict[ImportFormat, Literal["auto", "strong", "hevy"]] = {
    ImportFormat.auto: "auto",
    ImportFormat.strong: "strong",
    ImportFormat.hevy: "hevy",
}


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="csv (one row per set), json, or the CSV layout of Strong or Hevy.",
        ),
    ] = (ExportFormat.csv),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export the whole training log as CSV, JSON, or a Strong or Hevy CSV."""
    try:
        _, log_url = open_log(db)
        with Store(log_url) as store:
            text = export_log(store, fmt=_EXPORT_FORMATS[fmt])
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
    try:
        settings, log_url = open_log(db)
        exercise = load_exercise(settings.exercise)
        the_variant = exercise.variant(variant).id if variant else None
        if not file.is_file():
            raise InputError(f"{file}: no such file")
        with Store(log_url) as store:
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
    if report.assumed:
        console.print("Variants (from extensor/store/data/exercise_names.toml):")
    for line in report.assumed:
        for vid, v in exercise.variants.items():
            line = line.replace(f"-> {vid},", f"-> {v.name},")
        console.print(f"  {line}", markup=False)
