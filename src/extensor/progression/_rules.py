"""The progression rules file: its pydantic schema, loader and cross-checks.

Rules are data (``extensor/progression/data/progression.toml``): an ordered list, each
with an ``id``, a ``condition`` name, its numeric ``params`` (value, unit, reason), an
``action`` name and two message templates. The first rule whose condition holds decides
(see :func:`extensor.progression.recommend`). A coach edits the file, never the code.

Templates use ``{name}`` placeholders; the names a rule may use are :data:`TEMPLATE_FIELDS`
plus its own parameter names. Every problem is reported as ``"<field path>: <problem>"``
with the file name in front.

>>> rules = load_rules()
>>> [r.id for r in rules.rules][:3]
['pain_persists', 'pain', 'no_history']
>>> rules.rule("deload_after_stall").params["sessions"].unit
'sessions'
"""

from __future__ import annotations

import math
import string
import tomllib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from extensor._errors import KnowledgeBaseError
from extensor.knowledge import CATEGORIES, Exercise, format_validation_error

__all__ = [
    "ACTIONS",
    "ACTION_DECISIONS",
    "ACTION_PARAMS",
    "CONDITIONS",
    "CONDITION_PARAMS",
    "FIXED_FIELDS",
    "SET_FIELDS",
    "TEMPLATE_FIELDS",
    "Action",
    "Condition",
    "Decision",
    "Quality",
    "Rule",
    "RuleParam",
    "Rules",
    "load_rules",
    "template_fields",
]

Condition = Literal[
    "no_history",
    "pain_persists",
    "pain_reported",
    "after_break",
    "clean_at_top_of_range",
    "stalled",
    "no_complete_rep",
    "too_heavy_signs",
    "faults_in_last_session",
    "goal_keeps_load",
    "always",
]
Action = Literal[
    "start", "stop", "reduce_load", "add_increment", "fix_fault", "add_reps", "keep_load"
]
Decision = Literal["too_heavy", "keep", "may_go_up", "stop"]
ParamUnit = Literal["sessions", "days", "fraction", "kg", "lb"]

#: Condition names a rule may use, in no particular order.
CONDITIONS: tuple[str, ...] = get_args(Condition)
#: Action names a rule may use.
ACTIONS: tuple[str, ...] = get_args(Action)

#: The load decision of one set (``extensor analyze``, the report, the web page) each
#: action stands for: the set verdict and the next-session advice come from the same rule.
ACTION_DECISIONS: Mapping[str, Decision] = {
    "start": "keep",
    "stop": "stop",
    "reduce_load": "too_heavy",
    "add_increment": "may_go_up",
    "fix_fault": "keep",
    "add_reps": "keep",
    "keep_load": "keep",
}

#: Parameters each condition reads by name -> unit.
CONDITION_PARAMS: Mapping[str, Mapping[str, str]] = {
    "pain_persists": {"sessions": "sessions"},
    "after_break": {"days": "days"},
    "stalled": {"sessions": "sessions"},
}
#: Parameters each action reads by name -> unit.
ACTION_PARAMS: Mapping[str, Mapping[str, str]] = {
    "stop": {"fraction": "fraction"},
    "reduce_load": {"fraction": "fraction"},
}

#: Placeholders every rule template may use (plus the rule's own parameter names).
TEMPLATE_FIELDS: Mapping[str, str] = {
    "load": "the working load of the last session, for example '40 kg'",
    "new_load": "the load recommended for the next session",
    "change": "the change from the last load to the new one, for example '-20%'",
    "lighter_load": "the reduced load used by the stop action's regressions",
    "increment": "the machine's smallest load step, from the profile",
    "goal": "the goal's name",
    "variant": "the variant's name",
    "reps_range": "the goal's rep range, for example '10-15'",
    "reps_min": "the bottom of the goal's rep range",
    "reps_max": "the top of the goal's rep range",
    "target_reps": "the reps per set to aim for next",
    "sets": "the number of sets to do next",
    "last_day": "the date of the last session",
    "days_since": "whole days since the last session",
    "stalled_sessions": "sessions since the last progress at this load",
    "pain_sessions": "consecutive most recent sessions with pain reported",
    "clean": "the last session's quality, for example '33 of 36 reps clean'",
    "clean_share": "share of clean reps in the last session, for example '92%'",
    "fault": "the title of the one fault to fix",
    "fault_id": "the id of that fault in the exercise file",
    "fault_count": "how many times it was seen in the last session",
    "cue": "the short cue for that fault",
    "fixed": "what a fixed fault looks like (from [fixed_when])",
    "start_load": "the exercise file's advice on a first load",
    "goal_id": "the goal's id, for example 'hypertrophy'",
    "load_note": "the goal's note on load (its `load_note` in the exercise file)",
    "knowledge_action": "the action text of the rule's knowledge_rule in the exercise file",
    "judged_cue": "the cue of the first mistake the rule judges (its `judges` list)",
    "record_how": "how to record a set that can be judged, for the kind of input the set came "
    "from ([verdict.record_how]: camera, sensor, other)",
}
#: Placeholders of the one-set verdict templates (``set_reason``, ``set_action``,
#: ``guide_anchor``), filled from the analysed set, besides :data:`TEMPLATE_FIELDS`.
SET_FIELDS: Mapping[str, str] = {
    "signs": "what the reps that show a too-heavy sign did, for example 'Reps 6-8 lost the "
    "neutral line at the top'",
    "faulty_reps": "the reps with a fault, for example 'Reps 3-4'",
    "fault_titles": "the titles of the faults seen, lower case, comma separated",
    "full_reps": "complete reps that were not partial",
    "caveat": "the [verdict] unjudged_sign text for each too-heavy sign this input could not "
    "show, or nothing",
}
#: Placeholders a ``[fixed_when]`` template may use, besides the detection parameters
#: of its mistake (``{min_lift_duration_s}``...).
FIXED_FIELDS: Mapping[str, str] = {
    "title": "the mistake's title",
    "cue": "the mistake's cue",
    "lift_s": "the goal's target lift time, s",
    "top_s": "the goal's target hold at the top, s",
    "lower_s": "the goal's target lowering time, s",
    "bottom_s": "the goal's target pause at the bottom, s",
    "reps_max": "the top of the goal's rep range",
}


def _collapse(text: str) -> str:
    collapsed = " ".join(text.split())
    if not collapsed:
        raise ValueError("must not be empty")
    return collapsed


def _parse_template(text: str) -> str:
    template_fields(text)  # raises ValueError on bad syntax
    return text


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$")]
Text = Annotated[str, AfterValidator(_collapse)]
Template = Annotated[Text, AfterValidator(_parse_template)]


def template_fields(text: str) -> set[str]:
    """The placeholder names in ``text``; ValueError for format specs or bad braces.

    >>> sorted(template_fields("Add {increment} to {load}."))
    ['increment', 'load']
    """
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as err:
        raise ValueError(f"template has unbalanced braces: {err}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"placeholder must be a plain name like {{load}}, got {{{name}}}")
        if spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must not carry a format (':' or '!')")
        names.add(name)
    return names


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleParam(_Model):
    """A number a rule reads: value, unit and the reason for the value."""

    value: float
    unit: ParamUnit
    reason: Annotated[Text, StringConstraints(max_length=240)]

    @model_validator(mode="after")
    def _check_value(self) -> RuleParam:
        if not math.isfinite(self.value) or self.value < 0:
            raise ValueError(f"value must be a finite number >= 0, got {self.value}")
        if self.unit == "fraction" and self.value >= 1:
            raise ValueError(f"value must be below 1 for a fraction, got {self.value}")
        if self.unit in ("sessions", "days") and self.value != int(self.value):
            raise ValueError(f"value must be a whole number of {self.unit}, got {self.value}")
        return self

    def __str__(self) -> str:
        if self.unit == "fraction":
            return f"{self.value * 100:g}%"
        if self.unit in ("kg", "lb"):
            return f"{self.value:g} {self.unit}"
        return f"{self.value:g}"


class Rule(_Model):
    """One ordered rule: when ``condition`` holds, do ``action`` and say ``message``."""

    id: Id
    condition: Condition
    action: Action
    params: dict[Id, RuleParam] = Field(default_factory=dict)
    message: Template
    reason: Template
    knowledge_rule: Id | None = None
    #: The one-set verdict's texts; without them it says ``reason`` and ``message``.
    set_reason: Template | None = None
    set_action: Template | None = None
    #: The guide anchor that explains the rule (default ``progression`` when the rule
    #: has a knowledge_rule).
    guide_anchor: Template | None = None
    #: Mistakes of the exercise file this rule judges (not observed rep by rep, so the
    #: report must not list them as "not judged").
    judges: tuple[Id, ...] = ()

    @property
    def decision(self) -> Decision:
        """The one-set load decision this rule stands for (:data:`ACTION_DECISIONS`)."""
        return ACTION_DECISIONS[self.action]

    @model_validator(mode="after")
    def _check(self) -> Rule:
        required = {
            **CONDITION_PARAMS.get(self.condition, {}),
            **ACTION_PARAMS.get(self.action, {}),
        }
        for name, unit in required.items():
            if name not in self.params:
                raise ValueError(
                    f"params.{name}: required by condition {self.condition!r} / action "
                    f"{self.action!r} (unit {unit})"
                )
            if self.params[name].unit != unit:
                raise ValueError(
                    f"params.{name}.unit: must be {unit!r}, got {self.params[name].unit!r}"
                )
        for name in self.params:
            if name not in required:
                raise ValueError(
                    f"params.{name}: not read by condition {self.condition!r} or action "
                    f"{self.action!r}; remove it"
                )
        allowed = set(TEMPLATE_FIELDS) | set(self.params)
        for what in ("message", "reason"):
            unknown = template_fields(getattr(self, what)) - allowed
            if unknown:
                raise ValueError(
                    f"{what}: unknown placeholder(s) {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(allowed))}"
                )
        allowed |= set(SET_FIELDS)
        for what in ("set_reason", "set_action", "guide_anchor"):
            text = getattr(self, what)
            unknown = set() if text is None else template_fields(text) - allowed
            if unknown:
                raise ValueError(
                    f"{what}: unknown placeholder(s) {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(allowed))}"
                )
        return self


class VerdictTexts(_Model):
    """Texts of the one-set verdict shared by every rule."""

    unjudged_sign: Template
    #: How to record a judgeable set, by input: ``camera``, ``sensor``, ``other``.
    record_how: dict[Literal["camera", "sensor", "other"], Text] = Field(default_factory=dict)

    def recording_advice(self, kind: str) -> str:
        """The ``record_how`` text for an input kind (``keypoints``/``video`` are the
        camera, ``imu``/``encoder``/``sensor`` a sensor), else the ``other`` text."""
        group: Literal["camera", "sensor", "other"] = (
            "camera" if kind in ("video", "keypoints")
            else "sensor" if kind in ("imu", "encoder", "sensor") else "other"
        )  # fmt: skip
        return self.record_how.get(group) or self.record_how.get("other") or "record a whole set"

    @model_validator(mode="after")
    def _check(self) -> VerdictTexts:
        unknown = template_fields(self.unjudged_sign) - {"title"}
        if unknown:
            raise ValueError(f"unjudged_sign: unknown placeholder(s) {', '.join(sorted(unknown))}")
        return self


class Quality(_Model):
    """How sets without analysis (typed in by hand) count for the clean-rep gate."""

    unrated_sets_count_as_clean: bool
    reason: Text


class Rules(_Model):
    """The whole progression rules file."""

    schema_version: Literal[1]
    exercise: Id
    quality: Quality
    fault_priority: tuple[Literal["safety", "tempo", "range", "position", "breathing"], ...] = (
        Field(min_length=1)
    )
    fault_priority_reason: Text
    regressions: tuple[Template, ...] = Field(min_length=1)
    referral: Text
    params: dict[Id, RuleParam] = Field(default_factory=dict)
    fixed_when: dict[Id, Template] = Field(min_length=1)
    verdict: VerdictTexts
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Rules:
        seen: set[str] = set()
        for i, rule in enumerate(self.rules):
            if rule.id in seen:
                raise ValueError(f"rules[{i}].id: duplicate id {rule.id!r}")
            seen.add(rule.id)
        if self.rules[-1].condition != "always":
            raise ValueError(
                f"rules[{len(self.rules) - 1}].condition: the last rule must be 'always' so that "
                f"some rule always decides, got {self.rules[-1].condition!r}"
            )
        if not any(r.condition == "no_history" for r in self.rules):
            raise ValueError(
                "rules: a rule with condition 'no_history' is required (the other load "
                "actions need a logged session)"
            )
        if len(set(self.fault_priority)) != len(self.fault_priority):
            raise ValueError("fault_priority: must not repeat a category")
        missing = [c for c in CATEGORIES if c not in self.fault_priority]
        if missing:
            raise ValueError(f"fault_priority: missing category(ies) {', '.join(missing)}")
        if "default" not in self.fixed_when:
            raise ValueError("fixed_when.default: required (used for mistakes without a text)")
        for i, text in enumerate(self.regressions):
            unknown = template_fields(text) - set(TEMPLATE_FIELDS)
            if unknown:
                raise ValueError(
                    f"regressions[{i}]: unknown placeholder(s) {', '.join(sorted(unknown))}"
                )
        for unit in ("kg", "lb"):
            name = f"default_increment_{unit}"
            if name not in self.params or self.params[name].unit != unit:
                raise ValueError(f"params.{name}: required, with unit {unit!r}")
        return self

    def rule(self, rule_id: str) -> Rule:
        """The rule ``rule_id``; KnowledgeBaseError listing the ids when unknown."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(r.id for r in self.rules)
        raise KnowledgeBaseError(f"unknown progression rule {rule_id!r}; choose one of: {known}")

    def default_increment(self, unit: str) -> float:
        """The load step used when the profile does not give one."""
        return self.params[f"default_increment_{unit}"].value

    def problems(self, exercise: Exercise) -> list[str]:
        """Every reference from this file into ``exercise`` that does not resolve."""
        return list(self._problems(exercise))

    def _problems(self, exercise: Exercise) -> Iterable[str]:
        if self.exercise != exercise.id:
            yield f"exercise: must be {exercise.id!r} for this exercise, got {self.exercise!r}"
        kb_rules = {r.id for r in exercise.progression}
        for i, rule in enumerate(self.rules):
            if rule.knowledge_rule is not None and rule.knowledge_rule not in kb_rules:
                yield (
                    f"rules[{i}].knowledge_rule: unknown [[progression]] id "
                    f"{rule.knowledge_rule!r}; known: {', '.join(sorted(kb_rules))}"
                )
            for mid in rule.judges:
                if mid not in exercise.mistakes:
                    yield (
                        f"rules[{i}].judges: unknown mistake {mid!r}; known: "
                        f"{', '.join(exercise.mistakes)}"
                    )
        for key, text in self.fixed_when.items():
            if key == "default":
                allowed = set(FIXED_FIELDS)
            elif key not in exercise.mistakes:
                yield f"fixed_when.{key}: unknown mistake; known: {', '.join(exercise.mistakes)}"
                continue
            else:
                detection = exercise.mistakes[key].detection
                allowed = set(FIXED_FIELDS) | set(detection.params if detection else ())
            unknown = template_fields(text) - allowed
            if unknown:
                yield (
                    f"fixed_when.{key}: unknown placeholder(s) {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(allowed))}"
                )


def _data_file() -> Path:
    return Path(str(files("extensor.progression").joinpath("data", "progression.toml")))


def load_rules(path: Path | str | None = None, *, exercise: Exercise | None = None) -> Rules:
    """Load and validate the rules file (the packaged one unless ``path``).

    With ``exercise``, references into the exercise file (``knowledge_rule`` ids, mistake
    ids and detection parameters in ``[fixed_when]``) are checked too. Every problem raises
    KnowledgeBaseError naming the file and the field.
    """
    source = Path(path) if path is not None else _data_file()
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeBaseError("progression rules file not found", source=source) from None
    except (OSError, UnicodeDecodeError) as err:
        raise KnowledgeBaseError(f"cannot read progression rules: {err}", source=source) from None
    rules = _parse(text, str(source))
    if exercise is not None:
        problems = rules.problems(exercise)
        if problems:
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise KnowledgeBaseError(problems[0] + more, source=source)
    return rules


@lru_cache(maxsize=8)
def _parse(text: str, source: str) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise KnowledgeBaseError(f"not valid TOML: {err}", source=source) from None
    try:
        return Rules.model_validate(data)
    except ValidationError as err:
        raise KnowledgeBaseError(format_validation_error(err), source=source) from None
