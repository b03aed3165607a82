"""The composition root's wiring: plug-ins of a higher layer registered with a lower one.

The input registry (:data:`extensor.io.ADAPTERS`) lives in ``io``, which must not import
``video``; the video adapter is registered here, once, when the package is imported.

>>> from extensor.io import ADAPTERS
>>> ADAPTERS["video"].__module__
'extensor.video._pipeline'
"""

from __future__ import annotations

from extensor.io import register_adapter
from extensor.video import VideoAdapter

__all__ = ["register_plugins"]


def register_plugins() -> None:
    """Register the adapters of the higher layers with ``extensor.io`` (idempotent)."""
    register_adapter(VideoAdapter)
