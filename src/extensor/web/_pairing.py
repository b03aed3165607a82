"""Pairing a phone with the coach: a one-time token in a QR code, then a device cookie.

When the server listens on the network (``extensor serve --https --host 0.0.0.0``), every
request from another machine needs a paired device. The terminal prints the address with a
one-time token (``/pair?token=...``) and its QR code; opening it once sets an HttpOnly
device cookie and spends the token, so nobody else on the network can open the coach
(or the API, or the live socket). Requests from this computer (loopback) need no pairing.

>>> p = Pairing()
>>> token = p.new_token()
>>> device = p.pair(token)
>>> p.pair(token) is None, p.is_paired(device), p.is_paired("guess")
(True, True, False)
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

__all__ = ["DEVICE_COOKIE", "Pairing", "PairingMiddleware", "is_loopback_client"]

#: The paired device's cookie.
DEVICE_COOKIE = "extensor_device"
#: Device cookies last a month: a phone propped beside the machine every week stays paired.
DEVICE_COOKIE_DAYS = 30

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def is_loopback_client(scope: Scope) -> bool:
    client = scope.get("client")
    if not client:
        return False
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False


class Pairing:
    """One-time pairing tokens and the devices they paired (kept in memory)."""

    def __init__(self) -> None:
        self._tokens: set[str] = set()
        self._devices: set[str] = set()
        self._lock = threading.Lock()

    def new_token(self) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._tokens.add(_hash(token))
        return token

    def pair(self, token: str) -> str | None:
        """Spend ``token``; the new device id, or None when the token is unknown or spent."""
        with self._lock:
            if _hash(token) not in self._tokens:
                return None
            self._tokens.discard(_hash(token))
            device = secrets.token_urlsafe(24)
            self._devices.add(_hash(device))
            return device

    def is_paired(self, device: str | None) -> bool:
        if not device:
            return False
        with self._lock:
            return _hash(device) in self._devices


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue
            if name in jar:
                return jar[name].value
    return None


class PairingMiddleware:
    """Refuses requests and sockets from other machines unless their device is paired."""

    def __init__(self, app: ASGIApp, *, pairing: Pairing, secure: bool = True) -> None:
        self.app = app
        self.pairing = pairing
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or is_loopback_client(scope):
            await self.app(scope, receive, send)
            return
        if self.pairing.is_paired(_cookie(scope, DEVICE_COOKIE)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http" and scope.get("path") == "/pair":
            token = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
            device = self.pairing.pair(token)
            if device is not None:
                await _redirect(send, "/live", _device_cookie(device, self.secure))
                return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "device not paired"})
            return
        await _refuse(send)


def _device_cookie(device: str, secure: bool) -> str:
    parts = [f"{DEVICE_COOKIE}={device}", "Path=/", "HttpOnly", "SameSite=Strict",
             f"Max-Age={DEVICE_COOKIE_DAYS * 86400}"]  # fmt: skip
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


async def _redirect(send: Any, location: str, cookie: str) -> None:
    await send({"type": "http.response.start", "status": 303, "headers": [
        (b"location", location.encode()), (b"set-cookie", cookie.encode()),
        (b"cache-control", b"no-store"), (b"content-length", b"0")]})  # fmt: skip
    await send({"type": "http.response.body", "body": b""})


_REFUSED = (
    b"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Not paired</title>"
    b"<body><h1>This device is not paired</h1><p>Scan the QR code that <code>extensor "
    b"serve</code> printed in its terminal (each code pairs one device, once).</p></body></html>"
)


async def _refuse(send: Any) -> None:
    await send({"type": "http.response.start", "status": 403, "headers": [
        (b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
        (b"content-security-policy", b"default-src 'none'"),
        (b"content-length", str(len(_REFUSED)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": _REFUSED})
