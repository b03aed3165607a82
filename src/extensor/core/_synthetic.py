"""Synthetic sets with known truth, for tests, benchmarks and the bundled example.

A set is a list of :class:`RepSpec` (seconds per phase and the angles at the bottom and
top); moves between positions follow a minimum-jerk profile, the smooth bell-shaped
speed curve of practised human movement. :func:`synthetic_set` returns the motion
series, optionally the keypoints of a stick figure doing it (either facing
direction), and the true phase times under extensor's documented phase convention
(a move runs while it is faster than the visible-motion speed, or outside the hold
band near a turning point; see ``extensor.core._phases``), so an analysis can be
checked against exact numbers.

>>> s = synthetic_set([RepSpec()] * 3, rate_hz=30.0, noise_deg=0.0, seed=1)
>>> len(s.truth), round(s.truth[0].lift_s, 2)
(3, 1.25)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Literal

import numpy as np

from extensor.core._keypoints import keypoint_series
from extensor.core._results import Rep
from extensor.core._timeseries import FloatArray, TimeSeries

__all__ = ["RepSpec", "RepTruth", "SyntheticSet", "make_rep", "min_jerk_boundary", "synthetic_set"]


@dataclass(frozen=True, slots=True)
class RepSpec:
    """One rep: phase seconds and angles (degrees of extension, 0 = neutral, + = past)."""

    lift_s: float = 1.5
    top_s: float = 1.0
    lower_s: float = 2.5
    bottom_s: float = 0.8
    bottom_deg: float = -70.0
    top_deg: float = 0.0
    head_deg: float = 0.0


@dataclass(frozen=True, slots=True)
class RepTruth:
    """The true phase times of one rep under the documented phase convention (NaN: not in the data)."""

    start: float
    end: float
    lift_s: float
    top_hold_s: float
    lower_s: float
    top_deg: float
    bottom_deg: float


@dataclass(frozen=True, slots=True)
class SyntheticSet:
    motion: TimeSeries
    keypoints: TimeSeries | None
    truth: list[RepTruth]
    specs: list[RepSpec] = field(default_factory=list)


def min_jerk_boundary(
    *, speed_dps: float, amplitude_deg: float, duration_s: float, band_fraction: float
) -> float:
    """Share of a minimum-jerk move's duration before it visibly starts (and, mirrored, after it stops).

    The move starts where its speed first reaches ``speed_dps`` or where it leaves the
    hold band (``band_fraction`` of its amplitude), whichever comes first. The speed of
    a minimum-jerk move is ``30 A/T tau^2 (1 - tau)^2``, so the speed boundary solves
    ``tau (1 - tau) = sqrt(speed T / 30 A)``; the band edge solves
    ``10 tau^3 - 15 tau^4 + 6 tau^5 = band_fraction``.

    >>> round(min_jerk_boundary(speed_dps=15.0, amplitude_deg=70.0, duration_s=1.5,
    ...                         band_fraction=0.12), 4)
    0.1173
    """
    q = math.sqrt(speed_dps * duration_s / (30.0 * amplitude_deg))
    tau_speed = (1.0 - math.sqrt(1.0 - 4.0 * q)) / 2.0 if q <= 0.25 else 0.5
    lo, hi = 0.0, 0.5  # the position share rises monotonically over the first half
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if 10 * mid**3 - 15 * mid**4 + 6 * mid**5 < band_fraction:
            lo = mid
        else:
            hi = mid
    return min(tau_speed, 0.5 * (lo + hi))


def _profile(t: FloatArray, knots: list[tuple[float, float]]) -> FloatArray:
    """Piecewise minimum-jerk path through (time, value) knots, flat between equal values."""
    out = np.full_like(t, knots[0][1])
    for (t0, x0), (t1, x1) in pairwise(knots):
        m = (t >= t0) & (t <= t1)
        if t1 > t0:
            tau = (t[m] - t0) / (t1 - t0)
            out[m] = x0 + (x1 - x0) * (10 * tau**3 - 15 * tau**4 + 6 * tau**5)
    out[t > knots[-1][0]] = knots[-1][1]
    return out


def synthetic_set(
    reps: Sequence[RepSpec],
    *,
    rate_hz: float = 30.0,
    noise_deg: float = 0.5,
    jitter_s: float = 0.0,
    dropouts: Sequence[tuple[float, float]] = (),
    start: Literal["bottom", "top"] = "bottom",
    lead_s: float = 1.0,
    tail_s: float = 1.0,
    motion_speed_dps: float = 8.0,
    hold_band_fraction: float = 0.12,
    keypoints: bool = False,
    facing: Literal["left", "right"] = "right",
    face_line_offset_deg: float = 15.0,
    seed: int = 0,
) -> SyntheticSet:
    """Generate a set; ``dropouts`` are (start, end) seconds with no samples at all."""
    rng = np.random.default_rng(seed)
    knots: list[tuple[float, float]] = []
    truth: list[RepTruth] = []
    tt = 0.0

    def edge(duration: float, amplitude: float, rep_range: float) -> float:
        # seconds from a move's start to its visible start (and from its visible end to its
        # end); the hold band is a share of the rep's range (from its start to its far end)
        share = min_jerk_boundary(
            speed_dps=motion_speed_dps, amplitude_deg=abs(amplitude), duration_s=duration,
            band_fraction=hold_band_fraction * abs(rep_range) / abs(amplitude),
        )  # fmt: skip
        return share * duration

    if start == "bottom":
        knots.append((tt, reps[0].bottom_deg))
        tt += lead_s
        for r in reps:
            b0 = knots[-1][1]
            knots += [(tt, b0), (tt + r.lift_s, r.top_deg)]
            t_lift0 = tt
            tt += r.lift_s + r.top_s
            knots += [(tt, r.top_deg), (tt + r.lower_s, r.bottom_deg)]
            t_low0 = tt
            tt += r.lower_s + r.bottom_s
            el = edge(r.lift_s, r.top_deg - b0, r.top_deg - b0)
            ed = edge(r.lower_s, r.top_deg - r.bottom_deg, r.top_deg - b0)
            s0, s1 = t_lift0 + el, t_lift0 + r.lift_s - el
            l0, l1 = t_low0 + ed, t_low0 + r.lower_s - ed
            truth.append(RepTruth(s0, l1, s1 - s0, l0 - s1, l1 - l0, r.top_deg, r.bottom_deg))
    else:
        knots.append((tt, reps[0].top_deg))
        tt += lead_s
        for r in reps:
            t0 = knots[-1][1]
            knots += [(tt, t0), (tt + r.lower_s, r.bottom_deg)]
            t_low0 = tt
            tt += r.lower_s + r.bottom_s
            knots += [(tt, r.bottom_deg), (tt + r.lift_s, r.top_deg)]
            t_lift0 = tt
            tt += r.lift_s + r.top_s
            el = edge(r.lift_s, r.top_deg - r.bottom_deg, t0 - r.bottom_deg)
            ed = edge(r.lower_s, t0 - r.bottom_deg, t0 - r.bottom_deg)
            l0, l1 = t_low0 + ed, t_low0 + r.lower_s - ed
            s0, s1 = t_lift0 + el, t_lift0 + r.lift_s - el
            truth.append(RepTruth(l0, s1, s1 - s0, math.nan, l1 - l0, r.top_deg, r.bottom_deg))
        # the hold after each lift lasts until the next rep starts lowering
        for k in range(len(truth) - 1):
            truth[k] = replace(truth[k], top_hold_s=truth[k + 1].start - truth[k].end)
    end = tt + tail_s
    n = round(end * rate_hz) + 1
    t = np.arange(n) / rate_hz
    if jitter_s > 0:
        t = t + rng.uniform(-jitter_s, jitter_s, n)
        t = np.sort(t)
        t = t[np.concatenate(([True], np.diff(t) > 1e-6))]
    for a, b in dropouts:
        t = t[(t < a) | (t > b)]
    clean = _profile(t, knots)
    x = clean + rng.normal(0.0, noise_deg, t.size) if noise_deg > 0 else clean
    head = _head_profile(t, knots, reps, start)
    motion = TimeSeries(
        t,
        {
            "extension": x,
            "head_deviation": head + (rng.normal(0, noise_deg, t.size) if noise_deg else 0),
        },
        units={"extension": "deg", "head_deviation": "deg"},
        info={
            "kind": "motion",
            "input_kind": "synthetic",
            "neutral_known": True,
            "source": "synthetic",
        },
    )
    kp = (
        _stick_figure(t, x, head - face_line_offset_deg, facing=facing, rng=rng, noise_px=noise_deg)
        if keypoints
        else None
    )
    return SyntheticSet(motion, kp, truth, list(reps))


def _head_profile(
    t: FloatArray, knots: list[tuple[float, float]], reps: Sequence[RepSpec], start: str
) -> FloatArray:
    # The head deviation of each rep holds through that rep's own time span.
    head = np.zeros_like(t)
    per_rep = 4  # knots per rep in both orders
    for k, r in enumerate(reps):
        a = knots[1 + per_rep * k][0]
        b = knots[min(len(knots) - 1, per_rep * (k + 1))][0]
        head[(t >= a) & (t <= b)] = r.head_deg
    return head


def _stick_figure(
    t: FloatArray,
    extension: FloatArray,
    head: FloatArray,
    *,
    facing: Literal["left", "right"],
    rng: np.random.Generator,
    noise_px: float,
) -> TimeSeries:
    """Keypoints of a lifter on a 45-degree bench, side view, 1280x720 pixels."""
    sx = 1.0 if facing == "right" else -1.0
    up = math.radians(45.0)
    thigh = np.array([sx * math.cos(up), math.sin(up)])  # knee -> hip, y up
    front = np.array([thigh[1] * sx, -thigh[0] * sx])  # the chest faces the floor
    hip = np.array([640.0, 380.0])
    knee = hip - 180.0 * thigh
    ankle = knee - 170.0 * thigh
    flex = np.radians(-extension)
    # rotate the thigh direction toward the front by the flexion angle
    c, s = np.cos(flex), np.sin(flex)
    trunk = np.outer(c, thigh) + np.outer(s, front)
    shoulder = hip + 200.0 * trunk
    normal = np.outer(-s, thigh) + np.outer(c, front)  # the trunk's front
    hr = np.radians(head)
    face = np.cos(hr)[:, None] * normal + np.sin(hr)[:, None] * trunk
    ear = shoulder + 45.0 * trunk
    nose = ear + 25.0 * face
    heel = np.tile(ankle, (t.size, 1))
    toe = ankle + 40.0 * front
    pts = {
        "left_shoulder": shoulder, "left_hip": np.tile(hip, (t.size, 1)),
        "left_knee": np.tile(knee, (t.size, 1)), "left_ankle": np.tile(ankle, (t.size, 1)),
        "left_ear": ear, "nose": nose, "left_heel": heel, "left_foot_index": np.tile(toe, (t.size, 1)),
    }  # fmt: skip
    data = {}
    for name, xy in pts.items():
        img = np.column_stack([xy[:, 0], 720.0 - xy[:, 1]])
        img = img + rng.normal(0.0, noise_px, img.shape) if noise_px > 0 else img
        data[name] = np.column_stack([img, np.full(t.size, 0.95)])
    return keypoint_series(
        t, data, unit="px", info={"source": "synthetic", "width": 1280, "height": 720}
    )


def make_rep(**changes: float | int | str | bool | None) -> Rep:
    """A plausible analysed rep for examples and detector tests; override any field.

    >>> make_rep(top_hold_s=0.2).top_hold_s
    0.2
    """
    base = Rep(
        number=1, order="lift_first", start=1.0, end=7.0, lift_start=1.0, lift_end=2.5,
        lower_start=3.5, lower_end=6.0, lift_s=1.5, top_hold_s=1.0, lower_s=2.5,
        bottom_settle_s=0.8, range_deg=70.0, top_extension_deg=0.0, bottom_extension_deg=-70.0,
        top_deviation_deg=0.0, peak_lift_velocity_dps=88.0, peak_lower_velocity_dps=53.0,
        smoothness_ldlj=-6.0, time_under_tension_s=5.0, top_time=3.0, bottom_time=1.0,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]
