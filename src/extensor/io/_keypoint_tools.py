"""Shared by the keypoint adapters: the unit inference, missing points, the numbers of a
JSON person, and the tracking that keeps one person across frames (the first pick is the
person with the highest mean confidence, then the one nearest the previous pick).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from extensor._errors import EmptyInputError, InputFormatError
from extensor.core import (
    FloatArray,
    TimeSeries,
    keypoint_series,
)
from extensor.io._bounds import check_bounds

__all__ = [
    "NORMALIZED_RANGE",
    "UNKNOWN_ASPECT_WARNING",
    "finish_keypoints",
    "infer_unit",
    "int_field",
    "json_floats",
    "mark_missing",
    "to_pixels",
    "track_person",
]

#: Coordinates all within this range are taken as normalized ([0, 1] of the image).
#: Pose estimators place points a little outside the frame, hence the margin; a
#: pixel trace of a real body spans far more than 1.5 px.
NORMALIZED_RANGE: tuple[float, float] = (-0.5, 1.5)

_COORDS = ("x", "y", "confidence")

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


def finish_keypoints(
    time: FloatArray,
    points: Mapping[str, FloatArray],
    *,
    unit: str | None,
    source: str,
    info: Mapping[str, Any],
    world: Mapping[str, FloatArray] | None = None,
) -> TimeSeries:
    """Check that some point was seen, settle the unit and build the keypoint series
    (with ``world``: 3D world positions in m, channels ``world:<point>``)."""
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
    # before keypoint_series clips confidences into [0, 1]: a 7.5 is refused, not hidden
    raw = TimeSeries(time, dict(points), units=dict.fromkeys(points, chosen))
    check_bounds(raw, kind="keypoints", source=source)
    extra: dict[str, Any] = {"source": source, "unit_inferred": inferred}
    size = info.get("image_size")
    if chosen == "normalized" and size is not None:
        points, chosen = to_pixels(points, size), "px"
        extra["scaled_from_normalized"] = True
    elif chosen == "normalized":
        extra["warnings"] = [*info.get("warnings", []), UNKNOWN_ASPECT_WARNING]
    return keypoint_series(time, points, unit=chosen, info={**info, **extra}, world=world)


#: Normalized coordinates without the image size: x is a share of the width, y of the
#: height, so on a frame that is not square every angle is distorted.
UNKNOWN_ASPECT_WARNING = {
    "code": "unknown_aspect_ratio",
    "message": "coordinates are normalized and the image size is unknown: angles are measured"
    " as if the frame were square, several degrees off on a 16:9 or 9:16 video; give the"
    " image size (--image-size 1280x720, or a '# image_size: 1280x720' line in the file)",
}


def to_pixels(points: Mapping[str, FloatArray], size: tuple[int, int]) -> dict[str, FloatArray]:
    """Normalized points (x of the width, y of the height) in px of a ``size`` image.

    >>> to_pixels({"nose": np.array([[0.5, 0.25, 0.9]])}, (1280, 720))["nose"].tolist()
    [[640.0, 180.0, 0.9]]
    """
    scale = np.array([size[0], size[1], 1.0])
    return {name: values * scale for name, values in points.items()}


def mark_missing(arr: FloatArray) -> FloatArray:
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


def json_floats(value: Any, *, what: str, source: str, names: Sequence[str] = ()) -> FloatArray:
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


def int_field(obj: Mapping[str, Any], key: str, *, where: str, source: str) -> int:
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
