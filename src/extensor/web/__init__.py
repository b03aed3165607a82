"""The coach in a browser: a local web app and a REST API over the same analysis,
coaching, plans and training log as the command line.

Start it with ``extensor serve`` (loopback only by default); ``docs/web.md`` describes
the pages, the API and the multi-user mode. The app is built by :func:`create_app`,
which keeps every piece of state on ``app.state`` (nothing module-level), so tests and
embedders can run several apps side by side.

Needs the ``web`` extra (FastAPI, Uvicorn, Jinja2, python-multipart, argon2-cffi).
"""

from extensor.web._accounts import AccountError, add_user
from extensor.web._app import create_app
from extensor.web._db import JOB_STATES, WebDB
from extensor.web._options import (
    DEFAULT_HOST,
    DEFAULT_MAX_FILE_MB,
    DEFAULT_MAX_QUEUED_JOBS,
    DEFAULT_MAX_VIDEO_MB,
    DEFAULT_PORT,
    DEFAULT_WORKERS,
    WebOptions,
)
from extensor.web._state import WEB_DIR_NAME
from extensor.web._tls import Certificate, ensure_certificate

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_MAX_FILE_MB",
    "DEFAULT_MAX_QUEUED_JOBS",
    "DEFAULT_MAX_VIDEO_MB",
    "DEFAULT_PORT",
    "DEFAULT_WORKERS",
    "JOB_STATES",
    "WEB_DIR_NAME",
    "AccountError",
    "Certificate",
    "WebDB",
    "WebOptions",
    "add_user",
    "create_app",
    "ensure_certificate",
]
