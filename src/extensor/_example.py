"""The bundled example set, regenerated deterministically from its recipe.

A hypertrophy set of 8 reps on the 45-degree bench, filmed from the side (keypoints
of a stick figure, 30 frames/s, light pose jitter), with two faults a coach would
catch: reps 6-8 lean well past neutral at the top, and reps 7-8 rush the lowering.

>>> s = example_set()
>>> len(s.truth), s.keypoints is not None
(8, True)
"""

from __future__ import annotations

from pathlib import Path

from extensor.core import RepSpec, SyntheticSet, synthetic_set

__all__ = ["EXAMPLE_RECIPE", "example_set", "write_example"]

#: The recipe: (reps, spec) blocks. Change it and the example changes with it.
EXAMPLE_RECIPE: tuple[tuple[int, RepSpec], ...] = (
    (5, RepSpec(lift_s=1.5, top_s=1.0, lower_s=2.6, bottom_s=0.8, bottom_deg=-72.0, top_deg=-2.0)),
    (1, RepSpec(lift_s=1.4, top_s=0.9, lower_s=2.4, bottom_s=0.8, bottom_deg=-72.0, top_deg=18.0)),
    (2, RepSpec(lift_s=1.3, top_s=0.8, lower_s=1.1, bottom_s=0.7, bottom_deg=-70.0, top_deg=20.0)),
)


def example_set() -> SyntheticSet:
    """The example set with its truth (same output on every machine: fixed seed)."""
    specs = [spec for count, spec in EXAMPLE_RECIPE for _ in range(count)]
    return synthetic_set(specs, rate_hz=30.0, noise_deg=0.3, keypoints=True, facing="left", seed=7)


def write_example(path: Path) -> Path:
    """Write the example's keypoints as an extensor CSV (atomically) and return the path."""
    from extensor.io import write_extensor_csv

    kp = example_set().keypoints
    assert kp is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_extensor_csv(kp, path)
    return path
