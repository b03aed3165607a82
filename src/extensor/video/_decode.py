"""Frames with real timestamps from a video file, an animated GIF or a folder of images.

:class:`FrameSource` opens the input once, checks it (typed errors that name the
file, never a traceback from OpenCV) and describes it in :class:`VideoInfo`;
:meth:`FrameSource.frames` is a streaming generator: at most one decoded frame
is held at a time, whatever the length of the clip.

Timestamps are the container's presentation times (``cv2.CAP_PROP_POS_MSEC`` read
after every grab), not ``index / fps``: phone clips are often variable-frame-rate,
and a GIF's frames carry their own delays. A timestamp that is missing or not
after the previous one is repaired to ``previous + 1 / fps`` and reported as a
``timestamps_repaired`` warning. A folder of images has no times: they come from
the ``fps`` option (frames sorted by name, numbers compared as numbers).

Rotation. Portrait phone clips are stored landscape with a rotation tag. The
opencv-python 4.11 wheel does **not** apply it by default (``CAP_PROP_ORIENTATION_AUTO``
reads 0 after opening; verified on an mp4 whose track matrix says 90 degrees: the
frame comes out 320x240 unless auto-rotation is switched on). So extensor switches
OpenCV's auto-rotation off explicitly, reads ``CAP_PROP_ORIENTATION_META`` and turns
the frame itself (after downscaling, where it is cheaper), which behaves the same on
every OpenCV build. ``VideoInfo.width``/``height`` are the *displayed* (rotated) size
and keypoints are in displayed pixels.

>>> info = VideoInfo("clip.mp4", width=1280, height=720, fps=30.0, frame_count=90,
...                  duration=3.0, rotation=0, kind="video")
>>> info.scale_for(640)
0.5
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Full, Queue
from typing import Any

import numpy as np
from numpy.typing import NDArray

from extensor._errors import ConfigError, EmptyInputError, InputFormatError, MissingExtraError
from extensor.io import IMAGE_SUFFIXES, VIDEO_SUFFIXES

__all__ = [
    "IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "Frame",
    "FrameSource",
    "VideoInfo",
    "VideoWarning",
    "import_cv2",
    "iter_frames",
    "prefetched",
    "probe_video",
]

#: Below this share of the frames the container announces, a clip is reported as truncated.
#: Containers such as mp4 state the exact count, so a real clip reaches 100 %; 0.9 leaves room
#: for formats (mkv, webm) whose count is only an estimate from duration x frame rate.
TRUNCATED_SHARE = 0.9

#: Frames buffered between the decoding thread and the consumer in :func:`iter_frames`
#: with ``prefetch``: enough to hide decoder jitter, small enough that memory stays bounded.
PREFETCH_FRAMES = 8

#: Between two requested spans further apart than this (s), the decoder seeks instead of
#: reading on: a seek decodes from the previous key frame (0.2-0.4 s measured on a 720p
#: phone clip), reading on costs about 0.1 s per second of 60 fps video.
SEEK_MIN_GAP_S = 3.0

#: A seek lands this long (s) before the wanted time, then reads forward by timestamp, so
#: a variable frame rate (OpenCV seeks by frame number) cannot make it land too late.
SEEK_MARGIN_S = 1.0

#: Frame step assumed when a container states no frame rate at all (s).
DEFAULT_STEP_S = 1.0 / 30.0

Image = NDArray[np.uint8]


def import_cv2() -> Any:
    """``cv2``, or :class:`MissingExtraError` naming the ``video`` extra."""
    try:
        import cv2
    except ImportError:
        raise MissingExtraError.for_extra("video", "cv2 (opencv-contrib-python)") from None
    return cv2


@dataclass(frozen=True, slots=True)
class VideoWarning:
    """A problem that does not stop the reading but makes results less trustworthy.

    ``code`` is a stable identifier (``"not_side_view"``, ``"low_frame_rate"``, ...) for
    programs; ``message`` is one sentence for people.

    >>> str(VideoWarning("no_person", "No person was found in 40 % of the frames."))
    'No person was found in 40 % of the frames.'
    """

    code: str
    message: str

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, str]:
        """``{"code": ..., "message": ...}``, the form stored in ``TimeSeries.info["warnings"]``."""
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What a source says about itself before decoding.

    ``width``/``height``: displayed size in pixels (after rotation). ``fps``: the
    container's nominal rate (the real times may vary). ``frame_count``: as announced
    (exact for mp4 and image folders, an estimate for some containers). ``duration``
    in s. ``rotation``: degrees clockwise applied to the stored frames (0, 90, 180,
    270). ``kind``: ``"video"``, ``"gif"`` or ``"images"``.
    """

    source: str
    width: int
    height: int
    fps: float
    frame_count: int
    duration: float
    rotation: int
    kind: str

    def scale_for(self, max_side: int | None) -> float:
        """The factor (<= 1) that brings the longer side down to ``max_side`` pixels."""
        if max_side is None:
            return 1.0
        longest = max(self.width, self.height)
        return min(1.0, max_side / longest) if longest > 0 else 1.0

    def as_dict(self) -> dict[str, Any]:
        """Plain values for ``TimeSeries.info``."""
        return {
            "source": self.source,
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "frames": self.frame_count,
            "duration": self.duration,
            "rotation": self.rotation,
            "container": self.kind,
        }


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: ``index`` in decode order, ``time`` in s, ``image`` (H, W, 3) uint8.

    ``image`` is BGR (OpenCV's order) unless the source was asked for RGB; it may be
    downscaled (``scale`` = its size / the displayed size). ``span``: which of the
    requested time spans it belongs to (0 for a plain pass).
    """

    index: int
    time: float
    image: Image
    scale: float = 1.0
    span: int = 0


def _natural_key(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _normalise_rotation(value: float) -> int:
    if not math.isfinite(value):
        return 0
    return round(value / 90.0) % 4 * 90


@dataclass
class _State:
    """Mutable bookkeeping of one pass over the frames."""

    decoded: int = 0
    repaired: int = 0
    last_time: float = -math.inf
    warnings: list[VideoWarning] = field(default_factory=list)


class FrameSource:
    """A video file, GIF or image folder, opened and checked; frames on demand.

    ``fps`` is required for an image folder (it has no timestamps) and, for a video,
    replaces the container's timestamps by ``index / fps`` (use only for clips whose
    timestamps are known to be wrong). Raises :class:`InputFormatError` or
    :class:`EmptyInputError` naming the file for anything that is not a readable
    clip of at least two frames.
    """

    def __init__(self, path: str | Path, *, fps: float | None = None) -> None:
        self.path = Path(path)
        self._source = str(self.path)
        if fps is not None and not (math.isfinite(fps) and fps > 0):
            raise ConfigError(f"fps must be a positive number, got {fps!r}", source=self._source)
        self._fps_override = fps
        self._images: list[Path] = []
        #: Warnings found by the last completed pass of :meth:`frames` (and by probing).
        self.warnings: list[VideoWarning] = []
        self.info = self._probe()

    # -- probing -------------------------------------------------------------------------
    def _probe(self) -> VideoInfo:
        if not self.path.exists():
            raise InputFormatError("no such file or folder", source=self._source)
        if self.path.is_dir():
            return self._probe_folder()
        if self.path.stat().st_size == 0:
            raise EmptyInputError(
                "the file is empty (0 bytes), expected a video", source=self._source
            )
        return self._probe_video()

    def _probe_folder(self) -> VideoInfo:
        cv2 = import_cv2()
        self._images = sorted(
            (p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
            key=lambda p: _natural_key(p.name),
        )
        if len(self._images) < 2:
            raise EmptyInputError(
                f"an image folder must hold at least 2 images ({'/'.join(IMAGE_SUFFIXES)}), "
                f"got {len(self._images)}",
                source=self._source,
            )
        if self._fps_override is None:
            raise ConfigError(
                "a folder of images has no timestamps: give its frame rate (fps=..., --fps)",
                source=self._source,
            )
        first = cv2.imread(str(self._images[0]), cv2.IMREAD_COLOR)
        if first is None:
            raise InputFormatError("cannot be read as an image", source=self._images[0])
        height, width = first.shape[:2]
        n = len(self._images)
        return VideoInfo(
            self._source,
            width=int(width),
            height=int(height),
            fps=float(self._fps_override),
            frame_count=n,
            duration=(n - 1) / self._fps_override,
            rotation=0,
            kind="images",
        )

    def _open(self, threads: int | None = None) -> Any:
        cv2 = import_cv2()
        params = [] if threads is None else [cv2.CAP_PROP_N_THREADS, threads]
        cap = cv2.VideoCapture(self._source, cv2.CAP_FFMPEG, params)
        if not cap.isOpened():
            cap.release()
            cap = cv2.VideoCapture(self._source)
        if not cap.isOpened():
            cap.release()
            raise InputFormatError(
                "cannot be read as a video (not a video file, no video stream, "
                "or a truncated file missing its index)",
                source=self._source,
            )
        # Rotation is applied by extensor (see the module docstring), never twice.
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
        return cap

    def _probe_video(self) -> VideoInfo:
        cv2 = import_cv2()
        cap = self._open()
        try:
            stored_w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
            stored_h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
            fps = float(cap.get(cv2.CAP_PROP_FPS))
            count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
            rotation = _normalise_rotation(float(cap.get(cv2.CAP_PROP_ORIENTATION_META)))
            ok = cap.grab()
        finally:
            cap.release()
        if not ok or stored_w <= 0 or stored_h <= 0:
            raise EmptyInputError(
                "no video frame could be decoded (audio only, empty or damaged file)",
                source=self._source,
            )
        if self._fps_override is not None:
            fps = float(self._fps_override)
        if not (math.isfinite(fps) and fps > 0):
            fps = math.nan
        width, height = (stored_h, stored_w) if rotation in (90, 270) else (stored_w, stored_h)
        duration = count / fps if count > 0 and math.isfinite(fps) else math.nan
        kind = "gif" if self.path.suffix.lower() == ".gif" else "video"
        return VideoInfo(self._source, width, height, fps, max(count, 0), duration, rotation, kind)

    # -- frames --------------------------------------------------------------------------
    def frames(
        self,
        *,
        stride: int = 1,
        max_side: int | None = None,
        rgb: bool = False,
        start: float | None = None,
        end: float | None = None,
        spans: Sequence[tuple[float | None, float | None]] | None = None,
        threads: int | None = None,
    ) -> Iterator[Frame]:
        """Yield the frames with ``start <= time <= end`` (s), every ``stride``-th one.

        ``spans``, instead of ``start``/``end``: several (start, end) spans in time order,
        read in one pass (sequentially across short gaps, seeking across long ones);
        :attr:`Frame.span` says which span a frame belongs to. ``stride`` counts from the
        first frame of the file (frame indices stay those of the full clip, so passes with
        different strides line up). ``max_side`` downscales so the longer side is at most
        that many pixels. ``rgb`` converts from BGR. ``threads``: decoder threads (``None``:
        FFmpeg's choice, one per core; 1 when several decoders already share the cores, which
        saves the threads' hand-over: 2.2 instead of 2.7 CPU ms per 720p H.264 frame).
        Warnings (truncated file, repaired timestamps) land in :attr:`warnings` when the
        pass ends.
        """
        if stride < 1:
            raise ConfigError(
                f"stride must be a positive integer, got {stride}", source=self._source
            )
        if max_side is not None and max_side < 16:
            raise ConfigError(
                f"max_side must be at least 16 pixels, got {max_side}", source=self._source
            )
        if threads is not None and threads < 1:
            raise ConfigError(f"threads must be at least 1, got {threads}", source=self._source)
        if spans is None:
            spans = [(start, end)]
        elif start is not None or end is not None:
            raise ConfigError("give either start/end or spans, not both", source=self._source)
        spans = list(spans)
        if not spans:
            return
        for (_, a1), (b0, _) in itertools.pairwise(spans):
            if a1 is None or b0 is None or b0 < a1:
                raise ConfigError(
                    f"spans must be in time order without overlap, got {spans}", source=self._source
                )
        if self.info.kind == "images":
            yield from self._folder_frames(stride, max_side, rgb, spans)
        else:
            yield from self._video_frames(stride, max_side, rgb, spans, threads)

    def _finish_image(self, image: Image, scale: float, rgb: bool) -> Image:
        cv2 = import_cv2()
        if scale < 1.0:
            h, w = image.shape[:2]
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        rotation = self.info.rotation
        if rotation == 90:
            image = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
        elif rotation == 180:
            image = cv2.rotate(image, cv2.ROTATE_180)
        elif rotation == 270:
            image = cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
        if rgb:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return np.ascontiguousarray(image)

    def _folder_frames(
        self,
        stride: int,
        max_side: int | None,
        rgb: bool,
        spans: list[tuple[float | None, float | None]],
    ) -> Iterator[Frame]:
        cv2 = import_cv2()
        fps = self.info.fps
        scale = self.info.scale_for(max_side)
        for k, (start, end) in enumerate(spans):
            for i, image_path in enumerate(self._images):
                t = i / fps
                if i % stride or (start is not None and t < start):
                    continue
                if end is not None and t > end:
                    break
                image = cv2.imread(str(image_path), cv2.IMREAD_COLOR)
                if image is None:
                    raise InputFormatError("cannot be read as an image", source=image_path)
                if image.shape[1] != self.info.width or image.shape[0] != self.info.height:
                    raise InputFormatError(
                        f"every image of a folder must be {self.info.width}x{self.info.height}, "
                        f"got {image.shape[1]}x{image.shape[0]}",
                        source=image_path,
                    )
                yield Frame(i, t, self._finish_image(image, scale, rgb), scale, k)
        self.warnings = []

    def _video_frames(
        self,
        stride: int,
        max_side: int | None,
        rgb: bool,
        spans: list[tuple[float | None, float | None]],
        threads: int | None = None,
    ) -> Iterator[Frame]:
        cv2 = import_cv2()
        state = _State()
        scale = self.info.scale_for(max_side)
        fps = self.info.fps
        nominal_step = 1.0 / fps if math.isfinite(fps) else DEFAULT_STEP_S
        cap = self._open(threads)
        index, t = -1, -math.inf  # the last grabbed frame
        pending = False  # it was grabbed for the span before but lies in a later one
        eof = False
        try:
            for k, (start, end) in enumerate(spans):
                if (
                    start is not None
                    and math.isfinite(fps)
                    and start - max(t, 0.0) > SEEK_MIN_GAP_S
                ):
                    target = max(0, int((start - SEEK_MARGIN_S) * fps))
                    cap.set(cv2.CAP_PROP_POS_FRAMES, target)
                    if not cap.grab():
                        eof = True
                        break
                    # After a seek, OpenCV's frame counter says which frame this is.
                    index = max(0, int(cap.get(cv2.CAP_PROP_POS_FRAMES)) - 1)
                    t = self._frame_time(cap, index, state, nominal_step)
                    pending = True
                    if t > start:  # overshot (variable frame rate, poor index): from the top
                        cap.release()
                        cap = self._open(threads)
                        state = _State()
                        index, t, pending = -1, -math.inf, False
                while True:
                    if not pending:
                        if not cap.grab():
                            eof = True
                            break
                        index += 1
                        t = self._frame_time(cap, index, state, nominal_step)
                    pending = True
                    if start is not None and t < start:
                        pending = False
                        continue
                    if end is not None and t > end:
                        break  # keep it: it may open the next span
                    pending = False
                    if index % stride:
                        continue
                    ok, image = cap.retrieve()
                    if not ok or image is None:
                        eof = True
                        break
                    state.decoded += 1
                    yield Frame(index, t, self._finish_image(image, scale, rgb), scale, k)
                if eof:
                    break
        finally:
            cap.release()
        if eof:
            self._check_complete(index + 1, state, from_start=spans[0][0] is None)
        if state.repaired:
            state.warnings.append(
                VideoWarning(
                    "timestamps_repaired",
                    f"{state.repaired} frame(s) had missing or out-of-order timestamps; "
                    "they were placed one nominal frame after the previous one.",
                )
            )
        self.warnings = state.warnings

    def _frame_time(self, cap: Any, index: int, state: _State, nominal_step: float) -> float:
        cv2 = import_cv2()
        if self._fps_override is not None:
            t = index / self._fps_override
        else:
            t = float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
            if not math.isfinite(t) or t <= state.last_time:
                if index > 0:
                    state.repaired += 1
                t = state.last_time + nominal_step if math.isfinite(state.last_time) else 0.0
        state.last_time = t
        return t

    def _check_complete(self, seen: int, state: _State, *, from_start: bool) -> None:
        if from_start and seen < 2:
            raise EmptyInputError(
                f"a video needs at least 2 frames, got {seen}", source=self._source
            )
        announced = self.info.frame_count
        if announced > 0 and seen < TRUNCATED_SHARE * announced:
            state.warnings.append(
                VideoWarning(
                    "truncated",
                    f"only {seen} of the {announced} frames the file announces could be "
                    "decoded; the file is probably truncated or damaged.",
                )
            )


def probe_video(path: str | Path, *, fps: float | None = None) -> VideoInfo:
    """Open ``path`` (video, GIF or image folder), check it and describe it."""
    return FrameSource(path, fps=fps).info


def iter_frames(
    path: str | Path,
    *,
    stride: int = 1,
    max_side: int | None = None,
    rgb: bool = False,
    fps: float | None = None,
    start: float | None = None,
    end: float | None = None,
    spans: Sequence[tuple[float | None, float | None]] | None = None,
    prefetch: bool = False,
) -> Iterator[Frame]:
    """Stream the frames of ``path``; see :meth:`FrameSource.frames` for the options.

    With ``prefetch`` the decoding runs in a background thread (OpenCV releases the
    GIL while it decodes) and at most :data:`PREFETCH_FRAMES` frames wait in a queue.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     next(iter_frames(d))
    Traceback (most recent call last):
    ...
    extensor._errors.EmptyInputError: ...: an image folder must hold at least 2 images ...
    """
    src = FrameSource(path, fps=fps)
    frames = src.frames(
        stride=stride, max_side=max_side, rgb=rgb, start=start, end=end, spans=spans
    )
    if prefetch:
        frames = prefetched(frames)
    yield from frames


_DONE = object()


def prefetched(frames: Iterator[Frame], *, size: int = PREFETCH_FRAMES) -> Iterator[Frame]:
    """Run ``frames`` in a daemon thread, handing frames over through a bounded queue.

    An exception raised by the producer is re-raised in the consumer. Stopping early
    (closing the generator) stops the producer at its next frame.
    """
    queue: Queue[object] = Queue(maxsize=size)
    stop = threading.Event()

    def produce() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        queue.put(frame, timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    break
        except BaseException as err:  # noqa: BLE001 - handed to the consumer below
            queue.put(err)
            return
        finally:
            if stop.is_set() and hasattr(frames, "close"):
                frames.close()
        queue.put(_DONE)

    worker = threading.Thread(target=produce, name="extensor-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Frame)
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                queue.get(timeout=0.05)
            except Empty:
                continue
        worker.join()
