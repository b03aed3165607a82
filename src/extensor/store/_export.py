"""Export the training log as CSV (one row per set) or JSON (sessions, sets, reps, faults)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from extensor._errors import ConfigError
from extensor.progression import convert
from extensor.store._db import Store
from extensor.store._log import (
    get_profile,
    recommendation_rows,
    session_rows,
)
from extensor.store._models import SessionRow
from extensor.store._names import load_names

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMATS",
    "EXPORT_SCHEMA",
    "HEVY_COLUMNS",
    "STRONG_COLUMNS",
    "export_log",
]

#: The layouts :func:`export_log` writes.
EXPORT_FORMATS: tuple[str, ...] = ("csv", "json", "strong", "hevy")
#: Strong's CSV export with its Weight Unit column (the layout extensor's import reads).
STRONG_COLUMNS: tuple[str, ...] = (
    "Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Weight Unit",
    "Reps", "Distance", "Distance Unit", "Seconds", "Notes", "Workout Notes", "RPE",
)  # fmt: skip
#: Hevy's CSV export (weights in the profile's unit: ``weight_kg`` or ``weight_lbs``).
HEVY_COLUMNS: tuple[str, ...] = (
    "title", "start_time", "end_time", "description", "exercise_title", "superset_id",
    "exercise_notes", "set_index", "set_type", "weight_kg", "reps", "distance_km",
    "duration_seconds", "rpe",
)  # fmt: skip
#: Name of the workout the exported sessions are written as.
WORKOUT_NAME = "extensor"

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


def _app_rows(sessions: Iterable[SessionRow], fmt: str, unit: str) -> str:
    """The sets in Strong's or Hevy's CSV layout; each session is one workout at noon,
    its sets numbered in order; the exercise name says the variant (``_names``)."""
    names = load_names()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if fmt == "strong":
        writer.writerow(STRONG_COLUMNS)
    else:
        weight = "weight_lbs" if unit == "lb" else "weight_kg"
        writer.writerow([weight if c == "weight_kg" else c for c in HEVY_COLUMNS])
    for s in sessions:
        for k, row in enumerate(s.sets, start=1):
            name = names.export_name(row.variant)
            rpe = "" if row.rpe is None else f"{row.rpe:g}"
            note = _safe_cell(row.note)
            if fmt == "strong":
                writer.writerow([
                    f"{s.day.isoformat()} 12:00:00", WORKOUT_NAME, "", name, k,
                    f"{row.load:g}", "lbs" if row.unit == "lb" else "kg", row.reps, "", "", "",
                    note, _safe_cell(s.note), rpe,
                ])  # fmt: skip
            else:
                when = f"{s.day.day} {s.day.strftime('%b %Y')}, 12:00"
                load = round(convert(row.load, row.unit, unit), 3)
                writer.writerow([
                    WORKOUT_NAME, when, when, _safe_cell(s.note), name, "", note, k - 1,
                    "normal", f"{load:g}", row.reps, "", "", rpe,
                ])  # fmt: skip
    return out.getvalue()


def export_log(
    store: Store, *, fmt: Literal["csv", "json", "strong", "hevy"], unit: str | None = None
) -> str:
    """The whole log as CSV (one row per set, :data:`CSV_COLUMNS`), JSON (profile,
    sessions with sets, reps and faults, and the recommendations given), or in the CSV
    layout of Strong (:data:`STRONG_COLUMNS`) or Hevy (:data:`HEVY_COLUMNS`, loads in
    ``unit``, default the profile's) so that ``extensor import`` reads it back.

    The app layouts keep day, load, reps, RPE, note and (through the exercise name) the
    variant; analysis details (clean reps, faults, tempo) have no column there."""
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"export format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    sessions = session_rows(store)
    if fmt in ("strong", "hevy"):
        profile = get_profile(store)
        return _app_rows(sessions, fmt, unit or (profile.unit if profile else "kg"))
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
