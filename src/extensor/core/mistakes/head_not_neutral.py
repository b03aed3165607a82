"""Head not neutral: at the top the head was raised or dropped against the trunk line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import limit_text, measured_text

__all__ = ["HeadNotNeutral"]


class HeadNotNeutral(Mistake):
    """Head more than ``max_head_deviation_deg`` off the trunk line at the top (needs head points)."""

    id = "head_not_neutral"
    phase = "top"
    needs_head = True
    inputs = ("video",)
    params: ClassVar[Mapping[str, str]] = {
        "max_head_deviation_deg": "deg",
        "confidence_scale": "fraction",
    }

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        limit = values["max_head_deviation_deg"]
        out = []
        for r in reps:
            h = r.head_deviation_deg
            if h is not None and abs(h) > limit:
                how = "chin raised" if h > 0 else "head dropped"
                out.append(
                    self.fault(r, r.top_time, abs(h), limit, "deg", limit * values["confidence_scale"],
                               f"{how} {abs(h):.0f} deg off the trunk line", params=params)
                )  # fmt: skip
        return out

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        return f"{who} turned the head {measured_text(faults)} away from the trunk line (limit: {limit_text(faults)})"

    def case(self) -> MistakeCase:
        return MistakeCase(
            (RepSpec(),) * 3 + (RepSpec(head_deg=30.0),) + (RepSpec(),) * 2, frozenset({4})
        )
