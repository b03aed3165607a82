"""The Ray engine: the same per-recording task on a Ray cluster (``extensor[scale]``).

One Ray task per recording (``num_cpus=1``, so one per core), at most
:data:`IN_FLIGHT_PER_CPU` per CPU of the cluster submitted ahead. Ray keeps its worker
processes between tasks, so the analysis modules, MediaPipe and its model file are
loaded once per worker, not once per recording. The driver receives each outcome and
writes it (the engines share the resume rule and the table). Without ``address`` a local
Ray instance is started with one CPU per core, no dashboard and no worker logs on the
driver, and stopped at the end; a Ray already initialised in this process is used as is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extensor._errors import MissingExtraError
from extensor.batch._engine_local import Job, OnDone, default_workers
from extensor.batch._task import execute

__all__ = ["IN_FLIGHT_PER_CPU", "import_ray", "run_ray"]

#: Tasks submitted ahead per cluster CPU.
IN_FLIGHT_PER_CPU = 2


def import_ray() -> Any:
    """The ``ray`` module; :class:`MissingExtraError` naming ``extensor[scale]`` without it."""
    try:
        import ray
    except ImportError as err:
        raise MissingExtraError.for_extra("scale", "ray") from err
    return ray


def _execute(path: str, options: Any) -> dict[str, Any]:
    return execute(path, options)


def run_ray(
    jobs: Iterable[Job], on_done: OnDone, *, address: str | None = None, workers: int | None = None
) -> None:
    """Run every job as a Ray task and hand each outcome to ``on_done`` in the driver."""
    ray = import_ray()
    started = False
    if not ray.is_initialized():
        if address is None:
            ray.init(
                num_cpus=workers or default_workers(),
                include_dashboard=False,
                log_to_driver=False,
                ignore_reinit_error=True,
                runtime_env={"env_vars": _env_vars()},
            )
        else:
            ray.init(address=address, log_to_driver=False, ignore_reinit_error=True)
        started = True
    pending: dict[Any, Job] = {}
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        remote = ray.remote(num_cpus=1, max_retries=0)(_execute)
        it: Iterator[Job] = iter(jobs)
        job = next(it, None)
        while True:
            while job is not None and len(pending) < cpus * IN_FLIGHT_PER_CPU:
                pending[remote.remote(job[1], job[2])] = job
                job = next(it, None)
            if not pending:
                break
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                finished = pending.pop(ref)
                on_done(finished, _outcome(ray, ref))
    except BaseException:
        for ref in list(pending):
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()


def _env_vars() -> dict[str, str]:
    """What a local Ray's workers need to import this very extensor (its source folder first)."""
    import extensor

    here = str(Path(extensor.__file__).resolve().parents[1])
    rest = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": here if not rest else os.pathsep.join([here, rest])}


def _outcome(ray: Any, ref: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = ray.get(ref)
        return result
    except Exception as err:  # noqa: BLE001 - a lost worker fails its recording only
        return {
            "status": "failed",
            "error": {"type": type(err).__name__, "message": f"the Ray task failed: {err}"},
            "cacheable": False,
            "elapsed_s": None,
        }
