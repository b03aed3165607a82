"""Results of an analysis: :class:`Rep`, :class:`Fault`, :class:`Notice`, :class:`SetAnalysis`.

``SetAnalysis.to_dict()`` is the JSON export; its layout is versioned by
:data:`SCHEMA_VERSION` and documented in ``docs/analysis-schema.md``. Angles are in
degrees, times in seconds from the start of the recording, speeds in degrees/second.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["SCHEMA_VERSION", "Fault", "Notice", "Rep", "SetAnalysis", "SetMetrics"]

#: Version of the JSON layout; bump on any incompatible change.
SCHEMA_VERSION = "extensor.set_analysis/2"


@dataclass(frozen=True, slots=True)
class Rep:
    """One repetition with its phase times and measurements.

    ``order`` is ``"lift_first"`` (bottom, lift, top hold, lower) or ``"lower_first"``
    (top, lower, bottom, lift) depending on where the set started. Phase durations are
    None when the recording does not contain that phase. ``top_deviation_deg`` follows
    the signed convention: positive = stopped short of neutral, negative = past neutral;
    it is None when the input has no absolute neutral.
    """

    number: int
    order: str
    start: float
    end: float
    lift_start: float | None
    lift_end: float | None
    lower_start: float | None
    lower_end: float | None
    lift_s: float | None
    top_hold_s: float | None
    lower_s: float | None
    bottom_settle_s: float | None
    range_deg: float
    top_extension_deg: float
    bottom_extension_deg: float
    top_deviation_deg: float | None
    peak_lift_velocity_dps: float | None
    peak_lower_velocity_dps: float | None
    smoothness_ldlj: float | None
    time_under_tension_s: float
    top_time: float
    bottom_time: float
    head_deviation_deg: float | None = None
    complete: bool = True
    partial: bool = False
    incomplete: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Fault:
    """A mistake seen on a rep, with its evidence: the measured value against the threshold."""

    id: str
    rep: int | None
    time: float
    measured: float
    threshold: float
    unit: str
    confidence: float
    detail: str


@dataclass(frozen=True, slots=True)
class Notice:
    """A data-quality or applicability warning (``code`` is stable, ``message`` is for people)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class SetMetrics:
    """Numbers about the whole set."""

    rep_count: int
    full_rep_count: int
    duration_s: float
    time_under_tension_s: float
    mean_rep_duration_s: float | None
    tempo_consistency_cv: float | None
    velocity_loss_pct: float | None
    mean_range_deg: float | None


@dataclass(frozen=True, slots=True)
class SetAnalysis:
    """Everything the analysis of one recorded set found."""

    reps: tuple[Rep, ...]
    faults: tuple[Fault, ...]
    not_observable: tuple[str, ...]
    notices: tuple[Notice, ...]
    metrics: SetMetrics
    goal: str
    variant: str
    input_kind: str
    neutral_known: bool
    source: str | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def faults_of(self, fault_id: str) -> list[Fault]:
        """Every fault with id ``fault_id``."""
        return [f for f in self.faults if f.id == fault_id]

    def reps_with(self, fault_id: str) -> list[int]:
        """Rep numbers that show fault ``fault_id``, sorted."""
        return sorted({f.rep for f in self.faults if f.id == fault_id and f.rep is not None})

    def to_dict(self) -> dict[str, Any]:
        """The JSON export (plain types only; NaN becomes None)."""
        out = {
            "schema": SCHEMA_VERSION,
            "source": self.source,
            "input_kind": self.input_kind,
            "goal": self.goal,
            "variant": self.variant,
            "neutral_known": self.neutral_known,
            "metrics": asdict(self.metrics),
            "reps": [asdict(r) for r in self.reps],
            "faults": [asdict(f) for f in self.faults],
            "not_observable": list(self.not_observable),
            "notices": [asdict(n) for n in self.notices],
            "info": self.info,
        }
        return _clean(out)  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 4)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _clean(value.item())
    return value
