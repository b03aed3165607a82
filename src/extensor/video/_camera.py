"""Is this clip fit for analysis? Camera view, framing, frame rate and resolution.

:func:`check_camera` looks at a keypoint series (and the size of its video) and
returns :class:`~extensor.video.VideoWarning` objects, each with a stable ``code`` and
one sentence for the lifter:

* ``no_person``: nobody found in too many frames;
* ``not_side_view``: in a side view the left and right shoulders, hips and knees nearly
  overlap, so their distance is small next to the torso (shoulder-hip) length (see
  :func:`side_view_ratio`). A ratio above ``max_side_view_spread`` (the largest spread still
  accepted as side-on) means the camera looks at the back or the
  front, where the trunk angle cannot be read;
* ``body_out_of_frame``: the shoulder, hip and knee of the side facing the camera are
  not all visible (confident and inside the picture) in enough frames;
* ``low_frame_rate``: too few samples per second (or long gaps) to time the phases;
* ``low_resolution``: the picture is too small for a reliable pose.

Every threshold of these checks lives in the exercise data file (``analysis.max_side_view_spread``,
``analysis.min_sample_rate_hz``, ``analysis.camera_*``, ``analysis.max_unusable_share``);
a keyword left out is read from there.

>>> import numpy as np
>>> from extensor.core import keypoint_series
>>> t = np.arange(30) / 30
>>> def pt(x, y):
...     return np.tile([x, y, 0.9], (30, 1))
>>> side = keypoint_series(t, {"left_shoulder": pt(300, 200), "right_shoulder": pt(310, 205),
...     "left_hip": pt(500, 210), "right_hip": pt(505, 212), "left_knee": pt(700, 220)},
...     unit="px", info={"width": 1280, "height": 720})
>>> [w.code for w in check_camera(side)]
[]
>>> back = keypoint_series(t, {"left_shoulder": pt(300, 200), "right_shoulder": pt(460, 200),
...     "left_hip": pt(320, 400), "right_hip": pt(440, 400), "left_knee": pt(320, 600)},
...     unit="px", info={"width": 1280, "height": 720})
>>> [w.code for w in check_camera(back)]
['not_side_view']
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from extensor.core import FloatArray, TimeSeries
from extensor.knowledge import Exercise
from extensor.video._decode import VideoWarning
from extensor.video._limits import exercise_or_default, limit
from extensor.video._track import missing_person_warnings

__all__ = [
    "check_camera",
    "side_view_ratio",
]

_SIDES = ("left", "right")
_SIDE_VIEW_PAIRS = ("shoulder", "hip", "knee")


def _xy(ts: TimeSeries, name: str) -> FloatArray:
    if name in ts.data:
        return ts.data[name][:, :2]
    return np.full((len(ts), 2), np.nan)


def _conf(ts: TimeSeries, name: str) -> FloatArray:
    if name in ts.data:
        return ts.data[name][:, 2]
    return np.zeros(len(ts))


def side_view_ratio(keypoints: TimeSeries, /) -> FloatArray:
    """Per sample: the widest left-right distance of shoulders, hips and knees / torso length.

    Near 0 in a side view, where each pair nearly overlaps; around 1 seen from the front
    or the back. NaN where the torso is unknown. The positions of hidden points are used
    as the model places them. Knees count because a model may fold the shoulders of a
    three-quarter back view together, but not the knees (measured on the rendered
    lever-machine GIF: shoulders 0.19, knees 0.54 at the median).
    """
    ls, rs = _xy(keypoints, "left_shoulder"), _xy(keypoints, "right_shoulder")
    lh, rh = _xy(keypoints, "left_hip"), _xy(keypoints, "right_hip")
    torso = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2, axis=1)
    widest = np.full(len(keypoints), np.nan)
    for part in _SIDE_VIEW_PAIRS:
        across = np.linalg.norm(
            _xy(keypoints, f"left_{part}") - _xy(keypoints, f"right_{part}"), axis=1
        )
        widest = np.fmax(widest, across)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = widest / torso
    ratio[~np.isfinite(ratio)] = np.nan
    return np.asarray(ratio, dtype=np.float64)


def _person_present(keypoints: TimeSeries) -> NDArray[np.bool_]:
    """Per sample: whether any point has a confidence above 0 (someone was found)."""
    present = np.zeros(len(keypoints), dtype=bool)
    for values in keypoints.data.values():
        if values.ndim == 2 and values.shape[1] == 3:
            present |= values[:, 2] > 0
    return present


def check_camera(
    keypoints: TimeSeries,
    /,
    *,
    width: int | None = None,
    height: int | None = None,
    max_side_view_spread: float | None = None,
    min_sample_rate_hz: float | None = None,
    min_confidence: float | None = None,
    min_visible_share: float | None = None,
    min_short_side_px: float | None = None,
    max_missing_share: float | None = None,
    exercise: Exercise | None = None,
) -> list[VideoWarning]:
    """Warnings about the camera set-up of a keypoint series; empty when all is well.

    ``width``/``height`` default to ``keypoints.info``; without them (or with
    normalized coordinates) the framing check only uses the confidences and the
    resolution check is skipped. Every threshold left out comes from ``exercise``'s
    ``[analysis]`` table (the bundled data file when no exercise is given).
    """
    ex = exercise_or_default(exercise)
    max_side_view_spread = limit(ex, "max_side_view_spread", max_side_view_spread)
    min_sample_rate_hz = limit(ex, "min_sample_rate_hz", min_sample_rate_hz)
    min_confidence = limit(ex, "camera_min_confidence", min_confidence)
    min_visible_share = limit(ex, "camera_min_visible_share", min_visible_share)
    min_short_side_px = limit(ex, "camera_min_short_side_px", min_short_side_px)
    max_missing_share = limit(ex, "max_unusable_share", max_missing_share)
    found: list[VideoWarning] = []
    n = len(keypoints)
    w = width if width is not None else keypoints.info.get("width")
    h = height if height is not None else keypoints.info.get("height")
    present = _person_present(keypoints)

    found += missing_person_warnings(n, int(n - present.sum()), max_missing_share=max_missing_share)

    ratio = side_view_ratio(keypoints)[present]
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size:
        typical = float(np.quantile(ratio, limit(ex, "camera_side_view_quantile")))
        if typical > max_side_view_spread:
            found.append(
                VideoWarning(
                    "not_side_view",
                    f"The camera does not look from the side (left and right sides are {typical:.2f} "
                    f"torso lengths apart, at most {max_side_view_spread:.2f} expected); film the lifter "
                    "from the left or right, level with the hips.",
                )
            )

    if present.any():
        share = _visible_share(keypoints, present, min_confidence, w, h)
        if share < min_visible_share:
            found.append(
                VideoWarning(
                    "body_out_of_frame",
                    f"Shoulder, hip and knee are all visible in only {share:.0%} of the frames "
                    f"(at least {min_visible_share:.0%} needed); step back so the whole body from "
                    "head to knees stays in the picture.",
                )
            )

    if n >= 2:
        rate = (n - 1) / keypoints.duration if keypoints.duration > 0 else float("inf")
        gap = float(np.max(np.diff(keypoints.time)))
        max_gap = limit(ex, "camera_max_gap_intervals") / min_sample_rate_hz
        if rate < min_sample_rate_hz or gap > max_gap:
            found.append(
                VideoWarning(
                    "low_frame_rate",
                    f"{rate:.1f} samples per second with gaps up to {gap:.2f} s; timing the "
                    f"phases needs at least {min_sample_rate_hz:g} per second and no gap over "
                    f"{max_gap:.2f} s. Record a normal video (not a GIF or a time-lapse).",
                )
            )

    if isinstance(w, int | float) and isinstance(h, int | float) and min(w, h) < min_short_side_px:
        found.append(
            VideoWarning(
                "low_resolution",
                f"The video is {int(w)}x{int(h)} pixels; at least {min_short_side_px:g} pixels on the "
                "short side are needed for a reliable pose.",
            )
        )
    return found


def _visible_share(
    keypoints: TimeSeries,
    present: NDArray[np.bool_],
    min_confidence: float,
    width: object,
    height: object,
) -> float:
    """Share of frames with a person where one side's shoulder, hip and knee are all visible."""
    normalized = any(u == "normalized" for u in keypoints.units.values())
    if normalized:
        bounds: tuple[float, float] | None = (1.0, 1.0)
    elif isinstance(width, int | float) and isinstance(height, int | float):
        bounds = (float(width), float(height))
    else:
        bounds = None
    best = np.zeros(len(keypoints), dtype=bool)
    for side in _SIDES:
        ok = np.ones(len(keypoints), dtype=bool)
        for part in ("shoulder", "hip", "knee"):
            name = f"{side}_{part}"
            ok &= _conf(keypoints, name) >= min_confidence
            if bounds is not None:
                xy = _xy(keypoints, name)
                with np.errstate(invalid="ignore"):
                    ok &= (xy[:, 0] >= 0) & (xy[:, 0] <= bounds[0])
                    ok &= (xy[:, 1] >= 0) & (xy[:, 1] <= bounds[1])
        best |= ok
    return float(best[present].mean())
