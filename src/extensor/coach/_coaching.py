"""Coaching for one analysed set: cues, what went well, and the load verdict.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> from extensor._analysis import run_analysis
>>> from extensor.knowledge import load_exercise
>>> s = synthetic_set([RepSpec()] * 10 + [RepSpec(lower_s=1.0)] * 2, noise_deg=0.0, keypoints=True)
>>> run = run_analysis(s.keypoints, goal="hypertrophy", variant="45_degree_bench")
>>> c = coach_set(run.result, exercise=load_exercise())
>>> [cue.title for cue in c.cues], c.verdict.decision
(['Dropping on the way down'], 'keep')
>>> c.cues[0].evidence
'Reps 11-12 lowered in 0.8 s; the hypertrophy target is 2.5 s'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from extensor.coach._cues import Cue, max_cues, set_cues, went_well
from extensor.coach._verdict import LoadVerdict, judge_load, judged_by_verdict
from extensor.core import SetAnalysis
from extensor.knowledge import Exercise, Goal
from extensor.progression import Profile, Rules, SessionSummary, load_rules

__all__ = ["COACHING_SCHEMA", "Coaching", "coach_set"]

#: Version of the ``"coaching"`` JSON layout (``docs/coaching.md``); bump on incompatible change.
#: 2: the verdict comes from the progression rules (``rule`` is a ``progression.toml`` rule
#: id, new ``knowledge_rule`` and decision ``stop``).
COACHING_SCHEMA = "extensor.coaching/2"


@dataclass(frozen=True, slots=True)
class Coaching:
    """What a coach would say about one set.

    ``cues`` are the (at most the data file's ``max_cues``) things to change, most
    urgent first; ``also_seen`` the other faults, in the same order; ``went_well`` short
    sentences of praise; ``verdict`` the load decision for the next set.
    """

    goal: Goal
    rep_count: int
    clean_rep_count: int
    cues: tuple[Cue, ...]
    also_seen: tuple[Cue, ...]
    went_well: tuple[str, ...]
    verdict: LoadVerdict
    #: Mistakes the analysis could not observe and the load verdict did not judge either
    #: (what the report and the terminal list as "not judged from this input").
    not_judged: tuple[str, ...] = ()

    @property
    def all_cues(self) -> tuple[Cue, ...]:
        return self.cues + self.also_seen

    def to_dict(self) -> dict[str, Any]:
        """The ``"coaching"`` object of the JSON export (plain types only)."""
        g = self.goal
        return {
            "schema": COACHING_SCHEMA,
            "goal": {
                "id": g.id,
                "name": g.name,
                "reps": {"min": g.reps.min, "max": g.reps.max},
                "tempo": {
                    "lift_s": g.tempo.lift_s,
                    "top_s": g.tempo.top_s,
                    "lower_s": g.tempo.lower_s,
                    "bottom_s": g.tempo.bottom_s,
                },
                "requires_top_pause": g.requires_top_pause,
                "progresses_load": g.progresses_load,
            },
            "rep_count": self.rep_count,
            "clean_rep_count": self.clean_rep_count,
            "cues": [c.to_dict() for c in self.cues],
            "also_seen": [c.to_dict() for c in self.also_seen],
            "went_well": list(self.went_well),
            "verdict": self.verdict.to_dict(),
        }


def coach_set(
    result: SetAnalysis,
    /,
    *,
    exercise: Exercise,
    goal: Goal | str | None = None,
    cue_limit: int | None = None,
    rules: Rules | None = None,
    history: Sequence[SessionSummary] | None = None,
    profile: Profile | None = None,
    today: date | None = None,
    pain: bool = False,
) -> Coaching:
    """Cues, praise and the load verdict for ``result``.

    ``goal`` defaults to the goal the set was analysed for (``result.goal``); pass the
    same goal the analysis used, since the faults already reflect its tempo. ``cue_limit``
    (default: the data file's ``max_cues``) is how many cues the lifter is shown. ``rules``,
    ``history``, ``profile``, ``today`` and ``pain`` go to :func:`judge_load` (the
    training log the set was saved in, when it was).
    """
    the_rules = rules or load_rules()
    g = exercise.goal(result.goal if goal is None else goal) if not isinstance(goal, Goal) else goal
    cues = set_cues(result, exercise=exercise, goal=g)
    limit = max_cues(exercise) if cue_limit is None else cue_limit
    judged = judged_by_verdict(result, exercise=exercise, rules=the_rules)
    verdict = judge_load(
        result, exercise=exercise, goal=g, rules=the_rules, history=history, profile=profile,
        today=today, pain=pain,
    )  # fmt: skip
    return Coaching(
        goal=g,
        rep_count=len(result.reps),
        clean_rep_count=len(result.clean_reps),
        cues=cues[:limit],
        also_seen=cues[limit:],
        went_well=went_well(result, exercise=exercise, goal=g),
        verdict=verdict,
        not_judged=tuple(m for m in result.not_observable if m not in judged),
    )
