"""Deep rounding: the bottom went deeper below neutral than the variant needs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import limit_text, measured_text

__all__ = ["DeepRounding"]


class DeepRounding(Mistake):
    """Bottom deeper than the variant's deepest usual start plus ``extra_depth_tolerance_deg`` (needs a known neutral)."""

    id = "deep_rounding"
    phase = "bottom"
    needs_neutral = True
    params: ClassVar[Mapping[str, str]] = {
        "extra_depth_tolerance_deg": "deg",
        "confidence_scale": "fraction",
    }
    cells = ("range",)

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        depth = params.max_start_deviation_deg + values["extra_depth_tolerance_deg"]
        return [
            self.fault(r, r.bottom_time, -r.bottom_extension_deg, depth, "deg", depth * values["confidence_scale"],
                       f"{-r.bottom_extension_deg:.0f} deg below neutral at the bottom", params=params)
            for r in reps
            if r.top_deviation_deg is not None and -r.bottom_extension_deg > depth
        ]  # fmt: skip

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        return f"{who} went {measured_text(faults)} below neutral at the bottom (limit: {limit_text(faults)})"

    def case(self) -> MistakeCase:
        return MistakeCase(
            (RepSpec(),) * 3 + (RepSpec(bottom_deg=-110.0),) + (RepSpec(),) * 2, frozenset({4})
        )
