"""A small load test of the real server on 127.0.0.1: twenty uploads at once, none lost.

The server runs with its defaults (one analysis worker process); the uploads must all be
accepted, queued and analysed correctly, while the health check keeps answering fast
(the event loop never waits for an analysis). The full-size version with memory numbers
is ``bench/bench_web_load.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv
from extensor.web._testing import LocalServer, upload_concurrently

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")

#: Uploads sent at once.
UPLOADS = 20
#: Reps in the uploaded set (small, so the whole test takes seconds).
REPS = 3
#: A health check must answer within this many seconds while analyses run: the event loop
#: only ever waits for I/O, so anything slower means blocking work crept into it.
MAX_HEALTH_S = 1.0


def test_twenty_concurrent_uploads_are_all_analysed(tmp_path: Path) -> None:
    """20 simultaneous uploads: all accepted (202), all done, every one found the 3 reps."""
    s = synthetic_set([RepSpec()] * REPS, noise_deg=0.2, keypoints=True, seed=4)
    assert s.keypoints is not None
    content = write_extensor_csv(s.keypoints, tmp_path / "set.csv").read_bytes()
    with LocalServer(tmp_path / "data") as server:
        report = upload_concurrently(server.url, content, count=UPLOADS, timeout_s=120)
    assert report.statuses == [202] * UPLOADS
    ids = [job["id"] for job in report.jobs]
    assert len(set(ids)) == UPLOADS
    assert [job["state"] for job in report.jobs] == ["done"] * UPLOADS
    assert [job["summary"]["rep_count"] for job in report.jobs] == [REPS] * UPLOADS
    assert max(report.health_s) < MAX_HEALTH_S
