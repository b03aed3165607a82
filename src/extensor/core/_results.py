"""Results of an analysis: :class:`Rep`, :class:`Fault`, :class:`Notice`, :class:`SetAnalysis`.

``SetAnalysis.to_dict()`` is the JSON export; its layout is versioned by
:data:`SCHEMA_VERSION` and documented in ``docs/analysis-schema.md``. Angles are in
degrees, times in seconds from the start of the recording, speeds in degrees/second.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from extensor.core._timeseries import Event

__all__ = [
    "FAULT_LEVELS",
    "MOVEMENT_VERDICTS",
    "PHASES",
    "SCHEMA_VERSION",
    "Fault",
    "MovementCheck",
    "Notice",
    "Rep",
    "SetAnalysis",
    "SetMetrics",
    "phase_spans",
    "rep_events",
    "rep_extremes",
]

#: The phases of a rep, in the order a rep that starts at the bottom goes through them.
PHASES: tuple[str, ...] = ("lift", "top", "lower", "bottom")

#: Version of the JSON layout; bump on any incompatible change.
#: 2: ``movement`` (the movement check), ``Rep.reliable`` / ``Rep.unreliable_reasons``,
#: ``Fault.level`` ("clear" or "possible"), ``Rep.incomplete`` (phases the recording cuts
#: off), phase boundaries at visible motion and ``top_time``/``bottom_time`` the turning
#: points.
SCHEMA_VERSION = "extensor.set_analysis/2"

#: How sure a fault is: ``clear`` at or above the data file's ``min_cue_confidence``,
#: ``possible`` below it (shown, never cued as if certain).
FAULT_LEVELS = ("clear", "possible")

#: Outcomes of the movement check.
MOVEMENT_VERDICTS = ("back_extension", "another_movement", "undetermined")


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
    #: False when the rep's numbers are beyond what a trunk can do or its keypoints were
    #: poorly tracked (see :mod:`extensor.core._plausibility`); its faults are not judged.
    reliable: bool = True
    unreliable_reasons: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def range_observed(self) -> bool:
        """True when the move that spans the rep's range (its first: the lift of a
        lift-first rep, the lowering of a lower-first one) is whole in the recording, so
        ``range_deg`` is the rep's range, not the part of it that was filmed.

        >>> from dataclasses import replace
        >>> from extensor.core._synthetic import make_rep
        >>> make_rep().range_observed, replace(make_rep(), incomplete=("lift",)).range_observed
        (True, False)
        """
        first = "lift" if self.order == "lift_first" else "lower"
        return first not in self.incomplete


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
    #: ``"clear"`` or ``"possible"`` (confidence below the data file's cue level).
    level: str = "clear"


@dataclass(frozen=True, slots=True)
class Notice:
    """A data-quality or applicability warning (``code`` is stable, ``message`` is for people)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class MovementCheck:
    """Is this a back extension on this variant? What moved and what stayed.

    ``verdict`` is one of :data:`MOVEMENT_VERDICTS`; ``failed`` the ids of the checks
    that speak against a back extension, ``reasons`` one sentence per failed check (or
    why the check could not be made), ``measures`` the numbers behind them.
    """

    verdict: str
    failed: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def is_other_movement(self) -> bool:
        return self.verdict == "another_movement"


@dataclass(frozen=True, slots=True)
class SetMetrics:
    """Numbers about the whole set.

    ``rep_count`` counts every rep found, the one the recording cuts off included;
    ``full_rep_count`` the complete reps that were not partial (they reached the top of the
    range). A *clean* rep is another thing, about faults: see :attr:`SetAnalysis.clean_reps`.
    """

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
    movement: MovementCheck | None = None

    @property
    def events(self) -> tuple[Event, ...]:
        """The reps and their phases as events (see :func:`rep_events`), in time order."""
        return tuple(sorted(rep_events(self.reps)))

    def faults_of(self, fault_id: str) -> list[Fault]:
        """Every fault with id ``fault_id``."""
        return [f for f in self.faults if f.id == fault_id]

    def reps_with(self, fault_id: str) -> list[int]:
        """Rep numbers that show fault ``fault_id``, sorted."""
        return sorted({f.rep for f in self.faults if f.id == fault_id and f.rep is not None})

    @property
    def clean_reps(self) -> tuple[int, ...]:
        """Numbers of the clean reps: complete, reliably tracked reps that no fault names.

        The one definition of a clean rep, used by the coaching, the training log and the
        load verdict. A partial rep carries a range fault, so it is never clean; an
        unreliable rep was not judged, so it is not clean either.
        """
        faulty = {f.rep for f in self.faults if f.rep is not None}
        return tuple(
            r.number for r in self.reps if r.complete and r.reliable and r.number not in faulty
        )

    @property
    def complete_rep_count(self) -> int:
        """Reps the recording holds from start to end (partial ones included)."""
        return sum(1 for r in self.reps if r.complete)

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
            "movement": None if self.movement is None else asdict(self.movement),
            "info": self.info,
        }
        return _clean(out)  # type: ignore[no-any-return]


def _phase_bounds(r: Rep) -> dict[str, tuple[float | None, float | None]]:
    """(start, end) of each phase of one rep; a hold at the rep's far end runs to its close."""
    spans: dict[str, tuple[float | None, float | None]] = {
        "lift": (r.lift_start, r.lift_end),
        "lower": (r.lower_start, r.lower_end),
    }
    if r.order == "lift_first":
        spans["top"] = (r.lift_end, r.lower_start)
        settle = r.bottom_settle_s
        end = None if r.lower_end is None or settle is None else r.lower_end + settle
        spans["bottom"] = (r.lower_end, end)
    else:
        spans["bottom"] = (r.lower_end, r.lift_start)
        hold = r.top_hold_s
        spans["top"] = (
            r.lift_end,
            None if r.lift_end is None or hold is None else r.lift_end + hold,
        )
    return spans


def rep_events(reps: Iterable[Rep]) -> list[Event]:
    """Each rep as events in Kinetics Toolkit's style, named ``rep<n>:<what>``.

    ``<what>`` is ``start``, ``end``, ``top`` and ``bottom`` (the extremes), and
    ``<phase>_start`` / ``<phase>_end`` for each phase of :data:`PHASES` whose both ends
    are in the recording. The bottom pause of a rep that starts at the bottom lasts
    until the next lift; the top hold of a rep that starts at the top until the next
    lowering.

    >>> from extensor.core._synthetic import make_rep
    >>> [e.name for e in rep_events([make_rep(number=2)])][:4]
    ['rep2:start', 'rep2:end', 'rep2:top', 'rep2:bottom']
    """
    out: list[Event] = []
    for r in reps:
        p = f"rep{r.number}:"
        out += [Event(r.start, p + "start"), Event(r.end, p + "end")]
        out += [Event(r.top_time, p + "top"), Event(r.bottom_time, p + "bottom")]
        bounds = _phase_bounds(r)
        for phase in PHASES:
            a, b = bounds[phase]
            if a is not None and b is not None and b > a:
                out += [Event(a, f"{p}{phase}_start"), Event(b, f"{p}{phase}_end")]
    return out


_PHASE_EVENT = re.compile(r"^rep(\d+):(" + "|".join(PHASES) + r")_(start|end)$")


def phase_spans(events: Sequence[Event]) -> list[tuple[int, str, float, float]]:
    """(rep number, phase, start s, end s) of every phase found in ``events``, by rep and phase.

    >>> from extensor.core._synthetic import make_rep
    >>> [(n, p) for n, p, _, _ in phase_spans(rep_events([make_rep()]))]
    [(1, 'lift'), (1, 'top'), (1, 'lower'), (1, 'bottom')]
    """
    starts: dict[tuple[int, str], float] = {}
    ends: dict[tuple[int, str], float] = {}
    for e in events:
        m = _PHASE_EVENT.match(e.name)
        if m:
            key = (int(m.group(1)), m.group(2))
            (starts if m.group(3) == "start" else ends)[key] = e.time
    keys = sorted(starts.keys() & ends.keys(), key=lambda k: (k[0], PHASES.index(k[1])))
    return [(n, ph, starts[(n, ph)], ends[(n, ph)]) for n, ph in keys]


def rep_extremes(events: Sequence[Event], which: str) -> list[tuple[int, float]]:
    """(rep number, time) of each rep's ``top`` or ``bottom`` event, by rep."""
    pat = re.compile(rf"^rep(\d+):{which}$")
    found = [(int(m.group(1)), e.time) for e in events if (m := pat.match(e.name))]
    return sorted(found)


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
