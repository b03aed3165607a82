"""``extensor analyze`` and ``extensor demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from extensor._config import load_settings
from extensor._errors import ExtensorError
from extensor.cli._app import app, console, fail, print_json
from extensor.core._results import SetAnalysis

__all__ = ["print_analysis"]


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def print_analysis(result: SetAnalysis, *, quiet: bool = False) -> None:
    """The per-rep table, faults, what could not be judged, and data warnings."""
    for n in result.notices:
        console.print(f"[yellow]warning[/] ({n.code}): {n.message}")
    if quiet:
        for f in result.faults:
            console.print(f"rep {f.rep}: {f.id} - {f.detail}")
        return
    m = result.metrics
    table = Table(title=f"{m.rep_count} reps ({m.full_rep_count} full) - goal {result.goal}")
    for col in (
        "rep",
        "start s",
        "lift s",
        "top s",
        "lower s",
        "bottom s",
        "range deg",
        "top vs neutral",
        "faults",
    ):
        table.add_column(col, justify="right" if col != "faults" else "left")
    for r in result.reps:
        faults = ", ".join(f.id for f in result.faults if f.rep == r.number)
        top = "-" if r.top_deviation_deg is None else (
            f"{-r.top_deviation_deg:+.0f} past" if r.top_deviation_deg < 0 else f"{r.top_deviation_deg:.0f} short"
        )  # fmt: skip
        table.add_row(
            str(r.number) + ("" if r.complete else "*"), _fmt(r.start), _fmt(r.lift_s), _fmt(r.top_hold_s),
            _fmt(r.lower_s), _fmt(r.bottom_settle_s), _fmt(r.range_deg, ".0f"), top,
            f"[red]{faults}[/]" if faults else "[green]clean[/]",
        )  # fmt: skip
    console.print(table)
    if any(not r.complete for r in result.reps):
        console.print("* the recording ends inside this rep")
    console.print(
        f"time under tension {m.time_under_tension_s:.1f} s, tempo spread (CV) "
        f"{_fmt(m.tempo_consistency_cv, '.2f')}, velocity loss {_fmt(m.velocity_loss_pct, '.0f')} %"
    )
    if result.not_observable:
        console.print("not observable from this input: " + ", ".join(result.not_observable))


@app.command()
def analyze(
    input: Annotated[Path, typer.Argument(help="Video, keypoint file/folder, encoder or IMU CSV.")],
    variant: Annotated[
        str | None, typer.Option(help="Exercise variant (default from settings).")
    ] = None,
    goal: Annotated[str | None, typer.Option(help="Training goal; sets the tempo targets.")] = None,
    input_type: Annotated[
        str | None, typer.Option(help="Force the adapter instead of detecting it.")
    ] = None,
    fps: Annotated[
        float | None, typer.Option(help="Frame rate when the file has no timestamps.")
    ] = None,
    angle_zero: Annotated[
        float | None, typer.Option(help="Encoder reading at neutral (degrees).")
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write the full result as JSON to PATH, or - for stdout."),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="Print only the faults.")] = False,
) -> None:
    """Count reps, time the phases, measure range and flag faults in a recorded set."""
    from extensor._analysis import analyze_file

    try:
        settings = load_settings(variant=variant, goal=goal)
        options: dict[str, Any] = {
            k: v for k, v in {"fps": fps, "angle_zero": angle_zero}.items() if v is not None
        }
        result = analyze_file(
            input, goal=settings.goal, variant=settings.variant, input_type=input_type, **options
        ).result
    except ExtensorError as err:
        raise fail(err) from None
    if json_out == "-":
        print_json(result.to_dict())
        return
    print_analysis(result, quiet=quiet)
    if json_out:
        _write_json(Path(json_out), result)
        console.print(f"JSON written to {json_out}")


def _write_json(path: Path, result: SetAnalysis) -> None:
    import json
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(result.to_dict(), fh, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the generated example files.")] = Path(
        "out"
    ),
) -> None:
    """Generate the bundled example set, analyse it, and show the result (what `make run` does)."""
    from extensor._analysis import analyze_file
    from extensor._example import write_example

    try:
        path = write_example(out / "example-set.csv")
        result = analyze_file(path, goal="hypertrophy", variant="45_degree_bench").result
    except ExtensorError as err:
        raise fail(err) from None
    console.print(
        f"[bold]Example set[/] (synthetic keypoints, 45-degree bench, goal hypertrophy): {path}"
    )
    print_analysis(result)
    json_path = out / "example-analysis.json"
    _write_json(json_path, result)
    console.print(f"\nFull result: {json_path}")
    console.print(
        "Next: `extensor guide`, `extensor plan --goal hypertrophy`, `extensor analyze YOUR_FILE`."
    )
