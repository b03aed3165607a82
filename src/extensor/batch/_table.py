"""The results table of a batch: one row per set and one per rep, as CSV and Parquet.

Rows are built from the per-recording result records (``results/<key>.json``), in the
order of the batch's input, so the table is the same whichever engine ran and however
often the batch was interrupted. :data:`TIMING_COLUMNS` are the only columns that
differ between two runs of the same input. The CSV needs nothing beyond the standard
library; Parquet needs ``pyarrow`` (``pip install 'extensor[scale]'``).

>>> record = {"key": "k", "source": "a.csv", "status": "failed",
...           "error": {"type": "InputFormatError", "message": "a.csv: no time column"}}
>>> [(r["row"], r["status"], r["error"]) for r in rows_of(record)]
[('set', 'failed', 'a.csv: no time column')]
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extensor._errors import MissingExtraError
from extensor._files import atomic_path
from extensor.batch._task import set_documents

__all__ = [
    "TABLE_COLUMNS",
    "TIMING_COLUMNS",
    "Summary",
    "rows_of",
    "write_csv",
    "write_parquet",
]

#: Column name -> type (``str``, ``int``, ``float``, ``bool``); None cells are empty.
TABLE_COLUMNS: dict[str, type] = {
    "source": str,
    "lifter": str,
    "date": str,
    "load": str,
    "row": str,
    "set": int,
    "sets": int,
    "rep": int,
    "status": str,
    "input_kind": str,
    "goal": str,
    "variant": str,
    "reps": int,
    "full_reps": int,
    "complete": bool,
    "partial": bool,
    "duration_s": float,
    "time_under_tension_s": float,
    "tempo_cv": float,
    "velocity_loss_pct": float,
    "mean_range_deg": float,
    "lift_s": float,
    "top_hold_s": float,
    "lower_s": float,
    "bottom_settle_s": float,
    "range_deg": float,
    "top_deviation_deg": float,
    "peak_lift_velocity_dps": float,
    "peak_lower_velocity_dps": float,
    "head_deviation_deg": float,
    "faults": str,
    "notices": str,
    "error": str,
    "key": str,
    "elapsed_s": float,
}
#: Columns that measure the run rather than the recording.
TIMING_COLUMNS = ("elapsed_s",)
_REP_FIELDS = (
    "lift_s",
    "top_hold_s",
    "lower_s",
    "bottom_settle_s",
    "range_deg",
    "top_deviation_deg",
    "peak_lift_velocity_dps",
    "peak_lower_velocity_dps",
    "head_deviation_deg",
    "time_under_tension_s",
)
#: Rows per Parquet row group (bounds the memory of a large table).
_PARQUET_BATCH_ROWS = 4096


def _blank() -> dict[str, Any]:
    return dict.fromkeys(TABLE_COLUMNS)


def rows_of(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The set row, then the rep rows, of one result record."""
    base = _blank()
    base.update(
        source=record.get("source"),
        lifter=record.get("lifter"),
        date=record.get("date"),
        load=record.get("load"),
        status=record.get("status"),
        key=record.get("key"),
        elapsed_s=record.get("elapsed_s"),
        row="set",
    )
    data = record.get("analysis")
    if record.get("status") != "ok" or not isinstance(data, dict):
        base["error"] = (record.get("error") or {}).get("message")
        yield base
        return
    sets = set_documents(data)
    for number, one in enumerate(sets, start=1):
        yield from _set_rows({**base, "set": number, "sets": len(sets)}, one)


def _set_rows(base: dict[str, Any], data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The set row, then the rep rows, of one set document."""
    metrics = data["metrics"]
    faults = data.get("faults", [])
    base = {**base}
    base.update(
        input_kind=data.get("input_kind"),
        goal=data.get("goal"),
        variant=data.get("variant"),
        reps=metrics["rep_count"],
        full_reps=metrics["full_rep_count"],
        duration_s=metrics["duration_s"],
        time_under_tension_s=metrics["time_under_tension_s"],
        tempo_cv=metrics["tempo_consistency_cv"],
        velocity_loss_pct=metrics["velocity_loss_pct"],
        mean_range_deg=metrics["mean_range_deg"],
        faults=";".join(sorted({f["id"] for f in faults})),
        notices=";".join(dict.fromkeys(n["code"] for n in data.get("notices", []))),
    )
    yield base
    for rep in data.get("reps", []):
        row = _blank()
        for name in ("source", "lifter", "date", "load", "status", "input_kind", "goal",
                     "variant", "key", "set", "sets"):  # fmt: skip
            row[name] = base[name]
        row.update(
            row="rep",
            rep=rep["number"],
            complete=rep["complete"],
            partial=rep["partial"],
            duration_s=None if rep["end"] is None else round(rep["end"] - rep["start"], 4),
            faults=";".join(sorted({f["id"] for f in faults if f["rep"] == rep["number"]})),
        )
        for name in _REP_FIELDS:
            row[name] = rep.get(name)
        yield row


class Summary:
    """Counts over the records of a batch: sets, reps, faults by kind, failures."""

    def __init__(self) -> None:
        self.recordings = 0
        self.sets = 0
        self.reps = 0
        self.faults: Counter[str] = Counter()
        self.failures: list[dict[str, str]] = []

    def add(self, record: dict[str, Any]) -> None:
        """Count one result record."""
        self.recordings += 1
        data = record.get("analysis")
        if record.get("status") == "ok" and isinstance(data, dict):
            for one in set_documents(data):
                self.sets += 1
                self.reps += int(one["metrics"]["rep_count"])
                self.faults.update(f["id"] for f in one.get("faults", []))
        else:
            error = record.get("error") or {}
            self.failures.append(
                {
                    "source": str(record.get("source")),
                    "type": str(error.get("type")),
                    "message": str(error.get("message")),
                }
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``summary.json``)."""
        return {
            "recordings": self.recordings,
            "sets": self.sets,
            "reps": self.reps,
            "faults": dict(sorted(self.faults.items())),
            "failed": len(self.failures),
            "failures": self.failures,
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(rows: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write the table as CSV, atomically; returns the number of rows."""
    n = 0
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(TABLE_COLUMNS)
        for row in rows:
            writer.writerow([_cell(row[c]) for c in TABLE_COLUMNS])
            n += 1
    return n


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise MissingExtraError.for_extra("scale", "pyarrow") from err
    return pa, pq


def write_parquet(rows: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write the table as Parquet, atomically, in row groups; returns the number of rows."""
    pa, pq = _pyarrow()
    types = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    schema = pa.schema([(name, types[kind]) for name, kind in TABLE_COLUMNS.items()])
    n = 0
    with atomic_path(path) as tmp:
        writer = pq.ParquetWriter(str(tmp), schema)
        try:
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= _PARQUET_BATCH_ROWS:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    n, batch = n + len(batch), []
            if batch or n == 0:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
        finally:
            writer.close()
    return n
