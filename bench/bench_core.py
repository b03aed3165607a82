"""Benchmark: the analysis core on long keypoint recordings (no video decoding, no pose).

Run: ``.venv/bin/python bench/bench_core.py [--minutes 60] [--repeat 3]``.
Prints one table row per size: seconds from keypoints to SetAnalysis (median of the
repeats), frames per second, and the peak memory allocated during the analysis
(tracemalloc), to check that memory grows in proportion to the input.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

from extensor._analysis import run_analysis
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.knowledge import load_exercise

RATE_HZ = 60.0


def _recording(minutes: float):
    spec = RepSpec(lift_s=1.5, top_s=1.0, lower_s=2.5, bottom_s=1.0)
    reps = int(minutes * 60.0 / (spec.lift_s + spec.top_s + spec.lower_s + spec.bottom_s))
    s = synthetic_set([spec] * reps, rate_hz=RATE_HZ, noise_deg=0.5, keypoints=True, seed=1)
    assert s.keypoints is not None
    return s.keypoints, reps


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, nargs="*", default=[15.0, 30.0, 60.0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ex = load_exercise()
    print("| frames | reps | seconds (median) | frames/s | peak MB | MB per 100k frames |")
    print("|---|---|---|---|---|---|")
    for minutes in args.minutes:
        kp, reps = _recording(minutes)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run = run_analysis(kp, goal="hypertrophy", variant="45_degree_bench", exercise=ex)
            times.append(time.perf_counter() - t0)
        assert run.result.metrics.rep_count == reps, (run.result.metrics.rep_count, reps)
        tracemalloc.start()
        run_analysis(kp, goal="hypertrophy", variant="45_degree_bench", exercise=ex)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        med = statistics.median(times)
        n = len(kp)
        print(
            f"| {n:,} | {reps} | {med:.3f} | {n / med:,.0f} | {peak:.0f} | {peak / n * 1e5:.1f} |"
        )


if __name__ == "__main__":
    main()
