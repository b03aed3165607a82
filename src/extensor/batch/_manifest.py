"""What a batch runs: the recordings of a folder, or the rows of a manifest CSV.

A manifest is a CSV with a ``path`` column and, optionally, ``lifter``, ``date``
(YYYY-MM-DD), ``goal``, ``variant``, ``load`` (``40kg``, ``90lb``, ``bw``), ``fps`` and
``angle_zero`` per row; a relative path is relative to the manifest's folder and may
name a folder (walked like a batch folder). Empty cells take the batch's defaults.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.csv").write_text("time,angle\\n0,1\\n")
>>> _ = (d / "m.csv").write_text("path,lifter,load\\na.csv,ana,40kg\\n")
>>> [(e.source, e.lifter, e.load) for e in iter_entries(d / "m.csv")]
[('a.csv', 'ana', '40kg')]
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extensor._errors import ConfigError, InputFormatError
from extensor.batch._walk import is_recording_folder, iter_recordings

__all__ = ["MANIFEST_COLUMNS", "Entry", "is_manifest", "iter_entries"]

#: Columns a manifest may have (``path`` is required).
MANIFEST_COLUMNS = ("path", "lifter", "date", "goal", "variant", "load", "fps", "angle_zero")


@dataclass(frozen=True, slots=True)
class Entry:
    """One recording of a batch and what the manifest says about it (None: the default)."""

    path: Path
    source: str
    lifter: str | None = None
    day: date | None = None
    goal: str | None = None
    variant: str | None = None
    load: str | None = None
    fps: float | None = None
    angle_zero: float | None = None


def is_manifest(path: Path) -> bool:
    """Whether ``path`` is a manifest CSV (a file whose header has a ``path`` column)."""
    if not path.is_file() or path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return "path" in [h.strip().lower() for h in header]


def iter_entries(input: str | Path, *, exclude: str | Path | None = None) -> Iterator[Entry]:
    """The recordings of a folder (walked), a manifest CSV (row by row) or one file."""
    root = Path(input)
    if not root.exists():
        raise ConfigError(f"batch input must be a folder or a manifest CSV: no such path {root}")
    if root.is_dir():
        for path in iter_recordings(root, exclude=exclude):
            yield Entry(path=path, source=_rel(path, root))
    elif is_manifest(root):
        yield from _manifest_entries(root, exclude)
    else:
        yield Entry(path=root, source=root.name)


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
    return rel if rel != "." else path.name


def _manifest_entries(manifest: Path, exclude: str | Path | None) -> Iterator[Entry]:
    base = manifest.parent
    with manifest.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields = {(h or "").strip().lower() for h in reader.fieldnames or []}
        unknown = sorted(fields - set(MANIFEST_COLUMNS))
        if unknown:
            raise InputFormatError(
                f"manifest columns must be among {', '.join(MANIFEST_COLUMNS)}, got {', '.join(unknown)}",
                source=manifest,
            )
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not row.get("path"):
                raise InputFormatError(f"row {line}: path must not be empty", source=manifest)
            given = Path(row["path"]).expanduser()
            path = given if given.is_absolute() else base / given
            meta = _meta(row, manifest, line)
            if path.is_dir() and not is_recording_folder(path):
                for sub in iter_recordings(path, exclude=exclude):
                    yield Entry(path=sub, source=_rel(sub, base), **meta)  # type: ignore[arg-type]
            else:
                yield Entry(path=path, source=_rel(path, base), **meta)  # type: ignore[arg-type]


def _meta(row: dict[str, str], manifest: Path, line: int) -> dict[str, object]:
    def number(name: str) -> float | None:
        text = row.get(name) or ""
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise InputFormatError(
                f"row {line}: {name} must be a number, got {text!r}", source=manifest
            ) from None

    day = None
    if row.get("date"):
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            raise InputFormatError(
                f"row {line}: date must be YYYY-MM-DD, got {row['date']!r}", source=manifest
            ) from None
    return {
        "lifter": row.get("lifter") or None,
        "day": day,
        "goal": row.get("goal") or None,
        "variant": row.get("variant") or None,
        "load": row.get("load") or None,
        "fps": number("fps"),
        "angle_zero": number("angle_zero"),
    }
