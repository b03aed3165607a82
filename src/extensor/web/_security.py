"""Passwords, logins, CSRF tokens and the security headers of every response.

* Passwords are hashed with Argon2id (``argon2-cffi``'s defaults); only the hash is kept.
* Every browser gets a random ``extensor_sid`` cookie (HttpOnly, SameSite=Lax). In
  multi-user mode a login replaces it with a fresh login token whose SHA-256 is stored
  in the sessions table, so a stolen database holds no usable token.
* CSRF: the token is an HMAC of that cookie under a secret kept in the data directory
  (a *signed double-submit* token). Every state-changing request must send it, as the
  form field ``csrf_token`` (before any file in a multipart form) or the header
  ``X-CSRF-Token``; a cross-site page cannot read the cookie, so it cannot make the
  token. A request whose ``Origin`` is another site is refused as well.
* :class:`SecurityHeadersMiddleware` adds CSP, ``X-Content-Type-Options``,
  ``Referrer-Policy``, ``X-Frame-Options`` and ``Cross-Origin-Opener-Policy`` to every
  response that does not set its own (the report files set a stricter CSP).

>>> secret = b"k" * 32
>>> token = csrf_token(secret, "abc")
>>> csrf_valid(secret, "abc", token), csrf_valid(secret, "abd", token)
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PAGE_CSP",
    "REPORT_CSP",
    "SESSION_COOKIE",
    "ASGIApp",
    "Identity",
    "Message",
    "Receive",
    "Scope",
    "SecurityHeadersMiddleware",
    "Send",
    "csrf_token",
    "csrf_valid",
    "hash_password",
    "hash_token",
    "load_secret",
    "new_token",
    "origin_allowed",
    "verify_password",
]

#: Cookie holding the browser's id (anonymous) or its login token (multi-user mode).
SESSION_COOKIE = "extensor_sid"
#: Form field and header that carry the CSRF token.
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: The app's own pages: scripts, styles and images from this server only; no frames.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The reports and the guide files next to them: their own inline CSS and data: images,
#: no script at all, no request anywhere, and a sandbox (an opaque origin, so even a
#: report gone wrong could not read the app's cookies or call its API).
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'; sandbox allow-popups"
)
#: Minimum password length: with Argon2 and a login throttle, 10 characters is well
#: beyond online guessing.
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
_SECRET_FILE_MODE = 0o600


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is asking: a lifter's account, or the single local lifter (id 0)."""

    user_id: int
    name: str
    is_admin: bool = False


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted, with its parameters in the string)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; never raises for a wrong or malformed hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def new_token() -> str:
    """A random token for a cookie (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the sessions table keeps of a login token."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_secret(path: Path) -> bytes:
    """The app's signing secret, created (readable by the owner only) on first use.

    Kept on disk so CSRF tokens in open pages stay valid across a server restart.
    """
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    data = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _SECRET_FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return data


def csrf_token(secret: bytes, sid: str) -> str:
    """The CSRF token of the browser whose ``extensor_sid`` cookie is ``sid``."""
    digest = hmac.new(secret, b"csrf:" + sid.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def csrf_valid(secret: bytes, sid: str | None, token: str | None) -> bool:
    """Whether ``token`` was made for ``sid`` (constant-time comparison)."""
    if not sid or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, sid), token)


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """A request without ``Origin`` (same-origin GET, curl) or from this very host passes."""
    if origin is None:
        return True
    if origin == "null" or host is None:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_BASE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: the browser-id cookie and the security headers.

    It reads ``extensor_sid`` (or makes a new one and sets it on the response) and puts
    it in ``scope["state"]["sid"]`` for the CSRF helpers. Headers a response already has
    (a report's own CSP, for example) are left alone.
    """

    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sid = _cookie(scope, SESSION_COOKIE)
        new_sid = None
        if not sid or len(sid) > 128:
            sid = new_sid = new_token()
        scope.setdefault("state", {})["sid"] = sid

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in _BASE_HEADERS:
                    if key not in present:
                        headers.append((key, value))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                state = scope.get("state", {})
                replaced = state.get("set_sid")
                if replaced is not None:
                    headers.append((b"set-cookie", _sid_cookie(replaced, self.secure).encode()))
                elif new_sid is not None:
                    headers.append((b"set-cookie", _sid_cookie(new_sid, self.secure).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:  # a malformed cookie header is ignored
                continue
            if name in jar:
                return jar[name].value
    return None


def _sid_cookie(value: str, secure: bool) -> str:
    parts = [f"{SESSION_COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
