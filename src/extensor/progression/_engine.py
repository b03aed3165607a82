"""The progression engine: one pure function from a training history to a recommendation.

:func:`recommend` walks the ordered rules of a :class:`~extensor.progression.Rules` file
and lets the first rule whose condition holds decide. Conditions and actions are small
named functions below; every number they use comes from the rule's ``params`` (value,
unit, reason) or from the exercise data file (rep ranges, detection thresholds, tempo).
No I/O, no clock: ``today`` is an argument.

>>> from datetime import date
>>> from extensor.knowledge import load_exercise
>>> from extensor.progression import Profile, SessionSummary, SetSummary, load_rules
>>> clean = SetSummary(load=40, unit="kg", reps=15, variant="45_degree_bench", clean_reps=15)
>>> history = [SessionSummary(day=date(2024, 5, 2), sets=(clean,) * 3)]
>>> rec = recommend(history, Profile(goal="hypertrophy", increment=2.5), load_rules(),
...                 load_exercise(), today=date(2024, 5, 4))
>>> rec.rule_id, rec.load, rec.target_reps
('add_load', 42.5, 10)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from extensor._errors import KnowledgeBaseError
from extensor.knowledge import Exercise, Goal
from extensor.progression._rules import SET_FIELDS, TEMPLATE_FIELDS, Decision, Rule, Rules
from extensor.progression._summary import Profile, SessionSummary, SetSummary
from extensor.progression._units import format_load

__all__ = ["Recommendation", "pick_focus", "recommend", "reduce_load"]

#: Loads closer than this (in the profile's unit) count as the same load; it absorbs the
#: rounding of kg <-> lb conversions.
_SAME_LOAD = 1e-3


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What to do next session, and why.

    ``load`` is in ``unit`` (the profile's); None means no load is prescribed (stop the
    exercise, or nothing logged to start from). ``focus`` is the mistake id to fix first.
    ``details`` holds extra lines: regressions and referral for a stop, the "fixed means"
    text for a fault.
    """

    rule_id: str
    action: str
    message: str
    reason: str
    load: float | None
    unit: str
    previous_load: float | None
    sets: int | None
    target_reps: int | None
    focus: str | None
    details: tuple[str, ...]
    knowledge_rule: str | None
    as_of: date
    based_on: date | None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    #: The one-set verdict of the same rule: its decision, reason and action (the rule's
    #: ``set_reason`` / ``set_action``, else ``reason`` / ``message``) and guide anchor.
    decision: Decision = "keep"
    set_reason: str = ""
    set_action: str = ""
    guide_anchor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain types for JSON."""
        return {
            "rule": self.rule_id,
            "action": self.action,
            "message": self.message,
            "reason": self.reason,
            "load": None if self.load is None else round(self.load, 3),
            "unit": self.unit,
            "previous_load": None if self.previous_load is None else round(self.previous_load, 3),
            "sets": self.sets,
            "target_reps": self.target_reps,
            "focus": self.focus,
            "details": list(self.details),
            "knowledge_rule": self.knowledge_rule,
            "as_of": self.as_of.isoformat(),
            "based_on": None if self.based_on is None else self.based_on.isoformat(),
            "evidence": dict(self.evidence),
            "decision": self.decision,
        }


def reduce_load(load: float, /, *, fraction: float, increment: float) -> float:
    """``load`` lowered by ``fraction``, in whole ``increment`` steps (at least one step).

    The result stays on the machine's grid of loads and never goes below zero.

    >>> reduce_load(40, fraction=0.1, increment=2.5)
    35.0
    >>> reduce_load(40, fraction=0.2, increment=2.5), reduce_load(2.5, fraction=0.5, increment=2.5)
    (30.0, 0.0)
    """
    if load <= 0:
        return 0.0
    if increment <= 0:
        return max(0.0, load * (1 - fraction))
    steps = max(1, math.ceil(load * fraction / increment - 1e-9))
    return max(0.0, round(load - steps * increment, 6))


def pick_focus(
    fault_ids: Sequence[str], /, *, exercise: Exercise, priority: Sequence[str]
) -> str | None:
    """The ONE fault to fix first: by category priority, then how often it was seen,
    then its order in the exercise file. Unknown ids come last.

    >>> from extensor.knowledge import load_exercise
    >>> ex = load_exercise()
    >>> by_category = {m.category: m.id for m in ex.mistakes.values() if m.observable}
    >>> seen = [by_category["range"]] * 5 + [by_category["safety"]]
    >>> tiers = ["safety", "tempo", "range", "position", "breathing"]
    >>> pick_focus(seen, exercise=ex, priority=tiers) == by_category["safety"]
    True
    """
    if not fault_ids:
        return None
    counts = Counter(fault_ids)
    order = {mid: i for i, mid in enumerate(exercise.mistakes)}

    def key(mid: str) -> tuple[int, int, int]:
        mistake = exercise.mistakes.get(mid)
        rank = (
            priority.index(mistake.category)
            if mistake and mistake.category in priority
            else len(priority)
        )
        return (rank, -counts[mid], order.get(mid, len(order)))

    return min(counts, key=key)


@dataclass(frozen=True, slots=True)
class _Context:
    """Everything the conditions and actions look at, computed once."""

    profile: Profile
    rules: Rules
    exercise: Exercise
    goal: Goal
    today: date
    sessions: tuple[SessionSummary, ...]  # every variant, oldest first
    relevant: tuple[SessionSummary, ...]  # only the profile's variant, non-empty, oldest first

    @property
    def last(self) -> SessionSummary | None:
        return self.sessions[-1] if self.sessions else None

    @property
    def last_relevant(self) -> SessionSummary | None:
        return self.relevant[-1] if self.relevant else None

    def load_of(self, s: SetSummary) -> float:
        return s.load_in(self.profile.unit)

    def working_load(self, session: SessionSummary | None) -> float | None:
        return None if session is None else session.top_load(self.profile.unit)

    def working_sets(self, session: SessionSummary) -> list[SetSummary]:
        top = self.working_load(session)
        if top is None:
            return []
        return [s for s in session.sets if abs(self.load_of(s) - top) <= _SAME_LOAD]

    def set_clean(self, s: SetSummary) -> bool:
        if s.faults:
            return False
        if s.clean_reps is None:
            return self.rules.quality.unrated_sets_count_as_clean
        return s.clean_reps >= s.reps

    def clean_count(self, s: SetSummary) -> int:
        if s.clean_count is None:
            return s.reps if self.rules.quality.unrated_sets_count_as_clean and not s.faults else 0
        return s.clean_count

    def score(self, session: SessionSummary) -> int:
        """Clean reps over the working sets: what has to grow for a session to count as progress."""
        return sum(self.clean_count(s) for s in self.working_sets(session))

    @property
    def current_load(self) -> float | None:
        load = self.working_load(self.last_relevant)
        return load if load is not None else self.working_load(self.last)

    def pain_streak(self) -> int:
        n = 0
        for s in reversed(self.sessions):
            if not s.pain:
                break
            n += 1
        return n

    def stalled_sessions(self) -> int:
        """Sessions at the current working load since its best score was first reached."""
        load = self.working_load(self.last_relevant)
        if load is None:
            return 0
        run: list[SessionSummary] = []
        for s in reversed(self.relevant):
            top = self.working_load(s)
            if top is None or abs(top - load) > _SAME_LOAD:
                break
            run.append(s)
        run.reverse()
        scores = [self.score(s) for s in run]
        best_at = scores.index(max(scores))
        return len(run) - 1 - best_at

    def days_since(self) -> int | None:
        return None if self.last is None else (self.today - self.last.day).days

    def clean_at_top(self) -> bool:
        last = self.last_relevant
        if last is None or not self.goal.progresses_load:
            return False
        if not all(self.set_clean(s) for s in last.sets):
            return False
        return all(s.reps >= self.goal.reps.max for s in self.working_sets(last))

    def faults(self) -> list[str]:
        last = self.last_relevant
        return [] if last is None else list(last.faults)

    def too_heavy_faults(self) -> list[str]:
        """Faults of the last session whose mistake is a sign of too much load."""
        signs = {m.id for m in self.exercise.mistakes.values() if m.load_too_heavy_sign}
        return [f for f in self.faults() if f in signs]

    def no_complete_rep(self) -> bool:
        """The last set was analysed and holds no complete rep."""
        last = self.last_relevant
        return last is not None and last.sets[-1].rated and last.sets[-1].reps == 0

    def planned_sets(self) -> int:
        rng = self.goal.sets
        last = self.last_relevant
        if last is None:
            level = self.exercise.levels.get(self.profile.level)
            position = level.sets_position if level else 0.0
            return round(rng.min + position * (rng.max - rng.min))
        return min(max(len(self.working_sets(last)), rng.min), rng.max)

    def clamp_reps(self, reps: int) -> int:
        return min(max(reps, self.goal.reps.min), self.goal.reps.max)


_ConditionFn = Callable[[_Context, Rule], bool]


def _param(rule: Rule, name: str) -> float:
    return rule.params[name].value


_CONDITIONS: dict[str, _ConditionFn] = {
    "no_history": lambda ctx, rule: ctx.last_relevant is None,
    "pain_persists": lambda ctx, rule: ctx.pain_streak() >= _param(rule, "sessions"),
    "pain_reported": lambda ctx, rule: ctx.last is not None and ctx.last.pain,
    "after_break": lambda ctx, rule: (ctx.days_since() or 0) > _param(rule, "days"),
    "clean_at_top_of_range": lambda ctx, rule: ctx.clean_at_top(),
    "stalled": lambda ctx, rule: ctx.stalled_sessions() >= _param(rule, "sessions"),
    "no_complete_rep": lambda ctx, rule: ctx.no_complete_rep(),
    "too_heavy_signs": lambda ctx, rule: bool(ctx.too_heavy_faults()),
    "faults_in_last_session": lambda ctx, rule: bool(ctx.faults()),
    "goal_keeps_load": lambda ctx, rule: not ctx.goal.progresses_load,
    "always": lambda ctx, rule: True,
}


@dataclass(slots=True)
class _Plan:
    load: float | None
    sets: int | None
    target_reps: int | None
    focus: str | None = None
    lighter_load: float | None = None


def _act(ctx: _Context, rule: Rule) -> _Plan:
    current = ctx.current_load
    inc = ctx.profile.increment
    goal = ctx.goal
    if rule.action == "start":
        return _Plan(None, ctx.planned_sets(), goal.reps.min)
    if rule.action == "stop":
        lighter = (
            None
            if current is None
            else reduce_load(current, fraction=_param(rule, "fraction"), increment=inc)
        )
        return _Plan(None, None, None, lighter_load=lighter)
    last = ctx.last_relevant
    if current is None or (last is None and rule.action in ("fix_fault", "add_reps", "keep_load")):
        raise KnowledgeBaseError(
            f"progression rule {rule.id!r} (action {rule.action}) matched before anything was "
            "logged; put the no_history rule before it",
        )
    if rule.action == "reduce_load":
        new = reduce_load(current, fraction=_param(rule, "fraction"), increment=inc)
        focus = None
        if rule.condition == "too_heavy_signs":
            focus = pick_focus(
                ctx.too_heavy_faults(), exercise=ctx.exercise, priority=ctx.rules.fault_priority
            )
        return _Plan(new, ctx.planned_sets(), goal.reps.min, focus=focus)
    if rule.action == "add_increment":
        return _Plan(current + inc, ctx.planned_sets(), goal.reps.min)
    assert last is not None  # checked above
    working = ctx.working_sets(last)
    if rule.action in ("fix_fault", "keep_load"):
        focus = (
            pick_focus(ctx.faults(), exercise=ctx.exercise, priority=ctx.rules.fault_priority)
            if rule.action == "fix_fault"
            else None
        )
        reps = ctx.clamp_reps(max((s.reps for s in working), default=goal.reps.min))
        return _Plan(current, ctx.planned_sets(), reps, focus=focus)
    # add_reps: one more clean rep than the best working set, inside the goal's range
    best = max((ctx.clean_count(s) for s in working), default=0)
    return _Plan(current, ctx.planned_sets(), ctx.clamp_reps(best + 1))


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "-"


def _fill(template: str, values: Mapping[str, str]) -> str:
    return " ".join(template.format_map(_Values(values)).split())


def _fixed_text(ctx: _Context, mistake_id: str) -> str:
    mistake = ctx.exercise.mistakes.get(mistake_id)
    template = ctx.rules.fixed_when.get(mistake_id, ctx.rules.fixed_when["default"])
    tempo = ctx.goal.tempo
    values = {
        "title": mistake.title if mistake else mistake_id,
        "cue": mistake.cue if mistake else "",
        "lift_s": f"{tempo.lift_s:g}",
        "top_s": f"{tempo.top_s:g}",
        "lower_s": f"{tempo.lower_s:g}",
        "bottom_s": f"{tempo.bottom_s:g}",
        "reps_max": str(ctx.goal.reps.max),
    }
    if mistake and mistake.detection:
        values.update({k: f"{p.value:g}" for k, p in mistake.detection.params.items()})
    return _fill(template, values)


def _clean_text(ctx: _Context) -> str:
    last = ctx.last_relevant
    if last is None:
        return "-"
    total = sum(s.reps for s in last.sets)
    clean = sum(ctx.clean_count(s) for s in last.sets)
    unrated = sum(1 for s in last.sets if s.clean_reps is None)
    text = f"{clean} of {total} reps clean"
    if unrated == len(last.sets):
        return text + ", as logged by hand"
    return text + (", partly logged by hand" if unrated else "")


def recommend(
    history: Sequence[SessionSummary],
    profile: Profile,
    rules: Rules,
    exercise: Exercise,
    *,
    today: date,
    set_values: Mapping[str, str] | None = None,
) -> Recommendation:
    """The recommendation for the next session, from the first rule whose condition holds.

    ``set_values`` fills the :data:`~extensor.progression.SET_FIELDS` placeholders of the
    rule's one-set verdict texts (``-`` when not given).

    ``history`` may come in any order; sessions after ``today`` and sessions without sets
    are ignored. Load progression looks only at sets on ``profile.variant``; pain and
    breaks look at every session. Loads are compared and returned in ``profile.unit``.
    Raises KnowledgeBaseError for a profile goal or variant the exercise does not have.
    """
    goal = exercise.goal(profile.goal)
    variant = exercise.variant(profile.variant)
    sessions = tuple(sorted((s for s in history if s.sets and s.day <= today), key=lambda s: s.day))
    relevant = tuple(r for r in (s.for_variant(profile.variant) for s in sessions) if r.sets)
    ctx = _Context(profile, rules, exercise, goal, today, sessions, relevant)
    rule = next(r for r in rules.rules if _CONDITIONS[r.condition](ctx, r))
    plan = _act(ctx, rule)

    unit = profile.unit
    fault_counts = Counter(ctx.faults())
    focus = plan.focus
    mistake = exercise.mistakes.get(focus) if focus else None
    values: dict[str, str] = {
        "load": format_load(ctx.current_load, unit),
        "new_load": format_load(plan.load, unit),
        "change": _change_text(ctx.current_load, plan.load),
        "lighter_load": format_load(plan.lighter_load, unit),
        "increment": format_load(profile.increment, unit),
        "goal": goal.name.lower(),
        "variant": variant.name.lower(),
        "reps_range": str(goal.reps),
        "reps_min": str(goal.reps.min),
        "reps_max": str(goal.reps.max),
        "target_reps": "-" if plan.target_reps is None else str(plan.target_reps),
        "sets": "-" if plan.sets is None else str(plan.sets),
        "last_day": "-" if ctx.last is None else ctx.last.day.isoformat(),
        "days_since": str(ctx.days_since() if ctx.days_since() is not None else "-"),
        "stalled_sessions": str(ctx.stalled_sessions()),
        "pain_sessions": str(ctx.pain_streak()),
        "clean": _clean_text(ctx),
        "clean_share": _share_text(ctx),
        "fault": (mistake.title if mistake else focus or "-").rstrip("."),
        "fault_id": focus or "-",
        "fault_count": str(fault_counts.get(focus, 0)) if focus else "0",
        "cue": mistake.cue if mistake else "-",
        "fixed": _fixed_text(ctx, focus) if focus else "-",
        "start_load": exercise.plan.start_load,
        "goal_id": goal.id,
        "load_note": goal.load_note,
        "knowledge_action": _knowledge_action(exercise, rule),
        "judged_cue": _judged_cue(exercise, rule),
        "record_how": rules.verdict.recording_advice(
            ctx.last.sets[-1].source if ctx.last is not None and ctx.last.sets else "other"
        ),
    }
    assert set(values) == set(TEMPLATE_FIELDS)
    values.update({name: str(p) for name, p in rule.params.items()})

    details: list[str] = []
    if rule.action == "stop":
        details += [_fill(t, values) for t in rules.regressions]
        details.append(rules.referral)
    verdict_values = {**dict.fromkeys(SET_FIELDS, "-"), **(set_values or {}), **values}
    if set_values and "record_how" in set_values:  # the analysed set knows its own input
        verdict_values["record_how"] = set_values["record_how"]
    anchor = rule.guide_anchor or ("progression" if rule.knowledge_rule else None)
    evidence: dict[str, Any] = {
        "sessions": len(sessions),
        "sessions_on_variant": len(relevant),
        "days_since_last": ctx.days_since(),
        "stalled_sessions": ctx.stalled_sessions(),
        "pain_streak": ctx.pain_streak(),
        "faults": dict(fault_counts),
    }
    return Recommendation(
        rule_id=rule.id,
        action=rule.action,
        message=_fill(rule.message, values),
        reason=_fill(rule.reason, values),
        load=plan.load,
        unit=unit,
        previous_load=ctx.current_load,
        sets=plan.sets,
        target_reps=plan.target_reps,
        focus=focus,
        details=tuple(details),
        knowledge_rule=rule.knowledge_rule,
        as_of=today,
        based_on=None if ctx.last is None else ctx.last.day,
        evidence=evidence,
        decision=rule.decision,
        set_reason=_fill(rule.set_reason or rule.reason, verdict_values),
        set_action=_fill(rule.set_action or rule.message, verdict_values),
        guide_anchor=None if anchor is None else _fill(anchor, verdict_values),
    )


def _knowledge_action(exercise: Exercise, rule: Rule) -> str:
    for kb in exercise.progression:
        if kb.id == rule.knowledge_rule:
            return kb.action
    return "-"


def _judged_cue(exercise: Exercise, rule: Rule) -> str:
    for mid in rule.judges:
        if mid in exercise.mistakes:
            return exercise.mistakes[mid].cue
    return "-"


def _share_text(ctx: _Context) -> str:
    last = ctx.last_relevant
    if last is None:
        return "-"
    total = sum(s.reps for s in last.sets)
    if total == 0:
        return "-"
    return f"{100 * sum(ctx.clean_count(s) for s in last.sets) / total:.0f}%"


def _change_text(old: float | None, new: float | None) -> str:
    if old is None or new is None or old <= 0:
        return "-"
    return f"{100 * (new - old) / old:+.0f}%"
