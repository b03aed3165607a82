"""Past neutral: the trunk went beyond the neutral line at the top."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import limit_text, measured_text

__all__ = ["PastNeutral"]


class PastNeutral(Mistake):
    """More than ``past_neutral_tolerance_deg`` past neutral at the top (needs a known neutral)."""

    id = "past_neutral"
    phase = "top"
    groups = frozenset({"top"})
    needs_neutral = True
    params: ClassVar[Mapping[str, str]] = {
        "past_neutral_tolerance_deg": "deg",
        "confidence_scale": "fraction",
    }
    cells = ("top_vs_neutral",)

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        tol = values["past_neutral_tolerance_deg"]
        return [
            self.fault(r, r.top_time, -r.top_deviation_deg, tol, "deg", tol * values["confidence_scale"],
                       f"{-r.top_deviation_deg:.0f} deg past neutral at the top", params=params)
            for r in reps
            if r.top_deviation_deg is not None and -r.top_deviation_deg > tol
        ]  # fmt: skip

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        return f"{who} leaned {measured_text(faults)} past neutral at the top (limit: {limit_text(faults)})"

    def case(self) -> MistakeCase:
        return MistakeCase(
            (RepSpec(),) * 3 + (RepSpec(top_deg=20.0),) + (RepSpec(),) * 2, frozenset({4})
        )
