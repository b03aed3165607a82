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
    assert v.rule == "load_too_heavy"
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
    assert (v.rule, v.knowledge_rule) == ("more_clean_reps", "add_reps")
    assert v.action == rule_action(exercise, "add_reps")


def test_other_faults_keep_the_load_until_fixed(exercise: Exercise) -> None:
    v = verdict([CLEAN] * 13 + [RepSpec(lower_s=1.0)] * 2, exercise)
    assert v.decision == "keep"
    assert (v.rule, v.knowledge_rule) == ("fix_one_fault", "quality_first")
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
    assert v.rule == "goal_keeps_load"
    assert v.action == goal.load_note
    assert v.guide_anchor == "goal-technique"


def test_verdict_json_has_decision_headline_reason_and_action(exercise: Exercise) -> None:
    data = verdict([CLEAN] * 3, exercise).to_dict()
    assert set(data) == {
        "decision",
        "headline",
        "reason",
        "action",
        "rule",
        "knowledge_rule",
        "guide_anchor",
    }
    assert data["headline"] == "Keep the load"


def test_no_complete_rep_keeps_the_load_and_asks_for_a_whole_set(exercise: Exercise) -> None:
    """A recording without one complete rep cannot judge the load (rule no_complete_rep)."""
    s = synthetic_set([RepSpec()], noise_deg=0.0, seed=2)
    cut = s.motion.copy()
    half = len(cut.time) // 2
    cut = cut.copy(time=cut.time[:half], data={k: v[:half] for k, v in cut.data.items()})
    result = run_analysis(cut, goal="hypertrophy", variant="45_degree_bench").result
    assert result.complete_rep_count == 0
    v = judge_load(result, exercise=exercise, goal=exercise.goal("hypertrophy"))
    assert (v.decision, v.rule) == ("keep", "no_complete_rep")
    assert v.reason == "No complete rep was found in this recording, so the load cannot be judged."


def test_pain_with_the_set_stops_the_exercise(exercise: Exercise) -> None:
    """Pain reported with the set: the progression rule ``pain`` decides, before any load rule."""
    s = synthetic_set([CLEAN] * 15, noise_deg=0.2, seed=2)
    result = run_analysis(s.motion, goal="hypertrophy", variant="45_degree_bench").result
    v = judge_load(result, exercise=exercise, goal=exercise.goal("hypertrophy"), pain=True)
    assert (v.decision, v.rule, v.headline) == ("stop", "pain", "Stop: pain was reported")
