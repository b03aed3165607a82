"""What the Strong and Hevy importers share: which exercise names mean this one, reading the
export's CSV, and the cells of one row (dates, reps, loads, RPE) with errors that name the
file, the row and the column."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from extensor._errors import InputFormatError
from extensor.progression import MAX_LOAD_KG, convert
from extensor.store._log import (
    MAX_REPS,
)

__all__ = [
    "ParsedRow",
    "RowReader",
    "is_back_extension",
    "load_cell",
    "parse_day",
    "read_export_csv",
    "reps_cell",
    "row_digest",
    "rpe_cell",
]

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


@dataclass(slots=True)
class ParsedRow:
    day: date
    load: float
    unit: str
    reps: int
    rpe: float | None
    note: str | None
    digest: str
    row: int


@dataclass(slots=True)
class RowReader:
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


def read_export_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
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


def parse_day(r: RowReader, column: str, formats: Sequence[str], *, example: str) -> date | None:
    raw = r.text(column).replace("\u202f", " ").replace("\u00a0", " ")
    raw = re.sub(r"(\.\d+)?(Z|[+-]\d\d:?\d\d)$", "", raw)
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    r.fail(
        column,
        f"must be a date and time such as {example}",
    )
    return None


def row_digest(fmt: str, header: Sequence[str], record: dict[str, str]) -> str:
    payload = "\x1f".join([fmt, *(f"{h}={(record.get(h) or '').strip()}" for h in header)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def reps_cell(r: RowReader, column: str) -> int | None:
    value = r.number(column)
    if value is None:
        if not r.text(column):
            r.fail(column, "must be a whole number of reps")
        return None
    if value != int(value) or not 0 <= value <= MAX_REPS:
        r.fail(column, f"must be a whole number of reps between 0 and {MAX_REPS}")
        return None
    return int(value)


def load_cell(r: RowReader, column: str, unit: str) -> float | None:
    value = r.number(column, empty=0.0)
    if value is None:
        return None
    if value < 0 or convert(value, unit, "kg") > MAX_LOAD_KG:
        r.fail(column, f"must be a load between 0 and {MAX_LOAD_KG:g} kg")
        return None
    return value


def rpe_cell(r: RowReader, column: str) -> float | None:
    if column not in r.record or not r.text(column):
        return None
    value = r.number(column)
    if value is not None and not 1 <= value <= 10:
        r.fail(column, "must be an RPE between 1 and 10")
        return None
    return value
