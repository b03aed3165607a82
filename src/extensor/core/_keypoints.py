"""Keypoints as channels of a :class:`TimeSeries`, looked up by name, never by index.

A keypoint series has one channel per point, named from :data:`POINT_NAMES`
(BlazePose's 33 names, of which COCO-17 is a subset, plus ``neck`` and ``mid_hip``
that OpenPose adds). Each channel has shape (frames, 3): x, y and a confidence in
[0, 1]; a missing point has NaN coordinates and confidence 0. The unit of every
point channel is ``"px"`` or ``"normalized"``. Image axes: x right, y **down**.
``info["kind"]`` is ``"keypoints"``.

A 3D pose model (MediaPipe's ``pose_world_landmarks``) adds one channel per point
named ``world:<point>`` (:func:`world_channel`), shape (frames, 3): x, y, z in metres,
origin between the hips, axes those of the camera (x right, y down, z away from it);
NaN where the person was not found. :func:`point_world` reads them.

>>> ts = keypoint_series([0.0, 0.1], {"left_hip": [[1, 2, 0.9], [1, 2, 0.8]]}, unit="px")
>>> point_xy(ts, "left_hip").tolist(), point_conf(ts, "left_hip").tolist()
([[1.0, 2.0], [1.0, 2.0]], [0.9, 0.8])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from extensor._errors import InputFormatError
from extensor.core._timeseries import FloatArray, TimeSeries

__all__ = [
    "KEYPOINT_UNITS",
    "POINT_NAMES",
    "WORLD_PREFIX",
    "has_world",
    "keypoint_names",
    "keypoint_series",
    "point_conf",
    "point_world",
    "point_xy",
    "world_channel",
]

#: Every point name extensor knows: BlazePose's 33 plus OpenPose's neck and mid-hip.
POINT_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index", "neck", "mid_hip",
)  # fmt: skip

#: Units a keypoint channel may carry.
KEYPOINT_UNITS = ("px", "normalized")

#: Prefix of the 3D world-landmark channels (``world:left_hip``), unit ``"m"``.
WORLD_PREFIX = "world:"


def world_channel(name: str) -> str:
    """The channel holding point ``name``'s 3D world position: ``world:<name>``."""
    return WORLD_PREFIX + name


def keypoint_series(
    time: ArrayLike,
    points: Mapping[str, ArrayLike],
    *,
    unit: str,
    info: Mapping[str, Any] | None = None,
    world: Mapping[str, ArrayLike] | None = None,
) -> TimeSeries:
    """Build a keypoint series from ``{name: (frames, 3) x, y, conf}``; names are checked.

    ``world``: optional ``{name: (frames, 3) x, y, z}`` in metres (3D world landmarks),
    stored as channels ``world:<name>``.
    """
    source = (info or {}).get("source")
    if unit not in KEYPOINT_UNITS:
        raise InputFormatError(
            f"keypoint unit must be one of {KEYPOINT_UNITS}, got {unit!r}", source=source
        )
    data: dict[str, FloatArray] = {}
    for name, values in points.items():
        if name not in POINT_NAMES:
            raise InputFormatError(f"unknown keypoint name {name!r}", source=source)
        arr = np.array(values, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != 3:
            raise InputFormatError(
                f"keypoint {name!r} must have shape (frames, 3), got {arr.shape}", source=source
            )
        missing = ~np.isfinite(arr[:, :2]).all(axis=1) | ~np.isfinite(arr[:, 2])
        arr[missing, :2] = np.nan
        arr[missing, 2] = 0.0
        arr[:, 2] = np.clip(arr[:, 2], 0.0, 1.0)
        data[name] = arr
    units = dict.fromkeys(data, unit)
    for name, values in (world or {}).items():
        if name not in POINT_NAMES:
            raise InputFormatError(f"unknown keypoint name {name!r}", source=source)
        arr = np.array(values, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != 3:
            raise InputFormatError(
                f"world point {name!r} must have shape (frames, 3), got {arr.shape}", source=source
            )
        arr[~np.isfinite(arr).all(axis=1)] = np.nan
        data[world_channel(name)] = arr
        units[world_channel(name)] = "m"
    return TimeSeries(time, data, units=units, info={**(info or {}), "kind": "keypoints"})


def keypoint_names(ts: TimeSeries) -> list[str]:
    """The point channels of a keypoint series, in :data:`POINT_NAMES` order."""
    return [n for n in POINT_NAMES if n in ts.data]


def point_xy(ts: TimeSeries, name: str) -> FloatArray:
    """(frames, 2) image coordinates of point ``name`` (NaN where missing)."""
    return ts.channel(name)[:, :2]


def point_conf(ts: TimeSeries, name: str) -> FloatArray:
    """(frames,) confidence of point ``name``."""
    return ts.channel(name)[:, 2]


def has_world(ts: TimeSeries, names: tuple[str, ...] | list[str]) -> bool:
    """True when every point in ``names`` has a 3D world channel with some finite sample."""
    return all(
        world_channel(n) in ts.data and bool(np.isfinite(ts.data[world_channel(n)]).any())
        for n in names
    )


def point_world(ts: TimeSeries, name: str) -> FloatArray:
    """(frames, 3) world position of point ``name`` in metres (NaN where missing).

    >>> ts = keypoint_series([0.0, 0.1], {"left_hip": [[1, 2, 0.9]] * 2}, unit="px",
    ...                      world={"left_hip": [[0.1, 0.0, -0.02]] * 2})
    >>> point_world(ts, "left_hip")[0].tolist(), has_world(ts, ["left_hip"])
    ([0.1, 0.0, -0.02], True)
    """
    return ts.channel(world_channel(name))
