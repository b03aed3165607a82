"""A video job with the annotated video asked for: the job writes it through the app
service and the job page plays it, served as video/mp4."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")
pytest.importorskip("mediapipe", reason="the video extra is not installed")

from fastapi.testclient import TestClient

from extensor._config import Settings
from extensor.web import WebOptions, create_app

CLIP = Path(__file__).resolve().parents[2] / "shared" / "clips" / "rendered-hyperextension-1rep.mp4"
pytestmark = [pytest.mark.shared, pytest.mark.video]
#: Seconds the short clip may take (pose estimation on a shared two-core machine).
JOB_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), WebOptions())
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:  # the Host check: loopback
        yield c


def test_annotated_video_is_written_and_played(client: TestClient) -> None:
    token = client.get("/api/csrf").json()["csrf_token"]
    r = client.post("/api/jobs", files={"file": (CLIP.name, CLIP.read_bytes())},
                    data={"annotated": "yes"}, headers={"X-CSRF-Token": token})  # fmt: skip
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    deadline = time.monotonic() + JOB_TIMEOUT_S
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["state"] == "done", job
    video = client.get(f"/api/jobs/{job_id}/annotated")
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert len(video.content) > 10_000
    page = client.get(f"/jobs/{job_id}").text
    assert f'src="/jobs/{job_id}/annotated"' in page
    # the report (written by the job, the recording being cut into sets) has key frames
    report = client.get(f"/jobs/{job_id}/report.html")
    assert report.status_code == 200
    assert 'src="data:image/png;base64,' in report.text
