"""Write the clip again with the skeleton, the trunk angle, the neutral line, reps, phase, faults.

The analysis fills an :class:`Overlay` (one row per analysed sample); this module only
draws it. Each video frame shows the overlay row and the keypoint sample nearest in
time (nothing when the nearest sample is further than :data:`MAX_SAMPLE_DISTANCE`
sample intervals away, e.g. in a gap where nobody was found).

The neutral line runs from the knee through the hip and on past the hip by one trunk
length: it is where the trunk stops when shoulder, hip and knee are in one line. It is
drawn only where ``neutral_visible`` is true.

The file is written to a hidden temporary file next to ``out_path`` and moved into place
only when every frame is written; on any error the temporary file is removed, so a
partial video is never left looking complete.

>>> import numpy as np
>>> ov = Overlay(time=[0.0, 0.5], angle_deg=[-60.0, 5.0], neutral_visible=[True, True],
...              rep_index=[0, 1], phase=["bottom", "top"], faults=[(0.5, "leaned back")])
>>> ov.row_at(0.4), ov.faults_at(1.0), ov.faults_at(1.5)
(1, ['leaned back'], [])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from extensor._errors import ConfigError, InputFormatError
from extensor._files import atomic_path
from extensor.core import FloatArray, TimeSeries, keypoint_names, validate_time
from extensor.knowledge import Exercise
from extensor.video._decode import FrameSource, import_cv2
from extensor.video._encode import H264Writer
from extensor.video._label import LabelRenderer
from extensor.video._limits import exercise_or_default, limit

__all__ = [
    "FAULT_FLASH_S",
    "MAX_SAMPLE_DISTANCE",
    "OUTPUT_SUFFIXES",
    "FramePoints",
    "Overlay",
    "draw_frame",
    "write_annotated_video",
]

#: How long a fault label stays on screen after the instant it was detected, in s: long
#: enough to read one word at normal playback speed.
FAULT_FLASH_S = 0.8

#: A keypoint sample is drawn on frames up to this many median sample intervals from it.
MAX_SAMPLE_DISTANCE = 1.5

#: Suffixes of the annotated video: an MP4 file (H.264) whatever the suffix.
OUTPUT_SUFFIXES = (".mp4", ".m4v", ".mov")

#: Height of the overlay's text as a share of the frame's shorter side: 0.03 is 22 px on a
#: 720p frame, two lines of it cover about a tenth of the height, and the lifter stays visible.
TEXT_HEIGHT_SHARE = 0.03

#: Smallest text drawn, in px: below about 11 px DejaVu Sans stops being legible.
TEXT_MIN_PX = 11

#: Bones drawn, by point name.
SKELETON: tuple[tuple[str, str], ...] = (
    ("left_ear", "left_shoulder"), ("right_ear", "right_shoulder"),
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"),
    ("right_ankle", "right_heel"), ("right_heel", "right_foot_index"),
)  # fmt: skip

# BGR colours
_BONE = (235, 235, 235)
_TRUNK = (0, 200, 255)
_NEUTRAL = (80, 220, 80)
_TEXT = (255, 255, 255)
_SHADOW = (0, 0, 0)
_FAULT = (30, 30, 200)


@dataclass(frozen=True)
class Overlay:
    """Per-sample values the analysis fills for the annotated video.

    ``time`` (s, increasing), ``angle_deg`` (signed trunk angle, 0 = neutral, positive
    past neutral), ``neutral_visible`` (draw the neutral line), ``rep_index`` (reps
    completed so far), ``phase`` (label), ``faults`` ((time s, label) pairs, each shown
    for :data:`FAULT_FLASH_S`), ``side`` (the side facing the camera: whose knee, hip
    and shoulder are used).
    """

    time: ArrayLike
    angle_deg: ArrayLike
    neutral_visible: ArrayLike
    rep_index: ArrayLike
    phase: Sequence[str]
    faults: Sequence[tuple[float, str]] = field(default_factory=tuple)
    side: Literal["left", "right"] = "left"

    def __post_init__(self) -> None:
        time = validate_time(self.time)
        n = time.size
        angle = np.asarray(self.angle_deg, dtype=np.float64)
        visible = np.asarray(self.neutral_visible, dtype=bool)
        reps = np.asarray(self.rep_index, dtype=np.int64)
        phase = tuple(str(p) for p in self.phase)
        for name, arr in (("angle_deg", angle), ("neutral_visible", visible), ("rep_index", reps)):
            if arr.shape != (n,):
                raise InputFormatError(f"Overlay.{name} must have shape ({n},), got {arr.shape}")
        if len(phase) != n:
            raise InputFormatError(f"Overlay.phase must hold {n} labels, got {len(phase)}")
        if self.side not in ("left", "right"):
            raise InputFormatError(f"Overlay.side must be 'left' or 'right', got {self.side!r}")
        faults = tuple(sorted((float(t), str(label)) for t, label in self.faults))
        for attr, value in (
            ("time", time),
            ("angle_deg", angle),
            ("neutral_visible", visible),
            ("rep_index", reps),
            ("phase", phase),
            ("faults", faults),
        ):
            object.__setattr__(self, attr, value)

    def row_at(self, t: float) -> int:
        """Index of the overlay sample nearest to time ``t``."""
        time: FloatArray = np.asarray(self.time)
        i = int(np.searchsorted(time, t))
        if i <= 0:
            return 0
        if i >= time.size:
            return int(time.size - 1)
        return i if time[i] - t < t - time[i - 1] else i - 1

    def faults_at(self, t: float) -> list[str]:
        """Labels of the faults flashed at time ``t`` (detected in the last :data:`FAULT_FLASH_S`)."""
        return [label for ft, label in self.faults if ft <= t < ft + FAULT_FLASH_S]


class FramePoints:
    """Keypoints looked up by time, in pixels of the displayed frame."""

    def __init__(
        self, keypoints: TimeSeries, width: int, height: int, *, min_confidence: float
    ) -> None:
        self.ts = keypoints
        self.min_confidence = min_confidence
        scale = np.ones(3)
        if any(u == "normalized" for u in keypoints.units.values()):
            scale = np.array([width, height, 1.0])
        self.data = {
            n: keypoints.data[n] * scale for n in keypoint_names(keypoints)
        }  # image points only, not the 3D ``world:`` channels
        steps = np.diff(keypoints.time)
        self.reach = MAX_SAMPLE_DISTANCE * float(np.median(steps)) if steps.size else math.inf

    def at(self, t: float) -> dict[str, tuple[int, int]] | None:
        i = self.ts.get_index_at_time(t)
        if abs(float(self.ts.time[i]) - t) > self.reach:
            return None
        found: dict[str, tuple[int, int]] = {}
        for name, values in self.data.items():
            x, y, conf = values[i]
            if conf >= self.min_confidence and math.isfinite(x) and math.isfinite(y):
                found[name] = (round(x), round(y))
        return found


def draw_frame(
    cv2: Any,
    img: NDArray[np.uint8],
    t: float,
    points: dict[str, tuple[int, int]] | None,
    overlay: Overlay,
    labels: LabelRenderer | None = None,
) -> None:
    """Skeleton, trunk, neutral line and text of time ``t`` on ``img`` (in place).

    ``labels``: a renderer to reuse across frames (its cache of rendered text), else a new one.
    """
    h, w = img.shape[:2]
    unit = max(h, w) / 1000.0
    line = max(1, round(3 * unit))
    if points:
        for a, b in SKELETON:
            if a in points and b in points:
                cv2.line(img, points[a], points[b], _BONE, line, cv2.LINE_AA)
        for xy in points.values():
            cv2.circle(img, xy, line + 1, _BONE, -1, cv2.LINE_AA)
    row = overlay.row_at(t)
    side = overlay.side
    shoulder, hip, knee = (f"{side}_{p}" for p in ("shoulder", "hip", "knee"))
    if points and hip in points and shoulder in points:
        cv2.line(img, points[hip], points[shoulder], _TRUNK, line + 2, cv2.LINE_AA)
    neutral = np.asarray(overlay.neutral_visible)
    if points and bool(neutral[row]) and hip in points and knee in points:
        hx, hy = points[hip]
        kx, ky = points[knee]
        thigh = math.hypot(hx - kx, hy - ky)
        if thigh > 0:
            if shoulder in points:
                reach = math.hypot(points[shoulder][0] - hx, points[shoulder][1] - hy)
            else:
                reach = thigh
            end = (round(hx + (hx - kx) / thigh * reach), round(hy + (hy - ky) / thigh * reach))
            cv2.line(img, (kx, ky), end, _NEUTRAL, max(1, line - 1), cv2.LINE_AA)
    _draw_text(img, t, row, overlay, labels or LabelRenderer())


def _fault_text(label: str) -> str:
    """A mistake id (``past_neutral``) as words (``Past neutral``); titles are kept as they are."""
    text = label.replace("_", " ")
    return text[:1].upper() + text[1:] if text.islower() else text


def _draw_text(
    img: NDArray[np.uint8], t: float, row: int, overlay: Overlay, labels: LabelRenderer
) -> None:
    """Angle, rep and phase in two small lines at the top left; faults in red below them."""
    h, w = img.shape[:2]
    size = max(TEXT_MIN_PX, round(TEXT_HEIGHT_SHARE * min(h, w)))
    margin = max(4, round(0.6 * size))
    gap = max(2, round(0.25 * size))
    angle = float(np.asarray(overlay.angle_deg)[row])
    lines = [
        f"trunk {angle:+.0f}\N{DEGREE SIGN}" if math.isfinite(angle) else "trunk --",
        f"rep {int(np.asarray(overlay.rep_index)[row])} \N{MIDDLE DOT} {overlay.phase[row]}",
    ]
    y = margin
    for text in lines:
        y += labels.draw(img, text, (margin, y), size, _TEXT, _SHADOW)[1] + gap
    for label in overlay.faults_at(t):
        text, fsize = _fault_text(label), size
        width = labels.size(text, fsize)[0]
        if width > w - 2 * margin:  # shrink a long title to fit the frame
            fsize = max(TEXT_MIN_PX, int(fsize * (w - 2 * margin) / width))
        y += labels.draw(img, text, (margin, y), fsize, _TEXT, _FAULT)[1] + gap


def write_annotated_video(
    src_path: str | Path,
    out_path: str | Path,
    keypoints: TimeSeries,
    overlay: Overlay,
    *,
    fps: float | None = None,
    min_confidence: float | None = None,
    exercise: Exercise | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Draw ``keypoints`` and ``overlay`` on every frame of ``src_path``; write ``out_path``.

    ``progress(done, total)`` is called after each frame written (``total`` as the
    container announces it, None when unknown).

    The output has the source's frames (rotated upright, so a portrait clip stays
    portrait) at its nominal frame rate, encoded as H.264 in MP4 (see
    :mod:`extensor.video._encode`), which browsers and phones play. Returns the path
    written. ``fps`` is for image folders. Points are drawn from ``min_confidence`` on, by
    default ``exercise``'s ``analysis.min_keypoint_confidence`` (the cut-off the analysis
    itself uses; the bundled data file when no exercise is given).
    """
    min_conf = limit(exercise_or_default(exercise), "min_keypoint_confidence", min_confidence)
    cv2 = import_cv2()
    out = Path(out_path)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ConfigError(
            f"annotated video must end in {'/'.join(OUTPUT_SUFFIXES)}, got {out.name!r}"
        )
    if not out.parent.is_dir():
        raise ConfigError(
            "the folder to write the annotated video into does not exist", source=out.parent
        )
    source = FrameSource(src_path, fps=fps)
    info = source.info
    rate = info.fps if math.isfinite(info.fps) and info.fps > 0 else 30.0
    points = FramePoints(keypoints, info.width, info.height, min_confidence=min_conf)
    labels = LabelRenderer()
    with atomic_path(out) as tmp, H264Writer(tmp, info.width, info.height, rate) as writer:
        written = 0
        for frame in source.frames():
            image = frame.image
            draw_frame(cv2, image, frame.time, points.at(frame.time), overlay, labels)
            writer.write(image)
            written += 1
            if progress is not None:
                progress(written, info.frame_count or None)
        if written == 0:
            raise InputFormatError("no frame to write", source=src_path)
    return out
