"""Video in, keypoints out: decoding, camera checks, tracking, pipeline, annotated video.

Part (a) runs on small synthetic clips written here with OpenCV (nobody in them); part (b)
on the real recordings in ``../shared/clips`` and is skipped when they are absent.
"""

from __future__ import annotations

import math
import re
import struct
import subprocess
import sys
import wave
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import extensor.video as video
from extensor._errors import (
    ConfigError,
    EmptyInputError,
    InputError,
    InputFormatError,
    MissingExtraError,
)
from extensor.core import TimeSeries, keypoint_series
from extensor.io import read_recording
from extensor.knowledge import Exercise, load_exercise
from extensor.video import (
    FrameSource,
    LifterTracker,
    Overlay,
    Person,
    PoseEstimator,
    VideoAdapter,
    analysis_stride,
    check_camera,
    iter_frames,
    merge_keypoints,
    probe_video,
    side_view_ratio,
    stride_for_rate,
    video_to_keypoints,
    write_annotated_video,
)
from extensor.video._decode import import_cv2, prefetched

SHARED = Path(__file__).resolve().parents[2] / "shared"
CLIPS = SHARED / "clips"
SIX_REPS = CLIPS / "hyperextension-45deg-6reps.mp4"
RENDERED = CLIPS / "rendered-hyperextension-1rep.mp4"
GIF = CLIPS / "rendered-lever-back-extension-seated.gif"


@pytest.fixture(scope="module")
def cv2() -> Any:
    return pytest.importorskip("cv2", reason="the video extra (opencv) is not installed")


def _need_mediapipe() -> None:
    pytest.importorskip("mediapipe", reason="the video extra (mediapipe) is not installed")


# -- synthetic clips ---------------------------------------------------------------------------
def write_clip(
    cv2: Any, path: Path, n: int, fps: float, size: tuple[int, int] = (160, 120)
) -> Path:
    """``n`` frames at ``fps``; frame i has a white square at x = 8 * i and grey level 20 * i."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    assert writer.isOpened()
    for i in range(n):
        frame = np.full((h, w, 3), (20 * i) % 200, dtype=np.uint8)
        x = (8 * i) % (w - 16)
        frame[4:20, x : x + 16] = 255
        writer.write(frame)
    writer.release()
    return path


def _boxes(buf: bytes | bytearray, start: int, end: int) -> dict[bytes, int]:
    found: dict[bytes, int] = {}
    i = start
    while i + 8 <= end:
        size, typ = struct.unpack(">I4s", buf[i : i + 8])
        if size < 8:
            break
        found.setdefault(typ, i)
        i += size
    return found


def _box_path(buf: bytes | bytearray, path: list[bytes]) -> list[int]:
    """Offsets of each box along ``path`` (moov/trak/...), first match at every level."""
    offsets: list[int] = []
    start, end = 0, len(buf)
    for name in path:
        at = _boxes(buf, start, end)[name]
        offsets.append(at)
        size = struct.unpack(">I", buf[at : at + 4])[0]
        start, end = at + 8, at + size
    return offsets


def set_rotation(path: Path, degrees: int) -> None:
    """Write a display rotation into the track header matrix, as phones do."""
    data = bytearray(path.read_bytes())
    tkhd = _box_path(data, [b"moov", b"trak", b"tkhd"])[-1]
    version = data[tkhd + 8]
    matrix = tkhd + 8 + 4 + (32 if version == 1 else 20) + 8 + 8
    a, b, c, d = {90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}[degrees]
    values = [a << 16, b << 16, 0, c << 16, d << 16, 0, 0, 0, 1 << 30]
    data[matrix : matrix + 36] = struct.pack(">9i", *values)
    path.write_bytes(bytes(data))


def make_variable_rate(path: Path) -> list[float]:
    """Rewrite the sample durations of a 10-frame clip: 5 long frames, then 5 short ones.

    Returns the expected timestamps. The total duration is unchanged, so the edit list
    still covers every frame.
    """
    data = bytearray(path.read_bytes())
    chain = _box_path(data, [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stts"])
    stts = chain[-1]
    _, count, samples, delta = struct.unpack(">IIII", data[stts + 8 : stts + 24])
    assert (count, samples) == (1, 10)
    assert _box_path(data, [b"moov"])[0] > _boxes(data, 0, len(data))[b"mdat"]  # offsets stay valid
    mdhd = _box_path(data, [b"moov", b"trak", b"mdia", b"mdhd"])[-1]
    timescale = struct.unpack(">I", data[mdhd + 20 : mdhd + 24])[0]
    long, short = delta * 3 // 2, delta // 2
    body = struct.pack(">IIIIII", 0, 2, 5, long, 5, short)
    data[stts : stts + 24] = struct.pack(">I4s", 8 + len(body), b"stts") + body
    for at in chain[:-1]:
        size = struct.unpack(">I", data[at : at + 4])[0]
        data[at : at + 4] = struct.pack(">I", size + 8)
    path.write_bytes(bytes(data))
    steps = [long] * 5 + [short] * 4
    return [0.0, *(np.cumsum(steps) / timescale).tolist()]


def write_wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(np.zeros(8000, dtype=np.int16).tobytes())
    return path


# -- (a) decoding -----------------------------------------------------------------------------
def test_decoded_timestamps_are_the_container_times_within_1ms(cv2: Any, tmp_path: Path) -> None:
    """A constant-rate clip: frame i is at i / fps (1 ms), and the probe describes it."""
    clip = write_clip(cv2, tmp_path / "ten.mp4", 10, 25.0)
    info = probe_video(clip)
    assert (info.width, info.height, info.frame_count, info.rotation) == (160, 120, 10, 0)
    assert info.fps == pytest.approx(25.0)
    assert info.duration == pytest.approx(0.4)
    frames = list(iter_frames(clip))
    assert [f.index for f in frames] == list(range(10))
    assert np.allclose([f.time for f in frames], np.arange(10) / 25.0, atol=1e-3)
    assert frames[0].image.shape == (120, 160, 3)


def test_variable_frame_rate_keeps_the_real_timestamps(cv2: Any, tmp_path: Path) -> None:
    """Frames of uneven duration get their own times, not index / nominal fps (1 ms)."""
    clip = write_clip(cv2, tmp_path / "vfr.mp4", 10, 30.0)
    expected = make_variable_rate(clip)
    times = [f.time for f in iter_frames(clip)]
    assert np.allclose(times, expected, atol=1e-3)
    assert not np.allclose(times, np.arange(10) / 30.0, atol=1e-3)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotation_metadata_turns_frames_upright(cv2: Any, tmp_path: Path, degrees: int) -> None:
    """A phone's rotation tag is applied: the marker (top-left when stored) moves accordingly."""
    clip = write_clip(cv2, tmp_path / "rot.mp4", 3, 30.0)
    set_rotation(clip, degrees)
    info = probe_video(clip)
    assert info.rotation == degrees
    frame = next(iter_frames(clip)).image
    expected_shape = (160, 120, 3) if degrees in (90, 270) else (120, 160, 3)
    assert (info.height, info.width, 3) == frame.shape == expected_shape
    ys, xs = np.nonzero(frame[:, :, 0] > 200)
    corner = (ys.mean() < frame.shape[0] / 2, xs.mean() < frame.shape[1] / 2)
    # stored: top-left; turned clockwise by 90 -> top-right, 180 -> bottom-right, 270 -> bottom-left
    assert corner == {90: (True, False), 180: (False, False), 270: (False, True)}[degrees]


def test_downscaling_keeps_the_aspect_and_reports_the_scale(cv2: Any, tmp_path: Path) -> None:
    """max_side bounds the longer side; Frame.scale converts back to full-size pixels."""
    clip = write_clip(cv2, tmp_path / "big.mp4", 2, 30.0, size=(640, 360))
    frame = next(iter_frames(clip, max_side=320, rgb=True))
    assert frame.image.shape == (180, 320, 3)
    assert frame.scale == pytest.approx(0.5)


def test_stride_and_spans_keep_the_indices_of_the_full_pass(cv2: Any, tmp_path: Path) -> None:
    """Frame indices and times of a strided or partial pass are those of the full pass,
    including after a seek across a long gap."""
    clip = write_clip(cv2, tmp_path / "long.mp4", 100, 10.0)
    full = {f.index: f for f in iter_frames(clip)}
    strided = list(iter_frames(clip, stride=3))
    assert [f.index for f in strided] == list(range(0, 100, 3))
    spans = list(iter_frames(clip, spans=[(0.5, 1.0), (6.0, 6.5)], prefetch=True))
    assert [f.index for f in spans] == [5, 6, 7, 8, 9, 10, 60, 61, 62, 63, 64, 65]
    assert [f.span for f in spans] == [0] * 6 + [1] * 6
    for f in spans:
        assert f.time == pytest.approx(full[f.index].time)
        assert np.array_equal(f.image, full[f.index].image)


def test_gif_frames_carry_their_own_delays(cv2: Any, tmp_path: Path) -> None:
    """An animated GIF is read with its per-frame delays (1 s, then 0.1 s steps)."""
    image_mod = pytest.importorskip("PIL.Image", reason="Pillow writes the test GIF")
    frames = [image_mod.new("RGB", (64, 48), (40 * i, 0, 0)) for i in range(4)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=[1000, 100, 100, 100])
    info = probe_video(path)
    assert info.kind == "gif"
    times = [f.time for f in iter_frames(path)]
    assert np.allclose(times, [0.0, 1.0, 1.1, 1.2], atol=1e-3)


def test_image_folder_is_read_in_natural_order_at_the_given_fps(cv2: Any, tmp_path: Path) -> None:
    """frame2 comes before frame10; times are index / fps; fps is required."""
    for n in (1, 2, 10):
        img = np.full((48, 64, 3), n * 20, dtype=np.uint8)
        cv2.imwrite(str(tmp_path / f"frame{n}.png"), img)
    (tmp_path / "notes.txt").write_text("not an image")
    frames = list(iter_frames(tmp_path, fps=10.0))
    assert [f.time for f in frames] == pytest.approx([0.0, 0.1, 0.2])
    assert [int(f.image[0, 0, 0]) for f in frames] == [20, 40, 200]
    with pytest.raises(ConfigError, match="fps"):
        probe_video(tmp_path)
    assert VideoAdapter.sniff(tmp_path)


def test_a_missing_or_empty_file_is_a_typed_error(cv2: Any, tmp_path: Path) -> None:
    """Zero bytes -> EmptyInputError; no file -> InputFormatError; both name the file."""
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInputError, match=r"empty\.mp4: the file is empty"):
        probe_video(empty)
    with pytest.raises(InputFormatError, match=r"missing\.mp4: no such file"):
        probe_video(tmp_path / "missing.mp4")


def test_a_text_file_renamed_mp4_is_an_input_format_error(cv2: Any, tmp_path: Path) -> None:
    """Not a video at all: a typed error that names the file, not an OpenCV traceback."""
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are my training notes, not a video\n" * 50)
    with pytest.raises(InputFormatError, match=r"notes\.mp4: cannot be read as a video"):
        probe_video(fake)


def test_an_audio_only_file_is_a_typed_error(cv2: Any, tmp_path: Path) -> None:
    """Sound without pictures: InputError (format or empty), naming the file."""
    audio = write_wav(tmp_path / "sound.mp4")
    with pytest.raises(InputError, match=r"sound\.mp4"):
        list(iter_frames(audio))


def test_a_truncated_clip_is_an_error_or_fewer_frames_with_a_warning(
    cv2: Any, tmp_path: Path
) -> None:
    """Half a file: either a typed error, or the frames that remain plus a 'truncated' warning."""
    clip = write_clip(cv2, tmp_path / "cut.mp4", 40, 30.0)
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) // 2])
    error: InputError | None = None
    try:
        src = FrameSource(clip)
        frames = list(src.frames())
    except InputError as err:
        error = err
    if error is not None:
        assert "cut.mp4" in str(error)
    else:
        assert len(frames) < 40
        assert any(w.code == "truncated" for w in src.warnings)


def test_one_frame_is_not_a_video_but_two_frames_decode(cv2: Any, tmp_path: Path) -> None:
    """A single frame gives EmptyInputError; a 2-frame clip gives its 2 frames."""
    one = write_clip(cv2, tmp_path / "one.mp4", 1, 30.0)
    with pytest.raises(EmptyInputError, match=r"one\.mp4: a video needs at least 2 frames, got 1"):
        list(iter_frames(one))
    two = write_clip(cv2, tmp_path / "two.mp4", 2, 30.0)
    assert [f.index for f in iter_frames(two)] == [0, 1]


@pytest.mark.video
def test_a_clip_without_anybody_is_an_empty_input_error(cv2: Any, tmp_path: Path) -> None:
    """The whole pipeline on a 2-frame clip with nobody in it: EmptyInputError naming the file."""
    _need_mediapipe()
    two = write_clip(cv2, tmp_path / "two.mp4", 2, 30.0)
    with pytest.raises(EmptyInputError, match=r"two\.mp4: no person was found in any of the 2"):
        video_to_keypoints(two)
    with pytest.raises(EmptyInputError, match=r"two\.mp4"):
        VideoAdapter().read(two)


def test_bad_options_are_config_errors(cv2: Any, tmp_path: Path) -> None:
    """stride < 1, a tiny max_side, overlapping spans or fps <= 0 are refused."""
    clip = write_clip(cv2, tmp_path / "c.mp4", 3, 30.0)
    with pytest.raises(ConfigError, match="stride"):
        list(iter_frames(clip, stride=0))
    with pytest.raises(ConfigError, match="max_side"):
        list(iter_frames(clip, max_side=4))
    with pytest.raises(ConfigError, match="spans"):
        list(iter_frames(clip, spans=[(0.0, 1.0), (0.5, 2.0)]))
    with pytest.raises(ConfigError, match="fps"):
        probe_video(clip, fps=0)


def test_prefetch_hands_over_frames_and_errors_and_stops_early() -> None:
    """The decoding thread passes frames in order, re-raises errors, and stops when closed."""
    from extensor.video import Frame

    image = np.zeros((2, 2, 3), dtype=np.uint8)
    produced: list[int] = []

    def frames(n: int, fail_at: int | None = None) -> Any:
        for i in range(n):
            if i == fail_at:
                raise InputFormatError("broken frame", source="x.mp4")
            produced.append(i)
            yield Frame(i, i / 10, image)

    assert [f.index for f in prefetched(frames(20))] == list(range(20))
    with pytest.raises(InputFormatError, match="broken frame"):
        list(prefetched(frames(20, fail_at=5)))
    produced.clear()
    gen = prefetched(frames(10_000), size=2)
    next(gen)
    gen.close()
    assert len(produced) < 100


def test_missing_opencv_names_the_video_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without cv2, the error says which extra to install."""
    monkeypatch.setitem(sys.modules, "cv2", None)
    with pytest.raises(MissingExtraError, match=r"extensor\[video\]"):
        import_cv2()


def test_importing_extensor_video_loads_neither_opencv_nor_mediapipe() -> None:
    """The heavy modules are imported lazily, inside the functions that need them."""
    code = "import sys, extensor.video; print('cv2' in sys.modules, 'mediapipe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_public_surface_is_pinned() -> None:
    """extensor.video exports exactly this list."""
    assert sorted(video.__all__) == sorted(
        [
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
    )


# -- (a) camera checks, tracking, helpers --------------------------------------------------------
def _pose_series(
    n: int = 30,
    rate: float = 30.0,
    *,
    across: float = 10.0,
    conf: float = 0.9,
    size: tuple[int, int] = (1280, 720),
    missing: int = 0,
) -> TimeSeries:
    """A still lifter: torso 200 px long; left and right sides ``across`` px apart."""
    t = np.arange(n) / rate
    base = {"shoulder": (300.0, 200.0), "hip": (500.0, 210.0), "knee": (700.0, 220.0)}
    points: dict[str, np.ndarray] = {}
    for part, (x, y) in base.items():
        for side, dx in (("left", 0.0), ("right", across)):
            arr = np.tile([x + dx, y, conf], (n, 1))
            arr[:missing] = [np.nan, np.nan, 0.0]
            points[f"{side}_{part}"] = arr
    return keypoint_series(t, points, unit="px", info={"width": size[0], "height": size[1]})


def test_a_side_view_passes_every_camera_check() -> None:
    """Overlapping left/right points, 30 Hz, all visible, 720p: no warning."""
    assert check_camera(_pose_series()) == []


def test_a_wide_body_is_not_a_side_view() -> None:
    """Left and right 160 px apart on a 200 px torso (0.8 > 0.5) -> not_side_view."""
    ts = _pose_series(across=160.0)
    assert side_view_ratio(ts)[0] == pytest.approx(0.8, abs=0.01)
    assert [w.code for w in check_camera(ts)] == ["not_side_view"]
    assert check_camera(ts, max_side_view_spread=0.9) == []


def test_few_samples_per_second_is_a_low_frame_rate() -> None:
    """4 Hz < 10 Hz -> low_frame_rate; the threshold is a parameter."""
    codes = [w.code for w in check_camera(_pose_series(12, 4.0))]
    assert codes == ["low_frame_rate"]
    assert check_camera(_pose_series(12, 4.0), min_sample_rate_hz=3.0) == []


def test_hidden_or_outside_points_mean_the_body_is_out_of_frame() -> None:
    """Low confidence, or positions outside the picture -> body_out_of_frame."""
    assert [w.code for w in check_camera(_pose_series(conf=0.2))] == ["body_out_of_frame"]
    assert [w.code for w in check_camera(_pose_series(size=(600, 720)))] == ["body_out_of_frame"]


def test_nobody_in_many_frames_and_a_tiny_picture_are_reported() -> None:
    """no_person above 20 % of frames; low_resolution below 240 px on the short side."""
    codes = [w.code for w in check_camera(_pose_series(missing=10))]
    assert codes == ["no_person"]
    tiny = _pose_series(size=(800, 200)).copy()
    assert "low_resolution" in [w.code for w in check_camera(tiny)]


def test_tracker_keeps_the_person_nearest_the_previous_pick() -> None:
    """Two people: the one closest to the last lifter is kept, and a warning counts it."""
    tracker = LifterTracker()
    lifter = Person({"left_hip": (100.0, 100.0, 0.9)}, score=0.6)
    tracker.pick([lifter])
    spotter = Person({"left_hip": (600.0, 100.0, 0.9)}, score=0.99)
    moved = Person({"left_hip": (120.0, 105.0, 0.9)}, score=0.6)
    assert tracker.pick([spotter, moved]) is moved
    assert tracker.pick([]) is None
    assert (tracker.frames, tracker.frames_without_person, tracker.frames_with_several) == (3, 1, 1)
    assert [w.code for w in tracker.warnings()] == ["no_person", "several_people"]


def test_stride_for_rate_picks_the_coarsest_stride_that_keeps_the_rate() -> None:
    """59.94 fps at 30 Hz -> 2; 30 fps at 10 Hz -> 3; never below 1."""
    assert stride_for_rate(59.94, 30.0) == 2
    assert stride_for_rate(30.0, 10.0) == 3
    assert stride_for_rate(24.0, 30.0) == 1
    assert stride_for_rate(float("nan"), 30.0) == 1


def test_merge_keypoints_joins_passes_by_frame_index() -> None:
    """A coarse pass and a fine span merge in frame order; the first argument wins ties."""

    def series(indices: list[int], x: float) -> TimeSeries:
        t = np.array(indices) / 30.0
        pts = {"left_hip": np.tile([x, 1.0, 0.9], (len(indices), 1))}
        info = {"source": "clip.mp4", "frame_index": indices, "warnings": []}
        return keypoint_series(t, pts, unit="px", info=info)

    merged = merge_keypoints(series([3, 4, 5], 2.0), series([0, 3, 6], 1.0))
    assert merged.info["frame_index"] == [0, 3, 4, 5, 6]
    assert merged.time == pytest.approx(np.array([0, 3, 4, 5, 6]) / 30.0)
    assert merged.data["left_hip"][:, 0].tolist() == [1.0, 2.0, 2.0, 2.0, 1.0]


class _FakeEstimator(PoseEstimator):
    """Finds one person whose hip follows the white square of :func:`write_clip`."""

    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.closed = False

    def _estimate(self, frame_rgb: np.ndarray, timestamp_s: float) -> list[Person]:
        self.calls += 1
        ys, xs = np.nonzero(frame_rgb[:, :, 0] > 200)
        x, y = float(xs.mean()), float(ys.mean())
        return [
            Person(
                {
                    "left_shoulder": (x, y - 10, 0.9),
                    "left_hip": (x, y, 0.9),
                    "left_knee": (x + 10, y, 0.9),
                }
            )
        ]

    def _close(self) -> None:
        self.closed = True


def test_pipeline_with_a_plug_in_estimator_scales_back_to_full_size(
    cv2: Any, tmp_path: Path
) -> None:
    """Any PoseEstimator plugs in; coordinates come back in full-size pixels; workers agree."""
    clip = write_clip(cv2, tmp_path / "c.mp4", 150, 30.0, size=(320, 240))
    est = _FakeEstimator()
    ts = video_to_keypoints(clip, estimator=est, max_side=160)
    assert est.calls == 150
    assert not est.closed  # an instance is the caller's to close
    assert ts.info["pose_backend"] == "fake"
    assert ts.info["frames_analysed"] == 150
    x = ts.data["left_hip"][:, 0]
    assert x[:5] == pytest.approx(8 * np.arange(5) + 7.5, abs=1.0)
    made: list[_FakeEstimator] = []

    def factory() -> _FakeEstimator:
        made.append(_FakeEstimator())
        return made[-1]

    seen: list[tuple[int, int]] = []
    two = video_to_keypoints(
        clip, estimator=factory, max_side=160, workers=2, progress=lambda d, t: seen.append((d, t))
    )
    assert len(made) == 2
    assert all(e.closed for e in made)
    assert two.info["frame_index"] == list(range(150))
    assert two.data["left_hip"] == pytest.approx(ts.data["left_hip"])
    assert seen[-1] == (150, 150)
    coarse = video_to_keypoints(clip, estimator=_FakeEstimator(), stride=3, times=[(0.5, 1.0)])
    assert coarse.info["frame_index"] == [15, 18, 21, 24, 27, 30]


# -- (a) annotated video ---------------------------------------------------------------------------
def _overlay_for(ts: TimeSeries) -> Overlay:
    n = len(ts)
    return Overlay(
        time=ts.time,
        angle_deg=np.linspace(-60, 10, n),
        neutral_visible=np.ones(n, dtype=bool),
        rep_index=(np.arange(n) >= n // 2).astype(int),
        phase=["lift"] * n,
        faults=[(float(ts.time[n // 2]), "past_neutral")],
        side="left",
    )


def _frame_count(cv2: Any, path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def test_annotated_video_has_every_frame_and_no_leftover(cv2: Any, tmp_path: Path) -> None:
    """The written file plays with the source's frame count; no temporary file stays behind."""
    clip = write_clip(cv2, tmp_path / "src.mp4", 30, 30.0, size=(320, 240))
    ts = video_to_keypoints(clip, estimator=_FakeEstimator(), stride=2)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    written = write_annotated_video(clip, out_dir / "annotated.mp4", ts, _overlay_for(ts))
    assert written == out_dir / "annotated.mp4"
    assert _frame_count(cv2, written) == 30
    assert [p.name for p in out_dir.iterdir()] == ["annotated.mp4"]


def test_a_failure_while_writing_leaves_no_file(
    cv2: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error on frame 10 removes the partial file: neither output nor temporary file remain."""
    import extensor.video._annotate as annotate

    clip = write_clip(cv2, tmp_path / "src.mp4", 30, 30.0, size=(320, 240))
    ts = video_to_keypoints(clip, estimator=_FakeEstimator())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    calls = {"n": 0}
    real_draw = annotate.draw_frame

    def failing_draw(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("disk full")
        real_draw(*args)

    monkeypatch.setattr(annotate, "draw_frame", failing_draw)
    with pytest.raises(RuntimeError, match="disk full"):
        write_annotated_video(clip, out_dir / "annotated.mp4", ts, _overlay_for(ts))
    assert list(out_dir.iterdir()) == []


def test_overlay_checks_its_lengths_and_flashes_faults_for_a_while() -> None:
    """Arrays of unequal length are refused; a fault shows for 0.8 s after its time."""
    with pytest.raises(InputFormatError, match="angle_deg"):
        Overlay(
            time=[0, 1], angle_deg=[0], neutral_visible=[1, 1], rep_index=[0, 0], phase=["a", "b"]
        )
    ov = Overlay(
        time=[0.0, 1.0, 2.0],
        angle_deg=[0, 1, 2],
        neutral_visible=[1, 1, 1],
        rep_index=[0, 0, 1],
        phase=["a", "b", "c"],
        faults=[(1.0, "past_neutral")],
    )
    assert ov.faults_at(0.9) == []
    assert ov.faults_at(1.79) == ["past_neutral"]
    assert ov.faults_at(1.81) == []
    assert ov.row_at(1.4) == 1
    assert ov.row_at(9.0) == 2


def test_unshipped_mediapipe_models_are_a_clear_error() -> None:
    """Lite/heavy models are not in the wheel and never downloaded: ConfigError says where."""
    _need_mediapipe()
    import mediapipe

    from extensor.video import MediaPipePoseEstimator

    lite = Path(mediapipe.__file__).parent / "modules/pose_landmark/pose_landmark_lite.tflite"
    if lite.exists():
        pytest.skip("the lite model has been copied into this mediapipe install")
    with pytest.raises(ConfigError, match=r"pose_landmark_lite\.tflite"):
        MediaPipePoseEstimator(model_complexity=0)
    with pytest.raises(ConfigError, match="0, 1 or 2"):
        MediaPipePoseEstimator(model_complexity=5)


# -- (b) the real recordings ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def six_reps() -> TimeSeries:
    _need_mediapipe()
    return video_to_keypoints(SIX_REPS)


def _visible_share(ts: TimeSeries, side: str, min_conf: float = 0.5) -> float:
    ok = np.ones(len(ts), dtype=bool)
    for part in ("shoulder", "hip", "knee"):
        ok &= ts.data[f"{side}_{part}"][:, 2] >= min_conf
    return float(ok.mean())


@pytest.mark.shared
@pytest.mark.video
def test_six_rep_clip_gives_a_full_keypoint_series(six_reps: TimeSeries) -> None:
    """1313 frames over ~21.9 s; shoulder, hip and knee of the near (left) side seen in >90 %."""
    ts = six_reps
    assert len(ts) == 1313
    assert ts.time[0] == pytest.approx(0.0, abs=1e-6)
    assert ts.duration == pytest.approx(21.9, abs=0.1)
    assert ts.sample_rate == pytest.approx(59.94, abs=0.1)
    assert _visible_share(ts, "left") > 0.9
    assert (ts.info["width"], ts.info["height"]) == (1280, 720)
    assert ts.info["pose_backend"] == "mediapipe-pose"
    codes = [w["code"] for w in ts.info["warnings"]]
    assert not {"not_side_view", "low_frame_rate"} & set(codes)
    hip_x = ts.data["left_hip"][:, 0]
    assert 0 < np.nanmin(hip_x) < np.nanmax(hip_x) < 1280


@pytest.mark.shared
@pytest.mark.video
def test_gif_from_behind_warns_about_view_and_frame_rate() -> None:
    """The rear three-quarter GIF at ~4 fps: not_side_view and low_frame_rate."""
    _need_mediapipe()
    ts = video_to_keypoints(GIF)
    codes = [w["code"] for w in ts.info["warnings"]]
    assert "low_frame_rate" in codes
    assert "not_side_view" in codes
    assert len(ts) == 12
    assert ts.duration == pytest.approx(2.9, abs=0.01)


def _trunk_angle(ts: TimeSeries, side: str) -> np.ndarray:
    shoulder, hip, knee = (ts.data[f"{side}_{p}"][:, :2] for p in ("shoulder", "hip", "knee"))
    u, v = hip - knee, shoulder - hip
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    return np.asarray(np.degrees(np.arctan2(cross, (u * v).sum(axis=1))))


@pytest.mark.shared
@pytest.mark.video
def test_annotated_real_clip_plays_with_every_frame(cv2: Any, tmp_path: Path) -> None:
    """The rendered 1-rep clip, analysed at stride 2, written back with all 179 frames."""
    _need_mediapipe()
    ts = video_to_keypoints(RENDERED, stride=2)
    angle = _trunk_angle(ts, "right")
    n = len(ts)
    overlay = Overlay(
        time=ts.time,
        angle_deg=np.nan_to_num(angle),
        neutral_visible=np.isfinite(angle),
        rep_index=(ts.time > 4.5).astype(int),
        phase=["lowering" if t < 2.5 else "bottom" if t < 3.5 else "lift" for t in ts.time],
        faults=[(3.0, "example_fault")],
        side="right",
    )
    assert len(overlay.phase) == n
    out = tmp_path / "annotated.mp4"
    write_annotated_video(RENDERED, out, ts, overlay)
    assert _frame_count(cv2, out) == 179
    assert probe_video(out).width == 960
    assert [p.name for p in tmp_path.iterdir()] == ["annotated.mp4"]


@pytest.mark.shared
@pytest.mark.video
def test_video_adapter_reads_a_real_clip_span(cv2: Any) -> None:
    """The adapter contract: a validated keypoint series naming its source; a span starts
    a fresh track mid-clip (the detector finds the real lifter there)."""
    _need_mediapipe()
    ts = VideoAdapter().read(SIX_REPS, times=[(5.0, 5.5)], stride=1)
    assert (ts.info["source"], ts.info["kind"]) == (str(SIX_REPS), "keypoints")
    assert 5.0 - 1e-9 <= ts.time[0] < ts.time[-1] <= 5.5 + 1e-9
    assert len(ts) in (29, 30, 31)
    assert math.isclose(ts.sample_rate, 59.94, rel_tol=1e-3)
    assert ts.info["frames_without_person"] == 0


@pytest.mark.shared
@pytest.mark.video
def test_video_adapter_reads_at_the_analysis_stride() -> None:
    """Without a stride the adapter analyses about 15 frames a second (at most every 2nd frame):
    stride 2 on the 59.94 fps clip, with the tracking region predicted."""
    _need_mediapipe()
    ts = VideoAdapter().read(SIX_REPS, times=[(5.0, 5.5)])
    assert ts.info["stride"] == 2
    assert math.isclose(ts.sample_rate, 59.94 / 2, rel_tol=1e-3)


# -- (c) a custom exercise file reaches the camera checks and the stride --------------------------
def _custom_exercise(tmp_path: Path, **values: float) -> Exercise:
    """The bundled exercise file with some ``[analysis.<name>]`` values changed."""
    text = (resources.files("extensor.knowledge") / "data" / "lever_back_extension.toml").read_text(
        encoding="utf-8"
    )
    for name, value in values.items():
        text, n = re.subn(
            rf"(\[analysis\.{name}\]\nvalue = )[^\n]+", rf"\g<1>{value!r}", text, count=1
        )
        assert n == 1, name
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    return load_exercise(path=path)


def test_a_custom_exercise_files_camera_threshold_reaches_the_check(
    cv2: Any, tmp_path: Path
) -> None:
    """A 320x240 clip passes the bundled 240 px resolution check; a custom file asking for
    480 px flags it, through check_camera, video_to_keypoints and read_recording alike."""
    custom = _custom_exercise(tmp_path, camera_min_short_side_px=480)
    series = _pose_series(size=(320, 240))
    assert "low_resolution" not in [w.code for w in check_camera(series)]
    assert "low_resolution" in [w.code for w in check_camera(series, exercise=custom)]
    clip = write_clip(cv2, tmp_path / "c.mp4", 40, 30.0, size=(320, 240))
    bundled = video_to_keypoints(clip, estimator=_FakeEstimator())
    assert "low_resolution" not in [w["code"] for w in bundled.info["warnings"]]
    ts = read_recording(clip, estimator=_FakeEstimator(), exercise=custom)
    assert "low_resolution" in [w["code"] for w in ts.info["warnings"]]


def test_a_custom_exercise_files_rate_reaches_the_stride(cv2: Any, tmp_path: Path) -> None:
    """The bundled file reads a 30 fps clip at stride 2 (15 Hz); one asking for 30 Hz reads
    every frame."""
    custom = _custom_exercise(tmp_path, video_analysis_rate_hz=30.0)
    assert (analysis_stride(30.0), analysis_stride(30.0, exercise=custom)) == (2, 1)
    clip = write_clip(cv2, tmp_path / "c.mp4", 40, 30.0, size=(320, 240))
    assert read_recording(clip, estimator=_FakeEstimator()).info["stride"] == 2
    assert read_recording(clip, estimator=_FakeEstimator(), exercise=custom).info["stride"] == 1
