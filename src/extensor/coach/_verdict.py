"""The load verdict for the next set, from one analysed set: the progression rules decide.

There is one set of load rules, ``extensor/progression/data/progression.toml``. The set
becomes the last session of a history (the training log's sessions when the set is saved
there, else the set alone), :func:`extensor.progression.recommend` picks the first rule
that holds, and the verdict is that rule's decision (:data:`ACTION_DECISIONS`) with its
one-set texts (``set_reason``, ``set_action``). So ``extensor analyze``, the report, the
web page and ``extensor next`` always give the same answer on the same data.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> from extensor._analysis import run_analysis
>>> from extensor.knowledge import load_exercise
>>> ex = load_exercise()
>>> s = synthetic_set([RepSpec(top_deg=20.0)] * 3, noise_deg=0.0, keypoints=True)
>>> run = run_analysis(s.keypoints, goal="hypertrophy", variant="45_degree_bench")
>>> v = judge_load(run.result, exercise=ex, goal=ex.goal("hypertrophy"))
>>> v.decision, v.rule
('too_heavy', 'load_too_heavy')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from extensor.coach._cues import format_reps
from extensor.core import SetAnalysis
from extensor.knowledge import Exercise, Goal
from extensor.progression import (
    ACTION_DECISIONS,
    Decision,
    Profile,
    Recommendation,
    Rules,
    SessionSummary,
    SetSummary,
    load_rules,
    recommend,
)

__all__ = [
    "DECISIONS",
    "Decision",
    "LoadVerdict",
    "judge_load",
    "judged_by_verdict",
    "recommend_for_set",
    "set_summary",
    "too_heavy_signs",
    "verdict_from",
]

#: The verdicts, lightest load first (``stop``: pain was reported with the set).
DECISIONS: tuple[Decision, ...] = ("stop", "too_heavy", "keep", "may_go_up")
assert set(DECISIONS) == set(ACTION_DECISIONS.values())


def too_heavy_signs(exercise: Exercise, /) -> dict[str, str]:
    """Mistake id -> what the lifter did, for the mistakes that mean the load is too heavy
    (``load_too_heavy_sign`` in the data file: a thrown lift, a lost neutral line)."""
    return {
        m.id: m.load_too_heavy_sign
        for m in exercise.mistakes.values()
        if m.load_too_heavy_sign is not None
    }


_HEADLINES: dict[Decision, str] = {
    "stop": "Stop: pain was reported",
    "too_heavy": "Too heavy: go lighter",
    "keep": "Keep the load",
    "may_go_up": "The load may go up",
}


@dataclass(frozen=True, slots=True)
class LoadVerdict:
    """What to do with the load next set, why, and which progression rule said so.

    ``rule`` is the id of the rule in ``progression.toml`` (``add_load``,
    ``load_too_heavy``, ``fix_one_fault``...); ``knowledge_rule`` the matching
    ``[[progression]]`` text of the exercise file, if any. ``guide_anchor`` is the HTML
    anchor in the guide that explains the rule.
    """

    decision: Decision
    reason: str
    action: str
    rule: str | None
    guide_anchor: str | None
    knowledge_rule: str | None = None

    @property
    def headline(self) -> str:
        return _HEADLINES[self.decision]

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "headline": self.headline,
            "reason": self.reason,
            "action": self.action,
            "rule": self.rule,
            "knowledge_rule": self.knowledge_rule,
            "guide_anchor": self.guide_anchor,
        }


def verdict_from(rec: Recommendation, /) -> LoadVerdict:
    """The one-set verdict of a recommendation (the same rule, its one-set texts)."""
    return LoadVerdict(
        rec.decision, rec.set_reason, rec.set_action, rec.rule_id, rec.guide_anchor,
        rec.knowledge_rule,
    )  # fmt: skip


def set_summary(
    result: SetAnalysis,
    /,
    *,
    load: float = 0.0,
    unit: str = "kg",
    variant: str | None = None,
    pain: bool = False,
) -> SetSummary:
    """``result`` as the progression engine reads a logged set (what the log stores)."""
    return SetSummary(
        load=load,
        unit="lb" if unit == "lb" else "kg",
        reps=result.complete_rep_count,
        variant=variant or result.variant,
        clean_reps=len(result.clean_reps),
        faults=tuple(f.id for f in result.faults),
        pain=pain,
        source="keypoints",
    )


def _set_values(result: SetAnalysis, exercise: Exercise, rules: Rules) -> dict[str, str]:
    """The one-set placeholders (:data:`extensor.progression.SET_FIELDS`)."""
    signs = []
    for mistake, what in too_heavy_signs(exercise).items():
        reps = result.reps_with(mistake)
        if reps:
            signs.append(f"{format_reps(reps)} {what}")
    faulty = sorted({f.rep for f in result.faults if f.rep is not None})
    titles: list[str] = []
    for f in result.faults:
        title = exercise.mistakes[f.id].title if f.id in exercise.mistakes else f.id
        if title.lower() not in titles:
            titles.append(title.lower())
    caveat = "".join(
        " " + rules.verdict.unjudged_sign.format(title=exercise.mistakes[m].title)
        for m in too_heavy_signs(exercise)
        if m in result.not_observable
    )
    signs_text = "; ".join(signs)
    return {
        "signs": signs_text[:1].upper() + signs_text[1:],
        "faulty_reps": format_reps(faulty).capitalize() if faulty else "-",
        "fault_titles": ", ".join(titles),
        "full_reps": str(sum(1 for r in result.reps if r.complete and not r.partial)),
        "caveat": caveat,
        "record_how": rules.verdict.recording_advice(result.input_kind),
    }


def judge_load(
    result: SetAnalysis,
    /,
    *,
    exercise: Exercise,
    goal: Goal,
    rules: Rules | None = None,
    history: Sequence[SessionSummary] | None = None,
    profile: Profile | None = None,
    today: date | None = None,
    pain: bool = False,
) -> LoadVerdict:
    """The load verdict for the next set, from the progression rules.

    ``history`` is the training log the set belongs to, the set included (a saved set);
    without it the set alone is the history. ``profile`` gives the variant, unit and load
    step (default: the analysis's goal and variant); ``today`` the day of the set.
    """
    return verdict_from(
        recommend_for_set(
            result, exercise=exercise, goal=goal, rules=rules, history=history,
            profile=profile, today=today, pain=pain,
        )
    )  # fmt: skip


def recommend_for_set(
    result: SetAnalysis,
    /,
    *,
    exercise: Exercise,
    goal: Goal,
    rules: Rules | None = None,
    history: Sequence[SessionSummary] | None = None,
    profile: Profile | None = None,
    today: date | None = None,
    pain: bool = False,
) -> Recommendation:
    """The progression engine's recommendation behind :func:`judge_load`."""
    the_rules = rules or load_rules()
    day = today or date.today()
    base = profile or Profile(goal=goal.id, variant=result.variant)
    prof = Profile(
        level=base.level, goal=goal.id, variant=result.variant, increment=base.increment,
        unit=base.unit,
    )  # fmt: skip
    if history is None:
        history = [
            SessionSummary(day, (set_summary(result, unit=prof.unit, pain=pain),)),
        ]
    return recommend(
        history, prof, the_rules, exercise, today=day,
        set_values=_set_values(result, exercise, the_rules),
    )  # fmt: skip


def judged_by_verdict(
    result: SetAnalysis, /, *, exercise: Exercise, rules: Rules | None = None
) -> tuple[str, ...]:
    """Mistakes the load verdict judges from the whole set (a rule's ``judges``): judged
    whenever a complete rep was found and one of the too-heavy signs could be observed."""
    the_rules = rules or load_rules()
    signs = too_heavy_signs(exercise)
    seen = any(m not in result.not_observable for m in signs)
    if result.complete_rep_count == 0 or not seen:
        return ()
    return tuple(dict.fromkeys(m for r in the_rules.rules for m in r.judges))
