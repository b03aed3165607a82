"""Timing statistics of a live session: latency percentiles and the rate analysed.

>>> s = LatencyStats()
>>> for ms in (10, 20, 30, 40, 100):
...     s.add(ms / 1000)
>>> s.summary()["p50_ms"], s.summary()["max_ms"]
(30.0, 100.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["LatencyStats"]


@dataclass
class LatencyStats:
    """Collects latencies (s) and summarises them in milliseconds."""

    values: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.values.append(seconds)

    def summary(self) -> dict[str, float | int | None]:
        """count, p50, p95 and max in ms (None when empty)."""
        if not self.values:
            return {"count": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
        a = 1000.0 * np.asarray(self.values)
        return {
            "count": int(a.size),
            "p50_ms": round(float(np.percentile(a, 50)), 1),
            "p95_ms": round(float(np.percentile(a, 95)), 1),
            "max_ms": round(float(a.max()), 1),
        }
