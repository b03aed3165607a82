"""Export the training log as CSV (one row per set) or JSON (sessions, sets, reps, faults)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from extensor._errors import ConfigError
from extensor.store._db import Store
from extensor.store._log import (
    get_profile,
    recommendation_rows,
    session_rows,
)
from extensor.store._models import SessionRow

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_SCHEMA",
    "export_log",
]

#: Layout id of the JSON export; bump on an incompatible change.
EXPORT_SCHEMA = "extensor.training_log/1"
#: Columns of the CSV export, one row per set.
CSV_COLUMNS: tuple[str, ...] = (
    "date",
    "session_id",
    "set",
    "variant",
    "goal",
    "load",
    "unit",
    "reps",
    "clean_reps",
    "rpe",
    "rir",
    "pain",
    "note",
    "source",
    "faults",
    "analysed_reps",
    "time_under_tension_s",
    "tempo_cv",
    "velocity_loss_pct",
    "mean_range_deg",
    "input_file",
)

# -- export -------------------------------------------------------------------------------


def _faults_text(faults: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for f in faults:
        counts[f] = counts.get(f, 0) + 1
    return ";".join(f"{k}={v}" for k, v in counts.items())


def _safe_cell(value: str | None) -> str:
    """Text cells that a spreadsheet would run as a formula get a leading quote."""
    if not value:
        return ""
    return "'" + value if value[0] in "=+-@" else value


def export_log(store: Store, *, fmt: Literal["csv", "json"]) -> str:
    """The whole log as CSV (one row per set, :data:`CSV_COLUMNS`) or JSON (profile,
    sessions with sets, reps and faults, and the recommendations given)."""
    sessions = session_rows(store)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for s in sessions:
            for row in s.sets:
                writer.writerow(
                    [
                        s.day.isoformat(),
                        s.id,
                        row.position,
                        row.variant,
                        row.goal or "",
                        f"{row.load:g}",
                        row.unit,
                        row.reps,
                        "" if row.clean_reps is None else row.clean_reps,
                        "" if row.rpe is None else f"{row.rpe:g}",
                        "" if row.rir is None else row.rir,
                        "yes" if row.pain else "no",
                        _safe_cell(row.note),
                        row.source,
                        _faults_text(f.mistake_id for f in row.fault_rows),
                        row.analysed_reps,
                        _num(row.time_under_tension_s),
                        _num(row.tempo_cv),
                        _num(row.velocity_loss_pct),
                        _num(row.mean_range_deg),
                        _safe_cell(row.input_file),
                    ]
                )
        return out.getvalue()
    if fmt == "json":
        profile = get_profile(store)
        data = {
            "schema": EXPORT_SCHEMA,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "profile": None if profile is None else profile.to_dict(),
            "sessions": [_session_dict(s) for s in sessions],
            "recommendations": recommendation_rows(store),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    raise ConfigError(f"export format must be csv or json, got {fmt!r}")


def _num(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


_SET_FIELDS = (
    "position",
    "variant",
    "goal",
    "load",
    "unit",
    "reps",
    "clean_reps",
    "rpe",
    "rir",
    "pain",
    "note",
    "source",
    "analysed_reps",
    "time_under_tension_s",
    "tempo_cv",
    "velocity_loss_pct",
    "mean_range_deg",
    "input_file",
)
_REP_FIELDS = (
    "number",
    "complete",
    "partial",
    "clean",
    "start_s",
    "end_s",
    "lift_s",
    "top_hold_s",
    "lower_s",
    "bottom_settle_s",
    "range_deg",
    "top_extension_deg",
    "bottom_extension_deg",
    "top_deviation_deg",
    "peak_lift_velocity_dps",
    "peak_lower_velocity_dps",
    "smoothness_ldlj",
    "time_under_tension_s",
    "head_deviation_deg",
)
_FAULT_FIELDS = (
    "rep_number",
    "mistake_id",
    "time_s",
    "measured",
    "threshold",
    "unit",
    "confidence",
    "detail",
)


def _session_dict(s: SessionRow) -> dict[str, Any]:
    return {
        "day": s.day.isoformat(),
        "note": s.note,
        "sets": [
            {
                **{k: getattr(row, k) for k in _SET_FIELDS},
                "reps_detail": [{k: getattr(r, k) for k in _REP_FIELDS} for r in row.rep_rows],
                "faults": [{k: getattr(f, k) for k in _FAULT_FIELDS} for f in row.fault_rows],
            }
            for row in s.sets
        ],
    }
