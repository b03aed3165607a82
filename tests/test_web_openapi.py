"""The OpenAPI description is true: schemathesis finds 0 failures against a live server.

Schemathesis generates requests from ``/api/openapi.json`` (every phase: examples,
coverage, fuzzing and the stateful phase that chains calls through their links) and runs
every check: status codes and bodies conform to the description, schema-valid requests
are accepted, invalid ones refused, ``Allow`` headers match, and so on. The server is a
real Uvicorn process on 127.0.0.1 with a browser cookie and its CSRF token; examples are
bounded and generation is deterministic, so the run is repeatable and stays near a minute.
"""

from __future__ import annotations

import http.cookiejar
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")
pytest.importorskip("schemathesis", reason="needs the dev extra: pip install 'extensor[dev]'")

from fastapi.testclient import TestClient

from extensor._config import Settings
from extensor.web import WebDB, WebOptions, add_user, create_app
from extensor.web._openapi import ERROR_SCHEMA
from extensor.web._testing import LocalServer

#: Examples per operation and phase: enough to reach every status of every operation,
#: few enough to keep the whole run near a minute on two busy cores.
MAX_EXAMPLES = 5
#: Seed of the run (generation is deterministic as well, so the cases never change).
SEED = 20261202
#: Seconds the run may take before schemathesis stops generating.
MAX_TIME_S = 75
#: The same for the multi-user run, which only adds the account operations.
MULTI_MAX_TIME_S = 60
#: The admin account of the multi-user run.
LOGIN = ("coach", "a long enough secret")
#: Statuses a schema-valid request may still get where the server judges what no
#: schema can say: an upload's *content* (415 not a recording, 422 an empty file or a
#: bad form value such as a load over 500 kg), and a load or load step that parses but
#: is out of range (422).
CONTENT_JUDGED = {
    "POST /api/jobs": [202, 401, 403, 404, 409, 413, 415, 422, 429, 503],
    "POST /api/log": [201, 401, 403, 404, 409, 422, 429],
    "PUT /api/profile": [200, 401, 403, 404, 409, 422, 429],
    "POST /api/log/import": [200, 401, 403, 404, 409, 413, 415, 422, 429],
}

_CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = {default}
{operations}
"""


def _config(path: Path) -> Path:
    blocks = []
    for name, statuses in CONTENT_JUDGED.items():
        blocks.append(
            f'[[operations]]\ninclude-name = "{name}"\n'
            f"checks.positive_data_acceptance.expected-statuses = {statuses}\n"
        )
    default = [200, 201, 202, 204, 303, 401, 403, 404, 409, 429]
    path.write_text(_CONFIG.format(default=default, operations="\n".join(blocks)))
    return path


def test_description_declares_enums_errors_and_statuses(tmp_path: Path) -> None:
    """Goal, variant, level, section and unit are enumerations from the knowledge base,
    every error is the one Error shape, and the CSRF 403 and 413 are listed."""
    spec = create_app(Settings(data_dir=tmp_path)).openapi()
    profile = spec["components"]["schemas"]["ProfileIn"]["properties"]
    assert profile["goal"]["enum"] == [
        "endurance",
        "strength",
        "hypertrophy",
        "warm_up",
        "technique",
    ]
    assert profile["level"]["enum"] == ["beginner", "intermediate", "advanced"]
    assert profile["unit"]["enum"] == ["kg", "lb"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["components"]["schemas"]["Error"] == ERROR_SCHEMA
    log = spec["paths"]["/api/log"]["post"]["responses"]
    assert {"400", "403", "413", "422"} <= set(log)
    assert log["403"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    upload = spec["paths"]["/api/jobs"]["post"]["responses"]
    assert {"403", "413", "415", "422", "503"} <= set(upload)
    assert "/api/login" not in spec["paths"]  # single-user: no accounts to describe
    multi = create_app(Settings(data_dir=tmp_path), WebOptions(multi_user=True)).openapi()
    assert {"429", "503"} <= set(multi["paths"]["/api/login"]["post"]["responses"])


def test_405_allows_every_method_of_the_path(tmp_path: Path) -> None:
    """The Allow header of a 405 lists the methods of every route of the path (GET and
    POST /api/jobs are two routes), in the one error shape."""
    c = TestClient(create_app(Settings(data_dir=tmp_path)), base_url="http://127.0.0.1:8000")
    token = c.get("/api/csrf").json()["csrf_token"]
    r = c.patch("/api/jobs", headers={"X-CSRF-Token": token})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert r.json()["code"] == "method_not_allowed"
    assert c.put("/api/health", headers={"X-CSRF-Token": token}).headers["allow"] == "GET"
    assert (
        c.post("/api/jobs/0123456789abcdef", headers={"X-CSRF-Token": token}).headers["allow"]
        == "DELETE, GET"
    )


def _cookie_and_token(url: str, login: tuple[str, str] | None = None) -> tuple[str, str]:
    """A browser cookie and its CSRF token (after logging in, when ``login`` is given)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{url}/api/csrf", timeout=10) as resp:
        token = json.load(resp)["csrf_token"]
    if login is not None:
        body = json.dumps({"name": login[0], "password": login[1]}).encode()
        req = urllib.request.Request(
            f"{url}/api/login", data=body, method="POST",
            headers={"Content-Type": "application/json", "X-CSRF-Token": token},
        )  # fmt: skip
        with opener.open(req, timeout=30) as resp:
            token = json.load(resp)["csrf_token"]
    sid = next(c.value for c in jar if c.name == "extensor_sid")
    return str(sid), str(token)


def _schemathesis(
    server: LocalServer, tmp_path: Path, *, max_time_s: int, extra: tuple[str, ...] = ()
) -> None:
    """Run schemathesis against ``server`` (every phase and check); assert 0 failures."""
    binary = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert binary is not None, "schemathesis is installed but its command is missing"
    sid, token = _cookie_and_token(server.url, LOGIN if "--exclude-path" in extra else None)
    started = time.monotonic()
    run = subprocess.run(
        [
            binary, "--config-file", str(_config(tmp_path / "schemathesis.toml")), "run",
            f"{server.url}/api/openapi.json", "--checks", "all",
            "--phases", "examples,coverage,fuzzing,stateful",
            "-H", f"Cookie: extensor_sid={sid}", "-H", f"X-CSRF-Token: {token}",
            "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
            "--generation-deterministic", "--workers", "1",
            "--max-time", str(max_time_s), "--no-color", *extra,
        ],
        capture_output=True, text=True, timeout=max_time_s + 60, check=False, cwd=tmp_path,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    log = server.log()
    summary = run.stdout[-6000:]
    print(summary[-1500:], f"elapsed {elapsed:.1f} s")  # shown with pytest -s
    assert run.returncode == 0, f"{summary}\n{run.stderr[-2000:]}\n{log[-2000:]}"
    assert "failures" not in summary.split("SUMMARY")[-1].lower(), summary
    assert "Traceback" not in log, log[-4000:]
    assert elapsed < max_time_s + 30, f"schemathesis took {elapsed:.0f} s"


def test_schemathesis_finds_no_failure(tmp_path: Path) -> None:
    """Every phase, every check, against a live single-user server: 0 failures."""
    with LocalServer(tmp_path / "data", options={"worker_kind": "thread"}) as server:
        _schemathesis(server, tmp_path, max_time_s=MAX_TIME_S)


def test_schemathesis_finds_no_failure_with_accounts(tmp_path: Path) -> None:
    """The same against a multi-user server, logged in as an admin (log-out is left out:
    it would end the session the run needs)."""
    add_user(WebDB(tmp_path / "data" / "web" / "web.db"), *LOGIN, is_admin=True)
    options = {"worker_kind": "thread", "multi_user": True}
    with LocalServer(tmp_path / "data", options=options) as server:
        _schemathesis(
            server, tmp_path, max_time_s=MULTI_MAX_TIME_S, extra=("--exclude-path", "/api/logout")
        )
