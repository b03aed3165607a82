"""Import Strong and Hevy CSV exports into the training log.

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from extensor._errors import ConfigError, InputFormatError
from extensor.progression import LOAD_UNITS, Profile
from extensor.store._db import Store
from extensor.store._hevy import hevy_row
from extensor.store._import_rows import ParsedRow, RowReader, is_back_extension, read_export_csv
from extensor.store._log import (
    _next_position,
    _now,
    _session_for,
    get_profile,
)
from extensor.store._models import SetRow
from extensor.store._names import load_names
from extensor.store._strong import strong_row

__all__ = [
    "IMPORT_FORMATS",
    "ImportFormat",
    "ImportReport",
    "import_file",
]

#: File layouts :func:`import_file` reads.
IMPORT_FORMATS: tuple[str, ...] = ("strong", "hevy")

ImportFormat = Literal["auto", "strong", "hevy"]

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
    #: What was assumed, one line each: the variant each source exercise name was stored
    #: under and why (``extensor/store/data/exercise_names.toml``, or the profile's).
    assumed: tuple[str, ...] = ()
    #: Sets imported per variant id.
    variants: tuple[tuple[str, int], ...] = ()

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
            "assumed": list(self.assumed),
            "variants": dict(self.variants),
        }


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
    the profile's, else kg). ``variant`` is recorded on every imported set; without it
    each set keeps the machine its exercise name says (:func:`load_names`: "Back
    Extension (Machine)" is the seated lever machine, "Hyperextension" the 45-degree
    bench), else the profile's variant; :attr:`ImportReport.assumed` says which. ``goal``
    defaults to the profile's. Raises InputFormatError naming file, row and column for the
    first malformed back-extension row, and imports nothing in that case.
    """
    path = Path(path)
    header, records = read_export_csv(path)
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
    parse: Callable[[RowReader, Sequence[str], str], tuple[str, ParsedRow | None]] = (
        strong_row if detected == "strong" else hevy_row
    )
    parsed: list[ParsedRow] = []
    names: dict[str, str] = {}  # digest -> the source's exercise name
    problems: list[str] = []
    counts = {"warmup": 0, "empty": 0, "other": 0}
    for index, record in enumerate(records):
        if not record or not is_back_extension(record.get(name_column, "")):
            counts["other"] += 1 if record else 0
            continue
        reader = RowReader(str(path), index + 2, record)
        status, item = parse(reader, header, weight_unit)
        problems += reader.problems
        if status in ("warmup", "empty"):
            counts[status] += 1
        elif item is not None:
            parsed.append(item)
            names[item.digest] = " ".join(record.get(name_column, "").split())
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputFormatError(problems[0] + more + "; nothing was imported", source=path)

    table = load_names()

    def variant_of(p: ParsedRow) -> str:
        return variant or table.variant_for(names[p.digest]) or profile.variant

    imported = 0
    days: set[date] = set()
    stored: dict[str, int] = {}
    by_name: dict[str, tuple[str, int]] = {}
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
        fresh: list[ParsedRow] = []
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
                        variant=variant_of(p),
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
                v = variant_of(p)
                stored[v] = stored.get(v, 0) + 1
                name = names[p.digest]
                by_name[name] = (v, by_name.get(name, (v, 0))[1] + 1)
            days.add(day)
    assumed = []
    for name, (v, count) in sorted(by_name.items()):
        why = (
            "as asked (--variant)" if variant
            else "from the exercise name" if table.variant_for(name)
            else "your profile's variant: the name does not say which machine"
        )  # fmt: skip
        sets_word = "set" if count == 1 else "sets"
        assumed.append(f"{name!r} ({count} {sets_word}) -> {v}, {why}")
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
        assumed=tuple(assumed),
        variants=tuple(sorted(stored.items())),
    )
