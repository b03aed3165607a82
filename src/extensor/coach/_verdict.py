"""The load verdict for the next set, from one analysed set.

The rule, checked in order:

1. no complete rep: keep the load (nothing to judge);
2. any rep swung or snapped up, or went past neutral (:func:`too_heavy_signs`): too heavy;
3. any other fault: keep the load and fix the faults first;
4. the goal does not progress load (warm-up, technique): keep it;
5. every rep clean but fewer full reps than the top of the goal's rep range: keep the
   load and add reps;
6. every rep clean at the top of the goal's rep range: the load may go up.

The actions are the knowledge base's own words: the ``load_too_heavy`` mistake's cue and
the progression rules ``quality_first``, ``add_reps`` and ``add_load``.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> from extensor._analysis import run_analysis
>>> from extensor.knowledge import load_exercise
>>> ex = load_exercise()
>>> s = synthetic_set([RepSpec(top_deg=20.0)] * 3, noise_deg=0.0, keypoints=True)
>>> run = run_analysis(s.keypoints, goal="hypertrophy", variant="45_degree_bench")
>>> judge_load(run.result, exercise=ex, goal=ex.goal("hypertrophy")).decision
'too_heavy'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from extensor._errors import KnowledgeBaseError
from extensor.coach._cues import format_reps
from extensor.core import SetAnalysis
from extensor.knowledge import Exercise, Goal

__all__ = ["DECISIONS", "Decision", "LoadVerdict", "judge_load", "too_heavy_signs"]

Decision = Literal["too_heavy", "keep", "may_go_up"]
#: The three verdicts, lightest load first.
DECISIONS: tuple[Decision, ...] = ("too_heavy", "keep", "may_go_up")


def too_heavy_signs(exercise: Exercise, /) -> dict[str, str]:
    """Mistake id -> what the lifter did, for the mistakes that mean the load is too heavy
    (``load_too_heavy_sign`` in the data file: a thrown lift, a lost neutral line)."""
    return {
        m.id: m.load_too_heavy_sign
        for m in exercise.mistakes.values()
        if m.load_too_heavy_sign is not None
    }


_HEADLINES: dict[Decision, str] = {
    "too_heavy": "Too heavy: go lighter",
    "keep": "Keep the load",
    "may_go_up": "The load may go up",
}


@dataclass(frozen=True, slots=True)
class LoadVerdict:
    """What to do with the load next set, why, and which rule of the knowledge base said so.

    ``rule`` is a progression rule id (``add_load``, ``add_reps``, ``quality_first``), a
    mistake id (``load_too_heavy``), a goal field (``load_note``) or None.
    ``guide_anchor`` is the HTML anchor in the guide that explains the rule.
    """

    decision: Decision
    reason: str
    action: str
    rule: str | None
    guide_anchor: str | None

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
            "guide_anchor": self.guide_anchor,
        }


def _rule_action(exercise: Exercise, rule_id: str) -> str:
    for rule in exercise.progression:
        if rule.id == rule_id:
            return rule.action
    known = ", ".join(r.id for r in exercise.progression)
    raise KnowledgeBaseError(
        f"progression rule {rule_id!r} is required for the load verdict, got: {known}"
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def judge_load(result: SetAnalysis, /, *, exercise: Exercise, goal: Goal) -> LoadVerdict:
    """The load verdict for the next set (see the module docstring for the rule)."""
    full = [r for r in result.reps if r.complete and not r.partial]
    if not any(r.complete for r in result.reps):
        return LoadVerdict(
            "keep",
            "No complete rep was found in this recording, so the load cannot be judged.",
            "Record a whole set, side on, and analyse it again.",
            None,
            None,
        )

    signs = []
    for mistake, what in too_heavy_signs(exercise).items():
        reps = result.reps_with(mistake)
        if reps:
            signs.append(f"{format_reps(reps)} {what}")
    if signs:
        heavy = exercise.mistakes.get("load_too_heavy")
        action = heavy.cue if heavy is not None else "Use a lighter load next set."
        return LoadVerdict(
            "too_heavy",
            _sentence("; ".join(signs)),
            action,
            "load_too_heavy" if heavy is not None else None,
            "mistake-load_too_heavy" if heavy is not None else None,
        )

    if result.faults:
        faulty = sorted({f.rep for f in result.faults if f.rep is not None})
        titles = []
        for f in result.faults:
            title = exercise.mistakes[f.id].title if f.id in exercise.mistakes else f.id
            if title.lower() not in titles:
                titles.append(title.lower())
        return LoadVerdict(
            "keep",
            _sentence(f"{format_reps(faulty)} showed faults ({', '.join(titles)})"),
            _rule_action(exercise, "quality_first"),
            "quality_first",
            "progression",
        )

    if not goal.progresses_load:
        return LoadVerdict(
            "keep",
            f"Every rep was clean; {goal.name.lower()} sets do not add load.",
            goal.load_note,
            "load_note",
            f"goal-{goal.id}",
        )

    caveat = ""
    if "past_neutral" in result.not_observable:
        caveat = " Going past neutral could not be judged from this input; watch for it."
    if len(full) < goal.reps.max:
        return LoadVerdict(
            "keep",
            f"Every rep was clean, and {len(full)} full reps is below the top of the "
            f"{goal.name.lower()} range ({goal.reps} reps).{caveat}",
            _rule_action(exercise, "add_reps"),
            "add_reps",
            "progression",
        )
    return LoadVerdict(
        "may_go_up",
        f"Every rep was clean at {len(full)} full reps, the top of the "
        f"{goal.name.lower()} range ({goal.reps} reps).{caveat}",
        _rule_action(exercise, "add_load"),
        "add_load",
        "progression",
    )
