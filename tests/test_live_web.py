"""The live page's rules: pairing of other devices, the socket's Origin and CSRF checks,
and the certificate of ``serve --https``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")

from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from extensor._config import Settings
from extensor.web import WebOptions, create_app, ensure_certificate

#: The Host check accepts the loopback names only (TestClient's "testserver" is refused).
BASE = "http://127.0.0.1:8000"
#: TestClient's sockets do not take the base URL's host: name it.
WS_HOST = {"host": "127.0.0.1:8000"}


@pytest.fixture
def paired_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An app that requires pairing; TestClient's client is not loopback, like a phone.
    (One app per test: an app's job queue lives in the event loop of its first client.)"""
    return create_app(Settings(data_dir=tmp_path), WebOptions(require_pairing=True))


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), WebOptions())
    with TestClient(app, base_url=BASE) as c:
        yield c


def test_an_unpaired_device_reaches_nothing(paired_app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(paired_app, base_url=BASE) as phone:
        for path in ("/live", "/api/history", "/"):
            resp = phone.get(path, follow_redirects=False)
            assert resp.status_code == 403, path
            assert "not paired" in resp.text
        with (
            pytest.raises(WebSocketDisconnect) as err,
            phone.websocket_connect("/api/live/ws", headers=WS_HOST),
        ):
            pass
        assert err.value.code == 1008


def test_a_token_pairs_one_device_once(paired_app) -> None:  # type: ignore[no-untyped-def]
    token = paired_app.state.ext.pairing.new_token()
    with TestClient(paired_app, base_url=BASE) as phone:
        other = TestClient(
            paired_app, base_url=BASE
        )  # a second device: its own cookies, the same app
        assert phone.get("/pair?token=wrong", follow_redirects=False).status_code == 403
        resp = phone.get(f"/pair?token={token}", follow_redirects=False)
        assert resp.status_code == 303
        assert resp.headers["location"] == "/live"
        assert "HttpOnly" in resp.headers["set-cookie"]
        assert phone.get("/live").status_code == 200
        # the token is spent: a second device gets nothing with it
        assert other.get(f"/pair?token={token}", follow_redirects=False).status_code == 403
        assert other.get("/live").status_code == 403


def test_the_live_page_may_use_the_camera(local: TestClient) -> None:
    resp = local.get("/live")
    assert resp.status_code == 200
    assert resp.headers["permissions-policy"].startswith("camera=(self)")
    assert "getUserMedia" not in resp.text  # the code is in /static/live.js, under the CSP
    assert local.get("/").headers["permissions-policy"].startswith("camera=()")


def test_the_socket_refuses_another_site(local: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as err,
        local.websocket_connect(
            "/api/live/ws", headers={**WS_HOST, "origin": "http://evil.example"}
        ),
    ):
        pass
    assert err.value.code == 1008


def test_the_socket_needs_the_pages_csrf_token(local: TestClient) -> None:
    with local.websocket_connect("/api/live/ws", headers=WS_HOST) as ws:
        ws.send_json({"type": "start", "csrf": "forged", "goal": "hypertrophy"})
        msg = ws.receive_json()
    assert msg == {"type": "error", "message": "missing or invalid CSRF token: reload the page"}


def test_the_socket_names_an_unknown_goal(local: TestClient) -> None:
    page = local.get("/live").text
    csrf = re.search(r'data-csrf="([^"]+)"', page)
    assert csrf is not None
    cookie = {"cookie": f"extensor_sid={local.cookies['extensor_sid']}"}
    with local.websocket_connect("/api/live/ws", headers={**WS_HOST, **cookie}) as ws:
        ws.send_json({"type": "start", "csrf": csrf.group(1), "goal": "flying"})
        msg = ws.receive_json()
    assert msg["type"] == "error"
    assert "flying" in msg["message"]


def test_the_certificate_covers_the_addresses_and_is_private(tmp_path: Path) -> None:
    from cryptography import x509

    cert = ensure_certificate(tmp_path / "tls", ["192.0.2.7", "localhost"])
    parsed = x509.load_pem_x509_certificate(cert.cert_path.read_bytes())
    san = parsed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(a) for a in san.get_values_for_type(x509.IPAddress)} == {"192.0.2.7"}
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert cert.key_path.stat().st_mode & 0o777 == 0o600
    # a new address makes a new certificate; the same ones reuse it
    assert ensure_certificate(tmp_path / "tls", ["192.0.2.7"]).fingerprint == cert.fingerprint
    assert ensure_certificate(tmp_path / "tls", ["198.51.100.9"]).fingerprint != cert.fingerprint
