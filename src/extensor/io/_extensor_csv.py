"""The ``extensor_csv`` adapter and its writer: the project's own keypoint format.

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

import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from extensor._errors import InputFormatError
from extensor._files import atomic_write
from extensor.core import (
    KEYPOINT_UNITS,
    POINT_NAMES,
    FloatArray,
    TimeSeries,
    keypoint_names,
    world_channel,
)
from extensor.io._base import Adapter
from extensor.io._keypoint_tools import finish_keypoints
from extensor.io._tables import (
    Table,
    check_options,
    check_time,
    fps_option,
    image_size_for,
    read_table,
    unit_choice,
)

__all__ = [
    "CSV_SIGNIFICANT_DIGITS",
    "ExtensorCsvAdapter",
    "write_extensor_csv",
]

#: Significant digits written by :func:`write_extensor_csv`: exact to 1e-6 for values
#: below 1e5 (a day of seconds, any pixel coordinate), while 0.1 stays ``0.1``.
CSV_SIGNIFICANT_DIGITS = 12

# -- extensor CSV ----------------------------------------------------------------------------

_EXTENSOR_SUFFIXES = ("_x", "_y", "_conf")
#: A point's 3D world position (MediaPipe's world landmarks), in metres.
_WORLD_SUFFIXES = ("_wx", "_wy", "_wz")


class ExtensorCsvAdapter(Adapter):
    """extensor's own keypoint CSV (see the module docstring and ``docs/formats.md``).

    Options: ``unit`` (overrides ``# unit:``), ``fps`` (accepted; time comes from the file).
    """

    name = "extensor_csv"
    kind = "keypoints"
    suffixes = (".csv",)

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit", "image_size"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        table = read_table(path, delimiters=(",",), source=src, max_bytes=self.max_bytes)
        unit = unit_choice(options.get("unit"), table.meta, source=src)
        if table.columns[0] != "time":
            raise InputFormatError(
                f"the first column must be 'time' (seconds), got {table.columns[0]!r}", source=src
            )
        time = check_time(table.column("time"), name="time", where=table.where, source=src)
        groups: dict[str, dict[str, str]] = {}
        world_cols: dict[str, dict[str, str]] = {}
        for col in table.columns[1:]:
            world_suffix = next((s for s in _WORLD_SUFFIXES if col.endswith(s)), None)
            if world_suffix is not None and col[: -len(world_suffix)] in POINT_NAMES:
                world_cols.setdefault(col[: -len(world_suffix)], {})[world_suffix] = col
                continue
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
        points = _stacked(table, groups, _EXTENSOR_SUFFIXES, source=src)
        world = _stacked(table, world_cols, _WORLD_SUFFIXES, source=src)
        info: dict[str, Any] = {"adapter": self.name}
        info.update(_extensor_meta(table.meta, source=src))
        size = image_size_for(options.get("image_size"), table.meta, source=src)
        if size is not None:
            info["image_size"] = size
        if fps is not None:
            info["fps"] = fps
        return finish_keypoints(time, points, unit=unit, source=src, info=info, world=world)


def _stacked(
    table: Table, groups: Mapping[str, Mapping[str, str]], suffixes: tuple[str, ...], *, source: str
) -> dict[str, FloatArray]:
    """Each point's columns (one per suffix) as one (frames, len(suffixes)) array; a point
    with some but not all of them is an :class:`InputFormatError` naming the missing one."""
    out: dict[str, FloatArray] = {}
    for point, cols in groups.items():
        missing = [point + s for s in suffixes if s not in cols]
        if missing:
            raise InputFormatError(
                f"column {missing[0]!r} is required with {sorted(cols.values())}", source=source
            )
        out[point] = np.column_stack([table.column(cols[s]) for s in suffixes])
    return out


def _extensor_meta(meta: Mapping[str, str], *, source: str) -> dict[str, Any]:
    info: dict[str, Any] = {}
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

    Writes ``# unit:``, and ``# image_size:`` / ``# fps:`` when ``ts.info`` has them, and
    the 3D world landmarks (``<point>_wx, _wy, _wz``, m) when the series has them, so a
    re-analysis measures the same view-independent angles; reading the file back gives
    the same values to 1e-6. Returns the path.
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
    world = [n for n in names if world_channel(n) in ts.data]
    columns = [f"{n}{s}" for n in names for s in _EXTENSOR_SUFFIXES]
    columns += [f"{n}{s}" for n in world for s in _WORLD_SUFFIXES]
    head.append(",".join(["time", *columns]))
    table = np.column_stack(
        [ts.time, *(ts.data[n] for n in names), *(ts.data[world_channel(n)] for n in world)]
    )
    buf = io.StringIO()
    buf.write("\n".join(head) + "\n")
    np.savetxt(buf, table, fmt=f"%.{CSV_SIGNIFICANT_DIGITS}g", delimiter=",")
    atomic_write(p, buf.getvalue())
    return p
