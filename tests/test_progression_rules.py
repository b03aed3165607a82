"""The progression rules file: schema, cross-checks with the exercise file, and that a coach
can change behaviour by editing data only."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import extensor.progression as progression
from extensor._errors import KnowledgeBaseError
from extensor.knowledge import CATEGORIES, load_exercise
from extensor.progression import (
    ACTION_PARAMS,
    CONDITION_PARAMS,
    CONDITIONS,
    Profile,
    SessionSummary,
    SetSummary,
    load_rules,
    recommend,
)
from extensor.progression._rules import _data_file, template_fields

EXERCISE = load_exercise()

EXPECTED_ALL = {
    "ACTIONS",
    "ACTION_DECISIONS",
    "Decision",
    "SET_FIELDS",
    "ACTION_PARAMS",
    "CONDITIONS",
    "CONDITION_PARAMS",
    "FIXED_FIELDS",
    "LB_IN_KG",
    "LOAD_UNITS",
    "MAX_LOAD_KG",
    "SET_SOURCES",
    "TEMPLATE_FIELDS",
    "Best",
    "LoadUnit",
    "PersonalBests",
    "Profile",
    "Recommendation",
    "Rule",
    "RuleParam",
    "Rules",
    "SessionSummary",
    "SetSource",
    "SetSummary",
    "convert",
    "format_load",
    "load_rules",
    "parse_load",
    "parse_unit",
    "personal_bests",
    "pick_focus",
    "recommend",
    "reduce_load",
}


def raw_rules() -> dict[str, Any]:
    return tomllib.loads(_data_file().read_text(encoding="utf-8"))


def write_rules(tmp_path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` back as TOML (only the shapes the rules file uses)."""
    lines: list[str] = []

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(v)

    def table(prefix: str, d: dict[str, Any]) -> None:
        scalars = {k: v for k, v in d.items() if not isinstance(v, dict | list) or (
            isinstance(v, list) and not any(isinstance(x, dict) for x in v))}  # fmt: skip
        for k, v in scalars.items():
            lines.append(f"{k} = {value(v)}")
        for k, v in d.items():
            if isinstance(v, dict):
                lines.append(f"[{prefix}{k}]")
                table(f"{prefix}{k}.", v)
            elif isinstance(v, list) and any(isinstance(x, dict) for x in v):
                for item in v:
                    lines.append(f"[[{prefix}{k}]]")
                    table(f"{prefix}{k}.", item)

    table("", data)
    path = tmp_path / "rules.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rule_index(data: dict[str, Any], rule_id: str) -> int:
    return next(i for i, r in enumerate(data["rules"]) if r["id"] == rule_id)


def test_public_surface_is_pinned() -> None:
    assert set(progression.__all__) == EXPECTED_ALL


def test_shipped_rules_are_valid_and_resolve_against_the_exercise() -> None:
    rules = load_rules(exercise=EXERCISE)
    assert rules.problems(EXERCISE) == []
    assert rules.rules[-1].condition == "always"
    assert set(rules.fault_priority) == set(CATEGORIES)


def test_shipped_rules_reference_the_knowledge_base_progression_texts() -> None:
    """The rules point at the [[progression]] entries they implement."""
    rules = load_rules()
    referenced = {r.knowledge_rule for r in rules.rules if r.knowledge_rule}
    assert {"pain_stops", "quality_first", "add_reps", "add_load"} <= referenced


def test_every_parameter_carries_value_unit_and_reason() -> None:
    rules = load_rules()
    params = [*rules.params.values(), *(p for r in rules.rules for p in r.params.values())]
    assert params
    for p in params:
        assert p.reason
        assert p.unit


def test_required_parameters_match_the_engine() -> None:
    """Each condition/action that reads parameters has them, with the right unit."""
    for rule in load_rules().rules:
        needed = {**CONDITION_PARAMS.get(rule.condition, {}), **ACTION_PARAMS.get(rule.action, {})}
        assert {k: rule.params[k].unit for k in needed} == needed
    assert set(CONDITIONS) >= set(CONDITION_PARAMS)


def test_template_fields_rejects_format_specs_and_bad_braces() -> None:
    assert template_fields("a {load} b {new_load}") == {"load", "new_load"}
    with pytest.raises(ValueError, match="must not carry a format"):
        template_fields("{load:.1f}")
    with pytest.raises(ValueError, match="unbalanced"):
        template_fields("{load")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"][rule_index(d, "deload_after_stall")].update(condition="sometimes"),
         r"rules\[\d\]\.condition: must be one of"),
        (lambda d: d["rules"][rule_index(d, "deload_after_stall")]["params"].pop("sessions"),
         r"params\.sessions: required by condition 'stalled'"),
        (lambda d: d["rules"][rule_index(d, "return_after_break")]["params"]["days"].update(unit="weeks"),
         r"params\.days\.unit: must be one of"),
        (lambda d: d["rules"][rule_index(d, "return_after_break")]["params"]["fraction"].update(value=1.5),
         r"value must be below 1 for a fraction"),
        (lambda d: d["rules"][rule_index(d, "add_load")].update(message="Add {weight}."),
         r"message: unknown placeholder\(s\) weight"),
        (lambda d: d["rules"].append(dict(d["rules"][0])),
         r"duplicate id 'pain_persists'"),
        (lambda d: d["rules"].pop(),
         r"the last rule must be 'always'"),
        (lambda d: d.update(fault_priority=["safety", "tempo"]),
         r"fault_priority: missing category"),
        (lambda d: d["rules"][0]["params"]["sessions"].update(reason=""),
         r"reason: must not be empty"),
        (lambda d: d.update(surprise=1),
         r"surprise: unknown field"),
    ],
)  # fmt: skip
def test_bad_rules_files_name_the_field(tmp_path: Path, change: Any, message: str) -> None:
    data = raw_rules()
    change(data)
    path = write_rules(tmp_path, data)
    with pytest.raises(KnowledgeBaseError, match=message) as info:
        load_rules(path)
    assert str(path) in str(info.value)


def test_references_into_the_exercise_are_checked(tmp_path: Path) -> None:
    data = raw_rules()
    data["rules"][rule_index(data, "add_load")]["knowledge_rule"] = "add_plates"
    data["fixed_when"]["momentum"] = "lift takes {min_lift_time} s"
    path = write_rules(tmp_path, data)
    load_rules(path)  # fine on its own
    with pytest.raises(
        KnowledgeBaseError, match=r"unknown \[\[progression\]\] id 'add_plates'"
    ) as info:
        load_rules(path, exercise=EXERCISE)
    assert "and 1 more problems" in str(info.value)


def test_missing_and_malformed_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="not found"):
        load_rules(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("rules = [", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="not valid TOML"):
        load_rules(bad)


def test_a_coach_changes_the_stall_limit_and_deload_without_code(tmp_path: Path) -> None:
    """Editing params in the data file changes the decision: stall after 2 sessions, 20% off."""
    history = [
        SessionSummary(
            date(2024, 5, d), (SetSummary(40, "kg", 12, "seated_lever_machine", 12),) * 3
        )
        for d in (1, 3, 5)
    ]
    profile = Profile(goal="hypertrophy", variant="seated_lever_machine", increment=2.5)
    today = date(2024, 5, 7)
    assert recommend(history, profile, load_rules(), EXERCISE, today=today).rule_id == (
        "more_clean_reps"
    )
    data = raw_rules()
    stall = data["rules"][rule_index(data, "deload_after_stall")]
    stall["params"]["sessions"]["value"] = 2
    stall["params"]["fraction"]["value"] = 0.2
    rules = load_rules(write_rules(tmp_path, data), exercise=EXERCISE)
    rec = recommend(history, profile, rules, EXERCISE, today=today)
    assert rec.rule_id == "deload_after_stall"
    assert rec.load == pytest.approx(30)


def test_a_coach_reorders_rules_without_code(tmp_path: Path) -> None:
    """Moving the fault rule above the break rule changes which one decides."""
    faulty = SetSummary(40, "kg", 12, "seated_lever_machine", 10, faults=("bounce",) * 2)
    history = [SessionSummary(date(2024, 5, 1), (faulty,))]
    profile = Profile(goal="hypertrophy", variant="seated_lever_machine")
    late = date(2024, 6, 1)
    assert recommend(history, profile, load_rules(), EXERCISE, today=late).rule_id == (
        "return_after_break"
    )
    data = raw_rules()
    fix = data["rules"].pop(rule_index(data, "fix_one_fault"))
    data["rules"].insert(rule_index(data, "return_after_break"), fix)
    rules = load_rules(write_rules(tmp_path, data))
    assert recommend(history, profile, rules, EXERCISE, today=late).rule_id == "fix_one_fault"
