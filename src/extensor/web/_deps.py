"""Request helpers shared by the API and the pages: who is asking, CSRF checks, uploads."""

from __future__ import annotations

import asyncio
import math
import shutil
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from extensor._errors import ExtensorError
from extensor._private import PRIVATE_DIR_MODE
from extensor.web._db import new_job_id
from extensor.web._jobs import QueueFullError, write_job_options
from extensor.web._security import CSRF_FIELD, CSRF_HEADER, Identity, csrf_valid, origin_allowed
from extensor.web._state import AppState, get_state, identity_of, sid_of
from extensor.web._uploads import UploadedFile, UploadRejectedError, classify, receive_upload

__all__ = [
    "Me",
    "State",
    "accept_upload",
    "check_csrf",
    "job_json",
    "require_csrf",
]

#: Largest RPE accepted (the scale's top).
MAX_RPE = 10.0
#: Largest angle zero accepted (deg): a multi-turn encoder reads a few turns at most.
MAX_ANGLE_ZERO_DEG = 3600.0
#: Frame rates accepted for a file without timestamps (Hz): a slow sensor to a fast encoder.
MIN_FPS, MAX_FPS = 1.0, 2000.0


def _me(request: Request) -> Identity:
    return identity_of(request)


Me = Annotated[Identity, Depends(_me)]
State = Annotated[AppState, Depends(get_state)]


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse (403) a state-changing request from another site or without the token."""
    if not origin_allowed(request.headers.get("origin"), request.headers.get("host")):
        raise HTTPException(403, "request from another site refused")
    if not csrf_valid(get_state(request).secret, sid_of(request), token):
        raise HTTPException(
            403,
            "missing or invalid CSRF token: reload the page, or send the token from "
            "GET /api/csrf in the X-CSRF-Token header",
        )


def require_csrf(request: Request) -> None:
    """Dependency of every state-changing API route: the token comes in ``X-CSRF-Token``."""
    check_csrf(request, request.headers.get(CSRF_HEADER))


def _job_links(job_id: str) -> dict[str, str]:
    return {
        "self": f"/api/jobs/{job_id}",
        "page": f"/jobs/{job_id}",
        "report": f"/jobs/{job_id}/report.html",
        "analysis": f"/api/jobs/{job_id}/analysis",
    }


def job_json(st: AppState, job: dict[str, Any]) -> dict[str, Any]:
    """A job as the API shows it (no server paths)."""
    out = {
        "id": job["id"],
        "state": job["state"],
        "progress": round(float(job["progress"]), 4),
        "stage": job["stage"],
        "error": job["error"],
        "file_name": job["display_name"],
        "input_type": job["input_type"],
        "size_bytes": job["size_bytes"],
        "goal": job["goal"],
        "variant": job["variant"],
        "created_at": job["created_at"],
        "started_at": job["started_at"],
        "finished_at": job["finished_at"],
        "queue_position": None,
        "summary": job["summary"],
        "log_requested": job["log"] is not None,
        "logged_set_id": job["logged_set_id"],
        "links": _job_links(str(job["id"])),
    }
    if job["state"] == "queued":
        out["queue_position"] = st.db.queue_position(str(job["id"]))
    return out


def _field(fields: dict[str, str], name: str) -> str | None:
    value = fields.get(name, "").strip()
    return value or None


def _log_fields(fields: dict[str, str]) -> dict[str, Any]:
    """Day, RPE, pain and note of an upload, validated whether or not a load asks for the
    set to be logged (a bad value is a 422 either way, as the API description says)."""
    log: dict[str, Any] = {"pain": _field(fields, "pain") is not None}
    day = _field(fields, "day")
    if day is not None:
        try:
            when = date.fromisoformat(day)
        except ValueError:
            raise UploadRejectedError(
                422, f"day must be a date as YYYY-MM-DD, got {day!r}"
            ) from None
        if when > date.today():
            raise UploadRejectedError(422, f"day must not be in the future, got {day}")
        log["day"] = when.isoformat()
    rpe = _field(fields, "rpe")
    if rpe is not None:
        try:
            value_rpe = float(rpe)
        except ValueError:
            raise UploadRejectedError(
                422, f"rpe must be a number from 1 to 10, got {rpe!r}"
            ) from None
        if not (math.isfinite(value_rpe) and 1 <= value_rpe <= MAX_RPE):
            raise UploadRejectedError(422, f"rpe must be a number from 1 to 10, got {rpe!r}")
        log["rpe"] = value_rpe
    note = _field(fields, "note")
    if note is not None:
        log["note"] = note[:500]
    return log


def _log_request(st: AppState, fields: dict[str, str], identity: Identity) -> dict[str, Any] | None:
    """The training-log entry asked for with the upload (a ``load`` field), validated."""
    from extensor.progression import parse_load

    extra = _log_fields(fields)
    load = _field(fields, "load")
    if load is None:
        return None
    from extensor.web._service import profile_for

    profile, _ = profile_for(st.store(identity), st.settings)
    value, unit = parse_load(load, default_unit=profile.unit)
    return {"load": value, "unit": unit, **extra}


def _options_from(st: AppState, fields: dict[str, str], identity: Identity) -> dict[str, Any]:
    """Goal, variant and the log request of an upload; defaults from the lifter's profile."""
    from extensor.web._service import profile_for

    profile, stored = profile_for(st.store(identity), st.settings)
    # a field that is sent must be one of the ids (exactly, as the API description says)
    goal = fields.get("goal", profile.goal if stored else st.settings.goal)
    variant = fields.get("variant", profile.variant if stored else st.settings.variant)
    ex = st.exercise
    try:  # any case and hyphen/space spelling; the error names the closest id
        goal = ex.goal(goal).id
    except ExtensorError:
        raise UploadRejectedError(
            422, f"goal must be one of {', '.join(ex.goals)}, got {goal!r}"
        ) from None
    try:
        variant = ex.variant(variant).id
    except ExtensorError:
        raise UploadRejectedError(
            422, f"variant must be one of {', '.join(ex.variants)}, got {variant!r}"
        ) from None
    try:
        log = _log_request(st, fields, identity)
    except ExtensorError as err:
        raise UploadRejectedError(422, err.message) from None
    return {"goal": goal, "variant": variant, "log": log, **recording_options(fields)}


def _number_field(fields: dict[str, str], name: str, low: float, high: float) -> float | None:
    text = _field(fields, name)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise UploadRejectedError(
            422, f"{name} must be a number from {low:g} to {high:g}, got {text!r}"
        )
    return value


def recording_options(fields: dict[str, str]) -> dict[str, Any]:
    """The reading options of an upload (``angle_zero``, ``fps``) and whether the
    annotated video is wanted, validated (the same options as ``extensor analyze``)."""
    read: dict[str, Any] = {}
    zero = _number_field(fields, "angle_zero", -MAX_ANGLE_ZERO_DEG, MAX_ANGLE_ZERO_DEG)
    if zero is not None:
        read["angle_zero"] = zero
    fps = _number_field(fields, "fps", MIN_FPS, MAX_FPS)
    if fps is not None:
        read["fps"] = fps
    return {"read_options": read, "annotated": _field(fields, "annotated") is not None}


def check_recording_options(kind: str, opts: dict[str, Any]) -> None:
    """Refuse options that do not apply to the upload's detected type (422)."""
    read = opts.get("read_options") or {}
    if "angle_zero" in read and kind != "encoder":
        raise UploadRejectedError(
            422, f"angle_zero applies to an encoder recording, got a {kind} file"
        )
    if "fps" in read and kind == "video":
        raise UploadRejectedError(422, "fps applies to a file without timestamps, not a video")
    if opts.get("annotated") and kind != "video":
        raise UploadRejectedError(422, f"the annotated video needs a video, got a {kind} file")


async def accept_upload(request: Request, identity: Identity) -> dict[str, Any]:
    """Receive, check and queue one recording; returns the new job row.

    The CSRF token is checked from the header before the body is read, or from the form
    field that precedes the file. Raises :class:`UploadRejectedError` or ``HTTPException``.
    """
    st = get_state(request)
    try:
        st.jobs.check_room()
    except QueueFullError:
        raise UploadRejectedError(
            503, "the analysis queue is full; try again in a few minutes"
        ) from None
    header_token = request.headers.get(CSRF_HEADER)
    if header_token is not None:
        check_csrf(request, header_token)

    def before_file(fields: dict[str, str]) -> None:
        if header_token is None:
            try:
                check_csrf(request, fields.get(CSRF_FIELD))
            except HTTPException as err:
                raise UploadRejectedError(err.status_code, str(err.detail)) from None

    job_id = new_job_id()
    job_dir = st.jobs_dir / job_id
    await asyncio.to_thread(job_dir.mkdir, parents=True, exist_ok=False, mode=PRIVATE_DIR_MODE)
    try:
        upload: UploadedFile = await receive_upload(
            request,
            job_dir / ".upload.part",
            video_limit=st.options.max_video_bytes,
            file_limit=st.options.max_file_bytes,
            before_file=before_file,
        )
        kind, path = await asyncio.to_thread(
            classify, upload, max_inflated=st.options.max_file_bytes
        )
        opts = await asyncio.to_thread(_options_from, st, upload.fields, identity)
        check_recording_options(kind, opts)
        await asyncio.to_thread(write_job_options, job_dir, opts)
        await asyncio.to_thread(
            st.db.create_job, job_id=job_id, owner=identity.user_id,
            display_name=upload.display_name, input_type=kind, input_file=path.name,
            size_bytes=upload.size, goal=opts["goal"], variant=opts["variant"], log=opts["log"],
        )  # fmt: skip
        job = await asyncio.to_thread(st.db.job, job_id, owner=identity.user_id)
        assert job is not None
        try:
            st.jobs.submit(st.job_spec(job))
        except QueueFullError:
            await asyncio.to_thread(st.db.delete_job, job_id, owner=identity.user_id)
            raise UploadRejectedError(
                503, "the analysis queue is full; try again in a few minutes"
            ) from None
        return job
    except BaseException:
        await asyncio.to_thread(shutil.rmtree, job_dir, True)
        raise
