"""Training plans: the source's numbers per goal, and how weeks progress."""

from __future__ import annotations

import pytest

from extensor._errors import ConfigError, KnowledgeBaseError
from extensor.knowledge import Exercise, load_exercise, make_plan

#: goal -> (sets min, sets max, reps min, reps max), as the source gives them.
SOURCE_NUMBERS = {
    "endurance": (2, 3, 12, 20),
    "strength": (3, 4, 8, 12),
    "hypertrophy": (3, 4, 10, 15),
    "warm_up": (1, 2, 10, 12),
    "technique": (2, 2, 8, 10),
}

#: goal -> (lift, top, lower, bottom) target seconds and rest range (project defaults).
TEMPO_AND_REST = {
    "endurance": ((1.5, 0.5, 2.0, 0.5), (45, 60)),
    "strength": ((1.5, 1.0, 2.0, 0.5), (90, 120)),
    "hypertrophy": ((1.5, 1.0, 2.5, 0.5), (60, 90)),
    "warm_up": ((1.5, 0.5, 2.0, 0.5), (30, 60)),
    "technique": ((2.0, 1.0, 2.5, 1.0), (60, 90)),
}


@pytest.fixture(scope="module")
def ex() -> Exercise:
    return load_exercise()


@pytest.mark.parametrize(("goal", "numbers"), SOURCE_NUMBERS.items())
def test_goal_ranges_are_the_source_numbers(
    ex: Exercise, goal: str, numbers: tuple[int, ...]
) -> None:
    g = ex.goal(goal)
    assert (g.sets.min, g.sets.max, g.reps.min, g.reps.max) == numbers
    assert g.source == "seed_001"
    assert g.defaults_note


@pytest.mark.parametrize(("goal", "expected"), TEMPO_AND_REST.items())
def test_goal_tempo_and_rest_are_the_project_defaults(
    ex: Exercise, goal: str, expected: tuple[tuple[float, ...], tuple[int, int]]
) -> None:
    g = ex.goal(goal)
    tempo, rest = expected
    assert (g.tempo.lift_s, g.tempo.top_s, g.tempo.lower_s, g.tempo.bottom_s) == tempo
    assert (g.rest_s.min, g.rest_s.max) == rest


def test_only_pause_based_goals_require_a_top_pause(ex: Exercise) -> None:
    required = {gid for gid, g in ex.goals.items() if g.requires_top_pause}
    assert required == {"strength", "hypertrophy", "technique"}


def test_hypertrophy_lowering_sits_inside_the_sources_two_to_three_seconds(ex: Exercise) -> None:
    assert 2.0 <= ex.goal("hypertrophy").tempo.lower_s <= 3.0


def test_warm_up_is_placed_before_hinges(ex: Exercise) -> None:
    placement = ex.goal("warm_up").placement.lower()
    assert all(word in placement for word in ("before", "deadlift", "row", "hinge"))


@pytest.mark.parametrize("goal", SOURCE_NUMBERS)
@pytest.mark.parametrize("level", ["beginner", "intermediate", "advanced"])
def test_every_week_stays_inside_the_goal_ranges(ex: Exercise, goal: str, level: str) -> None:
    plan = make_plan(ex, goal, level=level, weeks=12)
    smin, smax, rmin, rmax = SOURCE_NUMBERS[goal]
    assert (plan.sets_range.min, plan.sets_range.max) == (smin, smax)
    assert (plan.reps_range.min, plan.reps_range.max) == (rmin, rmax)
    assert [w.week for w in plan.weeks] == list(range(1, 13))
    for week in plan.weeks:
        assert smin <= week.sets <= smax
        assert rmin <= week.reps <= rmax
        assert week.tempo == ex.goal(goal).tempo
        assert week.rest_s == ex.goal(goal).rest_s


def test_beginner_starts_at_the_lower_end_and_climbs(ex: Exercise) -> None:
    plan = make_plan(ex, "endurance", level="beginner", weeks=4)
    reps = [w.reps for w in plan.weeks]
    assert plan.weeks[0].sets == 2
    assert reps[0] == 12
    assert reps[0] < reps[1] < reps[2]
    assert plan.weeks[3].kind == "technique"


def test_advanced_uses_the_upper_end_of_the_set_range(ex: Exercise) -> None:
    plan = make_plan(ex, "strength", level="advanced", weeks=2)
    assert all(w.sets == 4 for w in plan.weeks)
    assert plan.weeks[-1].reps == 12


def test_load_only_rises_at_a_new_block_and_only_through_the_gate(ex: Exercise) -> None:
    """Week 1 starts light, build weeks hold, a new block may add load if reps were clean."""
    plan = make_plan(ex, "strength", level="intermediate", weeks=9)
    changes = [w.load_change for w in plan.weeks]
    assert changes == [
        "start_light",
        "hold",
        "hold",
        "reduce",
        "increase_if_clean",
        "hold",
        "hold",
        "reduce",
        "increase_if_clean",
    ]
    assert "clean-rep gate" in plan.weeks[4].load
    assert "clean" in plan.clean_rep_gate


def test_technique_week_comes_every_deload_interval(ex: Exercise) -> None:
    for level in ("beginner", "intermediate", "advanced"):
        every = ex.level(level).deload_every_weeks
        plan = make_plan(ex, "hypertrophy", level=level, weeks=12)
        technique = [w.week for w in plan.weeks if w.kind == "technique"]
        assert technique == list(range(every, 13, every))
        for week in plan.weeks:
            if week.kind == "technique":
                assert week.sets == 3  # lower end of the hypertrophy set range
                assert week.load_change == "reduce"


def test_goals_without_load_progression_never_add_load(ex: Exercise) -> None:
    for goal in ("warm_up", "technique"):
        plan = make_plan(ex, goal, level="intermediate", weeks=12)
        assert "increase_if_clean" not in {w.load_change for w in plan.weeks}


def test_plan_carries_placement_and_progression_rules(ex: Exercise) -> None:
    plan = make_plan(ex, "warm_up")
    assert plan.placement == ex.goal("warm_up").placement
    assert [r.id for r in plan.progression] == [r.id for r in ex.progression]
    assert plan.recommended_variants == ex.level("beginner").recommended_variants


@pytest.mark.parametrize("weeks", [0, -1, 53])
def test_weeks_outside_the_allowed_range_are_refused(ex: Exercise, weeks: int) -> None:
    with pytest.raises(ConfigError, match=f"weeks must be between 1 and 52, got {weeks}"):
        make_plan(ex, "strength", weeks=weeks)


def test_unknown_goal_and_level_list_the_valid_ones(ex: Exercise) -> None:
    with pytest.raises(KnowledgeBaseError, match="endurance, strength, hypertrophy"):
        make_plan(ex, "power")
    with pytest.raises(KnowledgeBaseError, match="beginner, intermediate, advanced"):
        make_plan(ex, "strength", level="pro")


def test_single_week_plan_is_a_light_start(ex: Exercise) -> None:
    (week,) = make_plan(ex, "technique", weeks=1).weeks
    assert (week.kind, week.sets, week.reps, week.load_change) == ("build", 2, 8, "start_light")
