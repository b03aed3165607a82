"""The two numbers people look for beyond reps and tempo, with the one line that says what
each means: the same words in the terminal table, the HTML report and the web page.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> from extensor import analyze
>>> res = analyze(synthetic_set([RepSpec()] * 6, noise_deg=0.0).motion,
...               goal="hypertrophy", variant="45_degree_bench")
>>> loss, smooth = set_numbers(res)
>>> smooth is not None and smooth < 0
True
"""

from __future__ import annotations

import statistics

from extensor.core import SetAnalysis

__all__ = ["NUMBER_HELP", "set_numbers"]

#: One line per number, for people.
NUMBER_HELP = {
    "velocity_loss": (
        "how much slower the last reps lifted than the first; fatigue shows here first"
    ),
    "smoothness": (
        "mean log dimensionless jerk of the complete reps; nearer 0 is smoother, "
        "more negative is jerkier"
    ),
}


def set_numbers(result: SetAnalysis) -> tuple[float | None, float | None]:
    """(velocity loss in %, mean smoothness LDLJ of the complete reps); None = not measured."""
    values = [
        r.smoothness_ldlj for r in result.reps if r.complete and r.smoothness_ldlj is not None
    ]
    return result.metrics.velocity_loss_pct, statistics.fmean(values) if values else None
