"""The annotated video plays in a real browser: headless Chromium plays it to its end.

Skipped when Chromium (``/usr/bin/chromium``), ``playwright``, OpenCV or PyAV is missing;
Playwright's own browser download is never used. The clip is generated here (no shared
recordings needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from _browser import chromium_page, requires_chromium
from extensor.core import keypoint_series
from extensor.video import Overlay, probe_video, write_annotated_video
from extensor.video._encode import H264_ENCODERS, H264Writer

cv2 = pytest.importorskip("cv2", reason="the video extra (opencv) is not installed")
pytest.importorskip("av", reason="the video extra (PyAV) is not installed")
pytest.importorskip("playwright.sync_api", reason="needs playwright (the dev extra)")

pytestmark = [pytest.mark.video, requires_chromium]
#: Milliseconds the page may take to play the 2 s clip through.
PLAY_TIMEOUT_MS = 30_000

FPS, SECONDS = 30.0, 2.0


def _source_clip(path: Path, size: tuple[int, int]) -> Path:
    """A moving square on grey, ``SECONDS`` long (mp4v: the kind the old writer produced)."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (w, h))
    for i in range(round(FPS * SECONDS)):
        frame = np.full((h, w, 3), 90, dtype=np.uint8)
        x = (6 * i) % (w - 40)
        frame[h // 2 : h // 2 + 40, x : x + 40] = (40, 200, 240)
        writer.write(frame)
    writer.release()
    return path


def _annotated(tmp_path: Path, size: tuple[int, int]) -> Path:
    clip = _source_clip(tmp_path / "source.mp4", size)
    w, h = size
    n = round(FPS * SECONDS / 2)
    time = np.arange(n) * 2 / FPS
    pts = {
        "left_shoulder": (0.5 * w, 0.3 * h),
        "left_hip": (0.5 * w, 0.6 * h),
        "left_knee": (0.3 * w, 0.7 * h),
    }
    points = {name: np.tile([x, y, 0.9], (n, 1)) for name, (x, y) in pts.items()}
    ts = keypoint_series(time, points, unit="px")
    overlay = Overlay(
        time=time,
        angle_deg=np.linspace(-40, 12, n),
        neutral_visible=np.ones(n, dtype=bool),
        rep_index=(np.arange(n) >= n // 2).astype(int),
        phase=["lift"] * n,
        faults=[(1.0, "past_neutral")],
    )
    return write_annotated_video(clip, tmp_path / "annotated.mp4", ts, overlay)


def _play(page: Any, video: Path) -> dict[str, Any]:
    html = video.with_name("play.html")
    html.write_text(f'<video id="v" muted playsinline src="{video.name}"></video>')
    page.goto(html.as_uri())
    result: dict[str, Any] = page.evaluate(
        """() => new Promise((resolve) => {
            const v = document.getElementById("v");
            const done = (how) => resolve({how, error: v.error && v.error.code,
                width: v.videoWidth, height: v.videoHeight, duration: v.duration,
                currentTime: v.currentTime});
            v.addEventListener("ended", () => done("ended"));
            v.addEventListener("error", () => done("error"));
            v.play().catch((e) => resolve({how: "play() failed: " + e.message}));
        })"""
    )
    return result


@pytest.fixture(scope="module")
def page() -> Any:
    with chromium_page(extra_args=("--autoplay-policy=no-user-gesture-required",)) as tab:
        tab.set_default_timeout(PLAY_TIMEOUT_MS)
        yield tab


def test_annotated_video_plays_to_its_end_in_chromium(page: Any, tmp_path: Path) -> None:
    """H.264 in MP4: Chromium decodes it, plays 2 s through and fires ``ended``."""
    video = _annotated(tmp_path, (320, 240))
    played = _play(page, video)
    assert played["how"] == "ended", played
    assert (played["width"], played["height"]) == (320, 240)
    assert played["duration"] == pytest.approx(SECONDS, abs=0.1)


def test_a_portrait_clip_stays_portrait_and_plays(page: Any, tmp_path: Path) -> None:
    """A 240x320 (portrait) clip is written upright, without a rotation tag, and plays."""
    video = _annotated(tmp_path, (240, 320))
    info = probe_video(video)
    assert (info.width, info.height, info.rotation) == (240, 320, 0)
    played = _play(page, video)
    assert played["how"] == "ended", played
    assert (played["width"], played["height"]) == (240, 320)


def test_odd_frame_sizes_are_padded_not_resized(page: Any, tmp_path: Path) -> None:
    """yuv420p needs even sizes: 239x321 frames become 240x322 with the pixels in place."""
    path = tmp_path / "odd.mp4"
    frame = np.full((321, 239, 3), 200, dtype=np.uint8)
    with H264Writer(path, 239, 321, FPS) as writer:
        for _ in range(15):
            writer.write(frame)
    assert writer.encoder in H264_ENCODERS
    info = probe_video(path)
    assert (info.width, info.height, info.frame_count) == (240, 322, 15)
    cap = cv2.VideoCapture(str(path))
    ok, image = cap.read()
    cap.release()
    assert ok
    assert abs(int(image[160, 120, 0]) - 200) <= 6  # unchanged but for YUV rounding
    assert int(image[160, 239].max()) <= 40  # the padding column is black
    assert _play(page, path)["how"] == "ended"
