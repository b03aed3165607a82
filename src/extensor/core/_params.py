"""Parameters of the analysis, as plain frozen values.

The values come from the exercise data file (see :mod:`extensor.knowledge`); the core
never holds a threshold of its own. :func:`extensor.analysis_params` builds these from
the knowledge base; tests build them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from extensor._errors import KnowledgeBaseError

__all__ = ["AnalysisParams", "SegmentationParams", "TempoTarget"]


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
    goal: str = "hypertrophy"
    variant: str = "45_degree_bench"
    titles: Mapping[str, str] = field(default_factory=dict)

    def fault_param(self, mistake: str, name: str) -> float:
        """One detection parameter; a clear error names what exists."""
        try:
            return float(self.faults[mistake][name])
        except KeyError:
            known = {m: sorted(p) for m, p in self.faults.items()}
            raise KnowledgeBaseError(
                f"detection parameter {mistake}.{name} is required, got {known}"
            ) from None
