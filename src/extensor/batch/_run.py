"""Running a batch: keys, resume, the engines, the per-recording results and the table.

Layout of ``--out DIR``::

    results/<key>.json     one record per recording analysed (or failed for a reason
                           in the recording itself), written atomically as it finishes
    reports/<source>.html  the HTML reports (``--report``; set n of several:
                           ``<source>.set<n>.html``)
    table.csv              one row per set and per rep, rebuilt from results/ each run
    table.parquet          the same table (needs pyarrow)
    summary.json           sets, reps, faults by kind, failures

A recording whose key (:func:`~extensor.batch._keys.result_key`) has a record is not
analysed again; so an interrupted batch (Ctrl-C, kill -9) resumes where it stopped, and a
rerun of a finished one does nothing but rebuild the table. Failures that do not come
from the recording (a missing extra, a crashed worker) are not recorded: they are tried
again next time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from extensor._errors import ConfigError, ExtensorError
from extensor._files import atomic_write
from extensor.app import set_report_path
from extensor.batch._engine_local import Job, run_local
from extensor.batch._keys import result_key
from extensor.batch._manifest import Entry, iter_entries
from extensor.batch._table import Summary, rows_of, write_csv, write_parquet
from extensor.batch._task import TaskOptions, set_documents

__all__ = ["BatchOptions", "BatchRun", "run_batch"]

Engine = Literal["local", "ray"]
TableFormat = Literal["both", "csv", "parquet"]


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """The batch's defaults (a manifest row may override goal, variant, fps, angle zero)."""

    goal: str
    variant: str
    exercise: str = "lever_back_extension"
    input_type: str | None = None
    fps: float | None = None
    angle_zero: float | None = None
    report: bool = False
    #: each recording one set, even across long rests (else several sets give one result each)
    whole: bool = False
    engine: Engine = "local"
    workers: int | None = None
    address: str | None = None
    table: TableFormat = "both"


@dataclass(slots=True)
class BatchRun:
    """What a batch did: counts of this run, the summary over all its recordings, files."""

    out: Path
    total: int = 0
    analysed: int = 0
    reused: int = 0
    summary: dict[str, Any] = field(default_factory=dict)
    tables: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    order: list[tuple[str, str]] = field(default_factory=list)
    transient: dict[str, dict[str, Any]] = field(default_factory=dict)

    def records(self) -> Iterator[dict[str, Any]]:
        """Every recording's result record, in input order (read back from ``results/``)."""
        return _records(self.order, self.out / "results", self.transient)

    @property
    def failed(self) -> int:
        return int(self.summary.get("failed", 0))


#: Called after each recording: (done so far, total, source, status).
Progress = Callable[[int, int, str, str], None]


def _clean_temporary(out: Path) -> None:
    """Remove temporary files a killed batch left (``atomic_path``'s ``.name.*.tmp*``)."""
    for folder in (out, out / "results", out / "reports"):
        if folder.is_dir():
            for stray in folder.rglob(".*.tmp*"):
                if stray.is_file():
                    stray.unlink(missing_ok=True)


def _task_options(entry: Entry, opts: BatchOptions, out: Path) -> TaskOptions:
    report = str(out / "reports" / f"{entry.source}.html") if opts.report else None
    return TaskOptions(
        goal=entry.goal or opts.goal,
        variant=entry.variant or opts.variant,
        exercise=opts.exercise,
        input_type=opts.input_type,
        fps=entry.fps if entry.fps is not None else opts.fps,
        angle_zero=entry.angle_zero if entry.angle_zero is not None else opts.angle_zero,
        report=report,
        whole=opts.whole,
    )


def _meta(entry: Entry) -> dict[str, Any]:
    return {
        "source": entry.source,
        "path": str(entry.path),
        "lifter": entry.lifter,
        "date": None if entry.day is None else entry.day.isoformat(),
        "load": entry.load,
    }


def _reports_there(record: dict[str, Any], task: TaskOptions) -> bool:
    """Whether every report ``task`` asks for is there: each set's of the record's
    analysis, at the paths of this run's ``--out`` (the record may come from another)."""
    if task.report is None:
        return True
    count = len(set_documents(record.get("analysis") or {}))
    first = Path(task.report)
    return all(set_report_path(first, n).exists() for n in range(1, count + 1))


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def run_batch(
    input: str | Path,
    out: str | Path,
    options: BatchOptions,
    *,
    progress: Progress | None = None,
    total: int | None = None,
) -> BatchRun:
    """Analyse every recording of ``input`` not yet done into ``out``; rebuild the table.

    ``total`` (the number of recordings, for the progress bar) is counted when not given.
    Raises :class:`KeyboardInterrupt` through after an interrupt, with every finished
    recording already on disk.
    """
    out_dir = Path(out)
    results = out_dir / "results"
    try:
        results.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(
            f"--out must be a writable folder: {err.strerror}", source=out_dir
        ) from None
    _clean_temporary(out_dir)
    if options.table == "parquet":
        from extensor.batch._table import _pyarrow

        _pyarrow()  # fail before the work, not after
    run = BatchRun(out=out_dir)
    if total is None:
        total = sum(1 for _ in iter_entries(input, exclude=out_dir))
    run.total = total
    order = run.order  # (source, key) in input order
    transient = run.transient
    metas: dict[str, dict[str, Any]] = {}
    done = 0

    def tick(source: str, status: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, source, status)

    def jobs() -> Iterator[Job]:
        for entry in iter_entries(input, exclude=out_dir):
            task = _task_options(entry, options, out_dir)
            meta = _meta(entry)
            try:
                key = result_key(
                    entry.path,
                    {**task.key_options(), **{k: meta[k] for k in ("lifter", "date", "load")}},
                    exercise=options.exercise,
                )
            except OSError as err:
                key = f"unreadable:{entry.source}"
                transient[key] = {
                    **meta, "key": None, "status": "failed", "elapsed_s": None,
                    "error": {"type": "OSError", "message": f"{entry.path}: cannot be read: {err.strerror or err}"},
                }  # fmt: skip
                order.append((entry.source, key))
                tick(entry.source, "failed")
                continue
            order.append((entry.source, key))
            record = _read_record(results / f"{key}.json")
            if record is not None and (
                record.get("status") != "ok" or _reports_there(record, task)
            ):
                run.reused += 1
                tick(entry.source, "done before")
                continue
            metas[key] = meta
            yield key, str(entry.path), task

    def on_done(job: Job, outcome: dict[str, Any]) -> None:
        key = job[0]
        meta = metas.pop(key, {"source": job[1], "path": job[1]})
        record = {"key": key, **meta, **outcome}
        cacheable = record.pop("cacheable", True)
        if record["status"] == "ok" or cacheable:
            atomic_write(results / f"{key}.json", json.dumps(record, ensure_ascii=False) + "\n")
        else:
            transient[key] = record
        run.analysed += 1
        tick(str(meta["source"]), str(record["status"]))

    if options.engine == "ray":
        from extensor.batch._engine_ray import run_ray

        run_ray(jobs(), on_done, address=options.address, workers=options.workers)
    elif options.engine == "local":
        run_local(jobs(), on_done, workers=options.workers)
    else:
        raise ConfigError(f"engine must be local or ray, got {options.engine!r}")
    _finish(run, order, results, transient, options)
    return run


def _records(
    order: list[tuple[str, str]], results: Path, transient: dict[str, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    for source, key in order:
        record = transient.get(key) or _read_record(results / f"{key}.json")
        if record is None:
            record = {
                "key": key, "status": "failed",
                "error": {"type": "MissingResult", "message": f"{source}: no result was written"},
            }  # fmt: skip
        # the same content may sit at another path than when it was analysed
        yield {**record, "source": source}


def _finish(
    run: BatchRun,
    order: list[tuple[str, str]],
    results: Path,
    transient: dict[str, dict[str, Any]],
    options: BatchOptions,
) -> None:
    summary = Summary()

    def rows() -> Iterator[dict[str, Any]]:
        for record in _records(order, results, transient):
            summary.add(record)
            yield from rows_of(record)

    def rows_only() -> Iterator[dict[str, Any]]:
        for record in _records(order, results, transient):
            yield from rows_of(record)

    csv_path = run.out / "table.csv"
    parquet_path = run.out / "table.parquet"
    if options.table in ("both", "csv"):
        write_csv(rows(), csv_path)
        run.tables.append(csv_path)
    if options.table in ("both", "parquet"):
        try:
            write_parquet(rows_only() if run.tables else rows(), parquet_path)
            run.tables.append(parquet_path)
        except ExtensorError as err:
            if options.table == "parquet":
                raise
            run.warnings.append(f"table.parquet not written: {err}")
    run.summary = {
        **summary.to_dict(),
        "analysed_now": run.analysed,
        "done_before": run.reused,
        "tables": [p.name for p in run.tables],
    }
    atomic_write(
        run.out / "summary.json", json.dumps(run.summary, indent=2, ensure_ascii=False) + "\n"
    )
