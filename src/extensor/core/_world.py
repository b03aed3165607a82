"""Trunk and thigh angles in the body's own plane, from 3D world landmarks.

A phone 30-45 degrees off the side foreshortens every angle in the image. The 3D world
landmarks of a pose model (metres, origin between the hips) do not depend on where the
camera stands, so the angles are measured in the body's sagittal plane instead: the
plane normal to the hip axis (left hip to right hip). Trunk = mid-shoulder minus
mid-hip, thigh = mid-hip minus mid-knee, both projected on that plane. Turning the
camera about the vertical turns every world point and the hip axis together, so the
angles stay the same.

The signs follow :mod:`extensor.core._kinematics`: an angle from ``u`` to ``v`` is
positive when ``v`` is turned from ``u`` in the sense of the hip axis (right-hand rule);
the caller multiplies it by the front sign found from anatomy, as in 2D.

>>> import numpy as np
>>> hip_axis = np.array([[0.0, 0.0, 1.0]])
>>> u, v = np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.3]])
>>> round(float(plane_angle_deg(u, v, hip_axis)[0]), 1)
90.0
"""

from __future__ import annotations

import numpy as np

from extensor.core._keypoints import has_world, point_conf, point_world
from extensor.core._timeseries import FloatArray, TimeSeries

__all__ = [
    "BODY_POINTS",
    "body_plane_vectors",
    "plane_angle_deg",
    "view_angle_deg",
]

#: Points the body-plane angles need, on both sides.
BODY_POINTS: tuple[str, ...] = tuple(
    f"{side}_{part}" for part in ("shoulder", "hip", "knee") for side in ("left", "right")
)


def _unit(v: FloatArray) -> FloatArray:
    n = np.linalg.norm(v, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = v / n
    return out


def plane_angle_deg(u: FloatArray, v: FloatArray, normal: FloatArray) -> FloatArray:
    """Signed angle (deg) from ``u`` to ``v`` (n, 3) projected on the plane normal to ``normal``."""
    n = _unit(normal)
    up = u - (u * n).sum(axis=1, keepdims=True) * n
    vp = v - (v * n).sum(axis=1, keepdims=True) * n
    cross = (np.cross(up, vp) * n).sum(axis=1)
    dot = (up * vp).sum(axis=1)
    out: FloatArray = np.degrees(np.arctan2(cross, dot))
    return out


def _mid(ts: TimeSeries, part: str, min_confidence: float) -> FloatArray:
    """Mid-point of the left and right ``part`` in world metres; NaN where both are unseen.

    A point hidden behind the body keeps a (model-estimated) world position, so one seen
    side is enough; the world point of an unseen side is still used for the mid-point.
    """
    left, right = point_world(ts, f"left_{part}"), point_world(ts, f"right_{part}")
    seen = (point_conf(ts, f"left_{part}") >= min_confidence) | (
        point_conf(ts, f"right_{part}") >= min_confidence
    )
    mid = (left + right) / 2.0
    mid[~seen] = np.nan
    return mid


def body_plane_vectors(
    ts: TimeSeries, /, *, min_confidence: float
) -> tuple[FloatArray, FloatArray, FloatArray] | None:
    """(trunk, thigh, hip axis) per frame in world metres, or ``None`` without world data.

    ``trunk`` = mid-shoulder - mid-hip, ``thigh`` = mid-hip - mid-knee, ``hip axis`` =
    left hip - right hip; frames where a part is unseen on both sides are NaN.
    """
    if not has_world(ts, list(BODY_POINTS)):
        return None
    shoulder = _mid(ts, "shoulder", min_confidence)
    hip = _mid(ts, "hip", min_confidence)
    knee = _mid(ts, "knee", min_confidence)
    axis = point_world(ts, "left_hip") - point_world(ts, "right_hip")
    return shoulder - hip, hip - knee, axis


def view_angle_deg(ts: TimeSeries, /) -> float | None:
    """How far the camera is from a side view, degrees (0 = side-on, 90 = front or back).

    The angle between the hip axis and the camera's depth axis, seen from above (world
    x and z), median over the recording; ``None`` without world landmarks.

    >>> import numpy as np
    >>> from extensor.core._keypoints import keypoint_series
    >>> t = [0.0, 0.1]
    >>> pts = {n: [[0.0, 0.0, 0.9]] * 2 for n in ("left_hip", "right_hip")}
    >>> a = np.radians(30)
    >>> w = {"left_hip": [[0.1 * np.sin(a), 0, 0.1 * np.cos(a)]] * 2,
    ...      "right_hip": [[-0.1 * np.sin(a), 0, -0.1 * np.cos(a)]] * 2}
    >>> round(view_angle_deg(keypoint_series(t, pts, unit="px", world=w)), 1)
    30.0
    """
    if not has_world(ts, ["left_hip", "right_hip"]):
        return None
    axis = point_world(ts, "left_hip") - point_world(ts, "right_hip")
    ok = np.isfinite(axis).all(axis=1)
    if not ok.any():
        return None
    angle = np.degrees(np.arctan2(np.abs(axis[ok, 0]), np.abs(axis[ok, 2])))
    return float(np.median(angle))
