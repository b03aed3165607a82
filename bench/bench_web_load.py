"""Benchmark: the web app under a burst of uploads, on this machine only (127.0.0.1).

Run: ``.venv/bin/python bench/bench_web_load.py [--uploads 20] [--reps 12] [--workers 1]``.
Starts the real server (Uvicorn, default options: one analysis worker process), sends
``--uploads`` keypoint files at once (one browser session each), waits until every job
is finished, and prints: upload latency, time until all were analysed, jobs per second,
the slowest health check during the burst, and the peak memory (RSS) of the server
process alone and of the server with its workers. Bounded: a fixed number of requests,
and a time limit (``--timeout``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv
from extensor.web._testing import LocalServer, upload_concurrently


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uploads", type=int, default=20)
    ap.add_argument("--reps", type=int, default=12, help="reps in each uploaded set")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds for the whole burst")
    args = ap.parse_args()
    if not 1 <= args.uploads <= 200:
        raise SystemExit("--uploads must be between 1 and 200")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        s = synthetic_set([RepSpec()] * args.reps, noise_deg=0.3, keypoints=True, seed=7)
        assert s.keypoints is not None
        path = write_extensor_csv(s.keypoints, root / "set.csv")
        content = path.read_bytes()
        with LocalServer(
            root / "data", options={"workers": args.workers}, sample_memory=True
        ) as server:
            report = upload_concurrently(
                server.url, content, count=args.uploads, timeout_s=args.timeout
            )
            peak_total, peak_server = server.peak_rss_bytes, server.peak_server_rss_bytes
    done = [j for j in report.jobs if j.get("state") == "done"]
    right = [j for j in done if j["summary"]["rep_count"] == args.reps]
    lost = args.uploads - len(done)
    mb = 1024 * 1024
    print(
        f"file: {len(content) / 1024:.0f} KB keypoint CSV, {args.reps} reps, {len(s.keypoints)} frames"
    )
    print(f"uploads: {args.uploads} at once, {args.workers} worker(s)")
    print("| measure | value |")
    print("|---|---|")
    print(f"| accepted (202) | {report.statuses.count(202)} / {args.uploads} |")
    print(f"| analysed, right rep count | {len(right)} / {args.uploads} (lost: {lost}) |")
    print(
        f"| upload latency median / max (s) | {statistics.median(report.upload_s):.2f} / {max(report.upload_s):.2f} |"
    )
    print(f"| all analysed after (s) | {report.total_s:.1f} |")
    print(f"| jobs per second | {len(done) / report.total_s:.2f} |")
    print(f"| slowest health check during the burst (s) | {max(report.health_s, default=0):.3f} |")
    print(f"| peak RSS, server process (MB) | {peak_server / mb:.0f} |")
    print(f"| peak RSS, server + workers (MB) | {peak_total / mb:.0f} |")
    if lost or len(right) != args.uploads:
        raise SystemExit("some uploads were lost or analysed wrongly")


if __name__ == "__main__":
    main()
