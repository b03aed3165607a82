"""Phase boundaries: slow one-way moves, phases cut off by the recording, drift, frame rate.

Convention (``extensor.core._phases``): a move runs while the trunk moves visibly
(``motion_speed_dps``) or is away from the hold band around a turning point; a phase
that the recording cuts off is listed in ``Rep.incomplete`` and has no duration.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensor._analysis import analysis_params
from extensor.core._analyze import analyze_motion, finalize_analysis
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.core._timeseries import TimeSeries
from extensor.knowledge import load_exercise

EX = load_exercise()
PARAMS = analysis_params(EX, variant="45_degree_bench", goal="hypertrophy")
RATE = 30.0


def _min_jerk_path(knots: list[tuple[float, float]], rate: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(0.0, knots[-1][0] + 1e-9, 1.0 / rate)
    x = np.full_like(t, knots[0][1])
    for (t0, x0), (t1, x1) in pairwise(knots):
        m = (t >= t0) & (t <= t1)
        if t1 > t0:
            tau = (t[m] - t0) / (t1 - t0)
            x[m] = x0 + (x1 - x0) * (10 * tau**3 - 15 * tau**4 + 6 * tau**5)
    return t, x


def _motion(t: np.ndarray, x: np.ndarray) -> TimeSeries:
    return TimeSeries(
        t,
        {"extension": x},
        units={"extension": "deg"},
        info={"kind": "motion", "input_kind": "synthetic", "neutral_known": True},
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lower_s=st.floats(2.0, 12.0),
    plateaus=st.lists(st.floats(0.2, 0.5), min_size=0, max_size=3),
    noise=st.floats(0.0, 0.3),
    seed=st.integers(0, 10_000),
)
def test_a_slow_lowering_with_small_plateaus_is_one_phase(lower_s, plateaus, noise, seed):
    """Top, one lowering of 80 deg over 2-12 s of movement with up to three plateaus of
    0.2-0.5 s on the way, a bottom, a lift back up: one rep whose lowering starts before the
    first plateau and ends after the last, covers the whole range, and is rushed only when
    it really is quicker than the goal's limit."""
    n = len(plateaus) + 1
    levels = np.linspace(0.0, -80.0, n + 1)
    knots = [(0.0, 0.0), (1.0, 0.0)]
    tt = 1.0
    plateau_spans = []
    for k in range(n):
        tt += lower_s / n
        knots.append((tt, float(levels[k + 1])))
        if k < len(plateaus):
            plateau_spans.append((tt, tt + plateaus[k]))
            tt += plateaus[k]
            knots.append((tt, float(levels[k + 1])))
    lowering_end = tt
    knots += [(tt + 1.0, -80.0), (tt + 2.5, 0.0), (tt + 4.0, 0.0)]
    t, x = _min_jerk_path(knots, RATE)
    x = x + np.random.default_rng(seed).normal(0.0, noise, t.size)
    result = analyze_motion(_motion(t, x), params=PARAMS)
    assert result.metrics.rep_count == 1
    rep = result.reps[0]
    assert rep.lower_start is not None
    assert rep.lower_end is not None
    assert rep.lower_start < (plateau_spans[0][0] if plateau_spans else 1.0 + lower_s / 2)
    assert rep.lower_end > (plateau_spans[-1][1] if plateau_spans else 1.0 + lower_s / 2)
    assert rep.lower_end <= lowering_end + 0.1
    assert rep.range_deg == pytest.approx(80.0, abs=3.0)
    if lower_s + sum(plateaus) >= 4.0:
        assert result.reps_with("rushed_lowering") == []


def test_a_lowering_cut_off_by_the_start_is_incomplete_and_not_judged():
    """The recording starts mid-way through a fast lowering: that lowering is marked
    incomplete, has no duration, and only the later (equally fast) lowerings are rushed."""
    s = synthetic_set([RepSpec(lower_s=1.0)] * 3, start="top", lead_s=0.5, noise_deg=0.2, seed=3)
    keep = s.motion.time >= 0.9  # the first lowering runs from 0.5 s to 1.5 s
    cut = _motion(s.motion.time[keep], s.motion.channel("extension")[keep])
    result = analyze_motion(cut, params=PARAMS)
    assert result.metrics.rep_count == 3
    first = result.reps[0]
    assert first.incomplete == ("lower",)
    assert first.lower_start is None
    assert first.lower_s is None
    assert result.reps_with("rushed_lowering") == [2, 3]


def test_a_lowering_cut_off_by_the_end_is_incomplete_and_not_judged():
    """The recording ends mid-way through the last fast lowering: every lowering but that one
    is rushed, and that one is incomplete with no duration."""
    s = synthetic_set([RepSpec(lower_s=1.0)] * 3, noise_deg=0.2, seed=4)
    last_lowering_mid = s.truth[-1].end - 0.4
    keep = s.motion.time <= last_lowering_mid
    cut = _motion(s.motion.time[keep], s.motion.channel("extension")[keep])
    result = analyze_motion(cut, params=PARAMS)
    assert result.metrics.rep_count == 3
    last = result.reps[-1]
    assert last.incomplete == ("lower",)
    assert last.lower_end is None
    assert last.lower_s is None
    assert result.reps_with("rushed_lowering") == [1, 2]


def test_a_slow_excursion_while_still_is_not_a_rep():
    """Three reps, then 17 degrees of slow drift up and back over 14 s (under the
    visible-motion speed all the way): still three reps, and no partial_range."""
    s = synthetic_set([RepSpec()] * 3, noise_deg=0.0, tail_s=1.0)
    t0 = float(s.motion.time[-1])
    t, x = _min_jerk_path([(0.0, -70.0), (7.0, -53.0), (14.0, -70.0)], RATE)
    time = np.concatenate([s.motion.time, t0 + 1.0 / RATE + t])
    ext = np.concatenate([s.motion.channel("extension"), x])
    ext = ext + np.random.default_rng(1).normal(0.0, 0.2, ext.size)
    result = analyze_motion(_motion(time, ext), params=PARAMS)
    assert result.metrics.rep_count == 3
    assert result.reps_with("partial_range") == []


def test_a_lowering_the_recording_ends_in_is_not_a_rep():
    """Standing tall, then one slow lowering until the end: no rep (nothing came back up)."""
    t, x = _min_jerk_path([(0.0, 0.0), (0.5, 0.0), (9.5, -85.0)], 25.0)
    result = analyze_motion(_motion(t, x), params=PARAMS)
    assert result.metrics.rep_count == 0
    assert result.faults == ()


@pytest.mark.parametrize(("rate", "warned"), [(10.0 - 1e-9, False), (10.0, False), (9.9, True)])
def test_low_frame_rate_is_judged_as_its_message_shows_it(rate, warned):
    """A 10 fps clip (its rate estimated a hair under 10) is not "10.0 below the 10 needed"."""
    result = finalize_analysis(
        [], params=PARAMS, input_kind="video", neutral_known=True, has_head=False, notices=[],
        duration_s=5.0, sample_rate=rate, spread_deg=0.0, source=None, info={},
    )  # fmt: skip
    messages = [n.message for n in result.notices if n.code == "low_frame_rate"]
    if warned:
        assert messages == ["9.9 samples/s is below the 10 needed to time phases"]
    else:
        assert messages == []
