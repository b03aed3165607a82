"""``extensor live``: coach a set while it happens, from a camera or a video file.

The terminal shows the set, rep count, phase and the last cue; cues are spoken by the
local speech engine (``--no-voice`` to silence). A long rest ends a set and starts the
next; ``q`` or Ctrl-C ends the session, as does the data file's idle timeout. Each set is
then analysed in full, coached and, with ``--save``, stored like an analysed upload.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.live import Live
from rich.text import Text

from extensor._errors import ConfigError, ExtensorError
from extensor._files import atomic_write
from extensor.app import LogEntry
from extensor.cli._app import app, console, err_console, fail
from extensor.cli._log_common import open_log, resolve_profile, settings_for
from extensor.knowledge import load_exercise
from extensor.live import LiveRun, LiveSet, camera_frames, open_speaker, replay_frames, tracked_pose
from extensor.progression import load_rules, parse_load
from extensor.store import Store

__all__ = ["live"]


def _status_line(state: dict[str, Any]) -> Text:
    text = Text()
    text.append(f"set {state.get('set', 1)}  ", style="bold")
    text.append(f"reps {state.get('reps', 0)}  ", style="bold green")
    text.append(f"{state.get('phase', '-'):>6}  ")
    angle = state.get("extension_deg")
    text.append("trunk " + ("-" if angle is None else f"{angle:+.0f}°") + "  ")
    if state.get("cue"):
        text.append(f"cue: {state['cue']}", style="bold yellow")
    return text


@contextlib.contextmanager
def _keys_stop(stop: threading.Event) -> Iterator[None]:
    """On a terminal, ``q`` sets ``stop`` (the terminal is put back as it was)."""
    if not sys.stdin.isatty():
        yield
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)

    def read() -> None:
        while not stop.is_set():
            ch = sys.stdin.read(1)
            if ch in ("q", "Q", ""):
                stop.set()

    try:
        tty.setcbreak(fd)
        threading.Thread(target=read, name="extensor-keys", daemon=True).start()
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@app.command()
def live(
    source: Annotated[
        str, typer.Option(help="Camera index (0, 1, ...) or a video file to replay.")
    ] = "0",
    variant: Annotated[str | None, typer.Option(help="Exercise variant.")] = None,
    goal: Annotated[str | None, typer.Option(help="Training goal; sets the tempo targets.")] = None,
    fast: Annotated[
        bool,
        typer.Option("--fast", help="Replay a file as fast as pose allows (no dropped frames)."),
    ] = False,
    voice: Annotated[bool, typer.Option("--voice/--no-voice", help="Speak the cues.")] = True,
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write each set's analysis and live timing to PATH."),
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="Store each set in the training log.")
    ] = False,
    load: Annotated[str | None, typer.Option(help="Load used, for --save: 40kg, 90lb, bw.")] = None,
    db: Annotated[str | None, typer.Option(help="Training log database (file or URL).")] = None,
) -> None:
    """Coach live: rep count, phase and one spoken cue after each rep that needs it."""
    from extensor.video import MediaPipePoseEstimator, analysis_stride, probe_video

    if save and load is None:
        raise fail("--save needs --load (for example --load 40kg, or --load bw)")
    try:
        settings = settings_for(goal=goal, variant=variant, db=db)
        exercise = load_exercise(settings.exercise)
        stop = threading.Event()
        if source.isdigit():
            frames: Any = camera_frames(int(source), max_side=640, stop=stop)
            roi_step = None
        else:
            path = Path(source)
            info = probe_video(path)
            stride = analysis_stride(info.fps)
            frames = replay_frames(path, fast=fast, max_side=640, stride=stride)
            roi_step = 1.0 / info.fps if stride > 1 else None
        estimator = MediaPipePoseEstimator(roi_step_s=roi_step)
    except ExtensorError as err:
        raise fail(err) from None
    speaker = open_speaker(voice=voice)
    if speaker.reason:
        err_console.print(f"[yellow]no voice[/]: {speaker.reason}")
    store: Store | None = None
    log: LogEntry | None = None
    try:
        if save and load is not None:
            log_settings, log_url = open_log(db)
            store = Store(log_url)
            with store:
                current, _ = resolve_profile(store, log_settings, load_rules())
            value, unit = parse_load(load, default_unit=current.unit)
            log = LogEntry(load=value, unit=unit)
    except ExtensorError as err:
        raise fail(err) from None
    state: dict[str, Any] = {}

    with Live(_status_line(state), console=console, transient=False, auto_refresh=False) as view:

        def on_event(e: dict[str, Any]) -> None:
            if e["type"] == "status":
                state.update(e)
            elif e["type"] == "cue":
                state["cue"] = e["text"]
            elif e["type"] in ("rep", "set_end", "notice"):
                view.console.print(_event_line(e))
            view.update(_status_line(state), refresh=True)

        def on_set(s: LiveSet) -> None:
            from extensor.cli._analysis_cmds import print_coaching

            print_coaching(s.coached.coaching)

        run = LiveRun(
            exercise=exercise, goal=settings.goal, variant=settings.variant,
            pose=tracked_pose(estimator), speaker=speaker, log=log, store=store,
            on_event=on_event, on_set=on_set,
        )  # fmt: skip
        try:
            with _keys_stop(stop), store or contextlib.nullcontext():
                run.run(frames, block=fast, stop=stop)
        except KeyboardInterrupt:
            stop.set()
            run.end_set()
        except ExtensorError as err:
            raise fail(err) from None
        finally:
            speaker.close()
            estimator.close()
    if json_out:
        docs = [s.to_dict() for s in run.sets]
        doc: Any = docs[0] if len(docs) == 1 else {"sets": docs}
        import json

        atomic_write(Path(json_out), json.dumps(doc, indent=2, ensure_ascii=False))
        console.print(f"JSON written to {json_out}")
    if not run.sets:
        raise fail(ConfigError("no rep was seen: film the lifter from the side and try again"))


def _event_line(e: dict[str, Any]) -> str:
    if e["type"] == "rep":
        return (f"rep {e['rep']}: lift {e['lift_s']} s, top {e['top_hold_s']} s, "
                f"lower {e['lower_s']} s, range {e['range_deg']}°")  # fmt: skip
    if e["type"] == "set_end":
        return f"set {e['set']} done: {e['summary']}"
    return f"{e.get('code', e['type'])}: {e.get('message', '')}"
