"""Clips the benchmarks derive from a source clip (needs the video extra: OpenCV)."""

from __future__ import annotations

from pathlib import Path


def halve_frame_rate(src: Path, dst: Path) -> None:
    """Every other frame of ``src``, written at half its frame rate (mp4v)."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps / 2, size)
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i % 2 == 0:
            writer.write(frame)
        i += 1
    writer.release()
    cap.release()
