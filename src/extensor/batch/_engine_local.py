"""The default engine: a process pool on this machine, one recording per task.

Workers are started with ``forkserver`` (``spawn`` where that is missing), never
``fork``: MediaPipe and OpenCV keep threads and graph state that a forked child would
inherit half-initialised. The pool has one worker per core this process may use, and at
most :data:`IN_FLIGHT_PER_WORKER` tasks per worker are submitted ahead, so the input is
streamed: a 10 000-file folder holds only a few tasks and their results in memory.

>>> from extensor.batch._task import TaskOptions
>>> seen = []
>>> run_local(iter([]), lambda job, out: seen.append(job), workers=1)
>>> seen
[]
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from extensor.batch._task import TaskOptions, execute

__all__ = ["IN_FLIGHT_PER_WORKER", "Job", "OnDone", "default_workers", "run_local"]

#: Tasks submitted ahead per worker: enough to keep every worker busy, few enough to
#: keep memory flat.
IN_FLIGHT_PER_WORKER = 2

#: A job: the result key, the recording's path and how to analyse it.
Job = tuple[str, str, TaskOptions]
#: Called in the driver as each task finishes, with the job and :func:`execute`'s outcome.
OnDone = Callable[[Job, dict[str, Any]], None]


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run_local(jobs: Iterable[Job], on_done: OnDone, *, workers: int | None = None) -> None:
    """Run every job in a process pool of ``workers`` and hand each outcome to ``on_done``.

    On an interrupt (Ctrl-C) the tasks not started are cancelled and the exception goes
    up; every outcome already handed over stays handed over.
    """
    n = workers or default_workers()
    it: Iterator[Job] = iter(jobs)
    first = next(it, None)
    if first is None:
        return
    pending: dict[Future[dict[str, Any]], Job] = {}
    pool = ProcessPoolExecutor(max_workers=n, mp_context=_context())
    try:
        job: Job | None = first
        while True:
            while job is not None and len(pending) < n * IN_FLIGHT_PER_WORKER:
                pending[pool.submit(execute, job[1], job[2])] = job
                job = next(it, None)
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                finished = pending.pop(future)
                on_done(finished, _outcome(future))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _outcome(future: Future[dict[str, Any]]) -> dict[str, Any]:
    try:
        return future.result()
    except Exception as err:  # noqa: BLE001 - a crashed worker fails its recording only
        return {
            "status": "failed",
            "error": {"type": type(err).__name__, "message": f"the worker died: {err}"},
            "cacheable": False,
            "elapsed_s": None,
        }
