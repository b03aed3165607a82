"""An exact OpenAPI description: one error shape, every status code, the real choices.

API clients generate code from ``/api/openapi.json``, so it must say what the server
does. :func:`exact_openapi` takes FastAPI's description and

* declares the choices of ``goal``, ``variant``, ``level``, ``section`` and ``unit``
  as enumerations, read from the exercise's knowledge base when the app is made;
* replaces FastAPI's validation-error list with the app's one error shape,
  :data:`ERROR_SCHEMA` (``detail``, ``code``, ``errors``), used by every 4xx and 5xx;
* lists, per operation, every error status it can answer (:func:`error_statuses`).

:func:`error_body` builds that shape; :func:`allowed_methods` gives the ``Allow``
header of a 405 from every route of the path, not just the first one that matched.

>>> error_body(404, "no such analysis")
{'detail': 'no such analysis', 'code': 'not_found', 'errors': []}
>>> error_statuses("delete", "/api/jobs/{job_id}", has_body=False, has_params=True)
[400, 401, 403, 404, 409, 422]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import iter_route_contexts

__all__ = [
    "ERROR_CODES",
    "ERROR_SCHEMA",
    "allowed_methods",
    "error_body",
    "error_statuses",
    "exact_openapi",
]

#: The ``code`` of each error status: a stable word for clients to branch on.
ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_logged_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
#: What each error status means, for the description.
_MEANING: dict[int, str] = {
    400: "malformed request, or a Host header this server does not answer to",
    401: "log in first (multi-user mode)",
    403: "missing or invalid CSRF token, a request from another site, or not allowed",
    404: "no such analysis (or not yours)",
    409: "the analysis is not in a state that allows this",
    413: "the request body is too large",
    415: "not a recording extensor can read (judged by content), or not multipart",
    422: "a value is invalid",
    429: "too many failed logins: wait as long as Retry-After says",
    503: "busy (the analysis queue is full, or every password check is running)",
}
#: The one error shape of every error response.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail", "code", "errors"],
    "properties": {
        "detail": {"type": "string", "description": "what went wrong, for a person"},
        "code": {"type": "string", "enum": sorted(set(ERROR_CODES.values()) | {"bad_host", "csrf"})},
        "errors": {
            "type": "array",
            "description": "the invalid values (422), else empty",
            "items": {
                "type": "object",
                "required": ["loc", "msg"],
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"},
                                                                  {"type": "integer"}]}},
                    "msg": {"type": "string"},
                },
            },
        },
    },
}  # fmt: skip
#: Operations open without a login in multi-user mode.
_OPEN = frozenset({("get", "/api/health"), ("get", "/api/csrf"), ("post", "/api/login")})
#: Operations that exist only on a server with accounts (``--multi-user``).
_ACCOUNTS_ONLY = (("post", "/api/login"), ("get", "/api/users"), ("post", "/api/users"))
#: Operations that exist only on a server with accounts (``--multi-user``).
_ACCOUNTS_ONLY = (("post", "/api/login"), ("get", "/api/users"), ("post", "/api/users"))
_UNSAFE = frozenset({"post", "put", "patch", "delete"})


def error_body(
    status: int, detail: str, *, code: str | None = None, errors: Sequence[Any] = ()
) -> dict[str, Any]:
    """The JSON of an error response."""
    return {
        "detail": detail,
        "code": code or ERROR_CODES.get(status, "error"),
        "errors": list(errors),
    }


def error_statuses(method: str, path: str, *, has_body: bool, has_params: bool) -> list[int]:
    """Every error status the operation ``method path`` can answer."""
    codes = {400}
    if (method, path) not in _OPEN or path == "/api/login":  # a wrong password is a 401
        codes.add(401)
    if method in _UNSAFE or path == "/api/users":
        codes.add(403)
    if "{job_id}" in path:
        codes |= {404, 409}
    if has_body:
        codes |= {413, 422}
    if has_params:
        codes.add(422)
    if path == "/api/users" and method == "post":
        codes.add(409)
    if path == "/api/jobs" and method == "post":
        codes |= {413, 415, 422, 503}
    if path == "/api/login":
        codes |= {429, 503}
    if path == "/api/compare":  # a side names a set or a job that is not there
        codes.add(404)
    if path == "/api/log/import":  # the file is judged by its content
        codes |= {413, 415, 422}
    return sorted(codes)


def _enum_schema(schema: Mapping[str, Any], values: Sequence[str]) -> dict[str, Any]:
    """``schema`` (a string, or a string-or-null) restricted to ``values``."""
    enum = {"type": "string", "enum": list(values)}
    if "anyOf" in schema and any(s.get("type") == "null" for s in schema["anyOf"]):
        out: dict[str, Any] = {"anyOf": [enum, {"type": "null"}]}
    else:
        out = dict(enum)
    for key in ("title", "description", "default"):
        if key in schema:
            out[key] = schema[key]
    return out


def exact_openapi(
    app: FastAPI, choices: Mapping[str, Sequence[str]], *, multi_user: bool
) -> dict[str, Any]:
    """The OpenAPI description of ``app`` with enumerations (``choices``: field name ->
    allowed values), the one error shape and every error status declared. A server
    without accounts does not describe the account operations (they only refuse)."""
    spec = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
    if not multi_user:
        for method, path in _ACCOUNTS_ONLY:
            spec["paths"].get(path, {}).pop(method, None)
        spec["paths"] = {p: item for p, item in spec["paths"].items() if item}
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = ERROR_SCHEMA
    for model in schemas.values():
        for name, prop in model.get("properties", {}).items():
            if name in choices and model is not ERROR_SCHEMA:
                model["properties"][name] = _enum_schema(prop, choices[name])
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            params = op.get("parameters", [])
            for param in params:
                if param.get("name") in choices:  # a query value is a string or absent
                    plain = {k: v for k, v in param["schema"].items() if k != "anyOf"}
                    param["schema"] = _enum_schema(plain, choices[param["name"]])
            body = op.get("requestBody", {}).get("content", {})
            for media in body.values():
                props = media.get("schema", {}).get("properties", {})
                for name in props:
                    if name in choices:
                        props[name] = _enum_schema(props[name], choices[name])
            responses = op.setdefault("responses", {})
            for status in error_statuses(
                method, path, has_body=bool(body), has_params=bool(params)
            ):
                responses[str(status)] = {
                    "description": _MEANING.get(status, "error"),
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }  # fmt: skip
    return spec


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of ``path`` accepts (for a 405's ``Allow``), over the
    routes of every included router."""
    methods: set[str] = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        regex = getattr(route, "path_regex", None)
        accepted = getattr(route, "methods", None)
        if regex is not None and accepted and regex.match(path):
            methods |= set(accepted)
    return sorted(methods)
