"""The HTML pages (server-rendered Jinja2, autoescaped). Each page uses the same
functions as its ``/api/`` twin; forms carry the CSRF token as a hidden field."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from extensor._errors import ExtensorError
from extensor.web._deps import Me, State, accept_upload, check_csrf, job_json
from extensor.web._options import MAX_NEUTRAL_HOLD_S, MAX_SENSOR_NAME_CHARS, MAX_SET_NUMBER
from extensor.web._routes_api import (
    SetNumber,
    delete_owned_job,
    login_user,
    owned_job,
    serve_job_file,
)
from extensor.web._security import Identity, hash_token, new_token
from extensor.web._state import AppState, get_state, identity_of, optional_identity, render
from extensor.web._uploads import UploadRejectedError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- login --------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, st: State) -> Response:
    if not st.options.multi_user or optional_identity(request) is not None:
        return _see_other("/")
    return render(request, "login.html", identity=None, error=None, name="")


@router.post("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    st: State,
    name: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    try:
        login_user(request, st, name.strip(), password)
    except HTTPException as err:
        return render(
            request, "login.html", status_code=err.status_code, identity=None,
            error=str(err.detail), name=name,
        )  # fmt: skip
    return _see_other("/")


@router.post("/logout")
def logout_form(request: Request, st: State, csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf_token)
    sid = str(request.scope.get("state", {}).get("sid", ""))
    if sid:
        st.db.delete_session(hash_token(sid))
    request.scope["state"]["set_sid"] = new_token()
    return _see_other("/login" if st.options.multi_user else "/")


# -- guide and plan -----------------------------------------------------------------------


@router.get("/guide", response_class=HTMLResponse)
def guide_page(request: Request, st: State, who: Me, variant: str | None = None) -> Response:
    from extensor.web._service import choices, guide_body

    if variant is not None and variant not in st.exercise.variants:
        raise HTTPException(404, f"no variant {variant!r} in the guide")
    body = Markup(guide_body(st.exercise, variant=variant))  # escaped by render_guide
    return render(
        request, "guide.html", identity=who, body=body, variant=variant,
        choices=choices(st.exercise),
    )  # fmt: skip


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    st: State,
    who: Me,
    goal: str | None = None,
    level: str | None = None,
    weeks: Annotated[int, Query(ge=1, le=52)] = 4,
) -> Response:
    from extensor.web._service import choices, plan_for, profile_for

    profile, stored = profile_for(st.store(who), st.settings)
    goal = goal or (profile.goal if stored else st.settings.goal)
    level = level or (profile.level if stored else st.settings.level)
    try:
        plan = plan_for(st.exercise, goal=goal, level=level, weeks=weeks)
    except ExtensorError as err:
        raise HTTPException(422, err.message) from None
    return render(
        request, "plan.html", identity=who, plan=plan, goal=goal, level=level, weeks=weeks,
        choices=choices(st.exercise),
    )  # fmt: skip


# -- analyse ------------------------------------------------------------------------------


def _analyse_context(st: AppState, who: Identity) -> dict[str, Any]:
    from extensor.web._service import choices, profile_for

    profile, stored = profile_for(st.store(who), st.settings)
    return {
        "choices": choices(st.exercise),
        "goal": profile.goal if stored else st.settings.goal,
        "variant": profile.variant if stored else st.settings.variant,
        "unit": profile.unit,
        "jobs": [job_json(st, j) for j in st.db.jobs(owner=who.user_id, limit=20)],
        "max_video_mb": st.options.max_video_mb,
        "max_file_mb": st.options.max_file_mb,
        "max_set_number": MAX_SET_NUMBER,
        "max_neutral_hold_s": MAX_NEUTRAL_HOLD_S,
        "max_sensor_chars": MAX_SENSOR_NAME_CHARS,
        "set_rest_s": st.exercise.analysis_param("set_rest_s"),
        "today": date.today().isoformat(),
    }


@router.get("/", response_class=HTMLResponse)
@router.get("/analyse", response_class=HTMLResponse)
def analyse_page(request: Request, st: State, who: Me) -> Response:
    return render(request, "analyse.html", identity=who, error=None, **_analyse_context(st, who))


@router.post("/analyse", response_class=HTMLResponse)
async def analyse_form(request: Request) -> Response:
    st = get_state(request)
    who = await asyncio.to_thread(identity_of, request)
    try:
        job = await accept_upload(request, who)
    except UploadRejectedError as err:
        context = await asyncio.to_thread(_analyse_context, st, who)
        return await asyncio.to_thread(
            render, request, "analyse.html", status_code=err.status, identity=who,
            error=err.message, **context,
        )  # fmt: skip
    return _see_other(f"/jobs/{job['id']}")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: str, request: Request, st: State, who: Me) -> Response:
    job = job_json(st, owned_job(st, who, job_id))
    analysis = None
    if job["state"] == "done":
        import json

        path = st.jobs_dir / job_id / "analysis.json"
        if path.is_file():
            analysis = json.loads(path.read_text(encoding="utf-8"))
    from extensor.coach import NUMBER_HELP
    from extensor.web._jobs import annotated_file

    video = annotated_file(st.jobs_dir / job_id) if job["state"] == "done" else None
    return render(
        request, "job.html", identity=who, job=job, analysis=analysis,
        set_docs=_set_documents(analysis, job["sets"]), annotated=video is not None,
        number_help=NUMBER_HELP,
    )  # fmt: skip


def _set_documents(
    analysis: dict[str, Any] | None, sets: list[dict[str, Any]]
) -> list[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """(each set's analysis document, its entry in the job's ``sets``): the session
    document's sets for a recording of several, else the one document."""
    from extensor.app import SESSION_SCHEMA

    if analysis is not None and analysis.get("schema") == SESSION_SCHEMA:
        return list(zip(analysis["sets"], sets, strict=False))
    return [(analysis, sets[0])] if sets else []


@router.get("/jobs/{job_id}/report.html")
def report_file(job_id: str, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "report")


@router.get("/jobs/{job_id}/report-guide.html")
def report_guide_file(job_id: str, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "guide")


@router.get("/jobs/{job_id}/sets/{number}/report.html")
def set_report_file(job_id: str, number: SetNumber, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "report", number=number)


@router.get("/jobs/{job_id}/sets/{number}/report-guide.html")
def set_report_guide_file(job_id: str, number: SetNumber, st: State, who: Me) -> FileResponse:
    return serve_job_file(st, who, job_id, "guide", number=number)


@router.post("/jobs/{job_id}/delete")
def delete_job_form(
    job_id: str, request: Request, st: State, who: Me, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf_token)
    delete_owned_job(st, who, job_id)
    return _see_other("/analyse")


# -- history and next session -------------------------------------------------------------


def _history_context(st: AppState, who: Identity, last: int) -> dict[str, Any]:
    from extensor.app import history_svg
    from extensor.progression import format_load
    from extensor.web._service import choices, history_data

    data = history_data(st.store(who), st.settings, last=last)
    summaries = data.pop("_summaries")
    unit = data["unit"]
    rows = [
        {
            "day": s.day.isoformat(),
            "sets": len(s.sets),
            "reps": ", ".join(str(x.reps) for x in s.sets),
            "top_load": format_load(s.top_load(unit) or 0.0, unit),
            "volume": f"{s.volume(unit):,.0f} {unit}",
            "clean": s.clean_share,
            "pain": s.pain,
            "faults": sorted(set(s.faults)),
        }
        for s in reversed(summaries)
    ]
    chart = Markup(history_svg(summaries, unit=unit)) if summaries else None
    from extensor.app import quality_trend

    return {
        "quality": quality_trend(summaries),
        "data": data,
        "rows": rows,
        "chart": chart,
        "last": last,
        "choices": choices(st.exercise),
        "today": date.today().isoformat(),
    }


@router.get("/history", response_class=HTMLResponse)
def history_page(
    request: Request, st: State, who: Me, last: Annotated[int, Query(ge=1, le=300)] = 20
) -> Response:
    return render(
        request, "history.html", identity=who, error=None, notice=None,
        **_history_context(st, who, last),
    )  # fmt: skip


@router.post("/history/log", response_class=HTMLResponse)
def log_form(
    request: Request,
    st: State,
    who: Me,
    load: Annotated[str, Form(max_length=32)],
    reps: Annotated[int, Form(ge=1, le=200)],
    sets: Annotated[int, Form(ge=1, le=20)] = 1,
    day: Annotated[str, Form(max_length=10)] = "",
    rpe: Annotated[str, Form(max_length=8)] = "",
    pain: Annotated[str, Form(max_length=8)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
    variant: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    from extensor.web._service import log_by_hand

    check_csrf(request, csrf_token)
    try:
        when = date.fromisoformat(day) if day else None
        value_rpe = float(rpe) if rpe else None
        if value_rpe is not None and not 1 <= value_rpe <= 10:
            raise ValueError("rpe")
        log_by_hand(
            st.store(who), st.exercise, st.settings, load=load, reps=reps, sets=sets, day=when,
            rpe=value_rpe, pain=bool(pain), note=note, variant=variant or None,
        )  # fmt: skip
    except (ExtensorError, ValueError) as err:
        message = (
            err.message
            if isinstance(err, ExtensorError)
            else "the date must be YYYY-MM-DD and the RPE a number from 1 to 10"
        )
        return render(
            request, "history.html", status_code=422, identity=who, error=message, notice=None,
            **_history_context(st, who, 20),
        )  # fmt: skip
    return _see_other("/history")


@router.get("/next", response_class=HTMLResponse)
def next_page(request: Request, st: State, who: Me, goal: str | None = None) -> Response:
    return render(request, "next.html", identity=who, error=None, **_next_context(st, who, goal))


def _next_context(st: AppState, who: Identity, goal: str | None) -> dict[str, Any]:
    from extensor.progression import format_load
    from extensor.web._service import choices, next_session, profile_for

    try:
        rec, profile = next_session(st.store(who), st.settings, st.exercise, goal=goal)
    except ExtensorError as err:
        raise HTTPException(422, err.message) from None
    _, stored = profile_for(st.store(who), st.settings)
    goal_obj = st.exercise.goals.get(profile.goal)
    variant_obj = st.exercise.variants.get(profile.variant)
    return {
        "rec": rec,
        "profile": profile,
        "stored": stored,
        "goal_name": goal_obj.name if goal_obj else profile.goal,
        "variant_name": variant_obj.name if variant_obj else profile.variant,
        "load_text": None if rec.load is None else format_load(rec.load, rec.unit),
        "previous_text": None
        if rec.previous_load is None
        else format_load(rec.previous_load, rec.unit),
        "increment_text": format_load(profile.increment, profile.unit),
        "choices": choices(st.exercise),
    }


@router.post("/next/profile", response_class=HTMLResponse)
def profile_form(
    request: Request,
    st: State,
    who: Me,
    level: Annotated[str, Form(max_length=32)],
    goal: Annotated[str, Form(max_length=32)],
    variant: Annotated[str, Form(max_length=64)],
    increment: Annotated[str, Form(max_length=16)],
    unit: Annotated[str, Form(max_length=2)],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    from extensor.web._service import save_profile_from

    check_csrf(request, csrf_token)
    try:
        save_profile_from(
            st.store(who), st.exercise, st.settings, level=level, goal=goal, variant=variant,
            increment=increment, unit=unit,
        )  # fmt: skip
    except ExtensorError as err:
        return render(
            request, "next.html", status_code=422, identity=who, error=err.message,
            **_next_context(st, who, None),
        )  # fmt: skip
    return _see_other("/next")


# -- API reference ------------------------------------------------------------------------


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """A plain list of the API's endpoints, made from the OpenAPI schema (no CDN)."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [f"{p['name']} ({p['in']})" for p in op.get("parameters", []) if "name" in p]
            body = op.get("requestBody", {}).get("content", {})
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": params,
                    "body": ", ".join(body),
                    "codes": sorted(op.get("responses", {})),
                }
            )
    return render(request, "api.html", endpoints=endpoints)


# -- accounts (admin) ---------------------------------------------------------------------


def _require_admin(st: AppState, who: Identity) -> None:
    if not st.options.multi_user:
        raise HTTPException(404, "this server has no accounts")
    if not who.is_admin:
        raise HTTPException(403, "only an admin can manage accounts")


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, st: State, who: Me) -> Response:
    _require_admin(st, who)
    return render(request, "users.html", identity=who, users=st.db.users(), error=None, notice=None)


@router.post("/admin/users", response_class=HTMLResponse)
def users_form(
    request: Request,
    st: State,
    who: Me,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    is_admin: Annotated[str, Form(max_length=8)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    from extensor.web._accounts import AccountError, add_user

    check_csrf(request, csrf_token)
    _require_admin(st, who)
    try:
        add_user(st.db, name.strip(), password, is_admin=bool(is_admin))
    except AccountError as err:
        return render(
            request, "users.html", status_code=422, identity=who, users=st.db.users(),
            error=err.message, notice=None,
        )  # fmt: skip
    return render(
        request, "users.html", identity=who, users=st.db.users(), error=None,
        notice=f"Account {name.strip()} created.",
    )  # fmt: skip
