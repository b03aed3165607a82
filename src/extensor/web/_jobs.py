"""Analysis jobs: a bounded pool of worker processes fed from a persisted queue.

An upload becomes a row in the ``jobs`` table (state ``queued``) and its id goes into
an :class:`asyncio.Queue`. :class:`JobManager` runs one dispatcher coroutine per worker;
each takes the next id, hands :func:`run_job` to a process pool (``spawn`` context, so
nothing of the server's threads or sockets is inherited) and waits for it without
blocking the event loop. The pool never holds more than ``workers`` jobs, so the queue
order is the order of the uploads, and a queued job knows how many are ahead of it.

:func:`run_job` runs in the worker: it calls the application service
:func:`extensor.app.analyze_session` (the pipeline ``extensor analyze`` runs: read,
cut the recording into sets at long rests, analyse, optionally log every set in the
lifter's training log, coach, each set's report: ``report.html`` + ``report-guide.html``,
``report.set<n>.html`` for set ``n`` of several), writes ``analysis.json`` (the session document for several sets), and records the
service's progress in the jobs table as it goes. The
page polls that row, so progress survives a reload, and a server restart re-queues
whatever was queued or running.

>>> stage_progress("reading")
0.05
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from extensor._errors import ConfigError, ExtensorError
from extensor._files import atomic_write
from extensor._private import tighten_tree
from extensor.app import (
    CoachedSession,
    CoachedSet,
    LogEntry,
    OneSetFilesError,
    ProgressFn,
    analyze_session,
    set_report_path,
)
from extensor.coach import guide_path_for
from extensor.knowledge import load_exercise
from extensor.store import Store
from extensor.web._db import WebDB

__all__ = [
    "ANNOTATED_STEM",
    "JOB_FILES",
    "JOB_OPTIONS",
    "JobManager",
    "JobSpec",
    "QueueFullError",
    "annotated_file",
    "job_summary",
    "read_job_options",
    "run_job",
    "set_file",
    "set_summary",
    "stage_progress",
    "worker_init",
    "write_job_options",
]

logger = logging.getLogger("extensor.web")

#: Files a finished job keeps in its folder.
JOB_FILES = {
    "report": "report.html",
    "guide": "report-guide.html",
    "analysis": "analysis.json",
}
#: Share of the work done when each stage of :func:`extensor.app.analyze_session`
#: starts (video reading dominates a video job, so its own frame counter fills the span
#: between ``reading`` and ``analysing``). The set is logged before it is coached, so the
#: load verdict judges the log with it.
_STAGES: dict[str, tuple[float, str]] = {
    "reading": (0.05, "reading the recording"),
    "analysing": (0.80, "finding reps, phases and faults"),
    "logging": (0.82, "adding the set to the training log"),
    "coaching": (0.84, "choosing cues and the load verdict"),
    "annotating": (0.85, "writing the annotated video"),
    "key_frames": (0.93, "drawing the key frames of the report"),
    "report": (0.96, "writing the report"),
}
_STAGE_ORDER = tuple(_STAGES)
#: Least time between two progress writes from a video job (s): the page polls about
#: once a second, so more would only add database writes.
PROGRESS_INTERVAL_S = 0.5
#: Jobs a worker process runs before it is replaced: keeps slow leaks (a video decoder,
#: a model) from growing without bound on a long-running server.
MAX_TASKS_PER_WORKER = 50
#: Seconds between two looks of a worker at its parent: a killed server's workers are
#: gone within a second, for a cost of two syscalls a second.
PARENT_CHECK_S = 0.5
#: Exit status of a worker that ended because the server was gone.
ORPHAN_EXIT_CODE = 3
#: Files the workers create are readable and writable by the owner only.
PRIVATE_UMASK = 0o077


def stage_progress(stage: str) -> float:
    """The progress (0..1) at the start of ``stage``."""
    return _STAGES[stage][0]


class QueueFullError(Exception):
    """Too many jobs are waiting; the upload is refused until the queue drains."""


@dataclass(frozen=True, slots=True)
class JobSpec:
    """Everything a worker needs, as plain picklable values."""

    job_id: str
    db_path: str
    job_dir: str
    input_path: str
    input_type: str
    display_name: str
    exercise: str
    goal: str
    variant: str
    keep_upload: bool = False
    store_url: str | None = None
    log: dict[str, Any] | None = None
    read_options: dict[str, Any] | None = None
    annotated: bool = False
    whole: bool = False
    set_number: int | None = None


#: The upload's reading options (angle zero, frame rate...), the annotated-video wish and
#: the sets asked for (``set``, ``whole``), kept in the job folder so a job re-queued
#: after a restart reads them again.
JOB_OPTIONS = "options.json"
#: The annotated video's file name without suffix (the writer picks the container).
ANNOTATED_STEM = "annotated"
#: The container asked for; the video layer picks a browser-playable codec for it.
ANNOTATED_SUFFIX = ".mp4"


def write_job_options(job_dir: Path, opts: dict[str, Any]) -> None:
    """Save the reading options of an upload in its job folder (no file when none)."""
    data = {
        "read_options": opts.get("read_options") or {},
        "annotated": bool(opts.get("annotated")),
        "whole": bool(opts.get("whole")),
        "set_number": opts.get("set_number"),
    }
    if data == _NO_OPTIONS:
        return
    atomic_write(job_dir / JOB_OPTIONS, json.dumps(data) + "\n")


_NO_OPTIONS: dict[str, Any] = {
    "read_options": {}, "annotated": False, "whole": False, "set_number": None,
}  # fmt: skip


def read_job_options(job_dir: Path) -> dict[str, Any]:
    """The options :func:`write_job_options` saved (none for an older job)."""
    path = job_dir / JOB_OPTIONS
    if not path.is_file():
        return dict(_NO_OPTIONS)
    data = json.loads(path.read_text(encoding="utf-8"))
    number = data.get("set_number")
    return {
        "read_options": dict(data.get("read_options") or {}),
        "annotated": bool(data.get("annotated")),
        "whole": bool(data.get("whole")),
        "set_number": None if number is None else int(number),
    }


def set_file(job_dir: Path, number: int, name: str) -> Path:
    """The file ``name`` (``"report"`` or ``"guide"``) of set ``number`` of a job whose
    recording held several sets: where the pipeline writes it
    (:func:`~extensor.app.set_report_path`).

    >>> set_file(Path("job"), 2, "guide").as_posix()
    'job/report.set2-guide.html'
    """
    report = set_report_path(job_dir / JOB_FILES["report"], number)
    return guide_path_for(report) if name == "guide" else report


def annotated_file(job_dir: Path) -> Path | None:
    """The job's annotated video, whatever its suffix, or None."""
    found = sorted(job_dir.glob(ANNOTATED_STEM + ".*"))
    return found[0] if found else None


def _public_error(err: BaseException, spec: JobSpec) -> str:
    """The error message with the server's file paths replaced by the upload's name."""
    text = str(err)
    for internal in (spec.input_path, spec.job_dir):
        text = text.replace(internal, spec.display_name)
    return text


def _write_json(path: Path, data: Any) -> None:
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def run_job(spec: JobSpec) -> str:
    """Analyse one uploaded recording (runs in a worker); returns the final state.

    Never raises for a bad recording: the job ends ``failed`` with a message that names
    the upload, not the server's paths.
    """
    db = WebDB(Path(spec.db_path))
    started = time.time()
    db.update_job(
        spec.job_id, state="running", progress=stage_progress("reading"),
        stage=_STAGES["reading"][1], started_at=started,
    )  # fmt: skip
    try:
        summary, set_id = _analyse(spec, db)
    except ExtensorError as err:
        db.update_job(
            spec.job_id, state="failed", stage="failed", error=_public_error(err, spec),
            finished_at=time.time(),
        )  # fmt: skip
        return "failed"
    except Exception as err:  # noqa: BLE001 - any crash becomes a failed job, logged in full
        logger.error("job %s crashed:\n%s", spec.job_id, traceback.format_exc())
        db.update_job(
            spec.job_id, state="failed", stage="failed",
            error=f"internal error while analysing ({type(err).__name__}); see the server log",
            finished_at=time.time(),
        )  # fmt: skip
        return "failed"
    finally:
        if not spec.keep_upload:
            upload = Path(spec.input_path)
            if upload.is_dir():  # an OpenPose zip unpacked into a folder of frames
                shutil.rmtree(upload, ignore_errors=True)
            else:
                upload.unlink(missing_ok=True)
    db.update_job(
        spec.job_id, state="done", progress=1.0, stage="done", summary=summary,
        logged_set_id=set_id, finished_at=time.time(),
        input_file=spec.input_path if spec.keep_upload else None,
    )  # fmt: skip
    return "done"


def _log_request(spec: JobSpec) -> tuple[LogEntry | None, Store | None]:
    """The training-log entry and the lifter's store when the upload is to be saved; the
    entry's key is the job's, so a job re-run after a server restart stores nothing twice."""
    if spec.log is None or spec.store_url is None:
        return None, None
    log = spec.log
    entry = LogEntry(
        load=float(log["load"]), unit=str(log["unit"]),
        day=date.fromisoformat(log["day"]) if log.get("day") else None,
        rpe=log.get("rpe"), pain=bool(log.get("pain")), note=log.get("note") or None,
        result_key=hashlib.sha256(f"web-job:{spec.job_id}".encode()).hexdigest(),
    )  # fmt: skip
    return entry, Store(spec.store_url)


def _analyse(spec: JobSpec, db: WebDB) -> tuple[dict[str, Any], int | None]:
    """Analyse the upload set by set (like ``extensor analyze``), write the files and
    ``analysis.json``; (the summary, the first logged set's id).

    The recording is read once; the pipeline writes each set's report (``report.html``
    for set 1 or the only set, ``report.set<n>.html`` for set ``n``: :func:`set_file`)
    and, for one set (``whole`` or ``set_number``, or a recording of one), the annotated
    video. A failure leaves no file and no saved set behind.
    """
    exercise = load_exercise(spec.exercise)
    progress = _progress(spec, db)
    entry, store = _log_request(spec)
    job_dir = Path(spec.job_dir)
    with store or contextlib.nullcontext():
        try:
            session = analyze_session(
                Path(spec.input_path), goal=spec.goal, variant=spec.variant,
                set_number=spec.set_number, whole=spec.whole, exercise=exercise,
                input_type=spec.input_type, source_name=spec.display_name,
                read_options=spec.read_options or None, report=job_dir / JOB_FILES["report"],
                annotated=job_dir / (ANNOTATED_STEM + ANNOTATED_SUFFIX) if spec.annotated else None,
                log=entry, store=store, progress=progress,
            )  # fmt: skip
        except OneSetFilesError as err:
            raise ConfigError(
                f"this recording holds {err.set_count} sets: the annotated video shows one set,"
                " so choose it with the set field (from 1), or tick whole to analyse the"
                " recording as one set"
            ) from None
        try:
            _write_json(job_dir / JOB_FILES["analysis"], session.to_dict())
        except BaseException:
            session.discard(store)
            raise
    warnings = [w for d in session.sets for w in d.warnings]
    summary = job_summary(session, warnings=warnings)
    ids = summary["logged_set_ids"]
    return summary, ids[0] if ids else None


def set_summary(done: CoachedSet) -> dict[str, Any]:
    """The numbers of one analysed set the job list and the result page show."""
    result, coaching = done.result, done.coaching
    m = result.metrics
    return {
        "rep_count": m.rep_count,
        "full_rep_count": m.full_rep_count,
        "clean_rep_count": coaching.clean_rep_count,
        "duration_s": round(m.duration_s, 2),
        "input_kind": result.input_kind,
        "cues": [c.text for c in coaching.cues],
        "verdict": coaching.verdict.headline,
        "decision": coaching.verdict.decision,
    }


def job_summary(session: CoachedSession, *, warnings: Sequence[str] = ()) -> dict[str, Any]:
    """The job's summary: one set's numbers at the top (for several sets: the reps summed,
    the cues and verdict of the last set, which judges the next one), ``set_count`` (the
    sets the recording holds), ``sets`` (each analysed set with its number, its time
    window and ``logged_set_id``), ``logged_set_ids`` and the ``warnings``."""
    sets = [_set_entry(d, k, session.set_count) for k, d in enumerate(session.sets, start=1)]
    top = dict(sets[-1])
    if len(sets) > 1:
        for key in ("rep_count", "full_rep_count", "clean_rep_count"):
            top[key] = sum(int(x[key]) for x in sets)
        top["duration_s"] = round(sum(float(x["duration_s"]) for x in sets), 2)
    for key in ("number", "of", "start_s", "end_s", "session_reference_range_deg",
                "logged_set_id"):  # fmt: skip
        top.pop(key)
    ids = [x["logged_set_id"] for x in sets if x["logged_set_id"] is not None]
    return {**top, "set_count": session.set_count, "sets": sets, "logged_set_ids": ids,
            "warnings": list(warnings)}  # fmt: skip


def _set_entry(done: CoachedSet, position: int, set_count: int) -> dict[str, Any]:
    """One set of the summary: where it lies in the recording (``info["set"]``; a
    recording analysed as one set is set 1 of 1 without a window) and its numbers."""
    where = done.result.info.get("set") or {}
    logged = done.logged.set_ids[0] if done.logged and done.logged.set_ids else None
    return {
        "number": int(where.get("number", position)),
        "of": int(where.get("of", set_count)),
        "start_s": where.get("start_s"),
        "end_s": where.get("end_s"),
        "session_reference_range_deg": where.get("session_reference_range_deg"),
        **set_summary(done),
        "logged_set_id": logged,
    }


def _progress(spec: JobSpec, db: WebDB) -> ProgressFn:
    """The pipeline's progress callback: each stage's share, and the video's frame counter
    between ``reading`` and ``analysing`` (written at most every PROGRESS_INTERVAL_S)."""
    lo, hi = stage_progress("reading"), stage_progress("analysing")
    last = [0.0]

    def report(stage: str, done: int | None, total: int | None) -> None:
        if done is None:
            if stage != "reading":
                fraction, text = _STAGES[stage]
                db.update_job(spec.job_id, progress=fraction, stage=text)
            return
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_S and (total is None or done < total):
            return
        last[0] = now
        share = min(1.0, done / total) if total else 0.0
        if stage == "reading":
            db.update_job(
                spec.job_id,
                progress=round(lo + (hi - lo) * share, 4),
                stage=f"finding the lifter in the video: frame {done} of about {total}",
            )
            return
        start, text = _STAGES[stage]
        k = _STAGE_ORDER.index(stage) + 1
        span = (_STAGES[_STAGE_ORDER[k]][0] if k < len(_STAGE_ORDER) else 1.0) - start
        of = "" if not total else f" of about {total}" if stage == "annotating" else f" of {total}"
        db.update_job(
            spec.job_id, progress=round(start + span * share, 4), stage=f"{text}: {done}{of}"
        )

    return report


def worker_init(parent_pid: int) -> None:
    """Start of every worker process: private files, and a watchdog on the server.

    The umask makes every file the analysis writes (report, JSON, uploads kept) readable
    by the owner only. The watchdog thread ends the worker as soon as the server that
    started it is gone (its parent process id changes when the server is killed), so a
    ``kill -9`` of the server leaves no analysis running on its own.
    """
    os.umask(PRIVATE_UMASK)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(ORPHAN_EXIT_CODE)

    threading.Thread(target=watch, name="extensor-parent-watchdog", daemon=True).start()


def _warm_up() -> bool:
    """Start a worker before the first job: spawning it imports this module, and with it
    the whole analysis stack (:mod:`extensor.app`), so the first real job does not pay."""
    return True


class JobManager:
    """The queue and the worker pool of one app (kept on ``app.state``, never global)."""

    def __init__(
        self, db: WebDB, *, workers: int, max_queued: int, worker_kind: str = "process"
    ) -> None:
        self.db = db
        self.workers = workers
        self.max_queued = max_queued
        self.worker_kind = worker_kind
        self._queue: asyncio.Queue[JobSpec] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._executor: concurrent.futures.Executor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.completed = 0

    def _new_executor(self) -> concurrent.futures.Executor:
        if self.worker_kind == "thread":
            return concurrent.futures.ThreadPoolExecutor(
                max_workers=self.workers, thread_name_prefix="extensor-job"
            )
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=MAX_TASKS_PER_WORKER,
            initializer=worker_init,
            initargs=(os.getpid(),),
        )

    async def start(self, pending: list[JobSpec]) -> None:
        """Start the dispatchers and re-queue ``pending`` (jobs a previous run left)."""
        self._loop = asyncio.get_running_loop()
        self._executor = self._new_executor()
        for spec in pending:
            self.db.update_job(spec.job_id, state="queued", stage="waiting for a worker")
            self._queue.put_nowait(spec)
        self._tasks = [
            asyncio.create_task(self._dispatch(), name=f"extensor-dispatch-{n}")
            for n in range(self.workers)
        ]
        loop = asyncio.get_running_loop()
        warm = loop.run_in_executor(self._executor, _warm_up)
        warm.add_done_callback(lambda f: f.exception() if not f.cancelled() else None)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._executor is not None:
            executor, self._executor = self._executor, None
            await asyncio.to_thread(_shutdown, executor)

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    def submit(self, spec: JobSpec) -> None:
        """Queue a job; safe from any thread or event loop. Raises :class:`QueueFullError`."""
        if self._queue.qsize() >= self.max_queued:
            raise QueueFullError
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if self._loop is None or current is self._loop:
            self._queue.put_nowait(spec)
        else:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, spec)

    def check_room(self) -> None:
        """Raise :class:`QueueFullError` before an upload is even read when the queue is full."""
        if self._queue.qsize() >= self.max_queued:
            raise QueueFullError

    async def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            spec = await self._queue.get()
            try:
                if self._executor is None:  # pragma: no cover - stopped while queued
                    return
                await loop.run_in_executor(self._executor, run_job, spec)
                await asyncio.to_thread(tighten_tree, Path(spec.job_dir))  # thread workers
            except BrokenProcessPool:
                logger.error("the worker of job %s died; restarting the pool", spec.job_id)
                await asyncio.to_thread(
                    self._fail, spec, "the analysis worker stopped unexpectedly"
                )
                old, self._executor = self._executor, self._new_executor()
                if old is not None:
                    old.shutdown(wait=False, cancel_futures=True)
            except Exception:  # keep the dispatcher alive whatever happens
                logger.exception("job %s could not be run", spec.job_id)
                await asyncio.to_thread(self._fail, spec, "the job could not be started")
            finally:
                self.completed += 1
                self._queue.task_done()

    def _fail(self, spec: JobSpec, message: str) -> None:
        self.db.update_job(
            spec.job_id, state="failed", stage="failed", error=message, finished_at=time.time()
        )
        if not spec.keep_upload:
            upload = Path(spec.input_path)
            if upload.is_dir():  # an OpenPose zip unpacked into a folder of frames
                shutil.rmtree(upload, ignore_errors=True)
            else:
                upload.unlink(missing_ok=True)


def _shutdown(executor: concurrent.futures.Executor) -> None:
    """Stop the pool without waiting for a running analysis (a long video would hold the
    server's shutdown for minutes); its job stays ``running`` and is re-queued at the
    next start. Python 3.11 has no public way to end a pool's processes, hence the
    private ``_processes`` (3.14 adds ``terminate_workers``)."""
    processes = dict(getattr(executor, "_processes", None) or {})  # process pools only
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in processes.values():
        if proc.is_alive():
            proc.terminate()
    for proc in processes.values():
        proc.join(timeout=5)
    if not processes:
        executor.shutdown(wait=True)


def remove_job_files(job_dir: Path) -> None:
    """Delete a job's folder (its report, JSON and any kept upload)."""
    shutil.rmtree(job_dir, ignore_errors=True)
