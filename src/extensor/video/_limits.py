"""The camera-check thresholds, read from the exercise data file (its ``[analysis]`` table).

Functions here take them as keyword arguments; when a caller leaves one out, it comes
from the data file, never from a copy in the code.
"""

from __future__ import annotations

__all__ = ["limit"]


def limit(name: str, given: float | None = None) -> float:
    """``given`` when set, else the data file's ``analysis.<name>``.

    >>> limit("min_sample_rate_hz"), limit("min_sample_rate_hz", 5.0)
    (10.0, 5.0)
    """
    if given is not None:
        return given
    from extensor.knowledge import load_exercise

    return load_exercise().analysis_param(name)
