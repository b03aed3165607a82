"""Text on video frames with a clean font: labels rendered once by Pillow, blended per frame.

OpenCV's Hershey fonts are stroke fonts without lower-case shapes worth the name; here text
is drawn with DejaVu Sans (shipped in matplotlib's ``mpl-data``, which the video extra
installs through mediapipe) or, without it, Pillow's own scalable default font. A label
(text, size, colours) is rendered once into a small alpha mask and cached: the overlay
shows a few hundred distinct strings per clip, so per frame only a small region is
alpha-blended.

>>> labels = LabelRenderer()
>>> img = np.zeros((60, 200, 3), dtype=np.uint8)
>>> w, h = labels.draw(img, "rep 2", (4, 4), 20, (255, 255, 255), (0, 0, 0))
>>> 30 < w < 120 and 20 < h < 45, int(img.max()) == 255
(True, True)
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BOX_ALPHA", "LabelRenderer", "font_path"]

#: Opacity of the box behind a label: dark enough to read on a bright wall, light enough to
#: see the gym through it.
BOX_ALPHA = 0.55

#: Padding around the text inside its box, as a share of the font size.
_PAD = 0.3

_FONT_FILE = ("mpl-data", "fonts", "ttf", "DejaVuSans.ttf")


@lru_cache(maxsize=1)
def font_path() -> Path | None:
    """DejaVu Sans from matplotlib's package data (without importing matplotlib), or ``None``."""
    spec = importlib.util.find_spec("matplotlib")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root).joinpath(*_FONT_FILE)
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=8)
def _font(size: int) -> Any:
    from PIL import ImageFont

    path = font_path()
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


class LabelRenderer:
    """Draws text labels on BGR frames; keeps each rendered label for reuse."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], tuple[NDArray[np.float32], int]] = {}

    def _mask(self, text: str, size: int) -> tuple[NDArray[np.float32], int]:
        """Coverage (H, W) in [0, 1] of the text in a padded box, and the padding in px."""
        key = (text, size)
        if key not in self._cache:
            from PIL import Image, ImageDraw

            font = _font(size)
            pad = max(1, round(_PAD * size))
            left, _, right, _ = font.getbbox(text)
            ascent, descent = font.getmetrics()
            w = max(1, right - min(0, left)) + 2 * pad
            h = ascent + descent + 2 * pad
            canvas = Image.new("L", (w, h), 0)
            ImageDraw.Draw(canvas).text((pad - min(0, left), pad), text, fill=255, font=font)
            if len(self._cache) > 2048:  # a long clip with many distinct strings
                self._cache.clear()
            self._cache[key] = (np.asarray(canvas, dtype=np.float32) / 255.0, pad)
        return self._cache[key]

    def size(self, text: str, size: int) -> tuple[int, int]:
        """Width and height in px of the label's box."""
        mask, _ = self._mask(text, size)
        return mask.shape[1], mask.shape[0]

    def draw(
        self,
        img: NDArray[np.uint8],
        text: str,
        org: tuple[int, int],
        size: int,
        color: tuple[int, int, int],
        box: tuple[int, int, int] | None,
    ) -> tuple[int, int]:
        """Draw ``text`` (font ``size`` px, BGR ``color``) with its box's top-left at ``org``.

        ``box``: the colour of a translucent box behind it (:data:`BOX_ALPHA`), ``None``
        for none. Parts outside the frame are clipped. Returns the box's width and height.
        """
        mask, _ = self._mask(text, size)
        h, w = mask.shape
        x0, y0 = org
        fx0, fy0 = max(0, x0), max(0, y0)
        fx1, fy1 = min(img.shape[1], x0 + w), min(img.shape[0], y0 + h)
        if fx1 <= fx0 or fy1 <= fy0:
            return w, h
        cover = mask[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0, None]
        region = img[fy0:fy1, fx0:fx1].astype(np.float32)
        if box is not None:
            region += BOX_ALPHA * (np.asarray(box, dtype=np.float32) - region)
        region += cover * (np.asarray(color, dtype=np.float32) - region)
        img[fy0:fy1, fx0:fx1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
        return w, h
