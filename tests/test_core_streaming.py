"""The live analyzer gives the offline results, with bounded delay and bounded memory."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extensor._analysis import analysis_params
from extensor.core._analyze import analyze_motion
from extensor.core._stream import StreamingAnalyzer
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.knowledge import load_exercise

PARAMS = analysis_params(load_exercise(), variant="45_degree_bench", goal="hypertrophy")

rep_specs = st.builds(
    RepSpec,
    lift_s=st.floats(0.9, 2.0),
    top_s=st.floats(0.3, 2.0),
    lower_s=st.floats(1.0, 3.0),
    bottom_s=st.floats(0.3, 1.5),
    bottom_deg=st.floats(-80.0, -40.0),
    top_deg=st.floats(-5.0, 20.0),
)


def _stream(series):
    live = StreamingAnalyzer(params=PARAMS, neutral_known=True)
    reported = []
    for t, x in zip(series.time, series.channel("extension"), strict=True):
        reported += [(float(t), r) for r in live.push(float(t), float(x))]
    return live, reported


@settings(max_examples=25, deadline=None)
@given(
    specs=st.lists(rep_specs, min_size=1, max_size=8),
    rate=st.sampled_from([25.0, 30.0, 60.0]),
    noise=st.floats(0.0, 0.8),
    start=st.sampled_from(["bottom", "top"]),
    seed=st.integers(0, 10_000),
)
def test_live_results_equal_the_offline_analysis(specs, rate, noise, start, seed):
    """Same reps, same phase times (to 1 microsecond) and same faults, live or offline."""
    s = synthetic_set(specs, rate_hz=rate, noise_deg=noise, start=start, seed=seed)
    offline = analyze_motion(
        s.motion.copy(
            data={"extension": s.motion.channel("extension")}, units={"extension": "deg"}
        ),
        params=PARAMS,
    )
    live, _ = _stream(s.motion)
    result = live.finish()
    assert result.metrics.rep_count == offline.metrics.rep_count
    for a, b in zip(result.reps, offline.reps, strict=True):
        for field in ("start", "end", "lift_s", "top_hold_s", "lower_s", "bottom_settle_s"):
            got, want = getattr(a, field), getattr(b, field)
            assert (got is None) == (want is None), field
            if got is not None:
                assert got == pytest.approx(want, abs=1e-6), field
    assert [(f.id, f.rep) for f in result.faults] == [(f.id, f.rep) for f in offline.faults]


def test_each_rep_is_reported_soon_after_the_next_one_starts():
    """Rep k is reported once rep k+1 has reached its top and turned down by the hysteresis:
    at most the next rep's lift + top hold + 1.8 s (turn and filter lag) after its lift starts
    (the lift starts at visible motion, about 0.15 s before its speed reaches a quarter of its peak)."""
    spec = RepSpec(lift_s=1.5, top_s=1.0, lower_s=2.5, bottom_s=0.8)
    s = synthetic_set([spec] * 8, noise_deg=0.3, seed=2)
    live, reported = _stream(s.motion)
    assert [r.number for _, r in reported] == list(range(1, 8))
    final = live.finish()
    assert final.metrics.rep_count == 8
    for when, rep in reported:
        nxt = final.reps[rep.number]  # the next rep (numbers start at 1)
        assert nxt.lift_start is not None
        # next lift starts, then lift + top hold, then the 8 deg turn and the filter lag
        assert when - nxt.lift_start <= spec.lift_s + spec.top_s + 1.8


def test_memory_stays_bounded_on_a_long_set():
    """100 reps at 60 Hz: the buffer never holds more than about two reps of samples."""
    spec = RepSpec(lift_s=1.2, top_s=0.8, lower_s=2.0, bottom_s=0.6)
    s = synthetic_set([spec] * 100, rate_hz=60.0, noise_deg=0.3, seed=5)
    live = StreamingAnalyzer(params=PARAMS, neutral_known=True)
    longest = 0
    for t, x in zip(s.motion.time, s.motion.channel("extension"), strict=True):
        live.push(float(t), float(x))
        longest = max(longest, len(live._t))
    rep_samples = 60.0 * (spec.lift_s + spec.top_s + spec.lower_s + spec.bottom_s)
    assert longest <= 2.5 * rep_samples
    assert live.finish().metrics.rep_count == 100


def test_time_going_backwards_is_refused():
    """A live feed with a timestamp that does not increase raises at once."""
    live = StreamingAnalyzer(params=PARAMS, neutral_known=True)
    live.push(0.0, 1.0)
    with pytest.raises(ValueError, match="strictly increasing"):
        live.push(0.0, 2.0)
