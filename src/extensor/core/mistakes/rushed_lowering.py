"""Rushed lowering: the lowering took much less than the goal's target."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import measured_text

__all__ = ["RushedLowering"]


class RushedLowering(Mistake):
    """Lowering shorter than ``min_lower_fraction`` of the goal's target lowering time."""

    id = "rushed_lowering"
    phase = "lower"
    groups = frozenset({"tempo"})
    params: ClassVar[Mapping[str, str]] = {
        "min_lower_fraction": "fraction",
        "confidence_scale": "fraction",
    }
    tempo_field = "lower_s"
    cells = ("lower",)

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        target = params.tempo.lower_s
        limit = values["min_lower_fraction"] * target
        return [
            self.fault(r, r.lower_start or r.start, r.lower_s, limit, "s", limit * values["confidence_scale"],
                       f"lowered in {r.lower_s:.1f} s (target {target:g} s)", params=params)
            for r in reps
            if r.lower_s is not None and r.lower_s < limit
        ]  # fmt: skip

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        return f"{who} lowered in {measured_text(faults)}; the {goal} target is {targets['lower_s']:g} s"

    def case(self) -> MistakeCase:
        return MistakeCase(
            (RepSpec(),) * 3 + (RepSpec(lower_s=0.8),) * 2 + (RepSpec(),), frozenset({4, 5})
        )
