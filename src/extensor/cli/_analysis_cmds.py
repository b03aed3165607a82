"""``extensor analyze`` and ``extensor demo``.

``analyze`` prints a compact per-rep table, the set summary, the cues and the load
verdict; ``--quiet`` prints only the cues, ``--json`` the full result with the coaching
under ``"coaching"`` (``docs/coaching.md``), ``--report`` writes the HTML report.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from extensor._config import load_settings
from extensor._errors import ConfigError, ExtensorError
from extensor._files import atomic_write
from extensor.cli._app import app, console, err_console, fail, print_json
from extensor.coach import (
    KEY_FRAME_WIDTH_PX,
    Coaching,
    KeyFrame,
    ReportFiles,
    coach_set,
    write_report,
)
from extensor.core._results import Rep, SetAnalysis
from extensor.core._timeseries import TimeSeries
from extensor.io import detect_input_type, write_extensor_csv
from extensor.knowledge import Exercise, load_exercise
from extensor.video import key_frames as video_key_frames
from extensor.video import overlay_from_run, write_annotated_video

__all__ = ["analysis_json", "print_analysis", "print_coaching", "print_cues"]

#: Rich style of each cue tier (fault names in the table, tier labels of the cues).
TIER_STYLES: dict[str, str] = {
    "safety": "bold red",
    "tempo": "yellow",
    "range": "magenta",
    "position": "cyan",
    "breathing": "blue",
}
#: Rich style of each load decision.
DECISION_STYLES: dict[str, str] = {
    "too_heavy": "bold red",
    "keep": "bold",
    "may_go_up": "bold green",
}
#: Which phase column a mistake is about (the cell is coloured when the rep shows it).
_FAULT_COLUMN: dict[str, str] = {
    "momentum": "lift",
    "no_top_pause": "top",
    "rushed_lowering": "lower",
    "bounce": "bottom",
    "no_settle": "bottom",
    "past_neutral": "top_vs_neutral",
    "partial_range": "top_vs_neutral",
    "deep_rounding": "range",
}


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def _top(rep: Rep) -> str:
    dev = rep.top_deviation_deg
    if dev is None:
        return "-"
    if round(dev) == 0:
        return "at neutral"
    return f"{-dev:.0f}° past" if dev < 0 else f"{dev:.0f}° short"


def _tier_of(coaching: Coaching | None, mistake: str) -> str:
    if coaching is not None:
        for c in coaching.all_cues:
            if c.mistake == mistake:
                return c.tier
    return "position"


def _styled(text: str, style: str | None) -> str:
    return f"[{style}]{text}[/]" if style else text


def print_analysis(
    result: SetAnalysis, *, coaching: Coaching | None = None, quiet: bool = False
) -> None:
    """Warnings, the per-rep table and the set summary; then the coaching when given.

    ``quiet`` prints only the cues (warnings go to stderr).
    """
    if quiet:
        for n in result.notices:
            err_console.print(f"[yellow]warning[/] ({n.code}): {n.message}", soft_wrap=True)
        if coaching is not None:
            print_cues(coaching)
        else:
            for f in result.faults:
                console.print(f"rep {f.rep}: {f.id} - {f.detail}", markup=False)
        return
    for n in result.notices:
        console.print(f"[yellow]warning[/] ({n.code}): {n.message}")
    m = result.metrics
    title = f"{m.rep_count} reps ({m.full_rep_count} full), goal {result.goal}"
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False
    )
    for col in ("rep", "lift", "top", "lower", "bottom", "range", "top vs neutral"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("faults", justify="left")
    for r in result.reps:
        faults = list(dict.fromkeys(f.id for f in result.faults if f.rep == r.number))
        cols = {
            _FAULT_COLUMN[f]: TIER_STYLES.get(_tier_of(coaching, f))
            for f in faults
            if f in _FAULT_COLUMN
        }
        names = ", ".join(
            _styled(f.replace("_", " "), TIER_STYLES.get(_tier_of(coaching, f))) for f in faults
        )
        table.add_row(
            str(r.number) + ("" if r.complete else "*"),
            _styled(_fmt(r.lift_s), cols.get("lift")),
            _styled(_fmt(r.top_hold_s), cols.get("top")),
            _styled(_fmt(r.lower_s), cols.get("lower")),
            _styled(_fmt(r.bottom_settle_s), cols.get("bottom")),
            _styled(_fmt(r.range_deg, ".0f") + "°", cols.get("range")),
            _styled(_top(r), cols.get("top_vs_neutral")),
            names or "[green]clean[/]",
        )
    console.print(table)
    console.print("[dim]phase times in seconds[/]" + (
        "; * the recording ends inside this rep" if any(not r.complete for r in result.reps) else ""
    ))  # fmt: skip
    mean_range = "-" if m.mean_range_deg is None else f"{m.mean_range_deg:.0f}°"
    speed = (
        ""
        if m.velocity_loss_pct is None
        else f" · lift speed {-m.velocity_loss_pct:+.0f} % over the set"
    )
    console.print(
        f"{m.time_under_tension_s:.1f} s under tension · tempo spread (CV) "
        f"{_fmt(m.tempo_consistency_cv, '.2f')} · mean range {mean_range}{speed}"
    )
    if result.not_observable:
        console.print(
            "[dim]not judged from this input: "
            + ", ".join(x.replace("_", " ") for x in result.not_observable)
            + "[/]"
        )
    if coaching is not None:
        print_coaching(coaching)


def print_cues(coaching: Coaching) -> None:
    """Only the cues, one numbered line each (what ``--quiet`` prints)."""
    if not coaching.cues:
        console.print(
            "No cues: every rep was clean." if coaching.rep_count else "No cues: no rep was found."
        )
        return
    for k, c in enumerate(coaching.cues, start=1):
        console.print(f"{k}. {c.text}", soft_wrap=True, markup=False)


def print_coaching(coaching: Coaching) -> None:
    """Cues with their evidence and guide section, what went well, and the load verdict."""
    g = coaching.goal
    console.print(
        f"\n[bold]Coaching[/] ({g.name.lower()}: tempo {g.tempo} lift/top/lower/bottom, "
        f"{g.reps} reps)"
    )
    grid = Table.grid(padding=(0, 1), pad_edge=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    if not coaching.cues:
        grid.add_row("", "[green]Nothing to change: no fault was found.[/]")
    for k, c in enumerate(coaching.cues, start=1):
        style = TIER_STYLES.get(c.tier, "")
        grid.add_row(
            f"[{style}]{k}.[/]",
            f"[bold]{escape(c.cue)}[/] [{style}]{c.tier}[/]\n{escape(c.evidence)}.\n"
            f"[dim]guide: {escape(c.title.lower())}, `extensor guide --section "
            f"{c.guide_section}`[/]",
        )
    if coaching.also_seen:
        seen = "; ".join(
            f"{c.mistake.replace('_', ' ')} ({c.reps_text})" for c in coaching.also_seen
        )
        grid.add_row("", f"[dim]also seen: {escape(seen)}[/]")
    for s in coaching.went_well:
        grid.add_row("[green]✓[/]", escape(s))
    v = coaching.verdict
    style = DECISION_STYLES.get(v.decision, "bold")
    grid.add_row("", "")
    grid.add_row("[bold]→[/]", f"[bold]Next set:[/] [{style}]{escape(v.headline)}[/]\n"
                 f"{escape(v.reason)} {escape(v.action)}")  # fmt: skip
    console.print(grid)


def analysis_json(result: SetAnalysis, coaching: Coaching) -> dict[str, Any]:
    """The ``--json`` document: the analysis export with the coaching under ``"coaching"``."""
    data = result.to_dict()
    data["coaching"] = coaching.to_dict()
    return data


def _write_json(path: Path, data: dict[str, Any]) -> None:
    try:
        atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except ExtensorError as err:
        raise fail(f"cannot write the JSON result: {err}") from None


def _report(
    path: Path,
    result: SetAnalysis,
    coaching: Coaching,
    exercise: Exercise,
    motion: TimeSeries,
    key_frames: Sequence[KeyFrame] = (),
) -> ReportFiles:
    try:
        return write_report(
            path, result, coaching, exercise=exercise, motion=motion, key_frames=key_frames
        )
    except ExtensorError as err:
        raise fail(f"cannot write the report: {err}") from None


def _video_progress(enabled: bool) -> tuple[Progress | None, Callable[[int, int], None] | None]:
    """A progress bar on stderr (frames, frames/s, time left) and the callback feeding it."""
    if not enabled:
        return None, None
    bar = Progress(
        TextColumn("pose"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    task = bar.add_task("pose", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total or None)

    return bar, update


class _CancelledError(Exception):
    """Raised from the progress callback to stop a background pose pass."""


class _Background:
    """``fn(*args, **kwargs)`` in a daemon thread; :meth:`result` waits and returns or raises.

    For a video, :meth:`progress` wraps the progress callback: after :meth:`cancel` it
    raises, which stops the pose pass at its next report (within 0.1 s).
    """

    def __init__(self) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None

    def progress(self, update: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            if self._cancelled.is_set():
                raise _CancelledError
            if update is not None:
                update(done, total)

        return report

    def start(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        def target() -> None:
            try:
                self._value = fn(*args, **kwargs)
            except BaseException as err:  # noqa: BLE001 - re-raised by result()
                self._error = err

        self._thread = threading.Thread(target=target, name="extensor-read", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop and wait for it (its result is dropped)."""
        self._cancelled.set()
        if self._thread is not None:
            self._thread.join()

    def result(self) -> Any:
        """The return value (after waiting for the thread); its exception re-raised."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


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
        typer.Option(
            "--json", help="Write the result and its coaching as JSON to PATH, or - for stdout."
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the HTML report to PATH (and the guide next to it)."),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="Print only the cues.")] = False,
    save: Annotated[
        bool, typer.Option(help="Store the analysed set in the training log (needs --load).")
    ] = False,
    load: Annotated[
        str | None, typer.Option(help="Load used, for --save: 40kg, 90lb, 40 (profile unit), bw.")
    ] = None,
    rpe: Annotated[
        float | None, typer.Option(help="Rate of perceived exertion, for --save.")
    ] = None,
    rir: Annotated[int | None, typer.Option(help="Reps in reserve, for --save.")] = None,
    pain: Annotated[bool, typer.Option(help="Pain during the set, for --save.")] = False,
    note: Annotated[
        str | None, typer.Option(help="A note stored with the set, for --save.")
    ] = None,
    db: Annotated[
        str | None, typer.Option(help="Training log database (file or URL); default in data dir.")
    ] = None,
    annotated: Annotated[
        Path | None,
        typer.Option(
            help="Video input: write the clip with skeleton, angle, reps, phases, faults."
        ),
    ] = None,
    keypoints: Annotated[
        Path | None,
        typer.Option(help="Save the pose trace as an extensor CSV, to re-analyse without pose."),
    ] = None,
) -> None:
    """Count reps, time the phases, flag faults, and coach the next set.

    Goal and variant: the flags, else the stored profile (`extensor profile`), else settings.
    """
    from extensor._analysis import run_analysis
    from extensor.cli._log_cmds import save_run_to_log, stored_profile
    from extensor.io import read_recording

    if save and load is None:
        raise fail("--save needs --load (for example --load 40kg, or --load bw)")
    try:
        options: dict[str, Any] = {
            k: v for k, v in {"fps": fps, "angle_zero": angle_zero}.items() if v is not None
        }
        kind = input_type or detect_input_type(input)
        if annotated is not None and kind != "video":
            raise ConfigError(f"--annotated needs a video input, got a {kind} file")
        bar, update = _video_progress(kind == "video" and err_console.is_terminal and not quiet)
        with bar or contextlib.nullcontext():
            # A video's pose pass starts first, in the background: the profile (training-log
            # database) and settings are read beside it, not before it (~0.5-1 s sooner).
            reading = _Background()
            if kind == "video":  # the pipeline calls it every 0.1 s: it can stop the pass
                options["progress"] = reading.progress(update)
            reading.start(read_recording, input, input_type=kind, **options)
            try:
                profile = stored_profile(db) if goal is None or variant is None else None
                settings = load_settings(
                    variant=variant or (profile.variant if profile else None),
                    goal=goal or (profile.goal if profile else None),
                )
                exercise = load_exercise(settings.exercise)
            except BaseException:
                reading.cancel()
                raise
            run = run_analysis(
                reading.result(), goal=settings.goal, variant=settings.variant, exercise=exercise
            )
        if keypoints is not None and run.recording.info.get("kind") != "keypoints":
            raise ConfigError("--keypoints needs a video or keypoint input")
        coaching = coach_set(run.result, exercise=exercise, goal=settings.goal)
    except ExtensorError as err:
        raise fail(err) from None
    result = run.result
    to_stdout = json_out == "-"
    if not to_stdout:
        print_analysis(result, coaching=coaching, quiet=quiet)
    if json_out and not to_stdout:
        _write_json(Path(json_out), analysis_json(result, coaching))
        if not quiet:
            console.print(f"JSON written to {json_out}")
    say = (err_console if to_stdout else console).print
    if keypoints is not None:
        try:
            write_extensor_csv(run.recording, keypoints)
        except ExtensorError as err:
            raise fail(f"cannot write the keypoints: {err}") from None
        if not quiet:
            say(f"Pose trace written to {keypoints}")
    if annotated is not None:
        try:
            write_annotated_video(
                input, annotated, run.recording, overlay_from_run(run, titles=_titles(exercise))
            )
        except ExtensorError as err:
            raise fail(f"cannot write the annotated video: {err}") from None
        if not quiet:
            say(f"Annotated video written to {annotated}")
    if report is not None:
        frames: list[KeyFrame] = []
        if kind == "video":
            try:
                frames = video_key_frames(input, run, width_px=KEY_FRAME_WIDTH_PX)
            except ExtensorError as err:
                say(f"[yellow]warning[/]: no key frames in the report ({escape(str(err))})")
        files = _report(report, result, coaching, exercise, run.motion, frames)
        if not quiet:
            (err_console if to_stdout else console).print(
                f"Report written to {files.report} ({files.size_bytes / 1024:.0f} KB)"
            )
    if save and load is not None:
        try:
            line = save_run_to_log(run, load=load, db=db, rpe=rpe, rir=rir, pain=pain, note=note)
        except ExtensorError as err:
            raise fail(err) from None
        (err_console if to_stdout else console).print(line)
    if to_stdout:
        print_json(analysis_json(result, coaching))


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the generated example files.")] = Path(
        "out"
    ),
) -> None:
    """Analyse the bundled example set, coach it, and write its report (what `make run` does)."""
    from extensor._analysis import analyze_file
    from extensor._example import write_example

    goal, variant = "hypertrophy", "45_degree_bench"
    try:
        exercise = load_exercise()
        path = write_example(out / "example-set.csv")
        run = analyze_file(path, goal=goal, variant=variant, exercise=exercise)
        coaching = coach_set(run.result, exercise=exercise, goal=goal)
    except ExtensorError as err:
        raise fail(err) from None
    console.print(
        f"[bold]Example set[/]: synthetic keypoints, 45-degree bench, goal {goal} ({path})"
    )
    print_analysis(run.result, coaching=coaching)
    json_path = out / "example-analysis.json"
    _write_json(json_path, analysis_json(run.result, coaching))
    files = _report(out / "example-report.html", run.result, coaching, exercise, run.motion)
    console.print(f"\nFull result: {json_path}")
    console.print(
        f"[bold]Report:[/] {files.report} ({files.size_bytes / 1024:.0f} KB; open it in a browser)"
    )
    console.print(
        "Next: `extensor analyze YOUR_FILE --report set.html`, `extensor plan --goal hypertrophy`."
    )


def _titles(exercise: Exercise) -> dict[str, str]:
    return {m.id: m.title for m in exercise.mistakes.values()}
