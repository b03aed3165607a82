"""Pure analysis core: the series type, kinematics, segmentation, phases and faults.

Nothing here reads files, draws, or imports cv2 or matplotlib.
"""

from extensor.core._analyze import analyze_motion
from extensor.core._constants import STANDARD_GRAVITY
from extensor.core._keypoints import (
    KEYPOINT_UNITS,
    POINT_NAMES,
    keypoint_names,
    keypoint_series,
    point_conf,
    point_xy,
)
from extensor.core._kinematics import (
    DEFAULT_AHRS_GAIN,
    DEFAULT_GYROSCOPE_RANGE_DPS,
    encoder_to_motion,
    imu_to_motion,
    keypoints_to_motion,
)
from extensor.core._params import (
    AnalysisParams,
    ConfidenceCurve,
    SegmentationParams,
    TempoTarget,
    VelocityLossParams,
)
from extensor.core._results import (
    PHASES,
    SCHEMA_VERSION,
    Fault,
    Notice,
    Rep,
    SetAnalysis,
    SetMetrics,
    phase_spans,
    rep_events,
    rep_extremes,
)
from extensor.core._signal_quality import SignalQualityParams
from extensor.core._synthetic import RepSpec, RepTruth, SyntheticSet, make_rep, synthetic_set
from extensor.core._timeseries import Event, FloatArray, TimeSeries, validate_time
from extensor.core.mistakes import (
    MISTAKES,
    Mistake,
    MistakeCase,
    MistakeRegistry,
    format_reps,
    limit_text,
    measured_text,
    mistake,
    reps_of,
)

__all__ = [
    "DEFAULT_AHRS_GAIN",
    "DEFAULT_GYROSCOPE_RANGE_DPS",
    "KEYPOINT_UNITS",
    "MISTAKES",
    "PHASES",
    "POINT_NAMES",
    "SCHEMA_VERSION",
    "STANDARD_GRAVITY",
    "AnalysisParams",
    "ConfidenceCurve",
    "Event",
    "Fault",
    "FloatArray",
    "Mistake",
    "MistakeCase",
    "MistakeRegistry",
    "Notice",
    "Rep",
    "RepSpec",
    "RepTruth",
    "SegmentationParams",
    "SetAnalysis",
    "SetMetrics",
    "SignalQualityParams",
    "SyntheticSet",
    "TempoTarget",
    "TimeSeries",
    "VelocityLossParams",
    "analyze_motion",
    "encoder_to_motion",
    "format_reps",
    "imu_to_motion",
    "keypoint_names",
    "keypoint_series",
    "keypoints_to_motion",
    "limit_text",
    "make_rep",
    "measured_text",
    "mistake",
    "phase_spans",
    "point_conf",
    "point_xy",
    "rep_events",
    "rep_extremes",
    "reps_of",
    "synthetic_set",
    "validate_time",
]
