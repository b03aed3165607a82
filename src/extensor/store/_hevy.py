"""The Hevy app's CSV export: one back-extension row -> a set (see ``_import``)."""

from __future__ import annotations

from collections.abc import Sequence

from extensor.store._import_rows import (
    ParsedRow,
    RowReader,
    load_cell,
    parse_day,
    reps_cell,
    row_digest,
    rpe_cell,
)

__all__ = [
    "HEVY_DATES",
    "hevy_row",
]

HEVY_DATES = (
    "%d %b %Y, %H:%M",
    "%d %B %Y, %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
)


def hevy_row(r: RowReader, header: Sequence[str], unit: str) -> tuple[str, ParsedRow | None]:
    kind = r.text("set_type").lower()
    if kind == "warmup":
        return "warmup", None
    if kind not in ("", "normal", "failure", "dropset"):
        r.fail("set_type", "must be normal, warmup, failure or dropset")
        return "bad", None
    column, row_unit = ("weight_kg", "kg") if "weight_kg" in r.record else ("weight_lbs", "lb")
    day = parse_day(r, "start_time", HEVY_DATES, example="2 May 2024, 18:30")
    load = load_cell(r, column, row_unit)
    reps = reps_cell(r, "reps")
    rpe = rpe_cell(r, "rpe")
    if r.problems or day is None or load is None or reps is None:
        return "bad", None
    if reps == 0:
        return "empty", None
    note = r.text("exercise_notes") or None
    return "ok", ParsedRow(
        day, load, row_unit, reps, rpe, note, row_digest("hevy", header, r.record), r.row
    )
