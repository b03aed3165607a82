"""The ``Host`` check that stops DNS rebinding, for pages, the API and WebSockets.

A page on ``rebind.evil.example`` whose name is made to resolve to 127.0.0.1 talks to
this server as the same origin, so neither the ``Origin`` check nor the CSRF token stops
it; only the ``Host`` header gives it away. :class:`HostCheckMiddleware` accepts only
the names the server is really reached by: the loopback names by default; when bound to
another interface, that machine's own names and addresses; plus ``--allowed-host`` names.

>>> allowed = allowed_hosts("127.0.0.1")
>>> host_allowed("localhost:8000", allowed), host_allowed("[::1]:8000", allowed)
(True, True)
>>> host_allowed("rebind.evil.example:8000", allowed)
False
>>> host_allowed("box.lan", allowed_hosts("127.0.0.1", extra=("*.lan",)))
True
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
from collections.abc import Iterable

from extensor.web._security import ASGIApp, Receive, Scope, Send

__all__ = ["LOOPBACK_NAMES", "HostCheckMiddleware", "allowed_hosts", "host_allowed", "host_name"]

#: Names that always mean this machine (``localhost`` resolves to loopback by RFC 6761).
LOOPBACK_NAMES: frozenset[str] = frozenset({"localhost", "127.0.0.1", "::1"})
#: Addresses that mean "every interface" when the server is bound to them.
_ANY_ADDRESSES = frozenset({"0.0.0.0", "::", ""})
#: A documentation-range address: "connecting" a UDP socket to it sends nothing but
#: tells which local address the machine would use for the network.
_PROBE_ADDRESS = ("192.0.2.1", 9)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _own_addresses(bind_host: str) -> set[str]:
    """This machine's names and addresses (no packet leaves the machine)."""
    found: set[str] = set()
    names = {socket.gethostname(), socket.getfqdn()}
    found.update(n.lower() for n in names if n)
    for name in names:
        with contextlib.suppress(OSError, UnicodeError):
            for info in socket.getaddrinfo(name, None):
                found.add(str(info[4][0]).lower())
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(_PROBE_ADDRESS)
        found.add(probe.getsockname()[0])
    if bind_host not in _ANY_ADDRESSES:
        found.add(bind_host.lower())
    return found


def allowed_hosts(bind_host: str, *, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names accepted for a server bound to ``bind_host``.

    Always the loopback names; for a non-loopback address also this machine's own names
    and addresses; and every name of ``extra`` (``*.lan`` allows every sub-domain).
    """
    names = set(LOOPBACK_NAMES)
    host = bind_host.strip().strip("[]").lower()
    if not _is_loopback(host):
        names |= _own_addresses(host)
    names.update(e.strip().lower().rstrip(".") for e in extra if e.strip())
    return frozenset(names)


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without the port, lowercased.

    >>> host_name("[::1]:8000"), host_name("Example.ORG.:80")
    ('::1', 'example.org')
    """
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request with this ``Host`` header is for this server."""
    if not header:
        return False
    name = host_name(header)
    if name in allowed or _is_loopback(name):
        return True
    return any(p.startswith("*.") and name.endswith(p[1:]) for p in allowed)


class HostCheckMiddleware:
    """Refuse (400) any HTTP request or WebSocket whose ``Host`` is not this server's."""

    def __init__(self, app: ASGIApp, *, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = None
        for key, value in scope.get("headers", []):
            if key == b"host":
                header = value.decode("latin-1")
                break
        if host_allowed(header, self.allowed):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "unknown host"})
            return
        body = json.dumps(
            {
                "detail": f"this server does not answer to the host {header!r}; start it "
                "with --allowed-host NAME to allow another name",
                "code": "bad_host",
                "errors": [],
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
