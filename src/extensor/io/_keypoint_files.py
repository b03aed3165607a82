"""Keypoint file adapters: OpenPose JSON, COCO-17 JSON, MediaPipe CSV and the extensor CSV.

Every adapter returns a keypoint series (see :mod:`extensor.core`): one (frames, 3)
channel per point **name** with x, y and a confidence in [0, 1]. A missing point has
NaN coordinates and confidence 0. Each tool's own layout is mapped to extensor names
through a named table (:data:`OPENPOSE_TO_EXTENSOR`, :data:`COCO_17`,
:data:`MEDIAPIPE_33`), never by a bare index in the code.

Adapters (``name``: what it reads):

* ``openpose``: a folder of OpenPose ``*_keypoints.json`` files, one per frame, BODY_25
  (75 numbers per person) or COCO-18 (54). The frame number comes from the file name and
  time = frame / ``fps`` (option, required). ``0, 0, 0`` (confidence 0) is a missing point.
* ``coco17``: COCO-17 keypoints as written by MMPose / rtmlib-style tools: a list of
  frames ``{"frame_id" | "frame_idx" | "image_id", "timestamp"?, "instances" |
  "predictions" | "keypoints"}`` (also MMPose's ``{"instance_info": [...]}``), or COCO
  results ``[{"image_id", "category_id", "keypoints": [x, y, v] * 17, "score"}]``. Time
  from ``timestamp`` (seconds) when present, else frame / ``fps``.
* ``mediapipe_csv``: BlazePose landmarks, columns ``time`` (s), ``timestamp_ms`` or
  ``frame`` (with ``fps``) and ``<name>_x, <name>_y, [<name>_z], <name>_visibility``
  (or ``_presence``) for any of the 33 BlazePose names. ``z`` is not kept.
* ``extensor_csv``: the project's own format, below.

When a frame holds several people (OpenPose, COCO-17), the first pick is the person with
the highest mean confidence; after that, the person nearest to the previous pick (mean
distance over the points both have) is kept: simple tracking.

Units are ``px`` or ``normalized``: the option ``unit`` wins, then a ``# unit:`` comment
line; otherwise ``normalized`` when every finite coordinate lies within
:data:`NORMALIZED_RANGE`, else ``px`` (``info["unit_inferred"]`` tells which happened).

The extensor CSV format
-----------------------
The documented format for pose traces, written by :func:`write_extensor_csv` and read by
the ``extensor_csv`` adapter (full description in ``docs/formats.md``)::

    # extensor keypoints
    # unit: px
    # image_size: 1280x720
    # fps: 30
    time,nose_x,nose_y,nose_conf,left_hip_x,left_hip_y,left_hip_conf
    0,640.5,210.25,0.98,600,400,0.91
    0.0333333333333,641,211,0.97,nan,nan,0

* UTF-8 text, comma-separated, one header line, then one row per frame.
* Optional ``# key: value`` comment lines before the header: ``unit`` (``px`` or
  ``normalized``), ``image_size`` (``<width>x<height>``, px), ``fps`` (informative only:
  time comes from the ``time`` column). Other keys are kept in ``info["comments"]``.
* The first column is ``time`` in seconds, strictly increasing.
* Then ``<point>_x, <point>_y, <point>_conf`` for any subset of
  :data:`~extensor.core.POINT_NAMES`, in any order.
* A missing value is ``nan`` or an empty field; a point with a missing coordinate is
  missing (NaN coordinates, confidence 0).
* Numbers are written with :data:`CSV_SIGNIFICANT_DIGITS` significant digits.

>>> import tempfile
>>> from extensor.core import keypoint_series
>>> ts = keypoint_series([0.0, 0.5], {"nose": [[10.0, 20.0, 0.9], [11.0, 21.0, 0.8]]}, unit="px")
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_extensor_csv(ts, Path(tmp) / "trace.csv")
...     print(path.read_text().splitlines()[1:])
...     back = ExtensorCsvAdapter().read(path)
['# unit: px', 'time,nose_x,nose_y,nose_conf', '0,10,20,0.9', '0.5,11,21,0.8']
>>> back.data["nose"].tolist()
[[10.0, 20.0, 0.9], [11.0, 21.0, 0.8]]
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from extensor._errors import ConfigError, EmptyInputError, InputFormatError
from extensor._files import atomic_write
from extensor.core import KEYPOINT_UNITS, POINT_NAMES, TimeSeries, keypoint_names, keypoint_series
from extensor.core._timeseries import FloatArray
from extensor.io._base import Adapter

__all__ = [
    "COCO_17",
    "CSV_SIGNIFICANT_DIGITS",
    "MEDIAPIPE_33",
    "NORMALIZED_RANGE",
    "OPENPOSE_BODY_25",
    "OPENPOSE_COCO_18",
    "OPENPOSE_TO_EXTENSOR",
    "Coco17Adapter",
    "ExtensorCsvAdapter",
    "MediaPipeCsvAdapter",
    "OpenPoseAdapter",
    "Table",
    "parse_table",
    "read_json",
    "read_table",
    "read_text",
    "write_extensor_csv",
]

# -- layouts: each tool's point order, by name ----------------------------------------------

#: OpenPose BODY_25 output order: ``pose_keypoints_2d`` holds 25 x [x, y, c] = 75 numbers.
OPENPOSE_BODY_25: tuple[str, ...] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist",
    "MidHip", "RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye",
    "REar", "LEar", "LBigToe", "LSmallToe", "LHeel", "RBigToe", "RSmallToe", "RHeel",
)  # fmt: skip

#: OpenPose COCO-18 output order: 18 x [x, y, c] = 54 numbers.
OPENPOSE_COCO_18: tuple[str, ...] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist",
    "RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar",
)  # fmt: skip

#: OpenPose name -> extensor name. The small toes have no extensor name and are dropped;
#: the big toe is the closest match to BlazePose's foot index.
OPENPOSE_TO_EXTENSOR: dict[str, str] = {
    "Nose": "nose", "Neck": "neck", "MidHip": "mid_hip",
    "RShoulder": "right_shoulder", "RElbow": "right_elbow", "RWrist": "right_wrist",
    "LShoulder": "left_shoulder", "LElbow": "left_elbow", "LWrist": "left_wrist",
    "RHip": "right_hip", "RKnee": "right_knee", "RAnkle": "right_ankle",
    "LHip": "left_hip", "LKnee": "left_knee", "LAnkle": "left_ankle",
    "REye": "right_eye", "LEye": "left_eye", "REar": "right_ear", "LEar": "left_ear",
    "LBigToe": "left_foot_index", "LHeel": "left_heel",
    "RBigToe": "right_foot_index", "RHeel": "right_heel",
}  # fmt: skip

#: COCO-17 order (MMPose, rtmlib, COCO results); the names are extensor's own.
COCO_17: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip

#: BlazePose's 33 landmark names, in MediaPipe's order.
MEDIAPIPE_33: tuple[str, ...] = POINT_NAMES[:33]

#: Coordinates all within this range are taken as normalized ([0, 1] of the image).
#: Pose estimators place points a little outside the frame, hence the margin; a
#: pixel trace of a real body spans far more than 1.5 px.
NORMALIZED_RANGE: tuple[float, float] = (-0.5, 1.5)

#: Significant digits written by :func:`write_extensor_csv`: exact to 1e-6 for values
#: below 1e5 (a day of seconds, any pixel coordinate), while 0.1 stays ``0.1``.
CSV_SIGNIFICANT_DIGITS = 12

#: Delimiters recognised when reading a header; each adapter allows a subset.
_KNOWN_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
#: Rows per block on the careful parsing path (bounds the memory of the string array).
_SLOW_BLOCK_ROWS = 4096
_FRAME_NUMBER = re.compile(r"(\d+)_keypoints\.json$")
_COORDS = ("x", "y", "confidence")


# -- options ---------------------------------------------------------------------------------


def check_options(
    options: Mapping[str, Any], known: Collection[str], *, adapter: str, source: str
) -> None:
    """Reject options this adapter does not know (``None`` values are ignored)."""
    extra = sorted(k for k, v in options.items() if v is not None and k not in known)
    if extra:
        raise ConfigError(
            f"options for {adapter} input must be among {sorted(known)}, got {extra}", source=source
        )


def fps_option(value: Any, *, source: str) -> float | None:
    """The ``fps`` option as a positive float, or ``None`` when not given."""
    if value is None:
        return None
    try:
        fps = float(value)
    except (TypeError, ValueError):
        fps = math.nan
    if isinstance(value, bool) or not (math.isfinite(fps) and fps > 0):
        raise ConfigError(
            f"fps must be a positive number of frames per second, got {value!r}", source=source
        )
    return fps


def _unit_choice(option: Any, meta: Mapping[str, str], *, source: str) -> str | None:
    """The keypoint unit from the option, else from a ``# unit:`` line, else ``None``."""
    if option is not None:
        if option not in KEYPOINT_UNITS:
            raise ConfigError(
                f"unit must be one of {KEYPOINT_UNITS}, got {option!r}", source=source
            )
        return str(option)
    if "unit" in meta:
        unit = meta["unit"].lower()
        if unit not in KEYPOINT_UNITS:
            raise InputFormatError(
                f"'# unit:' must be one of {KEYPOINT_UNITS}, got {meta['unit']!r}", source=source
            )
        return unit
    return None


# -- text, JSON and delimited tables --------------------------------------------------------


def decode_text(raw: bytes, *, source: str) -> str:
    """UTF-8 text (a byte-order mark is dropped) or :class:`InputFormatError`."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputFormatError(
            f"must be UTF-8 text, got byte 0x{raw[err.start]:02x} at offset {err.start}",
            source=source,
        ) from None


def read_text(path: Path, *, source: str | None = None) -> str:
    """The whole file as text; folders, unreadable and non-UTF-8 files raise typed errors."""
    src = source or str(path)
    if path.is_dir():
        raise InputFormatError("must be a file, got a folder", source=src)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputFormatError(f"must be readable, got {err.strerror or err}", source=src) from None
    return decode_text(raw, source=src)


def read_head(path: Path, size: int) -> str | None:
    """The first ``size`` bytes as text, or ``None`` for a binary file (NUL byte, not UTF-8)."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(size)
    except OSError:
        return None
    if b"\0" in raw:
        return None
    try:
        # An incremental decoder tolerates a multi-byte character cut at the end.
        return codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
    except UnicodeDecodeError:
        return None


def read_json(path: Path, *, source: str | None = None) -> Any:
    """Parsed JSON; empty, non-JSON and broken files raise typed errors naming the file."""
    src = source or str(path)
    text = read_text(path, source=src)
    start = text.lstrip()[:40]
    if not start:
        raise EmptyInputError("must hold JSON, got an empty file", source=src)
    if start[0] not in "[{":
        raise InputFormatError(
            f"must be JSON (starting with '[' or '{{'), got text starting with {start!r}",
            source=src,
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputFormatError(
            f"must be valid JSON, got '{err.msg}' (line {err.lineno}, column {err.colno}):"
            " a truncated or broken file?",
            source=src,
        ) from None
    except RecursionError:
        raise InputFormatError(
            "must be JSON of reasonable depth, got deeper nesting", source=src
        ) from None
    except ValueError as err:  # for example an integer of more than 4300 digits
        raise InputFormatError(f"must be valid JSON, got {err}", source=src) from None


@dataclass(frozen=True, slots=True)
class Table:
    """A delimited text table: header names, float values (NaN where empty) and provenance."""

    columns: tuple[str, ...]
    values: FloatArray
    lines: NDArray[np.int64]
    meta: dict[str, str]
    delimiter: str
    source: str

    def find(self, *names: str) -> str | None:
        """The first header name matching one of ``names`` (case-insensitive), or ``None``."""
        lower = {c.lower(): c for c in self.columns}
        for name in names:
            if name.lower() in lower:
                return lower[name.lower()]
        return None

    def column(self, name: str) -> FloatArray:
        """Values of the column called exactly ``name``."""
        return self.values[:, self.columns.index(name)]

    def where(self, row: int) -> str:
        """``"row 3 (line 5)"``: the data row (1-based) and its line in the file."""
        return f"row {row + 1} (line {int(self.lines[row])})"


def read_table(
    path: Path, *, delimiters: Sequence[str] = (",",), source: str | None = None
) -> Table:
    """Read a delimited text file into a :class:`Table`; see :func:`parse_table`."""
    src = source or str(path)
    return parse_table(read_text(path, source=src), source=src, delimiters=delimiters)


def parse_table(text: str, *, source: str, delimiters: Sequence[str] = (",",)) -> Table:
    """Parse ``# key: value`` comment lines, one header line and numeric rows.

    The delimiter is the one the header uses most; it must be one of ``delimiters``.
    Empty fields and ``nan`` become NaN. With a ``;`` or tab delimiter a decimal comma
    is accepted. Blank lines and later ``#`` lines are skipped. Errors name the row,
    the file line and the column.

    >>> t = parse_table("# unit: px\\ntime,a\\n0,1\\n0.5,\\n", source="x.csv")
    >>> t.columns, t.values.tolist(), t.meta, t.where(1)
    (('time', 'a'), [[0.0, 1.0], [0.5, nan]], {'unit': 'px'}, 'row 2 (line 4)')
    """
    lines = text.splitlines()
    meta: dict[str, str] = {}
    header_at = -1
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped[1:].partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
            continue
        header_at = i
        break
    if header_at < 0:
        found = "an empty file" if not text.strip() else "only comment lines"
        raise EmptyInputError(f"must hold a header line and data rows, got {found}", source=source)
    header = lines[header_at]
    delim = _header_delimiter(header, delimiters, line=header_at + 1, source=source)
    try:
        fields = [f.strip() for f in next(csv.reader([header], delimiter=delim))]
    except csv.Error as err:
        raise InputFormatError(
            f"header (line {header_at + 1}) must be a delimited line, got {err}", source=source
        ) from None
    n_fields = len(fields)
    names = list(fields)
    while names and not names[-1]:  # a trailing delimiter
        names.pop()
    for j, name in enumerate(names):
        if not name:
            raise InputFormatError(
                f"every header field must have a name, got an empty one at column {j + 1}"
                f" (line {header_at + 1})",
                source=source,
            )
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise InputFormatError(
                f"column names must be unique, got {name!r} twice", source=source
            )
        seen.add(name.lower())
    body_at = [
        i
        for i in range(header_at + 1, len(lines))
        if (s := lines[i].strip()) and not s.startswith("#")
    ]
    if not body_at:
        raise EmptyInputError(
            f"must hold data rows after the header (line {header_at + 1}), got none", source=source
        )
    line_nos = np.asarray(body_at, dtype=np.int64) + 1
    body = [lines[i] for i in body_at]
    values = _parse_numbers(body, line_nos, names, n_fields, delim, source)
    return Table(tuple(names), values[:, : len(names)], line_nos, meta, delim, source)


def _header_delimiter(header: str, allowed: Sequence[str], *, line: int, source: str) -> str:
    counts = {d: header.count(d) for d in _KNOWN_DELIMITERS}
    best = max(_KNOWN_DELIMITERS, key=lambda d: counts[d])
    expected = " or ".join(_DELIMITER_NAMES.get(d, repr(d)) for d in allowed)
    if counts[best] == 0:
        raise InputFormatError(
            f"header (line {line}) must hold at least 2 columns separated by {expected},"
            f" got {header.strip()[:60]!r}",
            source=source,
        )
    if best not in allowed:
        raise InputFormatError(
            f"delimiter must be {expected}, got {_DELIMITER_NAMES[best]}"
            f" in the header (line {line})",
            source=source,
        )
    return best


def _parse_numbers(
    body: list[str],
    line_nos: NDArray[np.int64],
    names: list[str],
    n_fields: int,
    delim: str,
    source: str,
) -> FloatArray:
    text = "\n".join(body)
    if delim != "," and "," in text:  # decimal comma (phyphox, European spreadsheets)
        text = text.replace(",", ".")
        body = text.split("\n")
    empty_field = (f"{delim}{delim}", f"{delim}\n", f"\n{delim}")
    if any(e in text for e in empty_field) or delim in (text[0], text[-1]):
        text = _fill_empty_fields(text, delim)
    values, near = _loadtxt(text, delim)
    if values is not None and values.shape == (len(body), n_fields):
        return values
    # Ragged rows or text: the careful path finds the row and column and says which.
    # numpy names the row (0- or 1-based depending on the error), so look there first:
    # in a long file that saves parsing everything again just to report one bad cell.
    if near is not None:
        lo, hi = max(0, near - 2), min(len(body), near + 2)
        _parse_numbers_carefully(
            body[lo:hi], line_nos[lo:hi], names, n_fields, delim, source, first_row=lo
        )
    return _parse_numbers_carefully(body, line_nos, names, n_fields, delim, source)


_LOADTXT_ROW = re.compile(r"at row (\d+)")


def _loadtxt(text: str, delim: str) -> tuple[FloatArray | None, int | None]:
    """numpy's C parser (the fast path); on failure ``None`` and the row numpy reported."""
    try:
        values = np.loadtxt(
            io.StringIO(text),
            delimiter=delim,
            dtype=np.float64,
            ndmin=2,
            comments=None,
            quotechar='"',
        )
    except ValueError as err:
        match = _LOADTXT_ROW.search(str(err))
        return None, None if match is None else int(match.group(1))
    return np.asarray(values, dtype=np.float64), None


def _fill_empty_fields(text: str, delim: str) -> str:
    r"""Write ``nan`` into empty fields with plain replacements (a regex is 50x slower).

    >>> _fill_empty_fields(",1,,,2,\n3,,4", ",")
    'nan,1,nan,nan,2,nan\n3,nan,4'
    """
    double, filled = delim * 2, f"{delim}nan{delim}"
    text = text.replace(double, filled).replace(double, filled)  # twice: runs overlap
    text = text.replace(f"\n{delim}", f"\nnan{delim}").replace(f"{delim}\n", f"{delim}nan\n")
    if text.startswith(delim):
        text = "nan" + text
    if text.endswith(delim):
        text += "nan"
    return text


def _parse_numbers_carefully(
    body: list[str],
    line_nos: NDArray[np.int64],
    names: list[str],
    n_fields: int,
    delim: str,
    source: str,
    *,
    first_row: int = 0,
) -> FloatArray:
    """Parse block by block: empty fields become NaN, anything else names row and column.

    ``first_row`` is the data row index of ``body[0]``, for messages.
    """
    out = np.empty((len(body), n_fields), dtype=np.float64)
    for start in range(0, len(body), _SLOW_BLOCK_ROWS):
        try:
            rows = list(csv.reader(body[start : start + _SLOW_BLOCK_ROWS], delimiter=delim))
        except csv.Error as err:
            raise InputFormatError(
                f"rows {first_row + start + 1} and after must be delimited text, got {err}",
                source=source,
            ) from None
        for k, row in enumerate(rows):
            if len(row) != n_fields:
                r = start + k
                hint = " (truncated row?)" if len(row) < n_fields else ""
                raise InputFormatError(
                    f"row {first_row + r + 1} (line {line_nos[r]}) must have {n_fields} fields"
                    f" like the header, got {len(row)}{hint}",
                    source=source,
                )
        cells = np.char.strip(np.array(rows, dtype=str))
        cells[cells == ""] = "nan"
        try:
            out[start : start + len(rows)] = cells.astype(np.float64)
        except ValueError:
            _raise_first_bad_cell(cells, first_row + start, line_nos[start:], names, source)
    return out


def _raise_first_bad_cell(
    cells: NDArray[np.str_], start: int, line_nos: NDArray[np.int64], names: list[str], source: str
) -> None:
    """``start``: data row index of ``cells[0]``; ``line_nos[0]`` is its line in the file."""
    for k, row in enumerate(cells.tolist()):
        for j, cell in enumerate(row):
            try:
                float(cell)
            except ValueError:
                column = repr(names[j]) if j < len(names) else f"{j + 1} (unnamed)"
                raise InputFormatError(
                    f"column {column} must be a number, got {cell!r} at row {start + k + 1}"
                    f" (line {line_nos[k]})",
                    source=source,
                ) from None
    raise InputFormatError(
        f"values must be numbers, got unreadable text in rows {start + 1} and after", source=source
    )


def check_time(
    values: FloatArray,
    *,
    name: str,
    where: Callable[[int], str],
    source: str,
    label: str | None = None,
) -> FloatArray:
    """Check a time-like column: finite everywhere and strictly increasing; return it.

    ``label`` names it in messages (default ``column '<name>'``).
    """
    label = label or f"column {name!r}"
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        got = "an empty value" if np.isnan(values[i]) else f"{values[i]}"
        raise InputFormatError(
            f"{label} must be a finite number at every row, got {got} at {where(i)}",
            source=source,
        )
    steps = np.diff(values)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0)) + 1
        if values[i] == values[i - 1]:
            got = f"{values[i]:.10g} twice (a duplicated timestamp)"
        else:
            got = f"{values[i]:.10g} after {values[i - 1]:.10g}"
        raise InputFormatError(
            f"{label} must be strictly increasing, got {got} at {where(i)}", source=source
        )
    return values


def table_time(
    table: Table,
    *,
    fps: float | None,
    seconds: Sequence[str],
    millis: Sequence[str] = (),
    frames: Sequence[str] = (),
    seconds_divisor: float = 1.0,
) -> tuple[FloatArray, str]:
    """Time in seconds from the first column found: seconds, milliseconds, then frames / fps.

    ``seconds_divisor`` converts the seconds-named column when it holds another unit
    (1000 for ms). Returns the time and the name of the column used.
    """
    for group, divisor in ((seconds, seconds_divisor), (millis, 1000.0)):
        name = table.find(*group)
        if name is not None:
            raw = check_time(table.column(name), name=name, where=table.where, source=table.source)
            return raw / divisor, name
    name = table.find(*frames)
    if name is not None:
        if fps is None:
            raise InputFormatError(
                f"frame rate unknown: pass --fps (column {name!r} counts frames)",
                source=table.source,
            )
        raw = check_time(table.column(name), name=name, where=table.where, source=table.source)
        return raw / fps, name
    expected = ", ".join(repr(n) for n in (*seconds, *millis, *frames))
    raise InputFormatError(
        f"a time column must be present ({expected}), got columns {list(table.columns)}",
        source=table.source,
    )


# -- keypoint helpers ------------------------------------------------------------------------


def infer_unit(points: Mapping[str, FloatArray]) -> str:
    """``"normalized"`` when every finite coordinate lies within :data:`NORMALIZED_RANGE`."""
    lo, hi = NORMALIZED_RANGE
    for values in points.values():
        xy = values[:, :2]
        finite = xy[np.isfinite(xy)]
        if finite.size and (finite.min() < lo or finite.max() > hi):
            return "px"
    return "normalized"


def _finish_keypoints(
    time: FloatArray,
    points: Mapping[str, FloatArray],
    *,
    unit: str | None,
    source: str,
    info: Mapping[str, Any],
) -> TimeSeries:
    """Check that some point was seen, settle the unit and build the keypoint series."""
    seen = any(
        bool(np.any((p[:, 2] > 0) & np.isfinite(p[:, :2]).all(axis=1))) for p in points.values()
    )
    if not seen:
        raise EmptyInputError(
            "keypoint confidences must not all be 0, got no point with confidence > 0 and"
            f" finite coordinates in {time.size} frames",
            source=source,
        )
    inferred = unit is None
    chosen = infer_unit(points) if unit is None else unit
    return keypoint_series(
        time, points, unit=chosen, info={**info, "source": source, "unit_inferred": inferred}
    )


def _mark_missing(arr: FloatArray) -> FloatArray:
    """Points with confidence <= 0 or a non-finite value become NaN, confidence 0 (in place)."""
    missing = ~(arr[..., 2] > 0) | ~np.isfinite(arr).all(axis=-1)
    arr[missing, :2] = np.nan
    arr[missing, 2] = 0.0
    return arr


def track_person(frames: Sequence[FloatArray], n_points: int) -> FloatArray:
    """One (points, 3) person per frame from (people, points, 3) arrays.

    The first pick is the person with the highest mean confidence; later frames keep the
    person nearest (mean distance over shared visible points) to the previous pick. A
    frame without people is all missing.

    >>> a = np.array([[[0.0, 0.0, 0.9]], [[100.0, 0.0, 0.5]]])
    >>> b = np.array([[[99.0, 0.0, 0.4]], [[1.0, 0.0, 0.9]]])
    >>> track_person([a, b], 1)[:, 0, 0].tolist()
    [0.0, 1.0]
    """
    out = np.full((len(frames), n_points, 3), np.nan)
    out[:, :, 2] = 0.0
    previous: FloatArray | None = None
    for f, people in enumerate(frames):
        if people.shape[0] == 0:
            continue
        k = -1
        if previous is not None and people.shape[0] > 1:
            d = np.linalg.norm(people[:, :, :2] - previous[:, :2], axis=2)
            valid = np.isfinite(d)
            counts = valid.sum(axis=1)
            mean = np.where(
                counts > 0, np.where(valid, d, 0.0).sum(axis=1) / np.maximum(counts, 1), np.inf
            )
            if np.isfinite(mean).any():
                k = int(np.argmin(mean))
        if k < 0:
            k = int(np.argmax(people[:, :, 2].mean(axis=1)))
        out[f] = people[k]
        previous = people[k]
    return out


def _floats(value: Any, *, what: str, source: str, names: Sequence[str] = ()) -> FloatArray:
    """``value`` (nested lists of numbers; ``null`` = NaN) as a float array, or a typed error.

    The error names the first non-number by its index path and, when ``names`` is given,
    by the point name its first index stands for.
    """
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        pass
    bad = _first_non_number(value, ())
    if bad is None:
        raise InputFormatError(
            f"{what} must be a rectangular array of numbers, got rows of different lengths",
            source=source,
        )
    path, item = bad
    at = "".join(f"[{i}]" for i in path)
    if names and len(path) == 1 and isinstance(value, list) and len(value) == 3 * len(names):
        at += f" (point {names[path[0] // 3]!r} {_COORDS[path[0] % 3]})"
    elif names and len(path) >= 2 and path[-2] < len(names):
        at += f" (point {names[path[-2]]!r} {_COORDS[min(path[-1], 2)]})"
    raise InputFormatError(f"{what} must hold numbers, got {item!r} at {at}", source=source)


def _first_non_number(value: Any, path: tuple[int, ...]) -> tuple[tuple[int, ...], Any] | None:
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _first_non_number(item, (*path, i))
            if found is not None:
                return found
        return None
    if value is None:
        return None
    try:
        float(value)
    except (TypeError, ValueError, OverflowError):
        return path, value
    return None


def _int_field(obj: Mapping[str, Any], key: str, *, where: str, source: str) -> int:
    value = obj[key]
    digits = value.strip() if isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit() and len(digits) < 19:
        return int(digits)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not (isinstance(value, float) and math.isfinite(value) and value.is_integer()):
        raise InputFormatError(
            f"{key!r} must be an integer frame number, got {value!r} at {where}", source=source
        )
    return int(value)


# -- OpenPose --------------------------------------------------------------------------------


class OpenPoseAdapter(Adapter):
    """A folder of OpenPose ``*_keypoints.json`` files (BODY_25 or COCO-18), one per frame.

    Options: ``fps`` (required: time = frame number / fps), ``unit`` (px | normalized).
    """

    name = "openpose"
    kind = "keypoints"
    suffixes = ()

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        unit = _unit_choice(options.get("unit"), {}, source=src)
        if not path.is_dir():
            raise InputFormatError(
                "must be a folder of OpenPose *_keypoints.json files (one per frame), got a file",
                source=src,
            )
        files = sorted(path.glob("*_keypoints.json"))
        if not files:
            raise EmptyInputError(
                "folder must hold OpenPose *_keypoints.json files, got none", source=src
            )
        if fps is None:
            raise InputFormatError("frame rate unknown: pass --fps", source=src)
        by_frame: dict[int, Path] = {}
        for file in files:
            match = _FRAME_NUMBER.search(file.name)
            if match is None:
                raise InputFormatError(
                    f"file names must end in <frame number>_keypoints.json, got {file.name!r}",
                    source=src,
                )
            frame = int(match.group(1))
            if frame in by_frame:
                raise InputFormatError(
                    f"frame numbers must be unique, got {frame} in both {by_frame[frame].name!r}"
                    f" and {file.name!r}",
                    source=src,
                )
            by_frame[frame] = file
        numbers = sorted(by_frame)
        layout: tuple[str, ...] | None = None
        people: list[FloatArray] = []
        for frame in numbers:
            found, layout = _openpose_people(by_frame[frame], layout)
            people.append(found)
        if layout is None:
            raise EmptyInputError(
                f"no person found in any of the {len(numbers)} frames", source=src
            )
        picked = track_person(
            [p if p.size else np.empty((0, len(layout), 3)) for p in people], len(layout)
        )
        points = {
            OPENPOSE_TO_EXTENSOR[name]: picked[:, k]
            for k, name in enumerate(layout)
            if name in OPENPOSE_TO_EXTENSOR
        }
        info = {
            "adapter": self.name,
            "fps": fps,
            "layout": "BODY_25" if layout is OPENPOSE_BODY_25 else "COCO_18",
            "people_max": max(p.shape[0] for p in people),
        }
        time = np.asarray(numbers, dtype=np.float64) / fps
        return _finish_keypoints(time, points, unit=unit, source=src, info=info)


def _openpose_people(
    file: Path, layout: tuple[str, ...] | None
) -> tuple[FloatArray, tuple[str, ...] | None]:
    """(people, points, 3) of one frame file, and the layout (fixed by the first person)."""
    src = str(file)
    data = read_json(file, source=src)
    if not isinstance(data, dict) or not isinstance(data.get("people"), list):
        got = f"keys {sorted(data)[:8]}" if isinstance(data, dict) else type(data).__name__
        raise InputFormatError(
            f"must be an OpenPose frame, an object with a 'people' list, got {got}", source=src
        )
    found: list[FloatArray] = []
    for p, person in enumerate(data["people"]):
        raw = person.get("pose_keypoints_2d") if isinstance(person, dict) else None
        if raw is None or raw == []:
            continue  # a person with only face or hand keypoints
        if not isinstance(raw, list):
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must be a list of numbers,"
                f" got {type(raw).__name__}",
                source=src,
            )
        sizes = {
            3 * len(OPENPOSE_BODY_25): OPENPOSE_BODY_25,
            3 * len(OPENPOSE_COCO_18): OPENPOSE_COCO_18,
        }
        this = sizes.get(len(raw))
        if this is None:
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must hold 75 (BODY_25) or 54 (COCO-18) numbers,"
                f" got {len(raw)}",
                source=src,
            )
        flat = _floats(raw, what=f"pose_keypoints_2d of person {p}", source=src, names=this)
        if flat.ndim != 1:
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must be a flat list of numbers, got nested lists",
                source=src,
            )
        if layout is None:
            layout = this
        elif this is not layout:
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must hold {3 * len(layout)} numbers like the"
                f" earlier frames, got {len(raw)}",
                source=src,
            )
        found.append(_mark_missing(flat.reshape(-1, 3).copy()))
    if not found:
        return np.empty((0, 0, 3)), layout
    return np.stack(found), layout


# -- COCO-17 (MMPose, rtmlib, COCO results) ---------------------------------------------------


class Coco17Adapter(Adapter):
    """COCO-17 keypoint JSON: MMPose / rtmlib per-frame lists or COCO results.

    Options: ``fps`` (required unless every frame has a ``timestamp``), ``unit``.
    """

    name = "coco17"
    kind = "keypoints"
    suffixes = (".json",)

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        unit = _unit_choice(options.get("unit"), {}, source=src)
        data = read_json(path, source=src)
        if isinstance(data, dict):
            key = next((k for k in ("instance_info", "annotations", "frames") if k in data), None)
            if key is None:
                raise InputFormatError(
                    "must be a list of frames or of COCO results (or an object with"
                    f" 'instance_info'), got an object with keys {sorted(data)[:8]}",
                    source=src,
                )
            data = data[key]
        if not isinstance(data, list):
            raise InputFormatError(
                f"must be a list of frames or of COCO results, got {type(data).__name__}",
                source=src,
            )
        if not data:
            raise EmptyInputError("must hold at least 2 frames, got an empty list", source=src)
        if _is_coco_results(data[0]):
            time, people, layout_info = _coco_results(data, fps=fps, source=src)
        else:
            time, people, layout_info = _coco_frames(data, fps=fps, source=src)
        picked = track_person(people, len(COCO_17))
        points = {name: picked[:, k] for k, name in enumerate(COCO_17)}
        info = {
            "adapter": self.name,
            "people_max": max((p.shape[0] for p in people), default=0),
            **layout_info,
        }
        if fps is not None:
            info["fps"] = fps
        return _finish_keypoints(time, points, unit=unit, source=src, info=info)


def _is_coco_results(first: Any) -> bool:
    if not isinstance(first, dict):
        return False
    if "category_id" in first:
        return True
    kps = first.get("keypoints")
    flat = isinstance(kps, list) and bool(kps) and not isinstance(kps[0], list | dict)
    return "image_id" in first and flat and not ({"instances", "predictions"} & set(first))


def _frame_rate_needed(fps: float | None, source: str) -> float:
    if fps is None:
        raise InputFormatError("frame rate unknown: pass --fps", source=source)
    return fps


def _coco_results(
    entries: list[Any], *, fps: float | None, source: str
) -> tuple[FloatArray, list[FloatArray], dict[str, Any]]:
    """COCO results: one entry per detected person, grouped by ``image_id``."""
    groups: dict[int, list[FloatArray]] = {}
    for r, entry in enumerate(entries):
        where = f"row {r + 1}"
        if not isinstance(entry, dict) or "image_id" not in entry or "keypoints" not in entry:
            raise InputFormatError(
                "each COCO result must be an object with 'image_id' and 'keypoints',"
                f" got {entry!r:.60} at {where}",
                source=source,
            )
        image_id = _int_field(entry, "image_id", where=where, source=source)
        kps = _floats(
            entry["keypoints"], what=f"keypoints at {where}", source=source, names=COCO_17
        )
        if kps.shape != (3 * len(COCO_17),):
            raise InputFormatError(
                "keypoints must hold 51 numbers (17 x [x, y, v]),"
                f" got shape {kps.shape} at {where}",
                source=source,
            )
        groups.setdefault(image_id, []).append(kps.reshape(len(COCO_17), 3).copy())
    ids = sorted(groups)
    people = [np.stack(groups[i]) for i in ids]
    v = np.concatenate([p[..., 2].ravel() for p in people])
    v = v[np.isfinite(v)]
    # Ground-truth style visibility flags (0 absent, 1 occluded, 2 visible) vs scores.
    flags = bool(v.size) and bool(np.isin(v, (0.0, 1.0, 2.0)).all()) and bool((v == 2.0).any())
    for p in people:
        if flags:
            p[..., 2] = (p[..., 2] > 0).astype(np.float64)
        _mark_missing(p)
    time = np.asarray(ids, dtype=np.float64) / _frame_rate_needed(fps, source)
    return time, people, {"layout": "COCO_17", "format": "coco_results", "visibility_flags": flags}


def _coco_frames(
    frames: list[Any], *, fps: float | None, source: str
) -> tuple[FloatArray, list[FloatArray], dict[str, Any]]:
    """MMPose / rtmlib per-frame objects."""
    ids: list[int | None] = []
    stamps: list[float | None] = []
    people: list[FloatArray] = []
    for r, frame in enumerate(frames):
        where = f"row {r + 1}"
        if not isinstance(frame, dict):
            raise InputFormatError(
                f"each frame must be an object, got {type(frame).__name__} at {where}",
                source=source,
            )
        id_key = next((k for k in ("frame_id", "frame_idx", "image_id") if k in frame), None)
        fid = None if id_key is None else _int_field(frame, id_key, where=where, source=source)
        where = f"frame {fid} ({where})" if fid is not None else where
        stamp = frame.get("timestamp")
        if stamp is not None:
            stamp_arr = _floats(stamp, what=f"timestamp at {where}", source=source)
            if stamp_arr.ndim != 0:
                raise InputFormatError(
                    f"timestamp must be a number of seconds, got {stamp!r} at {where}",
                    source=source,
                )
            stamp = float(stamp_arr)
        ids.append(fid)
        stamps.append(stamp)
        people.append(_coco_frame_people(frame, where=where, source=source))
    rows = np.arange(len(frames))
    has_ids = [i is not None for i in ids]
    if any(has_ids) and not all(has_ids):
        r = has_ids.index(False)
        raise InputFormatError(
            f"frame_id must be given for every frame or none, got none at row {r + 1}",
            source=source,
        )
    if all(has_ids):
        fids = np.asarray(ids, dtype=np.float64)
        order = np.argsort(fids, kind="stable")
        sorted_ids = fids[order]
        dup = np.flatnonzero(np.diff(sorted_ids) == 0)
        if dup.size:
            a, b = sorted(order[dup[0] : dup[0] + 2])
            raise InputFormatError(
                f"frame_id must be unique, got {int(sorted_ids[dup[0]])}"
                f" at rows {a + 1} and {b + 1}",
                source=source,
            )
        rows = order
    else:
        fids = rows.astype(np.float64)
    people = [people[i] for i in rows]

    def frame_where(i: int) -> str:
        return f"frame {int(fids[rows[i]])} (row {int(rows[i]) + 1})"

    has_stamps = [s is not None for s in stamps]
    if any(has_stamps):
        if not all(has_stamps):
            r = has_stamps.index(False)
            raise InputFormatError(
                f"timestamp must be given for every frame or none, got none at row {r + 1}",
                source=source,
            )
        time = np.asarray([stamps[i] for i in rows], dtype=np.float64)
        check_time(time, name="timestamp", where=frame_where, source=source, label="timestamp")
        return time, people, {"layout": "COCO_17", "format": "frames", "time_from": "timestamp"}
    time = check_time(
        fids[rows], name="frame_id", where=frame_where, source=source, label="frame_id"
    )
    return (
        time / _frame_rate_needed(fps, source),
        people,
        {
            "layout": "COCO_17",
            "format": "frames",
            "time_from": "frame",
        },
    )


def _coco_frame_people(frame: Mapping[str, Any], *, where: str, source: str) -> FloatArray:
    """(people, 17, 3) from one MMPose / rtmlib frame object."""
    key = next((k for k in ("instances", "predictions", "keypoints") if k in frame), None)
    if key is None:
        raise InputFormatError(
            f"each frame must hold 'instances', 'predictions' or 'keypoints', got keys"
            f" {sorted(frame)} at {where}",
            source=source,
        )
    value = frame[key]
    found: list[FloatArray] = []
    if key == "keypoints":  # rtmlib-style arrays: (people, 17, 2|3) or (17, 2|3)
        kps = _floats(value, what=f"keypoints at {where}", source=source, names=COCO_17)
        if kps.size == 0:
            return np.empty((0, len(COCO_17), 3))
        score_key = next((k for k in ("keypoint_scores", "scores") if k in frame), None)
        scores = None
        if score_key is not None:
            scores = _floats(frame[score_key], what=f"{score_key} at {where}", source=source)
        if kps.ndim == 2 or (kps.ndim == 1 and kps.size in (34, 51)):
            kps, scores = kps[None], None if scores is None else scores.reshape(1, -1)
        for p in range(kps.shape[0]):
            person_scores = None if scores is None or scores.ndim < 2 else scores[p]
            found.append(
                _coco_person(kps[p], person_scores, where=f"person {p} of {where}", source=source)
            )
    else:
        if not isinstance(value, list):
            raise InputFormatError(
                f"{key!r} must be a list of instances, got {type(value).__name__} at {where}",
                source=source,
            )
        if value and all(isinstance(v, list) for v in value):  # batched predictions
            value = [item for batch in value for item in batch]
        for p, inst in enumerate(value):
            at = f"instance {p} of {where}"
            if not isinstance(inst, dict) or "keypoints" not in inst:
                raise InputFormatError(
                    f"each instance must be an object with 'keypoints', got {inst!r:.60} at {at}",
                    source=source,
                )
            kps = _floats(
                inst["keypoints"], what=f"keypoints at {at}", source=source, names=COCO_17
            )
            score_key = next((k for k in ("keypoint_scores", "scores") if k in inst), None)
            scores = None
            if score_key is not None:
                scores = _floats(inst[score_key], what=f"{score_key} at {at}", source=source)
            found.append(_coco_person(kps, scores, where=at, source=source))
    if not found:
        return np.empty((0, len(COCO_17), 3))
    return np.stack(found)


def _coco_person(
    kps: FloatArray, scores: FloatArray | None, *, where: str, source: str
) -> FloatArray:
    n = len(COCO_17)
    if kps.ndim == 1 and kps.size in (2 * n, 3 * n):
        kps = kps.reshape(n, -1)
    if kps.shape not in ((n, 2), (n, 3)):
        raise InputFormatError(
            "keypoints must be 17 points of [x, y] or [x, y, score],"
            f" got shape {kps.shape} at {where}",
            source=source,
        )
    width = int(kps.shape[1])
    out = np.empty((n, 3))
    out[:, :2] = kps[:, :2]
    if scores is not None:
        if scores.shape != (n,):
            raise InputFormatError(
                f"keypoint_scores must hold 17 numbers, got shape {scores.shape} at {where}",
                source=source,
            )
        out[:, 2] = scores
    elif width == 3:
        out[:, 2] = kps[:, 2]
    else:
        raise InputFormatError(
            f"keypoint_scores must be given with [x, y] keypoints, got none at {where}",
            source=source,
        )
    return _mark_missing(out)


# -- MediaPipe CSV ---------------------------------------------------------------------------


class MediaPipeCsvAdapter(Adapter):
    """MediaPipe BlazePose landmarks in a CSV: ``<name>_x, _y, [_z], _visibility | _presence``.

    Time from ``time`` (s), ``timestamp_ms``/``time_ms`` or ``frame`` / ``fps``.
    Options: ``fps``, ``unit``. ``z`` is read but not kept (2D analysis).
    """

    name = "mediapipe_csv"
    kind = "keypoints"
    suffixes = (".csv",)

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        table = read_table(path, delimiters=(",",), source=src)
        unit = _unit_choice(options.get("unit"), table.meta, source=src)
        time, time_col = table_time(
            table,
            fps=fps,
            seconds=("time", "time_s"),
            millis=("timestamp_ms", "time_ms"),
            frames=("frame", "frame_index", "frame_idx"),
        )
        used = {time_col}
        points: dict[str, FloatArray] = {}
        for name in MEDIAPIPE_33:
            x = table.find(f"{name}_x")
            if x is None:
                continue
            y = table.find(f"{name}_y")
            conf = table.find(f"{name}_visibility", f"{name}_presence")
            if y is None or conf is None:
                missing = f"{name}_y" if y is None else f"{name}_visibility"
                raise InputFormatError(
                    f"column {missing!r} is required with {x!r},"
                    f" got columns {list(table.columns)[:12]}",
                    source=src,
                )
            z = table.find(f"{name}_z")
            presence = table.find(f"{name}_presence")
            used.update(c for c in (x, y, conf, z, presence) if c is not None)
            points[name] = np.column_stack([table.column(x), table.column(y), table.column(conf)])
        if not points:
            raise InputFormatError(
                "columns must include <name>_x, <name>_y and <name>_visibility for at least one"
                f" BlazePose landmark (nose, left_hip, ...), got {list(table.columns)[:12]}",
                source=src,
            )
        info: dict[str, Any] = {
            "adapter": self.name,
            "ignored_columns": [c for c in table.columns if c not in used],
        }
        if fps is not None:
            info["fps"] = fps
        return _finish_keypoints(time, points, unit=unit, source=src, info=info)


# -- extensor CSV ----------------------------------------------------------------------------

_EXTENSOR_SUFFIXES = ("_x", "_y", "_conf")


class ExtensorCsvAdapter(Adapter):
    """extensor's own keypoint CSV (see the module docstring and ``docs/formats.md``).

    Options: ``unit`` (overrides ``# unit:``), ``fps`` (accepted; time comes from the file).
    """

    name = "extensor_csv"
    kind = "keypoints"
    suffixes = (".csv",)

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        table = read_table(path, delimiters=(",",), source=src)
        unit = _unit_choice(options.get("unit"), table.meta, source=src)
        if table.columns[0] != "time":
            raise InputFormatError(
                f"the first column must be 'time' (seconds), got {table.columns[0]!r}", source=src
            )
        time = check_time(table.column("time"), name="time", where=table.where, source=src)
        groups: dict[str, dict[str, str]] = {}
        for col in table.columns[1:]:
            suffix = next((s for s in _EXTENSOR_SUFFIXES if col.endswith(s)), None)
            if suffix is None:
                raise InputFormatError(
                    f"column {col!r} must be <point>_x, <point>_y or <point>_conf", source=src
                )
            point = col[: -len(suffix)]
            if point not in POINT_NAMES:
                raise InputFormatError(
                    f"column {col!r} must name a known point (nose, left_hip, ...), got {point!r}",
                    source=src,
                )
            groups.setdefault(point, {})[suffix] = col
        if not groups:
            raise InputFormatError(
                "columns must include <point>_x, <point>_y, <point>_conf for at least one point,"
                " got only 'time'",
                source=src,
            )
        points: dict[str, FloatArray] = {}
        for point, cols in groups.items():
            missing = [point + s for s in _EXTENSOR_SUFFIXES if s not in cols]
            if missing:
                raise InputFormatError(
                    f"column {missing[0]!r} is required with {sorted(cols.values())}", source=src
                )
            points[point] = np.column_stack([table.column(cols[s]) for s in _EXTENSOR_SUFFIXES])
        info: dict[str, Any] = {"adapter": self.name}
        info.update(_extensor_meta(table.meta, source=src))
        if fps is not None:
            info["fps"] = fps
        return _finish_keypoints(time, points, unit=unit, source=src, info=info)


def _extensor_meta(meta: Mapping[str, str], *, source: str) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if "image_size" in meta:
        match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", meta["image_size"])
        if match is None:
            raise InputFormatError(
                f"'# image_size:' must be <width>x<height> in px, got {meta['image_size']!r}",
                source=source,
            )
        info["image_size"] = (int(match.group(1)), int(match.group(2)))
    if "fps" in meta:
        try:
            fps = float(meta["fps"])
        except ValueError:
            fps = math.nan
        if not (math.isfinite(fps) and fps > 0):
            raise InputFormatError(
                f"'# fps:' must be a positive number, got {meta['fps']!r}", source=source
            )
        info["fps"] = fps
    others = {k: v for k, v in meta.items() if k not in ("unit", "image_size", "fps")}
    if others:
        info["comments"] = others
    return info


def write_extensor_csv(ts: TimeSeries, path: str | Path) -> Path:
    """Write a keypoint series as an extensor CSV, atomically (temp file, then rename).

    Writes ``# unit:``, and ``# image_size:`` / ``# fps:`` when ``ts.info`` has them;
    reading the file back gives the same values to 1e-6. Returns the path.
    """
    p = Path(path)
    if ts.info.get("kind") != "keypoints":
        raise InputFormatError(
            "series must be a keypoint series (info['kind'] 'keypoints'),"
            f" got {ts.info.get('kind')!r}",
            source=p,
        )
    names = keypoint_names(ts)
    if not names:
        raise InputFormatError("series must hold at least one keypoint channel, got none", source=p)
    units = sorted({str(ts.units.get(n)) for n in names})
    if len(units) != 1 or units[0] not in KEYPOINT_UNITS:
        raise InputFormatError(
            f"points must share one unit, px or normalized, got {units}", source=p
        )
    head = ["# extensor keypoints", f"# unit: {units[0]}"]
    size = ts.info.get("image_size")
    if isinstance(size, tuple | list) and len(size) == 2:
        head.append(f"# image_size: {int(size[0])}x{int(size[1])}")
    fps = ts.info.get("fps")
    if isinstance(fps, int | float) and math.isfinite(fps) and fps > 0:
        head.append(f"# fps: {fps:.{CSV_SIGNIFICANT_DIGITS}g}")
    head.append(",".join(["time", *(f"{n}{s}" for n in names for s in _EXTENSOR_SUFFIXES)]))
    table = np.column_stack([ts.time, *(ts.data[n] for n in names)])
    buf = io.StringIO()
    buf.write("\n".join(head) + "\n")
    np.savetxt(buf, table, fmt=f"%.{CSV_SIGNIFICANT_DIGITS}g", delimiter=",")
    atomic_write(p, buf.getvalue())
    return p
