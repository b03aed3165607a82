"""Sensor file adapters: lever encoder / goniometer CSV (``angle``) and IMU CSV (``imu``).

``encoder`` (kind ``angle``) reads a delimited file (comma, semicolon or tab) with a
time column (``time``/``t`` in s, ``time_ms`` in ms, or ``frame`` with ``fps``) and one
angle column: ``angle_deg``, ``angle_rad``, or ``angle`` with the option ``angle_unit``
(or a ``# angle_unit: deg`` comment line). The result is the ``angle`` channel in degrees::

    angle = angle_sign * (reading - angle_zero), converted to degrees

``angle_zero`` is the reading at neutral, in the file's unit; when it is given
``info["neutral_known"]`` is True, otherwise 0 is used and it is False.

``imu`` (kind ``imu``) returns ``acc`` (n, 3) m/s^2, ``gyr`` (n, 3) rad/s and, when present,
``mag`` (n, 3) in a.u. (or uT from phyphox). Three dialects, told apart by the content
(``info["dialect"]``):

* ``generic``: a delimited file with a time column (``time``, ``t``, ``timestamp``,
  ``time_s``; ``time_ms``/``timestamp_ms``) and ``acc_x, acc_y, acc_z, gyr_x, ...`` (also
  ``ax, ay, az, gx, gy, gz``, ``gyro_x``, ``mag_x``/``mx``). Options: ``columns`` maps
  ``time``, ``acc_x`` ... ``mag_z`` to other header names; ``acc_unit`` ("m/s^2" or "g"),
  ``gyr_unit`` ("rad/s" or "deg/s"), ``mag_unit`` ("a.u." or "uT"), ``time_unit``
  ("s", "ms", "us", "ns"); ``fps`` gives the time when there is no time column.
* ``phyphox``: a folder or zip of phyphox CSV exports (``Accelerometer.csv`` with
  ``"Time (s)","Acceleration x (m/s^2)",...``, ``Gyroscope.csv``, optionally
  ``Magnetometer.csv``), files recognised by their header. The gyroscope (and
  magnetometer) are resampled onto the accelerometer's time by linear interpolation over
  the time span all sensors share.
* ``yurtman-barshan``: ``time index;acc_x;...;mag_z``, time = index / ``fps`` (default
  :data:`YURTMAN_BARSHAN_RATE_HZ`).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from extensor._errors import ConfigError, EmptyInputError, InputFormatError
from extensor.core import (
    DEFAULT_AHRS_GAIN,
    DEFAULT_GYROSCOPE_RANGE_DPS,
    STANDARD_GRAVITY,
    FloatArray,
    TimeSeries,
)
from extensor.io._base import Adapter
from extensor.io._tables import (
    Table,
    check_options,
    check_time,
    decode_text,
    first_header,
    fps_option,
    header_fields,
    parse_table,
    read_head,
    read_table,
    read_text,
    read_zip_member,
    table_time,
)

__all__ = [
    "YURTMAN_BARSHAN_RATE_HZ",
    "EncoderAdapter",
    "ImuAdapter",
    "phyphox_sensor",
    "unit_columns",
]

#: Sampling rate of the Xsens MTx units in the Yurtman-Barshan physical-therapy dataset.
YURTMAN_BARSHAN_RATE_HZ = 25.0

_DELIMITERS = (",", ";", "\t")
_ANGLE_FACTORS = {"deg": 1.0, "rad": 180.0 / math.pi}
_ACC_FACTORS = {"m/s^2": 1.0, "g": STANDARD_GRAVITY}
_GYR_FACTORS = {"rad/s": 1.0, "deg/s": math.pi / 180.0}
_MAG_UNITS = ("a.u.", "uT")
_TIME_DIVISORS = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}

#: Canonical IMU column keys (for the ``columns`` option) and the header names accepted.
_IMU_ALIASES: dict[str, tuple[str, ...]] = {
    f"{sensor}_{axis}": tuple(f"{p}{sep}{axis}" for p in prefixes for sep in ("_", ""))
    + ((f"{sensor[0]}{axis}",) if sensor != "mag" else (f"m{axis}",))
    for sensor, prefixes in (
        ("acc", ("acc", "accel", "acceleration")),
        ("gyr", ("gyr", "gyro", "gyroscope")),
        ("mag", ("mag", "magnetometer")),
    )
    for axis in "xyz"
}
_TIME_SECONDS = ("time", "t", "timestamp", "time_s")
_TIME_MILLIS = ("time_ms", "timestamp_ms")
_IMU_KEYS = ("time", *_IMU_ALIASES)
#: Bytes read to see whether a CSV is a phyphox export (its header line).
_HEADER_BYTES = 4096
_IMU_OPTIONS = (
    "fps", "columns", "acc_unit", "gyr_unit", "mag_unit", "time_unit",
    "gyroscope_range_dps", "ahrs_gain", "sensor", "member", "neutral_hold_s",
)  # fmt: skip

#: One unit's column in a file of several: ``<unit>_acc_x`` (also ``.``, ``:``, ``@`` or a
#: space before the sensor: ``trunk.gyro_y``, ``u4@acc_z``).
_UNIT_COLUMN = re.compile(
    r"^(?P<unit>.+?)[_.:@ ](?P<key>(?:acc|accel|acceleration|gyr|gyro|gyroscope|mag"
    r"|magnetometer)_?[xyz])$",
    re.I,
)

#: phyphox column header: ``Acceleration x (m/s^2)``, ``Gyroscope y (rad/s)``, ...
_PHYPHOX_COLUMN = re.compile(
    r"^(acceleration|linear acceleration|gyroscope|magnetic field)\s+([xyz])\s*\((.*)\)$", re.I
)
_PHYPHOX_SENSORS = {"acceleration": "acc", "gyroscope": "gyr", "magnetic field": "mag"}
_PHYPHOX_UNITS: dict[str, dict[str, tuple[float, str]]] = {
    "acc": {"m/s^2": (1.0, "m/s^2"), "m/s²": (1.0, "m/s^2"), "g": (STANDARD_GRAVITY, "m/s^2")},
    "gyr": {
        "rad/s": (1.0, "rad/s"),
        "deg/s": (math.pi / 180, "rad/s"),
        "°/s": (math.pi / 180, "rad/s"),
    },
    "mag": {"µt": (1.0, "uT"), "μt": (1.0, "uT"), "ut": (1.0, "uT")},
}
_UNITS = {"acc": "m/s^2", "gyr": "rad/s"}
#: The six columns a unit needs.
_UNIT_KEYS = tuple(f"{sensor}_{axis}" for sensor in ("acc", "gyr") for axis in "xyz")
#: The name of the unit whose columns have no prefix (``acc_x``...) in a file that also
#: holds prefixed units (``thigh_acc_x``...).
UNPREFIXED_UNIT = "unprefixed"


def _choice(
    value: Any, allowed: Mapping[str, Any] | Sequence[str], *, name: str, source: str
) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {list(allowed)}, got {value!r}", source=source)
    return str(value)


def _finite_option(value: Any, *, name: str, source: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise ConfigError(f"{name} must be a finite number, got {value!r}", source=source)
    return number


def _require_some(values: FloatArray, *, what: str, source: str) -> FloatArray:
    if not np.isfinite(values).any():
        raise EmptyInputError(
            f"{what} must hold at least one number, got only empty or NaN values", source=source
        )
    return values


# -- encoder / goniometer --------------------------------------------------------------------


class EncoderAdapter(Adapter):
    """A lever encoder or goniometer CSV: time and one angle column (see the module docstring).

    Options: ``angle_unit`` ("deg" | "rad"), ``angle_zero`` (reading at neutral, file unit),
    ``angle_sign`` (+1 | -1), ``fps`` (when time is a frame count).
    """

    name = "encoder"
    kind = "angle"
    suffixes = (".csv", ".tsv", ".txt")

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        known = ("fps", "angle_unit", "angle_zero", "angle_sign")
        check_options(options, known, adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        unit_option = _choice(
            options.get("angle_unit"), _ANGLE_FACTORS, name="angle_unit", source=src
        )
        zero = _finite_option(options.get("angle_zero"), name="angle_zero", source=src)
        sign_value = options.get("angle_sign")
        sign = (
            1.0 if sign_value is None else _finite_option(sign_value, name="angle_sign", source=src)
        )
        if sign not in (1.0, -1.0):
            raise ConfigError(f"angle_sign must be +1 or -1, got {sign_value!r}", source=src)
        table = read_table(path, delimiters=_DELIMITERS, source=src, max_bytes=self.max_bytes)
        time, time_col = table_time(
            table,
            fps=fps,
            seconds=("time", "t", "time_s"),
            millis=("time_ms",),
            frames=("frame", "sample", "index"),
        )
        candidates = [
            (c, c.lower().removeprefix("angle").lstrip("_") or None)
            for c in table.columns
            if c.lower() in ("angle", "angle_deg", "angle_rad")
        ]
        if len(candidates) != 1:
            got = [c for c, _ in candidates] or list(table.columns)
            raise InputFormatError(
                "exactly one angle column must be present ('angle_deg', 'angle_rad' or 'angle'),"
                f" got {got}",
                source=src,
            )
        column, header_unit = candidates[0]
        meta_unit = table.meta.get("angle_unit")
        if header_unit and unit_option and unit_option != header_unit:
            raise ConfigError(
                f"angle_unit must match column {column!r}, got {unit_option!r}", source=src
            )
        unit = header_unit or unit_option or meta_unit
        if unit not in _ANGLE_FACTORS:
            found = f"'# angle_unit: {meta_unit}'" if meta_unit else "a plain 'angle' column"
            raise InputFormatError(
                "angle unit unknown: name the column 'angle_deg' or 'angle_rad', or pass"
                f" --angle-unit deg|rad, got {found}",
                source=src,
            )
        reading = _require_some(table.column(column), what=f"column {column!r}", source=src)
        angle = sign * (reading - (zero or 0.0)) * _ANGLE_FACTORS[unit]
        info = {
            "kind": self.kind,
            "source": src,
            "adapter": self.name,
            "angle_unit_in_file": unit,
            "angle_sign": int(sign),
            "angle_zero": zero or 0.0,
            "neutral_known": zero is not None,
            "ignored_columns": [c for c in table.columns if c not in (time_col, column)],
        }
        return TimeSeries(time, {"angle": angle}, units={"angle": "deg"}, info=info)


# -- IMU -------------------------------------------------------------------------------------


class ImuAdapter(Adapter):
    """IMU recordings: generic CSV, phyphox folder/zip, Yurtman-Barshan ``time index`` files.

    Options: ``fps``, ``columns``, ``acc_unit``, ``gyr_unit``, ``mag_unit``, ``time_unit``
    (see the module docstring), and two properties of the sensor kept in ``info`` for the
    orientation filter: ``gyroscope_range_dps`` (full-scale range, default
    :data:`~extensor.core.DEFAULT_GYROSCOPE_RANGE_DPS`) and ``ahrs_gain`` (default
    :data:`~extensor.core.DEFAULT_AHRS_GAIN`).
    """

    name = "imu"
    kind = "imu"
    suffixes = (".csv", ".tsv", ".txt", ".zip")

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, _IMU_OPTIONS, adapter=self.name, source=src)
        neutral_hold = _finite_option(
            options.get("neutral_hold_s"), name="neutral_hold_s", source=src
        )
        if neutral_hold is not None and neutral_hold <= 0:
            raise ConfigError(f"neutral_hold_s must be above 0 s, got {neutral_hold:g}", source=src)
        sensor = options.get("sensor")
        if sensor is not None and not isinstance(sensor, str):
            raise ConfigError(f"sensor must be a unit's name, got {sensor!r}", source=src)
        if path.is_dir() and not _has_phyphox_csv(path):
            data, units, info = self._read_unit_folders(path, options)
        else:
            data, units, info = self._read_one(path, options)
        names = list(info.get("imu_units", []))
        if sensor is not None and not names:
            if info.get("imu_unit") != sensor:
                held = f"one unit, {info['imu_unit']!r}" if "imu_unit" in info else "one unit"
                raise ConfigError(
                    f"sensor must name one of the recording's units, got {sensor!r}: the"
                    f" recording holds {held}",
                    source=src,
                )
        elif sensor is not None:
            if sensor not in names:
                raise ConfigError(
                    f"sensor must be one of the recording's units {names}, got {sensor!r}",
                    source=src,
                )
            data = {
                "time": data["time"],
                "acc": data[f"acc@{sensor}"],
                "gyr": data[f"gyr@{sensor}"],
            }
            units = dict(_UNITS)
            info = {**{k: v for k, v in info.items() if k != "imu_units"}, "imu_unit": sensor}
        for channel in [c for c in data if c.split("@")[0] in ("acc", "gyr")]:
            _require_some(data[channel], what=f"channel {channel!r}", source=src)
        time = data.pop("time")
        extra = {} if neutral_hold is None else {"neutral_hold_s": neutral_hold}
        return TimeSeries(
            time,
            data,
            units=units,
            info={
                **info,
                **extra,
                "kind": self.kind,
                "source": src,
                "adapter": self.name,
                "gyroscope_range_dps": _positive(
                    options.get("gyroscope_range_dps", DEFAULT_GYROSCOPE_RANGE_DPS),
                    name="gyroscope_range_dps",
                    source=src,
                ),
                "ahrs_gain": _positive(
                    options.get("ahrs_gain", DEFAULT_AHRS_GAIN), name="ahrs_gain", source=src
                ),
            },
        )

    def _read_one(
        self, path: Path, options: Mapping[str, Any]
    ) -> tuple[dict[str, FloatArray], dict[str, str], dict[str, Any]]:
        """One file (or phyphox folder / zip): its time and channels, in SI units."""
        src = str(path)
        fps = fps_option(options.get("fps"), source=src)
        acc_unit = _choice(options.get("acc_unit"), _ACC_FACTORS, name="acc_unit", source=src)
        gyr_unit = _choice(options.get("gyr_unit"), _GYR_FACTORS, name="gyr_unit", source=src)
        mag_unit = _choice(options.get("mag_unit"), _MAG_UNITS, name="mag_unit", source=src)
        time_unit = _choice(options.get("time_unit"), _TIME_DIVISORS, name="time_unit", source=src)
        columns = _columns_option(options.get("columns"), source=src)
        if path.is_dir() or path.suffix.lower() == ".zip":
            return _read_phyphox_set(path, source=src, max_bytes=self.max_bytes)
        table = read_table(path, delimiters=_DELIMITERS, source=src, max_bytes=self.max_bytes)
        if table.columns[0].lower() == "time index" and not columns:
            data, units, info = _yurtman_barshan(table, fps=fps)
        elif any(_PHYPHOX_COLUMN.match(c) for c in table.columns) and not columns:
            return _phyphox_combine({table.source: table}, source=src)
        else:
            data, units, info = _generic(
                table, fps=fps, columns=columns, time_unit=time_unit or "s"
            )
        factors = {
            "acc": _ACC_FACTORS[acc_unit or "m/s^2"],
            "gyr": _GYR_FACTORS[gyr_unit or "rad/s"],
        }
        for channel in data:
            base = channel.split("@")[0]
            if base in factors:
                data[channel] = data[channel] * factors[base]
        if "mag" in data and mag_unit:
            units["mag"] = mag_unit
        info["units_in_file"] = {"acc": acc_unit or "m/s^2", "gyr": gyr_unit or "rad/s"}
        return data, units, info

    def _read_unit_folders(
        self, path: Path, options: Mapping[str, Any]
    ) -> tuple[dict[str, FloatArray], dict[str, str], dict[str, Any]]:
        """A session folder with one subfolder per unit (``u1/test.txt``, ``u2/test.txt``...):
        the file named ``member`` in each (the one file name they share when not given),
        every unit on the first unit's time over the span they all cover."""
        src = str(path)
        folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        if not folders:
            raise InputFormatError(
                "an IMU folder must hold phyphox CSV exports or one subfolder per unit"
                " (u1/test.txt, u2/test.txt, ...), got neither",
                source=src,
            )
        member = options.get("member")
        if member is None:
            shared = set.intersection(
                *({f.name for f in d.iterdir() if f.is_file() and not f.name.startswith(".")}
                  for d in folders)
            )  # fmt: skip
            if len(shared) != 1:
                raise ConfigError(
                    "the unit folders must share exactly one file name, or pass member=NAME"
                    f" (--member), got {sorted(shared) or 'no shared name'} in"
                    f" {[d.name for d in folders]}",
                    source=src,
                )
            member = shared.pop()
        one = {k: v for k, v in options.items() if k not in ("member", "sensor", "neutral_hold_s")}
        read = {}
        for folder in folders:
            file = folder / str(member)
            if not file.is_file():
                raise InputFormatError(
                    f"every unit folder must hold {member!r}, got none in {folder.name}",
                    source=src,
                )
            data, _, info = self._read_one(file, one)
            if "imu_units" in info:
                raise InputFormatError(
                    "a unit folder's file must hold one unit, got several", source=str(file)
                )
            read[folder.name] = (data, info)
        return _on_common_time(read, source=src)


def _on_common_time(
    read: Mapping[str, tuple[dict[str, FloatArray], dict[str, Any]]], *, source: str
) -> tuple[dict[str, FloatArray], dict[str, str], dict[str, Any]]:
    """Units read one by one, put on the first unit's time over the span they all cover
    (linear interpolation; samples on the same times are kept as they are)."""
    names = list(read)
    first_time = read[names[0]][0]["time"]
    lo = max(float(d["time"][0]) for d, _ in read.values())
    hi = min(float(d["time"][-1]) for d, _ in read.values())
    keep = (first_time >= lo) & (first_time <= hi)
    if keep.sum() < 2:
        raise InputFormatError(
            f"the units {names} must record at the same time, got no common span", source=source
        )
    time = first_time[keep]
    data: dict[str, FloatArray] = {"time": time}
    units: dict[str, str] = {}
    for name, (d, _) in read.items():
        for channel in ("acc", "gyr"):
            values = d[channel]
            if d["time"].size == first_time.size and np.array_equal(d["time"], first_time):
                data[f"{channel}@{name}"] = values[keep]
            else:
                data[f"{channel}@{name}"] = np.stack(
                    [np.interp(time, d["time"], values[:, k]) for k in range(3)], axis=1
                )
            units[f"{channel}@{name}"] = _UNITS[channel]
    first = {k: v for k, v in read[names[0]][1].items() if k != "imu_unit"}
    info = {**first, "imu_units": names, "unit_files": len(names)}
    return data, units, info


def is_phyphox_csv(file: Path) -> bool:
    """True when ``file`` is a ``.csv`` whose header has a phyphox sensor column
    (``Acceleration x (m/s^2)``...), whatever its delimiter (``,``, ``;`` or tab)."""
    if not file.is_file() or file.suffix.lower() != ".csv":
        return False
    head = read_head(file, _HEADER_BYTES)
    return bool(head) and any(
        _PHYPHOX_COLUMN.match(f) for f in header_fields(first_header(head or ""))
    )


def _has_phyphox_csv(path: Path) -> bool:
    """True when ``path`` (a folder) holds a phyphox CSV export, or no subfolder at all
    (then the phyphox reader says what is missing); False for a folder of unit folders."""
    if not any(p.is_dir() and not p.name.startswith(".") for p in path.iterdir()):
        return True
    return any(is_phyphox_csv(file) for file in path.iterdir())


def _positive(value: Any, *, name: str, source: str) -> float:
    """A finite number above 0, else a ConfigError naming the option."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise ConfigError(f"{name} must be a positive number, got {value!r}", source=source)
    return number


def _columns_option(value: Any, *, source: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(
            f"columns must map {list(_IMU_KEYS)} to header names, got {value!r}", source=source
        )
    unknown = sorted(set(value) - set(_IMU_KEYS))
    if unknown:
        raise ConfigError(
            f"columns keys must be among {list(_IMU_KEYS)}, got {unknown}", source=source
        )
    return {str(k): v for k, v in value.items()}


def _triplet(
    table: Table, sensor: str, columns: Mapping[str, str], *, required: bool
) -> FloatArray | None:
    """(n, 3) of ``<sensor>_x, _y, _z`` found by the ``columns`` mapping or default names."""
    found: list[str | None] = []
    for axis in "xyz":
        key = f"{sensor}_{axis}"
        if key in columns:
            name = table.find(columns[key])
            if name is None:
                raise InputFormatError(
                    f"column {columns[key]!r} (columns[{key!r}]) must be in the header, got"
                    f" {list(table.columns)}",
                    source=table.source,
                )
            found.append(name)
        else:
            found.append(table.find(*_IMU_ALIASES[key]))
    if all(name is None for name in found):
        if required:
            raise InputFormatError(
                f"columns {sensor}_x, {sensor}_y, {sensor}_z must be present (or pass columns="
                f"{{'{sensor}_x': ...}}), got {list(table.columns)}",
                source=table.source,
            )
        return None
    missing = [f"{sensor}_{axis}" for axis, name in zip("xyz", found, strict=True) if name is None]
    if missing:
        raise InputFormatError(
            f"column {missing[0]!r} is required with the other {sensor} axes, got"
            f" {list(table.columns)}",
            source=table.source,
        )
    return np.column_stack([table.column(n) for n in found if n is not None])


def unit_columns(columns: Sequence[str]) -> dict[str, dict[str, str]]:
    """The units of a header with several: unit -> {``acc_x`` ... ``gyr_z``: column}, for
    every prefix that has all three axes of both the accelerometer and the gyroscope.

    >>> unit_columns(["time", "u1_acc_x", "u1_acc_y", "u1_acc_z", "u1_gyr_x", "u1_gyr_y",
    ...               "u1_gyr_z", "arm.ax"])
    {'u1': {'acc_x': 'u1_acc_x', 'acc_y': 'u1_acc_y', 'acc_z': 'u1_acc_z', 'gyr_x': 'u1_gyr_x', 'gyr_y': 'u1_gyr_y', 'gyr_z': 'u1_gyr_z'}}
    """
    alias_to_key = {a: key for key, names in _IMU_ALIASES.items() for a in names}
    found: dict[str, dict[str, str]] = {}
    for column in columns:
        match = _UNIT_COLUMN.match(column.strip())
        key = None if match is None else alias_to_key.get(match["key"].lower())
        if match is not None and key is not None and key[:3] in ("acc", "gyr"):
            found.setdefault(match["unit"], {})[key] = column
    return {unit: cols for unit, cols in found.items() if set(_UNIT_KEYS) <= set(cols)}


def _generic(
    table: Table, *, fps: float | None, columns: Mapping[str, str], time_unit: str
) -> tuple[dict[str, FloatArray], dict[str, str], dict[str, Any]]:
    if "time" in columns:
        name = table.find(columns["time"])
        if name is None:
            raise InputFormatError(
                f"column {columns['time']!r} (columns['time']) must be in the header, got"
                f" {list(table.columns)}",
                source=table.source,
            )
        raw = check_time(table.column(name), name=name, where=table.where, source=table.source)
        time = raw / _TIME_DIVISORS[time_unit]
    elif table.find(*_TIME_SECONDS, *_TIME_MILLIS) is not None:
        time, name = table_time(
            table,
            fps=fps,
            seconds=_TIME_SECONDS,
            millis=_TIME_MILLIS,
            seconds_divisor=_TIME_DIVISORS[time_unit],
        )
    elif fps is not None:
        time, name = np.arange(len(table.values)) / fps, ""
    else:
        raise InputFormatError(
            "frame rate unknown: pass --fps (no time column: expected one of"
            f" {[*_TIME_SECONDS, *_TIME_MILLIS]}, got {list(table.columns)})",
            source=table.source,
        )
    several = {} if columns else unit_columns(table.columns)
    plain = {key: table.find(*_IMU_ALIASES[key]) for key in _UNIT_KEYS}
    if several and all(plain.values()):
        several = {UNPREFIXED_UNIT: {k: str(v) for k, v in plain.items()}, **several}
    only: dict[str, str] = {}
    if len(several) == 1:
        ((unit, columns),) = several.items()
        only = {"imu_unit": unit}
    elif several:
        by_unit: dict[str, FloatArray] = {"time": time}
        unit_units: dict[str, str] = {}
        for unit, mapping in several.items():
            for sensor in ("acc", "gyr"):
                values = _triplet(table, sensor, mapping, required=True)
                if values is not None:
                    by_unit[f"{sensor}@{unit}"] = values
                unit_units[f"{sensor}@{unit}"] = _UNITS[sensor]
        info = {"dialect": "generic", "time_column": name, "imu_units": list(several)}
        return by_unit, unit_units, info
    acc = _triplet(table, "acc", columns, required=True)
    gyr = _triplet(table, "gyr", columns, required=True)
    mag = _triplet(table, "mag", columns, required=False)
    data: dict[str, FloatArray] = {"time": time}
    units = dict(_UNITS)
    if acc is not None and gyr is not None:
        data.update(acc=acc, gyr=gyr)
    if mag is not None:
        data["mag"] = mag
        units["mag"] = "a.u."
    return data, units, {"dialect": "generic", "time_column": name, **only}


def _yurtman_barshan(
    table: Table, *, fps: float | None
) -> tuple[dict[str, FloatArray], dict[str, str], dict[str, Any]]:
    rate = fps or YURTMAN_BARSHAN_RATE_HZ
    index_col = table.columns[0]
    index = check_time(
        table.column(index_col), name=index_col, where=table.where, source=table.source
    )
    data = {"time": index / rate}
    units = dict(_UNITS)
    for sensor in ("acc", "gyr", "mag"):
        values = _triplet(table, sensor, {}, required=sensor != "mag")
        if values is not None:
            data[sensor] = values
    if "mag" in data:
        units["mag"] = "a.u."
    return data, units, {"dialect": "yurtman-barshan", "fps": rate}


# -- phyphox ---------------------------------------------------------------------------------


def phyphox_sensor(table: Table) -> dict[str, tuple[str, float, str]]:
    """Which phyphox sensor columns a table holds: ``{"acc_x": (column, factor, unit), ...}``.

    Linear acceleration (without gravity) is not used: the analysis needs gravity.
    """
    found: dict[str, tuple[str, float, str]] = {}
    for column in table.columns:
        match = _PHYPHOX_COLUMN.match(column)
        if match is None:
            continue
        quantity, axis, unit = match.group(1).lower(), match.group(2).lower(), match.group(3)
        sensor = _PHYPHOX_SENSORS.get(quantity)
        if sensor is None:
            continue
        conversion = _PHYPHOX_UNITS[sensor].get(unit.strip().lower())
        if conversion is None:
            raise InputFormatError(
                f"column {column!r} must be in {list(_PHYPHOX_UNITS[sensor])}, got {unit!r}",
                source=table.source,
            )
        found[f"{sensor}_{axis}"] = (column, *conversion)
    return found


def _read_phyphox_set(
    path: Path, *, source: str, max_bytes: int
) -> tuple[dict[str, FloatArray], dict[str, str], dict[str, Any]]:
    """Every CSV of a phyphox export folder or zip, combined (each at most ``max_bytes``)."""
    texts: dict[str, str] = {}
    if path.is_dir():
        for file in sorted(path.iterdir()):
            if file.is_file() and file.suffix.lower() == ".csv":
                texts[str(file)] = read_text(file, source=str(file), max_bytes=max_bytes)
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                for member in sorted(archive.namelist()):
                    name = member.rsplit("/", 1)[-1]
                    if name.lower().endswith(".csv") and "/meta/" not in f"/{member}":
                        where = f"{source}/{member}"
                        raw = read_zip_member(archive, member, max_bytes=max_bytes, source=where)
                        texts[where] = decode_text(raw, source=where)
        except (zipfile.BadZipFile, OSError) as err:
            raise InputFormatError(
                f"must be a zip archive of phyphox CSV exports, got an unreadable archive ({err})",
                source=source,
            ) from None
    if not texts:
        raise EmptyInputError(
            "must hold phyphox CSV exports (Accelerometer.csv, Gyroscope.csv), got no CSV file",
            source=source,
        )
    tables = {
        where: parse_table(text, source=where, delimiters=_DELIMITERS)
        for where, text in texts.items()
    }
    return _phyphox_combine(tables, source=source)


def _phyphox_combine(
    tables: Mapping[str, Table], *, source: str
) -> tuple[dict[str, FloatArray], dict[str, str], dict[str, Any]]:
    """Put phyphox sensors on the accelerometer's time (linear interpolation, shared span)."""
    sensors: dict[str, tuple[FloatArray, FloatArray, str, str]] = {}
    for where, table in tables.items():
        found = phyphox_sensor(table)
        for sensor in ("acc", "gyr", "mag"):
            axes = [found.get(f"{sensor}_{a}") for a in "xyz"]
            if all(a is None for a in axes):
                continue
            if any(a is None for a in axes):
                raise InputFormatError(
                    f"columns for {sensor} x, y and z must all be present,"
                    f" got {list(table.columns)}",
                    source=where,
                )
            if sensor in sensors:
                raise InputFormatError(
                    f"must hold one export per sensor, got {sensor} in both {sensors[sensor][3]!r}"
                    f" and {where!r}",
                    source=source,
                )
            if len(table.values) < 2:
                raise EmptyInputError(
                    f"must hold at least 2 rows, got {len(table.values)}", source=where
                )
            time_col = table.find("Time (s)", "time")
            if time_col is None:
                raise InputFormatError(
                    f"column 'Time (s)' must be present, got {list(table.columns)}", source=where
                )
            t = check_time(table.column(time_col), name=time_col, where=table.where, source=where)
            values = np.column_stack([table.column(a[0]) * a[1] for a in axes if a is not None])
            unit = next(a[2] for a in axes if a is not None)
            sensors[sensor] = (t, values, unit, where)
    missing = [s for s in ("acc", "gyr") if s not in sensors]
    if missing:
        names = {"acc": "the accelerometer (Acceleration x/y/z, with g)", "gyr": "the gyroscope"}
        raise InputFormatError(
            f"phyphox exports must include {' and '.join(names[m] for m in missing)}; an IMU"
            " recording needs both: export the experiment as a folder or zip holding"
            f" Accelerometer.csv and Gyroscope.csv, got {sorted(sensors) or 'no sensor columns'}",
            source=source,
        )
    t_acc = sensors["acc"][0]
    lo = max(s[0][0] for s in sensors.values())
    hi = min(s[0][-1] for s in sensors.values())
    keep = (t_acc >= lo) & (t_acc <= hi)
    if keep.sum() < 2:
        spans = ", ".join(f"{k} {v[0][0]:g}-{v[0][-1]:g} s" for k, v in sensors.items())
        raise EmptyInputError(
            f"sensor times must overlap by at least 2 accelerometer samples, got {spans}",
            source=source,
        )
    time = t_acc[keep]
    data: dict[str, FloatArray] = {"time": time}
    units: dict[str, str] = {}
    for sensor, (t, values, unit, _) in sensors.items():
        if sensor == "acc" or (t.shape == t_acc.shape and np.array_equal(t, t_acc)):
            data[sensor] = values[keep]
        else:
            data[sensor] = np.column_stack([np.interp(time, t, values[:, k]) for k in range(3)])
        units[sensor] = unit
    info = {
        "dialect": "phyphox",
        "files": {k: v[3] for k, v in sensors.items()},
        "resampled": "onto the accelerometer's time, linear interpolation",
        "trimmed_samples": int(keep.size - keep.sum()),
    }
    return data, units, info
