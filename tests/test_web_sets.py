"""The web app on a recording of several sets, as ``extensor analyze`` does it: each set
analysed, coached, reported and logged on its own; ``set`` keeps one, ``whole`` none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")

from fastapi.testclient import TestClient

from extensor._config import Settings
from extensor.app import SESSION_SCHEMA
from extensor.core import SCHEMA_VERSION
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv
from extensor.web import WebOptions, create_app
from test_web_parity import upload, wait_done

#: 5 reps, a 40 s rest, 4 reps (the second set's 3rd rep 20 deg past neutral), then a
#: 40 s rest and 3 reps: three sets of 5, 4 and 3.
SPECS = (
    [RepSpec()] * 4 + [RepSpec(bottom_s=40.0)]
    + [RepSpec()] * 2 + [RepSpec(top_deg=20.0), RepSpec(bottom_s=40.0)]
    + [RepSpec()] * 3
)  # fmt: skip
REPS = [5, 4, 3]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), WebOptions())
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c


@pytest.fixture(scope="module")
def three_sets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kp = synthetic_set(SPECS, noise_deg=0.3, keypoints=True, seed=5).keypoints
    assert kp is not None
    return write_extensor_csv(kp, tmp_path_factory.mktemp("rec") / "session.csv")


def finished(c: TestClient, path: Path, **fields: str) -> dict[str, Any]:
    r = upload(c, path, **fields)
    assert r.status_code == 202, r.text
    return wait_done(c, r.json()["id"])


def done(c: TestClient, path: Path, **fields: str) -> tuple[dict[str, Any], dict[str, Any]]:
    job = finished(c, path, **fields)
    assert job["state"] == "done", job["error"]
    return job, c.get(job["links"]["analysis"]).json()


def test_each_set_is_analysed_and_reported(client: TestClient, three_sets: Path) -> None:
    """Three sets: a session document, three results with their windows, three reports
    (each with its guide) and the page showing every set."""
    job, doc = done(client, three_sets)
    assert doc["schema"] == SESSION_SCHEMA
    assert doc["set_count"] == 3
    assert doc["source"] == "session.csv"
    assert [s["schema"] for s in doc["sets"]] == [SCHEMA_VERSION] * 3
    assert [s["metrics"]["rep_count"] for s in doc["sets"]] == REPS
    assert {f["rep"] for f in doc["sets"][1]["faults"] if f["id"] == "past_neutral"} == {3}
    assert job["set_count"] == 3
    sets = job["sets"]
    assert [s["number"] for s in sets] == [1, 2, 3]
    assert [s["of"] for s in sets] == [3, 3, 3]
    assert [s["rep_count"] for s in sets] == REPS
    assert job["summary"]["rep_count"] == sum(REPS)
    assert sets[0]["end_s"] <= sets[1]["start_s"] < sets[1]["end_s"] <= sets[2]["start_s"]
    windows = [s["info"]["set"] for s in doc["sets"]]
    assert [(w["start_s"], w["end_s"]) for w in windows] == [
        (s["start_s"], s["end_s"]) for s in sets
    ]
    assert job["summary"]["verdict"] == sets[-1]["verdict"]
    for s in sets:
        report = client.get(s["links"]["report"])
        assert report.status_code == 200
        assert report.headers["content-security-policy"]
        assert f"<b>{s['rep_count']}</b><span>reps" in report.text
        guide = s["links"]["report"].rsplit("/", 1)[0] + "/report-guide.html"
        assert s["links"]["guide"] == guide
        assert client.get(guide).status_code == 200
        assert client.get("/api" + s["links"]["report"]).status_code == 200
    assert job["links"]["report"] == sets[0]["links"]["report"]
    plain = client.get(f"/jobs/{job['id']}/report.html")  # set 1's, where links.report points
    assert plain.status_code == 200
    assert plain.text == client.get(sets[0]["links"]["report"]).text
    assert client.get(f"/jobs/{job['id']}/sets/4/report.html").status_code == 404
    page = client.get(f"/jobs/{job['id']}").text
    assert page.count('class="set-result"') == 3
    for s in sets:
        assert f'href="{s["links"]["report"]}"' in page
        assert f"Set {s['number']} of 3" in page


def test_set_keeps_one_set(client: TestClient, three_sets: Path) -> None:
    job, doc = done(client, three_sets, set="2")
    assert doc["schema"] == SCHEMA_VERSION
    assert doc["metrics"]["rep_count"] == 4
    assert doc["info"]["set"]["number"] == 2
    assert job["set_count"] == 3
    assert [(s["number"], s["rep_count"]) for s in job["sets"]] == [(2, 4)]
    assert job["links"]["report"] == f"/jobs/{job['id']}/report.html"
    assert "<b>4</b><span>reps" in client.get(job["links"]["report"]).text


def test_whole_analyses_the_recording_as_one_set(client: TestClient, three_sets: Path) -> None:
    job, doc = done(client, three_sets, whole="yes")
    assert doc["schema"] == SCHEMA_VERSION
    assert doc["metrics"]["rep_count"] == sum(REPS)
    assert "set" not in doc["info"]
    assert (job["set_count"], len(job["sets"])) == (1, 1)
    assert client.get(job["links"]["report"]).status_code == 200


def test_a_set_that_is_not_there_fails_the_job(client: TestClient, three_sets: Path) -> None:
    job = finished(client, three_sets, set="4")
    assert job["state"] == "failed"
    assert "set must be between 1 and 3 (the sets this recording holds), got 4" in job["error"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"set": "0"}, "set must be a whole number from 1 to 99, got '0'"),
     ({"set": "two"}, "set must be a whole number"),
     ({"whole": "maybe"}, "whole must be yes or no"),
     ({"set": "1", "whole": "yes"}, "set and whole exclude each other")],
)  # fmt: skip
def test_bad_set_fields_are_refused(client: TestClient, three_sets: Path,
                                    fields: dict[str, str], message: str) -> None:  # fmt: skip
    r = upload(client, three_sets, **fields)
    assert r.status_code == 422
    assert message in r.json()["detail"]


def test_saving_logs_every_set(client: TestClient, three_sets: Path) -> None:
    """With a load, each set is one row of the training log, in order, on the day given."""
    job, _ = done(client, three_sets, load="30kg", day="2024-03-02")
    ids = job["logged_set_ids"]
    assert len(ids) == 3
    assert ids == sorted(ids)
    assert job["logged_set_id"] == ids[0]
    assert [s["logged_set_id"] for s in job["sets"]] == ids
    history = client.get("/api/history", params={"last": 50}).json()
    day = [s for s in history["sessions"] if s["day"] == "2024-03-02"]
    assert len(day) == 1
    assert [x["reps"] for x in day[0]["sets"]] == REPS
    page = client.get(f"/jobs/{job['id']}").text
    assert "The 3 sets were added to your" in page


def test_compare_takes_one_set_of_a_session(client: TestClient, three_sets: Path) -> None:
    """``job:<id>:<n>`` is set n of a recording of several; the bare job asks for one."""
    job, _ = done(client, three_sets)
    a, b = f"job:{job['id']}:1", f"job:{job['id']}:2"
    data = client.get("/api/compare", params={"a": a, "b": b}).json()
    rows = {r["key"]: r for r in data["rows"]}
    assert (rows["reps"]["a"], rows["reps"]["b"]) == ("5", "4")
    assert (rows["past_neutral"]["a"], rows["past_neutral"]["b"]) == ("0", "1")
    assert data["a"]["label"] == "session.csv, set 1"
    bare = client.get("/api/compare", params={"a": f"job:{job['id']}", "b": b})
    assert bare.status_code == 422
    assert "holds 3 sets; pick one as" in bare.json()["detail"]
    assert client.get("/api/compare", params={"a": f"job:{job['id']}:4", "b": b}).status_code == 404
    page = client.get("/compare").text
    assert f'value="job:{job["id"]}:3"' in page
    assert f'href="/compare?a=job:{job["id"]}:2"' in client.get(f"/jobs/{job['id']}").text


def test_the_upload_form_offers_the_set_and_reading_options(client: TestClient) -> None:
    page = client.get("/analyse").text
    for name in ("set", "whole", "neutral_hold_s", "sensor", "image_size"):
        assert f'name="{name}"' in page


#: One unit of the real Yurtman-Barshan session (three sets of ten, long rests between).
REAL_IMU = (
    Path(__file__).resolve().parents[2] / "shared" / "sensors" / "yurtman-barshan-e2-s1"
    / "u4" / "test.txt"
)  # fmt: skip


@pytest.mark.shared
def test_a_real_imu_session_uploads_as_three_sets_of_ten(client: TestClient) -> None:
    job, doc = done(client, REAL_IMU, variant="seated_lever_machine", load="20kg",
                    day="2024-04-06")  # fmt: skip
    assert [s["metrics"]["rep_count"] for s in doc["sets"]] == [10, 10, 10]
    assert [s["rep_count"] for s in job["sets"]] == [10, 10, 10]
    assert len(job["logged_set_ids"]) == 3
    whole, _ = done(client, REAL_IMU, variant="seated_lever_machine", whole="yes")
    assert whole["summary"]["rep_count"] == 30


def test_the_openapi_upload_body_names_the_new_fields(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    body = spec["paths"]["/api/jobs"]["post"]["requestBody"]["content"]["multipart/form-data"]
    props = body["schema"]["properties"]
    assert props["set"]["minimum"] == 1
    assert "yes" in props["whole"]["enum"]
    assert props["neutral_hold_s"]["exclusiveMinimum"] == 0
    assert {"sensor", "image_size", "angle_zero", "fps", "annotated"} <= set(props)
    paths = spec["paths"]
    assert "/api/jobs/{job_id}/sets/{number}/report.html" in paths


def test_a_job_run_again_after_a_restart_stores_its_sets_once(tmp_path: Path) -> None:
    """A server restart re-queues a job that may have saved already: the job's key keeps
    the second run from storing its sets again."""
    from extensor.app import analyze_session
    from extensor.store import load_history
    from extensor.web._jobs import JobSpec, _log_request

    specs = [RepSpec()] * 4 + [RepSpec(bottom_s=40.0)] + [RepSpec()] * 4
    kp = synthetic_set(specs, noise_deg=0.3, keypoints=True, seed=5).keypoints
    assert kp is not None
    path = write_extensor_csv(kp, tmp_path / "s.csv")
    spec = JobSpec(
        job_id="j1", db_path=str(tmp_path / "web.db"), job_dir=str(tmp_path),
        input_path=str(path), input_type="extensor_csv", display_name="s.csv",
        exercise="lever_back_extension", goal="hypertrophy", variant="45_degree_bench",
        store_url=f"sqlite:///{tmp_path}/log.db",
        log={"load": 40, "unit": "kg", "day": "2024-03-02"},
    )  # fmt: skip
    stored = []
    for _ in range(2):
        entry, store = _log_request(spec)
        assert store is not None
        with store:
            done = analyze_session(path, goal="hypertrophy", variant="45_degree_bench",
                                   log=entry, store=store)  # fmt: skip
            stored.append([d.logged.stored for d in done.sets if d.logged is not None])
            rows = [st.reps for s in load_history(store) for st in s.sets]
    assert stored == [[True, True], [False, False]]
    assert rows == [5, 4]  # the rep with the long rest after it ends set 1
