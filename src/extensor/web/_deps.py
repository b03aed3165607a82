"""Request helpers shared by the API and the pages: who is asking, CSRF checks, uploads."""

from __future__ import annotations

import asyncio
import math
import re
import shutil
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from extensor._errors import ExtensorError
from extensor._private import PRIVATE_DIR_MODE
from extensor.io import parse_image_size
from extensor.web._db import new_job_id
from extensor.web._jobs import QueueFullError, write_job_options
from extensor.web._options import (
    MAX_IMAGE_SIDE_PX,
    MAX_NEUTRAL_HOLD_S,
    MAX_SENSOR_NAME_CHARS,
    MAX_SET_NUMBER,
)
from extensor.web._security import CSRF_FIELD, CSRF_HEADER, Identity, csrf_valid, origin_allowed
from extensor.web._state import AppState, get_state, identity_of, sid_of
from extensor.web._uploads import UploadedFile, UploadRejectedError, classify, receive_upload

__all__ = [
    "NO_WORDS",
    "YES_WORDS",
    "Me",
    "State",
    "accept_upload",
    "check_csrf",
    "job_json",
    "require_csrf",
    "set_links",
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


def _job_links(job_id: str, sets: list[dict[str, Any]]) -> dict[str, str]:
    """The job's links; for a recording of several sets ``report`` is the first set's."""
    return {
        "self": f"/api/jobs/{job_id}",
        "page": f"/jobs/{job_id}",
        "report": _report_links(job_id, 1, several=len(sets) > 1)["report"],
        "analysis": f"/api/jobs/{job_id}/analysis",
    }


def set_links(job_id: str, number: int) -> dict[str, str]:
    """The report and guide of set ``number`` of a job whose recording held several sets."""
    base = f"/jobs/{job_id}/sets/{number}"
    return {"report": f"{base}/report.html", "guide": f"{base}/report-guide.html"}


def _report_links(job_id: str, number: int, *, several: bool) -> dict[str, str]:
    """Set ``number``'s report and guide: :func:`set_links` when the recording held
    several sets, else the job's own report and guide."""
    if several:
        return set_links(job_id, number)
    return {"report": f"/jobs/{job_id}/report.html", "guide": f"/jobs/{job_id}/report-guide.html"}


def _job_sets(job: dict[str, Any]) -> list[dict[str, Any]]:
    """Each analysed set of a finished job with its report's link (none before it is done;
    a job of an older version, without ``sets`` in its summary, is its one set)."""
    summary = job["summary"] or {}
    sets = list(summary.get("sets") or ([] if not summary else [summary]))
    several = len(sets) > 1
    out = []
    for k, item in enumerate(sets, start=1):
        number = int(item.get("number", k))
        links = _report_links(str(job["id"]), number, several=several)
        window = {"of": len(sets), "start_s": None, "end_s": None,
                  "session_reference_range_deg": None, "logged_set_id": None}  # fmt: skip
        out.append({**window, **item, "number": number, "links": links})
    return out


def job_json(st: AppState, job: dict[str, Any]) -> dict[str, Any]:
    """A job as the API shows it (no server paths). ``sets`` lists each analysed set
    (number, time window, reps, cues, verdict, logged set id, report links);
    ``logged_set_ids`` every set saved in the log (``logged_set_id`` is the first)."""
    sets = _job_sets(job)
    summary = job["summary"] or {}
    logged = summary.get("logged_set_ids")
    if logged is None:
        logged = [] if job["logged_set_id"] is None else [job["logged_set_id"]]
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
        "set_count": summary.get("set_count", len(sets) or None),
        "sets": sets,
        "log_requested": job["log"] is not None,
        "logged_set_id": job["logged_set_id"],
        "logged_set_ids": logged,
        "links": _job_links(str(job["id"]), sets),
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


def _image_size_field(fields: dict[str, str]) -> str | None:
    """``image_size`` as ``<width>x<height>`` px (the CLI's ``--image-size``), or None."""
    text = _field(fields, "image_size")
    if text is None:
        return None
    sides = parse_image_size(text) or (0, 0)  # the reader's own parser, as the CLI's
    if not all(1 <= side <= MAX_IMAGE_SIDE_PX for side in sides):
        raise UploadRejectedError(
            422,
            f"image_size must be <width>x<height> in px (e.g. 1280x720), each side 1 to"
            f" {MAX_IMAGE_SIDE_PX}, got {text!r}",
        )
    return f"{sides[0]}x{sides[1]}"


def _sensor_field(fields: dict[str, str]) -> str | None:
    """``sensor``: the IMU unit to read as the trunk (the CLI's ``--sensor``), or None."""
    name = _field(fields, "sensor")
    if name is not None and not re.fullmatch(rf"[\w.\-]{{1,{MAX_SENSOR_NAME_CHARS}}}", name):
        raise UploadRejectedError(
            422,
            f"sensor must be a unit's name (letters, digits, _ . -; up to"
            f" {MAX_SENSOR_NAME_CHARS}), got {name!r}",
        )
    return name


def _flag_field(fields: dict[str, str], name: str) -> bool:
    """A yes/no field: absent or empty is no; a checkbox's ``yes`` (or true, on, 1) is yes."""
    text = _field(fields, name)
    if text is None or text.lower() in NO_WORDS:
        return False
    if text.lower() in YES_WORDS:
        return True
    raise UploadRejectedError(422, f"{name} must be yes or no, got {text!r}")


#: How a yes/no field may be spelt (a checkbox sends ``yes``).
YES_WORDS = ("yes", "true", "on", "1")
NO_WORDS = ("no", "false", "off", "0")


def _set_field(fields: dict[str, str]) -> int | None:
    """``set``: the one set of a recording of several to analyse (from 1), or None."""
    text = _field(fields, "set")
    if text is None:
        return None
    if not (text.isdecimal() and 1 <= int(text) <= MAX_SET_NUMBER):
        raise UploadRejectedError(
            422, f"set must be a whole number from 1 to {MAX_SET_NUMBER}, got {text!r}"
        )
    return int(text)


def recording_options(fields: dict[str, str]) -> dict[str, Any]:
    """The reading options of an upload and which sets to analyse, validated: the same
    options as ``extensor analyze`` (``angle_zero``, ``fps``, ``neutral_hold_s``,
    ``sensor``, ``image_size``; ``set``, ``whole``), and whether the annotated video is
    wanted."""
    read: dict[str, Any] = {}
    zero = _number_field(fields, "angle_zero", -MAX_ANGLE_ZERO_DEG, MAX_ANGLE_ZERO_DEG)
    if zero is not None:
        read["angle_zero"] = zero
    fps = _number_field(fields, "fps", MIN_FPS, MAX_FPS)
    if fps is not None:
        read["fps"] = fps
    hold = _number_field(fields, "neutral_hold_s", 0.0, MAX_NEUTRAL_HOLD_S)
    if hold is not None:
        if hold <= 0:
            raise UploadRejectedError(
                422, f"neutral_hold_s must be above 0 s (a still hold at neutral), got {hold:g}"
            )
        read["neutral_hold_s"] = hold
    sensor = _sensor_field(fields)
    if sensor is not None:
        read["sensor"] = sensor
    size = _image_size_field(fields)
    if size is not None:
        read["image_size"] = size
    whole, number = _flag_field(fields, "whole"), _set_field(fields)
    if whole and number is not None:
        raise UploadRejectedError(
            422, "set and whole exclude each other: pick one set, or the whole recording"
        )
    return {
        "read_options": read,
        "annotated": _field(fields, "annotated") is not None,
        "whole": whole,
        "set_number": number,
    }


#: Upload types that hold keypoints (``image_size`` applies to them).
KEYPOINT_FILES = ("extensor_csv", "mediapipe_csv", "coco17", "openpose")


def check_recording_options(kind: str, opts: dict[str, Any]) -> None:
    """Refuse options that do not apply to the upload's detected type (422)."""
    read = opts.get("read_options") or {}
    if "angle_zero" in read and kind != "encoder":
        raise UploadRejectedError(
            422, f"angle_zero applies to an encoder recording, got a {kind} file"
        )
    if "fps" in read and kind == "video":
        raise UploadRejectedError(422, "fps applies to a file without timestamps, not a video")
    for name in ("neutral_hold_s", "sensor"):
        if name in read and kind != "imu":
            raise UploadRejectedError(422, f"{name} applies to an IMU recording, got a {kind} file")
    if "image_size" in read and kind not in KEYPOINT_FILES:
        raise UploadRejectedError(
            422, f"image_size applies to a keypoint file (normalized points), got a {kind} file"
        )
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
