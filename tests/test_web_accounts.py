"""Multi-user mode: accounts with Argon2 hashes, logins, isolation between lifters, and the
``extensor serve`` command (its account creation and its missing-extra message)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from extensor._config import Settings
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv
from extensor.web import AccountError, WebDB, WebOptions, add_user, create_app

#: Where the tests send requests: a loopback name, as a browser on this machine does
#: (the app refuses any other Host).
BASE_URL = "http://127.0.0.1:8000"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("multi")
    db = WebDB(root / "web" / "web.db")
    add_user(db, "coach", PASSWORD, is_admin=True)
    add_user(db, "anna", PASSWORD)
    add_user(db, "ben", PASSWORD)
    return root


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Any:
    return create_app(
        Settings(data_dir=data_dir), WebOptions(multi_user=True, worker_kind="thread")
    )


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as c:
        yield c


def browser(app: Any) -> TestClient:
    """A separate browser (own cookie jar) on the running app."""
    return TestClient(app, base_url=BASE_URL)


def csrf(c: TestClient) -> str:
    value: str = c.get("/api/csrf").json()["csrf_token"]
    return value


def login(c: TestClient, name: str, password: str = PASSWORD) -> Any:
    return c.post("/api/login", json={"name": name, "password": password},
                  headers={"X-CSRF-Token": csrf(c)})  # fmt: skip


@pytest.fixture(scope="module")
def keypoint_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    s = synthetic_set([RepSpec()] * 3, noise_deg=0.2, keypoints=True, seed=2)
    assert s.keypoints is not None
    return write_extensor_csv(s.keypoints, tmp_path_factory.mktemp("kp") / "s.csv").read_bytes()


def test_passwords_are_stored_as_argon2_hashes(data_dir: Path) -> None:
    """Only an Argon2id hash is stored, never the password."""
    user = WebDB(data_dir / "web" / "web.db").user_by_name("anna")
    assert user is not None
    assert user["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in user["password_hash"]


@pytest.mark.parametrize(
    ("name", "password", "words"),
    [("anna", PASSWORD, "taken"), ("x", PASSWORD, "name must be"),
     ("a b", PASSWORD, "name must be"), ("carl", "short", "at least 10")],
    ids=["taken", "too-short-name", "space", "weak-password"],
)  # fmt: skip
def test_bad_accounts_are_refused(data_dir: Path, name: str, password: str, words: str) -> None:
    """Names are unique (any case) and simple; passwords have at least 10 characters."""
    with pytest.raises(AccountError, match=words):
        add_user(WebDB(data_dir / "web" / "web.db"), name, password)


def test_without_login_pages_redirect_and_api_says_401(app: Any, server: TestClient) -> None:
    """Nothing but the login page, health and the CSRF token is open without a login."""
    c = browser(app)
    for path in ("/", "/guide", "/plan", "/history", "/next", "/analyse"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"] == "/login"
    for path in ("/api/jobs", "/api/history", "/api/next", "/api/guide", "/api/me"):
        assert c.get(path).status_code == 401, path
    assert c.get("/api/health").json()["multi_user"] is True
    assert c.get("/login").status_code == 200


def test_wrong_password_is_401_and_repeated_failures_back_off(app: Any) -> None:
    """A wrong password and an unknown name get the same 401; after five failures the
    client must wait (429 with Retry-After), while the owner on another machine logs in."""
    c = TestClient(app, base_url=BASE_URL, client=("10.1.0.1", 50000))
    assert login(c, "anna", "wrong password!").status_code == 401
    assert login(c, "nobody", "wrong password!").json() == login(c, "anna", "nope nope!").json()
    guesser = TestClient(app, base_url=BASE_URL, client=("10.1.0.2", 50000))
    for _ in range(5):
        assert login(guesser, "ben", "wrong password!").status_code == 401
    refused = login(guesser, "ben")
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_requests"
    assert int(refused.headers["retry-after"]) >= 1
    owner = TestClient(app, base_url=BASE_URL, client=("10.1.0.3", 50000))
    assert login(owner, "ben").status_code == 200


def test_login_form_sets_a_new_session(app: Any, server: TestClient) -> None:
    """The login page form logs in and replaces the browser id (no session fixation)."""
    c = browser(app)
    page = c.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    before = c.cookies.get("extensor_sid")
    r = c.post("/login", data={"name": "anna", "password": PASSWORD, "csrf_token": token.group(1)},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert c.cookies.get("extensor_sid") != before
    assert "anna" in c.get("/").text
    bad = c.post("/login", data={"name": "anna", "password": "nope nope!", "csrf_token": "x"})
    assert bad.status_code == 403


def test_each_lifter_sees_only_their_own_data(
    app: Any, server: TestClient, keypoint_bytes: bytes
) -> None:
    """Anna's job and log are invisible to Ben: his requests for her job id are 404."""
    anna, ben = browser(app), browser(app)
    assert login(anna, "anna").status_code == 200
    assert login(ben, "ben").status_code == 200
    h = {"X-CSRF-Token": csrf(anna)}
    r = anna.post("/api/jobs", files={"file": ("a.csv", keypoint_bytes)}, data={"load": "20kg"},
                  headers=h)  # fmt: skip
    assert r.status_code == 202
    job_id = r.json()["id"]
    for _ in range(600):
        job = anna.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    for path in (f"/api/jobs/{job_id}", f"/api/jobs/{job_id}/analysis", f"/jobs/{job_id}",
                 f"/jobs/{job_id}/report.html", f"/api/jobs/{job_id}/report.html"):  # fmt: skip
        assert ben.get(path).status_code == 404, path
        assert anna.get(path).status_code == 200, path
    bh = {"X-CSRF-Token": csrf(ben)}
    assert ben.delete(f"/api/jobs/{job_id}", headers=bh).status_code == 404
    assert ben.get("/api/jobs").json() == []
    assert len(anna.get("/api/history").json()["sessions"]) == 1
    assert ben.get("/api/history").json()["sessions"] == []
    ben.post("/api/log", json={"load": "10kg", "reps": 5}, headers=bh)
    assert len(anna.get("/api/history").json()["sessions"][0]["sets"]) == 1


def test_only_an_admin_manages_accounts(app: Any, server: TestClient) -> None:
    """The accounts page and API are for admins; a lifter gets 403."""
    lifter, coach = browser(app), browser(app)
    login(lifter, "anna")
    login(coach, "coach")
    assert lifter.get("/api/users").status_code == 403
    assert lifter.get("/admin/users").status_code == 403
    assert lifter.post("/api/users", json={"name": "dora", "password": PASSWORD},
                       headers={"X-CSRF-Token": csrf(lifter)}).status_code == 403  # fmt: skip
    names = [u["name"] for u in coach.get("/api/users").json()]
    assert names == ["anna", "ben", "coach"]
    r = coach.post("/api/users", json={"name": "dora", "password": PASSWORD},
                   headers={"X-CSRF-Token": csrf(coach)})  # fmt: skip
    assert r.status_code == 201
    dup = coach.post("/api/users", json={"name": "Dora", "password": PASSWORD},
                     headers={"X-CSRF-Token": csrf(coach)})  # fmt: skip
    assert dup.status_code == 409
    page = coach.get("/admin/users").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    r = coach.post("/admin/users", data={"name": "emil", "password": PASSWORD,
                                         "csrf_token": token.group(1)})  # fmt: skip
    assert r.status_code == 200
    assert "Account emil created" in r.text
    assert login(browser(app), "emil").status_code == 200


def test_logout_ends_the_session(app: Any, server: TestClient) -> None:
    """After logout the old cookie no longer opens anything."""
    c = browser(app)
    login(c, "anna")
    old = c.cookies.get("extensor_sid")
    assert c.post("/api/logout", headers={"X-CSRF-Token": csrf(c)}).status_code == 204
    assert c.get("/api/me").status_code == 401
    stale = browser(app)
    stale.cookies.set("extensor_sid", old or "")
    assert stale.get("/api/me").status_code == 401


# -- the serve command ----------------------------------------------------------------------


def test_serve_add_user_asks_for_the_password_twice(tmp_path: Path) -> None:
    """`extensor serve --add-user NAME` creates the account and exits without serving."""
    import extensor.cli._web_cmds  # noqa: F401  (registers `serve`)
    from extensor.cli._app import app as cli

    runner = CliRunner()
    r = runner.invoke(cli, ["serve", "--add-user", "coach", "--admin", "--data-dir", str(tmp_path)],
                      input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    user = WebDB(tmp_path / "web" / "web.db").user_by_name("coach")
    assert user is not None
    assert user["is_admin"] == 1
    r = runner.invoke(cli, ["serve", "--add-user", "x y", "--data-dir", str(tmp_path)],
                      input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert r.exit_code == 1


def test_serve_multi_user_without_accounts_refuses_to_start(tmp_path: Path) -> None:
    """Multi-user mode with no account would lock everyone out: it says how to add one."""
    import extensor.cli._web_cmds  # noqa: F401
    from extensor.cli._app import app as cli

    r = CliRunner().invoke(cli, ["serve", "--multi-user", "--data-dir", str(tmp_path)])
    assert r.exit_code == 1


def test_serve_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing web dependency ends with the extra to install."""
    import sys

    import extensor.cli._web_cmds as web_cmds
    from extensor._errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now raises ImportError
    with pytest.raises(MissingExtraError, match=r"extensor\[web\]"):
        web_cmds._check_extra()


def test_serve_defaults_match_the_web_options() -> None:
    """The command's defaults are the documented constants (loopback, port 8000, 1 worker)."""
    import inspect

    import extensor.cli._web_cmds as web_cmds
    from extensor import web

    params = inspect.signature(web_cmds.serve).parameters
    assert params["host"].default == web.DEFAULT_HOST == "127.0.0.1"
    assert params["port"].default == web.DEFAULT_PORT
    assert params["workers"].default == web.DEFAULT_WORKERS
    assert params["max_video_mb"].default == web.DEFAULT_MAX_VIDEO_MB
    assert params["max_file_mb"].default == web.DEFAULT_MAX_FILE_MB
    assert params["multi_user"].default is False


def test_serve_starts_a_server_on_loopback(tmp_path: Path) -> None:
    """`extensor serve --port N` answers on 127.0.0.1 and stops cleanly on Ctrl+C."""
    import json
    import signal
    import subprocess
    import sys
    import urllib.request

    from extensor.web._testing import free_port

    port = free_port()
    code = "import extensor.cli._web_cmds\nfrom extensor.cli import main\nmain()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    health = json.loads(r.read())
            except OSError:
                time.sleep(0.2)
        assert health is not None, "the server did not answer"
        assert health["multi_user"] is False
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out.decode(errors="replace")
    assert f"http://127.0.0.1:{port}/" in out.decode()
