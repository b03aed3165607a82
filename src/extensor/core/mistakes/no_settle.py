"""No settle: the next rep started before the body settled at the bottom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import measured_text

__all__ = ["NoSettle"]


class NoSettle(Mistake):
    """Less than ``min_bottom_settle_s`` at the bottom before the next lift."""

    id = "no_settle"
    phase = "bottom"
    groups = frozenset({"tempo"})
    params: ClassVar[Mapping[str, str]] = {
        "min_bottom_settle_s": "s",
        "confidence_scale": "fraction",
    }
    tempo_field = "bottom_s"
    cells = ("bottom",)

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        need = values["min_bottom_settle_s"]
        return [
            self.fault(r, r.lower_end or r.bottom_time, r.bottom_settle_s, need, "s", need * values["confidence_scale"],
                       f"{r.bottom_settle_s:.2f} s at the bottom before the next lift", params=params)
            for r in reps
            if r.bottom_settle_s is not None and r.bottom_settle_s < need
        ]  # fmt: skip

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        return (
            f"{who} rested {measured_text(faults)} at the bottom before the next lift; the "
            f"{goal} target is {targets['bottom_s']:g} s"
        )

    def case(self) -> MistakeCase:
        # a short, gentle range: no bottom pause, yet too slow on arrival to be a bounce
        hurried = RepSpec(bottom_s=0.0, lower_s=1.6, lift_s=1.0, bottom_deg=-30.0)
        return MistakeCase((RepSpec(),) * 2 + (hurried,) * 2 + (RepSpec(),) * 2, frozenset({3, 4}))
