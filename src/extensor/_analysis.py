"""Glue between the knowledge base, the input adapters and the pure analysis core.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> s = synthetic_set([RepSpec()] * 4, noise_deg=0.2, seed=3)
>>> result = analyze_recording(s.motion, goal="hypertrophy", variant="45_degree_bench")
>>> result.metrics.rep_count
4
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extensor._errors import ConfigError, InputFormatError
from extensor.core import (
    STANDARD_GRAVITY,
    AnalysisParams,
    ConfidenceCurve,
    MovementLimits,
    NeutralHoldLimits,
    PlausibilityLimits,
    SegmentationParams,
    SetAnalysis,
    SignalQualityParams,
    TempoTarget,
    TimeSeries,
    VelocityLossParams,
    analyze_motion,
    analyze_sets,
    check_movement,
    encoder_to_motion,
    imu_to_motion,
    keypoints_to_motion,
)
from extensor.io import read_recording
from extensor.knowledge import Exercise, load_exercise

__all__ = [
    "BLOCKING_CAMERA_WARNINGS",
    "AnalysisRun",
    "analysis_params",
    "analyze",
    "analyze_file",
    "analyze_recording",
    "movement_limits",
    "run_analysis",
    "run_sets",
    "to_motion",
]


@dataclass(frozen=True, slots=True)
class AnalysisRun:
    """One analysis with what it was computed from: the recording as read, the motion
    series (channel ``extension``, deg) derived from it carrying the reps' phase events
    (``rep<n>:lift_start``..., see :func:`extensor.core._results.rep_events`), and the result."""

    recording: TimeSeries
    motion: TimeSeries
    result: SetAnalysis


def analysis_params(exercise: Exercise, *, variant: str, goal: str) -> AnalysisParams:
    """Every threshold of one analysis, read from the exercise data file."""
    g = exercise.goal(goal)
    v = exercise.variant(variant)
    a = exercise.analysis_param
    seg = SegmentationParams(
        smoothing_window_s=a("smoothing_window_s"),
        velocity_window_s=a("velocity_window_s"),
        despike_window_s=a("despike_window_s"),
        despike_threshold_deg=a("despike_threshold_deg"),
        min_rep_range_deg=a("min_rep_range_deg"),
        min_rep_duration_s=a("min_rep_duration_s"),
        min_cut_rep_fraction=a("min_cut_rep_fraction"),
        max_bridged_gap_s=a("max_bridged_gap_s"),
        hold_band_fraction=a("hold_band_fraction"),
        motion_speed_dps=a("motion_speed_dps"),
        drift_speed_dps=a("drift_speed_dps"),
        min_rest_s=a("min_rest_s"),
        rest_zone_fraction=a("rest_zone_fraction"),
        min_sample_rate_hz=a("min_sample_rate_hz"),
        max_unusable_share=a("max_unusable_share"),
    )
    tempo = TempoTarget(
        lift_s=g.tempo.lift_s,
        top_s=g.tempo.top_s,
        lower_s=g.tempo.lower_s,
        bottom_s=g.tempo.bottom_s,
        requires_top_pause=g.requires_top_pause,
    )
    return AnalysisParams(
        segmentation=seg,
        tempo=tempo,
        faults=exercise.detection_values(),
        observable_from={m.id: tuple(m.observable_from) for m in exercise.mistakes.values()},
        max_start_deviation_deg=v.start_deviation_deg.max,
        confidence=ConfidenceCurve(
            at_threshold=a("confidence_at_threshold"),
            growth_per_scale=a("confidence_growth_per_scale"),
        ),
        velocity_loss=VelocityLossParams(
            reps=int(a("velocity_loss_reps")), min_reps=int(a("min_velocity_loss_reps"))
        ),
        plausibility=PlausibilityLimits(
            max_range_deg=a("plausible_max_range_deg"),
            max_flexion_deg=a("plausible_max_flexion_deg"),
            max_past_neutral_deg=a("plausible_max_past_neutral_deg"),
            max_speed_dps=a("plausible_max_speed_dps"),
            min_tracked_share=a("rep_min_tracked_share"),
            min_keypoint_confidence=a("rep_min_keypoint_confidence"),
        ),
        min_cue_confidence=a("min_cue_confidence"),
        signal_quality=SignalQualityParams(
            max_rep_frequency_hz=a("signal_max_rep_frequency_hz"),
            min_rep_band_enrichment=a("signal_min_rep_band_enrichment"),
            max_roughness=a("signal_max_roughness"),
            min_samples=int(a("signal_min_samples")),
            smoothing_window_s=a("signal_smoothing_window_s"),
            gravity_range_m_s2=(
                a("signal_min_gravity") * STANDARD_GRAVITY,
                a("signal_max_gravity") * STANDARD_GRAVITY,
            ),
        ),
        goal=g.id,
        variant=v.id,
        titles={m.id: m.title for m in exercise.mistakes.values()},
    )


def to_motion(ts: TimeSeries, /, *, exercise: Exercise, variant: str) -> TimeSeries:
    """Turn any validated recording (keypoints, angle, imu, motion) into a motion series."""
    kind = ts.info.get("kind")
    if kind == "motion":
        return ts
    a = exercise.analysis_param
    if kind == "keypoints":
        ts = _camera_notices(ts)
        motion = keypoints_to_motion(
            ts,
            neutral_reference=exercise.variant(variant).neutral_reference,
            min_confidence=a("min_keypoint_confidence"),
            face_line_offset_deg=a("face_line_offset_deg"),
            side_view_max_angle_deg=a("side_view_max_angle_deg"),
        )
        check = check_movement(
            ts,
            motion,
            limits=movement_limits(exercise),
            min_confidence=a("min_keypoint_confidence"),
            trusted_view=not ts.info.get("unjudgeable"),
        )
        return motion.copy(info={**motion.info, "movement_check": check})
    if kind == "angle":
        return encoder_to_motion(ts)
    if kind == "imu":
        return imu_to_motion(
            ts,
            min_axis_share=a("min_rotation_axis_share"),
            hold_limits=NeutralHoldLimits(
                max_motion_deg=a("neutral_hold_max_motion_deg"),
                max_past_share=a("neutral_hold_max_past_share"),
                idle_band_share=a("neutral_hold_idle_band_share"),
                still_speed_dps=a("motion_speed_dps"),
                idle_s=a("set_rest_s"),
            ),
        )
    raise InputFormatError(
        f"recording kind must be keypoints, angle, imu or motion, got {kind!r}",
        source=ts.info.get("source"),
    )


def movement_limits(exercise: Exercise) -> MovementLimits:
    """The movement check's limits (:mod:`extensor.core._movement`) from the data file."""
    a = exercise.analysis_param
    return MovementLimits(
        max_hip_travel_trunks=a("movement_max_hip_travel_trunks"),
        max_pivot_ratio=a("movement_max_pivot_ratio"),
        max_thigh_rotation_share=a("movement_max_thigh_rotation_share"),
        min_failed_checks=int(a("movement_min_failed_checks")),
        min_trunk_rotation_deg=a("min_rep_range_deg"),
    )


#: Camera problems after which no angle or timing fault can be judged from a video.
BLOCKING_CAMERA_WARNINGS = frozenset(
    {"no_person", "not_side_view", "body_out_of_frame", "low_frame_rate"}
)


def _camera_notices(ts: TimeSeries) -> TimeSeries:
    """Carry a video's camera warnings into the notices; block judging after serious ones."""
    warnings = list(ts.info.get("warnings", []))
    if not warnings:
        return ts
    blocking = sorted({w["code"] for w in warnings} & BLOCKING_CAMERA_WARNINGS)
    notices = [*ts.info.get("notices", []), *warnings]
    if blocking:
        notices.append(
            {
                "code": "faults_not_judged",
                "message": "the camera view or frame rate cannot support a judgement of form "
                f"({', '.join(blocking)}): no fault is reported; fix the recording and try again",
            }
        )
    return ts.copy(info={**ts.info, "notices": notices, "unjudgeable": blocking})


def run_analysis(
    ts: TimeSeries,
    /,
    *,
    goal: str,
    variant: str,
    exercise: Exercise | None = None,
) -> AnalysisRun:
    """Analyse a recording already read into a series, keeping the intermediate series."""
    ex = exercise or load_exercise()
    goal, variant = ex.goal(goal).id, ex.variant(variant).id
    motion = to_motion(ts, exercise=ex, variant=variant)
    result = analyze_motion(motion, params=analysis_params(ex, variant=variant, goal=goal))
    return AnalysisRun(recording=ts, motion=motion.add_events(result.events), result=result)


def run_sets(
    ts: TimeSeries,
    /,
    *,
    goal: str,
    variant: str,
    exercise: Exercise | None = None,
) -> tuple[AnalysisRun, ...]:
    """Analyse a recording that may hold several sets: one run per set, in time order.

    Rests of the data file's ``set_rest_s`` or more between reps cut the recording into
    sets (:func:`extensor.core.analyze_sets`: the reps are cut once, one angle reference
    for the whole session, each set judged alone but its range against the session's
    best reps). Each run's ``recording`` and ``motion`` are the set's part of the series.
    A recording of one set gives the one run of :func:`run_analysis`.
    """
    ex = exercise or load_exercise()
    goal, variant = ex.goal(goal).id, ex.variant(variant).id
    motion = to_motion(ts, exercise=ex, variant=variant)
    params = analysis_params(ex, variant=variant, goal=goal)
    results = analyze_sets(motion, params=params, min_rest_s=ex.analysis_param("set_rest_s"))
    if len(results) == 1:
        return (AnalysisRun(recording=ts, motion=motion.add_events(results[0].events),
                            result=results[0]),)  # fmt: skip
    runs = []
    for result in results:
        where = result.info["set"]
        a, b = where["start_s"], where["end_s"]
        part = motion.get_ts_between_times(a, b)
        runs.append(
            AnalysisRun(
                recording=ts.get_ts_between_times(a, b),
                motion=part.add_events(result.events),
                result=result,
            )
        )
    return tuple(runs)


def analyze_recording(
    ts: TimeSeries,
    /,
    *,
    goal: str,
    variant: str,
    exercise: Exercise | None = None,
) -> SetAnalysis:
    """Analyse a recording already read into a series."""
    return run_analysis(ts, goal=goal, variant=variant, exercise=exercise).result


def analyze_file(
    path: str | Path,
    /,
    *,
    goal: str,
    variant: str,
    input_type: str | None = None,
    exercise: Exercise | None = None,
    **read_options: Any,
) -> AnalysisRun:
    """Read ``path`` with the right adapter (detected unless ``input_type``) and analyse it.

    The exercise (``exercise``, else the bundled data file) reaches the reading too: a
    video's camera checks and analysis stride use its thresholds.
    """
    ex = exercise or load_exercise()
    ts = read_recording(path, input_type=input_type, exercise=ex, **read_options)
    return run_analysis(ts, goal=goal, variant=variant, exercise=ex)


def analyze(
    source: str | Path | TimeSeries,
    /,
    *,
    goal: str,
    variant: str,
    exercise: Exercise | None = None,
    input_type: str | None = None,
    **read_options: Any,
) -> SetAnalysis:
    """Analyse one set: reps, phase times, faults and notices.

    ``source`` is a recording's path (video, keypoint file, encoder or IMU CSV; the type is
    detected from the content unless ``input_type``) or a series already read. ``goal``
    and ``variant`` name entries of the exercise data file (``exercise``, default the
    bundled one); ``read_options`` go to the input adapter (e.g. ``stride`` for a video).

    >>> import extensor
    >>> from extensor.core import RepSpec, synthetic_set
    >>> motion = synthetic_set([RepSpec()] * 3, noise_deg=0.2, seed=1).motion
    >>> extensor.analyze(motion, goal="hypertrophy", variant="45_degree_bench").metrics.rep_count
    3
    """
    if isinstance(source, TimeSeries):
        if read_options or input_type is not None:
            raise ConfigError(
                "input_type and read options apply to a path, got a TimeSeries with "
                f"{sorted([*read_options, *(['input_type'] if input_type else [])])}"
            )
        return analyze_recording(source, goal=goal, variant=variant, exercise=exercise)
    run = analyze_file(
        source, goal=goal, variant=variant, input_type=input_type, exercise=exercise,
        **read_options,
    )  # fmt: skip
    return run.result
