"""Trunk angle from torso IMUs: the unit that follows the trunk, and an optional neutral.

A recording may hold one unit (channels ``acc``, ``gyr``) or several (``info["imu_units"]``
names them; channels ``acc@<unit>``, ``gyr@<unit>``). For each unit the orientation
filter gives the gravity direction over time, and the movement's one main rotation axis
gives a signed angle (:func:`unit_motion`). With several units the one that turns most
about one axis is the trunk: thigh and shank units lie still on the pad or seat, a unit
on a swinging arm does not turn about one axis (:func:`choose_trunk_unit`).

Without calibration the angle has no absolute zero: its rest is the bottom. A still
hold at neutral (sitting or lying tall) at the start of the recording, ``neutral_hold_s``
seconds long, sets the zero, so past neutral can be judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from extensor._errors import AnalysisError, EmptyInputError, InputFormatError
from extensor.core._constants import STANDARD_GRAVITY
from extensor.core._timeseries import FloatArray, TimeSeries

__all__ = [
    "DEFAULT_AHRS_GAIN",
    "DEFAULT_GYROSCOPE_RANGE_DPS",
    "NeutralHoldLimits",
    "UnitMotion",
    "choose_trunk_unit",
    "imu_to_motion",
    "neutral_side",
    "unit_motion",
]

#: Gain of the imufusion AHRS (how strongly the accelerometer corrects the integrated
#: gyroscope). 0.5 is the Fusion library's own default, suited to a body-worn unit moving
#: slowly; a property of the sensor fusion, not of the exercise.
DEFAULT_AHRS_GAIN = 0.5

#: Full-scale range of the gyroscope in deg/s: the AHRS treats readings at this value as
#: clipped. 2000 deg/s is the widest range of common MEMS IMUs (phones, MPU-6050, BMI160);
#: a property of the sensor, so the IMU adapter takes it as an option
#: (``gyroscope_range_dps``) and records it in ``info``.
DEFAULT_GYROSCOPE_RANGE_DPS = 2000.0

#: Percentiles (low, high) that measure a unit's range of motion without its outliers:
#: a property of the statistics, not of the exercise.
_RANGE_PERCENTILES = (2.0, 98.0)


@dataclass(frozen=True, slots=True)
class UnitMotion:
    """One unit's signed rotation about the movement's main axis.

    ``angle`` (deg, excursions from rest positive), ``axis`` (unit vector, sensor frame),
    ``axis_share`` (share of the tilt about that axis), ``range_deg`` (2nd-98th
    percentile spread of ``angle``), ``acc_median_m_s2`` (median |acc|).
    """

    angle: FloatArray
    axis: FloatArray
    axis_share: float
    range_deg: float
    acc_median_m_s2: float


def unit_motion(
    t: FloatArray, acc: FloatArray, gyr: FloatArray, *, gain: float, gyroscope_range_dps: float,
    source: str | None = None, sign_from: FloatArray | None = None,
) -> UnitMotion:  # fmt: skip
    """The angle one unit turns through, whatever way it is mounted.

    1. Orientation by the imufusion AHRS (gyroscope + accelerometer), started from the
       gravity direction of the first samples so there is no start-up transient.
    2. The gravity direction in the sensor frame over time; its median is the rest.
    3. The main rotation axis = first principal direction of the tilt vectors
       ``rest x gravity(t)``; the signed rotation about it is the angle, its sign making
       excursions away from rest positive. ``sign_from`` (a boolean mask) limits the
       samples that decide the sign (a neutral hold at the start is no rest).
    """
    import imufusion  # light C extension, a core dependency

    if not (np.isfinite(acc).all() and np.isfinite(gyr).all()):
        good = np.isfinite(acc).all(axis=1) & np.isfinite(gyr).all(axis=1)
        if good.sum() < 2:
            raise EmptyInputError("no finite IMU sample", source=source)
        acc = np.stack([np.interp(t, t[good], acc[good, k]) for k in range(3)], axis=1)
        gyr = np.stack([np.interp(t, t[good], gyr[good, k]) for k in range(3)], axis=1)
    rate = float(1.0 / np.median(np.diff(t))) if t.size > 1 else 1.0
    ahrs = imufusion.Ahrs()
    settings = imufusion.AhrsSettings()
    settings.gain = float(gain)
    settings.sample_rate = max(1, round(rate))
    settings.gyroscope_range = float(gyroscope_range_dps)
    ahrs.set_settings(settings)
    ahrs.set_quaternion(_quaternion_from_gravity(np.mean(acc[: max(1, int(rate // 2))], axis=0)))
    ahrs.skip_startup()
    gyr_dps = np.degrees(gyr)
    acc_g = acc / STANDARD_GRAVITY
    dts = np.diff(t, prepend=t[0] - 1.0 / rate)
    gravity = np.empty_like(acc)
    for i in range(t.size):
        ahrs.set_sample_period(float(dts[i]))
        ahrs.update_no_magnetometer(gyr_dps[i], acc_g[i])
        gravity[i] = ahrs.get_gravity()
    gravity /= np.linalg.norm(gravity, axis=1, keepdims=True)
    rest = np.median(gravity, axis=0)
    rest /= np.linalg.norm(rest)
    tilt = np.cross(rest, gravity)
    _, sv, vt = np.linalg.svd(tilt, full_matrices=False)
    axis = vt[0]
    angle = np.degrees(np.arctan2(tilt @ axis, gravity @ rest))
    lo, hi = np.percentile(angle, _RANGE_PERCENTILES)
    decides = angle if sign_from is None or not sign_from.any() else angle[sign_from]
    med = float(np.median(decides))
    d_lo, d_hi = np.percentile(decides, _RANGE_PERCENTILES)
    if abs(d_lo - med) > abs(d_hi - med):
        angle, axis = -angle, -axis
    total = float(sv.sum()) or 1.0
    return UnitMotion(
        angle=angle,
        axis=axis,
        axis_share=float(sv[0] / total),
        range_deg=float(hi - lo),
        acc_median_m_s2=float(np.median(np.linalg.norm(acc, axis=1))),
    )


def choose_trunk_unit(
    motions: Mapping[str, UnitMotion], /, *, min_axis_share: float
) -> tuple[str, str]:
    """(unit, why): of the units that turn about one axis (share >= ``min_axis_share``),
    the one with the largest range; when none does, the largest range of all.

    >>> z = np.zeros(3)
    >>> m = {"thigh": UnitMotion(z, z, 0.95, 4.0, 9.8), "trunk": UnitMotion(z, z, 0.9, 35.0, 9.8),
    ...      "arm": UnitMotion(z, z, 0.6, 80.0, 9.8)}
    >>> choose_trunk_unit(m, min_axis_share=0.8)[0]
    'trunk'
    """
    one_axis = {k: m for k, m in motions.items() if m.axis_share >= min_axis_share}
    pool = one_axis or motions
    name = max(pool, key=lambda k: pool[k].range_deg)
    others = ", ".join(
        f"{k} {m.range_deg:.0f} deg ({m.axis_share:.0%})" for k, m in motions.items() if k != name
    )
    chosen = motions[name]
    why = (
        f"unit {name} taken as the trunk: it turns {chosen.range_deg:.0f} deg, "
        f"{chosen.axis_share:.0%} about one axis ({others})"
    )
    if not one_axis:
        why += f"; no unit turns {min_axis_share:.0%} about one axis"
    return name, why


def imu_to_motion(
    ts: TimeSeries,
    /,
    *,
    min_axis_share: float,
    fusion_gain: float | None = None,
    gyroscope_range_dps: float | None = None,
    neutral_hold_s: float | None = None,
    hold_limits: NeutralHoldLimits | None = None,
) -> TimeSeries:
    """Trunk angle (channel ``extension``, deg) from one or several IMUs on the body.

    With several units (``ts.info["imu_units"]``) the trunk unit is chosen
    (:func:`choose_trunk_unit`) and a ``trunk_unit`` notice says which and why. When the
    chosen unit turns less than ``min_axis_share`` about one axis, a ``not_one_axis``
    notice asks whether it is another movement or a unit not on the torso.

    ``neutral_hold_s`` (else ``ts.info["neutral_hold_s"]``): the first seconds are a still
    hold at neutral, judged with ``hold_limits`` (required then): their median angle
    becomes 0 (:func:`neutral_side`). Without it there is no absolute neutral: the rest is
    the bottom and ``info["neutral_known"]`` is False.

    ``fusion_gain`` and ``gyroscope_range_dps`` describe the sensor fusion and the sensor:
    given here, else taken from ``ts.info`` (``ahrs_gain``, ``gyroscope_range_dps``, set by
    the IMU adapter's options), else :data:`DEFAULT_AHRS_GAIN` and
    :data:`DEFAULT_GYROSCOPE_RANGE_DPS`.
    """
    src = ts.info.get("source")
    gain = fusion_gain if fusion_gain is not None else ts.info.get("ahrs_gain", DEFAULT_AHRS_GAIN)
    gyro_range = (
        gyroscope_range_dps
        if gyroscope_range_dps is not None
        else ts.info.get("gyroscope_range_dps", DEFAULT_GYROSCOPE_RANGE_DPS)
    )
    names = list(ts.info.get("imu_units") or [])
    channels = {n: (f"acc@{n}", f"gyr@{n}") for n in names} or {None: ("acc", "gyr")}
    hold = neutral_hold_s if neutral_hold_s is not None else ts.info.get("neutral_hold_s")
    after_hold = None if hold is None else ts.time > ts.time[0] + float(hold)
    motions = {
        n: unit_motion(
            ts.time,
            ts.channel(a),
            ts.channel(g),
            gain=float(gain),
            gyroscope_range_dps=float(gyro_range),
            source=src,
            sign_from=after_hold,
        )
        for n, (a, g) in channels.items()
    }
    notices = list(ts.info.get("notices", []))
    info: dict[str, Any] = {}
    if names:
        unit, why = choose_trunk_unit(
            {str(n): m for n, m in motions.items()}, min_axis_share=min_axis_share
        )
        motion = motions[unit]
        notices.append({"code": "trunk_unit", "message": why})
        info["imu_unit"] = unit
        info["imu_unit_ranges_deg"] = {str(n): round(m.range_deg, 1) for n, m in motions.items()}
    else:
        motion = motions[None]
    if motion.axis_share < min_axis_share:
        notices.append(
            {
                "code": "not_one_axis",
                "message": f"only {motion.axis_share:.0%} of the unit's tilt is about one axis "
                f"(a trunk extension gives over {min_axis_share:.0%}): is it another movement, "
                "or a unit not on the torso?",
            }
        )
    angle, axis = motion.angle, motion.axis
    neutral_known = False
    if hold is not None and after_hold is not None:
        if hold_limits is None:
            raise AnalysisError("a neutral hold needs its limits (hold_limits)")
        angle = angle - _neutral_offset(
            ts.time, angle, float(hold), max_motion_deg=hold_limits.max_motion_deg, source=src
        )
        info["neutral_hold_s"] = float(hold)
        flip, doubt = neutral_side(ts.time[after_hold], angle[after_hold], limits=hold_limits)
        if flip:
            angle, axis = -angle, -axis
        if doubt is None:
            neutral_known = True
        else:
            notices.append({"code": "neutral_side_unknown", "message": doubt})
    info = {
        **ts.info,
        **info,
        "kind": "motion",
        "input_kind": "imu",
        "neutral_known": neutral_known,
        "rotation_axis_sensor_frame": [round(float(a), 4) for a in axis],
        "rotation_axis_share": round(motion.axis_share, 3),
        "acc_median_magnitude_m_s2": motion.acc_median_m_s2,
        "notices": notices,
    }
    return TimeSeries(ts.time, {"extension": angle}, units={"extension": "deg"}, info=info)


def _neutral_offset(
    t: FloatArray, angle: FloatArray, hold_s: float, *, max_motion_deg: float | None,
    source: str | None,
) -> float:  # fmt: skip
    """The median angle of the still hold at the start (the neutral), after checking it."""
    span = float(t[-1] - t[0])
    if not 0 < hold_s < span:
        raise InputFormatError(
            f"the neutral hold must be longer than 0 s and shorter than the recording "
            f"({span:.1f} s), got {hold_s:g} s",
            source=source,
        )
    held = angle[t <= t[0] + hold_s]
    if held.size < 3:
        raise InputFormatError(
            f"the neutral hold of {hold_s:g} s holds {held.size} samples, at least 3 are needed",
            source=source,
        )
    lo, hi = np.percentile(held, _RANGE_PERCENTILES)
    if max_motion_deg is not None and hi - lo > max_motion_deg:
        raise InputFormatError(
            f"the neutral hold (the first {hold_s:g} s) must be still, got {hi - lo:.1f} deg "
            f"of movement (at most {max_motion_deg:g}): start the recording still and tall "
            "at neutral, or shorten the hold",
            source=source,
        )
    return float(np.median(held))


@dataclass(frozen=True, slots=True)
class NeutralHoldLimits:
    """How a neutral hold is checked and which side of it the reps are taken to lie on
    (the data file's ``neutral_hold_*`` parameters, and what still and idle mean).

    ``max_motion_deg``: most a still hold may move; ``max_past_share``: most the reps may
    reach past the hold, as a share of their depth below it; ``idle_band_share``: an idle
    this close to the hold (share of the reps' range) rests at neutral; ``still_speed_dps``
    and ``idle_s``: slower than this for this long is idle (between sets).
    """

    max_motion_deg: float
    max_past_share: float
    idle_band_share: float
    still_speed_dps: float
    idle_s: float


def neutral_side(
    t: FloatArray, after: FloatArray, /, *, limits: NeutralHoldLimits
) -> tuple[bool, str | None]:
    """(flip the angle's sign, why the neutral cannot be trusted or None), from the
    calibrated angle ``after`` the hold (deg, 0 = the hold) at times ``t``.

    One unit of unknown mounting cannot tell reps that lower below the hold from reps
    that lean back past it. A back extension works below neutral, so the larger
    excursion from the hold is taken as the depth (negative), unless the lifter idles
    at the hold between sets (within ``idle_band_share`` of the range): then the hold is
    where the lifter rests, the reps may lean back from it, and the side is unknown.
    Reps reaching past the hold more than ``max_past_share`` of their depth below it
    leave the side unknown too.

    >>> lim = NeutralHoldLimits(3.0, 0.8, 0.2, 8.0, 15.0)
    >>> t = np.arange(0.0, 20.0, 0.1)
    >>> reps = 20.0 * (1 - np.cos(t)) + 2.0 * (t % 1)  # up to 40 past the hold, never idle
    >>> neutral_side(t, reps, limits=lim)
    (True, None)
    >>> idle = np.where(t < 16, 0.0, reps)  # 16 s still at the hold, then the reps
    >>> neutral_side(t, idle, limits=lim)[1]  # doctest: +ELLIPSIS
    'the lifter idles at the neutral hold ...
    """
    if after.size < 2:
        return False, "nothing was recorded after the neutral hold"
    lo, hi = np.percentile(after, _RANGE_PERCENTILES)
    span = float(hi - lo)
    idle = _idle_level(t, after, still_speed_dps=limits.still_speed_dps, idle_s=limits.idle_s)
    if idle is not None and span > 0 and abs(idle) <= limits.idle_band_share * span:
        return False, (
            f"the lifter idles at the neutral hold ({idle:+.0f} deg) and the reps reach "
            f"{hi:.0f} deg above it and {-lo:.0f} below: they may lower below neutral or lean "
            "back past it, which one unit cannot tell apart; past neutral is not judged "
            "(hold neutral, then settle into the forward-lean start)"
        )
    flip = abs(hi) > abs(lo)
    below, past = (float(hi), -float(lo)) if flip else (-float(lo), float(hi))
    below, past = max(0.0, below), max(0.0, past)
    if below > 0 and past <= limits.max_past_share * below:
        return flip, None
    return flip, (
        f"the reps reach {past:.0f} deg past the neutral hold and {below:.0f} below it: as far "
        "one way as the other, so which way is below neutral cannot be told; past neutral is "
        "not judged"
    )


def _idle_level(
    t: FloatArray, angle: FloatArray, *, still_speed_dps: float, idle_s: float
) -> float | None:
    """The median angle of the stretches still (slower than ``still_speed_dps``) for at
    least ``idle_s``: where the lifter idles between sets; None without such a stretch."""
    if t.size < 3:
        return None
    still = np.abs(np.gradient(angle, t)) < still_speed_dps
    edges = np.flatnonzero(np.diff(np.concatenate([[0], still.astype(int), [0]])))
    chosen = np.zeros(t.size, dtype=bool)
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if t[b - 1] - t[a] >= idle_s:
            chosen[a:b] = True
    return float(np.median(angle[chosen])) if chosen.any() else None


def _quaternion_from_gravity(acc: FloatArray) -> FloatArray:
    """The quaternion (w, x, y, z) turning the sensor's measured gravity onto earth's +z."""
    g = acc / (np.linalg.norm(acc) or 1.0)
    z = np.array([0.0, 0.0, 1.0])
    axis = np.cross(g, z)
    s = np.linalg.norm(axis)
    if s < 1e-9:
        return np.array([1.0, 0.0, 0.0, 0.0]) if g[2] > 0 else np.array([0.0, 1.0, 0.0, 0.0])
    ang = np.arctan2(s, float(g @ z))
    axis /= s
    return np.concatenate([[np.cos(ang / 2)], np.sin(ang / 2) * axis])
