"""Reading recordings: one adapter contract for every input, content-based detection.

>>> sorted(ADAPTERS) == sorted(a.name for a in ADAPTERS.values())
True

``read_recording(path, input_type=None, **options)`` detects the type from the content
(:func:`detect_input_type`) unless told, and returns a validated :class:`TimeSeries`.
File formats are described in ``docs/formats.md``. One module per format
(``_openpose``, ``_coco17``, ``_mediapipe_csv``, ``_extensor_csv``, ``_sensor_files``), the
shared text toolkit (``_tables``), keypoint helpers and tracking (``_keypoint_tools``) and
each tool's point layout (``_layouts``).
"""

from extensor.io._base import CHANNEL_SPECS, Adapter, validate_recording
from extensor.io._coco17 import Coco17Adapter
from extensor.io._detect import (
    ADAPTERS,
    detect_input_type,
    get_adapter,
    read_recording,
    register_adapter,
)
from extensor.io._extensor_csv import ExtensorCsvAdapter, write_extensor_csv
from extensor.io._layouts import (
    COCO_17,
    MEDIAPIPE_33,
    OPENPOSE_BODY_25,
    OPENPOSE_COCO_18,
    OPENPOSE_TO_EXTENSOR,
)
from extensor.io._mediapipe_csv import MediaPipeCsvAdapter
from extensor.io._openpose import OpenPoseAdapter
from extensor.io._sensor_files import EncoderAdapter, ImuAdapter, unit_columns
from extensor.io._suffixes import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from extensor.io._tables import DEFAULT_MAX_INPUT_BYTES, parse_image_size
from extensor.io._zipread import MAX_MEMBER_BYTES, member_problem

__all__ = [
    "ADAPTERS",
    "CHANNEL_SPECS",
    "COCO_17",
    "DEFAULT_MAX_INPUT_BYTES",
    "IMAGE_SUFFIXES",
    "MAX_MEMBER_BYTES",
    "MEDIAPIPE_33",
    "OPENPOSE_BODY_25",
    "OPENPOSE_COCO_18",
    "OPENPOSE_TO_EXTENSOR",
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
    "member_problem",
    "parse_image_size",
    "read_recording",
    "register_adapter",
    "unit_columns",
    "validate_recording",
    "write_extensor_csv",
]
