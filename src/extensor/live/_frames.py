"""Frames for the live coach: a one-place slot that drops, never lags, and the sources.

A camera does not wait for the pose model. :class:`FrameSlot` holds at most one frame:
a frame put while another still waits replaces it (the waiting one is *dropped* and
counted), so the coach always works on the newest picture and the delay never grows.
With ``block=True`` (``--fast`` replay of a file) a put waits instead, and nothing is
dropped.

>>> slot = FrameSlot()
>>> for k in range(3):
...     slot.put(LiveFrame(index=k, time=k / 30, image=None, captured=0.0))
>>> slot.get().index, slot.dropped
(2, 2)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = ["FrameSlot", "LiveFrame", "camera_frames", "replay_frames"]


@dataclass(frozen=True, slots=True)
class LiveFrame:
    """One picture: ``time`` on the recording's clock (s), ``captured`` on the monotonic
    clock when it reached extensor (s), ``image`` an RGB uint8 array (or None in tests)."""

    index: int
    time: float
    image: Any
    captured: float
    scale: float = 1.0


class FrameSlot:
    """A one-frame hand-over between a source thread and the coach thread."""

    def __init__(self, *, block: bool = False, clock: Callable[[], float] | None = None) -> None:
        self._block = block
        #: with ``block``, a frame's ``captured`` is restamped once it may be handed over
        #: (a replayed file waits for the coach: that wait is not latency a camera has)
        self._clock = clock
        self._frame: LiveFrame | None = None
        self._closed = False
        self._cond = threading.Condition()
        self.put_count = 0
        self.dropped = 0

    def put(self, frame: LiveFrame) -> None:
        """Offer a frame; replaces (drops) a waiting one unless the slot blocks."""
        with self._cond:
            while self._block and self._frame is not None and not self._closed:
                self._cond.wait()
            if self._block and self._clock is not None:
                frame = replace(frame, captured=self._clock())
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self.put_count += 1
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> LiveFrame | None:
        """The newest frame, waiting for one; None when closed and empty (or on timeout)."""
        with self._cond:
            end = None if timeout is None else time.monotonic() + timeout
            while self._frame is None and not self._closed:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(left)
            frame, self._frame = self._frame, None
            self._cond.notify_all()
            return frame

    def close(self) -> None:
        """No more frames: a waiting ``get`` returns what is left, then None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed


def replay_frames(
    path: str | Path,
    *,
    fast: bool,
    max_side: int | None,
    stride: int = 1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[LiveFrame]:
    """A video file's frames at its own pace (as a camera would give them), or as fast as
    they decode with ``fast``; every ``stride``-th frame (the offline analysis' stride)."""
    from extensor.video import FrameSource  # the video extra; imported only for live video

    source = FrameSource(path)
    start = clock()
    for frame in source.frames(stride=stride, max_side=max_side, rgb=True):
        if not fast:
            wait = start + frame.time - clock()
            if wait > 0:
                sleep(wait)
        yield LiveFrame(frame.index, frame.time, frame.image, clock(), frame.scale)


def camera_frames(
    index: int,
    *,
    max_side: int | None,
    stop: threading.Event,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[LiveFrame]:
    """Frames of camera ``index`` (OpenCV), timed on the monotonic clock from the first."""
    from extensor._errors import InputError
    from extensor.video import import_cv2

    cv2 = import_cv2()
    cap = cv2.VideoCapture(index)
    if not cap.isOpened():
        raise InputError(f"camera {index} could not be opened (is it connected and free?)")
    try:
        start = None
        k = 0
        while not stop.is_set():
            ok, bgr = cap.read()
            now = clock()
            if not ok:
                raise InputError(f"camera {index} stopped sending frames")
            start = now if start is None else start
            scale = 1.0
            h, w = bgr.shape[:2]
            if max_side and max(h, w) > max_side:
                scale = max_side / max(h, w)
                bgr = cv2.resize(
                    bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
                )
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            yield LiveFrame(k, now - start, rgb, now, scale)
            k += 1
    finally:
        cap.release()
