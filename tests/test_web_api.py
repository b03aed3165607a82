"""The web API and pages through FastAPI's TestClient: every endpoint, every refusal.

One app per module (its worker pool starts once); the bad-input tests check both the
status code and that nothing is left behind in the jobs folder.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

import extensor.web
from extensor._config import Settings
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv
from extensor.web import WebOptions, create_app
from extensor.web._db import WebDB
from extensor.web._jobs import JobManager, QueueFullError
from extensor.web._security import PAGE_CSP, REPORT_CSP

#: Where the tests send requests: a loopback name, as a browser on this machine does
#: (the app refuses any other Host).
BASE_URL = "http://127.0.0.1:8000"
#: Seconds a small keypoint file may take from upload to a finished analysis.
JOB_TIMEOUT_S = 60
#: Limits of the test app: small enough to exceed with a few MB, large enough for a set.
MAX_FILE_MB = 1.0
MAX_VIDEO_MB = 2.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def keypoint_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four clean reps, then one lowered far too fast (a tempo cue)."""
    reps = [RepSpec()] * 4 + [RepSpec(lower_s=0.7)]
    s = synthetic_set(reps, noise_deg=0.2, keypoints=True, seed=5)
    assert s.keypoints is not None
    return write_extensor_csv(s.keypoints, tmp_path_factory.mktemp("kp") / "set.csv")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    app = create_app(
        Settings(data_dir=data_dir),
        WebOptions(max_file_mb=MAX_FILE_MB, max_video_mb=MAX_VIDEO_MB),
    )
    with TestClient(app, base_url=BASE_URL) as c:
        yield c


def token(c: TestClient) -> str:
    value: str = c.get("/api/csrf").json()["csrf_token"]
    return value


def upload(
    c: TestClient, content: bytes, name: str = "set.csv", *, csrf: bool = True, **fields: str
) -> Any:
    headers = {"X-CSRF-Token": token(c)} if csrf else {}
    return c.post("/api/jobs", files={"file": (name, content)}, data=fields, headers=headers)


def wait_done(c: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        job: dict[str, Any] = c.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {JOB_TIMEOUT_S} s")


def job_dirs(data_dir: Path) -> set[str]:
    root = data_dir / "web" / "jobs"
    return {p.name for p in root.iterdir()} if root.exists() else set()


@pytest.fixture(scope="module")
def done_job(client: TestClient, keypoint_csv: Path) -> dict[str, Any]:
    r = upload(client, keypoint_csv.read_bytes(), "my set.csv", goal="hypertrophy")
    assert r.status_code == 202, r.text
    return wait_done(client, r.json()["id"])


# -- public surface, headers, CSRF ----------------------------------------------------------


def test_public_surface_is_pinned() -> None:
    """extensor.web exports exactly its documented names."""
    assert extensor.web.__all__ == [
        "DEFAULT_HOST", "DEFAULT_MAX_FILE_MB", "DEFAULT_MAX_QUEUED_JOBS", "DEFAULT_MAX_VIDEO_MB",
        "DEFAULT_PORT", "DEFAULT_WORKERS", "JOB_STATES", "WEB_DIR_NAME", "AccountError",
        "Certificate", "WebDB", "WebOptions", "add_user", "create_app", "ensure_certificate",
    ]  # fmt: skip
    assert extensor.web.DEFAULT_HOST == "127.0.0.1"


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    """Pages, API answers and errors all get CSP, nosniff, referrer policy and frame denial."""
    for path in ("/", "/api/health", "/api/jobs/0000000000000000", "/static/app.css"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["content-security-policy"] == PAGE_CSP


def test_browser_cookie_is_httponly_and_samesite(data_dir: Path) -> None:
    """A new browser gets an HttpOnly, SameSite=Lax id cookie that the CSRF token is bound to."""
    with TestClient(create_app(Settings(data_dir=data_dir)), base_url=BASE_URL) as fresh:
        r = fresh.get("/api/csrf")
        cookie = r.headers["set-cookie"]
        assert "extensor_sid=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert len(r.json()["csrf_token"]) >= 40


def _unsafe_api_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every state-changing API route of the app (the OpenAPI description of a
    single-user server leaves out the account routes, so the routes come from the app)."""
    contexts = iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
    return [
        (method, c.original_route.path.replace("{job_id}", "0123456789abcdef"))  # type: ignore[attr-defined]
        for c in contexts
        if getattr(c.original_route, "path", "").startswith("/api/")
        for method in sorted(getattr(c.original_route, "methods", None) or ())
        if method in {"POST", "PUT", "DELETE", "PATCH"}
    ]


def test_every_state_changing_api_route_needs_the_csrf_token(client: TestClient) -> None:
    """Without X-CSRF-Token every POST, PUT and DELETE under /api/ answers 403."""
    routes = _unsafe_api_routes(client)
    assert {p for _, p in routes} >= {"/api/jobs", "/api/log", "/api/profile", "/api/login"}
    bodies = {
        "/api/log": {"load": "20kg", "reps": 10},
        "/api/profile": {"level": "beginner", "goal": "strength", "variant": "roman_chair",
                         "increment": "2.5kg", "unit": "kg"},
        "/api/login": {"name": "someone", "password": "whatever-long"},
        "/api/users": {"name": "someone", "password": "whatever-long"},
    }  # fmt: skip
    for method, path in routes:
        if path == "/api/jobs":
            r = client.post(path, files={"file": ("a.csv", b"time,x\n")})
        else:
            r = client.request(method, path, json=bodies.get(path))
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert "CSRF" in r.json()["detail"]


def test_a_token_from_another_browser_is_refused(client: TestClient, data_dir: Path) -> None:
    """The token is bound to the cookie: a valid token of another browser does not pass."""
    with TestClient(create_app(Settings(data_dir=data_dir)), base_url=BASE_URL) as other:
        foreign = token(other)
    r = client.post(
        "/api/log", json={"load": "20kg", "reps": 10}, headers={"X-CSRF-Token": foreign}
    )
    assert r.status_code == 403


def test_a_request_from_another_site_is_refused(client: TestClient) -> None:
    """An Origin header naming another site is refused even with the right token."""
    r = client.post(
        "/api/log",
        json={"load": "20kg", "reps": 10},
        headers={"X-CSRF-Token": token(client), "Origin": "http://evil.example"},
    )
    assert r.status_code == 403


def test_page_forms_need_the_csrf_field(client: TestClient, keypoint_csv: Path) -> None:
    """Every HTML form post without its hidden csrf_token field answers 403."""
    posts = {
        "/history/log": {"load": "20kg", "reps": "10"},
        "/next/profile": {"level": "beginner", "goal": "strength", "variant": "roman_chair",
                          "increment": "2.5kg", "unit": "kg"},
        "/jobs/0123456789abcdef/delete": {},
        "/logout": {},
        "/login": {"name": "x", "password": "y"},
    }  # fmt: skip
    for path, data in posts.items():
        r = client.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403, (path, r.status_code)
    before = job_dirs(client.app.state.ext.settings.data_dir)  # type: ignore[attr-defined]
    r = client.post(
        "/analyse", files={"file": ("set.csv", keypoint_csv.read_bytes())}, follow_redirects=False
    )
    assert r.status_code == 403
    assert "CSRF" in r.text
    assert job_dirs(client.app.state.ext.settings.data_dir) == before  # type: ignore[attr-defined]


# -- uploads: the good path -----------------------------------------------------------------


def test_keypoint_upload_is_analysed_in_the_background(done_job: dict[str, Any]) -> None:
    """A keypoint CSV is queued (202), analysed by a worker, and finds the 5 reps and the cue."""
    assert done_job["state"] == "done", done_job
    assert done_job["progress"] == 1.0
    assert done_job["input_type"] == "extensor_csv"
    assert done_job["file_name"] == "my set.csv"
    summary = done_job["summary"]
    assert summary["rep_count"] == 5
    assert summary["clean_rep_count"] == 4
    assert any("lower" in c.lower() for c in summary["cues"])


def test_analysis_json_is_the_cli_export(client: TestClient, done_job: dict[str, Any]) -> None:
    """/api/jobs/{id}/analysis is the `analyze --json` document, coaching included, no server path."""
    data = client.get(f"/api/jobs/{done_job['id']}/analysis").json()
    assert data["schema"] == "extensor.set_analysis/2"
    assert data["coaching"]["schema"] == "extensor.coaching/3"
    assert data["source"] == "my set.csv"
    assert len(data["reps"]) == 5
    assert str(client.app.state.ext.web_dir) not in json.dumps(data)  # type: ignore[attr-defined]


def test_report_is_served_with_a_strict_csp(client: TestClient, done_job: dict[str, Any]) -> None:
    """The report (with its plot) and its guide come with the sandboxing CSP, on both paths."""
    for base in ("/jobs", "/api/jobs"):
        r = client.get(f"{base}/{done_job['id']}/report.html")
        assert r.status_code == 200
        assert r.headers["content-security-policy"] == REPORT_CSP
        assert "<svg" in r.text
        assert 'href="report-guide.html' in r.text
        g = client.get(f"{base}/{done_job['id']}/report-guide.html")
        assert g.status_code == 200
        assert 'id="mistake-rushed_lowering"' in g.text


def test_job_page_shows_cues_and_links(client: TestClient, done_job: dict[str, Any]) -> None:
    """The job page lists the cues, the verdict and the report link."""
    r = client.get(f"/jobs/{done_job['id']}")
    assert r.status_code == 200
    assert 'id="cues"' in r.text
    assert 'id="verdict"' in r.text
    assert f"/jobs/{done_job['id']}/report.html" in r.text


def test_jobs_list_shows_my_jobs(client: TestClient, done_job: dict[str, Any]) -> None:
    """GET /api/jobs lists the job with its links; the analyse page lists it too."""
    jobs = client.get("/api/jobs").json()
    assert done_job["id"] in [j["id"] for j in jobs]
    assert jobs[0]["links"]["page"].startswith("/jobs/")
    assert done_job["id"] in client.get("/analyse").text


def test_upload_through_the_form_redirects_to_the_job(
    client: TestClient, keypoint_csv: Path
) -> None:
    """The page's form (token first, then the file) answers 303 to the job page."""
    page = client.get("/analyse").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    r = client.post(
        "/analyse",
        data={"csrf_token": csrf.group(1), "goal": "strength", "variant": "roman_chair"},
        files={"file": ("form.csv", keypoint_csv.read_bytes())},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = wait_done(client, job_id)
    assert (job["goal"], job["variant"], job["state"]) == ("strength", "roman_chair", "done")


def test_file_names_are_escaped_and_never_paths(client: TestClient, keypoint_csv: Path) -> None:
    """A hostile file name is shown escaped, reduced to its last part, and not used on disk."""
    name = "../../<img src=x onerror='alert(1)'>.csv"
    r = upload(client, keypoint_csv.read_bytes(), name)
    assert r.status_code == 202
    job = r.json()
    assert job["file_name"] == "<img src=x onerror='alert(1)'>.csv"
    page = client.get(f"/jobs/{job['id']}").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&#39;alert(1)&#39;&gt;.csv" in page
    folder = client.app.state.ext.jobs_dir / job["id"]  # type: ignore[attr-defined]
    assert all(p.name in {"input.csv", "report.html", "report-guide.html", "analysis.json"}
               for p in folder.iterdir())  # fmt: skip
    wait_done(client, job["id"])


def test_upload_with_a_load_logs_the_set(client: TestClient, keypoint_csv: Path) -> None:
    """With a load, the analysed set goes into the training log with its clean reps."""
    r = upload(client, keypoint_csv.read_bytes(), load="25kg", day="2024-03-01", rpe="8")
    job = wait_done(client, r.json()["id"])
    assert job["logged_set_id"] is not None
    sessions = client.get("/api/history").json()["sessions"]
    day = next(s for s in sessions if s["day"] == "2024-03-01")
    assert day["sets"][0]["load"] == 25.0
    assert day["sets"][0]["reps"] == 5
    assert day["sets"][0]["clean_reps"] == 4
    assert day["sets"][0]["source"] == "keypoints"


def test_uploaded_recording_is_deleted_after_analysis(
    client: TestClient, done_job: dict[str, Any]
) -> None:
    """By default only the report and the JSON stay; the recording itself is removed."""
    folder = client.app.state.ext.jobs_dir / done_job["id"]  # type: ignore[attr-defined]
    assert sorted(p.name for p in folder.iterdir()) == [
        "analysis.json", "report-guide.html", "report.html",
    ]  # fmt: skip


# -- uploads: refusals ----------------------------------------------------------------------


def test_oversize_keypoint_file_is_413_and_leaves_nothing(
    client: TestClient, data_dir: Path
) -> None:
    """A text file past the file limit is stopped with 413 and its partial file removed."""
    before = job_dirs(data_dir)
    big = b"time,nose_x,nose_y,nose_conf\n" + b"0.1,1,2,0.9\n" * int(MAX_FILE_MB * 1024 * 1024 / 10)
    r = upload(client, big)
    assert r.status_code == 413
    assert "too large" in r.json()["detail"]
    assert job_dirs(data_dir) == before


def test_oversize_video_is_413(client: TestClient, data_dir: Path) -> None:
    """A video gets the larger limit, but not more."""
    before = job_dirs(data_dir)
    head = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 52
    r = upload(client, head + b"\x00" * int(MAX_VIDEO_MB * 1024 * 1024), "clip.mp4")
    assert r.status_code == 413
    assert "video" in r.json()["detail"]
    assert job_dirs(data_dir) == before


def test_declared_oversize_body_is_refused_before_reading(client: TestClient) -> None:
    """A Content-Length past every limit is refused at once."""
    r = client.post(
        "/api/jobs",
        content=b"x" * 10,
        headers={
            "X-CSRF-Token": token(client),
            "Content-Type": "multipart/form-data; boundary=abc",
            "Content-Length": str(50 * 1024 * 1024),
        },
    )
    assert r.status_code == 413


def test_png_renamed_csv_is_415(client: TestClient, data_dir: Path) -> None:
    """The type comes from the content: a PNG called set.csv is refused."""
    before = job_dirs(data_dir)
    r = upload(client, PNG_MAGIC + b"\x00\x00\x00\rIHDR" + bytes(200), "set.csv")
    assert r.status_code == 415
    assert "not supported" in r.json()["detail"]
    assert job_dirs(data_dir) == before


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"hello,world\n1,2\n", "set.csv"),
        (b'{"hello": "world"}', "set.json"),
        (bytes(range(256)) * 4, "clip.mp4"),
        (b"PK\x03\x04" + bytes(100), "phyphox.zip"),
    ],
    ids=["unknown-csv", "json-without-keypoints", "binary-named-mp4", "broken-zip"],
)
def test_unreadable_content_is_415(client: TestClient, content: bytes, name: str) -> None:
    """CSV without known columns, JSON without keypoints, binary junk and broken zips: 415."""
    r = upload(client, content, name)
    assert r.status_code == 415, r.text


def test_corrupt_keypoint_file_fails_its_job(client: TestClient, keypoint_csv: Path) -> None:
    """A recognisable but damaged file is accepted, then its job fails with a readable message
    that names the upload, not a server path."""
    lines = keypoint_csv.read_text().splitlines()
    damaged = "\n".join([*lines[:12], "0.5,abc,def", *lines[13:40]]) + "\n"
    r = upload(client, damaged.encode(), "damaged.csv")
    assert r.status_code == 202
    job = wait_done(client, r.json()["id"])
    assert job["state"] == "failed"
    assert "damaged.csv" in job["error"]
    assert "/web/jobs/" not in job["error"]
    assert client.get(f"/api/jobs/{job['id']}/analysis").status_code == 409
    assert client.get(f"/jobs/{job['id']}/report.html").status_code == 409
    page = client.get(f"/jobs/{job['id']}").text.replace("&#39;", "'")
    assert job["error"][1:] in page


def test_fake_video_fails_its_job(client: TestClient) -> None:
    """Bytes that start like an MP4 but are not one: queued as video, then failed."""
    r = upload(client, b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8, "clip.mp4")
    assert r.status_code == 202
    assert r.json()["input_type"] == "video"
    job = wait_done(client, r.json()["id"])
    assert job["state"] == "failed"
    assert job["error"]


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"goal": "bulk"}, 422, "goal must be one of"),
        ({"variant": "leg_press"}, 422, "variant must be one of"),
        ({"load": "heavy"}, 422, "load must be"),
        ({"load": "20kg", "rpe": "11"}, 422, "rpe must be"),
        ({"load": "20kg", "day": "2999-01-01"}, 422, "future"),
    ],
    ids=["goal", "variant", "load", "rpe", "future-day"],
)
def test_bad_form_values_are_422(
    client: TestClient, keypoint_csv: Path, fields: dict[str, str], status: int, words: str
) -> None:
    """Goal, variant, load, RPE and day are checked; the job is not created."""
    r = upload(client, keypoint_csv.read_bytes(), **fields)
    assert r.status_code == status
    assert words in r.json()["detail"]


def test_empty_or_missing_file_is_422(client: TestClient) -> None:
    """An empty file, or a form without a file, is 422."""
    assert upload(client, b"").status_code == 422
    r = client.post("/api/jobs", data={"goal": "strength"}, files={"other": ("x", b"1")},
                    headers={"X-CSRF-Token": token(client)})  # fmt: skip
    assert r.status_code == 400
    r = client.post(
        "/api/jobs",
        content=b'--b\r\nContent-Disposition: form-data; name="goal"\r\n\r\nstrength\r\n--b--\r\n',
        headers={"X-CSRF-Token": token(client), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 422


def test_non_multipart_upload_is_415(client: TestClient) -> None:
    """The upload must be a multipart form."""
    r = client.post("/api/jobs", json={"file": "x"}, headers={"X-CSRF-Token": token(client)})
    assert r.status_code == 415


def test_two_files_in_one_upload_are_400(client: TestClient, keypoint_csv: Path) -> None:
    """One recording per upload."""
    data = keypoint_csv.read_bytes()
    r = client.post(
        "/api/jobs",
        files=[("file", ("a.csv", data)), ("file", ("b.csv", data))],
        headers={"X-CSRF-Token": token(client)},
    )
    assert r.status_code == 400


def test_full_queue_is_503(
    client: TestClient, keypoint_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the queue is full, uploads are refused with 503 before the body is read."""
    jobs = client.app.state.ext.jobs  # type: ignore[attr-defined]

    def full() -> None:
        raise QueueFullError

    monkeypatch.setattr(jobs, "check_room", full)
    r = upload(client, keypoint_csv.read_bytes())
    assert r.status_code == 503


def test_job_manager_bounds_its_queue(tmp_path: Path) -> None:
    """JobManager.submit refuses past max_queued."""
    import asyncio

    from extensor.web._jobs import JobSpec

    async def fill() -> None:
        manager = JobManager(WebDB(tmp_path / "w.db"), workers=1, max_queued=2)
        spec = JobSpec("a", "", "", "", "extensor_csv", "x", "lever_back_extension", "strength",
                       "roman_chair")  # fmt: skip
        manager.submit(spec)
        manager.submit(spec)
        with pytest.raises(QueueFullError):
            manager.submit(spec)

    asyncio.run(fill())


# -- jobs: ids, deletion, restart -----------------------------------------------------------


@pytest.mark.parametrize("job_id", ["0123456789abcdef", "../../etc/passwd", "ABC", "0" * 40])
def test_unknown_or_malformed_job_ids_are_404(client: TestClient, job_id: str) -> None:
    """Unknown ids and anything that is not 16 hex digits are 404 everywhere."""
    for path in (f"/api/jobs/{job_id}", f"/api/jobs/{job_id}/analysis", f"/jobs/{job_id}",
                 f"/jobs/{job_id}/report.html"):  # fmt: skip
        assert client.get(path).status_code in (404, 405), path


def test_delete_removes_the_job_and_its_files(client: TestClient, keypoint_csv: Path) -> None:
    """DELETE /api/jobs/{id} removes the row and the folder; a second delete is 404."""
    job = wait_done(client, upload(client, keypoint_csv.read_bytes()).json()["id"])
    folder = client.app.state.ext.jobs_dir / job["id"]  # type: ignore[attr-defined]
    assert folder.exists()
    headers = {"X-CSRF-Token": token(client)}
    assert client.delete(f"/api/jobs/{job['id']}", headers=headers).status_code == 204
    assert not folder.exists()
    assert client.delete(f"/api/jobs/{job['id']}", headers=headers).status_code == 404


def test_jobs_left_queued_run_when_the_server_starts(tmp_path: Path, keypoint_csv: Path) -> None:
    """A job queued when the server stopped is analysed after the next start; one whose
    upload vanished is marked failed."""
    db = WebDB(tmp_path / "web" / "web.db")
    ok = db.create_job(owner=0, display_name="left.csv", input_type="extensor_csv",
                       input_file="input.csv", goal="strength", variant="roman_chair")  # fmt: skip
    lost = db.create_job(owner=0, display_name="lost.csv", input_type="extensor_csv",
                         input_file="input.csv", goal="strength", variant="roman_chair")  # fmt: skip
    (tmp_path / "web" / "jobs" / ok).mkdir(parents=True)
    (tmp_path / "web" / "jobs" / ok / "input.csv").write_bytes(keypoint_csv.read_bytes())
    app = create_app(Settings(data_dir=tmp_path), WebOptions(worker_kind="thread"))
    with TestClient(app, base_url=BASE_URL) as c:
        assert wait_done(c, ok)["state"] == "done"
        lost_job = c.get(f"/api/jobs/{lost}").json()
        assert lost_job["state"] == "failed"
        assert "upload it again" in lost_job["error"]


# -- knowledge, log, profile, next ----------------------------------------------------------


def test_knowledge_endpoints(client: TestClient) -> None:
    """Exercise choices, the guide data and a plan, with 422 for unknown ids."""
    ex = client.get("/api/exercise").json()
    assert "roman_chair" in [v["id"] for v in ex["variants"]]
    assert (
        client.get("/api/guide", params={"variant": "roman_chair"}).json()["selected_variant"]
        == "roman_chair"
    )
    assert client.get("/api/guide", params={"variant": "nope"}).status_code == 422
    plan = client.get(
        "/api/plan", params={"goal": "strength", "level": "beginner", "weeks": 3}
    ).json()
    assert [w["week"] for w in plan["weeks"]] == [1, 2, 3]
    assert client.get("/api/plan", params={"goal": "bulk"}).status_code == 422
    assert client.get("/api/plan", params={"weeks": 99}).status_code == 422


def test_log_profile_history_and_next(tmp_path: Path) -> None:
    """Sets logged by hand show in the history; the profile decides the next session."""
    with TestClient(create_app(Settings(data_dir=tmp_path)), base_url=BASE_URL) as c:
        h = {"X-CSRF-Token": token(c)}
        assert c.get("/api/profile").json()["stored"] is False
        assert c.get("/api/next").json()["rule"] == "no_history"
        r = c.put("/api/profile", headers=h, json={
            "level": "beginner", "goal": "strength", "variant": "roman_chair",
            "increment": "5lb", "unit": "kg"})  # fmt: skip
        assert r.status_code == 200
        assert r.json()["increment"] == pytest.approx(2.268, abs=1e-3)
        bad = c.put("/api/profile", headers=h, json={
            "level": "beginner", "goal": "bulk", "variant": "roman_chair",
            "increment": "2.5kg", "unit": "kg"})  # fmt: skip
        assert bad.status_code == 422
        for day in ("2024-04-01", "2024-04-03"):
            r = c.post(
                "/api/log", headers=h, json={"load": "20kg", "reps": 8, "sets": 3, "day": day}
            )
            assert r.status_code == 201
        assert c.post("/api/log", headers=h, json={"load": "20kg", "reps": 0}).status_code == 422
        assert c.post("/api/log", headers=h, json={"load": "x", "reps": 5}).status_code == 422
        hist = c.get("/api/history").json()
        assert [s["day"] for s in hist["sessions"]] == ["2024-04-01", "2024-04-03"]
        assert hist["personal_bests"]["heaviest"]["load"] == 20.0
        rec = c.get("/api/next").json()
        assert rec["profile"]["goal"] == "strength"
        assert rec["rule"] != "no_history"
        assert c.get("/api/next", params={"goal": "bulk"}).status_code == 422
        page = c.get("/history").text
        assert "<svg" in page
        assert "2024-04-03" in page
        assert "Next session" in c.get("/next").text


def test_single_user_web_log_is_the_cli_log(tmp_path: Path) -> None:
    """In single-user mode the web app writes the same SQLite log as the CLI."""
    from extensor.store import Store, load_history, resolve_db_url

    settings = Settings(data_dir=tmp_path)
    with TestClient(create_app(settings), base_url=BASE_URL) as c:
        r = c.post("/api/log", headers={"X-CSRF-Token": token(c)},
                   json={"load": "30kg", "reps": 12, "day": "2024-02-02"})  # fmt: skip
        assert r.status_code == 201
    with Store(resolve_db_url(settings)) as store:
        assert [s.day.isoformat() for s in load_history(store)] == ["2024-02-02"]


def test_pages_render(client: TestClient) -> None:
    """Every page answers 200 with its heading; unknown variants are 404, the API list is local."""
    for path, text in [("/", "Analyse a set"), ("/analyse", "Analyse a set"),
                       ("/guide", "Lever Back Extension"), ("/guide?variant=roman_chair", "Roman chair"),
                       ("/plan?goal=strength&level=beginner&weeks=2", "Plan builder"),
                       ("/history", "Training history"), ("/next", "Next session"),
                       ("/api/docs", "/api/jobs")]:  # fmt: skip
        r = client.get(path)
        assert r.status_code == 200, path
        assert text in r.text, path
    assert client.get("/guide?variant=nope").status_code == 404
    assert client.get("/plan?weeks=0").status_code == 422
    assert "cdn" not in client.get("/api/docs").text.lower()
    assert client.get("/login", follow_redirects=False).status_code == 303
    assert client.get("/admin/users").status_code == 404
    assert client.get("/api/openapi.json").json()["paths"]["/api/jobs"]["post"]


def test_history_form_and_profile_form(tmp_path: Path) -> None:
    """The history page logs sets by hand and the next page saves the profile (303), with
    the error shown on the page for bad values (422)."""
    with TestClient(create_app(Settings(data_dir=tmp_path)), base_url=BASE_URL) as c:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/history").text)
        assert csrf is not None
        t = csrf.group(1)
        r = c.post("/history/log", data={"csrf_token": t, "load": "15kg", "reps": "10",
                                         "day": "2024-01-05"}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        r = c.post("/history/log", data={"csrf_token": t, "load": "lots", "reps": "10"})
        assert r.status_code == 422
        assert "Load must be" in r.text
        r = c.post("/next/profile", data={"csrf_token": t, "level": "advanced", "goal": "endurance",
                                          "variant": "roman_chair", "increment": "1kg", "unit": "kg"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        assert c.get("/api/profile").json()["level"] == "advanced"


def test_health_and_me(client: TestClient) -> None:
    """Health tells the mode; in single-user mode every request is the local lifter."""
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["multi_user"] is False
    assert client.get("/api/me").json()["id"] == 0
    r = client.post("/api/login", json={"name": "a", "password": "b"},
                    headers={"X-CSRF-Token": token(client)})  # fmt: skip
    assert r.status_code == 400


CLIP = Path(__file__).resolve().parents[2] / "shared" / "clips" / "rendered-hyperextension-1rep.mp4"


@pytest.mark.shared
@pytest.mark.video
def test_video_upload_is_recognised_by_content_and_analysed(client: TestClient) -> None:
    """An MP4 uploaded under a meaningless name is read as video, the one rep of the rendered
    clip is found, and the report carries its key frames (needs the video extra)."""
    pytest.importorskip("mediapipe", reason="needs the video extra")
    r = upload(client, CLIP.read_bytes(), "clip.bin", variant="45_degree_bench")
    assert r.status_code == 202
    assert r.json()["input_type"] == "video"
    job = wait_done(client, r.json()["id"])
    assert job["state"] == "done", job
    assert job["summary"]["rep_count"] == 1
    report = client.get(f"/api/jobs/{job['id']}/report.html")
    assert report.status_code == 200
    # the rep's top and bottom, cut from the video with the skeleton drawn, as inline PNGs
    assert report.text.count("data:image/png;base64,") == 2
