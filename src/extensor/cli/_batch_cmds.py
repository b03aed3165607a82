"""``extensor batch``: every recording of a folder or manifest, resumable (``docs/scale.md``).

Prints a progress bar over recordings (stderr, with an ETA), then the summary: sets,
reps, faults by kind and every failure with its reader's message. Exit code 0 when every
recording was analysed, 1 when any failed (or on an error), 130 when interrupted (what
finished is kept; run the same command again to go on).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from extensor._errors import ExtensorError
from extensor.cli._app import app, console, err_console, fail, print_json

__all__ = ["batch"]


class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


class TableChoice(StrEnum):
    both = "both"
    csv = "csv"
    parquet = "parquet"


@app.command()
def batch(
    input: Annotated[
        Path, typer.Argument(help="Folder of recordings (walked recursively) or manifest CSV.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for results, reports, table and summary.")],
    variant: Annotated[
        str | None, typer.Option(help="Exercise variant (default: profile, settings).")
    ] = None,
    goal: Annotated[
        str | None, typer.Option(help="Training goal (default: profile, settings).")
    ] = None,
    input_type: Annotated[
        str | None, typer.Option(help="Force one adapter for every recording.")
    ] = None,
    fps: Annotated[
        float | None, typer.Option(help="Frame rate of files without timestamps.")
    ] = None,
    angle_zero: Annotated[
        float | None, typer.Option(help="Encoder reading at neutral (degrees).")
    ] = None,
    report: Annotated[bool, typer.Option(help="Write each set's HTML report.")] = False,
    whole: Annotated[
        bool, typer.Option(help="Each recording is one set, even across rests of 15 s or more.")
    ] = False,
    engine: Annotated[
        EngineChoice, typer.Option(help="local (process pool) or ray.")
    ] = EngineChoice.local,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: one per core).")
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: start a local Ray).")
    ] = None,
    table: Annotated[
        TableChoice, typer.Option(help="Table formats: both (CSV + Parquet), csv or parquet.")
    ] = TableChoice.both,
    save: Annotated[
        bool, typer.Option(help="Store each analysed set in the training log under its lifter.")
    ] = False,
    load: Annotated[
        str | None, typer.Option(help="Load for --save where the manifest gives none (40kg, bw).")
    ] = None,
    db: Annotated[str | None, typer.Option(help="Training log database (file or URL).")] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
) -> None:
    """Analyse every recording of a folder or manifest; resumable; one results table."""
    from extensor.batch import BatchOptions, iter_entries, run_batch
    from extensor.cli._log_common import settings_for

    if address is not None and engine != EngineChoice.ray:
        raise fail("--address needs --engine ray")
    try:
        settings = settings_for(goal=goal, variant=variant, db=db)
        options = BatchOptions(
            goal=settings.goal, variant=settings.variant, exercise=settings.exercise,
            input_type=input_type, fps=fps, angle_zero=angle_zero, report=report, whole=whole,
            engine=engine.value, workers=workers, address=address, table=table.value,
        )  # fmt: skip
        total = sum(1 for _ in iter_entries(input, exclude=out))
        bar = _progress(enabled=err_console.is_terminal and not json_out)
        task = bar.add_task("batch", total=total, last="") if bar is not None else None

        def update(done: int, total: int, source: str, status: str) -> None:
            if bar is not None and task is not None:
                bar.update(task, completed=done, last=f"{status}: {source}")

        try:
            if bar is not None:
                bar.start()
            result = run_batch(input, out, options, progress=update, total=total)
        finally:
            if bar is not None:
                bar.stop()
    except KeyboardInterrupt:
        err_console.print(
            "[yellow]interrupted[/]: every finished recording is kept in "
            f"{escape(str(out / 'results'))}; run the same command again to go on"
        )
        raise typer.Exit(code=130) from None
    except ExtensorError as err:
        raise fail(err) from None
    saved = None
    if save:
        from extensor.batch import save_batch

        try:
            saved = save_batch(result, db=db, load=load)
        except ExtensorError as err:
            raise fail(err) from None
    summary: dict[str, Any] = dict(result.summary)
    if saved is not None:
        summary["saved"] = {"new": saved.saved, "already": saved.already, "no_load": saved.no_load}
    if json_out:
        print_json(summary)
    else:
        _print_summary(summary, out, result.warnings)
    if result.failed:
        raise typer.Exit(code=1)


def _progress(*, enabled: bool) -> Progress | None:
    if not enabled:
        return None
    return Progress(
        TextColumn("recordings"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[last]}", markup=False),
        console=err_console,
        transient=True,
    )


def _print_summary(summary: dict[str, Any], out: Path, warnings: list[str]) -> None:
    for w in warnings:
        err_console.print(f"[yellow]warning[/]: {escape(w)}", soft_wrap=True)
    console.print(
        f"[bold]{summary['recordings']} recordings[/]: {summary['analysed_now']} analysed now, "
        f"{summary['done_before']} done before; {summary['sets']} sets, {summary['reps']} reps"
    )
    if summary["faults"]:
        console.print(
            "faults: "
            + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary["faults"].items())
        )
    if "saved" in summary:
        s = summary["saved"]
        line = f"training log: {s['new']} sets saved, {s['already']} already there"
        console.print(
            line + (f", {s['no_load']} without a load (not saved)" if s["no_load"] else "")
        )
    tables = ", ".join(str(out / name) for name in summary["tables"])
    console.print(f"table: {tables}; summary: {out / 'summary.json'}")
    if summary["failed"]:
        err_console.print(f"[bold red]{summary['failed']} failed[/]:")
        for f in summary["failures"]:
            err_console.print(f"  {escape(f['source'])}: {escape(f['message'])}", soft_wrap=True)
