"""The REST API under ``/api/``: everything the pages do, as JSON (OpenAPI at
``/api/openapi.json``, browsable at ``/api/docs``).

Every state-changing call needs the CSRF token in the ``X-CSRF-Token`` header
(``GET /api/csrf`` gives it, and sets the cookie it belongs to). In multi-user mode
every call but ``/api/health``, ``/api/csrf`` and ``/api/login`` needs a login.
"""

from __future__ import annotations

import asyncio
import json
import math
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi import Path as Path_
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from extensor._errors import ExtensorError
from extensor._version import __version__
from extensor.web._accounts import NAME_PATTERN
from extensor.web._deps import (
    MAX_ANGLE_ZERO_DEG,
    MAX_FPS,
    MIN_FPS,
    NO_WORDS,
    YES_WORDS,
    Me,
    State,
    accept_upload,
    job_json,
    require_csrf,
)
from extensor.web._jobs import JOB_FILES, remove_job_files, set_file
from extensor.web._options import (
    MAX_NEUTRAL_HOLD_S,
    MAX_SENSOR_NAME_CHARS,
    MAX_SET_NUMBER,
)
from extensor.web._security import (
    MIN_PASSWORD_LENGTH,
    REPORT_CSP,
    csrf_token,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from extensor.web._state import AppState, get_state, sid_of
from extensor.web._throttle import LoginBusyError, ThrottledError
from extensor.web._uploads import UploadRejectedError

__all__ = ["SetNumber", "router", "serve_job_file"]

router = APIRouter(prefix="/api", tags=["api"])
Csrf = [Depends(require_csrf)]
#: A job id is 16 lowercase hex digits; anything else cannot name a job (nor a folder).
JOB_ID = r"^[0-9a-f]{16}$"


def _bad(err: ExtensorError) -> HTTPException:
    return HTTPException(422, err.message)


def _check_choices(st: AppState, **values: str | None) -> None:
    """422 unless each given value is one of the ids the description declares (exact
    spelling, as the OpenAPI enumerations say; None means "not given")."""
    from extensor.knowledge import SECTION_IDS

    ex = st.exercise
    allowed: dict[str, list[str]] = {
        "goal": list(ex.goals), "variant": list(ex.variants), "level": list(ex.levels),
        "section": list(SECTION_IDS),
    }  # fmt: skip
    for name, value in values.items():
        if value is not None and value not in allowed[name]:
            choices = ", ".join(allowed[name])
            raise HTTPException(422, f"{name} must be one of {choices}, got {value!r}")


# -- models -------------------------------------------------------------------------------


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserIn(BaseModel):
    """A new account: the same name and password rules as ``extensor serve --add-user``
    (strict: ``is_admin`` must be a JSON boolean, never a number that reads as one)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(pattern=NAME_PATTERN.pattern, description="2-32 letters, digits, . - _")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)
    is_admin: bool = False


class LogIn(BaseModel):
    """Sets typed in by hand (what ``extensor log`` records)."""

    model_config = ConfigDict(extra="forbid")
    load: str = Field(description="40kg, 90lb, 40 (the profile's unit) or bw", max_length=32)
    reps: int = Field(ge=1, le=200)
    sets: int = Field(default=1, ge=1, le=20)
    day: date | None = Field(default=None, description="training day (default today)")
    rpe: float | None = Field(default=None, ge=1, le=10)
    pain: bool = False
    note: str | None = Field(default=None, max_length=500)
    variant: str | None = None


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: str
    goal: str
    variant: str
    increment: str = Field(description="the machine's smallest load step, e.g. 2.5kg or 5lb")
    unit: str = Field(pattern="^(kg|lb)$")


class CsrfOut(BaseModel):
    csrf_token: str


# -- session ------------------------------------------------------------------------------


@router.get("/health", summary="Server status")
def health(st: State) -> dict[str, Any]:
    return {
        "status": "ok",
        "version": __version__,
        "multi_user": st.options.multi_user,
        "queued_jobs": st.jobs.waiting,
        "workers": st.options.workers,
    }


@router.get("/csrf", summary="The CSRF token for this browser (sets its cookie)")
def csrf(request: Request, st: State) -> CsrfOut:
    return CsrfOut(csrf_token=csrf_token(st.secret, sid_of(request)))


def login_user(request: Request, st: AppState, name: str, password: str) -> dict[str, Any]:
    """Check a name and password; on success start a login and return the account.

    Raises HTTPException 400 (single-user mode), 401 (wrong name or password, one
    message for both), 429 (back-off after failures, with ``Retry-After``) or 503 (every
    password check busy).
    """
    if not st.options.multi_user:
        raise HTTPException(400, "this server has no accounts (start it with --multi-user)")
    client = request.client.host if request.client else "unknown"
    try:
        attempt = st.throttle.reserve(name, client)
    except ThrottledError as err:
        wait = max(1, math.ceil(err.retry_after_s))
        raise HTTPException(
            429,
            f"too many failed logins; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        ) from None
    try:
        with st.throttle.password_check():
            user = st.db.user_by_name(name)
            if user is None:
                verify_password(_DUMMY_HASH, password)  # same time as a real check
                ok = False
            else:
                ok = verify_password(str(user["password_hash"]), password)
    except LoginBusyError:
        attempt.cancel()
        raise HTTPException(
            503, "the server is busy checking other logins; try again in a moment",
            headers={"Retry-After": "1"},
        ) from None  # fmt: skip
    if not ok or user is None:
        attempt.failed()
        raise HTTPException(401, "wrong name or password")
    attempt.succeeded()
    old = sid_of(request)
    if old:
        st.db.delete_session(hash_token(old))
    token = new_token()
    st.db.add_session(
        hash_token(token), int(user["id"]), lifetime_s=st.options.session_days * 86400.0
    )
    request.scope["state"]["set_sid"] = token
    request.scope["state"]["sid"] = token
    return user


_DUMMY_HASH = hash_password("not a password of anyone")


@router.post("/login", summary="Log in (multi-user mode)", dependencies=Csrf)
def login(body: LoginIn, request: Request, st: State) -> dict[str, Any]:
    user = login_user(request, st, body.name, body.password)
    return {
        "name": user["name"],
        "is_admin": bool(user["is_admin"]),
        "csrf_token": csrf_token(st.secret, sid_of(request)),
    }


@router.post("/logout", summary="Log out", dependencies=Csrf, status_code=204)
def logout(request: Request, st: State) -> Response:
    sid = sid_of(request)
    if sid:
        st.db.delete_session(hash_token(sid))
    request.scope["state"]["set_sid"] = new_token()
    return Response(status_code=204)


@router.get("/me", summary="Who is logged in")
def me(who: Me) -> dict[str, Any]:
    return {"id": who.user_id, "name": who.name, "is_admin": who.is_admin}


@router.get("/users", summary="Accounts (admin only)")
def users(who: Me, st: State) -> list[dict[str, Any]]:
    if not who.is_admin or not st.options.multi_user:
        raise HTTPException(403, "only an admin can list accounts")
    return [
        {"id": u["id"], "name": u["name"], "is_admin": bool(u["is_admin"])} for u in st.db.users()
    ]


@router.post("/users", summary="Create an account (admin only)", dependencies=Csrf, status_code=201)
def create_user(body: UserIn, who: Me, st: State) -> dict[str, Any]:
    from extensor.web._accounts import AccountError, add_user

    if not who.is_admin or not st.options.multi_user:
        raise HTTPException(403, "only an admin can create accounts")
    try:
        user_id = add_user(st.db, body.name, body.password, is_admin=body.is_admin)
    except AccountError as err:
        raise HTTPException(409 if "taken" in err.message else 422, err.message) from None
    return {"id": user_id, "name": body.name, "is_admin": body.is_admin}


# -- knowledge ----------------------------------------------------------------------------


@router.get("/exercise", summary="Variants, goals and levels to choose from")
def exercise(st: State, who: Me) -> dict[str, Any]:
    from extensor.web._service import choices

    return {"id": st.exercise.id, "name": st.exercise.name, **choices(st.exercise)}


@router.get("/guide", summary="The exercise guide as data (optionally one variant or section)")
def guide(
    st: State, who: Me, variant: str | None = None, section: str | None = None
) -> dict[str, Any]:
    from extensor.knowledge import guide_data

    _check_choices(st, variant=variant, section=section)
    try:
        return guide_data(st.exercise, variant=variant, section=section)
    except ExtensorError as err:
        raise _bad(err) from None


@router.get("/plan", summary="A week-by-week plan for a goal and level")
def plan(
    st: State,
    who: Me,
    goal: str | None = None,
    level: str | None = None,
    weeks: Annotated[int, Query(ge=1, le=52)] = 4,
) -> dict[str, Any]:
    from extensor.web._service import plan_for

    _check_choices(st, goal=goal, level=level)
    try:
        the_plan = plan_for(
            st.exercise, goal=goal if goal is not None else st.settings.goal,
            level=level if level is not None else st.settings.level,
            weeks=weeks,
        )  # fmt: skip
    except ExtensorError as err:
        raise _bad(err) from None
    data: dict[str, Any] = the_plan.model_dump(mode="json")
    return data


# -- jobs ---------------------------------------------------------------------------------

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "video, keypoint file or sensor CSV"},
                        "goal": {"type": "string"},
                        "variant": {"type": "string"},
                        "load": {"type": "string",
                                 "description": "also log the set at this load (40kg, bw...)"},
                        "day": {"type": "string", "format": "date"},
                        "rpe": {"type": "number", "minimum": 1, "maximum": 10},
                        "pain": {"type": "string", "description": "present = pain felt"},
                        "note": {"type": "string"},
                        "angle_zero": {"type": "number", "minimum": -MAX_ANGLE_ZERO_DEG,
                                       "maximum": MAX_ANGLE_ZERO_DEG,
                                       "description": "encoder: its reading at neutral (deg)"},
                        "fps": {"type": "number", "minimum": MIN_FPS, "maximum": MAX_FPS,
                                "description": "frame rate of a file without timestamps (Hz)"},
                        "neutral_hold_s": {"type": "number", "exclusiveMinimum": 0,
                                           "maximum": MAX_NEUTRAL_HOLD_S,
                                           "description": "IMU: the first seconds are a still,"
                                                          " tall hold at neutral (calibrates it)"},
                        "sensor": {"type": "string", "maxLength": MAX_SENSOR_NAME_CHARS,
                                   "pattern": r"^[\w.\-]+$",
                                   "description": "IMU file of several units: the unit to read"
                                                  " as the trunk"},
                        "image_size": {"type": "string", "pattern": r"^\d+\s*[xX×]\s*\d+$",
                                       "example": "1280x720",
                                       "description": "keypoints in normalized coordinates: the"
                                                      " video's WIDTHxHEIGHT in px"},
                        "set": {"type": "integer", "minimum": 1, "maximum": MAX_SET_NUMBER,
                                "description": "a recording of several sets: analyse only set N"},
                        "whole": {"type": "string", "enum": [*YES_WORDS, *NO_WORDS],
                                  "description": "analyse the recording as one set, even"
                                                 " across long rests (not with set)"},
                        "annotated": {"type": "string",
                                      "description": "present = also make the annotated video"
                                                     " (a video of one set, or with set)"},
                    },
                }
            }
        },
    }
}  # fmt: skip


@router.post(
    "/jobs",
    summary="Upload a recording; its analysis is queued",
    status_code=202,
    openapi_extra=_UPLOAD_BODY,
    responses={
        403: {"description": "missing CSRF token"},
        413: {"description": "file too large"},
        415: {"description": "not a recording extensor can read (judged by content)"},
        422: {"description": "bad form values, or no file"},
        503: {"description": "the queue is full"},
    },
)
async def create_job(request: Request, who: Me) -> JSONResponse:
    st = get_state(request)
    try:
        job = await accept_upload(request, who)
    except UploadRejectedError as err:
        raise HTTPException(err.status, err.message) from None
    data = await asyncio.to_thread(job_json, st, job)
    return JSONResponse(data, status_code=202, headers={"Location": f"/api/jobs/{job['id']}"})


@router.get("/jobs", summary="My analyses, newest first")
def list_jobs(st: State, who: Me, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[Any]:
    return [job_json(st, j) for j in st.db.jobs(owner=who.user_id, limit=limit)]


def owned_job(st: AppState, who: Any, job_id: str) -> dict[str, Any]:
    """The job if it exists and belongs to ``who``; 404 otherwise (also for another
    lifter's job, so ids cannot be probed)."""
    import re

    if not re.fullmatch(JOB_ID[1:-1], job_id):
        raise HTTPException(404, "no such analysis")
    job = st.db.job(job_id, owner=who.user_id)
    if job is None:
        raise HTTPException(404, "no such analysis")
    return job


@router.get("/jobs/{job_id}", summary="State and progress of one analysis")
def get_job(job_id: str, st: State, who: Me) -> dict[str, Any]:
    return job_json(st, owned_job(st, who, job_id))


@router.get("/jobs/{job_id}/analysis", summary="The analysis result with its coaching (JSON)")
def get_analysis(job_id: str, st: State, who: Me) -> Any:
    job = owned_job(st, who, job_id)
    if job["state"] != "done":
        raise HTTPException(409, f"the analysis is {job['state']}, not done")
    path = st.jobs_dir / job_id / JOB_FILES["analysis"]
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HTTPException(404, "the result file is missing") from None


def serve_job_file(
    st: AppState, who: Any, job_id: str, name: str, *, number: int | None = None
) -> FileResponse:
    """A report or guide file of a finished job (of its set ``number`` when the recording
    held several sets; the plain report is set 1's), with the report's strict CSP."""
    job = owned_job(st, who, job_id)
    if job["state"] != "done":
        raise HTTPException(409, f"the analysis is {job['state']}, not done")
    folder = st.jobs_dir / job_id
    path: Path = folder / JOB_FILES[name] if number is None else set_file(folder, number, name)
    if not path.is_file():
        raise HTTPException(404, "the report file is missing")
    return FileResponse(
        path,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": REPORT_CSP, "Cache-Control": "private, no-cache"},
    )


@router.get(
    "/jobs/{job_id}/report.html",
    summary="The HTML report (the same file as `extensor analyze --report`)",
    response_class=FileResponse,
)
def get_report(job_id: str, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "report")


@router.get(
    "/jobs/{job_id}/report-guide.html",
    summary="The guide saved next to the report",
    response_class=FileResponse,
)
def get_report_guide(job_id: str, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "guide")


#: A set's number in a per-set path (a recording of several sets).
SetNumber = Annotated[int, Path_(ge=1, le=MAX_SET_NUMBER)]


@router.get(
    "/jobs/{job_id}/sets/{number}/report.html",
    summary="The HTML report of one set of a recording of several sets",
    response_class=FileResponse,
)
def get_set_report(job_id: str, number: SetNumber, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "report", number=number)


@router.get(
    "/jobs/{job_id}/sets/{number}/report-guide.html",
    summary="The guide saved next to one set's report",
    response_class=FileResponse,
)
def get_set_report_guide(job_id: str, number: SetNumber, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "guide", number=number)


@router.delete("/jobs/{job_id}", summary="Delete an analysis", dependencies=Csrf, status_code=204)
def delete_job(job_id: str, st: State, who: Me) -> Response:
    delete_owned_job(st, who, job_id)
    return Response(status_code=204)


def delete_owned_job(st: AppState, who: Any, job_id: str) -> None:
    job = owned_job(st, who, job_id)
    if job["state"] in ("queued", "running"):
        raise HTTPException(409, "the analysis is still in progress")
    st.db.delete_job(job_id, owner=who.user_id)
    remove_job_files(st.jobs_dir / job_id)


# -- training log -------------------------------------------------------------------------


@router.get("/history", summary="Logged sessions, personal bests")
def history(st: State, who: Me, last: Annotated[int, Query(ge=1, le=300)] = 20) -> dict[str, Any]:
    from extensor.web._service import history_data

    try:
        data = history_data(st.store(who), st.settings, last=last)
    except ExtensorError as err:
        raise _bad(err) from None
    data.pop("_summaries")
    return data


@router.post("/log", summary="Log sets typed in by hand", dependencies=Csrf, status_code=201)
def log(body: LogIn, st: State, who: Me) -> dict[str, Any]:
    from extensor.web._service import log_by_hand

    _check_choices(st, variant=body.variant)
    try:
        return log_by_hand(
            st.store(who), st.exercise, st.settings, load=body.load, reps=body.reps,
            sets=body.sets, day=body.day, rpe=body.rpe, pain=body.pain, note=body.note,
            variant=body.variant,
        )  # fmt: skip
    except ExtensorError as err:
        raise _bad(err) from None


@router.get("/profile", summary="My profile (goal, level, machine, load step)")
def get_profile(st: State, who: Me) -> dict[str, Any]:
    from extensor.web._service import profile_for

    profile, stored = profile_for(st.store(who), st.settings)
    return {**profile.to_dict(), "stored": stored}


@router.put("/profile", summary="Save my profile", dependencies=Csrf)
def put_profile(body: ProfileIn, st: State, who: Me) -> dict[str, Any]:
    from extensor.web._service import save_profile_from

    _check_choices(st, level=body.level, goal=body.goal, variant=body.variant)
    try:
        profile = save_profile_from(
            st.store(who), st.exercise, st.settings, level=body.level, goal=body.goal,
            variant=body.variant, increment=body.increment, unit=body.unit,
        )  # fmt: skip
    except ExtensorError as err:
        raise _bad(err) from None
    return {**profile.to_dict(), "stored": True}


@router.get("/next", summary="The recommendation for the next session")
def next_session(st: State, who: Me, goal: str | None = None) -> dict[str, Any]:
    from extensor.web._service import next_session as advise

    _check_choices(st, goal=goal)
    try:
        rec, profile = advise(st.store(who), st.settings, st.exercise, goal=goal)
    except ExtensorError as err:
        raise _bad(err) from None
    return {**rec.to_dict(), "profile": profile.to_dict()}
