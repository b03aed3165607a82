"""Export the training log (CSV or JSON) and import Strong and Hevy CSV exports.

Import reads only the back-extension rows of a file (exercise names such as "Back
Extension", "Back Extension (Machine)", "Lever Back Extension", "Hyperextension"; never
"Reverse Hyperextension") and skips warm-up sets. Every imported row is stored with the
SHA-256 of its content in a unique column, so importing the same file again adds
nothing. A malformed back-extension row stops the whole import (nothing is written) with
an error naming the file, the row (the header is row 1) and the column.

Supported layouts (detected from the header; ``,`` or ``;`` delimited):

* Strong: ``Date, Workout Name, Duration, Exercise Name, Set Order, Weight, Reps,
  Distance, Seconds, Notes, Workout Notes, RPE`` (current) and the older layout with
  ``Weight Unit`` and ``Distance Unit`` columns. Required: Date, Exercise Name, Set Order,
  Weight, Reps. Set Order ``W`` is a warm-up (skipped), ``D``/``F`` drop and failure sets
  are imported, ``Rest Timer`` rows are not sets. Without a Weight Unit column the
  weights are taken to be in the profile's unit (or ``unit=``).
* Hevy: ``title, start_time, end_time, description, exercise_title, superset_id,
  exercise_notes, set_index, set_type, weight_kg | weight_lbs, reps, distance_km |
  distance_miles, duration_seconds, rpe``. Required: start_time, exercise_title,
  set_index, set_type, reps and one weight column. ``set_type`` warmup is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from extensor._errors import ConfigError, InputFormatError
from extensor.progression import LOAD_UNITS, MAX_LOAD_KG, Profile, convert
from extensor.store._db import Store
from extensor.store._log import (
    MAX_REPS,
    _next_position,
    _now,
    _session_for,
    get_profile,
    recommendation_rows,
    session_rows,
)
from extensor.store._models import SessionRow, SetRow

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_SCHEMA",
    "IMPORT_FORMATS",
    "ImportReport",
    "export_log",
    "import_file",
    "is_back_extension",
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
#: File layouts :func:`import_file` reads.
IMPORT_FORMATS: tuple[str, ...] = ("strong", "hevy")

ImportFormat = Literal["auto", "strong", "hevy"]

_NAME_MATCH = re.compile(r"back extension|hyper ?extension")
_NAME_EXCLUDE = re.compile(r"reverse")


def is_back_extension(name: str) -> bool:
    """Whether an exercise name from another app means this exercise.

    >>> [is_back_extension(n) for n in ("Back Extension (Machine)", "Hyperextension",
    ...  "Lever Back Extension", "Reverse Hyperextension", "Back Squat")]
    [True, True, True, False, False]
    """
    normal = " ".join(name.lower().replace("-", " ").split())
    return bool(_NAME_MATCH.search(normal)) and not _NAME_EXCLUDE.search(normal)


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


# -- import -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did. ``imported + already + warmups + empty`` = back-extension rows."""

    path: str
    format: str
    rows: int
    matched: int
    imported: int
    already: int
    warmups: int
    empty: int
    other: int
    days: tuple[date, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "rows": self.rows,
            "matched": self.matched,
            "imported": self.imported,
            "already_imported": self.already,
            "warmups_skipped": self.warmups,
            "empty_skipped": self.empty,
            "other_exercises": self.other,
            "days": [d.isoformat() for d in self.days],
        }


@dataclass(slots=True)
class _Parsed:
    day: date
    load: float
    unit: str
    reps: int
    rpe: float | None
    note: str | None
    digest: str
    row: int


@dataclass(slots=True)
class _Reader:
    """Pulls typed values out of one CSV record, collecting problems with row and column."""

    source: str
    row: int
    record: dict[str, str]
    problems: list[str] = field(default_factory=list)

    def text(self, column: str) -> str:
        return (self.record.get(column) or "").strip()

    def fail(self, column: str, expected: str) -> None:
        got = self.text(column)
        self.problems.append(f"row {self.row}, column {column!r}: {expected}, got {got!r}")

    def number(self, column: str, *, empty: float | None = None) -> float | None:
        raw = self.text(column)
        if not raw:
            return empty
        if raw.count(",") == 1 and "." not in raw:  # decimal comma (European exports)
            raw = raw.replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            self.fail(column, "must be a number")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(column, "must be a finite number")
            return None
        return value


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFormatError("file not found", source=path) from None
    except OSError as err:
        raise InputFormatError(f"cannot read file: {err}", source=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFormatError("file must be UTF-8 text (a CSV export)", source=path) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputFormatError("file is empty; expected a Strong or Hevy CSV export", source=path)
    first = lines[0]
    delimiter = (
        ";"
        if first.count(";") > first.count(",")
        else ("\t" if first.count("\t") > first.count(",") else ",")
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as err:
        raise InputFormatError(f"not a readable CSV file: {err}", source=path) from None
    header = [h.strip() for h in rows[0]]
    records: list[dict[str, str]] = []
    for values in rows[1:]:
        if not any(v.strip() for v in values):
            records.append({})
            continue
        records.append({h: (values[i] if i < len(values) else "") for i, h in enumerate(header)})
    return header, records


def _detect(header: Sequence[str], path: Path) -> Literal["strong", "hevy"]:
    names = set(header)
    if {"Exercise Name", "Set Order"} <= names:
        return "strong"
    if {"exercise_title", "set_index"} <= names:
        return "hevy"
    raise InputFormatError(
        "not a Strong or Hevy export: the header must name 'Exercise Name' and 'Set Order' "
        f"(Strong) or 'exercise_title' and 'set_index' (Hevy), got {', '.join(header[:8])}",
        source=path,
    )


_STRONG_DATES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_HEVY_DATES = (
    "%d %b %Y, %H:%M",
    "%d %B %Y, %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
)


def _parse_day(r: _Reader, column: str, formats: Sequence[str]) -> date | None:
    raw = r.text(column).replace("\u202f", " ").replace("\u00a0", " ")
    raw = re.sub(r"(\.\d+)?(Z|[+-]\d\d:?\d\d)$", "", raw)
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    r.fail(
        column,
        "must be a date and time such as "
        + ("2024-05-02 18:30:00" if formats is _STRONG_DATES else "2 May 2024, 18:30"),
    )
    return None


def _digest(fmt: str, header: Sequence[str], record: dict[str, str]) -> str:
    payload = "\x1f".join([fmt, *(f"{h}={(record.get(h) or '').strip()}" for h in header)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _reps(r: _Reader, column: str) -> int | None:
    value = r.number(column)
    if value is None:
        if not r.text(column):
            r.fail(column, "must be a whole number of reps")
        return None
    if value != int(value) or not 0 <= value <= MAX_REPS:
        r.fail(column, f"must be a whole number of reps between 0 and {MAX_REPS}")
        return None
    return int(value)


def _load(r: _Reader, column: str, unit: str) -> float | None:
    value = r.number(column, empty=0.0)
    if value is None:
        return None
    if value < 0 or convert(value, unit, "kg") > MAX_LOAD_KG:
        r.fail(column, f"must be a load between 0 and {MAX_LOAD_KG:g} kg")
        return None
    return value


def _rpe(r: _Reader, column: str) -> float | None:
    if column not in r.record or not r.text(column):
        return None
    value = r.number(column)
    if value is not None and not 1 <= value <= 10:
        r.fail(column, "must be an RPE between 1 and 10")
        return None
    return value


def _strong(r: _Reader, header: Sequence[str], unit: str) -> tuple[str, _Parsed | None]:
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
    day = _parse_day(r, "Date", _STRONG_DATES)
    load = _load(r, "Weight", row_unit)
    reps = _reps(r, "Reps")
    rpe = _rpe(r, "RPE")
    if r.problems or day is None or load is None or reps is None:
        return "bad", None
    if reps == 0:
        return "empty", None
    note = r.text("Notes") or None
    return "ok", _Parsed(
        day, load, row_unit, reps, rpe, note, _digest("strong", header, r.record), r.row
    )


def _hevy(r: _Reader, header: Sequence[str], unit: str) -> tuple[str, _Parsed | None]:
    kind = r.text("set_type").lower()
    if kind == "warmup":
        return "warmup", None
    if kind not in ("", "normal", "failure", "dropset"):
        r.fail("set_type", "must be normal, warmup, failure or dropset")
        return "bad", None
    column, row_unit = ("weight_kg", "kg") if "weight_kg" in r.record else ("weight_lbs", "lb")
    day = _parse_day(r, "start_time", _HEVY_DATES)
    load = _load(r, column, row_unit)
    reps = _reps(r, "reps")
    rpe = _rpe(r, "rpe")
    if r.problems or day is None or load is None or reps is None:
        return "bad", None
    if reps == 0:
        return "empty", None
    note = r.text("exercise_notes") or None
    return "ok", _Parsed(
        day, load, row_unit, reps, rpe, note, _digest("hevy", header, r.record), r.row
    )


_REQUIRED = {
    "strong": ("Date", "Exercise Name", "Set Order", "Weight", "Reps"),
    "hevy": ("start_time", "exercise_title", "set_index", "set_type", "reps"),
}


def import_file(
    store: Store,
    path: str | Path,
    *,
    fmt: ImportFormat = "auto",
    unit: str | None = None,
    variant: str | None = None,
    goal: str | None = None,
) -> ImportReport:
    """Import the back-extension sets of a Strong or Hevy CSV export, idempotently.

    ``unit`` is the weight unit of a Strong file without a Weight Unit column (default:
    the profile's, else kg); ``variant`` and ``goal`` are recorded on the imported sets
    (default: the profile's). Raises InputFormatError naming file, row and column for the
    first malformed back-extension row, and imports nothing in that case.
    """
    path = Path(path)
    header, records = _read_csv(path)
    detected = _detect(header, path)
    if fmt != "auto" and fmt != detected:
        raise InputFormatError(f"file looks like a {detected} export, not {fmt}", source=path)
    missing = [c for c in _REQUIRED[detected] if c not in header]
    if detected == "hevy" and not {"weight_kg", "weight_lbs"} & set(header):
        missing.append("weight_kg or weight_lbs")
    if missing:
        raise InputFormatError(
            f"{detected} export is missing column(s): {', '.join(missing)}", source=path
        )
    profile = get_profile(store) or Profile()
    weight_unit = unit or profile.unit
    if weight_unit not in LOAD_UNITS:
        raise ConfigError(f"unit must be kg or lb, got {weight_unit!r}")
    name_column = "Exercise Name" if detected == "strong" else "exercise_title"
    parse: Callable[[_Reader, Sequence[str], str], tuple[str, _Parsed | None]] = (
        _strong if detected == "strong" else _hevy
    )
    parsed: list[_Parsed] = []
    problems: list[str] = []
    counts = {"warmup": 0, "empty": 0, "other": 0}
    for index, record in enumerate(records):
        if not record or not is_back_extension(record.get(name_column, "")):
            counts["other"] += 1 if record else 0
            continue
        reader = _Reader(str(path), index + 2, record)
        status, item = parse(reader, header, weight_unit)
        problems += reader.problems
        if status in ("warmup", "empty"):
            counts[status] += 1
        elif item is not None:
            parsed.append(item)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputFormatError(problems[0] + more + "; nothing was imported", source=path)

    imported = 0
    days: set[date] = set()
    with store.write() as db:
        known: set[str] = set()
        digests = [p.digest for p in parsed]
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            known |= {
                d
                for d in db.scalars(select(SetRow.import_hash).where(SetRow.import_hash.in_(chunk)))
                if d
            }
        fresh: list[_Parsed] = []
        for p in parsed:
            if p.digest not in known:
                fresh.append(p)
                known.add(p.digest)
        for day in sorted({p.day for p in fresh}):
            session = _session_for(db, day)
            position = _next_position(db, session)
            for p in (q for q in fresh if q.day == day):
                db.add(
                    SetRow(
                        session=session,
                        position=position,
                        variant=variant or profile.variant,
                        goal=goal or profile.goal,
                        load=p.load,
                        unit=p.unit,
                        reps=p.reps,
                        rpe=p.rpe,
                        rir=None,
                        pain=False,
                        note=p.note,
                        source="import",
                        clean_reps=None,
                        analysed_reps=0,
                        input_file=path.name,
                        import_hash=p.digest,
                        created_at=_now(),
                    )
                )
                position += 1
                imported += 1
            days.add(day)
    return ImportReport(
        path=str(path),
        format=detected,
        rows=sum(1 for r in records if r),
        matched=len(parsed) + counts["warmup"] + counts["empty"],
        imported=imported,
        already=len(parsed) - imported,
        warmups=counts["warmup"],
        empty=counts["empty"],
        other=counts["other"],
        days=tuple(sorted(days)),
    )
