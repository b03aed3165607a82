"""Phase boundaries of each rep from the turning points.

Conventions (documented in ``docs/architecture.md`` and ``docs/analysis-schema.md``):

* A rep is one excursion away from the position the set starts in and back: bottom,
  top, bottom when the set starts at the bottom (``lift_first``), otherwise top,
  bottom, top (``lower_first``). A rep needs its lift: a lowering the recording ends in
  (a ``lower_first`` excursion with no way back up) is not a rep.
* ``top_time`` and ``bottom_time`` are the turning points: the highest and the lowest
  point.
* Around each turning point the trunk *holds* while it moves slower than
  ``motion_speed_dps`` (an absolute angular speed: visible motion) and stays within
  ``hold_band_fraction`` of the rep's range of the turning point. A move starts where
  the hold before it ends and stops where the hold after it begins, so everything
  between two holds is one phase: a slow, one-way movement with brief slowdowns on
  the way is one lowering, however long it takes.
* A phase the recording (or a gap) cuts off has no boundary to measure: its time and
  duration are None and its name is listed in ``Rep.incomplete``, so no verdict rests
  on it. A turning point on the first or last sample with the trunk still moving
  there (no hold) is such a cut.
* An excursion whose lift never reaches visible speed is drift, not a rep.
* Boundaries are timed on ``timing`` (the trunk's own rotation, when the input has
  it; else the analysis signal itself), levels are read from the analysis signal. On
  video the pose model's hip point slides along the pad as the trunk moves, so the
  thigh line wobbles by up to 10 degrees and hides the slow last part of the rise in
  the trunk-to-thigh angle; the trunk's rotation in the image shows it, as a coach
  sees it.
* The top hold is the time between arriving at and leaving the top; the bottom settle
  is the time between arriving at the bottom and leaving it for the next rep.

>>> import numpy as np
>>> t = np.linspace(0.0, 4.0, 401)
>>> y = np.clip(t - 1.0, 0.0, 2.0) * 45.0          # still, rise 90 deg in 2 s, still
>>> v = np.gradient(y, t)
>>> when, level, cut = hold_edge(t, y, v, 400, 0, speed_dps=15.0, band_deg=10.0, drift_dps=3.0)
>>> round(when, 2), round(level), cut
(3.0, 90, False)
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np

from extensor.core._params import SegmentationParams
from extensor.core._results import Rep
from extensor.core._segment import Extremum
from extensor.core._timeseries import FloatArray

__all__ = ["hold_edge", "reps_from_turns"]


def _cross_time(t: FloatArray, y: FloatArray, i: int, j: int, level: float) -> float:
    """Time where the straight line between samples i and j reaches ``level``."""
    if i == j or y[j] == y[i]:
        return float(t[j])
    frac = (level - y[i]) / (y[j] - y[i])
    frac = min(1.0, max(0.0, frac))
    return float(t[i] + frac * (t[j] - t[i]))


def hold_edge(
    t: FloatArray,
    y: FloatArray,
    v: FloatArray,
    i_ext: int,
    i_to: int,
    *,
    speed_dps: float,
    band_deg: float,
    drift_dps: float,
    rest: tuple[float, float] | None = None,
) -> tuple[float, float, bool]:
    """(time, level, cut) where the hold at the maximum of ``y`` at ``i_ext`` ends toward ``i_to``.

    The hold ends where the move that leaves it for good begins: after the last sample
    within ``band_deg`` of the maximum, the first one moving faster than ``drift_dps``;
    from there back toward the maximum over every sample that still counts as moving
    (faster than ``speed_dps``, or beyond the band and faster than ``drift_dps``). So
    jitter inside the hold, a shift while resting and a slow drift do not end it, and a
    slow move is followed out of the band. With ``rest`` = (seconds, share of the
    range), at the position the lifter rests in between reps, a stop that long (slower
    than ``drift_dps``) within that share of the range is part of the hold, whatever came before it (a shift on the seat, a glitch).
    ``i_to`` may lie on either side (before: the arrival, after: the departure).
    ``cut`` is True when the maximum sits on the first or last sample with no hold
    there: the recording cut the move off, and the time is that edge's.
    """
    step = 1 if i_to >= i_ext else -1
    idx = np.arange(i_ext, i_to + step, step)
    speed = np.abs(v[idx])
    outside = y[idx] < y[i_ext] - band_deg
    moving = (speed >= speed_dps) | (outside & (speed >= drift_dps))
    # the move that leaves for good: from the last time inside the band, the first sample
    # moving faster than a drift (a shift while resting that comes back does not count)
    first = 0
    if rest is not None:
        rest_s, zone = rest
        away = np.flatnonzero(y[idx] < y[i_ext] - zone * (y[i_ext] - y[i_to]))
        first = _last_rest_end(
            t[idx], speed < drift_dps, int(away[0]) if away.size else idx.size, rest_s
        )
    inside_at = first + np.flatnonzero(~outside[first:])
    last_in = int(inside_at[-1]) if inside_at.size else first
    leaving = last_in + 1 + np.flatnonzero(moving[last_in + 1 :])
    k = int(leaving[0]) if leaving.size else idx.size - 1
    still_at = np.flatnonzero(~moving[:k])
    j = int(still_at[-1]) if still_at.size else -1  # the hold's last sample
    at_edge = i_ext in (0, t.size - 1)
    if j < 0 or (at_edge and j < 1):
        return float(t[i_ext]), float(y[i_ext]), at_edge
    a, b = int(idx[j]), int(idx[j + 1])
    if speed[j + 1] >= speed_dps:
        when = _cross_time(t, np.abs(v), a, b, speed_dps)
    elif outside[j + 1] and not outside[j]:
        when = _cross_time(t, y, a, b, float(y[i_ext]) - band_deg)
    else:
        when = _cross_time(t, np.abs(v), a, b, drift_dps)
    return when, float(y[a]), False


def _last_rest_end(tt: FloatArray, still: FloatArray, stop: int, rest_s: float) -> int:
    """Position of the last sample of the last still run of ``rest_s`` or longer before ``stop``."""
    best, k = 0, 0
    while k < stop:
        if not still[k]:
            k += 1
            continue
        j = k
        while j + 1 < stop and still[j + 1]:
            j += 1
        if abs(tt[j] - tt[k]) >= rest_s:
            best = j
        k = j + 1
    return best


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
    neutral_known: bool,
    head: FloatArray | None = None,
    timing: tuple[FloatArray, FloatArray] | None = None,
    first_number: int = 1,
) -> list[Rep]:
    """Cut reps and their phases out of one gap-free stretch of smoothed signal ``x``.

    ``timing`` is (signal, velocity) of the trunk's own rotation, oriented like ``x``
    (rising toward the top), to time the boundaries on; by default ``x`` and ``v``.
    """
    y, vy = timing if timing is not None else (x, v)
    if timing is not None:
        turns = _relocate(t, y, turns)  # turning points of the trunk's own rotation
    if len(turns) < 2:
        return []
    order = "lift_first" if turns[0].kind == "bottom" else "lower_first"
    home = "bottom" if order == "lift_first" else "top"
    homes = [k for k, e in enumerate(turns) if e.kind == home]
    reps: list[Rep] = []
    for a, b in pairwise(homes):
        if b - a != 2:
            continue
        rep = _one_rep(
            t, x, v, y, vy, turns[a], turns[a + 1], turns[b], order, params, neutral_known, head
        )  # fmt: skip
        if rep is not None:
            reps.append(rep)
    # A last excursion cut off by the end of the data (home -> far end, no return).
    last = homes[-1] if homes else None
    if last is not None and last + 1 < len(turns):
        rep = _one_rep(
            t, x, v, y, vy, turns[last], turns[last + 1], None, order, params, neutral_known, head
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


def _relocate(t: FloatArray, y: FloatArray, turns: list[Extremum]) -> list[Extremum]:
    """Each turn moved to the extreme of ``y`` between its neighbouring turns."""
    out = []
    for k, e in enumerate(turns):
        lo = turns[k - 1].index if k > 0 else 0
        hi = turns[k + 1].index if k + 1 < len(turns) else t.size - 1
        part = y[lo : hi + 1]
        i = lo + int(np.argmax(part) if e.kind == "top" else np.argmin(part))
        out.append(replace(e, index=i, time=float(t[i])))
    return out


def _span(t: FloatArray, a: float, b: float) -> slice:
    i0 = int(np.searchsorted(t, a))
    return slice(i0, max(int(np.searchsorted(t, b)), i0 + 1) + 1)


def _one_rep(
    t: FloatArray,
    x: FloatArray,
    v: FloatArray,
    y: FloatArray,
    vy: FloatArray,
    e0: Extremum,
    mid: Extremum,
    e1: Extremum | None,
    order: str,
    params: SegmentationParams,
    neutral_known: bool,
    head: FloatArray | None,
) -> Rep | None:
    speed = params.motion_speed_dps
    neg, nv = -y, -vy
    top_e, bottom_e = (mid, e0) if order == "lift_first" else (e0, mid)
    band = params.hold_band_fraction * float(y[top_e.index] - y[bottom_e.index])

    home_is_top = order == "lower_first"

    def edge(top: bool, i_ext: int, i_to: int) -> tuple[float, float, bool]:
        # (time, level of the analysis signal there, cut) of the hold at a turning point;
        # only where the lifter rests between reps can a stop be a rest
        when, _, c = hold_edge(
            t,
            y if top else neg,
            vy if top else nv,
            i_ext,
            i_to,
            speed_dps=speed,
            band_deg=band,
            drift_dps=params.drift_speed_dps,
            rest=(params.min_rest_s, params.rest_zone_fraction) if top == home_is_top else None,
        )
        i = min(int(np.searchsorted(t, when)), t.size - 1)
        i = min(max(i, min(i_ext, i_to)), max(i_ext, i_to))
        return when, float(x[i]), c

    cut: set[str] = set()
    lift_start = lift_end = lower_start = lower_end = None
    if order == "lift_first":
        bottom, top = e0, mid
        when, level, c = edge(False, bottom.index, top.index)
        lift_start, bottom_level = (None if c else when), level
        when, top_level, c2 = edge(True, top.index, bottom.index)
        lift_end = None if c2 else when
        if c or c2:
            cut.add("lift")
        depth_level = bottom_level
        if e1 is not None:
            when, _, c = edge(True, top.index, e1.index)
            lower_start = when
            when, level, c2 = edge(False, e1.index, top.index)
            lower_end = None if c2 else when
            if c2:
                cut.add("lower")
            else:
                # the depth a rep reaches is where its own lowering ends
                depth_level = level
        elif lift_end is not None:
            cut.add("top_hold")  # the recording ends while the lifter holds the top
        top_i = top.index
        bottom_i = (e1 or e0).index
    else:
        top0, bottom = e0, mid
        when, top_level, c = edge(True, top0.index, bottom.index)
        lower_start = None if c else when
        when, level, c2 = edge(False, bottom.index, top0.index)
        lower_end, bottom_level = (None if c2 else when), level
        if c or c2:
            cut.add("lower")
        if e1 is None:
            return None  # a lowering the recording ends in, with no lift back up
        when, level, c = edge(False, bottom.index, e1.index)
        lift_start, bottom_level = when, level  # the bottom is where the lift leaves from
        when, _, c2 = edge(True, e1.index, bottom.index)
        lift_end = None if c2 else when
        if c2:
            cut.add("lift")
        depth_level = bottom_level
        top_i, bottom_i = e1.index, bottom.index
    start = lift_start if order == "lift_first" else lower_start
    end = lower_end if order == "lift_first" else lift_end
    start = float(t[e0.index]) if start is None else start
    end = float(t[(e1 or mid).index] if e1 is not None else t[-1]) if end is None else end
    if end - start <= 0:
        return None
    # a lift that never moves visibly is drift (tracking, shifting while still), not a rep
    lift_from = lift_start if lift_start is not None else float(t[bottom_e.index])
    lift_to = lift_end if lift_end is not None else float(t[top_i])
    lift_span = _span(t, lift_from, lift_to)
    if float(np.max(vy[lift_span])) < speed:
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
    top_slice = slice(top_i, top_i + 1)
    if lift_end is not None and lower_start is not None and lower_start > lift_end:
        top_slice = slice(
            int(np.searchsorted(t, lift_end)), int(np.searchsorted(t, lower_start)) + 1
        )
    top_ext = float(np.max(x[top_slice]))
    rng = max(top_ext, top_level) - bottom_level
    if rng < params.min_rep_range_deg:
        return None
    i_a, i_b = int(np.searchsorted(t, start)), int(np.searchsorted(t, end))
    lift_v = float(np.max(v[lift_span])) if lift_s is not None else None
    lower_v = None
    if lower_s is not None and lower_start is not None and lower_end is not None:
        lower_v = float(-np.min(v[_span(t, lower_start, lower_end)]))
    head_dev = None
    if head is not None:
        h = head[top_slice]
        h = h[np.isfinite(h)]
        if h.size:
            head_dev = float(h[np.argmax(np.abs(h))])
    tut = sum(d for d in (lift_s, top_hold, lower_s) if d is not None)
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
        top_time=float(t[top_i]),
        bottom_time=float(t[bottom_i]),
        head_deviation_deg=head_dev,
        complete=e1 is not None,
        incomplete=tuple(p for p in _PHASES if p in cut),
    )


_PHASES = ("lift", "top_hold", "lower", "bottom_settle")
