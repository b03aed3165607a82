"""Video in, keypoints out: decoding, pose estimation, camera checks, annotated video.

Importing this package is cheap: OpenCV and MediaPipe are imported only when a
function needs them, and a missing one raises :class:`~extensor.MissingExtraError`
naming the ``video`` extra.

Main entry points: :func:`video_to_keypoints` (and :class:`VideoAdapter`, the same as an
input adapter), :func:`check_camera`, :func:`write_annotated_video` with an :class:`Overlay`.
"""

from extensor.video._annotate import FramePoints, Overlay, draw_frame, write_annotated_video
from extensor.video._camera import (
    check_camera,
    side_view_ratio,
)
from extensor.video._decode import (
    VIDEO_SUFFIXES,
    Frame,
    FrameSource,
    VideoInfo,
    VideoWarning,
    import_cv2,
    iter_frames,
    probe_video,
)
from extensor.video._pipeline import (
    DEFAULT_MAX_SIDE,
    VideoAdapter,
    analysis_stride,
    default_workers,
    merge_keypoints,
    stride_for_rate,
    video_to_keypoints,
)
from extensor.video._pose import MediaPipePoseEstimator, Person, PoseEstimator
from extensor.video._track import LifterTracker

__all__ = [
    "DEFAULT_MAX_SIDE",
    "VIDEO_SUFFIXES",
    "Frame",
    "FramePoints",
    "FrameSource",
    "LifterTracker",
    "MediaPipePoseEstimator",
    "Overlay",
    "Person",
    "PoseEstimator",
    "VideoAdapter",
    "VideoInfo",
    "VideoWarning",
    "analysis_stride",
    "check_camera",
    "default_workers",
    "draw_frame",
    "import_cv2",
    "iter_frames",
    "merge_keypoints",
    "probe_video",
    "side_view_ratio",
    "stride_for_rate",
    "video_to_keypoints",
    "write_annotated_video",
]
