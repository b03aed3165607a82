"""The app factory: :func:`create_app` builds one FastAPI app and keeps all its state on
``app.state.ext`` (an :class:`AppState`); nothing per-user lives at module level.

>>> from extensor._config import Settings
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     app = create_app(Settings(data_dir=pathlib.Path(tmp)))
...     sorted(p for p in app.openapi()["paths"] if p.startswith("/api/jobs"))[:2]
['/api/jobs', '/api/jobs/{job_id}']
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from extensor._config import Settings
from extensor._private import private_dir, tighten_tree
from extensor._version import __version__
from extensor.knowledge import Exercise, load_exercise
from extensor.web._db import LOCAL_USER_ID, WebDB
from extensor.web._hosts import HostCheckMiddleware, allowed_hosts
from extensor.web._jobs import JobManager, JobSpec
from extensor.web._limits import BodyGuardMiddleware
from extensor.web._openapi import allowed_methods, error_body, exact_openapi
from extensor.web._options import WebOptions
from extensor.web._pairing import PairingMiddleware
from extensor.web._security import (
    Identity,
    SecurityHeadersMiddleware,
    load_secret,
)
from extensor.web._state import (
    WEB_DIR_NAME,
    AppState,
    NotLoggedInError,
    render,
    templates,
)
from extensor.web._throttle import LoginThrottle

__all__ = ["create_app"]

logger = logging.getLogger("extensor.web")


def create_app(settings: Settings | None = None, options: WebOptions | None = None) -> FastAPI:
    """A new app for ``settings`` (data directory, training log, defaults) and ``options``.

    The app owns a jobs database and a worker pool (started and stopped by its lifespan);
    two apps in one process share nothing.
    """
    settings = settings or Settings()
    options = options or WebOptions()
    web_dir = private_dir(Path(settings.data_dir) / WEB_DIR_NAME)
    tightened = tighten_tree(web_dir)  # what older versions left 0644/0755
    if tightened:
        logger.info("made %d files and folders in %s private (0600/0700)", tightened, web_dir)
    db = WebDB(web_dir / "web.db")
    state = AppState(
        settings=settings,
        options=options,
        exercise=load_exercise(settings.exercise),
        db=db,
        jobs=JobManager(
            db,
            workers=options.workers,
            max_queued=options.max_queued_jobs,
            worker_kind=options.worker_kind,
        ),
        secret=load_secret(web_dir / "secret.key"),
        web_dir=web_dir,
        templates=templates(),
        throttle=LoginThrottle(
            free=options.login_free_failures,
            shared_free=options.login_shared_free_failures,
            base_s=options.login_backoff_base_s,
            max_s=options.login_backoff_max_s,
            max_checks=options.max_password_checks,
        ),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pending = await asyncio.to_thread(_pending_specs, state)
        await state.jobs.start(pending)
        if not options.multi_user:  # open (and migrate) the training log before the first page
            await asyncio.to_thread(state.store, Identity(LOCAL_USER_ID, "you"))
        try:
            yield
        finally:
            await state.jobs.stop()
            await asyncio.to_thread(state.close_stores)

    app = FastAPI(
        title="extensor",
        version=__version__,
        summary="Offline coaching for the Lever Back Extension: guide, plans, set analysis, "
        "training log.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads from a CDN; /api/docs is a local page instead
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ext = state
    # outermost last: security headers on every answer, then the Host check, then (on the
    # network) the device pairing, then the token and size checks made before any body is read
    app.add_middleware(
        BodyGuardMiddleware, secret=state.secret, max_body_bytes=options.max_body_bytes
    )
    if options.require_pairing:  # an unpaired device on the network reaches nothing
        app.add_middleware(PairingMiddleware, pairing=state.pairing, secure=options.secure_cookies)
    app.add_middleware(
        HostCheckMiddleware, allowed=allowed_hosts(options.bind_host, extra=options.allowed_hosts)
    )
    app.add_middleware(SecurityHeadersMiddleware, secure_cookies=options.secure_cookies)
    app.mount("/static", StaticFiles(packages=[("extensor.web", "static")]), name="static")
    _add_error_handlers(app)

    from extensor.web import (
        _live,
        _routes_api,
        _routes_compare,
        _routes_log,
        _routes_media,
        _routes_pages,
    )

    app.include_router(_routes_api.router)
    app.include_router(_routes_pages.router)
    app.include_router(_routes_compare.router)
    app.include_router(_routes_media.router)
    app.include_router(_routes_log.router)
    app.include_router(_live.router)
    choices = _openapi_choices(state.exercise)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = exact_openapi(app, choices, multi_user=options.multi_user)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _openapi_choices(exercise: Exercise) -> dict[str, list[str]]:
    """The enumerations of the API, from the knowledge base."""
    from extensor.knowledge import SECTION_IDS
    from extensor.progression import LOAD_UNITS

    return {
        "goal": list(exercise.goals),
        "variant": list(exercise.variants),
        "level": list(exercise.levels),
        "section": list(SECTION_IDS),
        "unit": list(LOAD_UNITS),
    }


def _pending_specs(state: AppState) -> list[JobSpec]:
    specs = []
    for job_id in state.db.unfinished_jobs():
        job = state.db.job(job_id, owner=None)
        if job is None:
            continue
        spec = state.job_spec(job)
        if job["input_file"] and Path(spec.input_path).exists():
            specs.append(spec)
        else:
            state.db.update_job(
                job_id, state="failed", stage="failed",
                error="the upload was lost when the server stopped; please upload it again",
            )  # fmt: skip
    return specs


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotLoggedInError)
    async def not_logged_in(request: Request, exc: NotLoggedInError) -> Response:
        if _wants_json(request):
            return JSONResponse(error_body(401, "log in first"), status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not the first route's
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
        if _wants_json(request):
            return JSONResponse(
                error_body(exc.status_code, str(exc.detail)),
                status_code=exc.status_code,
                headers=headers,
            )
        page = await asyncio.to_thread(
            render, request, "error.html", status_code=exc.status_code,
            status=exc.status_code, message=str(exc.detail),
        )  # fmt: skip
        page.headers.update(headers)
        return page

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()
        ]
        message = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in errors)
        if _wants_json(request):
            return JSONResponse(
                error_body(422, message or "invalid request", errors=errors), status_code=422
            )
        return await asyncio.to_thread(
            render, request, "error.html", status_code=422, status=422, message=message
        )
