"""Each pose tool's point order, by name: the tables that map a tool's layout to extensor's
point names (:data:`~extensor.core.POINT_NAMES`), so no adapter uses a bare index.

>>> COCO_17[:3]
('nose', 'left_eye', 'right_eye')
"""

from __future__ import annotations

from extensor.core import (
    POINT_NAMES,
)

__all__ = [
    "COCO_17",
    "MEDIAPIPE_33",
    "OPENPOSE_BODY_25",
    "OPENPOSE_COCO_18",
    "OPENPOSE_TO_EXTENSOR",
]

# -- layouts: each tool's point order, by name ----------------------------------------------

#: OpenPose BODY_25 output order: ``pose_keypoints_2d`` holds 25 x [x, y, c] = 75 numbers.
OPENPOSE_BODY_25: tuple[str, ...] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist",
    "MidHip", "RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye",
    "REar", "LEar", "LBigToe", "LSmallToe", "LHeel", "RBigToe", "RSmallToe", "RHeel",
)  # fmt: skip

#: OpenPose COCO-18 output order: 18 x [x, y, c] = 54 numbers.
OPENPOSE_COCO_18: tuple[str, ...] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist",
    "RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar",
)  # fmt: skip

#: OpenPose name -> extensor name. The small toes have no extensor name and are dropped;
#: the big toe is the closest match to BlazePose's foot index.
OPENPOSE_TO_EXTENSOR: dict[str, str] = {
    "Nose": "nose", "Neck": "neck", "MidHip": "mid_hip",
    "RShoulder": "right_shoulder", "RElbow": "right_elbow", "RWrist": "right_wrist",
    "LShoulder": "left_shoulder", "LElbow": "left_elbow", "LWrist": "left_wrist",
    "RHip": "right_hip", "RKnee": "right_knee", "RAnkle": "right_ankle",
    "LHip": "left_hip", "LKnee": "left_knee", "LAnkle": "left_ankle",
    "REye": "right_eye", "LEye": "left_eye", "REar": "right_ear", "LEar": "left_ear",
    "LBigToe": "left_foot_index", "LHeel": "left_heel",
    "RBigToe": "right_foot_index", "RHeel": "right_heel",
}  # fmt: skip

#: COCO-17 order (MMPose, rtmlib, COCO results); the names are extensor's own.
COCO_17: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip

#: BlazePose's 33 landmark names, in MediaPipe's order.
MEDIAPIPE_33: tuple[str, ...] = POINT_NAMES[:33]
