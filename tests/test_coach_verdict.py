"""The load verdict for the next set (extensor.coach.judge_load)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from extensor._analysis import run_analysis
from extensor.coach import LoadVerdict, judge_load, too_heavy_signs
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.knowledge import Exercise, load_exercise

CLEAN = RepSpec()


@pytest.fixture(scope="module")
def exercise() -> Exercise:
    return load_exercise()


def verdict(specs: Sequence[RepSpec], exercise: Exercise, goal: str = "hypertrophy") -> LoadVerdict:
    s = synthetic_set(list(specs), noise_deg=0.2, seed=2)
    result = run_analysis(s.motion, goal=goal, variant="45_degree_bench").result
    return judge_load(result, exercise=exercise, goal=exercise.goal(goal))


def rule_action(exercise: Exercise, rule_id: str) -> str:
    return next(r.action for r in exercise.progression if r.id == rule_id)


def test_swinging_up_makes_the_load_too_heavy(exercise: Exercise) -> None:
    v = verdict([CLEAN] * 4 + [RepSpec(lift_s=0.35)] + [CLEAN] * 10, exercise)
    assert v.decision == "too_heavy"
    assert v.reason == "Rep 5 swung or snapped up."
    assert v.action == exercise.mistake("load_too_heavy").cue
    assert v.guide_anchor == "mistake-load_too_heavy"


def test_going_past_neutral_makes_the_load_too_heavy(exercise: Exercise) -> None:
    v = verdict([CLEAN] * 12 + [RepSpec(top_deg=20.0)] * 3, exercise)
    assert v.decision == "too_heavy"
    assert v.reason == "Reps 13-15 lost the neutral line at the top."


def test_too_heavy_signs_are_swinging_and_losing_neutral(exercise: Exercise) -> None:
    """The data file marks a thrown lift and a lost neutral line as signs of too much load."""
    assert set(too_heavy_signs(exercise)) == {"momentum", "past_neutral"}


def test_all_clean_at_the_top_of_the_rep_range_may_go_up(exercise: Exercise) -> None:
    top = exercise.goal("hypertrophy").reps.max
    v = verdict([CLEAN] * top, exercise)
    assert v.decision == "may_go_up"
    assert v.rule == "add_load"
    assert v.action == rule_action(exercise, "add_load")
    assert f"{top} full reps" in v.reason


def test_all_clean_below_the_top_of_the_rep_range_keeps_the_load(exercise: Exercise) -> None:
    top = exercise.goal("hypertrophy").reps.max
    v = verdict([CLEAN] * (top - 3), exercise)
    assert v.decision == "keep"
    assert v.rule == "add_reps"
    assert v.action == rule_action(exercise, "add_reps")


def test_other_faults_keep_the_load_until_fixed(exercise: Exercise) -> None:
    v = verdict([CLEAN] * 13 + [RepSpec(lower_s=1.0)] * 2, exercise)
    assert v.decision == "keep"
    assert v.rule == "quality_first"
    assert "Reps 14-15" in v.reason
    assert "dropping on the way down" in v.reason


def test_a_goal_that_does_not_progress_load_keeps_it(exercise: Exercise) -> None:
    goal = exercise.goal("technique")
    assert not goal.progresses_load
    v = verdict(
        [RepSpec(lift_s=2.0, top_s=1.0, lower_s=2.5, bottom_s=1.0)] * goal.reps.max,
        exercise,
        "technique",
    )
    assert v.decision == "keep"
    assert v.action == goal.load_note


def test_verdict_json_has_decision_headline_reason_and_action(exercise: Exercise) -> None:
    data = verdict([CLEAN] * 3, exercise).to_dict()
    assert set(data) == {"decision", "headline", "reason", "action", "rule", "guide_anchor"}
    assert data["headline"] == "Keep the load"
