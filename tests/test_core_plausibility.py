"""Plausibility and confidence: a rep a trunk cannot do is not judged; weak faults are 'possible'."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extensor._analysis import analysis_params, run_analysis
from extensor.core import keypoint_series
from extensor.core._plausibility import grade_faults, implausible_reasons
from extensor.core._results import Fault
from extensor.core._synthetic import RepSpec, make_rep, synthetic_set
from extensor.knowledge import load_exercise

EX = load_exercise()
LIM = analysis_params(EX, variant="45_degree_bench", goal="hypertrophy").plausibility
BE = "45_degree_bench"


def test_limits_come_from_the_data_file() -> None:
    a = EX.analysis_param
    assert LIM.max_range_deg == a("plausible_max_range_deg") == 130
    assert LIM.max_speed_dps == a("plausible_max_speed_dps")


@pytest.mark.parametrize(
    ("changes", "tracking", "phrase"),
    [
        ({"range_deg": 136.7}, (1.0, None), "a range of 137 deg"),
        ({"bottom_extension_deg": -132.0}, (1.0, None), "a bottom 132 deg below neutral"),
        ({"top_extension_deg": 60.0}, (1.0, None), "a top 60 deg past neutral"),
        ({"peak_lift_velocity_dps": 900.0}, (1.0, None), "a trunk speed of 900 deg/s"),
        ({}, (0.5, None), "the body tracked in only 50% of its frames"),
        ({}, (1.0, 0.35), "a keypoint confidence of 0.35"),
    ],
)
def test_each_limit_makes_a_rep_unreliable_with_its_reason(
    changes: dict[str, float], tracking: tuple[float, float | None], phrase: str
) -> None:
    why = implausible_reasons(
        make_rep(**changes), limits=LIM, neutral_known=True,
        tracked_share=tracking[0], keypoint_confidence=tracking[1],
    )  # fmt: skip
    assert len(why) == 1
    assert why[0].startswith(phrase)


def test_without_a_neutral_only_range_speed_and_tracking_are_checked() -> None:
    rep = make_rep(bottom_extension_deg=-132.0, top_extension_deg=60.0)
    assert implausible_reasons(rep, limits=LIM, neutral_known=False) == ()


@settings(max_examples=60, deadline=None)
@given(
    range_deg=st.floats(20, 125),
    bottom=st.floats(-120, -10),
    top=st.floats(-30, 40),
    speed=st.floats(20, 450),
)
def test_human_reps_are_never_flagged(
    range_deg: float, bottom: float, top: float, speed: float
) -> None:
    """Any rep inside the limits passes, whatever its shape."""
    rep = make_rep(range_deg=range_deg, bottom_extension_deg=bottom, top_extension_deg=top,
                   peak_lift_velocity_dps=speed, peak_lower_velocity_dps=speed)  # fmt: skip
    assert implausible_reasons(rep, limits=LIM, neutral_known=True, keypoint_confidence=0.9) == ()


def test_a_mis_tracked_rep_is_counted_but_not_judged_and_the_lifter_is_told_why() -> None:
    """The bottom after rep 3 reads -140 deg (beyond a straight-leg fold): reps 3 and 4, which
    both reach it, stay counted but are marked unreliable and their rushed lowerings are not
    reported, while rep 1's rushed lowering still is."""
    specs = [RepSpec(lower_s=1.0), RepSpec(), RepSpec(bottom_deg=-140.0, lower_s=1.0),
             RepSpec(lower_s=1.0)]  # fmt: skip
    s = synthetic_set(specs, noise_deg=0.0, keypoints=True)
    assert s.keypoints is not None
    r = run_analysis(s.keypoints, goal="hypertrophy", variant=BE).result
    assert r.metrics.rep_count == 4
    assert [x.reliable for x in r.reps] == [True, True, False, False]
    assert any("deg below neutral" in why for why in r.reps[2].unreliable_reasons)
    assert r.reps_with("rushed_lowering") == [1]
    notices = [n.message for n in r.notices if n.code == "unreliable_rep"]
    assert notices[0].startswith(
        "rep 3 is not judged: it shows a bottom 140 deg"
    )  # the built depth


def test_a_rep_with_poorly_seen_keypoints_is_unreliable() -> None:
    """Knee confidence 0.4 (above the 0.3 cut-off, under the rep's 0.5) during rep 2 only."""
    s = synthetic_set([RepSpec()] * 3, noise_deg=0.0, keypoints=True)
    kp = s.keypoints
    assert kp is not None
    first = run_analysis(kp, goal="hypertrophy", variant=BE).result.reps[1]
    points = {n: kp.channel(n).copy() for n in kp.data}
    sel = (kp.time >= first.start) & (kp.time <= first.end)
    for name in points:
        if name.endswith("_knee"):
            points[name][sel, 2] = 0.4
    r = run_analysis(keypoint_series(kp.time, points, unit="px", info=kp.info),
                     goal="hypertrophy", variant=BE).result  # fmt: skip
    assert [x.reliable for x in r.reps] == [True, False, True]
    assert r.reps[1].unreliable_reasons == ("a keypoint confidence of 0.40 (0.5 needed)",)


def test_every_fault_has_a_confidence_and_a_level_against_the_data_file() -> None:
    s = synthetic_set([RepSpec()] * 3 + [RepSpec(top_deg=25.0)], noise_deg=0.0, keypoints=True)
    assert s.keypoints is not None
    r = run_analysis(s.keypoints, goal="hypertrophy", variant=BE).result
    level = EX.analysis_param("min_cue_confidence")
    assert r.faults
    for f in r.faults:
        assert 0.0 < f.confidence <= 1.0
        assert f.level == ("clear" if f.confidence >= level else "possible")
    assert r.to_dict()["faults"][0]["level"] in ("clear", "possible")


def test_a_rep_seen_with_low_confidence_lowers_its_faults_confidence() -> None:
    f = Fault("past_neutral", 2, 3.0, 20.0, 10.0, "deg", 0.9, "")
    (g,) = grade_faults([f], rep_confidence={2: 0.5}, min_cue_confidence=0.6)
    assert (g.confidence, g.level) == (0.45, "possible")
    (h,) = grade_faults([f], rep_confidence={}, min_cue_confidence=0.6)
    assert (h.confidence, h.level) == (0.9, "clear")


# -- real clips ----------------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.video
def test_real_deadlift_first_rep_deeper_than_a_trunk_folds_is_unreliable(real_pose: Any) -> None:
    """The deadlift starts folded at the bar: the pose reads the trunk more than a
    straight-leg fold below neutral (or a range beyond a trunk's), so rep 1 is not judged."""
    r = run_analysis(
        real_pose("other-deadlift-side-2reps.mp4"), goal="hypertrophy", variant=BE
    ).result
    rep1 = r.reps[0]
    assert -rep1.bottom_extension_deg > LIM.max_flexion_deg or rep1.range_deg > LIM.max_range_deg
    assert not rep1.reliable
    assert any("below neutral" in why or "range" in why for why in rep1.unreliable_reasons)
    assert "unreliable_rep" in {n.code for n in r.notices}


@pytest.mark.shared
@pytest.mark.video
def test_real_six_rep_set_is_plausible_throughout(real_pose: Any) -> None:
    r = run_analysis(
        real_pose("hyperextension-45deg-6reps.mp4"), goal="hypertrophy", variant=BE
    ).result
    assert r.metrics.rep_count == 6
    assert all(x.reliable for x in r.reps)
    assert r.reps_with("past_neutral") == [1, 2, 3, 4, 5, 6]
    assert np.all([f.level == "clear" for f in r.faults_of("past_neutral")])
