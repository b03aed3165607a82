"""Phase boundaries of each rep from the turning points.

Conventions (documented in ``docs/architecture.md``):

* A rep is one excursion away from the position the set starts in and back: bottom,
  top, bottom when the set starts at the bottom (``lift_first``), otherwise top,
  bottom, top (``lower_first``).
* A movement phase ends, and a hold begins, when the speed falls below
  ``standstill_fraction`` of that excursion's peak speed (searched from the middle of
  the excursion toward its extreme); a hold ends at the mirror moment. This is the
  usual onset/offset rule of movement analysis, and it measures a genuine pause, so a
  rounded top with no stop is not mistaken for a hold, and a later spike during idle
  time does not stretch a phase.
* At the set's home end (where the lifter rests between reps) the same rule uses
  ``rest_onset_fraction``, a higher share of the peak speed: settling into rest has a
  long slow tail, and a rep is over when its main movement is.
* The top hold is the time between arriving at and leaving the top; the bottom settle
  is the time between arriving at the bottom and leaving it for the next rep.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np

from extensor.core._params import SegmentationParams
from extensor.core._results import Rep
from extensor.core._segment import Extremum
from extensor.core._timeseries import FloatArray

__all__ = ["reps_from_turns"]


def _cross_time(t: FloatArray, y: FloatArray, i: int, j: int, level: float) -> float:
    """Time where the straight line between samples i and j reaches ``level``."""
    if i == j or y[j] == y[i]:
        return float(t[j])
    frac = (level - y[i]) / (y[j] - y[i])
    frac = min(1.0, max(0.0, frac))
    return float(t[i] + frac * (t[j] - t[i]))


def arrival(
    t: FloatArray,
    y: FloatArray,
    v: FloatArray,
    i_from: int,
    i_ext: int,
    *,
    standstill_fraction: float,
    near_band: float | None = None,
) -> tuple[float, float]:
    """(time, level) of arriving at the maximum of ``y`` at ``i_ext`` coming from ``i_from``.

    From the fastest sample of the approach (before the middle of the excursion), the
    first moment the speed falls below ``standstill_fraction`` of that peak speed; with
    ``near_band``, only a stop within that many degrees of the extreme counts.
    """
    mid = 0.5 * (y[i_from] + y[i_ext])
    m = i_from + int(np.argmax(y[i_from : i_ext + 1] >= mid))
    p = i_from + int(np.argmax(v[i_from : m + 1]))
    thr = standstill_fraction * float(v[p])
    slow = v[p : i_ext + 1] < thr
    if near_band is not None:
        slow &= y[p : i_ext + 1] >= y[i_ext] - near_band
    s = p + int(np.argmax(slow)) if slow.any() else i_ext
    when = _cross_time(t, v, s - 1, s, thr) if s > p else float(t[s])
    return when, float(y[s])


def departure(
    t: FloatArray,
    y: FloatArray,
    v: FloatArray,
    i_ext: int,
    i_to: int,
    *,
    standstill_fraction: float,
    near_band: float | None = None,
) -> tuple[float, float]:
    """(time, level) of leaving the maximum of ``y`` at ``i_ext`` toward ``i_to`` (mirror image)."""
    mid = 0.5 * (y[i_ext] + y[i_to])
    m = i_ext + int(np.argmax(y[i_ext : i_to + 1] <= mid))
    p = m + int(np.argmax(-v[m : i_to + 1]))
    thr = standstill_fraction * float(-v[p])
    slow = -v[i_ext : p + 1] < thr
    if near_band is not None:
        slow &= y[i_ext : p + 1] >= y[i_ext] - near_band
    s = i_ext + int(len(slow) - 1 - np.argmax(slow[::-1])) if slow.any() else i_ext
    when = _cross_time(t, -v, s, s + 1, thr) if s < p else float(t[s])
    return when, float(y[s])


def _ldlj(t: FloatArray, v: FloatArray, i0: int, i1: int) -> float | None:
    """Log dimensionless jerk of the speed profile between samples i0 and i1 (higher = smoother)."""
    if i1 - i0 < 5:
        return None
    tt, vv = t[i0 : i1 + 1], v[i0 : i1 + 1]
    vpeak = float(np.abs(vv).max())
    if vpeak <= 0:
        return None
    jerk = np.gradient(np.gradient(vv, tt), tt)
    dur = float(tt[-1] - tt[0])
    sq = jerk**2
    integral = float(np.sum(0.5 * (sq[1:] + sq[:-1]) * np.diff(tt)))
    if integral <= 0:
        return None
    return float(-np.log(dur**3 / vpeak**2 * integral))


def reps_from_turns(
    t: FloatArray,
    x: FloatArray,
    v: FloatArray,
    turns: list[Extremum],
    *,
    params: SegmentationParams,
    standstill_fraction: float,
    neutral_known: bool,
    head: FloatArray | None = None,
    first_number: int = 1,
) -> list[Rep]:
    """Cut reps and their phases out of one gap-free stretch of smoothed signal ``x``."""
    if len(turns) < 2:
        return []
    order = "lift_first" if turns[0].kind == "bottom" else "lower_first"
    home = "bottom" if order == "lift_first" else "top"
    homes = [k for k, e in enumerate(turns) if e.kind == home]
    reps: list[Rep] = []
    neg = -x
    for a, b in pairwise(homes):
        if b - a != 2:
            continue
        e0, mid, e1 = turns[a], turns[a + 1], turns[b]
        rep = _one_rep(
            t, x, neg, v, e0, mid, e1, order, params, standstill_fraction, neutral_known, head
        )
        if rep is not None:
            reps.append(rep)
    # A last excursion cut off by the end of the data (home -> far end, no return).
    last = homes[-1] if homes else None
    if last is not None and last + 1 < len(turns):
        rep = _one_rep(
            t, x, neg, v, turns[last], turns[last + 1], None, order, params, standstill_fraction,
            neutral_known, head,
        )  # fmt: skip
        if rep is not None:
            reps.append(rep)
    numbered: list[Rep] = []
    for k, r in enumerate(reps):
        nxt = reps[k + 1] if k + 1 < len(reps) else None
        changes: dict[str, object] = {"number": first_number + k}
        if order == "lift_first" and r.lower_end is not None:
            # settle: from the end of this lowering to the next lift (unknown for the last rep)
            gap = None if nxt is None or nxt.lift_start is None else nxt.lift_start - r.lower_end
            changes["bottom_settle_s"] = gap
        if order == "lower_first" and r.lift_end is not None:
            # top hold: from the end of this lift to the next lowering (unknown for the last rep)
            gap = None if nxt is None or nxt.lower_start is None else nxt.lower_start - r.lift_end
            changes["top_hold_s"] = gap
            changes["time_under_tension_s"] = r.time_under_tension_s + (gap or 0.0)
        numbered.append(replace(r, **changes))  # type: ignore[arg-type]
    return numbered


def _one_rep(
    t: FloatArray,
    x: FloatArray,
    neg: FloatArray,
    v: FloatArray,
    e0: Extremum,
    mid: Extremum,
    e1: Extremum | None,
    order: str,
    params: SegmentationParams,
    standstill: float,
    neutral_known: bool,
    head: FloatArray | None,
) -> Rep | None:
    rest = params.rest_onset_fraction
    lift_start = lift_end = lower_start = lower_end = None
    if order == "lift_first":
        bottom, top = e0, mid
        lift_start, bottom_level = departure(
            t, neg, -v, bottom.index, top.index, standstill_fraction=rest
        )
        band = params.hold_band_fraction * (top.value - bottom.value)
        lift_end, top_level = arrival(
            t, x, v, bottom.index, top.index, standstill_fraction=standstill, near_band=band
        )
        if e1 is not None:
            lower_start, _ = departure(
                t, x, v, top.index, e1.index, standstill_fraction=standstill, near_band=band
            )
            lower_end, end_level = arrival(
                t, neg, -v, top.index, e1.index, standstill_fraction=rest
            )
        start, end = lift_start, (lower_end if lower_end is not None else float(t[-1]))
        bottom_level = -bottom_level
        # the depth a rep reaches is where its own lowering ends (its start when cut off)
        depth_level = -end_level if e1 is not None else bottom_level
        top_i0 = top_i1 = top.index
    else:
        top0, bottom = e0, mid
        band = params.hold_band_fraction * (top0.value - bottom.value)
        lower_start, top_level = departure(
            t, x, v, top0.index, bottom.index, standstill_fraction=rest, near_band=band
        )
        lower_end, bottom_level = arrival(
            t, neg, -v, top0.index, bottom.index, standstill_fraction=standstill
        )
        bottom_level = -bottom_level
        if e1 is not None:
            lift_start, _ = departure(
                t, neg, -v, bottom.index, e1.index, standstill_fraction=standstill
            )
            lift_end, _ = arrival(
                t, x, v, bottom.index, e1.index, standstill_fraction=rest, near_band=band
            )
        start, end = lower_start, (lift_end if lift_end is not None else float(t[-1]))
        # the rep's own top is where its lift arrives (the start was the previous rep's top)
        top_i0 = top_i1 = (e1 or top0).index
        depth_level = bottom_level
    complete = e1 is not None
    if end - start <= 0:
        return None
    top_hold = None
    if order == "lift_first" and lower_start is not None and lift_end is not None:
        top_hold = lower_start - lift_end
    lift_s = (lift_end - lift_start) if (lift_end is not None and lift_start is not None) else None
    lower_s = (
        (lower_end - lower_start) if (lower_end is not None and lower_start is not None) else None
    )
    bottom_settle = None
    if order == "lower_first" and lower_end is not None and lift_start is not None:
        bottom_settle = lift_start - lower_end
    # Top measurements over the hold (or the top sample when there is no hold).
    if lift_end is not None and lower_start is not None and lower_start > lift_end:
        top_i0, top_i1 = int(np.searchsorted(t, lift_end)), int(np.searchsorted(t, lower_start))
    top_slice = slice(int(top_i0), int(max(top_i1, top_i0)) + 1)
    top_ext = float(np.max(x[top_slice]))
    rng = max(top_ext, top_level) - bottom_level
    if rng < params.min_rep_range_deg:
        return None
    i_a, i_b = int(np.searchsorted(t, start)), int(np.searchsorted(t, end))
    lift_v = lower_v = None
    if lift_start is not None and lift_end is not None:
        s0, s1 = np.searchsorted(t, lift_start), np.searchsorted(t, lift_end)
        lift_v = float(np.max(v[s0 : max(s1, s0 + 1) + 1]))
    if lower_start is not None and lower_end is not None:
        s0, s1 = np.searchsorted(t, lower_start), np.searchsorted(t, lower_end)
        lower_v = float(-np.min(v[s0 : max(s1, s0 + 1) + 1]))
    head_dev = None
    if head is not None:
        h = head[top_slice]
        h = h[np.isfinite(h)]
        if h.size:
            head_dev = float(h[np.argmax(np.abs(h))])
    tut = sum(d for d in (lift_s, top_hold, lower_s) if d is not None)
    bottom_time = float(t[mid.index] if order == "lower_first" else t[(e1 or e0).index])
    return Rep(
        number=0,
        order=order,
        start=float(start),
        end=float(end),
        lift_start=lift_start,
        lift_end=lift_end,
        lower_start=lower_start,
        lower_end=lower_end,
        lift_s=lift_s,
        top_hold_s=top_hold,
        lower_s=lower_s,
        bottom_settle_s=bottom_settle,
        range_deg=float(rng),
        top_extension_deg=top_ext,
        bottom_extension_deg=float(depth_level),
        top_deviation_deg=(-top_ext if neutral_known else None),
        peak_lift_velocity_dps=lift_v,
        peak_lower_velocity_dps=lower_v,
        smoothness_ldlj=_ldlj(t, v, i_a, min(i_b, t.size - 1)),
        time_under_tension_s=float(tut),
        top_time=float(t[top_i0]),
        bottom_time=bottom_time,
        head_deviation_deg=head_dev,
        complete=complete,
    )
