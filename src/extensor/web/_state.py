"""What one web app holds (:class:`AppState`, on ``app.state.ext``) and the request
helpers every route uses: the state, the identity, the session id and page rendering.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import HTTPConnection

from extensor._config import Settings
from extensor._version import __version__
from extensor.knowledge import Exercise
from extensor.web._db import LOCAL_USER_ID, WebDB
from extensor.web._jobs import JobManager, JobSpec, read_job_options
from extensor.web._options import WebOptions
from extensor.web._pairing import Pairing
from extensor.web._security import (
    SESSION_COOKIE,
    Identity,
    csrf_token,
    hash_token,
)
from extensor.web._throttle import LoginThrottle

__all__ = [
    "WEB_DIR_NAME",
    "AppState",
    "NotLoggedInError",
    "get_state",
    "identity_of",
    "optional_identity",
    "render",
    "sid_of",
    "templates",
]

logger = logging.getLogger("extensor.web")

#: Folder of the web app inside the data directory.
WEB_DIR_NAME = "web"


class NotLoggedInError(Exception):
    """Multi-user mode and no valid login: pages redirect to /login, the API says 401."""


@dataclass
class AppState:
    """Everything one app instance holds; reached through ``request.app.state.ext``."""

    settings: Settings
    options: WebOptions
    exercise: Exercise
    db: WebDB
    jobs: JobManager
    secret: bytes
    web_dir: Path
    templates: Environment
    throttle: LoginThrottle
    pairing: Pairing = field(default_factory=Pairing)
    _stores: dict[int, Any] = field(default_factory=dict)
    _stores_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def jobs_dir(self) -> Path:
        return self.web_dir / "jobs"

    def store_url(self, identity: Identity) -> str:
        """The training log of this lifter: the CLI's log in single-user mode, one SQLite
        file per account under ``<data_dir>/web/lifters/<id>/`` in multi-user mode."""
        from extensor.store import DEFAULT_DB_NAME, resolve_db_url

        if not self.options.multi_user:
            return resolve_db_url(self.settings)
        path = self.web_dir / "lifters" / str(int(identity.user_id)) / DEFAULT_DB_NAME
        return resolve_db_url(db=path)

    def store(self, identity: Identity) -> Any:
        """An open :class:`extensor.store.Store` for the lifter (kept open for reuse)."""
        from extensor.store import Store

        key = identity.user_id
        with self._stores_lock:
            found = self._stores.get(key)
            if found is None:
                found = self._stores[key] = Store(self.store_url(identity))
            return found

    def close_stores(self) -> None:
        with self._stores_lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()

    def job_spec(self, job: dict[str, Any]) -> JobSpec:
        """The worker's instructions for a job row."""
        owner = Identity(int(job["owner"]), "")
        job_dir = self.jobs_dir / str(job["id"])
        log = job.get("log")
        return JobSpec(
            job_id=str(job["id"]),
            db_path=str(self.db.path),
            job_dir=str(job_dir),
            input_path=str(job_dir / str(job["input_file"] or "")),
            input_type=str(job["input_type"]),
            display_name=str(job["display_name"]),
            exercise=self.settings.exercise,
            goal=str(job["goal"]),
            variant=str(job["variant"]),
            keep_upload=self.options.keep_uploads,
            store_url=self.store_url(owner) if log is not None else None,
            log=log,
            **read_job_options(job_dir),
        )


def get_state(request: HTTPConnection) -> AppState:
    state: AppState = request.app.state.ext
    return state


def identity_of(request: HTTPConnection) -> Identity:
    """Who sent the request (a page, an API call or a WebSocket); raises :class:`NotLoggedInError` in multi-user mode without a login."""
    st = get_state(request)
    if not st.options.multi_user:
        return Identity(LOCAL_USER_ID, "you", is_admin=True)
    sid = request.scope.get("state", {}).get("sid") or request.cookies.get(SESSION_COOKIE)
    if not sid:
        raise NotLoggedInError
    user = st.db.session_user(hash_token(sid))
    if user is None:
        raise NotLoggedInError
    return Identity(int(user["id"]), str(user["name"]), bool(user["is_admin"]))


def optional_identity(request: Request) -> Identity | None:
    try:
        return identity_of(request)
    except NotLoggedInError:
        return None


def sid_of(request: Request) -> str:
    return str(request.scope.get("state", {}).get("sid", ""))


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    identity: Identity | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a page template (autoescaped) with what every page needs."""
    st = get_state(request)
    page = st.templates.get_template(template).render(
        request=request,
        csrf=csrf_token(st.secret, sid_of(request)),
        me=identity if identity is not None else optional_identity(request),
        multi_user=st.options.multi_user,
        version=__version__,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(page, status_code=status_code)


def _sentence(text: object) -> str:
    """A message as a sentence: capital first letter, final full stop."""
    value = str(text).strip()
    if not value:
        return value
    value = value[0].upper() + value[1:]
    return value if value[-1] in ".!?" else value + "."


def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("extensor.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "-" if v is None else f"{float(v) * 100:.0f}%"
    env.filters["num"] = lambda v, spec=".1f": "-" if v is None else format(float(v), spec)
    env.filters["label"] = lambda v: str(v).replace("_", " ")
    env.filters["sentence"] = _sentence
    env.filters["when"] = lambda v: (
        "-" if v is None else datetime.fromtimestamp(float(v)).strftime("%Y-%m-%d %H:%M")
    )
    return env
