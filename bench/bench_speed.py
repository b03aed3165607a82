"""Benchmark: ``extensor analyze`` against the plain loop, interleaved, and its agreement.

Run from the repository root (needs ``../shared/clips``; skipped without it)::

    .venv/bin/python bench/bench_speed.py                      # 3 interleaved runs, both clips
    .venv/bin/python bench/bench_speed.py --runs 1 --clips 30  # quicker
    .venv/bin/python bench/bench_speed.py --long-minutes 60    # peak memory on a long video
    git archive <commit> src | tar -x -C /tmp/before           # before/after, interleaved
    .venv/bin/python bench/bench_speed.py --before /tmp/before/src

What is timed, each in its own process, wall clock from the parent (so Python start-up,
imports and model loading count):

* ``plain``: the plain loop: decode a frame with OpenCV, BGR->RGB, MediaPipe pose full
  (``mp.solutions.pose.Pose``, tracking, defaults), next frame.
* ``cli``: ``extensor analyze CLIP --json out.json`` (the whole command: pose, analysis,
  coaching, the JSON file).

Runs alternate (plain, cli, plain, cli, ...) so the load from other processes on the machine
hits both alike; the ratio of the medians is the figure to compare across days.

Clips: the 6-rep clip at its own 59.94 fps, and a 720p 29.97 fps copy made in a temporary
folder at bench time (every other frame, mp4v; never kept).

Agreement (``--agreement``, on by default): the reference is full-rate analysis with one
pose worker (``stride=1, workers=1``); the candidate is the CLI's JSON; the "spread" is a
second full-rate run with two workers (what "two full-rate runs" differ by). Compared: rep
count, faults (id, rep), and the 7 boundaries of each rep (start, lift start/end, top,
lower start/end, end) in video frames: p95 and max.

``--long-minutes M``: the first clip looped to M minutes (one continuous mp4v file in the
temporary folder: a lifter in every frame, so every analysed frame is kept) run through the
same command; peak RSS of the child (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from _clips import halve_frame_rate

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT.parent / "shared" / "clips"
SOURCE_CLIP = "hyperextension-45deg-6reps.mp4"
#: CPU seconds (user + system, all threads) of the last :func:`timed` process.
LAST_CPU = [0.0]
BOUNDARIES = ("start", "lift_start", "lift_end", "top_time", "lower_start", "lower_end", "end")


# -- children ---------------------------------------------------------------------------------
def plain_loop(path: str) -> None:
    """The plain loop the target is measured against."""
    import cv2
    import mediapipe as mp

    cap = cv2.VideoCapture(path)
    found = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            result = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            found += result.pose_landmarks is not None
    cap.release()
    print(json.dumps({"frames_with_person": found}))


def full_rate(path: str, workers: int, out: str) -> None:
    """Full-rate analysis (stride 1) with ``workers`` pose workers; the CLI's JSON to ``out``."""
    from extensor._analysis import run_analysis
    from extensor._config import load_settings
    from extensor.cli._analysis_cmds import analysis_json
    from extensor.coach import coach_set
    from extensor.io import read_recording
    from extensor.knowledge import load_exercise

    settings = load_settings()
    exercise = load_exercise(settings.exercise)
    ts = read_recording(Path(path), input_type="video", stride=1, workers=workers)
    run = run_analysis(ts, goal=settings.goal, variant=settings.variant, exercise=exercise)
    coaching = coach_set(run.result, exercise=exercise, goal=settings.goal)
    Path(out).write_text(json.dumps(analysis_json(run.result, coaching)))


def memory_model(minutes: float, rate_hz: float) -> None:
    """Peak Python memory for ``minutes`` of video analysed at ``rate_hz``, past the pose pass.

    What grows with the duration, measured with ``tracemalloc``: the analysed frames as the
    pipeline keeps them (one packed array each), the keypoint series built from them, and
    the analysis and coaching of the set. The keypoints are a synthetic set of that length
    (6 s reps) so the analysis has reps to find.
    """
    import tracemalloc

    from extensor._analysis import run_analysis
    from extensor.coach import coach_set
    from extensor.core import POINT_NAMES
    from extensor.core._synthetic import RepSpec, synthetic_set
    from extensor.knowledge import load_exercise
    from extensor.video._pipeline import _build_series

    spec = RepSpec(lift_s=1.5, top_s=1.0, lower_s=2.5, bottom_s=1.0)
    reps = max(1, round(minutes * 60 / 6.0))
    kp = synthetic_set([spec] * reps, rate_hz=rate_hz, noise_deg=0.5, keypoints=True).keypoints
    assert kp is not None
    names = [n for n in POINT_NAMES if n in kp.data]
    columns = [POINT_NAMES.index(n) for n in names]
    stacked = np.stack([kp.data[n] for n in names], axis=1)
    time_s = kp.time.tolist()
    del kp
    tracemalloc.start()
    results = []
    for i in range(stacked.shape[0]):
        row = np.full((len(POINT_NAMES), 3), np.nan)
        row[columns] = stacked[i]
        results.append((i, time_s[i], row))
    del stacked
    kept = tracemalloc.get_traced_memory()[0] / 2**20
    ts, _ = _build_series(results, {"source": "synthetic"}, "synthetic")
    del results
    run = run_analysis(ts, goal="hypertrophy", variant="45_degree_bench")
    coach_set(run.result, exercise=load_exercise(), goal="hypertrophy")
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    print(
        f"RESULT memory model {minutes:g} min at {rate_hz:g} Hz analysed ({len(ts)} frames, "
        f"{len(run.result.reps)} reps): frames kept {kept:.0f} MB, peak past the pose pass "
        f"{peak:.0f} MB"
    )


def child_rss() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


def timed(args: list[str], src: str | None = None) -> tuple[float, float]:
    """Run ``args`` in a fresh process: wall s and peak RSS MB (CPU s in :data:`LAST_CPU`)."""
    wrapper = (
        "import resource, subprocess, sys, json, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "rss, cpu = u.ru_maxrss / 1024, u.ru_utime + u.ru_stime\n"
        "sys.stderr.write(p.stderr[-3000:])\n"
        "print(json.dumps({'rc': p.returncode, 'wall': wall, 'rss': rss, 'cpu': cpu}))\n"
    )
    env = dict(os.environ)
    if src is not None:  # another tree (``--before``)
        env["PYTHONPATH"] = src
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=False, env=env
    )
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {"rc": -1}
    if result["rc"] != 0:
        raise SystemExit(f"{args} failed:\n{proc.stderr}")
    LAST_CPU[0] = float(result["cpu"])
    return float(result["wall"]), float(result["rss"])


# -- clips --------------------------------------------------------------------------------------
def write_looped(src: Path, dst: Path, minutes: float) -> None:
    """``src`` played again and again until ``minutes`` long, one continuous clip (mp4v)."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.imencode(".jpg", frame)[1])
    cap.release()
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(round(minutes * 60 * fps)):
        writer.write(cv2.imdecode(frames[i % len(frames)], cv2.IMREAD_COLOR))
    writer.release()


# -- agreement ----------------------------------------------------------------------------------
def boundaries(doc: dict[str, Any]) -> list[list[float | None]]:
    return [[rep.get(k) for k in BOUNDARIES] for rep in doc["reps"]]


def faults(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted((f["id"], f["rep"]) for f in doc["faults"])


def compare(ref: dict[str, Any], other: dict[str, Any], fps: float) -> dict[str, Any]:
    """Reps, faults and boundary differences (video frames) of ``other`` against ``ref``."""
    a, b = boundaries(ref), boundaries(other)
    diffs = [
        abs(x - y) * fps
        for ra, rb in zip(a, b, strict=False)
        for x, y in zip(ra, rb, strict=True)
        if x is not None and y is not None
    ]
    return {
        "reps": (len(a), len(b)),
        "same_reps": len(a) == len(b),
        "same_faults": faults(ref) == faults(other),
        "faults": len(faults(other)),
        "p95": float(np.percentile(diffs, 95)) if diffs else math.nan,
        "max": max(diffs) if diffs else math.nan,
        "median": statistics.median(diffs) if diffs else math.nan,
    }


# -- main -----------------------------------------------------------------------------------------
def cli_args(clip: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "extensor", "analyze", str(clip), "--json", str(out), "--quiet"]


def bench_clip(
    clip: Path, runs: int, tmp: Path, agreement: bool, before: str | None
) -> dict[str, Any]:
    import cv2

    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    me = str(Path(__file__).resolve())
    plain: list[float] = []
    cli: list[float] = []
    old: list[float] = []
    rss: list[float] = []
    cpu: dict[str, list[float]] = {"plain": [], "cli": [], "before": []}
    out = tmp / f"{clip.stem}.cli.json"
    for k in range(runs):
        wall, _ = timed([sys.executable, me, "--child-plain", str(clip)])
        plain.append(wall)
        cpu["plain"].append(LAST_CPU[0])
        wall, peak = timed(cli_args(clip, out))
        cli.append(wall)
        cpu["cli"].append(LAST_CPU[0])
        rss.append(peak)
        line = f"  run {k + 1}: plain {plain[-1]:.2f} s, cli {cli[-1]:.2f} s"
        if before is not None:
            old.append(timed(cli_args(clip, tmp / "before.json"), src=before)[0])
            cpu["before"].append(LAST_CPU[0])
            line += f", cli (before) {old[-1]:.2f} s"
        print(line, flush=True)
    row: dict[str, Any] = {
        "clip": clip.name,
        "fps": fps,
        "frames": frames,
        "duration_s": frames / fps,
        "plain_s": statistics.median(plain),
        "cli_s": statistics.median(cli),
        "ratio": statistics.median(plain) / statistics.median(cli),
        "cli_rss_mb": max(rss),
        "load": os.getloadavg()[0],
        "cpu_s": {k: statistics.median(v) for k, v in cpu.items() if v},
    }
    if old:
        row["cli_before_s"] = statistics.median(old)
        row["ratio_before"] = statistics.median(plain) / statistics.median(old)
    if agreement:
        docs = {}
        for workers in (1, 2):
            path = tmp / f"{clip.stem}.full-w{workers}.json"
            timed([sys.executable, me, "--child-full", str(clip), str(workers), str(path)])
            docs[workers] = json.loads(path.read_text())
        cand = json.loads(out.read_text())
        row["vs_full"] = compare(docs[1], cand, fps)
        row["spread"] = compare(docs[1], docs[2], fps)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clips", default="30,60", help="which of the two clips: 30, 60")
    parser.add_argument("--no-agreement", action="store_true")
    parser.add_argument("--long-minutes", type=float, default=0.0)
    parser.add_argument(
        "--memory-model", type=float, default=0.0, help="minutes: what grows with the duration"
    )
    parser.add_argument("--before", help="src folder of another tree: its CLI runs too")
    parser.add_argument("--clips-dir", type=Path, default=CLIPS, help="the shared clips folder")
    parser.add_argument("--child-plain", help=argparse.SUPPRESS)
    parser.add_argument("--child-full", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_plain:
        plain_loop(args.child_plain)
        return
    if args.memory_model > 0:
        for rate in (15.0, 30.0):  # stride 2 at 30 fps and at 60 fps
            memory_model(args.memory_model, rate)
        return
    if args.child_full:
        full_rate(args.child_full[0], int(args.child_full[1]), args.child_full[2])
        return
    with tempfile.TemporaryDirectory(prefix="extensor-bench-") as d:
        tmp = Path(d)
        source = args.clips_dir / SOURCE_CLIP
        clips: list[Path] = []
        if source.is_file():
            wanted = args.clips.split(",")
            if "30" in wanted:
                half = tmp / "hyperextension-6reps-720p30.mp4"
                halve_frame_rate(source, half)
                clips.append(half)
            if "60" in wanted:
                clips.append(source)
        else:
            print(f"{source} not found: real clips skipped")
        for clip in clips:
            print(f"{clip.name}:", flush=True)
            row = bench_clip(clip, args.runs, tmp, not args.no_agreement, args.before)
            print(json.dumps(row), flush=True)
            print(
                f"RESULT {clip.name}: plain {row['plain_s']:.2f} s, extensor analyze "
                f"{row['cli_s']:.2f} s -> {row['ratio']:.2f}x the plain loop "
                f"({row['duration_s'] / row['cli_s']:.2f}x real time), peak {row['cli_rss_mb']:.0f} MB"
                + (
                    f"; before: {row['cli_before_s']:.2f} s = {row['ratio_before']:.2f}x"
                    if "ratio_before" in row
                    else ""
                ),
                flush=True,
            )
        if args.long_minutes > 0:
            long_clip = tmp / "looped-long.mp4"
            start = time.perf_counter()
            write_looped(clips[0] if clips else source, long_clip, args.long_minutes)
            print(
                f"looped {args.long_minutes:g} min written in {time.perf_counter() - start:.0f} s"
            )
            wall, peak = timed(cli_args(long_clip, tmp / "long.json"))
            print(
                f"RESULT long {args.long_minutes:g} min 720p30: {wall:.0f} s wall, peak RSS {peak:.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
