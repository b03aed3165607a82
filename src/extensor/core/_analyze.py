"""Analyse one recorded set: motion series in, :class:`SetAnalysis` out.

Steps: split at long gaps and bridge short ones; smooth with a time-based window;
find turning points with hysteresis; cut reps and phases; run every fault detector
whose mistake the input can show; list the others as not observable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from extensor._errors import EmptyInputError
from extensor.core._filters import Gap, bridge_gaps, despike, find_gaps, local_slope, smooth
from extensor.core._movement import another_movement_notice
from extensor.core._params import AnalysisParams, SegmentationParams, VelocityLossParams
from extensor.core._phases import reps_from_turns
from extensor.core._plausibility import (
    grade_faults,
    mark_unreliable,
    rep_tracking,
    unreliable_notice,
)
from extensor.core._results import Fault, MovementCheck, Notice, Rep, SetAnalysis, SetMetrics
from extensor.core._segment import find_turning_points
from extensor.core._sets import session_reference_range, set_windows
from extensor.core._signal_quality import gravity_problem, signal_problems
from extensor.core._timeseries import FloatArray, TimeSeries
from extensor.core.mistakes import MISTAKES

__all__ = [
    "INPUT_SOURCES",
    "analyze_motion",
    "analyze_sets",
    "filter_stretch",
    "finalize_analysis",
    "observable_mistakes",
    "set_metrics",
]

#: Which observation channels of the knowledge base an input kind provides.
INPUT_SOURCES: dict[str, tuple[str, ...]] = {
    "keypoints": ("video",),
    "video": ("video",),
    "imu": ("imu",),
    "encoder": ("encoder",),
    "synthetic": ("video", "encoder"),
}


def observable_mistakes(
    params: AnalysisParams,
    *,
    input_kind: str,
    neutral_known: bool,
    has_head: bool,
    judgeable: bool = True,
) -> tuple[list[str], list[str]]:
    """(mistakes judged, mistakes not observable from this input), each sorted.

    A mistake is judged when the data file says some source of this input shows it, a
    registered plug-in detects it from that input, and the input has what the plug-in
    needs (an absolute neutral, head points). ``judgeable=False`` (a recording whose camera view or frame rate cannot support any
    judgement) makes every mistake not observable.
    """
    sources = set(INPUT_SOURCES.get(input_kind, ())) if judgeable else set()
    judged: list[str] = []
    blind: list[str] = []
    for mistake, seen_by in params.observable_from.items():
        plugin = MISTAKES.get(mistake)
        ok = plugin is not None and bool(sources & set(seen_by) & set(plugin.inputs))
        ok = ok and plugin is not None and (neutral_known or not plugin.needs_neutral)
        ok = ok and plugin is not None and (has_head or not plugin.needs_head)
        (judged if ok else blind).append(mistake)
    return sorted(judged), sorted(blind)


def _segments(
    t: FloatArray, x: FloatArray, max_gap: float, min_stretch_s: float
) -> tuple[list[slice], list[Notice]]:
    gaps = find_gaps(t, x, min_gap_s=max_gap)
    return _gap_slices(t, gaps), _gap_notices(gaps, min_stretch_s)


def _gap_notices(gaps: Sequence[Gap], min_stretch_s: float) -> list[Notice]:
    """One ``gap`` notice per contiguous gap: gaps whose data between them is shorter than
    ``min_stretch_s`` (too short to hold a rep) are one gap with a few stray samples."""
    groups: list[list[Gap]] = []
    for g in gaps:
        if groups and g.start - groups[-1][-1].end < min_stretch_s:
            groups[-1].append(g)
        else:
            groups.append([g])
    notices = []
    for group in groups:
        first, last = group[0], group[-1]
        if len(group) == 1:
            text = f"no usable data for {first.duration:.1f} s from {first.start:.1f} s"
        else:
            missing = sum(g.duration for g in group)
            text = (
                f"no usable data for {missing:.1f} s of the {last.end - first.start:.1f} s"
                f" from {first.start:.1f} s ({len(group)} gaps with only stray samples between)"
            )
        notices.append(Notice("gap", f"{text}; reps across it are not counted"))
    return notices


def _gap_slices(t: FloatArray, gaps: Sequence[Gap]) -> list[slice]:
    bounds = [0]
    for g in gaps:
        bounds += [int(np.searchsorted(t, g.start, side="right")), int(np.searchsorted(t, g.end))]
    bounds.append(t.size)
    return [slice(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]


def _signal_check(ts: TimeSeries, params: AnalysisParams) -> list[Notice]:
    """Notices saying why the signal cannot hold reps (noise, no gravity); empty when fine."""
    quality = params.signal_quality
    if quality is None:
        return []
    gravity = ts.info.get("acc_median_magnitude_m_s2")
    return gravity_problem(gravity, params=quality) or signal_problems(
        ts.time, ts.channel("extension"), params=quality
    )


def filter_stretch(
    t: FloatArray, x: FloatArray, seg: SegmentationParams
) -> tuple[FloatArray, FloatArray]:
    """(smoothed signal, velocity) of one gap-free stretch: bridge, despike, slope, smooth."""
    xs = despike(
        t, bridge_gaps(t, x), window_s=seg.despike_window_s, threshold=seg.despike_threshold_deg
    )
    v = local_slope(t, xs, window_s=seg.velocity_window_s)
    return smooth(t, xs, window_s=seg.smoothing_window_s), v


def analyze_motion(ts: TimeSeries, /, *, params: AnalysisParams) -> SetAnalysis:
    """Reps, phases, measurements and faults of the set in motion series ``ts``.

    ``ts`` has channel ``extension`` (deg, rising toward the top) and optionally
    ``head_deviation``; ``info["neutral_known"]`` and ``info["input_kind"]`` steer
    which faults can be judged, ``info["notices"]`` ({code, message}) are carried into the
    result, and a non-empty ``info["unjudgeable"]`` (reasons) marks every fault not
    observable.
    """
    cut = _cut_reps(ts, params)
    return finalize_analysis(cut.reps, params=params, **cut.context)


def analyze_sets(
    ts: TimeSeries, /, *, params: AnalysisParams, min_rest_s: float
) -> tuple[SetAnalysis, ...]:
    """Like :func:`analyze_motion`, for a recording that may hold several sets.

    The reps are cut once from the whole series; a rest of ``min_rest_s`` or more between
    two reps ends a set (:func:`~extensor.core._sets.set_windows`). Each set is judged on
    its own (reps numbered from 1, velocity loss and tempo within the set), its range
    against the session's reference range; ``info["set"]`` gives ``number``, ``of``,
    ``start_s``, ``end_s`` and ``session_reference_range_deg``, and a ``one_of_sets``
    notice says the same. With one set the result is :func:`analyze_motion`'s.
    """
    cut = _cut_reps(ts, params)
    t = ts.time
    # Only whole reps make a set: a movement cut off by the end of the recording after a
    # long rest stays with the set before it (incomplete, not judged), never a set alone.
    kept = _long_enough(cut.reps, params.segmentation)
    whole = [r for r in kept if r.complete]
    windows = set_windows(whole, start=float(t[0]), end=float(t[-1]), min_rest_s=min_rest_s)
    if len(windows) < 2:
        return (finalize_analysis(cut.reps, params=params, **cut.context),)
    tracks = cut.context["tracks"]
    tracking = [rep_tracking(r, *tracks) for r in kept]
    checked = mark_unreliable(
        kept, limits=params.plausibility, neutral_known=cut.context["neutral_known"],
        tracking=tracking,
    )  # fmt: skip
    percentile = params.fault_param("partial_range", "reference_range_percentile")
    reference = session_reference_range(checked, percentile=percentile)
    session = replace(params, session_reference_range_deg=reference)
    x = ts.channel("extension")
    out = []
    for number, (a, b) in enumerate(windows, start=1):
        last = number == len(windows)
        reps = [r for r in cut.reps if a <= r.start and (r.start < b or last)]
        inside = (t >= a) & (t <= b) & np.isfinite(x)
        spread = (
            float(np.percentile(x[inside], 98) - np.percentile(x[inside], 2))
            if inside.any()
            else 0.0
        )
        where = {"number": number, "of": len(windows), "start_s": round(a, 3), "end_s": round(b, 3),
                 "session_reference_range_deg": reference}  # fmt: skip
        against = (
            ""
            if reference is None
            else (f"; range judged against the session's best reps ({reference:.0f} deg)")
        )
        note = Notice(
            "one_of_sets",
            f"set {number} of {len(windows)} in this recording ({a:.1f}-{b:.1f} s){against}",
        )
        context = {**cut.context, "duration_s": b - a, "spread_deg": spread,
                   "notices": [*cut.context["notices"], note],
                   "info": {**cut.context["info"], "set": where}}  # fmt: skip
        out.append(finalize_analysis(reps, params=session, **context))
    return tuple(out)


def _long_enough(reps: Sequence[Rep], seg: SegmentationParams) -> list[Rep]:
    """The reps long enough to be reps: ``min_rep_duration_s``, or its
    ``min_cut_rep_fraction`` for a rep cut off by a gap or the end of the data."""
    return [
        r
        for r in reps
        if r.duration >= seg.min_rep_duration_s * (1.0 if r.complete else seg.min_cut_rep_fraction)
    ]


@dataclass(frozen=True, slots=True)
class _Cut:
    """The reps cut from a motion series and the rest of :func:`finalize_analysis`'s input."""

    reps: list[Rep]
    context: dict[str, Any]


def _cut_reps(ts: TimeSeries, params: AnalysisParams) -> _Cut:
    """Split at gaps, filter, find turning points and cut reps and phases (not yet judged)."""
    src = ts.info.get("source")
    seg = params.segmentation
    x_raw = ts.channel("extension")
    t = ts.time
    finite = np.isfinite(x_raw)
    if finite.sum() < 2:
        raise EmptyInputError("the motion signal has fewer than 2 usable samples", source=src)
    neutral_known = bool(ts.info.get("neutral_known", False))
    head_raw = ts.data.get("head_deviation")
    # phases are timed on the trunk's own rotation when the input has it (see _phases)
    incl = ts.data.get("trunk_inclination")
    timing_raw = None if incl is None else -_unwrapped_deg(incl)
    notices = [Notice(n["code"], n["message"]) for n in ts.info.get("notices", [])]
    judgeable = not ts.info.get("unjudgeable")
    movement = ts.info.get("movement_check")
    movement = movement if isinstance(movement, MovementCheck) else None
    if movement is not None and movement.is_other_movement:
        notices.append(another_movement_notice(movement))
        judgeable = False
    missing_share = 1.0 - float(finite.mean())
    if missing_share > seg.max_unusable_share:
        notices.append(Notice("low_confidence", f"{missing_share:.0%} of samples were unusable"))
    slices, gap_notices = _segments(t, x_raw, seg.max_bridged_gap_s, seg.min_rep_duration_s)
    notices += gap_notices
    implausible = _signal_check(ts, params)
    notices += implausible
    reps: list[Rep] = []
    for sl in [] if implausible else slices:
        ts_t, xs = t[sl], x_raw[sl]
        if np.isfinite(xs).sum() < 3 or ts_t[-1] - ts_t[0] < seg.min_rep_duration_s:
            continue
        xs, v = filter_stretch(ts_t, xs, seg)
        head = None
        if head_raw is not None and np.isfinite(head_raw[sl]).any():
            head = smooth(ts_t, bridge_gaps(ts_t, head_raw[sl]), window_s=seg.smoothing_window_s)
        turns = find_turning_points(ts_t.tolist(), xs.tolist(), delta=seg.min_rep_range_deg)
        timing = None
        if timing_raw is not None and np.isfinite(timing_raw[sl]).sum() >= 3:
            timing = filter_stretch(ts_t, timing_raw[sl], seg)
        reps += reps_from_turns(
            ts_t, xs, v, turns, params=seg, neutral_known=neutral_known, head=head,
            timing=timing, first_number=len(reps) + 1,
        )  # fmt: skip
    spread = float(np.nanpercentile(x_raw, 98) - np.nanpercentile(x_raw, 2))
    context: dict[str, Any] = {
        "input_kind": str(ts.info.get("input_kind", "synthetic")),
        "neutral_known": neutral_known,
        "has_head": head_raw is not None,
        "judgeable": judgeable,
        "notices": notices,
        "duration_s": ts.duration,
        "sample_rate": ts.sample_rate,
        "spread_deg": spread,
        "source": src,
        "info": {k: v for k, v in ts.info.items() if k in _INFO_KEYS},
        "movement": movement,
        "tracks": (t, finite.astype(float), ts.data.get("quality")),
    }
    return _Cut(reps, context)


def _unwrapped_deg(angle: FloatArray) -> FloatArray:
    """A signed angle (deg, in (-180, 180]) without its jumps of 360 where it wraps (a
    trunk past straight down), gaps left as they are."""
    out = angle.copy()
    ok = np.isfinite(angle)
    if ok.sum() >= 2:
        out[ok] = np.degrees(np.unwrap(np.radians(angle[ok])))
    return out


def finalize_analysis(
    reps: Sequence[Rep],
    *,
    params: AnalysisParams,
    input_kind: str,
    neutral_known: bool,
    has_head: bool,
    notices: Sequence[Notice],
    judgeable: bool = True,
    duration_s: float,
    sample_rate: float,
    spread_deg: float,
    source: str | None,
    info: dict[str, Any],
    movement: MovementCheck | None = None,
    tracks: tuple[FloatArray, FloatArray, FloatArray | None] | None = None,
) -> SetAnalysis:
    """From cut reps to the result: number them, judge faults, add notices and set metrics.

    Shared by the offline :func:`analyze_motion` and the live ``StreamingAnalyzer``.
    ``tracks`` = (time, 1 where the angle was usable, keypoint confidence or None) lets
    each rep's tracking be checked (:mod:`extensor.core._plausibility`); reps beyond what
    a trunk can do are marked unreliable and not judged. Each fault's confidence is scaled
    by its rep's keypoint confidence and graded ``clear`` or ``possible`` against
    ``params.min_cue_confidence``.
    """
    seg = params.segmentation
    kept = _long_enough(reps, seg)
    numbered = [replace(r, number=k + 1) for k, r in enumerate(kept)]
    tracking = None if tracks is None else [rep_tracking(r, *tracks) for r in numbered]
    numbered = mark_unreliable(
        numbered, limits=params.plausibility, neutral_known=neutral_known, tracking=tracking
    )
    judged, blind = observable_mistakes(
        params,
        input_kind=input_kind,
        neutral_known=neutral_known,
        has_head=has_head,
        judgeable=judgeable,
    )
    reliable = [r for r in numbered if r.reliable]
    faults: list[Fault] = []
    for mistake in judged:
        plugin = MISTAKES[mistake]
        if plugin.applies(params):
            faults += plugin.detect(reliable, params)
    rep_conf = {
        r.number: (c if c is not None else 1.0)
        for r, (_, c) in zip(numbered, tracking or [], strict=False)
    }
    faults = grade_faults(_drop_superseded(faults), rep_confidence=rep_conf,
                          min_cue_confidence=params.min_cue_confidence)  # fmt: skip
    partial = {f.rep for f in faults if MISTAKES[f.id].marks_partial}
    final = [replace(r, partial=r.number in partial) for r in numbered]
    out = list(notices)
    out += [unreliable_notice(r) for r in final if not r.reliable]
    already_explained = any(n.code in _NO_REP_REASONS for n in out)
    if not final and spread_deg < seg.min_rep_range_deg:
        out.append(
            Notice(
                "no_movement",
                f"the trunk angle varies by only {spread_deg:.1f} deg: no rep to count",
            )
        )
    elif not final and not already_explained:
        out.append(Notice("no_reps", "movement was found, but nothing shaped like a full rep"))
    already = {n.code for n in out}
    if (
        "low_frame_rate" not in already
        and sample_rate == sample_rate
        and round(sample_rate, 1) < seg.min_sample_rate_hz  # judged as the message shows it
    ):
        out.append(
            Notice(
                "low_frame_rate",
                f"{sample_rate:.1f} samples/s is below the {seg.min_sample_rate_hz:g} needed to time phases",
            )
        )
    if not neutral_known:
        out.append(
            Notice(
                "neutral_unknown",
                "this input has no absolute neutral: the rest position is taken as the bottom, "
                "range is relative, and past-neutral cannot be judged",
            )
        )
    faults.sort(key=lambda f: (f.time, f.id))
    return SetAnalysis(
        reps=tuple(final),
        faults=tuple(faults),
        not_observable=tuple(blind),
        notices=tuple(out),
        metrics=set_metrics(final, duration_s=duration_s, velocity_loss=params.velocity_loss),
        goal=params.goal,
        variant=params.variant,
        input_kind=input_kind,
        neutral_known=neutral_known,
        source=source,
        info=info,
        movement=movement,
    )


#: Notice codes that already say why a set has no rep (no extra ``no_reps`` notice).
_NO_REP_REASONS = ("noise", "no_gravity")

_INFO_KEYS = (
    "side", "front_cue", "neutral_reference", "rotation_axis_sensor_frame", "rotation_axis_share",
    "fps", "width", "height", "pose_backend", "angle_source", "view_angle_deg",
)  # fmt: skip


def _drop_superseded(faults: list[Fault]) -> list[Fault]:
    """Keep one fault per cause: drop a fault on a rep where a mistake superseding it fired."""
    fired = {(f.id, f.rep) for f in faults}
    return [
        f
        for f in faults
        if not any((m.id, f.rep) in fired for m in MISTAKES if f.id in m.supersedes)
    ]


def set_metrics(
    reps: Sequence[Rep], *, duration_s: float, velocity_loss: VelocityLossParams
) -> SetMetrics:
    """Set-level numbers: counts, tempo consistency, velocity loss, time under tension."""
    complete = [r for r in reps if r.complete]
    durations = np.array([r.duration for r in complete])
    cv = float(durations.std() / durations.mean()) if durations.size >= 2 else None
    speeds = [r.peak_lift_velocity_dps for r in complete if r.peak_lift_velocity_dps]
    loss = None
    n = velocity_loss.reps
    if len(speeds) >= velocity_loss.min_reps:
        first, last = np.mean(speeds[:n]), np.mean(speeds[-n:])
        loss = float(100.0 * (first - last) / first)
    return SetMetrics(
        rep_count=len(reps),
        full_rep_count=sum(1 for r in reps if r.complete and not r.partial),
        duration_s=float(duration_s),
        time_under_tension_s=float(sum(r.time_under_tension_s for r in reps)),
        mean_rep_duration_s=float(durations.mean()) if durations.size else None,
        tempo_consistency_cv=cv,
        velocity_loss_pct=loss,
        mean_range_deg=float(np.mean([r.range_deg for r in reps])) if reps else None,
    )
