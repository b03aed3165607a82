"""Streaming rep segmentation: turning points with hysteresis.

:class:`TurningPointDetector` consumes samples one at a time and confirms a top (or a
bottom) once the signal has moved ``delta`` degrees back from it, so noise smaller
than ``delta`` never creates a turn, and every two consecutive turning points differ by
at least ``delta``. The delay is bounded: a turn is known as soon as the movement has
gone ``delta`` the other way. The offline analysis feeds the same class, so live and
offline give the same turns.

>>> det = TurningPointDetector(delta=5.0)
>>> turns = []
>>> for i, x in enumerate([0, 2, 10, 12, 11, 3, 0, 1, 9]):
...     turns += det.push(float(i), float(x))
>>> [(e.kind, e.index) for e in turns + det.flush()]
[('bottom', 0), ('top', 3), ('bottom', 6), ('top', 8)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Extremum", "TurningPointDetector", "find_turning_points"]


@dataclass(frozen=True, slots=True)
class Extremum:
    """A confirmed top or bottom of the motion signal (``final``: only the data's end ended it)."""

    kind: Literal["top", "bottom"]
    index: int
    time: float
    value: float
    final: bool = False


class TurningPointDetector:
    """Hysteresis turning-point detector (push one sample at a time)."""

    __slots__ = ("_delta", "_i", "_max", "_max_i", "_max_t", "_min", "_min_i", "_min_t", "_mode")

    def __init__(self, *, delta: float) -> None:
        if not delta > 0:
            raise ValueError(f"delta must be > 0, got {delta}")
        self._delta = delta
        self._mode = 0  # 0: direction unknown, +1: rising (a top comes next), -1: falling
        self._i = 0
        self._max = self._min = float("nan")
        self._max_i = self._min_i = -1
        self._max_t = self._min_t = float("nan")

    def push(self, t: float, x: float) -> list[Extremum]:
        """Feed one sample; return the turning points it confirms (0, 1 or 2 of them)."""
        i = self._i
        self._i += 1
        if x != x:  # NaN: skip, the caller bridges or splits gaps
            return []
        if self._max_i < 0:
            self._max, self._max_i, self._max_t = x, i, t
            self._min, self._min_i, self._min_t = x, i, t
            return []
        if x > self._max:
            self._max, self._max_i, self._max_t = x, i, t
        if x < self._min:
            self._min, self._min_i, self._min_t = x, i, t
        out: list[Extremum] = []
        d = self._delta
        if self._mode >= 0 and x < self._max - d:
            if self._mode == 0 and self._min_i < self._max_i and self._max - self._min >= d:
                out.append(Extremum("bottom", self._min_i, self._min_t, self._min))
            out.append(Extremum("top", self._max_i, self._max_t, self._max))
            self._mode = -1
            self._min, self._min_i, self._min_t = x, i, t
        elif self._mode <= 0 and x > self._min + d:
            if self._mode == 0 and self._max_i < self._min_i and self._max - self._min >= d:
                out.append(Extremum("top", self._max_i, self._max_t, self._max))
            out.append(Extremum("bottom", self._min_i, self._min_t, self._min))
            self._mode = 1
            self._max, self._max_i, self._max_t = x, i, t
        return out

    def flush(self) -> list[Extremum]:
        """At the end of the data: the extreme reached since the last turn, if it is one."""
        if self._mode == 1:
            return [Extremum("top", self._max_i, self._max_t, self._max, final=True)]
        if self._mode == -1:
            return [Extremum("bottom", self._min_i, self._min_t, self._min, final=True)]
        return []


def find_turning_points(time: list[float], values: list[float], *, delta: float) -> list[Extremum]:
    """All turning points of a whole signal (the offline path of the same detector)."""
    det = TurningPointDetector(delta=delta)
    out: list[Extremum] = []
    push = det.push
    for t, x in zip(time, values, strict=True):
        confirmed = push(t, x)
        if confirmed:
            out.extend(confirmed)
    out.extend(det.flush())
    return out
