"""The Strong app's CSV export: one back-extension row -> a set (see ``_import``)."""

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
    "STRONG_DATES",
    "strong_row",
]

STRONG_DATES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def strong_row(r: RowReader, header: Sequence[str], unit: str) -> tuple[str, ParsedRow | None]:
    order = r.text("Set Order").upper()
    if order in ("REST TIMER", "NOTE"):
        return "empty", None
    if order == "W":
        return "warmup", None
    if order not in ("D", "F") and not order.isdigit():
        r.fail("Set Order", "must be a set number, or W, D or F")
        return "bad", None
    row_unit = unit
    if "Weight Unit" in r.record and r.text("Weight Unit"):
        raw_unit = r.text("Weight Unit").lower()
        row_unit = {"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb"}.get(raw_unit, "")
        if not row_unit:
            r.fail("Weight Unit", "must be kg or lbs")
            return "bad", None
    day = parse_day(r, "Date", STRONG_DATES, example="2024-05-02 18:30:00")
    load = load_cell(r, "Weight", row_unit)
    reps = reps_cell(r, "Reps")
    rpe = rpe_cell(r, "RPE")
    if r.problems or day is None or load is None or reps is None:
        return "bad", None
    if reps == 0:
        return "empty", None
    note = r.text("Notes") or None
    return "ok", ParsedRow(
        day, load, row_unit, reps, rpe, note, row_digest("strong", header, r.record), r.row
    )
