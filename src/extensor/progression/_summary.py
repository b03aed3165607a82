"""What the progression engine reads: plain summaries of logged sessions, and the profile.

These are frozen dataclasses with no database behind them, so the engine stays a pure
function and tests can script a history in a few lines. ``clean_reps`` is None when the
quality of a set is unknown (a manual entry without video or sensor analysis).

>>> s = SetSummary(load=40, unit="kg", reps=12, variant="45_degree_bench", clean_reps=10)
>>> day = SessionSummary(day=date(2024, 5, 2), sets=(s, s))
>>> day.total_reps, day.clean_reps, round(day.clean_share or 0, 3), day.volume("kg")
(24, 20, 0.833, 960.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, get_args

from extensor.progression._units import LoadUnit, convert

__all__ = [
    "SET_SOURCES",
    "Best",
    "PersonalBests",
    "Profile",
    "SessionSummary",
    "SetSource",
    "SetSummary",
    "personal_bests",
]

SetSource = Literal["manual", "video", "keypoints", "sensor", "import"]
#: Where a logged set came from: typed in, analysed from a video, a keypoint file, an
#: encoder or IMU recording, or imported from another app's export.
SET_SOURCES: tuple[str, ...] = get_args(SetSource)


@dataclass(frozen=True, slots=True)
class Profile:
    """The lifter: training level and goal, the variant (machine) and its smallest load step."""

    level: str = "beginner"
    goal: str = "hypertrophy"
    variant: str = "45_degree_bench"
    increment: float = 2.5
    unit: LoadUnit = "kg"

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "goal": self.goal,
            "variant": self.variant,
            "increment": self.increment,
            "unit": self.unit,
        }


@dataclass(frozen=True, slots=True)
class SetSummary:
    """One logged set. ``faults`` holds a mistake id per occurrence (per rep it was seen on)."""

    load: float
    unit: LoadUnit
    reps: int
    variant: str
    clean_reps: int | None = None
    faults: tuple[str, ...] = ()
    pain: bool = False
    rpe: float | None = None
    rir: int | None = None
    note: str | None = None
    source: SetSource = "manual"

    @property
    def rated(self) -> bool:
        """True when the quality of the reps is known (analysed, or faults were reported)."""
        return self.clean_reps is not None

    @property
    def clean_count(self) -> int | None:
        """Clean reps of this set, never more than its reps; None when the quality is unknown.

        The logged side of :attr:`extensor.core.SetAnalysis.clean_reps` (an analysed set is
        logged with ``clean_reps = len(result.clean_reps)``).
        """
        return None if self.clean_reps is None else min(self.clean_reps, self.reps)

    @property
    def all_clean(self) -> bool:
        """Every rep clean and no fault at all (False when the quality is unknown)."""
        return self.clean_reps is not None and self.clean_reps >= self.reps and not self.faults

    def load_in(self, unit: str) -> float:
        return convert(self.load, self.unit, unit)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One training day: its sets in the order they were done."""

    day: date
    sets: tuple[SetSummary, ...]
    session_id: int | None = None
    note: str | None = None

    def to_dict(self, unit: str) -> dict[str, Any]:
        """This day as plain data, loads in ``unit`` (the layout of ``extensor history --json``)."""
        return {
            "day": self.day.isoformat(),
            "sets": [
                {
                    "load": x.load,
                    "unit": x.unit,
                    "reps": x.reps,
                    "variant": x.variant,
                    "clean_reps": x.clean_reps,
                    "faults": list(x.faults),
                    "pain": x.pain,
                    "rpe": x.rpe,
                    "rir": x.rir,
                    "note": x.note,
                    "source": x.source,
                }
                for x in self.sets
            ],
            "volume": round(self.volume(unit), 3),
            "top_load": self.top_load(unit),
            "clean_share": self.clean_share,
            "pain": self.pain,
        }

    @property
    def pain(self) -> bool:
        return any(s.pain for s in self.sets)

    @property
    def total_reps(self) -> int:
        return sum(s.reps for s in self.sets)

    @property
    def clean_reps(self) -> int | None:
        """Clean reps over the rated sets; None when no set is rated."""
        rated = [s for s in self.sets if s.rated]
        return sum(s.clean_count or 0 for s in rated) if rated else None

    @property
    def clean_share(self) -> float | None:
        """Share of clean reps among the reps of rated sets (0..1); None when none is rated."""
        rated = [s for s in self.sets if s.rated]
        reps = sum(s.reps for s in rated)
        if not rated or reps == 0:
            return None
        return sum(s.clean_count or 0 for s in rated) / reps

    @property
    def faults(self) -> tuple[str, ...]:
        return tuple(f for s in self.sets for f in s.faults)

    def volume(self, unit: str) -> float:
        """Sum of load x reps, in ``unit``."""
        return sum(s.load_in(unit) * s.reps for s in self.sets)

    def top_load(self, unit: str) -> float | None:
        return max((s.load_in(unit) for s in self.sets), default=None)

    def for_variant(self, variant: str) -> SessionSummary:
        """A copy holding only the sets done on ``variant``."""
        return SessionSummary(
            day=self.day,
            sets=tuple(s for s in self.sets if s.variant == variant),
            session_id=self.session_id,
            note=self.note,
        )


@dataclass(frozen=True, slots=True)
class Best:
    """A personal best: the value, the set or session it came from, and the day."""

    value: float
    load: float
    reps: int
    day: date


@dataclass(frozen=True, slots=True)
class PersonalBests:
    """Heaviest set, most reps in a set, biggest session volume, heaviest all-clean set."""

    unit: str
    heaviest: Best | None = None
    most_reps: Best | None = None
    best_volume: Best | None = None
    heaviest_clean: Best | None = None

    def to_dict(self) -> dict[str, Any]:
        def one(b: Best | None) -> dict[str, Any] | None:
            if b is None:
                return None
            return {"value": b.value, "load": b.load, "reps": b.reps, "day": b.day.isoformat()}

        return {
            "unit": self.unit,
            "heaviest": one(self.heaviest),
            "most_reps": one(self.most_reps),
            "best_volume": one(self.best_volume),
            "heaviest_clean": one(self.heaviest_clean),
        }


def personal_bests(history: Iterable[SessionSummary], /, *, unit: str) -> PersonalBests:
    """Personal bests over ``history`` with loads in ``unit``; ties go to the earlier day.

    >>> a = SetSummary(load=40, unit="kg", reps=12, variant="v", clean_reps=12)
    >>> b = SetSummary(load=45, unit="kg", reps=8, variant="v", clean_reps=6)
    >>> pb = personal_bests([SessionSummary(date(2024, 1, 1), (a, b))], unit="kg")
    >>> pb.heaviest.load, pb.most_reps.reps, pb.heaviest_clean.load, pb.best_volume.value
    (45.0, 12, 40.0, 840.0)
    """
    heaviest = most_reps = best_volume = heaviest_clean = None
    for session in sorted(history, key=lambda s: s.day):
        for s in session.sets:
            load = s.load_in(unit)
            if s.reps <= 0:
                continue
            if heaviest is None or load > heaviest.value + 1e-9:
                heaviest = Best(load, load, s.reps, session.day)
            if most_reps is None or s.reps > most_reps.value:
                most_reps = Best(s.reps, load, s.reps, session.day)
            if s.all_clean and (heaviest_clean is None or load > heaviest_clean.value + 1e-9):
                heaviest_clean = Best(load, load, s.reps, session.day)
        vol = session.volume(unit)
        if session.sets and (best_volume is None or vol > best_volume.value + 1e-9):
            top = session.top_load(unit) or 0.0
            best_volume = Best(vol, top, session.total_reps, session.day)
    return PersonalBests(unit, heaviest, most_reps, best_volume, heaviest_clean)


def sort_history(history: Sequence[SessionSummary]) -> list[SessionSummary]:
    """Sessions oldest first (stable for equal days)."""
    return sorted(history, key=lambda s: s.day)
