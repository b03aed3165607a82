"""Fault detectors: one ``detect_<mistake id>`` per observable mistake.

Each takes the reps positionally and its thresholds by keyword (the values come from
the exercise data file), and returns :class:`Fault` objects that carry the evidence:
the measured value, the threshold, the unit and a confidence. Confidence grows with
the margin past the threshold: 0.5 at the threshold, near 1 at twice the margin scale.

>>> from extensor.core._synthetic import make_rep
>>> r = make_rep(top_deviation_deg=-20.0)
>>> [f.id for f in detect_past_neutral([r], past_neutral_tolerance_deg=10.0)]
['past_neutral']
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from extensor.core._results import Fault, Rep

__all__ = [
    "detect_bounce",
    "detect_deep_rounding",
    "detect_head_not_neutral",
    "detect_momentum",
    "detect_no_settle",
    "detect_no_top_pause",
    "detect_partial_range",
    "detect_past_neutral",
    "detect_rushed_lowering",
]


def _confidence(measured: float, threshold: float, scale: float) -> float:
    margin = abs(measured - threshold) / scale if scale > 0 else 1.0
    return round(0.5 + 0.5 * (1.0 - math.exp(-2.0 * margin)), 3)


def _fault(
    fid: str,
    rep: Rep,
    time: float,
    measured: float,
    threshold: float,
    unit: str,
    scale: float,
    detail: str,
) -> Fault:
    return Fault(
        id=fid,
        rep=rep.number,
        time=round(time, 4),
        measured=round(measured, 3),
        threshold=round(threshold, 3),
        unit=unit,
        confidence=_confidence(measured, threshold, scale),
        detail=detail,
    )


def detect_past_neutral(
    reps: Sequence[Rep], /, *, past_neutral_tolerance_deg: float
) -> list[Fault]:
    """The trunk went more than the tolerance past the neutral line at the top."""
    out = []
    for r in reps:
        dev = r.top_deviation_deg
        if dev is not None and -dev > past_neutral_tolerance_deg:
            out.append(
                _fault("past_neutral", r, r.top_time, -dev, past_neutral_tolerance_deg, "deg",
                       past_neutral_tolerance_deg, f"{-dev:.0f} deg past neutral at the top")
            )  # fmt: skip
    return out


def detect_momentum(
    reps: Sequence[Rep], /, *, max_lift_velocity_dps: float, min_lift_duration_s: float
) -> list[Fault]:
    """The lift snapped up: peak speed above the limit, or the lift took too little time."""
    out = []
    for r in reps:
        if (
            r.peak_lift_velocity_dps is not None
            and r.peak_lift_velocity_dps > max_lift_velocity_dps
        ):
            out.append(
                _fault("momentum", r, r.lift_start or r.start, r.peak_lift_velocity_dps,
                       max_lift_velocity_dps, "deg/s", max_lift_velocity_dps / 2,
                       f"peak lift speed {r.peak_lift_velocity_dps:.0f} deg/s")
            )  # fmt: skip
        elif r.lift_s is not None and r.lift_s < min_lift_duration_s:
            out.append(
                _fault("momentum", r, r.lift_start or r.start, r.lift_s, min_lift_duration_s, "s",
                       min_lift_duration_s / 2, f"lift took {r.lift_s:.2f} s")
            )  # fmt: skip
    return out


def detect_bounce(
    reps: Sequence[Rep], /, *, max_bottom_dwell_s: float, min_reversal_speed_dps: float
) -> list[Fault]:
    """A fast reversal at the bottom: the lowering arrives fast and the next lift leaves at once."""
    out = []
    for r in reps:
        dwell = r.bottom_settle_s
        speed = r.peak_lower_velocity_dps if r.order == "lift_first" else r.peak_lift_velocity_dps
        if dwell is None or speed is None or "lower" in r.incomplete:
            continue  # a bounce is judged on a lowering the recording shows whole
        if dwell < max_bottom_dwell_s and speed > min_reversal_speed_dps:
            t = (r.lower_end if r.order == "lift_first" else r.lift_start) or r.bottom_time
            out.append(
                _fault("bounce", r, t, dwell, max_bottom_dwell_s, "s", max_bottom_dwell_s,
                       f"{dwell:.2f} s at the bottom after lowering at {speed:.0f} deg/s")
            )  # fmt: skip
    return out


def detect_rushed_lowering(
    reps: Sequence[Rep], /, *, min_lower_fraction: float, target_lower_s: float
) -> list[Fault]:
    """The lowering took less than ``min_lower_fraction`` of the goal's target lowering time."""
    limit = min_lower_fraction * target_lower_s
    return [
        _fault("rushed_lowering", r, r.lower_start or r.start, r.lower_s, limit, "s", limit / 2,
               f"lowered in {r.lower_s:.1f} s (target {target_lower_s:g} s)")
        for r in reps
        if r.lower_s is not None and r.lower_s < limit
    ]  # fmt: skip


def detect_no_top_pause(
    reps: Sequence[Rep], /, *, min_top_hold_fraction: float, target_top_s: float
) -> list[Fault]:
    """The top hold was shorter than ``min_top_hold_fraction`` of the goal's target pause."""
    limit = min_top_hold_fraction * target_top_s
    return [
        _fault("no_top_pause", r, r.top_time, r.top_hold_s, limit, "s", limit,
               f"held the top {r.top_hold_s:.2f} s (target {target_top_s:g} s)")
        for r in reps
        if r.top_hold_s is not None and r.complete and r.top_hold_s < limit
    ]  # fmt: skip


def reference_range(reps: Sequence[Rep]) -> float | None:
    """The set's reference range: the 90th percentile of the complete reps' ranges."""
    ranges = [r.range_deg for r in reps if r.complete]
    return float(np.percentile(ranges, 90)) if ranges else None


def detect_partial_range(
    reps: Sequence[Rep], /, *, max_top_shortfall_deg: float, min_range_fraction: float
) -> list[Fault]:
    """A rep stopped well short of neutral, or covered much less range than the set's best reps."""
    out = []
    ref = reference_range(reps)
    for r in reps:
        if r.top_deviation_deg is not None and r.top_deviation_deg > max_top_shortfall_deg:
            out.append(
                _fault("partial_range", r, r.top_time, r.top_deviation_deg, max_top_shortfall_deg,
                       "deg", max_top_shortfall_deg, f"stopped {r.top_deviation_deg:.0f} deg short of neutral")
            )  # fmt: skip
        elif ref and r.range_deg < min_range_fraction * ref:
            share = r.range_deg / ref
            out.append(
                _fault("partial_range", r, r.top_time, share, min_range_fraction, "fraction",
                       min_range_fraction / 2, f"range {r.range_deg:.0f} deg = {share:.0%} of the set's best")
            )  # fmt: skip
    return out


def detect_no_settle(reps: Sequence[Rep], /, *, min_bottom_settle_s: float) -> list[Fault]:
    """The next rep started before the body settled at the bottom."""
    return [
        _fault("no_settle", r, r.lower_end or r.bottom_time, r.bottom_settle_s, min_bottom_settle_s,
               "s", min_bottom_settle_s, f"{r.bottom_settle_s:.2f} s at the bottom before the next lift")
        for r in reps
        if r.bottom_settle_s is not None and r.bottom_settle_s < min_bottom_settle_s
    ]  # fmt: skip


def detect_head_not_neutral(
    reps: Sequence[Rep], /, *, max_head_deviation_deg: float
) -> list[Fault]:
    """At the top the head was raised or dropped more than the limit against the trunk line."""
    out = []
    for r in reps:
        h = r.head_deviation_deg
        if h is not None and abs(h) > max_head_deviation_deg:
            how = "chin raised" if h > 0 else "head dropped"
            out.append(
                _fault("head_not_neutral", r, r.top_time, abs(h), max_head_deviation_deg, "deg",
                       max_head_deviation_deg, f"{how} {abs(h):.0f} deg off the trunk line")
            )  # fmt: skip
    return out


def detect_deep_rounding(reps: Sequence[Rep], /, *, max_depth_deg: float) -> list[Fault]:
    """The bottom went deeper below neutral than the variant needs."""
    return [
        _fault("deep_rounding", r, r.bottom_time, -r.bottom_extension_deg, max_depth_deg, "deg",
               max_depth_deg / 4, f"{-r.bottom_extension_deg:.0f} deg below neutral at the bottom")
        for r in reps
        if r.top_deviation_deg is not None and -r.bottom_extension_deg > max_depth_deg
    ]  # fmt: skip
