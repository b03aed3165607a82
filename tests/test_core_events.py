"""Reps and phases as events on the motion series (Kinetics Toolkit's model)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extensor._analysis import run_analysis
from extensor.core._results import PHASES, phase_spans, rep_events, rep_extremes
from extensor.core._synthetic import RepSpec, make_rep, synthetic_set


@pytest.fixture(scope="module")
def run():
    s = synthetic_set([RepSpec()] * 4, noise_deg=0.0, seed=2)
    return s, run_analysis(s.motion, goal="hypertrophy", variant="45_degree_bench")


def test_the_motion_series_carries_every_rep_as_events(run) -> None:
    """Each of the 4 reps has start, end, top and bottom events, and the motion series holds them."""
    _, r = run
    names = {e.name for e in r.motion.events}
    for n in range(1, 5):
        assert {f"rep{n}:start", f"rep{n}:end", f"rep{n}:top", f"rep{n}:bottom"} <= names
    assert r.motion.events == r.result.events


def test_phase_events_time_the_phases_like_the_truth(run) -> None:
    """The lift and lower spans read from the events match the generator's analytic truth
    within 0.05 s (two samples at 50 Hz)."""
    s, r = run
    spans = {(n, p): b - a for n, p, a, b in phase_spans(r.motion.events)}
    for n, truth in enumerate(s.truth, start=1):
        assert spans[(n, "lift")] == pytest.approx(truth.lift_s, abs=0.05)
        assert spans[(n, "lower")] == pytest.approx(truth.lower_s, abs=0.05)


def test_a_rep_cut_between_its_events_spans_its_start_to_its_end(run) -> None:
    _, r = run
    rep2 = r.motion.get_ts_between_events("rep2:start", "rep2:end")
    assert rep2.time[0] >= r.result.reps[1].start
    assert rep2.time[-1] <= r.result.reps[1].end
    assert rep2.duration == pytest.approx(r.result.reps[1].duration, abs=0.05)


def test_phase_spans_follow_the_rep_numbers_and_phase_order() -> None:
    """Spans come back by rep, then lift, top, lower, bottom; a phase missing an end is left out."""
    reps = [make_rep(number=1), make_rep(number=2, lift_end=None, lift_s=None)]
    spans = [(n, p) for n, p, _, _ in phase_spans(rep_events(reps))]
    assert spans[:4] == [(1, p) for p in PHASES]
    assert (2, "lift") not in spans
    assert (2, "top") not in spans
    assert rep_extremes(rep_events(reps), "top") == [(1, 3.0), (2, 3.0)]


@settings(max_examples=25, deadline=None)
@given(
    lift=st.floats(0.8, 2.5),
    top=st.floats(0.0, 2.0),
    lower=st.floats(1.0, 4.0),
    bottom=st.floats(0.5, 2.0),
)
def test_events_time_every_phase_exactly_as_the_rep_does(lift, top, lower, bottom) -> None:
    """For any tempo, the spans read back from the events are the rep's own phase durations
    (to 1e-9 s): the events are the rep times, not a second estimate."""
    spec = RepSpec(lift_s=lift, top_s=top, lower_s=lower, bottom_s=bottom)
    s = synthetic_set([spec] * 3, noise_deg=0.0, seed=1)
    result = run_analysis(s.motion, goal="hypertrophy", variant="45_degree_bench").result
    spans = {(n, p): b - a for n, p, a, b in phase_spans(result.events)}
    for r in result.reps:
        assert spans[(r.number, "lift")] == pytest.approx(r.lift_s, abs=1e-9)
        assert spans[(r.number, "lower")] == pytest.approx(r.lower_s, abs=1e-9)
        if r.top_hold_s:
            assert spans[(r.number, "top")] == pytest.approx(r.top_hold_s, abs=1e-9)
        if r.bottom_settle_s:
            assert spans[(r.number, "bottom")] == pytest.approx(r.bottom_settle_s, abs=1e-9)
