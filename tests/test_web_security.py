"""The web app refuses each attack of the hardening sweep (issue 12), shown by a test.

DNS rebinding (the Host check), login guessing in parallel (throttling by account and
by client, bounded password checks, back-off not lock-out), bodies read before they are
checked, a truncated multipart upload, zip bombs and unreadable zips, world-readable
files, and analysis workers that outlive a killed server.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import stat
import struct
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")

from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from extensor._config import Settings
from extensor._errors import InputFormatError
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import read_recording, write_extensor_csv
from extensor.io._tables import read_zip_member
from extensor.web import WebDB, WebOptions, _routes_api, add_user, create_app
from extensor.web._hosts import HostCheckMiddleware, allowed_hosts, host_allowed
from extensor.web._security import Identity
from extensor.web._testing import LocalServer, _descendants

#: A loopback name: what a browser on this machine sends.
BASE_URL = "http://127.0.0.1:8000"
#: A name an attacker points at 127.0.0.1 (DNS rebinding).
EVIL_URL = "http://rebind.evil.example:8000"
PASSWORD = "correct horse battery"
#: Upload limit of the test apps (MB): small enough to pass with a modest zip.
MAX_FILE_MB = 1.0
#: Seconds an analysis worker may outlive its killed server.
ORPHAN_EXIT_S = 5.0


def _keypoint_bytes(tmp: Path) -> bytes:
    s = synthetic_set([RepSpec()] * 3, noise_deg=0.2, keypoints=True, seed=3)
    assert s.keypoints is not None
    return write_extensor_csv(s.keypoints, tmp / "set.csv").read_bytes()


def _token(c: TestClient) -> str:
    value: str = c.get("/api/csrf").json()["csrf_token"]
    return value


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(
        Settings(data_dir=tmp_path_factory.mktemp("single")),
        WebOptions(worker_kind="thread", max_file_mb=MAX_FILE_MB),
    )
    with TestClient(app, base_url=BASE_URL) as c:
        yield c


# -- DNS rebinding ---------------------------------------------------------------------------


def test_rebinding_host_is_refused_for_pages_and_api(single: TestClient) -> None:
    """With Host rebind.evil.example and a matching Origin, no token, no log, no write,
    no delete: every request is a 400 that carries the app's security headers."""
    evil = TestClient(single.app, base_url=EVIL_URL, headers={"Origin": EVIL_URL})
    before = single.get("/api/history").json()
    for method, path in [
        ("GET", "/api/csrf"), ("GET", "/api/history"), ("GET", "/"),
        ("POST", "/api/log"), ("DELETE", "/api/jobs/0123456789abcdef"),
    ]:  # fmt: skip
        r = evil.request(method, path, json={"load": "40kg", "reps": 5})
        assert r.status_code == 400, (method, path)
        assert r.json()["code"] == "bad_host"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "csrf_token" not in r.text
    assert single.get("/api/history").json() == before


def test_allowed_hosts_loopback_own_addresses_and_extra_names() -> None:
    """Loopback names always; this machine's name only when bound beyond loopback; an
    --allowed-host name (or *.domain) when given; a stranger's name never."""
    loopback = allowed_hosts("127.0.0.1")
    assert host_allowed("localhost:8000", loopback)
    assert host_allowed("127.0.0.1", loopback)
    assert host_allowed("[::1]:8000", loopback)
    assert not host_allowed(f"{socket.gethostname()}.evil.example", loopback)
    assert not host_allowed(None, loopback)
    network = allowed_hosts("0.0.0.0", extra=("*.lan",))
    assert host_allowed(f"{socket.gethostname()}:8000", network)
    assert host_allowed("coach-laptop.lan", network)
    assert not host_allowed("rebind.evil.example", network)


def test_allowed_host_option_lets_that_name_in(tmp_path: Path) -> None:
    """``--allowed-host coach.lan`` (WebOptions.allowed_hosts) serves that name."""
    app = create_app(Settings(data_dir=tmp_path), WebOptions(allowed_hosts=("coach.lan",)))
    assert TestClient(app, base_url="http://coach.lan:8000").get("/api/health").status_code == 200
    assert TestClient(app, base_url=EVIL_URL).get("/api/health").status_code == 400


def test_websocket_with_a_foreign_host_is_closed_before_accept() -> None:
    """A WebSocket to a rebinding name is closed (1008) before the app sees it."""
    opened: list[str] = []

    async def echo(ws: WebSocket) -> None:
        opened.append(ws.headers["host"])
        await ws.accept()
        await ws.send_text("hi")
        await ws.close()

    app = HostCheckMiddleware(
        Starlette(routes=[WebSocketRoute("/ws", echo)]), allowed=allowed_hosts("127.0.0.1")
    )
    with TestClient(app).websocket_connect("ws://127.0.0.1:8000/ws") as ws:  # type: ignore[arg-type]
        assert ws.receive_text() == "hi"
    evil = TestClient(app).websocket_connect("ws://rebind.evil.example:8000/ws")  # type: ignore[arg-type]
    with pytest.raises(WebSocketDisconnect) as refused, evil as ws:
        ws.receive_text()
    assert refused.value.code == 1008
    assert opened == ["127.0.0.1:8000"]


# -- login throttling ------------------------------------------------------------------------


def _multi_app(folder: Path, *, backoff_s: float, max_s: float) -> Any:
    db = WebDB(folder / "web" / "web.db")
    add_user(db, "anna", PASSWORD, is_admin=True)
    options = WebOptions(
        multi_user=True, worker_kind="thread", login_backoff_base_s=backoff_s,
        login_backoff_max_s=max_s,
    )  # fmt: skip
    return create_app(Settings(data_dir=folder), options)


@pytest.fixture
def multi(tmp_path: Path) -> Any:
    """Multi-user mode with a short back-off (0.3 s, at most 0.6 s) to watch it end."""
    return _multi_app(tmp_path, backoff_s=0.3, max_s=0.6)


@pytest.fixture
def slow_multi(tmp_path: Path) -> Any:
    """Multi-user mode whose back-off outlasts a burst of requests on a busy machine."""
    return _multi_app(tmp_path, backoff_s=60.0, max_s=60.0)


def _login(app: Any, name: str, password: str, client: str) -> int:
    c = TestClient(app, base_url=BASE_URL, client=(client, 50000))
    r = c.post("/api/login", json={"name": name, "password": password},
               headers={"X-CSRF-Token": _token(c)})  # fmt: skip
    return r.status_code


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts the password checks (and the most that ran at once)."""
    real = _routes_api.verify_password
    seen = {"checks": 0, "running": 0, "most": 0}
    lock = threading.Lock()

    def counting(password_hash: str, password: str) -> bool:
        with lock:
            seen["checks"] += 1
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
        try:
            return real(password_hash, password)
        finally:
            with lock:
                seen["running"] -= 1

    monkeypatch.setattr(_routes_api, "verify_password", counting)
    return seen


def test_parallel_wrong_logins_get_exactly_the_free_checks(
    slow_multi: Any, checks: dict[str, int]
) -> None:
    """60 wrong logins for one account sent at once: 5 password checks, 55 refusals (429),
    never more than 2 Argon2 checks at the same time."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(
            pool.map(lambda _: _login(slow_multi, "anna", "wrong guess!", "10.2.0.1"), range(60))
        )
    assert codes.count(401) == 5
    assert codes.count(429) == 55
    assert checks["checks"] == 5
    assert checks["most"] <= WebOptions().max_password_checks


def test_unknown_names_are_throttled_by_client(slow_multi: Any, checks: dict[str, int]) -> None:
    """240 made-up names from one client: at most the client's 20 free failures are
    checked (a login that found every check busy gets 503 and is not counted)."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(
            pool.map(
                lambda n: _login(slow_multi, f"ghost{n}", "guess guess", "10.2.0.2"), range(240)
            )
        )
    shared = WebOptions().login_shared_free_failures
    assert set(codes) <= {401, 429, 503}
    assert checks["checks"] == codes.count(401)
    assert shared - codes.count(503) <= codes.count(401) <= shared
    assert checks["most"] <= WebOptions().max_password_checks


def test_guesses_back_off_but_never_lock_the_owner_out(multi: Any) -> None:
    """Five wrong guesses from the attacker do not stop the owner on their own machine;
    even guesses from 30 machines only make the owner wait the back-off, then log in.
    (The throttle runs on a test clock, so a slow machine cannot let a back-off lapse.)"""
    now = [0.0]
    st = multi.state.ext
    st.throttle._clock = lambda: now[0]
    for _ in range(5):
        assert _login(multi, "anna", "wrong guess!", "10.3.0.1") == 401
    assert _login(multi, "anna", PASSWORD, "10.3.0.1") == 429
    assert _login(multi, "anna", PASSWORD, "10.3.0.99") == 200
    codes = [_login(multi, "anna", "wrong guess!", f"10.4.0.{n}") for n in range(30)]
    assert 429 in codes  # the account as a whole backs off
    refused = TestClient(multi, base_url=BASE_URL, client=("10.3.0.99", 50000))
    r = refused.post("/api/login", json={"name": "anna", "password": PASSWORD},
                     headers={"X-CSRF-Token": _token(refused)})  # fmt: skip
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) == 1  # the 0.6 s cap, rounded up
    now[0] += 0.7
    assert _login(multi, "anna", PASSWORD, "10.3.0.99") == 200


# -- bodies checked before they are read --------------------------------------------------------


def _raw_request(port: int, head: str) -> tuple[int, float]:
    """Send only the request head (no body); the status line and seconds to get it."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1"))
        reply = sock.recv(4096).decode("latin-1")
    return int(reply.split()[1]), time.monotonic() - started


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("live"), options={"worker_kind": "thread"}) as s:
        yield s


def _cookie_and_token(server: LocalServer) -> tuple[str, str]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /api/csrf HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    text = reply.decode()
    sid = text.split("extensor_sid=", 1)[1].split(";", 1)[0]
    token = text.rsplit('"csrf_token":"', 1)[1].split('"', 1)[0]
    return sid, token


@pytest.mark.parametrize("path", ["/api/log", "/api/login", "/api/profile"])
def test_huge_declared_body_is_refused_before_it_is_sent(live: LocalServer, path: str) -> None:
    """400 MB announced: 403 without a token, 413 with one, answered before a body byte."""
    sid, token = _cookie_and_token(live)
    method = "PUT" if path == "/api/profile" else "POST"
    base = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
        f"Cookie: extensor_sid={sid}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {400 * 1024 * 1024}\r\n"
    )
    status, seconds = _raw_request(live.port, base + "\r\n")
    assert status == 403
    status, seconds = _raw_request(live.port, base + f"X-CSRF-Token: {token}\r\n\r\n")
    assert status == 413
    assert seconds < 5


def test_rebinding_host_on_a_real_server(live: LocalServer) -> None:
    """The Host check holds on a real Uvicorn server too."""
    status, _ = _raw_request(
        live.port, "GET /api/csrf HTTP/1.1\r\nHost: rebind.evil.example\r\n\r\n"
    )
    assert status == 400


def test_chunked_body_is_stopped_at_the_limit(live: LocalServer) -> None:
    """A body without a length is counted as it arrives: past the limit the server
    answers 413 while the client is still sending (the last chunk never goes out)."""
    sid, token = _cookie_and_token(live)
    chunk = b" " * 16384
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST /api/log HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
                f"Cookie: extensor_sid={sid}\r\nX-CSRF-Token: {token}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            ).encode()
        )
        for _ in range(WebOptions().max_body_bytes // len(chunk) + 2):
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        reply = b""
        while b"too_large" not in reply and (chunk := sock.recv(4096)):
            reply += chunk  # the head and the body may come in separate packets
    assert reply.split()[1] == b"413"
    assert b'"too_large"' in reply


# -- uploads ---------------------------------------------------------------------------------


def _multipart(content: bytes, *, close: bool) -> tuple[bytes, str]:
    boundary = "extensorTestBoundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="set.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode() + content
    if close:
        body += f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _job_dirs(c: TestClient) -> set[str]:
    folder: Path = c.app.state.ext.jobs_dir  # type: ignore[attr-defined]
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_upload_without_its_final_boundary_is_refused(single: TestClient, tmp_path: Path) -> None:
    """A body cut at a line end with no closing boundary is a 400 and leaves nothing; the
    same body with its boundary is accepted."""
    content = _keypoint_bytes(tmp_path)
    cut = content[: content.rindex(b"\n", 0, len(content) // 2) + 1]
    before = _job_dirs(single)
    body, ctype = _multipart(cut, close=False)
    r = single.post("/api/jobs", content=body,
                    headers={"X-CSRF-Token": _token(single), "Content-Type": ctype})  # fmt: skip
    assert r.status_code == 400
    assert "closing boundary" in r.json()["detail"]
    assert _job_dirs(single) == before
    body, ctype = _multipart(content, close=True)
    r = single.post("/api/jobs", content=body,
                    headers={"X-CSRF-Token": _token(single), "Content-Type": ctype})  # fmt: skip
    assert r.status_code == 202


def _phyphox_csv(rows: int) -> bytes:
    lines = [
        '"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)"'
    ]
    lines += [f"{n / 100:.2f},{(n * 7919) % 1000 / 997:.6f},{(n * 104729) % 1000 / 991:.6f},9.81"
              for n in range(rows)]  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _patch_zip(data: bytes, *, flags: int | None = None, method: int | None = None) -> bytes:
    """Set the flag bits or compression method of every member, in both headers."""
    out = bytearray(data)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := out.find(sig, start)) >= 0:
            if flags is not None:
                struct.pack_into("<H", out, at + flag_at, flags)
            if method is not None:
                struct.pack_into("<H", out, at + flag_at + 2, method)
            start = at + 4
    return bytes(out)


def _upload(c: TestClient, content: bytes, name: str) -> Any:
    return c.post("/api/jobs", files={"file": (name, content)},
                  headers={"X-CSRF-Token": _token(c)})  # fmt: skip


def test_zip_that_unpacks_past_the_file_limit_is_415(single: TestClient) -> None:
    """A zip under the ratio limit whose members unpack past the file limit is refused
    before any member is inflated."""
    data = _zip({"Accelerometer.csv": _phyphox_csv(60_000)})
    assert len(data) < MAX_FILE_MB * 1024 * 1024
    r = _upload(single, data, "bomb.zip")
    assert r.status_code == 415
    assert "too much" in r.json()["detail"]


@pytest.mark.parametrize(
    ("patch", "words"),
    [({"flags": 0x1}, "encrypted"), ({"method": 99}, "compression method 99")],
)
def test_encrypted_or_oddly_compressed_zip_is_a_clear_415(
    single: TestClient, patch: dict[str, int], words: str
) -> None:
    """Not a 500: a 415 that says why, with the app's security headers."""
    data = _patch_zip(_zip({"Accelerometer.csv": _phyphox_csv(200)}), **patch)
    r = _upload(single, data, "set.zip")
    assert r.status_code == 415
    assert words in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src" in r.headers["content-security-policy"]


def test_zip_member_is_inflated_with_a_cap(tmp_path: Path) -> None:
    """The bounded member reader stops at its cap and names the member; the phyphox
    reader turns an encrypted zip into an InputFormatError, not a RuntimeError."""
    data = _zip({"Accelerometer.csv": _phyphox_csv(5000)})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        where = "x.zip/Accelerometer.csv"
        with pytest.raises(
            InputFormatError, match=r"x\.zip/Accelerometer\.csv.*at most 1,000 bytes"
        ):
            read_zip_member(archive, "Accelerometer.csv", max_bytes=1000, source=where)
        data_out = read_zip_member(archive, "Accelerometer.csv", max_bytes=1_000_000, source=where)
        assert data_out == _phyphox_csv(5000)
    locked = tmp_path / "locked.zip"
    locked.write_bytes(_patch_zip(data, flags=0x1))
    with pytest.raises(InputFormatError, match="encrypted"):
        read_recording(locked, input_type="imu")


# -- file modes ------------------------------------------------------------------------------


def test_private_files_are_created_0600_and_old_ones_tightened(tmp_path: Path) -> None:
    """web.db, the secret, each lifter's log and the reports are 0600, folders 0700;
    files an older version left 0644 are tightened at start-up."""
    web = tmp_path / "web"
    (web / "jobs" / "old").mkdir(parents=True, mode=0o755)
    old_report = web / "jobs" / "old" / "report.html"
    old_report.write_text("<p>old</p>")
    old_report.chmod(0o644)
    app = create_app(Settings(data_dir=tmp_path), WebOptions(multi_user=True, worker_kind="thread"))
    st = app.state.ext
    assert _mode(web) == 0o700
    assert _mode(web / "web.db") == 0o600
    assert _mode(web / "secret.key") == 0o600
    assert _mode(old_report) == 0o600
    assert _mode(old_report.parent) == 0o700
    st.store(Identity(7, "lifter"))
    lifter_db = web / "lifters" / "7" / "extensor.db"
    assert _mode(lifter_db) == 0o600
    assert _mode(lifter_db.parent) == 0o700
    st.close_stores()


def test_reports_of_a_job_are_private(single: TestClient, tmp_path: Path) -> None:
    """A finished job's folder is 0700 and its report and JSON 0600."""
    r = _upload(single, _keypoint_bytes(tmp_path), "set.csv")
    assert r.status_code == 202
    job_id = r.json()["id"]
    deadline = time.monotonic() + 60
    while single.get(f"/api/jobs/{job_id}").json()["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    folder: Path = single.app.state.ext.jobs_dir / job_id  # type: ignore[attr-defined]
    assert _mode(folder) == 0o700
    files = list(folder.iterdir())
    assert files
    assert {_mode(p) for p in files} == {0o600}


# -- orphaned workers ------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")
def test_workers_exit_when_the_server_is_killed(tmp_path: Path) -> None:
    """kill -9 of the server: its analysis worker processes are gone within seconds."""
    import urllib.request

    with LocalServer(tmp_path / "data") as server:
        assert server.pid is not None
        content = _keypoint_bytes(tmp_path)
        body, ctype = _multipart(content, close=True)
        sid, token = _cookie_and_token(server)
        req = urllib.request.Request(
            f"{server.url}/api/jobs", data=body, method="POST",
            headers={"Content-Type": ctype, "X-CSRF-Token": token,
                     "Cookie": f"extensor_sid={sid}"},
        )  # fmt: skip
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert resp.status == 202
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while time.monotonic() < deadline and not workers:
            workers = [
                pid for pid in _descendants(server.pid)
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]  # fmt: skip
            time.sleep(0.2)
        assert workers, "the server started no worker process"
        os.kill(server.pid, signal.SIGKILL)
        killed = time.monotonic()
        while time.monotonic() - killed < ORPHAN_EXIT_S and any(_alive(p) for p in workers):
            time.sleep(0.1)
        left = [p for p in workers if _alive(p)]
        for pid in left:  # do not leave them behind should the test fail
            os.kill(pid, signal.SIGKILL)
        assert left == [], f"workers still alive {ORPHAN_EXIT_S} s after the kill"


def test_serve_allowed_host_option_reaches_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``extensor serve --host 0.0.0.0 --allowed-host coach.lan`` builds an app that
    answers coach.lan and this machine's name, and still refuses a rebinding name (400,
    before anything else). On the network every device must also be paired: the test
    client (not loopback) pairs with the token ``serve`` printed."""
    import uvicorn
    from typer.testing import CliRunner

    from extensor.cli._app import app as cli

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda web_app, **_: served.append(web_app))
    r = CliRunner().invoke(
        cli,
        ["serve", "--host", "0.0.0.0", "--allowed-host", "coach.lan", "--data-dir", str(tmp_path)],
    )
    assert r.exit_code == 0, r.output
    (web_app,) = served
    assert web_app.state.ext.options.allowed_hosts == ("coach.lan",)
    assert web_app.state.ext.options.require_pairing
    token = re.search(r"/pair\?token=([\w-]+)", r.output)
    assert token is not None, r.output
    for url, status in [
        ("http://coach.lan:8000", 200),
        (f"http://{socket.gethostname()}:8000", 200),
        (EVIL_URL, 400),
    ]:
        client = TestClient(web_app, base_url=url)
        if status == 200:  # an unpaired device gets 403; pairing spends a token
            assert client.get("/api/health").status_code == 403, url
            fresh = (
                web_app.state.ext.pairing.new_token()
                if url != "http://coach.lan:8000"
                else token.group(1)
            )
            assert client.get(f"/pair?token={fresh}", follow_redirects=False).status_code == 303
        assert client.get("/api/health").status_code == status, url
