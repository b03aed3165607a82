"""Pose estimators: one small adapter per backend, keypoints named, in pixels.

A backend subclasses :class:`PoseEstimator` and writes ``_estimate(frame_rgb, timestamp_s)``
returning the people it sees as :class:`Person` objects: point name (from
:data:`extensor.core.POINT_NAMES`) -> (x, y, confidence), x and y in pixels of the
frame it was given, confidence in [0, 1]. The public :meth:`PoseEstimator.estimate`
checks the frame and that timestamps increase within a track; :meth:`reset` starts
a new track (used when the caller jumps to another part of the video); ``close()``
frees the model, and every estimator is a context manager.

Shipped: :class:`MediaPipePoseEstimator`, MediaPipe's legacy ``mp.solutions.pose``
(BlazePose GHUM 3D, single person). The mediapipe 0.10.21 wheel ships only the *full*
landmark model (``model_complexity=1``, the default); the lite (0) and heavy (2)
models are downloaded by MediaPipe on first use, which extensor never lets happen:
asking for them without the file in place raises :class:`~extensor.ConfigError` that
says where to copy it. BlazePose's 33 landmark names are extensor's names; the
confidence is the landmark's ``visibility``.

Adding a backend is one adapter of about 40 lines, for example:

* **MediaPipe Tasks** (``mediapipe.tasks.python.vision.PoseLandmarker``, multi-person,
  VIDEO running mode) with a user-supplied ``pose_landmarker_*.task`` file: check the
  path exists (else ``ConfigError("model file ... not found")``), create the landmarker
  with ``num_poses``, convert each frame with ``mp.Image(image_format=mp.ImageFormat.SRGB,
  data=frame_rgb)``, call ``detect_for_video(image, round(timestamp_s * 1000))`` and map
  each ``result.pose_landmarks[k][PoseLandmark.X]`` by name as below.
* **RTMPose** through ``rtmlib`` (ONNX Runtime) with user-supplied detector and pose
  weights: ``Body(det=..., pose=...)`` returns ``(keypoints, scores)`` per person in
  COCO-17 (or Halpe-26) order; the adapter maps them through a name table
  (``("nose", "left_eye", ..., "right_ankle")``) and passes the scores as confidence.

:mod:`extensor.video._track` then picks the lifter when a backend returns several
people, so multi-person backends need nothing more.
"""

from __future__ import annotations

import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from extensor._errors import ConfigError, InputFormatError, MissingExtraError
from extensor.core import POINT_NAMES

__all__ = [
    "BLAZEPOSE_NAMES",
    "DEFAULT_MODEL_COMPLEXITY",
    "MediaPipePoseEstimator",
    "Person",
    "PoseEstimator",
]

#: The 33 BlazePose landmarks in MediaPipe's order, spelled as extensor spells them.
BLAZEPOSE_NAMES: tuple[str, ...] = POINT_NAMES[:33]

#: The full BlazePose landmark model: the only one the mediapipe 0.10.21 wheel ships, and
#: more accurate on a torso that is horizontal or upside-down than the lite model.
DEFAULT_MODEL_COMPLEXITY = 1

_MODEL_FILES = {
    0: "pose_landmark_lite.tflite",
    1: "pose_landmark_full.tflite",
    2: "pose_landmark_heavy.tflite",
}


@dataclass(frozen=True, slots=True)
class Person:
    """One person in one frame: ``points[name] = (x_px, y_px, confidence)``; ``score`` in [0, 1]."""

    points: Mapping[str, tuple[float, float, float]]
    score: float = 1.0

    def center(self, names: tuple[str, ...] = ("left_hip", "right_hip")) -> tuple[float, float]:
        """Mean (x, y) of the named points that are present, else of all points."""
        chosen = [self.points[n] for n in names if n in self.points and self.points[n][2] > 0]
        if not chosen:
            chosen = [p for p in self.points.values() if p[2] > 0] or list(self.points.values())
        if not chosen:
            return (math.nan, math.nan)
        xs = [p[0] for p in chosen]
        ys = [p[1] for p in chosen]
        return (sum(xs) / len(xs), sum(ys) / len(ys))

    def scaled(self, factor: float) -> Person:
        """A copy with x and y divided by ``factor`` (from a downscaled frame to full size)."""
        if factor == 1.0:
            return self
        return Person(
            {n: (x / factor, y / factor, c) for n, (x, y, c) in self.points.items()}, self.score
        )


class PoseEstimator(ABC):
    """Base class of every pose backend; see the module docstring for the contract."""

    #: Short id stored in ``info["pose_backend"]``.
    name: ClassVar[str]

    def __init__(self) -> None:
        self._last_timestamp = -math.inf
        self._closed = False

    def estimate(self, frame_rgb: NDArray[np.uint8], timestamp_s: float) -> list[Person]:
        """The people in ``frame_rgb`` (H, W, 3 uint8, RGB) at ``timestamp_s`` seconds."""
        if self._closed:
            raise RuntimeError(f"{type(self).__name__} is closed")
        if frame_rgb.ndim != 3 or frame_rgb.shape[2] != 3 or frame_rgb.dtype != np.uint8:
            raise InputFormatError(
                f"a frame must be an (H, W, 3) uint8 RGB array, got {frame_rgb.shape} {frame_rgb.dtype}"
            )
        if not timestamp_s > self._last_timestamp:
            raise InputFormatError(
                f"timestamps must increase within a track, got {timestamp_s:g} s after "
                f"{self._last_timestamp:g} s (call reset() before jumping back)"
            )
        self._last_timestamp = timestamp_s
        return self._estimate(frame_rgb, timestamp_s)

    @abstractmethod
    def _estimate(self, frame_rgb: NDArray[np.uint8], timestamp_s: float) -> list[Person]:
        """Run the model; plug-ins write this."""

    def reset(self) -> None:
        """Forget the track (the next frame may be from anywhere in the video)."""
        self._last_timestamp = -math.inf
        self._reset()

    def _reset(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Backend part of :meth:`reset`."""

    def close(self) -> None:
        """Free the model; further calls to :meth:`estimate` fail."""
        if not self._closed:
            self._closed = True
            self._close()

    def _close(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Backend part of :meth:`close`."""

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _import_mediapipe() -> Any:
    try:
        with warnings.catch_warnings():
            # protobuf and mediapipe's own modules warn about deprecated APIs on import.
            warnings.filterwarnings(
                "ignore", category=DeprecationWarning, module=r"(google|mediapipe)\."
            )
            warnings.filterwarnings("ignore", category=UserWarning, module=r"google\.protobuf")
            import mediapipe as mp
            from mediapipe.python.solutions import pose as mp_pose
    except ImportError:
        raise MissingExtraError.for_extra("video", "mediapipe") from None
    return mp, mp_pose


class MediaPipePoseEstimator(PoseEstimator):
    """MediaPipe's legacy BlazePose (``mp.solutions.pose``), offline, single person.

    ``model_complexity``: 1 = full (shipped, default), 0 = lite, 2 = heavy (their model
    files must be copied next to the full one first). Tracking mode (the default,
    ``static_image_mode=False``): the person found in one frame seeds the search in the
    next, which is faster and steadier; static mode runs the person detector on every
    frame. ``smooth_landmarks``: MediaPipe's causal one-euro filter; it
    lags fast movements, so extensor leaves it off by default and lets the analysis
    filter without phase shift. Timestamps given to :meth:`estimate` are passed to
    MediaPipe (the legacy API otherwise pretends every clip is 30 fps).
    """

    name = "mediapipe-pose"

    def __init__(
        self,
        model_complexity: int = DEFAULT_MODEL_COMPLEXITY,
        *,
        smooth_landmarks: bool = False,
        static_image_mode: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        super().__init__()
        if model_complexity not in _MODEL_FILES:
            raise ConfigError(f"model_complexity must be 0, 1 or 2, got {model_complexity!r}")
        mp, mp_pose = _import_mediapipe()
        model = (
            Path(mp.__file__).parent / "modules" / "pose_landmark" / _MODEL_FILES[model_complexity]
        )
        if not model.is_file():
            raise ConfigError(
                f"model_complexity={model_complexity} needs the model file {model.name}, which the "
                f"mediapipe wheel does not ship and extensor never downloads; copy it to {model} "
                f"or use model_complexity={DEFAULT_MODEL_COMPLEXITY}",
                source=model,
            )
        self.model_complexity = model_complexity
        self._landmark_enum = mp_pose.PoseLandmark
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            self._pose = mp_pose.Pose(
                static_image_mode=static_image_mode,
                model_complexity=model_complexity,
                smooth_landmarks=smooth_landmarks,
                enable_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
        # MediaPipe enum member -> extensor name, matched by name, never by position.
        self._names = [(lm.value, lm.name.lower()) for lm in self._landmark_enum]
        unknown = [n for _, n in self._names if n not in POINT_NAMES]
        if unknown:  # pragma: no cover - guards a future mediapipe renaming its landmarks
            raise ConfigError(f"mediapipe landmark names unknown to extensor: {unknown}")

    def _estimate(self, frame_rgb: NDArray[np.uint8], timestamp_s: float) -> list[Person]:
        ts_us = round(timestamp_s * 1e6)
        if hasattr(self._pose, "_simulated_timestamp"):
            # The legacy API adds 33333 us per call; set it so MediaPipe sees the real time.
            self._pose._simulated_timestamp = (
                max(ts_us, self._pose._simulated_timestamp + 1) - 33333
            )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            result = self._pose.process(frame_rgb)
        landmarks = result.pose_landmarks
        if landmarks is None:
            return []
        height, width = frame_rgb.shape[:2]
        marks = landmarks.landmark
        points: dict[str, tuple[float, float, float]] = {}
        for idx, name in self._names:
            lm = marks[idx]
            points[name] = (float(lm.x) * width, float(lm.y) * height, float(lm.visibility))
        return [Person(points, score=1.0)]

    def _reset(self) -> None:
        self._pose.reset()

    def _close(self) -> None:
        self._pose.close()
