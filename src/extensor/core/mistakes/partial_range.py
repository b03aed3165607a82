"""Partial range: a rep stopped short of neutral, or covered much less than the set's best
(the session's best when the set is one of several in a recording)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np

from extensor.core._params import AnalysisParams
from extensor.core._results import Fault, Rep
from extensor.core._synthetic import RepSpec
from extensor.core.mistakes._base import Mistake, MistakeCase
from extensor.core.mistakes._words import by_unit, limit_text, measured_text

__all__ = ["PartialRange", "reference_range"]


def reference_range(reps: Sequence[Rep], /, *, percentile: float) -> float | None:
    """The set's reference range: the ``percentile`` of the complete reps' ranges (deg).

    >>> from extensor.core._synthetic import make_rep
    >>> reference_range([make_rep(range_deg=v) for v in (50.0, 60.0, 70.0)], percentile=50.0)
    60.0
    """
    ranges = [r.range_deg for r in reps if r.complete]
    return float(np.percentile(ranges, percentile)) if ranges else None


class PartialRange(Mistake):
    """Top more than ``max_top_shortfall_deg`` short of neutral, else a range under
    ``min_range_fraction`` of the set's reference range (so it needs the whole set).
    Not judged on a rep whose range the recording cut off (:attr:`Rep.range_observed`)."""

    id = "partial_range"
    phase = "range"
    groups = frozenset({"top"})
    params: ClassVar[Mapping[str, str]] = {
        "max_top_shortfall_deg": "deg",
        "min_range_fraction": "fraction",
        "reference_range_percentile": "percent",
        "shortfall_confidence_scale": "fraction",
        "range_confidence_scale": "fraction",
    }
    judged_per_rep = False
    marks_partial = True
    cells = ("top_vs_neutral", "range")

    def _detect(
        self, reps: list[Rep], params: AnalysisParams, values: Mapping[str, float]
    ) -> list[Fault]:
        short, frac = values["max_top_shortfall_deg"], values["min_range_fraction"]
        ref = params.session_reference_range_deg
        scope = "session's"
        if ref is None:
            ref, scope = (
                reference_range(reps, percentile=values["reference_range_percentile"]),
                "set's",
            )
        out = []
        for r in reps:
            if not r.range_observed:
                continue  # the recording cut the move short: its range is not the rep's
            if r.top_deviation_deg is not None and r.top_deviation_deg > short:
                out.append(
                    self.fault(r, r.top_time, r.top_deviation_deg, short, "deg",
                               short * values["shortfall_confidence_scale"],
                               f"stopped {r.top_deviation_deg:.0f} deg short of neutral", params=params)
                )  # fmt: skip
            elif ref and r.range_deg < frac * ref:
                share = r.range_deg / ref
                out.append(
                    self.fault(r, r.top_time, share, frac, "fraction", frac * values["range_confidence_scale"],
                               f"range {r.range_deg:.0f} deg = {share:.0%} of the {scope} best", params=params)
                )  # fmt: skip
        return out

    def evidence(
        self, who: str, faults: Sequence[Fault], *, goal: str, targets: Mapping[str, float]
    ) -> str:
        groups = by_unit(faults)
        parts = []
        if "deg" in groups:
            g = groups["deg"]
            parts.append(f"stopped {measured_text(g)} short of neutral (limit: {limit_text(g)})")
        if "fraction" in groups:
            g = groups["fraction"]
            parts.append(
                f"covered only {measured_text(g)} of the best reps' range (at least {limit_text(g)} expected)"
            )
        return f"{who} " + " and ".join(parts)

    def case(self) -> MistakeCase:
        short = RepSpec(top_deg=-25.0)
        return MistakeCase((RepSpec(),) * 3 + (short,) + (RepSpec(),) * 2, frozenset({4}))
