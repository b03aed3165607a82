"""Is this a back extension? Decided from what moves and what stays.

In every back-extension variant the hips rest on the pad or seat and the thighs (and
shanks) are held by it, while the trunk turns about the hip. Three checks, each
against a limit in the exercise data file:

* ``hips_travel``: the hip moves more than ``max_hip_travel_trunks`` trunk lengths
  (5th to 95th percentile of its image path; the trunk is used as the ruler because a
  pad can hide the knees and shorten the thigh in the image);
* ``pivot_not_at_hip``: the hip moves more than ``max_pivot_ratio`` times as far as the
  shoulder: the trunk turns about the shoulders (a hip thrust, the upper back on a
  bench) or is carried (a standing pull), not about the hip;
* ``thigh_moves``: the thigh turns more than ``max_thigh_rotation_share`` of the trunk's
  rotation (a deadlift, a squat, a hip thrust).

The recording is ``another_movement`` when at least ``min_failed_checks`` of them fail,
so one mis-tracked point on a real back extension (a knee hidden by the pad) is not
enough for a false alarm; ``undetermined`` when the trunk hardly turns or the camera
view cannot be trusted. Angles come from the motion series (image angles, or the
body-plane angles of an oblique view), travel from the image.

>>> import numpy as np
>>> from extensor.core._params import MovementLimits
>>> lim = MovementLimits(max_hip_travel_trunks=0.35, max_pivot_ratio=0.5,
...     max_thigh_rotation_share=0.35, min_failed_checks=2, min_trunk_rotation_deg=20)
>>> judge_movement({"hip_travel_trunks": 0.1, "pivot_ratio": 0.08, "thigh_rotation_share": 0.1,
...     "thigh_rotation_deg": 9.5, "trunk_rotation_deg": 95.0}, limits=lim).verdict
'back_extension'
>>> judge_movement({"hip_travel_trunks": 0.4, "pivot_ratio": 1.7, "thigh_rotation_share": 0.9,
...     "thigh_rotation_deg": 27.0, "trunk_rotation_deg": 30.0}, limits=lim).failed
('hips_travel', 'pivot_not_at_hip', 'thigh_moves')
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from extensor.core._keypoints import point_conf, point_xy
from extensor.core._params import MovementLimits
from extensor.core._results import MovementCheck, Notice
from extensor.core._timeseries import FloatArray, TimeSeries

__all__ = ["another_movement_notice", "check_movement", "judge_movement", "movement_measures"]

_LOW, _HIGH = 5, 95  # percentiles of a path's extent: a few bad frames do not count


def _extent(values: FloatArray) -> float:
    """Spread (5th to 95th percentile) of a (n,) or (n, 2) path; NaN with under 3 samples."""
    ok = np.isfinite(values) if values.ndim == 1 else np.isfinite(values).all(axis=1)
    if ok.sum() < 3:
        return float("nan")
    lo, hi = np.percentile(values[ok], [_LOW, _HIGH], axis=0)
    return float(np.linalg.norm(np.atleast_1d(hi - lo)))


def _ratio(a: float, b: float) -> float:
    """a / b; infinite when only ``a`` moved, NaN when neither did or either is unknown."""
    if b > 0:
        return a / b
    return float("inf") if a > 0 else float("nan")


def _unwrapped(deg: FloatArray) -> FloatArray:
    """Angles without the jump at +-180 deg (a head-down trunk crosses it); NaN kept."""
    out = deg.copy()
    ok = np.isfinite(deg)
    out[ok] = np.degrees(np.unwrap(np.radians(deg[ok])))
    return out


def _point(ts: TimeSeries, name: str, min_confidence: float) -> FloatArray:
    xy = point_xy(ts, name).copy()
    xy[point_conf(ts, name) < min_confidence] = np.nan
    return xy


def movement_measures(
    keypoints: TimeSeries, motion: TimeSeries, /, *, min_confidence: float
) -> dict[str, float]:
    """The numbers the checks read: hip travel, pivot ratio, thigh and trunk rotation.

    ``keypoints`` gives the image paths (side ``motion.info["side"]``); ``motion`` the
    angles (``trunk_inclination`` and ``hip_flexion``, deg), so the thigh's orientation
    is their difference.
    """
    side = str(motion.info.get("side", "left"))
    shoulder = _point(keypoints, f"{side}_shoulder", min_confidence)
    hip = _point(keypoints, f"{side}_hip", min_confidence)
    trunk_len = float(np.nanmedian(np.linalg.norm(shoulder - hip, axis=1)))
    inclination = _unwrapped(motion.channel("trunk_inclination"))
    thigh = _unwrapped(motion.channel("trunk_inclination") - motion.channel("hip_flexion"))
    trunk_rot = _extent(inclination)
    hip_travel = _extent(hip)
    shoulder_travel = _extent(shoulder)
    out = {
        "trunk_rotation_deg": trunk_rot,
        "thigh_rotation_deg": _extent(thigh),
        "hip_travel_trunks": hip_travel / trunk_len if trunk_len > 0 else float("nan"),
        "pivot_ratio": _ratio(hip_travel, shoulder_travel),
    }
    out["thigh_rotation_share"] = _ratio(out["thigh_rotation_deg"], trunk_rot)
    return {k: round(v, 3) for k, v in out.items()}


def judge_movement(
    measures: Mapping[str, float], /, *, limits: MovementLimits, trusted_view: bool = True
) -> MovementCheck:
    """The verdict from :func:`movement_measures` and the data file's limits."""
    m = dict(measures)
    if not trusted_view:
        return MovementCheck(
            "undetermined", reasons=("the camera view cannot show what moves",), measures=m
        )
    rot = m.get("trunk_rotation_deg", float("nan"))
    if not rot >= limits.min_trunk_rotation_deg:
        return MovementCheck(
            "undetermined",
            reasons=(f"the trunk turns only {rot:.0f} deg",),
            measures=m,
        )
    checks = (
        (
            "hips_travel",
            m["hip_travel_trunks"] > limits.max_hip_travel_trunks,
            f"the hips travel {m['hip_travel_trunks']:.2f} trunk lengths "
            f"(on the pad or seat they stay within {limits.max_hip_travel_trunks:g})",
        ),
        (
            "pivot_not_at_hip",
            m["pivot_ratio"] > limits.max_pivot_ratio,
            f"the hips move {m['pivot_ratio']:.1f} times as far as the shoulders "
            f"(turning about the hip they move under {limits.max_pivot_ratio:g} times as far)",
        ),
        (
            "thigh_moves",
            m["thigh_rotation_share"] > limits.max_thigh_rotation_share,
            f"the thigh turns {m['thigh_rotation_deg']:.0f} deg against the trunk's "
            f"{rot:.0f} (held by the pad it turns under "
            f"{limits.max_thigh_rotation_share:.0%} of it)",
        ),
    )
    failed = tuple(c for c, bad, _ in checks if bad)
    reasons = tuple(text for _, bad, text in checks if bad)
    verdict = "another_movement" if len(failed) >= limits.min_failed_checks else "back_extension"
    return MovementCheck(verdict, failed=failed, reasons=reasons, measures=m)


def check_movement(
    keypoints: TimeSeries,
    motion: TimeSeries,
    /,
    *,
    limits: MovementLimits,
    min_confidence: float,
    trusted_view: bool = True,
) -> MovementCheck:
    """:func:`judge_movement` on the measures of one recording."""
    measures = movement_measures(keypoints, motion, min_confidence=min_confidence)
    return judge_movement(measures, limits=limits, trusted_view=trusted_view)


def another_movement_notice(check: MovementCheck, /) -> Notice:
    """The ``another_movement`` notice: what moved that stays still in a back extension."""
    return Notice(
        "another_movement",
        "this does not look like a back extension: "
        + "; ".join(check.reasons)
        + ". No back-extension fault is judged on it",
    )
