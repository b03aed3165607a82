"""The one task of a batch: analyse one recording, as ``extensor analyze --json`` does.

:func:`analyse_one` is the only place a batch touches the analysis; both engines run it
(through :func:`execute`) in their worker processes, one recording per call, with one
pose worker, so a result never depends on the engine. It calls the application service
as ``extensor analyze`` does (read, analyse, coach, JSON document, report).

>>> import tempfile, pathlib
>>> from extensor._example import write_example
>>> path = write_example(pathlib.Path(tempfile.mkdtemp()) / "set.csv")
>>> data, reports = analyse_one(path, TaskOptions(goal="hypertrophy", variant="45_degree_bench"))
>>> data["metrics"]["rep_count"], reports
(8, [])
"""

from __future__ import annotations

import functools
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from extensor._errors import AnalysisError, ExtensorError, InputError
from extensor.app import SESSION_SCHEMA, analyze_session
from extensor.io import detect_input_type
from extensor.knowledge import Exercise, load_exercise

__all__ = [
    "POSE_WORKERS_PER_TASK",
    "TaskOptions",
    "analyse_one",
    "execute",
    "set_documents",
]

#: Pose workers inside one task: the pool supplies the parallelism, one clip per task.
POSE_WORKERS_PER_TASK = 1


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """How to analyse one recording (``report``: where to write its HTML report, or None)."""

    goal: str
    variant: str
    exercise: str = "lever_back_extension"
    input_type: str | None = None
    fps: float | None = None
    angle_zero: float | None = None
    report: str | None = None
    #: analyse each recording as one set, even across long rests
    whole: bool = False

    def key_options(self) -> dict[str, Any]:
        """The options that change the analysis (what the result key holds)."""
        data = asdict(self)
        data.pop("report")
        return data


@functools.lru_cache(maxsize=4)
def _exercise(name: str) -> Exercise:
    """The exercise, parsed once per worker process."""
    return load_exercise(name)


def analyse_one(path: str | Path, options: TaskOptions) -> tuple[dict[str, Any], list[str]]:
    """The ``analyze --json`` document of ``path`` and the reports written (none without
    ``options.report``): the application service's pipeline, as ``extensor analyze`` runs
    it. A recording of several sets gives the session document (see :func:`set_documents`),
    with or without reports, so the result never depends on ``report`` (not in the key).

    Each set gets its report: set 1 at ``options.report``, set ``n`` next to it as
    ``<name>.set<n>.html`` (:func:`~extensor.app.set_report_path`), from one read of the
    recording.
    """
    exercise = _exercise(options.exercise)
    kind = options.input_type or detect_input_type(path)
    read: dict[str, Any] = {
        k: v
        for k, v in {"fps": options.fps, "angle_zero": options.angle_zero}.items()
        if v is not None
    }
    if kind == "video":
        read["workers"] = POSE_WORKERS_PER_TASK

    session = analyze_session(
        path, goal=options.goal, variant=options.variant, exercise=exercise,
        input_type=kind, read_options=read, whole=options.whole,
        report=None if options.report is None else Path(options.report),
    )  # fmt: skip
    return session.to_dict(), [str(s.report.report) for s in session.sets if s.report is not None]


def set_documents(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """The set documents of one result: the sets of a session document
    (``extensor.session/1``, a recording of several sets), else the one set document."""
    if analysis.get("schema") == SESSION_SCHEMA:
        return list(analysis["sets"])
    return [analysis]


def execute(path: str, options: TaskOptions) -> dict[str, Any]:
    """Run :func:`analyse_one` and describe the outcome as plain data (never raises).

    ``status`` is ``ok`` or ``failed``; a failure carries ``error`` (the type and the
    reader's message) and ``cacheable``: True when the recording itself is at fault
    (:class:`~extensor.InputError`, :class:`~extensor.AnalysisError`), so a rerun of the
    same content need not try again; False for anything else (a missing extra, a bug).
    """
    start = time.perf_counter()
    try:
        analysis, reports = analyse_one(path, options)
        out: dict[str, Any] = {
            "status": "ok",
            "analysis": analysis,
            "report": reports[0] if reports else None,
            "reports": reports,
        }
    except (InputError, AnalysisError) as err:
        out = {"status": "failed", "error": _error(err), "cacheable": True}
    except ExtensorError as err:
        out = {"status": "failed", "error": _error(err), "cacheable": False}
    except Exception as err:  # noqa: BLE001 - one bad recording must not stop the batch
        out = {
            "status": "failed",
            "error": {**_error(err), "traceback": traceback.format_exc(limit=8)},
            "cacheable": False,
        }
    out["elapsed_s"] = round(time.perf_counter() - start, 3)
    return out


def _error(err: BaseException) -> dict[str, str]:
    return {"type": type(err).__name__, "message": str(err)}
