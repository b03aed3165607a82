"""Batch throughput: recordings per minute, local engine (1 and 2 workers) and Ray.

    PYTHONPATH=src .venv/bin/python bench/bench_batch.py [--keypoints 40] [--videos 4]

Keypoint files are synthetic 8-rep sets (extensor CSV, 30 Hz). The 720p videos are cut
at bench time from ``../shared/clips/hyperextension-45deg-6reps.mp4`` (skipped when
absent): each copy starts one frame later than the last, so every copy has its own
content and key, resized to 1280x720, mp4v; nothing is kept. Each configuration runs in
a fresh output folder (nothing is reused). Ray is timed twice: with the start of its
local instance, and on an instance already running (the engine's own cost).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from extensor.batch import BatchOptions, run_batch
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

#: The clip, in ``shared/`` beside the checkout (or beside the folder of worktrees).
CLIP = next(
    (
        p / "shared" / "clips" / "hyperextension-45deg-6reps.mp4"
        for p in Path(__file__).resolve().parents[1:4]
        if (p / "shared" / "clips" / "hyperextension-45deg-6reps.mp4").exists()
    ),
    Path("shared/clips/hyperextension-45deg-6reps.mp4"),
)


def make_keypoints(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        kp = synthetic_set([RepSpec()] * 8, noise_deg=0.3, keypoints=True, seed=k).keypoints
        assert kp is not None
        write_extensor_csv(kp, folder / f"set{k:03d}.csv")
    return folder


def make_videos(folder: Path, n: int, seconds: float) -> Path | None:
    if not CLIP.exists():
        return None
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        cap = cv2.VideoCapture(str(CLIP))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        out = cv2.VideoWriter(str(folder / f"clip{k}.mp4"), cv2.VideoWriter_fourcc(*"mp4v"),
                              fps, (1280, 720))  # fmt: skip
        for _ in range(k):
            cap.read()
        for _ in range(int(seconds * fps)):
            ok, frame = cap.read()
            if not ok:
                break
            out.write(cv2.resize(frame, (1280, 720), interpolation=cv2.INTER_AREA))
        out.release()
        cap.release()
    return folder


def timed(folder: Path, root: Path, name: str, options: BatchOptions) -> float:
    start = time.perf_counter()
    run = run_batch(folder, root / name, options)
    elapsed = time.perf_counter() - start
    if run.analysed != run.total or run.failed:
        raise SystemExit(f"{name}: not every recording was analysed: {run.summary}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keypoints", type=int, default=40)
    parser.add_argument("--videos", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each video")
    parser.add_argument("--skip-keypoints", action="store_true")
    args = parser.parse_args()
    import ray

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inputs: dict[str, Path] = (
            {}
            if args.skip_keypoints
            else {"keypoints": make_keypoints(root / "kp", args.keypoints)}
        )
        videos = make_videos(root / "video", args.videos, args.seconds)
        if videos is not None:
            inputs["video720p"] = videos
        base = {"goal": "hypertrophy", "variant": "45_degree_bench"}
        print("| input | n | engine | wall s | recordings/min |")
        print("| --- | --- | --- | --- | --- |")
        for label, folder in inputs.items():
            n = len(list(folder.iterdir()))
            rows = [
                ("local, 1 worker", BatchOptions(**base, workers=1), None),
                ("local, 2 workers", BatchOptions(**base, workers=2), None),
                ("ray, incl. start", BatchOptions(**base, engine="ray", workers=2), None),
                ("ray, running", BatchOptions(**base, engine="ray"), "init"),
            ]
            for k, (name, options, pre) in enumerate(rows):
                if pre == "init":
                    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
                try:
                    s = timed(folder, root, f"{label}-{k}", options)
                finally:
                    if pre == "init":
                        ray.shutdown()
                print(f"| {label} | {n} | {name} | {s:.1f} | {60 * n / s:.3g} |", flush=True)


if __name__ == "__main__":
    main()
