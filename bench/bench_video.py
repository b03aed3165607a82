"""Benchmark: video -> keypoints, naive loop vs extensor's pipeline, plus a memory check.

Run from the repository root::

    .venv/bin/python bench/bench_video.py            # 3 runs of every method, medians
    .venv/bin/python bench/bench_video.py --runs 1 --long-minutes 0.5,1.5   # quicker

Every measurement runs in a fresh subprocess, so the peak RSS (``ru_maxrss``) belongs
to that method alone and no model or cache is shared between methods.

Methods (all with MediaPipe's full BlazePose model, ``model_complexity=1``):

* ``baseline``: decode a frame, convert to RGB, ``Pose.process``, next (one thread).
* ``s1-w1-full``: extensor, every frame, one worker, full-size frames, no prefetch.
* ``s1-w1``: extensor, every frame, one worker, frames downscaled to 640 px, prefetch.
* ``s1``: extensor defaults, every frame (two workers, 640 px, prefetch).
* ``s2``/``s3``: the same at stride 2 / 3 (tracking region extrapolated over the skipped
  frames, ``predict_roi``, the default with a stride).
* ``s2-lag``: stride 2 with MediaPipe's own tracking (``predict_roi=False``): the region of
  the last analysed frame, two frames old.
* ``r15``: the stride that analyses ~15 frames/s (``stride_for_rate(fps, 15)``): 2 at 30 fps,
  4 at 60 fps.
* ``s3+refine``: stride 3, then every frame within two coarse steps of each phase boundary
  found on the coarse pass, merged (the coarse-then-refine scheme).
* ``e2e-s1`` / ``e2e-s2``: what ``extensor analyze`` does with a video (read it with the
  video adapter, analyse, coach) at stride 1 / 2, timed from the start of the process
  (imports and model loading included).
* ``cli``: the ``extensor analyze CLIP --quiet`` command itself, in its own process (timed
  only: it runs ``e2e-s1``'s defaults).

Agreement with the full-rate analysis: a signed trunk angle (shoulder-hip against
hip-knee) is computed inline, and the times where it crosses 20 %, 50 % and 80 % of its
range (with hysteresis) stand in for phase boundaries; reps = upward 50 % crossings.
Each method is compared with ``s1`` (and ``s1`` with ``baseline``): rep count and the
median / largest time difference of matched crossings, in frames of the source video.

The memory check writes synthetic 720p videos of moving shapes (nobody for the pose
model to find) of two lengths and runs the pipeline on each: the peak RSS must not grow
with the duration. The real-clip part is skipped when ``../shared/clips`` is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import shutil
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
REAL_CLIPS = ("rendered-hyperextension-1rep.mp4", "hyperextension-45deg-6reps.mp4")
#: Made at bench time from the 6-rep clip (every other frame, re-encoded): the 30 fps 720p case.
DERIVED_CLIP = "hyperextension-6reps-720p30.mp4"
METHODS = (
    "baseline",
    "s1-w1-full",
    "s1-w1",
    "s1",
    "s2",
    "s2-lag",
    "s3",
    "r15",
    "s3+refine",
    "e2e-s1",
    "e2e-s2",
    "cli",
)
REFERENCE = "s1"
#: Methods timed from the start of their process (imports included) or run as a command.
WHOLE_PROCESS = ("e2e-s1", "e2e-s2", "cli")

#: Crossing levels (share of the angle range) standing in for phase boundaries.
LEVELS = (0.2, 0.5, 0.8)
#: Hysteresis around each level, as a share of the range: pose jitter must not count as a crossing.
HYSTERESIS = 0.05
#: Low-pass cut-off of the stand-in analysis (Hz): Winter's usual choice for whole-body movement.
CUTOFF_HZ = 6.0


def peak_rss_mb(who: int | None = None) -> float:
    """Peak RSS of this process (or of its largest finished child) in MB."""
    return resource.getrusage(resource.RUSAGE_SELF if who is None else who).ru_maxrss / 1024.0


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU of this process (all its threads) or of its finished children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# -- one measurement (runs in a subprocess) ---------------------------------------------------
def run_baseline(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    import cv2
    import mediapipe as mp

    cap = cv2.VideoCapture(str(path))
    names = [lm.name.lower() for lm in mp.solutions.pose.PoseLandmark]
    times: list[float] = []
    rows: list[np.ndarray] = []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            times.append(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
            h, w = frame.shape[:2]
            result = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            row = np.full((len(names), 3), np.nan)
            if result.pose_landmarks is not None:
                for k, lm in enumerate(result.pose_landmarks.landmark):
                    row[k] = (lm.x * w, lm.y * h, lm.visibility)
            rows.append(row)
    cap.release()
    arr = np.array(rows)
    return np.array(times), {n: arr[:, k] for k, n in enumerate(names)}


def run_extensor(path: Path, method: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    from extensor.video import merge_keypoints, video_to_keypoints

    if method == "s1-w1-full":
        ts = video_to_keypoints(path, workers=1, max_side=None, prefetch=False)
    elif method == "s1-w1":
        ts = video_to_keypoints(path, workers=1)
    elif method in ("s1", "s2", "s3"):
        ts = video_to_keypoints(path, stride=int(method[1]))
    elif method == "s2-lag":
        ts = video_to_keypoints(path, stride=2, predict_roi=False)
    elif method == "r15":
        from extensor.video import probe_video, stride_for_rate

        ts = video_to_keypoints(path, stride=stride_for_rate(probe_video(path).fps, 15.0))
    elif method == "s3+refine":
        coarse = video_to_keypoints(path, stride=3)
        step = 3 / float(coarse.info["fps"])
        events = [
            t for level in crossings(trunk_angle(coarse.time, coarse.data)).values() for t in level
        ]
        spans = [(t - 2 * step, t + 2 * step) for t in events]
        if spans:
            fine = video_to_keypoints(path, stride=1, times=spans)
            ts = merge_keypoints(fine, coarse)
        else:
            ts = coarse
    else:
        raise SystemExit(f"unknown method {method!r}")
    return ts.time, dict(ts.data)


def run_end_to_end(path: Path, method: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """What ``extensor analyze`` does with a video, without printing: read, analyse, coach."""
    from extensor._analysis import run_analysis
    from extensor._config import load_settings
    from extensor.coach._coaching import coach_set
    from extensor.io import read_recording
    from extensor.knowledge._loader import load_exercise

    settings = load_settings()
    exercise = load_exercise(settings.exercise)
    ts = read_recording(path, input_type="video", stride=1 if method == "e2e-s1" else 2)
    run = run_analysis(ts, goal=settings.goal, variant=settings.variant, exercise=exercise)
    coach_set(run.result, exercise=exercise, goal=settings.goal)
    return ts.time, dict(ts.data)


def run_cli(path: Path) -> tuple[float, float]:
    """``extensor analyze CLIP --quiet`` in a child process: wall and CPU seconds (all threads).

    Only timed: the keypoints it analyses are those of ``e2e-s1`` (same defaults).
    """
    command = Path(sys.executable).with_name("extensor")
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(command), "analyze", str(path), "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - start, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu


def process_age() -> float:
    """Seconds since this process started (from /proc, 10 ms resolution)."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/self/stat") as f:
        started = int(f.read().rsplit(")", 1)[1].split()[19]) / ticks
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - started


def measure(method: str, clip: str, out: str) -> None:
    """Run one method on one clip in this process; print a JSON line; save the series.

    For :data:`WHOLE_PROCESS` methods wall and CPU time count from the start of the
    process (``cli``: of the child process running the command).
    """
    import cv2

    path = Path(clip)
    cap = cv2.VideoCapture(str(path))
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    fps = float(cap.get(cv2.CAP_PROP_FPS))
    cap.release()
    start, cpu = time.perf_counter(), cpu_seconds()
    if method == "cli":
        t, data = np.array([]), {}
        seconds, cpu = run_cli(path)
    else:
        if method == "baseline":
            t, data = run_baseline(path)
        elif method in ("e2e-s1", "e2e-s2"):
            t, data = run_end_to_end(path, method)
            start, cpu = time.perf_counter() - process_age(), 0.0
        else:
            t, data = run_extensor(path, method)
        seconds = time.perf_counter() - start
        cpu = cpu_seconds() - cpu
    np.savez(out, time=t, **data)
    duration = frames / fps
    print(
        json.dumps(
            {
                "method": method,
                "clip": path.name,
                "seconds": seconds,
                "frames_per_s": frames / seconds,
                "x_real_time": duration / seconds,
                "samples": len(t),
                "peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN if method == "cli" else None),
                "cpu_ms_per_frame": 1000 * cpu / frames,
                "fps": fps,
            }
        )
    )


def measure_long(path: str, out: str) -> None:
    """The pipeline on a synthetic clip where nobody is found; print seconds and peak RSS."""
    from extensor._errors import EmptyInputError
    from extensor.video import probe_video, video_to_keypoints

    info = probe_video(path)
    start = time.perf_counter()
    # Nobody is in the picture, so EmptyInputError is expected: decoding and streaming
    # memory is what is measured.
    with contextlib.suppress(EmptyInputError):
        video_to_keypoints(path)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "duration_s": info.duration,
                "frames": info.frame_count,
                "seconds": seconds,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )
    del out


# -- analysis stand-in ---------------------------------------------------------------------
def trunk_angle(time_s: np.ndarray, data: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Signed angle (deg) of hip->shoulder against knee->hip on the better-seen side; flexion < 0."""
    best, best_conf = "left", -1.0
    for side in ("left", "right"):
        conf = float(
            np.nanmean([np.nanmean(data[f"{side}_{p}"][:, 2]) for p in ("shoulder", "hip", "knee")])
        )
        if conf > best_conf:
            best, best_conf = side, conf
    sh, hip, knee = (data[f"{best}_{p}"][:, :2] for p in ("shoulder", "hip", "knee"))
    u, v = hip - knee, sh - hip
    angle = np.degrees(np.arctan2(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0], (u * v).sum(axis=1)))
    ok = np.isfinite(angle)
    if (
        ok.any()
        and np.median(angle[ok][np.abs(angle[ok]) > np.percentile(np.abs(angle[ok]), 75)]) > 0
    ):
        angle = -angle
    return np.asarray(time_s)[ok], angle[ok]


def smoothed(series: tuple[np.ndarray, np.ndarray], fps: float) -> tuple[np.ndarray, np.ndarray]:
    """The angle on the video's frame grid (linear interpolation), low-passed without lag.

    A 2nd-order Butterworth at :data:`CUTOFF_HZ`, run forwards and backwards, as a
    biomechanics analysis would: pose jitter otherwise moves a level crossing by frames.
    """
    from scipy.signal import butter, filtfilt

    t, a = series
    grid = np.arange(t[0], t[-1] + 0.5 / fps, 1.0 / fps)
    values = np.interp(grid, t, a)
    b, c = butter(2, CUTOFF_HZ / (fps / 2))
    if values.size <= 3 * max(len(b), len(c)):
        return grid, values
    return grid, filtfilt(b, c, values)


def crossings(series: tuple[np.ndarray, np.ndarray]) -> dict[str, list[float]]:
    """Times (s) the angle crosses each level up and down, linearly interpolated, with hysteresis."""
    t, a = series
    found: dict[str, list[float]] = {}
    if a.size < 3:
        return found
    lo, hi = np.percentile(a, 5), np.percentile(a, 95)
    span = hi - lo
    for share in LEVELS:
        level = lo + share * span
        band = HYSTERESIS * span
        state = a[0] > level
        up: list[float] = []
        down: list[float] = []
        for i in range(1, a.size):
            if not state and a[i] > level + band:
                j = i
                while j > 0 and a[j - 1] > level:
                    j -= 1
                j = max(j, 1)
                up.append(_interp(t, a, j, level))
                state = True
            elif state and a[i] < level - band:
                j = i
                while j > 0 and a[j - 1] < level:
                    j -= 1
                j = max(j, 1)
                down.append(_interp(t, a, j, level))
                state = False
        found[f"up{share:.1f}"] = up
        found[f"down{share:.1f}"] = down
    return found


def _interp(t: np.ndarray, a: np.ndarray, j: int, level: float) -> float:
    a0, a1 = a[j - 1], a[j]
    if a1 == a0:
        return float(t[j])
    return float(t[j - 1] + (level - a0) / (a1 - a0) * (t[j] - t[j - 1]))


def angle_difference(
    ref: tuple[np.ndarray, np.ndarray], other: tuple[np.ndarray, np.ndarray]
) -> dict[str, float]:
    """Largest and 95th-percentile |difference| (deg) of two smoothed angle series, on ``ref``'s grid."""
    t, a = ref
    inside = (t >= other[0][0]) & (t <= other[0][-1])
    if not inside.any():
        return {"angle_max_deg": math.nan, "angle_p95_deg": math.nan}
    diff = np.abs(np.interp(t[inside], *other) - a[inside])
    return {"angle_max_deg": float(diff.max()), "angle_p95_deg": float(np.percentile(diff, 95))}


def agreement(
    ref: dict[str, list[float]], other: dict[str, list[float]], fps: float
) -> dict[str, Any]:
    """Match every reference crossing with the nearest one of the same kind; differences in frames.

    ``bias_frames`` is the median signed difference (positive: ``other`` is later).
    """
    signed: list[float] = []
    unmatched = 0
    for key, times in ref.items():
        theirs = other.get(key, [])
        unmatched += abs(len(times) - len(theirs))
        for t in times:
            if theirs:
                nearest = min(theirs, key=lambda u: abs(u - t))
                signed.append((nearest - t) * fps)
    diffs = [abs(d) for d in signed]
    reps = (len(ref.get("up0.5", [])), len(other.get("up0.5", [])))
    return {
        "reps": reps,
        "median_frames": statistics.median(diffs) if diffs else math.nan,
        "p90_frames": float(np.percentile(diffs, 90)) if diffs else math.nan,
        "max_frames": max(diffs) if diffs else math.nan,
        "bias_frames": statistics.median(signed) if signed else math.nan,
        "crossings": len(diffs),
        "unmatched": unmatched,
    }


# -- driver --------------------------------------------------------------------------------
def subprocess_json(args: list[str], source: Path | None = None) -> dict[str, Any]:
    """Run this script with ``args`` in a child process (importing extensor from ``source``)."""
    env = None
    if source is not None:
        env = {**os.environ, "PYTHONPATH": str(source.resolve())}
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"measurement {args} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def write_synthetic(path: Path, seconds: float, fps: float = 30.0) -> None:
    import cv2

    w, h = 1280, 720
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    n = round(seconds * fps)
    rng = np.random.default_rng(0)
    background = rng.integers(0, 60, (h, w, 3), dtype=np.uint8)
    for i in range(n):
        frame = background.copy()
        x = int((w - 200) * (0.5 + 0.5 * math.sin(i / 40)))
        y = int((h - 200) * (0.5 + 0.5 * math.cos(i / 55)))
        cv2.rectangle(frame, (x, y), (x + 200, y + 120), (40, 180, 240), -1)
        cv2.circle(frame, (w - x, h - y), 70, (200, 60, 60), -1)
        writer.write(frame)
    writer.release()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions per method (medians)")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--long-minutes", default="1,3", help="durations of the memory check")
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--clips", default="", help="only clips whose name contains this")
    parser.add_argument("--json", type=Path, help="also write all results here")
    parser.add_argument(
        "--keep", type=Path, help="copy every run's keypoints (.npz) into this folder"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="also run --before-methods with extensor imported from this src folder "
        "(e.g. a `git archive` of the previous commit), labelled '(before)'",
    )
    parser.add_argument("--before-methods", default="s1,s2,e2e-s1,cli")
    parser.add_argument(
        "--measure", nargs=3, metavar=("METHOD", "CLIP", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument("--measure-long", nargs=2, metavar=("VIDEO", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    if args.measure_long:
        measure_long(*args.measure_long)
        return

    results: dict[str, Any] = {"clips": {}, "long": []}
    methods = [m for m in args.methods.split(",") if m]
    before_methods = [m for m in args.before_methods.split(",") if m] if args.before else []
    with tempfile.TemporaryDirectory(prefix="extensor-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        if not CLIPS.is_dir():
            print(f"skipping the real clips: {CLIPS} is absent")
        else:
            derived = tmp / DERIVED_CLIP
            halve_frame_rate(CLIPS / "hyperextension-45deg-6reps.mp4", derived)
            for clip_path in [*(CLIPS / c for c in REAL_CLIPS), derived]:
                clip = clip_path.name
                if args.clips not in clip:
                    continue
                # "METHOD (before)": the same method run on the code in --before.
                plan = [(m, m, None) for m in methods] + [
                    (f"{m} (before)", m, args.before) for m in before_methods
                ]
                runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in plan}
                for r in range(args.runs):
                    # interleaved, so load from other processes hits all alike
                    for m, method, source in plan:
                        name = m.replace(" (before)", "-before")
                        out = tmp / f"{clip}-{name}-{r}.npz"
                        res = subprocess_json(
                            ["--measure", method, str(clip_path), str(out)], source
                        )
                        res["out"] = str(out)
                        runs[m].append(res)
                        if args.keep:
                            args.keep.mkdir(parents=True, exist_ok=True)
                            shutil.copy(out, args.keep / out.name)
                        print(
                            f"  {clip} {m:11s} run {r + 1}: {res['frames_per_s']:6.1f} frames/s "
                            f"{res['x_real_time']:5.2f}x real time, {res['peak_rss_mb']:.0f} MB, "
                            f"{res['cpu_ms_per_frame']:.1f} CPU ms/frame",
                            flush=True,
                        )
                summary = summarise(runs)
                results["clips"][clip] = summary
                print_table(clip, summary)
        if not args.skip_long:
            for minutes in (float(m) for m in args.long_minutes.split(",")):
                video = tmp / f"synthetic-{minutes:g}min.mp4"
                start = time.perf_counter()
                write_synthetic(video, minutes * 60)
                made = time.perf_counter() - start
                res = subprocess_json(["--measure-long", str(video), str(tmp / "x")])
                res["write_seconds"] = made
                results["long"].append(res)
                print(
                    f"synthetic {minutes:g} min 720p30 ({res['frames']} frames): "
                    f"{res['frames'] / res['seconds']:.0f} frames/s, peak RSS {res['peak_rss_mb']:.0f} MB",
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    loaded: dict[str, dict[str, list[float]]] = {}
    angles: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    fps = 30.0
    for m, rs in runs.items():
        if not rs:
            continue
        fps = rs[0]["fps"]
        with np.load(rs[0]["out"]) as npz:
            data = {k: npz[k] for k in npz.files if k != "time"}
            if data:  # "cli" is only timed
                angles[m] = smoothed(trunk_angle(npz["time"], data), fps)
                loaded[m] = crossings(angles[m])
        summary[m] = {
            "runs": len(rs),
            "frames_per_s": statistics.median(r["frames_per_s"] for r in rs),
            "x_real_time": statistics.median(r["x_real_time"] for r in rs),
            "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
            "cpu_ms_per_frame": statistics.median(r["cpu_ms_per_frame"] for r in rs),
            "samples": rs[0]["samples"],
        }
    for m in summary:
        ref = "baseline" if m == REFERENCE else REFERENCE
        if ref in loaded and m in loaded and m != "baseline":
            summary[m]["vs"] = ref
            summary[m]["agreement"] = {
                **agreement(loaded[ref], loaded[m], fps),
                **angle_difference(angles[ref], angles[m]),
            }
    return summary


def print_table(clip: str, summary: dict[str, Any]) -> None:
    print(f"\n{clip}")
    print(
        "| method | frames/s | x real time | CPU ms/frame | peak RSS MB | reps (ref, this) "
        "| crossing diff median / p90 / max, bias (frames) | angle diff max / p95 (deg) | vs |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for m, s in summary.items():
        ag = s.get("agreement")
        agree = (
            f"{ag['reps']} | {ag['median_frames']:.2f} / {ag['p90_frames']:.2f} / "
            f"{ag['max_frames']:.2f}, {ag['bias_frames']:+.2f} ({ag['crossings']} crossings, "
            f"{ag['unmatched']} unmatched) | {ag['angle_max_deg']:.2f} / "
            f"{ag['angle_p95_deg']:.2f} | {s['vs']}"
            if ag
            else "- | - | - | -"
        )
        print(
            f"| {m} | {s['frames_per_s']:.1f} | {s['x_real_time']:.2f} | {s['cpu_ms_per_frame']:.1f} "
            f"| {s['peak_rss_mb']:.0f} | {agree} |"
        )
    print(flush=True)


if __name__ == "__main__":
    main()
