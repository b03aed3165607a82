"""Momentum: the lift snapped up, too fast at peak or over too quickly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import by_unit, format_reps, limit_text, measured_text

__all__ = ["Momentum"]


class Momentum(Mistake):
    """Peak lift speed above ``max_lift_velocity_dps``, else a lift shorter than ``min_lift_duration_s``."""

    id = "momentum"
    phase = "lift"
    groups = frozenset({"tempo", "control"})
    params: ClassVar[Mapping[str, str]] = {
        "max_lift_velocity_dps": "deg/s",
        "min_lift_duration_s": "s",
        "speed_confidence_scale": "fraction",
        "duration_confidence_scale": "fraction",
    }
    cells = ("lift", "peak_lift_speed")

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        vmax, tmin = values["max_lift_velocity_dps"], values["min_lift_duration_s"]
        out = []
        for r in reps:
            at = r.lift_start or r.start
            if r.peak_lift_velocity_dps is not None and r.peak_lift_velocity_dps > vmax:
                out.append(
                    self.fault(r, at, r.peak_lift_velocity_dps, vmax, "deg/s",
                               vmax * values["speed_confidence_scale"],
                               f"peak lift speed {r.peak_lift_velocity_dps:.0f} deg/s", params=params)
                )  # fmt: skip
            elif r.lift_s is not None and r.lift_s < tmin:
                out.append(
                    self.fault(r, at, r.lift_s, tmin, "s", tmin * values["duration_confidence_scale"],
                               f"lift took {r.lift_s:.2f} s", params=params)
                )  # fmt: skip
        return out

    def target_field(self, unit: str) -> str | None:
        return "lift_s" if unit == "s" else None

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        groups = by_unit(faults)
        if len(groups) > 1:
            return "; ".join(
                self.evidence(
                    format_reps([f.rep for f in g if f.rep is not None]),
                    g,
                    goal=goal,
                    targets=targets,
                )
                for g in groups.values()
            )
        if faults[0].unit == "deg/s":
            return f"{who} shot up at {measured_text(faults)} at peak speed (limit: {limit_text(faults)})"
        return f"{who} snapped up in {measured_text(faults)}; the {goal} target is {targets['lift_s']:g} s"

    def case(self) -> MistakeCase:
        return MistakeCase(
            (RepSpec(),) * 2 + (RepSpec(lift_s=0.4),) * 2 + (RepSpec(),) * 2, frozenset({3, 4})
        )
