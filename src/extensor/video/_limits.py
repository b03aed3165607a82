"""The camera-check thresholds, read from a loaded exercise (its ``[analysis]`` table).

Functions take them as keyword arguments; one left out comes from the exercise they were
given (``exercise=``), the bundled data file only when none was given, never from a copy in
the code. Nothing here loads a file at import time.
"""

from __future__ import annotations

from extensor.knowledge import Exercise, load_exercise

__all__ = ["exercise_or_default", "limit"]


def exercise_or_default(exercise: Exercise | None) -> Exercise:
    """``exercise``, or the bundled data file when None (what ``load_exercise()`` returns)."""
    return exercise if exercise is not None else load_exercise()


def limit(exercise: Exercise, name: str, given: float | None = None) -> float:
    """``given`` when set, else ``exercise``'s ``analysis.<name>``.

    >>> ex = load_exercise()
    >>> limit(ex, "min_sample_rate_hz"), limit(ex, "min_sample_rate_hz", 5.0)
    (10.0, 5.0)
    """
    if given is not None:
        return given
    return exercise.analysis_param(name)
