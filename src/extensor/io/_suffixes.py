"""The one list of video and image suffixes, shared by detection and the video adapter.

>>> ".m4v" in VIDEO_SUFFIXES, ".webp" in IMAGE_SUFFIXES
(True, True)
"""

__all__ = ["IMAGE_SUFFIXES", "VIDEO_SUFFIXES"]

#: Suffixes read as video files (GIF included: OpenCV's FFmpeg backend decodes it with its delays).
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".gif")

#: Suffixes of the still images a folder of video frames holds.
IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
