"""Pure analysis core: the series type, kinematics, segmentation, phases and faults.

Nothing here reads files, draws, or imports cv2 or matplotlib.
"""

from extensor.core._analyze import analyze_motion, analyze_sets
from extensor.core._constants import STANDARD_GRAVITY
from extensor.core._imu import (
    DEFAULT_AHRS_GAIN,
    DEFAULT_GYROSCOPE_RANGE_DPS,
    NeutralHoldLimits,
    choose_trunk_unit,
    imu_to_motion,
)
from extensor.core._keypoints import (
    KEYPOINT_UNITS,
    POINT_NAMES,
    WORLD_PREFIX,
    has_world,
    keypoint_names,
    keypoint_series,
    point_conf,
    point_world,
    point_xy,
    world_channel,
)
from extensor.core._kinematics import (
    encoder_to_motion,
    keypoints_to_motion,
)
from extensor.core._movement import check_movement
from extensor.core._params import (
    AnalysisParams,
    ConfidenceCurve,
    MovementLimits,
    PlausibilityLimits,
    SegmentationParams,
    TempoTarget,
    VelocityLossParams,
)
from extensor.core._results import (
    FAULT_LEVELS,
    MOVEMENT_VERDICTS,
    PHASES,
    SCHEMA_VERSION,
    Fault,
    MovementCheck,
    Notice,
    Rep,
    SetAnalysis,
    SetMetrics,
    phase_spans,
    rep_events,
    rep_extremes,
)
from extensor.core._sets import SetWindow, session_reference_range, set_windows
from extensor.core._signal_quality import SignalQualityParams
from extensor.core._stream import StreamingAnalyzer
from extensor.core._synthetic import RepSpec, RepTruth, SyntheticSet, make_rep, synthetic_set
from extensor.core._timeseries import Event, FloatArray, TimeSeries, validate_time
from extensor.core._world import view_angle_deg
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
    "FAULT_LEVELS",
    "KEYPOINT_UNITS",
    "MISTAKES",
    "MOVEMENT_VERDICTS",
    "PHASES",
    "POINT_NAMES",
    "SCHEMA_VERSION",
    "STANDARD_GRAVITY",
    "WORLD_PREFIX",
    "AnalysisParams",
    "ConfidenceCurve",
    "Event",
    "Fault",
    "FloatArray",
    "Mistake",
    "MistakeCase",
    "MistakeRegistry",
    "MovementCheck",
    "MovementLimits",
    "NeutralHoldLimits",
    "Notice",
    "PlausibilityLimits",
    "Rep",
    "RepSpec",
    "RepTruth",
    "SegmentationParams",
    "SetAnalysis",
    "SetMetrics",
    "SetWindow",
    "SignalQualityParams",
    "StreamingAnalyzer",
    "SyntheticSet",
    "TempoTarget",
    "TimeSeries",
    "VelocityLossParams",
    "analyze_motion",
    "analyze_sets",
    "check_movement",
    "choose_trunk_unit",
    "encoder_to_motion",
    "format_reps",
    "has_world",
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
    "point_world",
    "point_xy",
    "rep_events",
    "rep_extremes",
    "reps_of",
    "session_reference_range",
    "set_windows",
    "synthetic_set",
    "validate_time",
    "view_angle_deg",
    "world_channel",
]
