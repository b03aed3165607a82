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


#: Seconds the lifter rests between the two sets of the made-up session: past the data
#: file's ``set_rest_s`` (15 s), so the recording holds two sets.
REST_S = 17.0


@pytest.fixture(scope="module")
def two_set_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-rep clip, its last frame held for REST_S, the clip again: two sets."""
    import cv2

    cap = cv2.VideoCapture(str(CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    ok, frame = cap.read()
    while ok:
        frames.append(frame)
        ok, frame = cap.read()
    cap.release()
    height, width = frames[0].shape[:2]
    path = tmp_path_factory.mktemp("video") / "two-sets.mp4"
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    for f in frames + [frames[-1]] * round(REST_S * fps) + frames:
        out.write(f)
    out.release()
    return path


def finished(client: TestClient, path: Path, **fields: str) -> dict[str, Any]:
    token = client.get("/api/csrf").json()["csrf_token"]
    r = client.post("/api/jobs", files={"file": (path.name, path.read_bytes())},
                    data=fields, headers={"X-CSRF-Token": token})  # fmt: skip
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/jobs/{r.json()['id']}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {r.json()['id']} did not finish")


def test_a_video_of_two_sets_gives_two_reports_with_key_frames(
    client: TestClient, two_set_video: Path
) -> None:
    job = finished(client, two_set_video)
    assert job["state"] == "done", job["error"]
    assert [(s["number"], s["rep_count"]) for s in job["sets"]] == [(1, 1), (2, 1)]
    for s in job["sets"]:
        report = client.get(s["links"]["report"])
        assert report.status_code == 200
        assert 'src="data:image/png;base64,' in report.text


def test_the_annotated_video_of_two_sets_needs_the_set(
    client: TestClient, two_set_video: Path
) -> None:
    """As ``extensor analyze --annotated``: one set's video, so a recording of two asks
    for ``set``; with it, that set's video is written."""
    failed = finished(client, two_set_video, annotated="yes")
    assert failed["state"] == "failed"
    assert failed["error"].startswith("this recording holds 2 sets: the annotated video shows")
    assert "set field" in failed["error"]
    job = finished(client, two_set_video, annotated="yes", set="2")
    assert job["state"] == "done", job["error"]
    assert [s["number"] for s in job["sets"]] == [2]
    assert client.get(f"/api/jobs/{job['id']}/annotated").status_code == 200
