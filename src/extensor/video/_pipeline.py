"""Video in, keypoint :class:`~extensor.core.TimeSeries` out, as fast as two cores allow.

How :func:`video_to_keypoints` is fast (measured in ``bench/bench_video.py``):

* **Parallel time slices.** MediaPipe's pose graph runs on one core and releases the
  GIL, so the clip is cut into ``workers`` contiguous time slices, each with its own
  decoder (seeking to its start) and its own estimator, in threads. Two slices on two
  cores nearly double the frame rate. Each slice starts a fresh track, which costs one
  person detection.
* **Decoding ahead.** Each slice decodes in a background thread (OpenCV releases the
  GIL too) into a small bounded queue: memory stays flat however long the clip.
* **No thread pools fighting the workers.** Each decoder runs one FFmpeg thread, OpenCV's
  resize and colour conversion run on the calling thread while a pass is active (OpenCV's
  pool spins while it waits) and each MediaPipe graph runs one executor thread: up to
  ~1.5 CPU ms less per 720p frame where a core has slack (decoder measured alone), within
  the noise when two workers saturate both cores. What is left is the pose model itself:
  ~17.5 of the ~21 CPU ms a full-rate frame costs are XNNPACK's float32 kernels
  (``bench/README.md``).
* **Downscaling before pose.** MediaPipe crops and resizes to 256x256 itself; a frame
  whose longer side is ``max_side`` (default :data:`DEFAULT_MAX_SIDE`) gives the same
  landmarks and saves the colour conversion and copies of a 1080p frame.
  Coordinates are returned in pixels of the full-size (rotated) video.
* **Stride and ranges.** ``stride=k`` analyses every k-th frame (indices keep counting
  every frame, so passes line up); ``times=[(t0, t1), ...]`` analyses only those spans,
  e.g. full rate around phase boundaries found by a coarse pass. :func:`merge_keypoints`
  joins the passes into one series.

Tracking or not (``tracking=``). In tracking mode MediaPipe takes each frame's region of
interest, position and *rotation*, from the previous frame's landmarks, and the landmarks
lean towards it: on the 6-rep clip at 30 fps the trunk angle lags per-frame detection by
about 1.5 frames at full rate and 2.8 frames at stride 2. Per-frame detection
(``tracking=False``) has no lag, but costs about 1.6x the CPU per analysed frame (the
detector runs every time) and misses some bent-over poses the tracker follows.

Stride with tracking (``predict_roi``, on by default when ``stride > 1``): the region is
extrapolated from the last two analysed frames to the frame before the current one,
where full-rate tracking takes it from, so a strided pass is back in step with the
full-rate pass (bias ~0 instead of +1.3 frames at stride 2 on 30 fps; the per-frame
pose cost is halved). Measured trade-offs are in ``bench/README.md``.

>>> stride_for_rate(59.94, 30.0), stride_for_rate(30.0, 30.0), stride_for_rate(25.0, 30.0)
(2, 1, 1)
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from extensor._errors import ConfigError, EmptyInputError, InputFormatError
from extensor.core import POINT_NAMES, FloatArray, TimeSeries, keypoint_series
from extensor.io import Adapter
from extensor.knowledge import Exercise
from extensor.video._camera import (
    check_camera,
)
from extensor.video._decode import (
    IMAGE_SUFFIXES,
    VIDEO_SUFFIXES,
    Frame,
    FrameSource,
    VideoInfo,
    VideoWarning,
    import_cv2,
    prefetched,
)
from extensor.video._limits import exercise_or_default, limit
from extensor.video._pose import (
    DEFAULT_MODEL_COMPLEXITY,
    MediaPipePoseEstimator,
    Person,
    PoseEstimator,
)
from extensor.video._track import LifterTracker

__all__ = [
    "DEFAULT_MAX_SIDE",
    "MIN_SLICE_S",
    "EstimatorFactory",
    "ProgressCallback",
    "VideoAdapter",
    "default_workers",
    "merge_keypoints",
    "stride_for_rate",
    "video_to_keypoints",
]

#: Longer side of the frames handed to the pose model. MediaPipe works on a 256x256 crop
#: of the person, so 640 px keeps the torso well above that size for any usual framing
#: while a 720p or 1080p frame no longer has to be converted and copied at full size.
DEFAULT_MAX_SIDE = 640

#: Slices shorter than this (s) are not worth a second model and a seek (about 0.3 s of set-up).
MIN_SLICE_S = 2.0

#: ``progress(frames_done, frames_total)``; ``frames_total`` is an estimate until the end.
ProgressCallback = Callable[[int, int], None]

#: A zero-argument callable that builds a new estimator (one per worker).
EstimatorFactory = Callable[[], PoseEstimator]

#: How often the calling thread reports progress while the workers run, in s.
_POLL_S = 0.1

#: Gap left between two slices (s), far below any frame interval.
_CUT_S = 1e-6

#: Tolerance when picking a stride: 59.94 fps at 30 Hz is a stride of 2, not 1.
_RATE_SLACK = 0.05


def default_workers() -> int:
    """Pose workers to run: one per core this process may use, at most two.

    Each worker is one more model, decoder and queue (about 130 MB of RSS measured);
    override with ``workers=``.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def stride_for_rate(fps: float, rate_hz: float) -> int:
    """The largest stride that still analyses about ``rate_hz`` frames per second (at least 1)."""
    if not (math.isfinite(fps) and fps > 0 and rate_hz > 0):
        return 1
    return max(1, math.floor(fps / rate_hz + _RATE_SLACK))


def analysis_stride(fps: float, *, exercise: Exercise | None = None) -> int:
    """The stride the analysis reads a video with: about ``analysis.video_analysis_rate_hz``
    frames per second, at most ``analysis.video_max_stride`` (both in ``exercise``'s data
    file; the bundled one when no exercise is given).

    At stride 2 the tracking region is predicted from the last two analysed frames, which
    keeps threshold timings within one frame of the full-rate pass (``bench/README.md``);
    larger strides drift by more.

    >>> analysis_stride(29.97), analysis_stride(59.94), analysis_stride(24.0)
    (2, 2, 1)
    """
    ex = exercise_or_default(exercise)
    rate = limit(ex, "video_analysis_rate_hz")
    return min(int(limit(ex, "video_max_stride")), stride_for_rate(fps, rate))


@dataclass
class _Slice:
    """The spans (start, end in s; None = open) one worker analyses, in time order."""

    spans: list[tuple[float | None, float | None]]
    results: list[tuple[int, float, Person | None]] = field(default_factory=list)
    tracker: LifterTracker = field(default_factory=LifterTracker)
    warnings: list[VideoWarning] = field(default_factory=list)
    error: BaseException | None = None


def _clean_spans(
    times: Iterable[tuple[float, float]] | None, source: str
) -> list[tuple[float, float]]:
    if times is None:
        return []
    spans: list[tuple[float, float]] = []
    for span in times:
        t0, t1 = (float(v) for v in span)
        if not (math.isfinite(t0) and math.isfinite(t1) and t0 <= t1):
            raise ConfigError(
                f"times must be (start, end) pairs with start <= end, got {span!r}", source=source
            )
        spans.append((t0, t1))
    if not spans:
        raise ConfigError("times must hold at least one (start, end) pair, got none", source=source)
    spans.sort()
    merged = [spans[0]]
    for t0, t1 in spans[1:]:
        if t0 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], t1))
        else:
            merged.append((t0, t1))
    return merged


def _plan(info: VideoInfo, spans: list[tuple[float, float]], workers: int) -> list[_Slice]:
    """Cut the work into at most ``workers`` contiguous slices of about equal length."""
    whole = not spans
    if whole:
        if info.kind != "video" or not math.isfinite(info.duration):
            return [_Slice([(None, None)])]
        spans = [(0.0, info.duration)]
    total = sum(t1 - t0 for t0, t1 in spans)
    n = max(1, min(workers, int(total // MIN_SLICE_S)))
    if n == 1:
        return [_Slice([(None, None)] if whole else list(spans))]
    size = total / n
    slices: list[_Slice] = [_Slice([]) for _ in range(n)]
    k, room = 0, size
    for t0, t1 in spans:
        start = t0
        while k < n - 1 and t1 - start > room:
            cut = start + room
            if room > _CUT_S:  # a frame exactly on the cut belongs to the later slice only
                slices[k].spans.append((start, cut - _CUT_S))
            start, k, room = cut, k + 1, size
        slices[k].spans.append((start, t1))
        room -= t1 - start
    if whole:  # open both ends so nothing the estimate of the duration missed is lost
        first, last = slices[0].spans, slices[-1].spans
        first[0] = (None, first[0][1])
        last[-1] = (last[-1][0], None)
    return [s for s in slices if s.spans]


def _expected_frames(info: VideoInfo, slices: list[_Slice], stride: int) -> int:
    if slices == [] or (len(slices) == 1 and slices[0].spans == [(None, None)]):
        return max(1, math.ceil(info.frame_count / stride)) if info.frame_count else 0
    fps = info.fps if math.isfinite(info.fps) else 30.0
    duration = info.duration if math.isfinite(info.duration) else 0.0
    total = 0.0
    for s in slices:
        for t0, t1 in s.spans:
            a = 0.0 if t0 is None else t0
            b = duration if t1 is None else min(t1, duration) if duration else t1
            total += max(0.0, b - a) * fps / stride + 1
    return max(1, round(total))


class _SerialOpenCV:
    """Runs OpenCV's own functions on the calling thread while at least one pass is active.

    OpenCV splits a resize or colour conversion over a pool of threads that spin while
    they wait for work. Next to pose workers that already fill the cores this costs CPU for
    nothing: decoding, resizing and converting a 720p frame took 2.6-4.1 CPU ms with the
    pool and 1.7-2.7 without (same pixels). ``cv2.setNumThreads`` is process-wide, so the
    previous setting is restored when the last pass ends.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._saved = 0

    def __enter__(self) -> None:
        cv2 = import_cv2()
        with self._lock:
            if self._active == 0:
                self._saved = cv2.getNumThreads()
                cv2.setNumThreads(1)
            self._active += 1

    def __exit__(self, *exc: object) -> None:
        cv2 = import_cv2()
        with self._lock:
            self._active -= 1
            if self._active == 0:
                cv2.setNumThreads(self._saved)


_SERIAL_OPENCV = _SerialOpenCV()


class _Counter:
    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


def _run_slice(
    source: FrameSource,
    job: _Slice,
    estimator: PoseEstimator,
    *,
    stride: int,
    max_side: int | None,
    prefetch: bool,
    done: _Counter,
    stop: threading.Event,
    decoder_threads: int | None = None,
) -> None:
    try:
        # One pass over the slice's spans; the track is kept across the gaps between them
        # (a restart costs about 0.1 s; MediaPipe re-detects by itself when the track is lost).
        frames: Iterator[Frame] = source.frames(
            stride=stride, max_side=max_side, rgb=True, spans=job.spans, threads=decoder_threads
        )
        if prefetch:
            frames = prefetched(frames)
        for frame in frames:
            if stop.is_set():
                return
            person = job.tracker.pick(estimator.estimate(frame.image, frame.time))
            if person is not None:
                person = person.scaled(frame.scale)
            job.results.append((frame.index, frame.time, person))
            done.add()
        job.warnings += source.warnings
    except BaseException as err:  # noqa: BLE001 - handed to the calling thread
        job.error = err
        stop.set()


def _backfill(
    source: FrameSource,
    slices: list[_Slice],
    estimators: list[PoseEstimator],
    *,
    stride: int,
    max_side: int | None,
) -> None:
    """Re-analyse the leading frames of a slice where nobody was found with the track of the
    slice before it.

    A slice starts with MediaPipe's person *detector*, which misses some bent-over poses
    that its *tracker* follows (the rendered clip near the bottom of the rep); the worker of
    the previous slice ends on exactly the frame before, with a live track.
    """
    for k in range(1, len(slices)):
        before, job = slices[k - 1], slices[k]
        if not before.results or before.results[-1][2] is None or not job.results:
            continue
        lead = 0
        while lead < len(job.results) and job.results[lead][2] is None:
            lead += 1
        if lead == 0:
            continue
        span = (job.results[0][1], job.results[lead - 1][1])
        redo: list[tuple[int, float, Person | None]] = []
        tracker = LifterTracker()
        frames = source.frames(stride=stride, max_side=max_side, rgb=True, spans=[span], threads=1)
        for frame in frames:
            person = tracker.pick(estimators[k - 1].estimate(frame.image, frame.time))
            redo.append(
                (frame.index, frame.time, None if person is None else person.scaled(frame.scale))
            )
        if [r[0] for r in redo] == [r[0] for r in job.results[:lead]]:
            job.results[:lead] = redo
            job.tracker.frames_without_person -= lead - tracker.frames_without_person


def _build_series(
    results: list[tuple[int, float, Person | None]], info: dict[str, Any], source: str
) -> tuple[TimeSeries, int]:
    results.sort(key=lambda r: r[0])
    kept: list[tuple[int, float, Person | None]] = []
    for row in results:
        if kept and (row[0] == kept[-1][0] or row[1] <= kept[-1][1]):
            continue
        kept.append(row)
    if not kept:
        raise EmptyInputError("no frame could be analysed in the requested span", source=source)
    seen = {name for _, _, p in kept if p is not None for name in p.points}
    names = [n for n in POINT_NAMES if n in seen]
    found = sum(p is not None for _, _, p in kept)
    if not names:
        raise EmptyInputError(
            f"no person was found in any of the {len(kept)} frames analysed; film the whole "
            "lifter from the side in good light",
            source=source,
        )
    n = len(kept)
    points = {name: np.full((n, 3), np.nan) for name in names}
    for i, (_, _, person) in enumerate(kept):
        if person is None:
            continue
        for name, xyc in person.points.items():
            points[name][i] = xyc
    time = [t for _, t, _ in kept]
    info = {**info, "frame_index": [i for i, _, _ in kept]}
    return keypoint_series(time, points, unit="px", info=info), n - found


def video_to_keypoints(
    path: str | Path,
    *,
    estimator: PoseEstimator | EstimatorFactory | None = None,
    stride: int = 1,
    max_side: int | None = DEFAULT_MAX_SIDE,
    progress: ProgressCallback | None = None,
    fps: float | None = None,
    times: Sequence[tuple[float, float]] | None = None,
    workers: int | None = None,
    prefetch: bool = True,
    model_complexity: int = DEFAULT_MODEL_COMPLEXITY,
    tracking: bool = True,
    max_side_view_spread: float | None = None,
    min_sample_rate_hz: float | None = None,
    predict_roi: bool | None = None,
    exercise: Exercise | None = None,
) -> TimeSeries:
    """Keypoints of the lifter in a video file, GIF or image folder, in pixels.

    ``estimator``: an instance (used as is, one worker, not closed), a factory (called
    once per worker, closed after) or ``None`` for :class:`MediaPipePoseEstimator` with
    ``model_complexity`` and ``tracking`` (``False``: detect the person in every frame,
    which avoids the lag of MediaPipe's tracking, see the module docstring). ``stride``: analyse every ``stride``-th frame. ``max_side``:
    downscale frames for the model (``None``: full size). ``progress(done, total)`` is
    called from the calling thread. ``fps``: frame rate of an image folder (or to
    override broken timestamps). ``times``: only these (start, end) spans in s, inclusive.
    ``workers``: parallel slices, default :func:`default_workers`. ``prefetch``: decode
    in a background thread. The two thresholds go to :func:`check_camera`. ``predict_roi``
    (MediaPipe tracking with a stride): extrapolate the tracking region over the skipped
    frames (``roi_step_s`` of :class:`MediaPipePoseEstimator`), which removes the lag a
    stride otherwise adds; ``None`` = on whenever ``stride > 1``. ``exercise``: the loaded
    exercise whose thresholds the camera checks and the pose confidence use (the bundled
    data file when None).

    The series has ``info``: ``source``, ``width``, ``height``, ``fps``, ``frames``,
    ``duration``, ``rotation``, ``container``, ``stride``, ``max_side``, ``pose_backend``,
    ``roi_prediction`` (bool), ``frames_without_person``, ``frame_index`` (the video frame
    of every sample) and ``warnings`` (``[{"code", "message"}]``). Raises
    :class:`EmptyInputError` when nobody is found at all.
    """
    ex = exercise_or_default(exercise)
    src = FrameSource(path, fps=fps)
    source = str(path)
    if stride < 1:
        raise ConfigError(f"stride must be a positive integer, got {stride}", source=source)
    spans = _clean_spans(times, source)
    own = not isinstance(estimator, PoseEstimator)
    if workers is None:
        workers = default_workers() if own else 1
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}", source=source)
    if not own:
        workers = 1
    slices = _plan(src.info, spans, workers)
    if predict_roi is None:
        predict_roi = stride > 1
    fps_known = math.isfinite(src.info.fps) and src.info.fps > 0
    roi_step_s = 1.0 / src.info.fps if predict_roi and tracking and fps_known else None

    def make() -> PoseEstimator:
        if isinstance(estimator, PoseEstimator):
            return estimator
        if estimator is None:
            return MediaPipePoseEstimator(
                model_complexity, static_image_mode=not tracking, roi_step_s=roi_step_s
            )
        return estimator()

    estimators: list[PoseEstimator] = []
    done, stop = _Counter(), threading.Event()
    total = _expected_frames(src.info, slices, stride)
    with _SERIAL_OPENCV:
        try:
            for _ in slices:
                estimators.append(make())
            threads = [
                threading.Thread(
                    target=_run_slice,
                    args=(src, job, est),
                    kwargs={
                        "stride": stride,
                        "max_side": max_side,
                        "prefetch": prefetch,
                        "done": done,
                        "stop": stop,
                        # Decoding runs beside the pose model (prefetch) or beside another
                        # worker: FFmpeg's own threads would only add hand-overs (0.2-0.5 CPU
                        # ms per 720p frame measured).
                        "decoder_threads": 1 if prefetch or len(slices) > 1 else None,
                    },
                    name=f"extensor-pose-{k}",
                    daemon=True,
                )
                for k, (job, est) in enumerate(zip(slices, estimators, strict=True))
            ]
            for th in threads:
                th.start()
            reported = -1
            try:
                for th in threads:
                    while th.is_alive():
                        th.join(_POLL_S)
                        if progress is not None and done.value != reported:
                            reported = done.value
                            progress(reported, max(total, reported))
            finally:
                if any(th.is_alive() for th in threads):
                    stop.set()
                for th in threads:
                    th.join()
            for job in slices:
                if job.error is not None:
                    raise job.error
            _backfill(src, slices, estimators, stride=stride, max_side=max_side)
        finally:
            if own:
                for est in estimators:
                    est.close()
    tracker = LifterTracker()
    results: list[tuple[int, float, Person | None]] = []
    decode_warnings: list[VideoWarning] = []
    for job in slices:
        tracker.merge(job.tracker)
        results += job.results
        decode_warnings += job.warnings
    info: dict[str, Any] = {
        **src.info.as_dict(),
        "source": source,
        "stride": stride,
        "max_side": max_side,
        "pose_backend": estimators[0].name if estimators else "none",
        "roi_prediction": stride > 1
        and any(
            isinstance(est, MediaPipePoseEstimator) and est.roi_step_s is not None
            for est in estimators
        ),
        "frames_analysed": 0,
    }
    if spans:
        info["times"] = [list(s) for s in spans]
    ts, missing = _build_series(results, info, source)
    if progress is not None:
        progress(len(ts), len(ts))
    found = [
        *decode_warnings,
        *check_camera(
            ts,
            max_side_view_spread=max_side_view_spread,
            min_sample_rate_hz=min_sample_rate_hz,
            exercise=ex,
        ),
        *tracker.warnings(exercise=ex),
    ]
    unique: list[VideoWarning] = []
    for warning in found:
        if all(w.code != warning.code for w in unique):
            unique.append(warning)
    info = {
        **ts.info,
        "frames_analysed": len(ts),
        "frames_without_person": missing,
        "warnings": [w.as_dict() for w in unique],
    }
    return ts.copy(info=info)


def merge_keypoints(first: TimeSeries, /, *others: TimeSeries) -> TimeSeries:
    """One series from passes over the same video (e.g. a coarse pass and full-rate spans).

    Samples are joined in frame order (``info["frame_index"]``, which every series from
    :func:`video_to_keypoints` carries); where two passes analysed the same frame the
    earlier argument wins. Info comes from ``first``, warnings from all, without repeats.
    """
    merged: dict[int, tuple[float, dict[str, FloatArray]]] = {}
    names: list[str] = []
    warnings: list[dict[str, str]] = []
    for ts in (first, *others):
        source = ts.info.get("source")
        if ts.info.get("kind") != "keypoints" or "frame_index" not in ts.info:
            raise InputFormatError(
                "merge_keypoints needs keypoint series from video_to_keypoints "
                "(info['frame_index'] missing)",
                source=source,
            )
        if source != first.info.get("source"):
            raise InputFormatError(
                f"cannot merge keypoints of {source!r} into those of {first.info.get('source')!r}"
            )
        for k, (i, t) in enumerate(zip(ts.info["frame_index"], ts.time.tolist(), strict=True)):
            if int(i) not in merged:
                merged[int(i)] = (t, {n: v[k] for n, v in ts.data.items()})
        names += [n for n in ts.data if n not in names]
        warnings += [w for w in ts.info.get("warnings", []) if w not in warnings]
    keys = sorted(merged)
    blank = np.array([np.nan, np.nan, 0.0])
    points = {n: np.array([merged[i][1].get(n, blank) for i in keys]) for n in names}
    info = {**first.info, "frame_index": keys, "warnings": warnings, "frames_analysed": len(keys)}
    unit = next(iter(first.units.values()), "px")
    return keypoint_series([merged[i][0] for i in keys], points, unit=unit, info=info)


class VideoAdapter(Adapter):
    """Keypoints from a video file, an animated GIF or a folder of images.

    Options are those of :func:`video_to_keypoints` (``stride``, ``fps``, ``times``, ...).
    """

    name: ClassVar[str] = "video"
    kind: ClassVar[str] = "keypoints"
    suffixes: ClassVar[tuple[str, ...]] = VIDEO_SUFFIXES
    uses_exercise: ClassVar[bool] = True

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        if options.get("stride") is None:
            fps = FrameSource(path, fps=options.get("fps")).info.fps
            options["stride"] = analysis_stride(fps, exercise=options.get("exercise"))
        return video_to_keypoints(path, **options)

    @classmethod
    def sniff(cls, path: Path) -> bool:
        """A video suffix, or a folder holding images."""
        if path.is_dir():
            return any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.iterdir())
        return path.suffix.lower() in cls.suffixes
