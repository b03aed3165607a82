"""A recording of several sets: windows at long rests, each set judged, range session-wide."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extensor._analysis import analysis_params, run_sets
from extensor.core import (
    RepSpec,
    analyze_motion,
    analyze_sets,
    make_rep,
    session_reference_range,
    set_windows,
    synthetic_set,
)
from extensor.knowledge import load_exercise

EXERCISE = load_exercise()
PARAMS = analysis_params(EXERCISE, variant="45_degree_bench", goal="hypertrophy")
REST_S = EXERCISE.analysis_param("set_rest_s")


def _reps(starts_and_ends: list[tuple[float, float]]):
    return [make_rep(number=k, start=a, end=b) for k, (a, b) in enumerate(starts_and_ends, 1)]


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=240), min_size=0, max_size=12),
    rest=st.integers(min_value=20, max_value=120),
)
def test_windows_cover_the_recording_and_cut_only_long_rests(gaps: list[int], rest: int):
    """Windows tile start..end; their count is 1 + the gaps of at least ``rest``; every rep
    lies inside exactly one window."""
    # quarter seconds, so every gap is exact in binary floating point
    spans, t = [], 1.0
    for gap in [0, *gaps]:
        t += gap / 4
        spans.append((t, t + 4.0))
        t += 4.0
    reps = _reps(spans)
    end = t + 1.0
    windows = set_windows(reps, start=0.0, end=end, min_rest_s=rest / 4)
    assert windows[0][0] == 0.0
    assert windows[-1][1] == end
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))
    assert len(windows) == 1 + sum(g >= rest for g in gaps)
    for r in reps:
        assert sum(a <= r.start and r.end <= b for a, b in windows) == 1


def test_no_rep_is_one_window():
    assert set_windows([], start=0.0, end=10.0, min_rest_s=15.0) == [(0.0, 10.0)]


def test_session_reference_ignores_incomplete_and_unreliable_reps():
    reps = [
        make_rep(range_deg=60.0),
        make_rep(range_deg=140.0, reliable=False),
        make_rep(range_deg=100.0, complete=False),
    ]
    assert session_reference_range(reps, percentile=90.0) == 60.0
    assert session_reference_range(reps[1:], percentile=90.0) is None


def _three_blocks():
    """Two full sets and a set of short reps (35 of 70 degrees), 40 s rests between."""
    full, short = RepSpec(), RepSpec(bottom_deg=-35.0)
    rest = RepSpec(bottom_s=40.0)
    # the last full rep lowers to the short reps' bottom and rests there
    rest_short = RepSpec(bottom_deg=-35.0, bottom_s=40.0)
    specs = [full] * 4 + [rest] + [full] * 4 + [rest_short] + [short] * 5
    return synthetic_set(specs, noise_deg=0.3, seed=4)


def test_three_blocks_become_three_sets_and_short_ones_are_partial():
    s = _three_blocks()
    sets = analyze_sets(s.motion, params=PARAMS, min_rest_s=REST_S)
    assert [r.metrics.rep_count for r in sets] == [5, 5, 5]
    assert [r.info["set"]["number"] for r in sets] == [1, 2, 3]
    assert all(r.info["set"]["of"] == 3 for r in sets)
    assert sets[0].reps_with("partial_range") == []
    assert sets[1].reps_with("partial_range") == []
    # alone, the short set is its own reference: no rep is partial against it
    last = sets[2].info["set"]
    alone = analyze_motion(s.motion.get_ts_between_times(last["start_s"], last["end_s"]),
                           params=PARAMS)  # fmt: skip
    assert alone.reps_with("partial_range") == []
    # in the session, every short rep is partial against the full ones
    assert sets[2].reps_with("partial_range") == [1, 2, 3, 4, 5]
    assert "session's best" in sets[2].faults_of("partial_range")[0].detail
    assert any(n.code == "one_of_sets" for n in sets[2].notices)


def test_the_sets_hold_the_whole_recordings_reps():
    s = _three_blocks()
    whole = analyze_motion(s.motion, params=PARAMS)
    sets = analyze_sets(s.motion, params=PARAMS, min_rest_s=REST_S)
    assert [r.start for part in sets for r in part.reps] == [r.start for r in whole.reps]


def test_one_set_is_the_plain_analysis():
    s = synthetic_set([RepSpec()] * 5, noise_deg=0.3, seed=2)
    (only,) = analyze_sets(s.motion, params=PARAMS, min_rest_s=REST_S)
    assert only == analyze_motion(s.motion, params=PARAMS)


def test_run_sets_slices_the_recording_per_set():
    s = _three_blocks()
    runs = run_sets(s.motion, goal="hypertrophy", variant="45_degree_bench")
    assert len(runs) == 3
    for run in runs:
        where = run.result.info["set"]
        assert run.motion.time[0] >= where["start_s"]
        assert run.motion.time[-1] <= where["end_s"]
        assert run.recording.time[0] >= where["start_s"]
        assert {e.name for e in run.motion.events} >= {"rep1:start", "rep5:end"}


@pytest.mark.parametrize("rest_s", [10.0, 14.0])
def test_a_rest_under_the_limit_keeps_one_set(rest_s: float):
    specs = [RepSpec()] * 3 + [RepSpec(bottom_s=rest_s)] + [RepSpec()] * 3
    s = synthetic_set(specs, noise_deg=0.3, seed=1)
    assert len(analyze_sets(s.motion, params=PARAMS, min_rest_s=REST_S)) == 1


def test_a_movement_cut_off_after_a_long_rest_is_no_set_of_its_own():
    """Two sets, a long rest, and a lift cut off by the end of the recording: still two
    sets; the fragment stays with the second, incomplete and not judged."""
    specs = [RepSpec()] * 3 + [RepSpec(bottom_s=40.0)] + [RepSpec()] * 3
    specs += [RepSpec(bottom_s=40.0), RepSpec()]
    s = synthetic_set(specs, noise_deg=0.3, seed=4)
    last = s.truth[-1]
    cut_at = last.start + 0.6 * last.lift_s  # part of the way up
    motion = s.motion.get_ts_between_times(float(s.motion.time[0]), cut_at)
    sets = analyze_sets(motion, params=PARAMS, min_rest_s=REST_S)
    assert [r.complete_rep_count for r in sets] == [4, 4]
    second = sets[1]
    assert [r.complete for r in second.reps] == [True] * 4 + [False]
    assert [f for f in second.faults if f.rep == 5] == []


@pytest.mark.parametrize("share", [0.5, 0.7, 0.9])
def test_a_lift_cut_off_by_the_end_is_not_called_partial(share: float):
    """The recording ends part of the way up: the rep's range is what was filmed, not
    the rep's, so partial_range is not judged on it (it is on a rep that stops short)."""
    s = synthetic_set([RepSpec()] * 3 + [RepSpec(top_deg=-30.0), RepSpec()], noise_deg=0.3, seed=4)
    last = s.truth[-1]
    motion = s.motion.get_ts_between_times(
        float(s.motion.time[0]), last.start + share * last.lift_s
    )
    result = analyze_motion(motion, params=PARAMS)
    assert len(result.reps) == 5
    assert result.reps[-1].incomplete == ("lift",)
    assert not result.reps[-1].range_observed
    assert result.reps_with("partial_range") == [4]
