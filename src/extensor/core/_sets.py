"""A recording of several sets: cut it at the long rests, judge range across the session.

A rest between sets is much longer than a pause between reps (the data file's
``set_rest_s``). :func:`set_windows` turns the reps of a whole-recording analysis into one
time window per set, cut in the middle of each long rest, so every rep of a set lies
inside its window with some stillness on both sides. Each window is then analysed as a set
of its own; the range of its reps is judged against the whole session's reference range
(:func:`session_reference_range`), so a block of short reps is still called short when it
is a set alone.

>>> from extensor.core._synthetic import make_rep
>>> reps = [make_rep(number=k, start=s, end=s + 4) for k, s in enumerate((0, 5, 40, 45), 1)]
>>> [(round(a, 1), round(b, 1)) for a, b in set_windows(reps, start=0.0, end=60.0, min_rest_s=15.0)]
[(0.0, 24.5), (24.5, 60.0)]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from extensor.core._results import Rep

__all__ = ["SetWindow", "session_reference_range", "set_windows"]

SetWindow = tuple[float, float]
"""(start, end) of one set in the recording, in seconds."""


def set_windows(
    reps: Sequence[Rep], /, *, start: float, end: float, min_rest_s: float
) -> list[SetWindow]:
    """One window per set: reps whose gap to the next is ``min_rest_s`` or more end a set.

    The windows cover ``start``..``end`` without overlap, cut in the middle of each long
    rest. No rep, or no long rest: one window, the whole recording.
    """
    ordered = sorted(reps, key=lambda r: r.start)
    cuts = [
        (a.end + b.start) / 2.0
        for a, b in itertools.pairwise(ordered)
        if b.start - a.end >= min_rest_s
    ]
    bounds = [start, *cuts, end]
    return list(itertools.pairwise(bounds))


def session_reference_range(reps: Sequence[Rep], /, *, percentile: float) -> float | None:
    """The session's reference range (deg): the ``percentile`` of every complete, reliably
    tracked rep's range across all sets; None without such a rep.

    >>> from extensor.core._synthetic import make_rep
    >>> session_reference_range([make_rep(range_deg=v) for v in (40.0, 80.0)], percentile=50.0)
    60.0
    """
    ranges = [r.range_deg for r in reps if r.complete and r.reliable]
    return float(np.percentile(ranges, percentile)) if ranges else None
