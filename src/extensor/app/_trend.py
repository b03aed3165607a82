"""The rep-quality trend: the share of clean reps per session and its straight-line trend,
the one computation behind ``extensor history``, its ``--plot`` and the history page.

>>> from datetime import date
>>> from extensor.progression import SessionSummary, SetSummary
>>> def day(d, clean):
...     s = SetSummary(load=40, unit="kg", reps=10, variant="roman_chair", clean_reps=clean)
...     return SessionSummary(date(2024, 5, d), (s,))
>>> t = quality_trend([day(1, 6), day(3, 8), day(5, 10)])
>>> t.sessions, round(t.first * 100), round(t.last * 100), round(t.slope_points, 1)
(3, 60, 100, 20.0)
>>> t.text
'clean reps 60% -> 100% over 3 rated sessions (+20.0 points a session)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extensor.progression import SessionSummary

__all__ = ["QualityTrend", "quality_trend"]


@dataclass(frozen=True, slots=True)
class QualityTrend:
    """Clean-rep share of the rated sessions (0-1), first and last, and the least-squares
    slope in percentage points per rated session."""

    sessions: int
    first: float
    last: float
    slope_points: float
    shares: tuple[float, ...]

    @property
    def text(self) -> str:
        return (
            f"clean reps {self.first * 100:.0f}% -> {self.last * 100:.0f}% over "
            f"{self.sessions} rated sessions ({self.slope_points:+.1f} points a session)"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "sessions": self.sessions, "first": self.first, "last": self.last,
            "slope_points_per_session": self.slope_points, "shares": list(self.shares),
        }  # fmt: skip


def quality_trend(sessions: Sequence[SessionSummary]) -> QualityTrend | None:
    """The trend of the sessions with a known quality, oldest first; None below two."""
    shares = [s.clean_share for s in sessions if s.clean_share is not None]
    n = len(shares)
    if n < 2:
        return None
    mean_x = (n - 1) / 2
    mean_y = sum(shares) / n
    sxx = sum((i - mean_x) ** 2 for i in range(n))
    sxy = sum((i - mean_x) * (y - mean_y) for i, y in enumerate(shares))
    return QualityTrend(n, shares[0], shares[-1], 100 * sxy / sxx, tuple(shares))
