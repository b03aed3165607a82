"""The annotated video of a video job: ``/jobs/{id}/annotated`` (played on the job page)
and ``/api/jobs/{id}/annotated``, served with the content type of its suffix."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from extensor.web._deps import Me, State
from extensor.web._jobs import annotated_file
from extensor.web._routes_api import owned_job

__all__ = ["VIDEO_TYPES", "router"]

router = APIRouter()

#: Content type of the annotated video by its suffix.
VIDEO_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
}


def _serve(st: State, who: Me, job_id: str) -> FileResponse:
    job = owned_job(st, who, job_id)
    if job["state"] != "done":
        raise HTTPException(409, f"the analysis is {job['state']}, not done")
    path = annotated_file(st.jobs_dir / job_id)
    if path is None:
        raise HTTPException(404, "this analysis has no annotated video")
    media = VIDEO_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "private, no-cache"})


@router.get("/api/jobs/{job_id}/annotated", summary="The annotated video of a video analysis",
            response_class=FileResponse)  # fmt: skip
def annotated_api(job_id: str, st: State, who: Me) -> FileResponse:
    return _serve(st, who, job_id)


@router.get("/jobs/{job_id}/annotated", include_in_schema=False)
def annotated_page_file(job_id: str, st: State, who: Me) -> FileResponse:
    return _serve(st, who, job_id)
