"""Is a rep's measurement something a human trunk can do? If not, do not judge it.

A pose model that loses the trunk while it is partly hidden can read a 136-degree rep
beside an 87-degree one. Each rep is checked against :class:`PlausibilityLimits` (from
the exercise data file): its range, how far it folds below and leans past neutral, its
peak angular speed, and how well its keypoints were tracked. A rep that fails is kept
(it is counted) but marked unreliable with the reasons, and its faults are not judged.

>>> from extensor.core._synthetic import make_rep
>>> from extensor.core._params import PlausibilityLimits
>>> lim = PlausibilityLimits(max_range_deg=130, max_flexion_deg=125, max_past_neutral_deg=45,
...     max_speed_dps=500, min_tracked_share=0.8, min_keypoint_confidence=0.5)
>>> implausible_reasons(make_rep(range_deg=90.0), limits=lim, neutral_known=True)
()
>>> implausible_reasons(make_rep(range_deg=136.7), limits=lim, neutral_known=True)[0]
'a range of 137 deg, more than a trunk moves in a back extension (130 at most)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from extensor.core._params import PlausibilityLimits
from extensor.core._results import Fault, Notice, Rep
from extensor.core._timeseries import FloatArray

__all__ = [
    "grade_faults",
    "implausible_reasons",
    "mark_unreliable",
    "rep_tracking",
    "unreliable_notice",
]


def rep_tracking(
    rep: Rep, time: FloatArray, usable: FloatArray, quality: FloatArray | None
) -> tuple[float, float | None]:
    """(share of the rep's samples with a usable angle, median keypoint confidence or None)."""
    sel = (time >= rep.start) & (time <= rep.end)
    if not sel.any():
        return 1.0, None
    share = float(np.mean(usable[sel]))
    if quality is None:
        return share, None
    q = quality[sel]
    q = q[np.isfinite(q)]
    return share, (float(np.median(q)) if q.size else 0.0)


def implausible_reasons(
    rep: Rep,
    /,
    *,
    limits: PlausibilityLimits,
    neutral_known: bool,
    tracked_share: float = 1.0,
    keypoint_confidence: float | None = None,
) -> tuple[str, ...]:
    """Why ``rep`` cannot be a real trunk movement (empty when it can)."""
    out: list[str] = []
    if rep.range_deg > limits.max_range_deg:
        out.append(
            f"a range of {rep.range_deg:.0f} deg, more than a trunk moves in a back extension "
            f"({limits.max_range_deg:g} at most)"
        )
    if neutral_known and -rep.bottom_extension_deg > limits.max_flexion_deg:
        out.append(
            f"a bottom {-rep.bottom_extension_deg:.0f} deg below neutral, deeper than hips and "
            f"spine fold with straight legs ({limits.max_flexion_deg:g} at most)"
        )
    if neutral_known and rep.top_extension_deg > limits.max_past_neutral_deg:
        out.append(
            f"a top {rep.top_extension_deg:.0f} deg past neutral, more than hips and spine "
            f"extend ({limits.max_past_neutral_deg:g} at most)"
        )
    speeds = [v for v in (rep.peak_lift_velocity_dps, rep.peak_lower_velocity_dps) if v]
    if speeds and max(abs(v) for v in speeds) > limits.max_speed_dps:
        out.append(
            f"a trunk speed of {max(abs(v) for v in speeds):.0f} deg/s, faster than a trunk "
            f"turns ({limits.max_speed_dps:g} at most)"
        )
    if tracked_share < limits.min_tracked_share:
        out.append(
            f"the body tracked in only {tracked_share:.0%} of its frames "
            f"({limits.min_tracked_share:.0%} needed)"
        )
    if keypoint_confidence is not None and keypoint_confidence < limits.min_keypoint_confidence:
        out.append(
            f"a keypoint confidence of {keypoint_confidence:.2f} "
            f"({limits.min_keypoint_confidence:g} needed)"
        )
    return tuple(out)


def mark_unreliable(
    reps: Sequence[Rep],
    /,
    *,
    limits: PlausibilityLimits,
    neutral_known: bool,
    tracking: Sequence[tuple[float, float | None]] | None = None,
) -> list[Rep]:
    """Copies of ``reps`` with ``reliable`` and ``unreliable_reasons`` set.

    ``tracking``: per rep, (tracked share, keypoint confidence) from :func:`rep_tracking`.
    """
    out = []
    for k, r in enumerate(reps):
        share, conf = tracking[k] if tracking is not None else (1.0, None)
        why = implausible_reasons(
            r,
            limits=limits,
            neutral_known=neutral_known,
            tracked_share=share,
            keypoint_confidence=conf,
        )
        out.append(replace(r, reliable=not why, unreliable_reasons=why))
    return out


def unreliable_notice(rep: Rep, /) -> Notice:
    """The ``unreliable_rep`` notice telling the lifter why rep ``rep.number`` is not judged."""
    return Notice(
        "unreliable_rep",
        f"rep {rep.number} is not judged: it shows {' and '.join(rep.unreliable_reasons)}, "
        "so the pose was likely mis-tracked (part of the body hidden, or another body part "
        "taken for it)",
    )


def grade_faults(
    faults: Sequence[Fault],
    /,
    *,
    rep_confidence: Mapping[int, float],
    min_cue_confidence: float,
) -> list[Fault]:
    """Faults with their confidence scaled by their rep's keypoint confidence and a level.

    The detector's confidence says how far past its limit the measurement is; the rep's
    keypoint confidence how much that measurement can be trusted. Below
    ``min_cue_confidence`` a fault is ``"possible"``, else ``"clear"``.

    >>> from extensor.core._results import Fault
    >>> f = Fault("bounce", 1, 2.0, 0.1, 0.3, "s", 0.9, "")
    >>> [(g.confidence, g.level) for g in grade_faults([f], rep_confidence={1: 0.6},
    ...                                                 min_cue_confidence=0.6)]
    [(0.54, 'possible')]
    """
    out = []
    for f in faults:
        conf = f.confidence * (rep_confidence.get(f.rep, 1.0) if f.rep is not None else 1.0)
        conf = round(conf, 3)
        level = "clear" if conf >= min_cue_confidence else "possible"
        out.append(replace(f, confidence=conf, level=level))
    return out
