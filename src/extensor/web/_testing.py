"""A real server in a child process, for end-to-end tests and the load benchmark.

:class:`LocalServer` starts Uvicorn with :func:`~extensor.web.create_app` on 127.0.0.1
and a free port, waits until ``/api/health`` answers, and stops it (and its analysis
workers) on exit. It can sample the memory of the server and its workers while it runs.
Loopback only: nothing here ever talks to another machine.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["LoadReport", "LocalServer", "free_port", "upload_concurrently"]

#: Seconds the server may take to answer its first health check (imports included).
START_TIMEOUT_S = 60.0
#: Seconds between two memory samples.
SAMPLE_INTERVAL_S = 0.1

_LAUNCH = """
import json, sys
from pathlib import Path
import uvicorn
from extensor._config import Settings
from extensor.web import WebOptions, create_app
data_dir, port, options = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
app = create_app(Settings(data_dir=Path(data_dir)), WebOptions(**options))
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""


def _rss_kb(pid: int, field: str) -> int | None:
    """A memory field of ``/proc/<pid>/status`` in kB (Linux), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (Linux ``/proc``)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    out: list[int] = []
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalServer:
    """``with LocalServer(data_dir) as server: ... server.url ...``"""

    def __init__(
        self,
        data_dir: Path,
        *,
        options: dict[str, Any] | None = None,
        log_path: Path | None = None,
        sample_memory: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.options = options or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or self.data_dir / "server.log"
        self.sample_memory = sample_memory
        self.peak_rss_bytes = 0
        self.peak_server_rss_bytes = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._stop_sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def __enter__(self) -> LocalServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, str(self.data_dir), str(self.port),
             json.dumps(self.options)],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"the server did not answer in {START_TIMEOUT_S} s:\n{self.log()}"
                )
            time.sleep(0.2)
        if self.sample_memory:
            self._sampler = threading.Thread(target=self._sample, daemon=True)
            self._sampler.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def _sample(self) -> None:
        assert self._proc is not None
        root = self._proc.pid
        while not self._stop_sampling.is_set():
            own = _rss_kb(root, "VmRSS")
            if own is None:
                return
            total = own + sum(_rss_kb(pid, "VmRSS") or 0 for pid in _descendants(root))
            self.peak_server_rss_bytes = max(
                self.peak_server_rss_bytes, 1024 * (_rss_kb(root, "VmHWM") or own)
            )
            self.peak_rss_bytes = max(self.peak_rss_bytes, 1024 * total)
            time.sleep(SAMPLE_INTERVAL_S)

    def stop(self) -> None:
        """Stop the server (Ctrl+C, as a user would), then force it if it hangs."""
        self._stop_sampling.set()
        if self._sampler is not None:
            self._sampler.join(timeout=2)
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class LoadReport:
    """What :func:`upload_concurrently` saw: one entry per upload, in upload order."""

    upload_s: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    health_s: list[float] = field(default_factory=list)
    total_s: float = 0.0


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _get_json(opener: urllib.request.OpenerDirector, url: str) -> Any:
    with opener.open(url, timeout=30) as resp:
        return json.loads(resp.read())


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "extensor" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_concurrently(
    url: str,
    content: bytes,
    *,
    count: int,
    name: str = "set.csv",
    fields: dict[str, str] | None = None,
    timeout_s: float = 300.0,
) -> LoadReport:
    """Upload ``content`` ``count`` times at once (one browser per upload), wait for every
    job to finish, and time the server's health check meanwhile. Loopback URLs only."""
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(f"load tests run against this machine only, got {url!r}")
    report = LoadReport()
    start = time.perf_counter()

    def one(_: int) -> tuple[urllib.request.OpenerDirector, float, int, dict[str, Any]]:
        opener = _browser()
        token = _get_json(opener, url + "/api/csrf")["csrf_token"]
        body, ctype = _multipart(fields or {}, name, content)
        req = urllib.request.Request(
            url + "/api/jobs", data=body, method="POST",
            headers={"Content-Type": ctype, "X-CSRF-Token": token},
        )  # fmt: skip
        t0 = time.perf_counter()
        try:
            with opener.open(req, timeout=60) as resp:
                status, job = resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            status, job = err.code, {}
        return opener, time.perf_counter() - t0, status, job

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(one, range(count)))
    report.upload_s = [r[1] for r in results]
    report.statuses = [r[2] for r in results]
    pending = {r[3]["id"]: r[0] for r in results if r[3].get("id")}
    final: dict[str, dict[str, Any]] = {}
    deadline = time.perf_counter() + timeout_s
    health = _browser()
    while pending and time.perf_counter() < deadline:
        t0 = time.perf_counter()
        _get_json(health, url + "/api/health")
        report.health_s.append(time.perf_counter() - t0)
        for job_id, opener in list(pending.items()):
            job = _get_json(opener, f"{url}/api/jobs/{job_id}")
            if job["state"] in ("done", "failed"):
                final[job_id] = job
                del pending[job_id]
        time.sleep(0.2)
    report.total_s = time.perf_counter() - start
    report.jobs = [final.get(r[3].get("id", ""), r[3]) for r in results]
    return report
