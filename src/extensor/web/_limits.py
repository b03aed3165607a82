"""Checks made before a request body is read: the CSRF token and the size limit.

FastAPI reads a JSON or form body whole before any dependency runs, so a 400 MB body
sent to ``POST /api/log`` without a token used to land in memory before the refusal.
:class:`BodyGuardMiddleware` stands in front of the app and, for every request that may
carry a body (``POST``, ``PUT``, ``PATCH``, ``DELETE``) outside the upload routes:

* refuses (403) an API call from another site or without a valid ``X-CSRF-Token``
  header, before a byte of the body is read;
* refuses (413) a declared ``Content-Length`` above the limit, before reading;
* counts the bytes of a body sent without a length (chunked) and stops at the limit.

The upload routes stream their multipart body to disk and check the token (header or
the form field before the file) and their own, larger limits as it arrives
(:mod:`extensor.web._uploads`).

>>> limit_error(10, 5).status_code
413
"""

from __future__ import annotations

import json

from fastapi import HTTPException

from extensor.web._security import (
    CSRF_HEADER,
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    csrf_valid,
    origin_allowed,
)

__all__ = [
    "BODY_METHODS",
    "UPLOAD_PATHS",
    "BodyGuardMiddleware",
    "BodyTooLargeError",
    "limit_error",
]

#: Methods whose requests may carry a body.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Routes that stream an upload and check it themselves.
UPLOAD_PATHS = frozenset({"/api/jobs", "/analyse"})
#: Message of a refused token (the same as the routes' own check).
CSRF_MESSAGE = (
    "missing or invalid CSRF token: reload the page, or send the token from "
    "GET /api/csrf in the X-CSRF-Token header"
)


class BodyTooLargeError(HTTPException):
    """A body went past its limit while it was being read (413)."""


def limit_error(size: int, limit: int) -> BodyTooLargeError:
    """The 413 for a body of ``size`` bytes over ``limit``."""
    return BodyTooLargeError(
        413, f"the request body is too large: at most {limit} bytes, got {size} or more"
    )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class BodyGuardMiddleware:
    """Token and size checks before any body is read; see the module docstring."""

    def __init__(self, app: ASGIApp, *, secret: bytes, max_body_bytes: int) -> None:
        self.app = app
        self.secret = secret
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in BODY_METHODS
            or scope["path"] in UPLOAD_PATHS
        ):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/api/"):
            host = _header(scope, b"host")
            if not origin_allowed(_header(scope, b"origin"), host):
                await _refuse(scope, send, 403, "request from another site refused", "csrf")
                return
            sid = scope.get("state", {}).get("sid")
            if not csrf_valid(self.secret, sid, _header(scope, CSRF_HEADER.encode())):
                await _refuse(scope, send, 403, CSRF_MESSAGE, "csrf")
                return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _refuse(scope, send, 400, "Content-Length must be a number", "bad_request")
                return
            if size > self.limit:
                err = limit_error(size, self.limit)
                await _refuse(scope, send, 413, str(err.detail), "too_large")
                return
        seen = 0
        limit = self.limit

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise limit_error(seen, limit)
            return message

        await self.app(scope, counted, send)


async def _refuse(scope: Scope, send: Send, status: int, detail: str, code: str) -> None:
    """Answer without reading the body; the client is told the connection closes."""
    if scope["path"].startswith("/api/"):
        body = json.dumps({"detail": detail, "code": code, "errors": []}).encode()
        ctype = b"application/json"
    else:
        body = detail.encode()
        ctype = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", ctype),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
