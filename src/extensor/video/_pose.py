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

import importlib
import math
import sys
import types
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
    "MEDIAPIPE_MIN_DETECTION_CONFIDENCE",
    "MEDIAPIPE_MIN_TRACKING_CONFIDENCE",
    "MediaPipePoseEstimator",
    "Person",
    "PoseEstimator",
]

#: The 33 BlazePose landmarks in MediaPipe's order, spelled as extensor spells them.
BLAZEPOSE_NAMES: tuple[str, ...] = POINT_NAMES[:33]

#: The full BlazePose landmark model: the only one the mediapipe 0.10.21 wheel ships, and
#: more accurate on a torso that is horizontal or upside-down than the lite model.
DEFAULT_MODEL_COMPLEXITY = 1

#: Score from which MediaPipe's person detector accepts a person. An option of the pose
#: model, not of the exercise: 0.5 is MediaPipe Pose's own documented default. (Which
#: keypoints the analysis trusts is the data file's ``analysis.min_keypoint_confidence``.)
MEDIAPIPE_MIN_DETECTION_CONFIDENCE = 0.5

#: Landmark-tracking score below which MediaPipe re-runs its person detector (MediaPipe
#: Pose's documented default); a model option like the one above.
MEDIAPIPE_MIN_TRACKING_CONFIDENCE = 0.5

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


class _LazyPyplot(types.ModuleType):
    """Stands for ``matplotlib.pyplot`` while mediapipe is imported; imports it when used.

    ``import mediapipe`` imports its drawing helpers, which import ``matplotlib.pyplot``:
    0.45 s of CPU (of 0.65 s for the whole import) that extensor never needs. The stand-in
    is removed from ``sys.modules`` right after, so any other ``import matplotlib.pyplot``
    gets the real module; mediapipe's drawing helpers reach it through here on first use.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("matplotlib.pyplot"), name)


def _import_mediapipe() -> Any:
    lazy = "mediapipe" not in sys.modules and "matplotlib.pyplot" not in sys.modules
    try:
        with warnings.catch_warnings():
            # protobuf and mediapipe's own modules warn about deprecated APIs on import.
            warnings.filterwarnings(
                "ignore", category=DeprecationWarning, module=r"(google|mediapipe)\."
            )
            warnings.filterwarnings("ignore", category=UserWarning, module=r"google\.protobuf")
            if lazy:
                sys.modules["matplotlib.pyplot"] = _LazyPyplot("matplotlib.pyplot")
            try:
                import mediapipe as mp
                from mediapipe.python.solutions import pose as mp_pose
            finally:
                if lazy and isinstance(sys.modules.get("matplotlib.pyplot"), _LazyPyplot):
                    del sys.modules["matplotlib.pyplot"]
    except ImportError:
        raise MissingExtraError.for_extra("video", "mediapipe") from None
    return mp, mp_pose


#: MediaPipe's pose graph (``mp.solutions.pose``), run with the tracking loop opened.
_POSE_GRAPH = "mediapipe/modules/pose_landmark/pose_landmark_cpu.binarypb"

#: The fields of a ``NormalizedRect`` (the tracking region) that :func:`_extrapolated_roi` moves.
_ROI_FIELDS = ("x_center", "y_center", "width", "height", "rotation")


def _open_loop_pose_graph(mp: Any) -> Any:
    """MediaPipe's pose graph with the tracking region fed from outside, or ``None``.

    In ``mp.solutions.pose`` a ``PreviousLoopbackCalculator`` hands each frame the region
    of interest computed from the previous frame's landmarks (``pose_rect_from_landmarks``);
    when there is none, the person detector runs. Here that loop is cut: the graph takes
    the region as an input stream (``prev_pose_rect_from_landmarks``) with a boolean
    stream saying whether to use it (``roi_allowed``, else detect), and the caller feeds
    back the ``pose_rect_from_landmarks`` output. Fed back unchanged this gives exactly
    MediaPipe's own tracking (checked bit for bit on the real clips); it also lets the
    caller move the region first (see ``roi_step_s``). The graph runs on one executor
    thread (MediaPipe's default is one per core). ``None`` when the graph shipped with
    this mediapipe is not shaped as expected.
    """
    from mediapipe.framework import calculator_pb2
    from mediapipe.python._framework_bindings import resource_util, validated_graph_config

    root = Path(mp.__file__).resolve().parent.parent
    resource_util.set_resource_dir(str(root))
    validated = validated_graph_config.ValidatedGraphConfig()
    validated.initialize(binary_graph_path=str(root / _POSE_GRAPH))
    config = calculator_pb2.CalculatorGraphConfig()
    config.ParseFromString(validated.binary_config)
    loops = [
        k
        for k, node in enumerate(config.node)
        if node.calculator == "PreviousLoopbackCalculator"
        and "LOOP:pose_rect_from_landmarks" in node.input_stream
    ]
    gates = [
        node
        for node in config.node
        if node.calculator == "GateCalculator"
        and list(node.input_stream) == ["prev_pose_rect_from_landmarks"]
        and list(node.input_side_packet) == ["ALLOW:use_prev_landmarks"]
    ]
    if len(loops) != 1 or len(gates) != 1 or list(config.input_stream) != ["IMAGE:image"]:
        return None  # pragma: no cover - another mediapipe version
    del config.node[loops[0]]
    # One executor thread instead of one per core: the graph's calculators run one after
    # the other for a frame anyway, and parallelism comes from the workers (two workers now
    # run two MediaPipe threads instead of four).
    from mediapipe.framework import thread_pool_executor_pb2

    del config.executor[:]
    executor = config.executor.add()
    executor.type = "ThreadPoolExecutor"
    executor.options.Extensions[
        thread_pool_executor_pb2.ThreadPoolExecutorOptions.ext
    ].num_threads = 1
    del gates[0].input_side_packet[:]
    gates[0].input_stream.append("ALLOW:roi_allowed")
    kept = [p for p in config.input_side_packet if p != "USE_PREV_LANDMARKS:use_prev_landmarks"]
    del config.input_side_packet[:]
    config.input_side_packet.extend(kept)
    config.input_stream.extend(["prev_pose_rect_from_landmarks", "roi_allowed"])
    return config


def _extrapolated_roi(rect_pb2: Any, last: Any, before: Any, share: float) -> Any:
    """``last + share * (last - before)`` field by field, the rotation taken the short way.

    >>> from types import SimpleNamespace as NS
    >>> pb2 = NS(NormalizedRect=lambda **fields: NS(**fields))
    >>> last = NS(x_center=0.5, y_center=0.4, width=0.3, height=0.5, rotation=3.1)
    >>> before = NS(x_center=0.4, y_center=0.4, width=0.3, height=0.5, rotation=-3.1)
    >>> r = _extrapolated_roi(pb2, last, before, 0.5)
    >>> round(r.x_center, 3), round(r.y_center, 3), round(r.rotation, 3)
    (0.55, 0.4, 3.058)
    """
    values: dict[str, float] = {}
    for name in _ROI_FIELDS:
        a, b = float(getattr(last, name)), float(getattr(before, name))
        step = a - b
        if name == "rotation":
            step = (step + math.pi) % (2 * math.pi) - math.pi
        values[name] = a + share * step
    if values["width"] <= 0 or values["height"] <= 0:
        return last
    return rect_pb2.NormalizedRect(**values)


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

    ``roi_step_s`` (tracking only): the frame interval of the video, for callers that skip
    frames. MediaPipe crops each frame around the region of interest computed from the
    previous frame's landmarks, and the landmarks lean towards that crop (its rotation
    above all), so they lag a moving body by about as much as the region is old: skipping
    every other frame doubles the lag. With ``roi_step_s`` the region is extrapolated
    linearly from the last two analysed frames to one frame interval before the current
    one, i.e. to where tracking at the full frame rate would have taken it from, which
    puts the landmarks back in step with a full-rate pass (see ``bench/README.md``). It
    changes nothing when no frame was skipped. ``None``: MediaPipe's own behaviour.

    The graph is MediaPipe's own with the tracking loop run from Python and a single
    executor thread (see :func:`_open_loop_pose_graph`): it outputs only the landmarks and
    the region, and frames are handed over without a copy. Same landmarks, bit for bit;
    0.1-0.4 CPU ms less per frame than ``mp.solutions.pose.Pose`` (of ~20, paired in one
    process): the model itself is the cost (``bench/README.md``).
    """

    name = "mediapipe-pose"

    def __init__(
        self,
        model_complexity: int = DEFAULT_MODEL_COMPLEXITY,
        *,
        smooth_landmarks: bool = False,
        static_image_mode: bool = False,
        min_detection_confidence: float = MEDIAPIPE_MIN_DETECTION_CONFIDENCE,
        min_tracking_confidence: float = MEDIAPIPE_MIN_TRACKING_CONFIDENCE,
        roi_step_s: float | None = None,
    ) -> None:
        super().__init__()
        if model_complexity not in _MODEL_FILES:
            raise ConfigError(f"model_complexity must be 0, 1 or 2, got {model_complexity!r}")
        if roi_step_s is not None and not (math.isfinite(roi_step_s) and roi_step_s > 0):
            raise ConfigError(
                f"roi_step_s must be a positive number of seconds, got {roi_step_s!r}"
            )
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
        self._static = static_image_mode
        #: ``roi_step_s`` as used: ``None`` in static mode (or without the open-loop graph).
        self.roi_step_s = None if static_image_mode else roi_step_s
        #: (time, region) of the last analysed frames while the person is tracked, newest last.
        self._regions: list[tuple[float, Any]] = []
        from mediapipe.framework.formats import rect_pb2

        self._rect_pb2 = rect_pb2
        # Sent with roi_allowed=False (the stream needs a packet at every timestamp).
        self._no_region = rect_pb2.NormalizedRect(x_center=0.5, y_center=0.5, width=1, height=1)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            self._pose = self._open_loop_graph(
                mp,
                model_complexity=model_complexity,
                smooth_landmarks=smooth_landmarks and not static_image_mode,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
            if self._pose is None:  # pragma: no cover - another mediapipe version
                self.roi_step_s = None
                self._pose = mp_pose.Pose(
                    static_image_mode=static_image_mode,
                    model_complexity=model_complexity,
                    smooth_landmarks=smooth_landmarks,
                    enable_segmentation=False,
                    min_detection_confidence=min_detection_confidence,
                    min_tracking_confidence=min_tracking_confidence,
                )
        #: Whether the tracking region is fed from here (always with the mediapipe 0.10 wheels).
        self.open_loop = not isinstance(self._pose, mp_pose.Pose)
        # MediaPipe enum member -> extensor name, matched by name, never by position.
        self._names = [(lm.value, lm.name.lower()) for lm in self._landmark_enum]
        unknown = [n for _, n in self._names if n not in POINT_NAMES]
        if unknown:  # pragma: no cover - guards a future mediapipe renaming its landmarks
            raise ConfigError(f"mediapipe landmark names unknown to extensor: {unknown}")

    @staticmethod
    def _open_loop_graph(mp: Any, **options: Any) -> Any:
        """A ``SolutionBase`` running :func:`_open_loop_pose_graph`, or ``None``."""
        from mediapipe.python.solution_base import PacketDataType, SolutionBase

        config = _open_loop_pose_graph(mp)
        if config is None:  # pragma: no cover - another mediapipe version
            return None
        graph = SolutionBase(
            graph_config=config,
            side_inputs={
                "model_complexity": options["model_complexity"],
                "smooth_landmarks": options["smooth_landmarks"],
                "enable_segmentation": False,
                "smooth_segmentation": False,
            },
            calculator_params={
                # The same two settings mp.solutions.pose.Pose makes.
                "posedetectioncpu__TensorsToDetectionsCalculator.min_score_thresh": options[
                    "min_detection_confidence"
                ],
                "poselandmarkbyroicpu__tensorstoposelandmarksandsegmentation__"
                "ThresholdingCalculator.threshold": options["min_tracking_confidence"],
            },
            outputs=["pose_landmarks", "pose_rect_from_landmarks"],
            stream_type_hints={
                "prev_pose_rect_from_landmarks": PacketDataType.PROTO,
                "roi_allowed": PacketDataType.BOOL,
            },
        )
        return graph

    def _region_for(self, timestamp_s: float) -> Any:
        """The tracking region to crop the frame at ``timestamp_s`` with; ``None``: detect."""
        if self._static or not self._regions:
            return None
        t_last, last = self._regions[-1]
        if self.roi_step_s is None or len(self._regions) < 2:
            return last
        t_before, before = self._regions[-2]
        spacing = t_last - t_before
        gap = timestamp_s - t_last
        # Only across a regular skip (stride): not after a jump to another span of the clip.
        if spacing <= 0 or gap > 1.5 * spacing + 1e-9:
            return last
        share = (gap - self.roi_step_s) / spacing
        if share < 0.05:  # no frame skipped
            return last
        return _extrapolated_roi(self._rect_pb2, last, before, share)

    def _estimate(self, frame_rgb: NDArray[np.uint8], timestamp_s: float) -> list[Person]:
        ts_us = round(timestamp_s * 1e6)
        if hasattr(self._pose, "_simulated_timestamp"):
            # The legacy API adds 33333 us per call; set it so MediaPipe sees the real time.
            self._pose._simulated_timestamp = (
                max(ts_us, self._pose._simulated_timestamp + 1) - 33333
            )
        # A read-only view is handed to MediaPipe by reference instead of being copied.
        frame = frame_rgb.view()
        frame.flags.writeable = False
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            if self.open_loop:
                region = self._region_for(timestamp_s)
                result = self._pose.process(
                    {
                        "image": frame,
                        "prev_pose_rect_from_landmarks": (
                            self._no_region if region is None else region
                        ),
                        "roi_allowed": region is not None,
                    }
                )
            else:  # pragma: no cover - another mediapipe version
                result = self._pose.process(frame)
        landmarks = result.pose_landmarks
        if self.open_loop:
            rect = result.pose_rect_from_landmarks
            if landmarks is None or rect is None:
                self._regions.clear()
            else:
                self._regions = [*self._regions[-1:], (timestamp_s, rect)]
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
        self._regions.clear()
        self._pose.reset()
        if hasattr(self._pose, "_simulated_timestamp"):
            # A new graph run accepts any timestamps again: start from the fresh state, so the
            # real times reach MediaPipe's time-based filters (not 1 us steps after the old run).
            self._pose._simulated_timestamp = 0

    def _close(self) -> None:
        self._pose.close()
