"""The training log in and out of the web app: export (extensor CSV/JSON, Strong, Hevy)
and import of Strong, Hevy or Strong/Hevy-layout exports, as a page (``/log``) and the API
(``/api/log/export``, ``/api/log/import``). Both call :func:`extensor.store.export_log`
and :func:`extensor.store.import_file`, as ``extensor export`` and ``extensor import`` do.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from extensor._errors import ExtensorError
from extensor.store import export_log, import_file
from extensor.web._deps import Me, State, check_csrf, require_csrf
from extensor.web._security import Identity
from extensor.web._state import AppState, render

__all__ = ["router"]

router = APIRouter()

ExportFmt = Literal["csv", "json", "strong", "hevy"]
ImportFmt = Literal["auto", "strong", "hevy"]
_MEDIA = {"json": "application/json"}
#: Bytes read per chunk of an uploaded export.
CHUNK_BYTES = 1 << 16


def _export(st: AppState, who: Identity, fmt: ExportFmt) -> Response:
    text = export_log(st.store(who), fmt=fmt)
    suffix = "json" if fmt == "json" else "csv"
    name = f"extensor-log{'' if fmt in ('csv', 'json') else '-' + fmt}.{suffix}"
    return PlainTextResponse(
        text, media_type=_MEDIA.get(fmt, "text/csv") + "; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


async def _import(st: AppState, who: Identity, file: UploadFile, fmt: ImportFmt,
                  variant: str | None) -> dict[str, Any]:  # fmt: skip
    """Save the upload (at most the server's file limit) and import it; 413/422 else."""
    limit = st.options.max_file_bytes
    with tempfile.TemporaryDirectory(dir=st.jobs_dir.parent) as tmp:
        path = Path(tmp) / "export.csv"
        size = 0
        with path.open("wb") as out:
            while chunk := await file.read(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"the export is larger than {limit // 2**20} MB")
                out.write(chunk)
        try:
            the_variant = st.exercise.variant(variant).id if variant else None
            report = import_file(st.store(who), path, fmt=fmt, variant=the_variant)
        except ExtensorError as err:
            message = err.message.replace(str(path), file.filename or "the file")
            raise HTTPException(422, message) from None
    data = report.to_dict()
    data["path"] = file.filename or "export.csv"
    return data


@router.get(
    "/api/log/export",
    summary="The training log as CSV, JSON, or a Strong or Hevy CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/json": {}},
                     "description": "the export file"}},
)  # fmt: skip
def export_api(st: State, who: Me, format: Annotated[ExportFmt, Query()] = "csv") -> Response:
    return _export(st, who, format)


@router.post("/api/log/import", summary="Import a Strong or Hevy CSV export",
             dependencies=[Depends(require_csrf)])  # fmt: skip
async def import_api(
    st: State, who: Me, file: Annotated[UploadFile, File()],
    format: Annotated[ImportFmt, Form()] = "auto",
    variant: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:  # fmt: skip
    return await _import(st, who, file, format, variant or None)


@router.get("/log", response_class=HTMLResponse, include_in_schema=False)
def log_page(request: Request, st: State, who: Me) -> Response:
    return render(request, "log.html", identity=who, report=None, error=None,
                  variants=list(st.exercise.variants.values()))  # fmt: skip


@router.post("/log/import", response_class=HTMLResponse, include_in_schema=False)
async def log_import_form(
    request: Request, st: State, who: Me, file: Annotated[UploadFile, File()],
    format: Annotated[ImportFmt, Form()] = "auto",
    variant: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf_token)
    variants = list(st.exercise.variants.values())
    try:
        report = await _import(st, who, file, format, variant or None)
    except HTTPException as err:
        return render(request, "log.html", status_code=err.status_code, identity=who,
                      report=None, error=str(err.detail), variants=variants)  # fmt: skip
    return render(request, "log.html", identity=who, report=report, error=None, variants=variants)


@router.get("/log/export", include_in_schema=False)
def log_export_file(st: State, who: Me, format: Annotated[ExportFmt, Query()] = "csv") -> Response:
    return _export(st, who, format)
