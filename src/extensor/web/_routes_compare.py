"""The comparison of two sets in the web app: ``/compare?a=..&b=..`` and ``/api/compare``.

A side is ``set:<id>`` (a logged set of the lifter) or ``job:<id>`` (a finished analysis
job; ``job:<id>:<n>`` its set ``n`` when the recording held several); a bare number is
a set id. The comparison itself is :func:`extensor.app.compare_sets`.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from extensor._errors import ExtensorError
from extensor.app import (
    SESSION_SCHEMA,
    Comparison,
    SetSide,
    compare_sets,
    side_from_analysis,
    side_from_logged,
)
from extensor.store import logged_set, logged_set_ids
from extensor.web._deps import Me, State
from extensor.web._routes_api import owned_job
from extensor.web._security import Identity
from extensor.web._state import AppState, render

__all__ = ["router"]

router = APIRouter()

_SIDE = re.compile(r"(?:(set|job):)?([A-Za-z0-9_-]{1,64})(?::([0-9]{1,2}))?")
#: What the API accepts as a side: a logged set's number, or an analysis job's id (with
#: the set's number for a recording of several sets).
_SIDE_QUERY = r"^(?:(?:set:)?[0-9]{1,18}|job:[A-Za-z0-9_-]{1,64}(?::[0-9]{1,2})?)$"
_Side = Annotated[str | None, Query(max_length=80, pattern=_SIDE_QUERY)]
_NeededSide = Annotated[str, Query(max_length=80, pattern=_SIDE_QUERY)]
_Unit = Annotated[str | None, Query(pattern="^(kg|lb)$")]


def _side(st: AppState, who: Identity, spec: str) -> SetSide:
    match = _SIDE.fullmatch(spec)
    if match is None:  # pragma: no cover - the query pattern refuses it first
        raise HTTPException(422, f"a side must be set:<id> or job:<id>, got {spec!r}")
    kind, ident = match.group(1) or "set", match.group(2)
    if kind == "job":
        owned_job(st, who, ident)
        path = st.jobs_dir / ident / "analysis.json"
        if not path.is_file():
            raise HTTPException(409, "that analysis is not finished")
        doc = _set_document(json.loads(path.read_text(encoding="utf-8")), spec, match.group(3))
        return side_from_analysis(doc, label=str(doc.get("source") or f"job {ident}"))
    if not ident.isdigit():
        raise HTTPException(422, f"a set id is a number, got {ident!r}")
    try:
        return side_from_logged(logged_set(st.store(who), int(ident)), label=f"set {ident}")
    except ExtensorError as err:
        raise HTTPException(404, err.message) from None


def _set_document(doc: dict[str, Any], spec: str, number: str | None) -> dict[str, Any]:
    """The analysis document of the side: the job's one set, or set ``number`` of a
    session document (a recording of several sets), labelled with its number."""
    if doc.get("schema") != SESSION_SCHEMA:
        if number is not None and int(number) != int(doc.get("info", {}).get("set", {}).get(
            "number", 1
        )):  # fmt: skip
            raise HTTPException(404, f"{spec}: that analysis holds one set")
        return doc
    sets = list(doc.get("sets") or ())
    if number is None:
        raise HTTPException(
            422, f"{spec}: that analysis holds {len(sets)} sets; pick one as {spec}:<n>"
        )
    if not 1 <= int(number) <= len(sets):
        raise HTTPException(404, f"{spec}: that analysis holds sets 1 to {len(sets)}")
    one = dict(sets[int(number) - 1])
    one["source"] = f"{one.get('source') or doc.get('source')}, set {int(number)}"
    return one


def _compare(st: AppState, who: Identity, a: str, b: str, unit: str | None) -> Comparison:
    return compare_sets(_side(st, who, a), _side(st, who, b), unit=unit)


@router.get("/api/compare", summary="Compare two sets (set:<id> or job:<id>)")
def compare_api(st: State, who: Me, a: _NeededSide, b: _NeededSide,
                unit: _Unit = None) -> dict[str, Any]:  # fmt: skip
    """Both sides are required: ``set:<id>`` (a logged set) or ``job:<id>`` (an analysis)."""
    return _compare(st, who, a, b, unit).to_dict()


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(request: Request, st: State, who: Me, a: _Side = None, b: _Side = None,
                 unit: _Unit = None) -> Response:  # fmt: skip
    result = _compare(st, who, a, b, unit) if a and b else None
    sets = logged_set_ids(st.store(who))
    jobs = [j for j in st.db.jobs(owner=who.user_id, limit=20) if j.get("state") == "done"]
    return render(
        request, "compare.html", identity=who, result=result, sets=sets, jobs=jobs,
        a=a or "", b=b or "",
    )  # fmt: skip
