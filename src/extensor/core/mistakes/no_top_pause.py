"""No top pause: the top hold was much shorter than the goal asks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import measured_text

__all__ = ["NoTopPause"]


class NoTopPause(Mistake):
    """Top hold shorter than ``min_top_hold_fraction`` of the goal's pause; judged only when the goal asks for one."""

    id = "no_top_pause"
    phase = "top"
    groups = frozenset({"tempo"})
    params: ClassVar[Mapping[str, str]] = {
        "min_top_hold_fraction": "fraction",
        "confidence_scale": "fraction",
    }
    tempo_field = "top_s"
    goal_optional = True
    cells = ("top",)

    def applies(self, params: AnalysisParams) -> bool:
        return params.tempo.requires_top_pause

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        target = params.tempo.top_s
        limit = values["min_top_hold_fraction"] * target
        return [
            self.fault(r, r.top_time, r.top_hold_s, limit, "s", limit * values["confidence_scale"],
                       f"held the top {r.top_hold_s:.2f} s (target {target:g} s)", params=params)
            for r in reps
            if r.top_hold_s is not None and r.complete and r.top_hold_s < limit
        ]  # fmt: skip

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        return f"{who} held the top for {measured_text(faults)}; the {goal} target is {targets['top_s']:g} s"

    def case(self) -> MistakeCase:
        return MistakeCase(
            (RepSpec(),) * 3 + (RepSpec(top_s=0.0),) * 2 + (RepSpec(),), frozenset({4, 5})
        )
