"""Benchmark: live mode's latency on the real 6-rep clip, replayed at its own pace.

Run from the repository root (needs the video extra and ../shared)::

    PYTHONPATH=src .venv/bin/python bench/bench_live.py            # 60 fps clip, as a camera would
    PYTHONPATH=src .venv/bin/python bench/bench_live.py --fps 30   # every other frame (a 30 fps camera)

The clip is fed to :class:`extensor.live.LiveRun` at its own pace through the one-frame slot
(frames that arrive while pose is busy are dropped, as with a camera). Two figures:

* **processing**: from a frame reaching extensor to its events leaving the coach
  (pose, kinematics, streaming analyser, per-rep judgement), per analysed frame;
* **felt**: from the moment a rep's lowering visibly stops (the full analysis' ``lower_end``,
  mapped to the moment that frame reached extensor) to the cue starting to sound: the cue
  event's time plus the speech engine's own start-up (``espeak-ng`` to its first audible
  sample, measured here by rendering the phrase to a WAV on stdout).
"""

from __future__ import annotations

import argparse
import bisect
import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np

from extensor.knowledge import load_exercise
from extensor.live import LiveFrame, LiveRun, RecordingSpeaker, tracked_pose
from extensor.video import FrameSource, MediaPipePoseEstimator

CLIP = Path(__file__).resolve().parents[2] / "shared" / "clips" / "hyperextension-45deg-6reps.mp4"


def espeak_start_ms(phrase: str) -> float | None:
    """Milliseconds from starting espeak-ng to its first audible sample (None without it)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None
    t0 = time.perf_counter()
    proc = subprocess.Popen([exe, "--stdout", phrase], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    head = proc.stdout.read(44)  # WAV header: the engine has started producing sound
    first_data_s = time.perf_counter() - t0
    rate = int.from_bytes(head[24:28], "little") or 22050
    samples = 0
    while True:
        block = proc.stdout.read(2048)
        if not block:
            break
        a = np.frombuffer(block[: len(block) // 2 * 2], dtype="<i2")
        loud = np.flatnonzero(np.abs(a) > 500)
        if loud.size:
            samples += int(loud[0])
            break
        samples += a.size
    proc.kill()
    proc.wait()
    # audible once the engine has started and its leading silence has played
    return 1000.0 * (first_data_s + samples / rate)


def frames_at_pace(path: Path, stride: int):  # type: ignore[no-untyped-def]
    source = FrameSource(path)
    start = time.monotonic()
    for f in source.frames(stride=stride, max_side=640, rgb=True):
        wait = start + f.time - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield LiveFrame(f.index, f.time, f.image, time.monotonic(), f.scale)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clip", type=Path, default=CLIP)
    ap.add_argument(
        "--fps", type=float, default=None, help="camera rate to simulate (default: the clip's)"
    )
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    if not args.clip.exists():
        raise SystemExit(f"{args.clip} is absent: this benchmark needs ../shared")
    info = FrameSource(args.clip).info
    stride = 1 if args.fps is None else max(1, round(info.fps / args.fps))
    ex = load_exercise()
    est = MediaPipePoseEstimator(roi_step_s=1.0 / info.fps if stride > 1 else None)
    speaker = RecordingSpeaker()
    run = LiveRun(exercise=ex, goal="hypertrophy", variant="45_degree_bench",
                  pose=tracked_pose(est), speaker=speaker)  # fmt: skip
    run.run(frames_at_pace(args.clip, stride), block=False)
    est.close()
    live = run.sets[0]
    timing = live.timing
    full = live.coached.result
    frames_t = run.session._frame_times
    frames_w = run.session._frame_walls
    engine_ms = espeak_start_ms("Stop at straight.")
    felt = []
    cues = [e for e in live.events if e["type"] == "cue" and e.get("rep_ended_at") is not None]
    for cue, said in zip(cues, speaker.times, strict=False):
        rep = full.reps[cue["rep"] - 1]
        if rep.lower_end is None:
            continue
        k = min(bisect.bisect_left(frames_t, rep.lower_end), len(frames_w) - 1)
        felt.append(1000.0 * (said - frames_w[k]) + (engine_ms or 0.0))
    out = {
        "clip": args.clip.name,
        "camera_fps": info.fps / stride,
        "reps_live": len({e["rep"] for e in live.events if e["type"] == "rep"}),
        "reps_full": full.metrics.rep_count,
        "differences": list(live.differences),
        **timing,
        "espeak_start_ms": None if engine_ms is None else round(engine_ms, 1),
        "felt_ms": {
            "count": len(felt),
            "p50": round(float(np.percentile(felt, 50)), 1) if felt else None,
            "p95": round(float(np.percentile(felt, 95)), 1) if felt else None,
            "max": round(float(np.max(felt)), 1) if felt else None,
        },
    }
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
