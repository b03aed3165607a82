"""Week-by-week training plans built from a goal and a level.

The numbers all come from the data file: the goal gives the set, rep, tempo and rest
ranges; the level says where in those ranges to sit and how often a lighter technique week
comes round. The scheme is a double progression: within a block the reps climb from the
level's start toward its end of the rep range at the same load; the next block may add the
smallest load step, but only when the clean-rep gate was met; every ``deload_every_weeks``-th
week is a technique week.

>>> from extensor.knowledge import load_exercise
>>> plan = make_plan(load_exercise(), "strength", level="beginner", weeks=4)
>>> [(w.week, w.kind, w.sets, w.reps) for w in plan.weeks]
[(1, 'build', 3, 8), (2, 'build', 3, 9), (3, 'build', 3, 10), (4, 'technique', 3, 8)]
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from extensor._errors import ConfigError
from extensor.knowledge._schema import Exercise, Goal, IntRange, Level, ProgressionRule, Tempo

__all__ = ["MAX_WEEKS", "LoadChange", "Plan", "PlanWeek", "make_plan"]

#: Longest plan :func:`make_plan` builds; past a few months a plan should be rebuilt from
#: what the lifter actually did.
MAX_WEEKS = 52

LoadChange = Literal["start_light", "hold", "increase_if_clean", "reduce"]


class PlanWeek(BaseModel):
    """What to do in one week: sets x reps at a tempo, rest, load guidance and focus."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    week: int
    kind: Literal["build", "technique"]
    sets: int
    reps: int
    tempo: Tempo
    rest_s: IntRange
    load_change: LoadChange
    load: str
    focus: str


class Plan(BaseModel):
    """A plan for one goal and level, with the ranges it was drawn from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise: str
    goal: str
    goal_name: str
    level: str
    level_name: str
    sets_range: IntRange
    reps_range: IntRange
    intensity: str
    requires_top_pause: bool
    placement: str
    level_load: str
    recommended_variants: tuple[str, ...]
    clean_rep_gate: str
    progression: tuple[ProgressionRule, ...]
    defaults_note: str
    weeks: tuple[PlanWeek, ...]


def make_plan(exercise: Exercise, /, goal: str, *, level: str = "beginner", weeks: int = 4) -> Plan:
    """Build a ``weeks``-long plan for ``goal`` at ``level``.

    Raises KnowledgeBaseError for an unknown goal or level and ConfigError when ``weeks``
    is outside 1..MAX_WEEKS.
    """
    the_goal = exercise.goal(goal)
    the_level = exercise.level(level)
    if not 1 <= weeks <= MAX_WEEKS:
        raise ConfigError(f"weeks must be between 1 and {MAX_WEEKS}, got {weeks}")
    return Plan(
        exercise=exercise.id,
        goal=the_goal.id,
        goal_name=the_goal.name,
        level=the_level.id,
        level_name=the_level.name,
        sets_range=the_goal.sets,
        reps_range=the_goal.reps,
        intensity=the_goal.intensity,
        requires_top_pause=the_goal.requires_top_pause,
        placement=the_goal.placement,
        level_load=the_level.load,
        recommended_variants=the_level.recommended_variants,
        clean_rep_gate=exercise.plan.clean_rep_gate,
        progression=exercise.progression,
        defaults_note=the_goal.defaults_note,
        weeks=tuple(_week(exercise, the_goal, the_level, n) for n in range(1, weeks + 1)),
    )


def _week(exercise: Exercise, goal: Goal, level: Level, week: int) -> PlanWeek:
    cycle = level.deload_every_weeks
    block, index = divmod(week - 1, cycle)
    build_weeks = cycle - 1
    low = _position(goal.reps, level.reps_start_position)
    high = _position(goal.reps, level.reps_end_position)
    if index == build_weeks:
        return PlanWeek(
            week=week,
            tempo=goal.tempo,
            rest_s=goal.rest_s,
            kind="technique",
            sets=goal.sets.min,
            reps=low,
            load_change="reduce",
            load=exercise.plan.technique_load,
            focus=exercise.plan.technique_week,
        )
    step = index / (build_weeks - 1) if build_weeks > 1 else 0.0
    reps = low + _round_half_up((high - low) * step)
    load_change: LoadChange
    if block == 0 and index == 0:
        load_change, load = "start_light", f"{level.load} {exercise.plan.start_load}"
    elif index == 0 and goal.progresses_load:
        load_change, load = "increase_if_clean", exercise.plan.load_step
    elif index == 0:
        load_change, load = "hold", goal.load_note
    else:
        load_change, load = "hold", exercise.plan.hold_load
    return PlanWeek(
        week=week,
        tempo=goal.tempo,
        rest_s=goal.rest_s,
        kind="build",
        sets=_position(goal.sets, level.sets_position),
        reps=reps,
        load_change=load_change,
        load=load,
        focus=goal.focus,
    )


def _position(span: IntRange, fraction: float) -> int:
    """The whole number at ``fraction`` of the way from ``span.min`` to ``span.max``."""
    return span.min + _round_half_up((span.max - span.min) * fraction)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)
