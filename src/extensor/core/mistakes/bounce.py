"""Bounce: a fast reversal at the bottom, arriving fast and leaving at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import measured_text
from extensor.core.mistakes.no_settle import NoSettle

__all__ = ["Bounce"]


class Bounce(Mistake):
    """Under ``max_bottom_dwell_s`` at the bottom after arriving faster than ``min_reversal_speed_dps``."""

    id = "bounce"
    phase = "bottom"
    groups = frozenset({"tempo", "control"})
    params: ClassVar[Mapping[str, str]] = {
        "max_bottom_dwell_s": "s",
        "min_reversal_speed_dps": "deg/s",
        "confidence_scale": "fraction",
    }
    tempo_field = "bottom_s"
    supersedes = (NoSettle.id,)
    cells = ("bottom",)

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        dwell_max, speed_min = values["max_bottom_dwell_s"], values["min_reversal_speed_dps"]
        out = []
        for r in reps:
            dwell = r.bottom_settle_s
            speed = (
                r.peak_lower_velocity_dps if r.order == "lift_first" else r.peak_lift_velocity_dps
            )
            if dwell is None or speed is None:
                continue
            if dwell < dwell_max and speed > speed_min:
                t = (r.lower_end if r.order == "lift_first" else r.lift_start) or r.bottom_time
                out.append(
                    self.fault(r, t, dwell, dwell_max, "s", dwell_max * values["confidence_scale"],
                               f"{dwell:.2f} s at the bottom after lowering at {speed:.0f} deg/s", params=params)
                )  # fmt: skip
        return out

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        return (
            f"{who} rebounded after {measured_text(faults)} at the bottom; the "
            f"{goal} target is a {targets['bottom_s']:g} s pause"
        )

    def case(self) -> MistakeCase:
        fast = RepSpec(lower_s=1.0, bottom_s=0.0)
        return MistakeCase((RepSpec(),) * 2 + (fast,) * 2 + (RepSpec(),) * 2, frozenset({3, 4}))
