"""Pure analysis core: the series type, kinematics, segmentation, phases and faults.

Nothing here reads files, draws, or imports cv2 or matplotlib.
"""

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
from extensor.core._timeseries import Event, TimeSeries, validate_time

__all__ = [
    "KEYPOINT_UNITS",
    "POINT_NAMES",
    "WORLD_PREFIX",
    "Event",
    "TimeSeries",
    "has_world",
    "keypoint_names",
    "keypoint_series",
    "point_conf",
    "point_world",
    "point_xy",
    "validate_time",
    "world_channel",
]
