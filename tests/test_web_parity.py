"""The web app can do what the CLI does: encoder neutral and frame rate on upload, the
comparison of two sets, the numbers people look for, the annotated video's route."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")

from fastapi.testclient import TestClient

from extensor._config import Settings
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.web import WebOptions, create_app
from test_io_aspect_ratio import HEIGHT, WIDTH, _landmark_csv
from test_io_imu_units import T, _csv, _trunk_angle, _unit

JOB_TIMEOUT_S = 60
#: The encoder reads 30 deg at neutral: the file's angles are the extension + 30.
ZERO_DEG = 30.0
#: Four reps to neutral, then two 15 deg past it.
SPECS = [RepSpec()] * 4 + [RepSpec(top_deg=15.0)] * 2


def encoder_csv(path: Path, *, offset: float = ZERO_DEG, fps: bool = False) -> Path:
    m = synthetic_set(SPECS, noise_deg=0.1, seed=3).motion
    angle = np.asarray(m.data["extension"]) + offset
    if fps:
        lines = ["frame,angle_deg"] + [f"{i},{a:.4f}" for i, a in enumerate(angle)]
    else:
        lines = ["time,angle_deg"] + [
            f"{t:.4f},{a:.4f}" for t, a in zip(m.time, angle, strict=True)
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), WebOptions())
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:  # the Host check: loopback
        yield c


def token(c: TestClient) -> str:
    value: str = c.get("/api/csrf").json()["csrf_token"]
    return value


def upload(c: TestClient, path: Path, **fields: str) -> Any:
    return c.post(
        "/api/jobs", files={"file": (path.name, path.read_bytes())}, data=fields,
        headers={"X-CSRF-Token": token(c)},
    )  # fmt: skip


def wait_done(c: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        job: dict[str, Any] = c.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {JOB_TIMEOUT_S} s")


def analysis_of(c: TestClient, path: Path, **fields: str) -> tuple[str, dict[str, Any]]:
    r = upload(c, path, **fields)
    assert r.status_code == 202, r.text
    job = wait_done(c, r.json()["id"])
    assert job["state"] == "done", job["error"]
    data: dict[str, Any] = c.get(f"/api/jobs/{job['id']}/analysis").json()
    return job["id"], data


def test_encoder_upload_with_angle_zero_judges_past_neutral(client: TestClient,
                                                            tmp_path: Path) -> None:  # fmt: skip
    """With its angle zero, an encoder upload knows neutral and finds reps 5-6 past it;
    without it, past neutral is not observable."""
    path = encoder_csv(tmp_path / "enc.csv")
    job_id, data = analysis_of(client, path, angle_zero=str(ZERO_DEG), goal="hypertrophy")
    assert data["neutral_known"] is True
    past = sorted({f["rep"] for f in data["faults"] if f["id"] == "past_neutral"})
    assert past == [5, 6]
    page = client.get(f"/jobs/{job_id}").text
    assert 'id="velocity-loss"' in page
    assert 'id="smoothness"' in page
    _, blind = analysis_of(client, path, goal="hypertrophy")
    assert blind["neutral_known"] is False
    assert "past_neutral" in blind["not_observable"]


def test_frame_rate_field_times_a_file_without_timestamps(client: TestClient,
                                                          tmp_path: Path) -> None:  # fmt: skip
    """Frames without time, read at the given rate, lasts as long as the set."""
    m = synthetic_set(SPECS, noise_deg=0.1, seed=3).motion
    rate = 1.0 / float(np.median(np.diff(m.time)))
    path = encoder_csv(tmp_path / "noclock.csv", fps=True)
    _, data = analysis_of(client, path, fps=f"{rate:.6f}", angle_zero=str(ZERO_DEG))
    assert data["metrics"]["rep_count"] == len(SPECS)
    assert data["metrics"]["duration_s"] == pytest.approx(float(m.time[-1] - m.time[0]), abs=0.1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"angle_zero": "north"}, "angle_zero must be a number"),
     ({"fps": "0"}, "fps must be a number from 1 to 2000"),
     ({"annotated": "yes"}, "the annotated video needs a video, got a encoder file"),
     ({"image_size": "1280"}, "image_size must be <width>x<height> in px (e.g. 1280x720)"),
     ({"image_size": "0x720"}, "image_size must be <width>x<height> in px"),
     ({"image_size": "1280x720"}, "image_size applies to a keypoint file"),
     ({"neutral_hold_s": "0"}, "neutral_hold_s must be above 0 s"),
     ({"neutral_hold_s": "soon"}, "neutral_hold_s must be a number from 0 to 60"),
     ({"neutral_hold_s": "2"}, "neutral_hold_s applies to an IMU recording, got a encoder file"),
     ({"sensor": "../u4"}, "sensor must be a unit's name"),
     ({"sensor": "trunk"}, "sensor applies to an IMU recording, got a encoder file")],
)  # fmt: skip
def test_bad_recording_options_are_refused(client: TestClient, tmp_path: Path,
                                           fields: dict[str, str], message: str) -> None:  # fmt: skip
    r = upload(client, encoder_csv(tmp_path / "enc.csv"), **fields)
    assert r.status_code == 422
    assert message in r.text


def test_angle_zero_on_a_keypoint_file_is_refused(client: TestClient, tmp_path: Path) -> None:
    from extensor.io import write_extensor_csv

    kp = synthetic_set([RepSpec()] * 3, noise_deg=0.2, keypoints=True, seed=5).keypoints
    assert kp is not None
    path = write_extensor_csv(kp, tmp_path / "kp.csv")
    r = upload(client, path, angle_zero="10")
    assert r.status_code == 422
    assert "angle_zero applies to an encoder recording" in r.text


def test_compare_page_and_api_show_two_logged_sets(client: TestClient, tmp_path: Path) -> None:
    """Two analysed and logged sets (40 kg, then 95 lb) compare in kg with past neutral."""
    path = encoder_csv(tmp_path / "enc.csv")
    ids = []
    for load in ("40kg", "95lb"):
        r = upload(client, path, angle_zero=str(ZERO_DEG), load=load, day="2024-05-01")
        job = wait_done(client, r.json()["id"])
        assert job["logged_set_id"] is not None, job
        ids.append(job["logged_set_id"])
    a, b = (f"set:{i}" for i in ids)
    data = client.get("/api/compare", params={"a": a, "b": b}).json()
    rows = {r["key"]: r for r in data["rows"]}
    assert (rows["load"]["a"], rows["load"]["b"]) == ("40 kg", "43.09 kg")
    assert (rows["past_neutral"]["a"], rows["past_neutral"]["b"]) == ("2", "2")
    page = client.get("/compare", params={"a": a, "b": b})
    assert page.status_code == 200
    assert 'id="comparison"' in page.text
    assert "43.09 kg" in page.text
    assert client.get("/api/compare", params={"a": "set:999", "b": b}).status_code == 404
    assert client.get("/api/compare", params={"a": a}).status_code == 422


def test_a_job_without_annotated_video_answers_404(client: TestClient, tmp_path: Path) -> None:
    job_id, _ = analysis_of(client, encoder_csv(tmp_path / "enc.csv"))
    r = client.get(f"/api/jobs/{job_id}/annotated")
    assert r.status_code == 404
    assert "no annotated video" in r.text


STRONG = """Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
2023-03-04 18:02:11,Pull,52m,Back Extension (Machine),1,30,12,0,0,,,7
2023-03-04 18:02:11,Pull,52m,Back Extension,2,30,12,0,0,,,
"""


def test_log_import_and_export_in_the_web_app(client: TestClient) -> None:
    """Import a Strong export through the API (machine kept, assumption said), then the
    export in the Strong layout holds those sets; the page offers both."""
    r = client.post(
        "/api/log/import", files={"file": ("strong.csv", STRONG.encode())},
        headers={"X-CSRF-Token": token(client)},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["imported"], report["path"]) == (2, "strong.csv")
    assert (
        "'Back Extension (Machine)' (1 set) -> seated_lever_machine, from the exercise name"
        in report["assumed"]
    )
    again = client.post("/api/log/import", files={"file": ("strong.csv", STRONG.encode())},
                        headers={"X-CSRF-Token": token(client)})  # fmt: skip
    assert again.json()["already_imported"] == 2
    out = client.get("/api/log/export", params={"format": "strong"})
    assert out.status_code == 200
    assert out.headers["content-type"].startswith("text/csv")
    assert "extensor-log-strong.csv" in out.headers["content-disposition"]
    assert "2023-03-04 12:00:00,extensor,,Back Extension (Machine),1,30,kg,12" in out.text
    assert client.get("/api/log/export", params={"format": "xml"}).status_code == 422
    page = client.get("/log")
    assert page.status_code == 200
    assert 'id="import-form"' in page.text
    assert "/log/export?format=hevy" in page.text


def test_log_import_refuses_a_bad_file_and_needs_csrf(client: TestClient) -> None:
    bad = client.post("/api/log/import", files={"file": ("x.csv", b"a,b\n1,2\n")},
                      headers={"X-CSRF-Token": token(client)})  # fmt: skip
    assert bad.status_code == 422
    assert "not a Strong or Hevy export" in bad.text
    assert "/tmp" not in bad.text
    assert client.post("/api/log/import", files={"file": ("x.csv", b"a")}).status_code == 403


def openpose_zip(path: Path, *, extra: dict[str, bytes] | None = None) -> tuple[Path, float]:
    """Six synthetic reps as a zip of BODY_25 frame files (points by name); its rate."""
    import json
    import zipfile

    from extensor.io import OPENPOSE_BODY_25, OPENPOSE_TO_EXTENSOR

    kp = synthetic_set([RepSpec()] * 6, noise_deg=0.2, keypoints=True, seed=5).keypoints
    assert kp is not None
    rate = 1.0 / float(np.median(np.diff(kp.time)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for f in range(kp.time.size):
            flat: list[float] = []
            for name in OPENPOSE_BODY_25:
                point = kp.data.get(OPENPOSE_TO_EXTENSOR.get(name, ""))
                flat += [0.0, 0.0, 0.0] if point is None else [float(v) for v in point[f]]
            body = {"version": 1.3, "people": [{"pose_keypoints_2d": flat}]}
            z.writestr(f"clip/clip_{f:012d}_keypoints.json", json.dumps(body))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path, rate


def test_openpose_zip_upload_is_unpacked_and_analysed(client: TestClient, tmp_path: Path) -> None:
    """A zip of per-frame OpenPose files is read as the OpenPose folder: six reps."""
    path, rate = openpose_zip(tmp_path / "frames.zip")
    job_id, data = analysis_of(client, path, fps=f"{rate:.6f}")
    assert data["metrics"]["rep_count"] == 6
    folder = client.app.state.ext.jobs_dir / job_id  # type: ignore[attr-defined]
    assert not (folder / "openpose").exists()  # the frames are deleted after the analysis


def test_openpose_zip_with_a_path_member_is_refused(client: TestClient, tmp_path: Path) -> None:
    """A member whose name is not a frame (here a path escape) refuses the whole upload."""
    path, rate = openpose_zip(tmp_path / "evil.zip", extra={"../../evil.txt": b"x"})
    r = upload(client, path, fps=f"{rate:.6f}")
    assert r.status_code in (413, 415), r.text
    assert not (tmp_path.parent / "evil.txt").exists()


def test_upload_accepts_a_goal_spelt_as_people_type_it(client: TestClient, tmp_path: Path) -> None:
    r = upload(client, encoder_csv(tmp_path / "enc.csv"), goal="Warm-Up", variant="Roman chair")
    assert r.status_code == 202, r.text
    assert (r.json()["goal"], r.json()["variant"]) == ("warm_up", "roman_chair")
    assert upload(client, encoder_csv(tmp_path / "e2.csv"), goal="nap").status_code == 422


# -- the CLI's results: sets, image size, neutral hold, IMU unit -----------------------------

#: 5 reps, a 40 s rest, then 4 (the second set's 3rd rep 20 deg past neutral).
TWO_SETS = [RepSpec()] * 4 + [RepSpec(bottom_s=40.0)] + [RepSpec()] * 2 + [RepSpec(top_deg=20.0)]
TWO_SETS += [RepSpec()]


def cli_json(path: Path, *args: str) -> dict[str, Any]:
    """``extensor analyze PATH --json -`` with ``args``, as a document."""
    import json

    from typer.testing import CliRunner

    from extensor.cli import app

    result = CliRunner().invoke(app, ["analyze", str(path), "--goal", "hypertrophy",
                                      "--variant", VARIANT, *args, "--json", "-"])  # fmt: skip
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


VARIANT = "seated_lever_machine"


def without_sources(doc: Any) -> Any:
    """The document without the recording's name (the CLI's path, the upload's name)."""
    if isinstance(doc, dict):
        return {k: without_sources(v) for k, v in doc.items() if k != "source"}
    if isinstance(doc, list):
        return [without_sources(v) for v in doc]
    return doc


def web_json(c: TestClient, path: Path, **fields: str) -> dict[str, Any]:
    return analysis_of(c, path, goal="hypertrophy", variant=VARIANT, **fields)[1]


@pytest.mark.usefixtures("isolated_settings")
@pytest.mark.parametrize(
    ("args", "fields", "reps"),
    [((), {}, [5, 4]), (("--set", "2"), {"set": "2"}, [4]), (("--whole",), {"whole": "yes"}, [9])],
)  # fmt: skip
def test_sets_are_the_clis(client: TestClient, tmp_path: Path, args: tuple[str, ...],
                           fields: dict[str, str], reps: list[int]) -> None:  # fmt: skip
    """A recording of two sets: the web job's document is the CLI's, set by set."""
    from extensor.io import write_extensor_csv

    kp = synthetic_set(TWO_SETS, noise_deg=0.3, keypoints=True, seed=5).keypoints
    assert kp is not None
    path = write_extensor_csv(kp, tmp_path / "session.csv")
    cli, web = cli_json(path, *args), web_json(client, path, **fields)
    assert without_sources(web) == without_sources(cli)
    docs = web.get("sets", [web])
    assert [d["metrics"]["rep_count"] for d in docs] == reps


@pytest.mark.usefixtures("isolated_settings")
def test_image_size_is_the_clis(client: TestClient, tmp_path: Path) -> None:
    """Normalized keypoints with the frame's size: the CLI's result, in pixels; without
    it the square-frame guess is flagged."""
    path, _ = _landmark_csv(tmp_path / "lm.csv")
    size = f"{WIDTH}x{HEIGHT}"
    web = web_json(client, path, image_size=size)
    assert without_sources(web) == without_sources(cli_json(path, "--image-size", size))
    assert "unknown_aspect_ratio" not in [n["code"] for n in web["notices"]]
    guessed = web_json(client, path)
    assert "unknown_aspect_ratio" in [n["code"] for n in guessed["notices"]]


def two_unit_imu_csv(path: Path) -> Path:
    """A still ``thigh`` unit and a ``back`` unit that holds neutral for 2.5 s, rests 26
    deg below it, and does six reps (40 deg) topping out 14 deg past neutral."""
    back = _trunk_angle(T) - 26.0
    back[T < 2.5] = 0.0
    back[(T >= 2.5) & (T < 3.0)] = -26.0
    units = {"thigh": _unit(np.zeros_like(T), T, axis=1), "back": _unit(back, T, axis=0)}
    return _csv(path, T, units)


@pytest.mark.usefixtures("isolated_settings")
def test_neutral_hold_and_sensor_are_the_clis(client: TestClient, tmp_path: Path) -> None:
    """The IMU unit named and its neutral hold: the CLI's result, past neutral judged on
    all six reps; the still unit, named, has no reps; a unit the file does not hold fails
    the job naming the units."""
    path = two_unit_imu_csv(tmp_path / "imu.csv")
    web = web_json(client, path, sensor="back", neutral_hold_s="2")
    cli = cli_json(path, "--sensor", "back", "--neutral-hold", "2")
    assert without_sources(web) == without_sources(cli)
    assert web["neutral_known"] is True
    assert sorted({f["rep"] for f in web["faults"] if f["id"] == "past_neutral"}) == list(
        range(1, 7)
    )
    still = web_json(client, path, sensor="thigh")  # the unit read is the one named
    assert still["metrics"]["rep_count"] == 0
    assert "no_movement" in [n["code"] for n in still["notices"]]
    r = upload(client, path, sensor="wrist")
    job = wait_done(client, r.json()["id"])
    assert job["state"] == "failed"
    assert "sensor must be one of the recording's units" in job["error"]
    assert "/tmp" not in job["error"]
