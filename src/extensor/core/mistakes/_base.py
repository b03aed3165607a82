"""The base class of every detectable mistake (sktime's template method).

A plug-in subclasses :class:`Mistake`, declares what it is as class attributes (its id,
phase, coaching groups, what it needs to be observable, its parameters with units, its
tempo field, what it supersedes, the table cells it colours) and writes ``_detect``.
The public :meth:`Mistake.detect` checks the parameters and the result around it, so
every plug-in fails the same way. ``case()`` builds the plug-in's synthetic set: a set
that shows the mistake on known reps, checked by ``tests/test_core_mistakes_conformance.py``.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from extensor._errors import AnalysisError
from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._words import limit_text, measured_text

__all__ = ["ALL_INPUTS", "Cell", "Group", "Mistake", "MistakeCase", "Phase", "confidence"]

Phase = Literal["lift", "top", "lower", "bottom", "range"]
#: Coaching groups: ``tempo`` (a rep left the goal's tempo), ``top`` (it did not finish
#: at neutral), ``control`` (the trunk was thrown or rebounded).
Group = Literal["tempo", "top", "control"]
#: Cells of the rep tables a mistake colours (the first is the CLI table's one column).
Cell = Literal["lift", "top", "lower", "bottom", "range", "top_vs_neutral", "peak_lift_speed"]
#: Every input kind a mistake can be seen from when it needs nothing more than the trunk angle.
ALL_INPUTS: tuple[str, ...] = ("video", "imu", "encoder")


@dataclass(frozen=True, slots=True)
class MistakeCase:
    """A synthetic set that shows one mistake: its reps, and which of them show it."""

    specs: tuple[RepSpec, ...]
    reps: frozenset[int]
    goal: str = "hypertrophy"
    variant: str = "45_degree_bench"


def confidence(measured: float, threshold: float, scale: float, *, params: AnalysisParams) -> float:
    """How sure a fault is, from its margin past the threshold in units of ``scale``.

    ``params.confidence`` gives the value at the threshold and how fast it grows toward 1.
    """
    curve = params.confidence
    margin = abs(measured - threshold) / scale if scale > 0 else 1.0
    grow = 1.0 - math.exp(-curve.growth_per_scale * margin)
    return round(curve.at_threshold + (1.0 - curve.at_threshold) * grow, 3)


class Mistake(ABC):
    """One detectable mistake. Subclasses set the class attributes and write ``_detect``."""

    #: The mistake's id in the exercise data file.
    id: ClassVar[str]
    #: The part of the rep it judges.
    phase: ClassVar[Phase]
    #: Coaching groups it belongs to.
    groups: ClassVar[frozenset[Group]] = frozenset()
    #: Needs an absolute neutral (a known 0 of the trunk angle).
    needs_neutral: ClassVar[bool] = False
    #: Needs the head points (channel ``head_deviation``).
    needs_head: ClassVar[bool] = False
    #: Input kinds whose channels can show it.
    inputs: ClassVar[tuple[str, ...]] = ALL_INPUTS
    #: Detection parameters read by name from the data file: name -> unit.
    params: ClassVar[Mapping[str, str]]
    #: The goal's tempo field its cue quotes as the target (``lower_s``...), if any.
    tempo_field: ClassVar[str | None] = None
    #: Mistakes it supersedes on the same rep (one fault per cause).
    supersedes: ClassVar[tuple[str, ...]] = ()
    #: True when a rep can be judged as it ends; False when it needs the whole set.
    judged_per_rep: ClassVar[bool] = True
    #: True when only judged if the goal asks for it (praise does not count on it).
    goal_optional: ClassVar[bool] = False
    #: True when a rep showing it counts as a partial rep (``Rep.partial``).
    marks_partial: ClassVar[bool] = False
    #: Rep-table cells it colours; the first is the CLI table's column.
    cells: ClassVar[tuple[Cell, ...]] = ()

    # -- template method ------------------------------------------------------------------
    def detect(self, reps: Sequence[Rep], params: AnalysisParams) -> list[Fault]:
        """The faults of this mistake in ``reps``, with thresholds from ``params``.

        Raises KnowledgeBaseError when a declared parameter is missing, AnalysisError
        when the plug-in returns a fault of another id or of a rep not in ``reps``.
        """
        values = {name: params.fault_param(self.id, name) for name in self.params}
        faults = self._detect(list(reps), params, values)
        numbers = {r.number for r in reps}
        for f in faults:
            if f.id != self.id or (f.rep is not None and f.rep not in numbers):
                raise AnalysisError(
                    f"detector of {self.id!r} must return its own faults on given reps, got {f}"
                )
        return faults

    @abstractmethod
    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        """The plug-in's rule: ``values`` holds its declared parameters by name."""

    def applies(self, params: AnalysisParams) -> bool:
        """False when the goal does not ask for what this mistake checks."""
        return True

    def case(self) -> MistakeCase:
        """The synthetic set that shows this mistake (see the conformance test)."""
        raise NotImplementedError(f"mistake {self.id!r} ships no synthetic case")

    # -- words ---------------------------------------------------------------------------
    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        """The evidence sentence for ``faults`` of reps ``who`` (``goal``: its name, lower case;
        ``targets``: the goal's tempo seconds by field)."""
        return f"{who}: {self.id.replace('_', ' ')}, measured {measured_text(faults)} against {limit_text(faults)}"

    def target_field(self, unit: str) -> str | None:
        """The tempo field the cue quotes for faults measured in ``unit``."""
        return self.tempo_field

    # -- helpers for plug-ins ----------------------------------------------------------------
    def fault(
        self,
        rep: Rep,
        time: float,
        measured: float,
        threshold: float,
        unit: str,
        scale: float,
        detail: str,
        *,
        params: AnalysisParams,
    ) -> Fault:
        """A fault of this mistake with its evidence, rounded like every fault."""
        return Fault(
            id=self.id,
            rep=rep.number,
            time=round(time, 4),
            measured=round(measured, 3),
            threshold=round(threshold, 3),
            unit=unit,
            confidence=confidence(measured, threshold, scale, params=params),
            detail=detail,
        )

    def __repr__(self) -> str:
        return f"<mistake {self.id}>"
