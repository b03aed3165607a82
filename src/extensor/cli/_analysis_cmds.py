"""``extensor analyze`` and ``extensor demo``.

``analyze`` prints a compact per-rep table, the set summary, the cues and the load
verdict; ``--quiet`` prints only the cues, ``--json`` the full result with the coaching
under ``"coaching"`` (``docs/coaching.md``), ``--report`` writes the HTML report.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from extensor._errors import ConfigError, ExtensorError
from extensor._example import write_example
from extensor._files import atomic_write, strict_json
from extensor.app import (
    CoachedSession,
    LogEntry,
    ProgressFn,
    analysis_document,
    analyze_and_coach,
    analyze_session,
)
from extensor.batch import content_hash
from extensor.cli._app import app, console, err_console, fail, print_json
from extensor.cli._log_common import check_choices, open_log, resolve_profile, settings_for
from extensor.coach import NUMBER_HELP, Coaching, set_numbers
from extensor.core import MISTAKES, Rep, SetAnalysis
from extensor.io import detect_input_type
from extensor.knowledge import load_exercise
from extensor.progression import format_load, load_rules, parse_load
from extensor.store import Store

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
    "stop": "bold red",
    "too_heavy": "bold red",
    "keep": "bold",
    "may_go_up": "bold green",
}
#: Which phase column a mistake is about (the cell is coloured when the rep shows it):
#: the first of its registry ``cells``.
_FAULT_COLUMN: dict[str, str] = {m.id: m.cells[0] for m in MISTAKES if m.cells}


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
    # the per-rep smoothness column only where it leaves the faults room; the set's mean is
    # always printed below the table
    per_rep_smooth = console.width >= WIDE_TABLE_COLUMNS
    columns = ("rep", "lift", "top", "lower", "bottom", "range", "top vs neutral")
    for col in columns + (("smooth",) if per_rep_smooth else ()):
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
            *((_fmt(r.smoothness_ldlj),) if per_rep_smooth else ()),
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
    for line in number_lines(result):
        console.print(line)
    blind = result.not_observable if coaching is None else coaching.not_judged
    if blind:
        console.print(
            "[dim]not judged from this input: "
            + ", ".join(x.replace("_", " ") for x in blind)
            + "[/]"
        )
    if coaching is not None:
        print_coaching(coaching)


#: Terminal width from which the rep table also shows each rep's smoothness.
WIDE_TABLE_COLUMNS = 100


def number_lines(result: SetAnalysis) -> list[str]:
    """Velocity loss and smoothness, each with its one-line meaning (the same words as
    the report: :data:`extensor.coach.NUMBER_HELP`)."""
    loss, smooth = set_numbers(result)
    return [
        f"velocity loss {'-' if loss is None else f'{loss:.0f} %'}: {NUMBER_HELP['velocity_loss']}",
        f"smoothness {'-' if smooth is None else f'{smooth:.1f}'}: {NUMBER_HELP['smoothness']}",
    ]


def print_cues(coaching: Coaching) -> None:
    """Only the cues, one numbered line each (what ``--quiet`` prints)."""
    if coaching.withheld:
        console.print(f"No cues: {coaching.withheld}.", soft_wrap=True, markup=False)
        return
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
    if coaching.withheld:
        grid.add_row("", f"[yellow]{escape(coaching.withheld)}.[/]")
    elif not coaching.cues:
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
            f"{c.mistake.replace('_', ' ')} ({c.reps_text}{', possible' if c.possible else ''})"
            for c in coaching.also_seen
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
    return analysis_document(result, coaching)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    try:
        atomic_write(path, strict_json(data) + "\n")
    except ExtensorError as err:
        raise fail(f"cannot write the JSON result: {err}") from None


#: What the progress bar says for each stage of :data:`extensor.app.STAGES`.
STAGE_LABELS = {
    "reading": "pose",
    "analysing": "analysing",
    "logging": "saving",
    "coaching": "coaching",
    "annotating": "annotated video",
    "key_frames": "key frames",
    "report": "report",
}


def _video_progress(enabled: bool) -> tuple[Progress | None, ProgressFn | None]:
    """A progress bar on stderr and the pipeline callback feeding it
    (:data:`extensor.app.ProgressFn`): the pose frames, then each later stage by name,
    with a count where the stage has one (annotated-video frames, key frames)."""
    if not enabled:
        return None, None
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    task = bar.add_task(STAGE_LABELS["reading"], total=None)

    def update(stage: str, done: int | None, total: int | None) -> None:
        label = STAGE_LABELS.get(stage, stage)
        if done is None:
            if stage != "reading":
                bar.reset(task, description=label, total=None)
            return
        bar.update(task, description=label, completed=done, total=total or None)

    return bar, update


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
    set_number: Annotated[
        int | None,
        typer.Option("--set", help="A recording of several sets: analyse only set N (from 1)."),
    ] = None,
    whole: Annotated[
        bool, typer.Option(help="Analyse the recording as one set, even across long rests.")
    ] = False,
    neutral_hold: Annotated[
        float | None,
        typer.Option(
            help="IMU: the first SECONDS are a still, tall hold at neutral (calibrates it)."
        ),
    ] = None,
    sensor: Annotated[
        str | None,
        typer.Option(help="IMU file or folder of several units: use this unit, not the trunk's."),
    ] = None,
    member: Annotated[
        str | None,
        typer.Option(help="IMU folder of unit folders: the file to read in each (test.txt)."),
    ] = None,
    image_size: Annotated[
        str | None,
        typer.Option(help="Keypoints in normalized coordinates: the video's WIDTHxHEIGHT in px."),
    ] = None,
) -> None:
    """Count reps, time the phases, flag faults, and coach the next set.

    A recording of several sets (rests of 15 s or more) is analysed set by set, its range
    judged against the session's best reps; `--set N` keeps one set, `--whole` none.
    Goal and variant: the flags, else the stored profile (`extensor profile`), else settings.
    """
    if save and load is None:
        raise fail("--save needs --load (for example --load 40kg, or --load bw)")
    if whole and set_number is not None:
        raise fail("--set and --whole exclude each other: pick one set, or the whole recording")
    try:
        settings = settings_for(goal=goal, variant=variant, db=db)
        exercise = load_exercise(settings.exercise)
        check_choices(exercise, goal=settings.goal, variant=settings.variant)
        if load is not None:
            parse_load(load, default_unit="kg")
        given = {"fps": fps, "angle_zero": angle_zero, "neutral_hold_s": neutral_hold,
                 "sensor": sensor, "member": member, "image_size": image_size}  # fmt: skip
        options: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        options["max_bytes"] = settings.max_input_bytes
        kind = input_type or detect_input_type(input)
        if annotated is not None and kind != "video":
            raise ConfigError(f"--annotated needs a video input, got a {kind} file")
        bar, progress = _video_progress(kind == "video" and err_console.is_terminal and not quiet)
        entry: LogEntry | None = None
        store: Store | None = None
        if save and load is not None:
            log_settings, log_url = open_log(db)
            store = Store(log_url)
            with store:
                current, _ = resolve_profile(store, log_settings, load_rules())
            value, unit = parse_load(load, default_unit=current.unit)
            key = _log_key(input, goal=settings.goal, variant=settings.variant, kind=kind,
                           options=options, whole=whole)  # fmt: skip
            entry = LogEntry(
                load=value, unit=unit, rpe=rpe, rir=rir, pain=pain, note=note, result_key=key
            )
        with bar or contextlib.nullcontext(), store or contextlib.nullcontext():
            common: dict[str, Any] = {
                "goal": settings.goal, "variant": settings.variant, "exercise": exercise,
                "input_type": kind, "read_options": options, "report": report, "annotated": annotated,
                "keypoints": keypoints, "log": entry, "store": store, "progress": progress,
            }  # fmt: skip
            session = analyze_session(input, set_number=set_number, whole=whole, **common)
    except ExtensorError as err:
        raise fail(err) from None
    to_stdout = json_out == "-"
    for done in session.sets if not to_stdout else ():
        where = done.result.info.get("set")
        if where is not None and not quiet:
            console.rule(
                f"[bold]Set {where['number']} of {where['of']}[/] "
                f"({where['start_s']:.1f}-{where['end_s']:.1f} s)"
            )
        print_analysis(done.result, coaching=done.coaching, quiet=quiet)
    _report_outputs(session, json_out=json_out, quiet=quiet, entry=entry, keypoints=keypoints,
                    annotated=annotated, store=store)  # fmt: skip


def _report_outputs(
    session: CoachedSession,
    *,
    json_out: str | None,
    quiet: bool,
    entry: LogEntry | None,
    keypoints: Path | None,
    annotated: Path | None,
    store: Store | None,
) -> None:
    """Write the JSON and say which files were written and what was saved."""
    to_stdout = json_out == "-"
    if json_out and not to_stdout:
        try:
            _write_json(Path(json_out), session.to_dict())
        except BaseException:
            session.discard(store)  # a failed run leaves none of its files or saved sets
            raise
        if not quiet:
            console.print(f"JSON written to {json_out}")
    say = (err_console if to_stdout else console).print
    if keypoints is not None and not quiet:
        say(f"Pose trace written to {keypoints}")
    if annotated is not None and not quiet:
        say(f"Annotated video written to {annotated}")
    for done in session.sets:
        for warning in done.warnings:
            say(f"[yellow]warning[/]: {escape(warning)}")
        if done.report is not None and not quiet:
            size = done.report.size_bytes / 1024
            say(f"Report written to {done.report.report} ({size:.0f} KB)")
    found = [d for d in session.sets if d.logged is not None and not d.logged.stored]
    if entry is not None and found:
        numbers = [(d.result.info.get("set") or {}).get("number") for d in found]
        which = (
            "this recording" if numbers == [None]
            else "set " + ", ".join(str(n) for n in numbers) + " of this recording"
        )  # fmt: skip
        say(
            f"Already in the training log ({which}, saved earlier with these options):"
            " not saved again.",
            markup=False,
        )
    saved = [d for d in session.sets if d.logged is not None and d.logged.stored]
    if saved and entry is not None:
        reps = ", ".join(str(d.result.complete_rep_count) for d in saved)
        clean = ", ".join(str(len(d.result.clean_reps)) for d in saved)
        day = saved[-1].logged.day.isoformat() if saved[-1].logged is not None else ""
        sets = f"{len(saved)} sets of " if len(saved) > 1 else ""
        say(
            f"Saved to the training log: {sets}{reps} reps at "
            f"{format_load(entry.load, entry.unit)} on {day}, "
            f"{clean} clean. Next: `extensor next`.",
            markup=False,
        )
    if to_stdout:
        print_json(session.to_dict())


def _log_key(
    path: Path, *, goal: str, variant: str, kind: str, options: dict[str, Any],
    whole: bool,
) -> str:  # fmt: skip
    """The training-log key of saving ``path`` analysed this way: its content and the
    options that change the analysis (not the load or the effort, so a second save of the
    same recording is refused whatever is typed, and says so). ``--set N`` saves set N
    under the key a save of every set gives it."""
    payload = {
        "content": content_hash(path), "goal": goal, "variant": variant, "input_type": kind,
        "read": {k: v for k, v in options.items() if k != "max_bytes"},
        "whole": whole,
    }  # fmt: skip
    return hashlib.sha256(strict_json(payload).encode()).hexdigest()


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the generated example files.")] = Path(
        "out"
    ),
) -> None:
    """Analyse the bundled example set, coach it, and write its report (what `make run` does)."""
    goal, variant = "hypertrophy", "45_degree_bench"
    try:
        exercise = load_exercise()
        path = write_example(out / "example-set.csv")
        done = analyze_and_coach(
            path, goal=goal, variant=variant, exercise=exercise, report=out / "example-report.html"
        )
    except ExtensorError as err:
        raise fail(err) from None
    run, coaching, files = done.run, done.coaching, done.report
    assert files is not None
    console.print(
        f"[bold]Example set[/]: synthetic keypoints, 45-degree bench, goal {goal} ({path})"
    )
    print_analysis(run.result, coaching=coaching)
    json_path = out / "example-analysis.json"
    _write_json(json_path, done.to_dict())
    console.print(f"\nFull result: {json_path}")
    console.print(
        f"[bold]Report:[/] {files.report} ({files.size_bytes / 1024:.0f} KB; open it in a browser)"
    )
    console.print(
        "Next: `extensor analyze YOUR_FILE --report set.html`, `extensor plan --goal hypertrophy`."
    )
