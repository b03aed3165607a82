"""Pure analysis core: the series type, kinematics, segmentation, phases and faults.

Nothing here reads files, draws, or imports cv2 or matplotlib.
"""

from extensor.core._keypoints import (
    KEYPOINT_UNITS,
    POINT_NAMES,
    keypoint_names,
    keypoint_series,
    point_conf,
    point_xy,
)
from extensor.core._results import PHASES, phase_spans, rep_events, rep_extremes
from extensor.core._timeseries import Event, TimeSeries, validate_time
from extensor.core.mistakes import (
    MISTAKES,
    Mistake,
    MistakeCase,
    MistakeRegistry,
    format_reps,
    mistake,
)

__all__ = [
    "KEYPOINT_UNITS",
    "MISTAKES",
    "PHASES",
    "POINT_NAMES",
    "Event",
    "Mistake",
    "MistakeCase",
    "MistakeRegistry",
    "TimeSeries",
    "format_reps",
    "keypoint_names",
    "keypoint_series",
    "mistake",
    "phase_spans",
    "point_conf",
    "point_xy",
    "rep_events",
    "rep_extremes",
    "validate_time",
]
