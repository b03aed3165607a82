"""Live mode in a real browser: Chromium's fake camera plays the real 6-rep clip into the
``/live`` page, which streams frames to the server over the WebSocket; the page must count
reps and show a cue.

Needs Chromium, Playwright, the video extra and ``../shared`` (the pose model needs a real
person, so the camera feed is made from the shared clip).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _browser import chromium_page, keep_screenshots, requires_chromium
from conftest import SHARED_DIR

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")
pytest.importorskip("mediapipe", reason="needs the video extra: pip install 'extensor[video]'")
pytest.importorskip("playwright.sync_api", reason="needs playwright (the dev extra)")

from extensor.web._testing import LocalServer

pytestmark = [pytest.mark.shared, pytest.mark.video, requires_chromium]
CLIP = SHARED_DIR / "clips" / "hyperextension-45deg-6reps.mp4"
#: The fake camera plays the first seconds of the clip (reps 1 and 2 end at 4.0 and 7.8 s).
CAMERA_S = 9.0
CAMERA_SIZE = (480, 270)
CAMERA_FPS = 30


def write_y4m(clip: Path, out: Path, *, seconds: float, size: tuple[int, int], fps: int) -> Path:
    """The clip's first ``seconds`` as a Y4M file (what Chromium's fake camera reads)."""
    import cv2

    cap = cv2.VideoCapture(str(clip))
    src_fps = cap.get(cv2.CAP_PROP_FPS)
    step = max(1, round(src_fps / fps))
    w, h = size
    with out.open("wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        k = 0
        while k < seconds * src_fps:
            ok, bgr = cap.read()
            if not ok:
                break
            if k % step == 0:
                small = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA)
                fh.write(b"FRAME\n" + cv2.cvtColor(small, cv2.COLOR_BGR2YUV_I420).tobytes())
            k += 1
    cap.release()
    return out


def _wait_until(condition: Any, *, timeout_s: float) -> None:
    """Poll ``condition()`` from Python (the page's CSP forbids Playwright's string eval)."""
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"not reached within {timeout_s:g} s")
        time.sleep(0.25)


@pytest.fixture(scope="module")
def camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_y4m(
        CLIP, tmp_path_factory.mktemp("camera") / "clip.y4m",
        seconds=CAMERA_S, size=CAMERA_SIZE, fps=CAMERA_FPS,
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("data")) as running:
        yield running


def test_live_page_counts_reps_from_the_camera_and_shows_a_cue(
    server: LocalServer, camera: Path, tmp_path: Path
) -> None:
    """Two reps of the real clip through the browser's camera: the rep counter reaches 2 and
    the past-neutral cue (every rep of the clip leans back past neutral) is on the page."""
    camera_args = (
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
    )  # fmt: skip
    with chromium_page(extra_args=camera_args, viewport={"width": 900, "height": 900}) as page:
        errors: list[str] = page.console_errors
        page.goto(server.url + "/live")
        page.uncheck("#live-voice")  # headless Chromium has no speech voices
        page.click("#live-start")
        _wait_until(lambda: int(page.text_content("#live-reps") or 0) >= 2, timeout_s=120.0)
        cue = page.text_content("#live-cue") or ""
        page.screenshot(path=str(tmp_path / "live.png"))
        keep_screenshots(tmp_path)
        page.click("#live-stop")
        _wait_until(lambda: "ended" in (page.text_content("#live-log") or ""), timeout_s=60.0)
        log = page.text_content("#live-log") or ""
    assert "Finish tall and straight" in cue
    assert "Set 1 ended" in log
    assert errors == []
