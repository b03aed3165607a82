"""Parameters of the analysis, as plain frozen values.

The values come from the exercise data file (see :mod:`extensor.knowledge`); the core
never holds a threshold of its own. :func:`extensor.analysis_params` builds these from
the knowledge base; tests build them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from extensor._errors import KnowledgeBaseError
from extensor.core._signal_quality import SignalQualityParams

__all__ = [
    "AnalysisParams",
    "ConfidenceCurve",
    "MovementLimits",
    "PlausibilityLimits",
    "SegmentationParams",
    "TempoTarget",
    "VelocityLossParams",
]


@dataclass(frozen=True, slots=True)
class SegmentationParams:
    """How reps and phases are cut out of the motion signal (units in the names)."""

    smoothing_window_s: float
    velocity_window_s: float
    despike_window_s: float
    despike_threshold_deg: float
    min_rep_range_deg: float
    min_rep_duration_s: float
    min_cut_rep_fraction: float
    max_bridged_gap_s: float
    hold_band_fraction: float
    motion_speed_dps: float
    drift_speed_dps: float
    min_rest_s: float
    rest_zone_fraction: float
    min_sample_rate_hz: float
    max_unusable_share: float


@dataclass(frozen=True, slots=True)
class TempoTarget:
    """The goal's target seconds per phase, and whether it asks for a top pause."""

    lift_s: float
    top_s: float
    lower_s: float
    bottom_s: float
    requires_top_pause: bool

    @property
    def rep_s(self) -> float:
        return self.lift_s + self.top_s + self.lower_s + self.bottom_s


@dataclass(frozen=True, slots=True)
class ConfidenceCurve:
    """How a fault's confidence grows with its margin past the threshold.

    ``at_threshold`` (fraction) is the confidence of a value right at the threshold; it
    approaches 1 as ``1 - exp(-growth_per_scale * margin / scale)``.
    """

    at_threshold: float
    growth_per_scale: float


@dataclass(frozen=True, slots=True)
class VelocityLossParams:
    """Velocity loss: mean peak lift speed of the last ``reps`` against the first ``reps``,
    given when the set has at least ``min_reps`` complete reps."""

    reps: int
    min_reps: int


@dataclass(frozen=True, slots=True)
class PlausibilityLimits:
    """What a human trunk can do in one rep; beyond these the tracking is to blame."""

    max_range_deg: float
    max_flexion_deg: float
    max_past_neutral_deg: float
    max_speed_dps: float
    min_tracked_share: float
    min_keypoint_confidence: float


@dataclass(frozen=True, slots=True)
class MovementLimits:
    """What must stay still in a back extension (see :mod:`extensor.core._movement`)."""

    max_hip_travel_trunks: float
    max_pivot_ratio: float
    max_thigh_rotation_share: float
    min_failed_checks: int
    min_trunk_rotation_deg: float


@dataclass(frozen=True, slots=True)
class AnalysisParams:
    """Everything one analysis needs besides the signal."""

    segmentation: SegmentationParams
    tempo: TempoTarget
    #: mistake id -> parameter name -> value, for the mistakes that have detectors
    faults: Mapping[str, Mapping[str, float]]
    #: mistake id -> sources it is observable from ("video", "imu", "encoder")
    observable_from: Mapping[str, tuple[str, ...]]
    #: deepest usual start of a rep for the variant, degrees below neutral
    max_start_deviation_deg: float
    confidence: ConfidenceCurve
    velocity_loss: VelocityLossParams
    #: per-rep plausibility limits
    plausibility: PlausibilityLimits
    #: faults with a lower confidence are reported as "possible", never cued as certain
    min_cue_confidence: float
    goal: str = "hypertrophy"
    variant: str = "45_degree_bench"
    titles: Mapping[str, str] = field(default_factory=dict)
    #: the noise / impossible-signal check (:mod:`extensor.core._signal_quality`); None: off
    signal_quality: SignalQualityParams | None = None
    #: the range (deg) this set's reps are judged against when it is one set of a session
    #: (:mod:`extensor.core._sets`); None: the set's own reference range
    session_reference_range_deg: float | None = None

    def fault_param(self, mistake: str, name: str) -> float:
        """One detection parameter; a clear error names what exists."""
        try:
            return float(self.faults[mistake][name])
        except KeyError:
            known = {m: sorted(p) for m, p in self.faults.items()}
            raise KnowledgeBaseError(
                f"detection parameter {mistake}.{name} is required, got {known}"
            ) from None
