"""Reading recordings: one adapter contract for every input, content-based detection.

>>> sorted(ADAPTERS) == sorted(a.name for a in ADAPTERS.values())
True

``read_recording(path, input_type=None, **options)`` detects the type from the content
(:func:`detect_input_type`) unless told, and returns a validated :class:`TimeSeries`.
File formats are described in ``docs/formats.md``.
"""

from extensor.io._base import CHANNEL_SPECS, Adapter, validate_recording
from extensor.io._detect import (
    ADAPTERS,
    VIDEO_SUFFIXES,
    detect_input_type,
    get_adapter,
    read_recording,
)
from extensor.io._keypoint_files import (
    Coco17Adapter,
    ExtensorCsvAdapter,
    MediaPipeCsvAdapter,
    OpenPoseAdapter,
    write_extensor_csv,
)
from extensor.io._sensor_files import EncoderAdapter, ImuAdapter

__all__ = [
    "ADAPTERS",
    "CHANNEL_SPECS",
    "VIDEO_SUFFIXES",
    "Adapter",
    "Coco17Adapter",
    "EncoderAdapter",
    "ExtensorCsvAdapter",
    "ImuAdapter",
    "MediaPipeCsvAdapter",
    "OpenPoseAdapter",
    "detect_input_type",
    "get_adapter",
    "read_recording",
    "validate_recording",
    "write_extensor_csv",
]
