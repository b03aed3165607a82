"""Every element of the two source documents is present in ``extensor guide --format json``.

The sources are not read here: their elements are listed below as short key terms, each
with the part of the guide where it must appear. A term is found when it occurs (case
insensitive) in the JSON text of that part.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from extensor.cli import app


@pytest.fixture(scope="module")
def guide() -> dict[str, Any]:
    result = CliRunner().invoke(app, ["guide", "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def text_of(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False).lower()


def ids_of(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


#: (guide part, step id, key terms): one row per setup or execution step of the sources.
STEP_TOPICS = [
    # source B, setup
    ("setup", "adjust_pads", ["pad", "hips", "lower back"]),
    ("setup", "plant_feet", ["feet", "footplate", "hip pads"]),
    ("setup", "set_torso_pad", ["upper-body pad", "shoulders", "rounded"]),
    ("setup", "brace_lightly", ["tighten", "breath"]),
    ("setup", "start_position", ["below", "spine long", "neck"]),
    # source A, setup
    ("setup", "lie_face_down", ["face down", "ankles", "ankle pads"]),
    ("setup", "hips_past_edge", ["hip crease", "edge", "lower abdomen"]),
    ("setup", "place_arms", ["cross your arms", "chest", "behind your head"]),
    # source B, execution
    ("execution", "begin_lowered", ["lowered", "hips", "lower back"]),
    ("execution", "lift_smoothly", ["opening the hips", "lower back", "even"]),
    ("execution", "head_neutral", ["chin", "head"]),
    ("execution", "reach_neutral", ["shoulders, hips and legs", "straight line"]),
    ("execution", "pause_and_squeeze", ["second", "glutes", "backward"]),
    ("execution", "lower_with_control", ["slowly", "lengthen"]),
    ("execution", "settle_then_repeat", ["stopped moving", "repeat"]),
    # source A, execution details
    ("execution", "lift_smoothly", ["core", "breathe out"]),
    ("execution", "reach_neutral", ["level with the floor"]),
    ("execution", "lower_with_control", ["breathe in"]),
]

#: (tip or mistake id, key terms) for every tip and every listed mistake of the sources.
TIP_TOPICS = [
    # source A, tips
    ("neutral_spine", ["neutral spine", "protects the lower back"]),
    ("drive_from_hips", ["glutes and hamstrings"]),
    ("breathe_with_rep", ["out as you rise", "in as you lower"]),
    ("no_momentum", ["swing", "control"]),
    ("start_light", ["light resistance", "stronger"]),
    ("arm_position", ["arms crossed", "behind the head", "resistance"]),
    ("core_engaged", ["brace", "whole set"]),
    ("stop_at_neutral", ["straight", "leaning back"]),
    ("balanced_program", ["well-rounded", "balance"]),
    ("listen_to_body", ["stop", "hurts"]),
    # source B, pro tips and common mistakes
    ("control_lowering", ["slow eccentric", "bouncing"]),
    ("ribs_down", ["rib cage", "cranking"]),
    ("small_forward_lean", ["slight forward lean", "deep rounding"]),
    ("match_load_to_goal", ["endurance", "strength", "stricter pauses"]),
]

MISTAKE_TOPICS = [
    ("past_neutral", ["behind the line", "arches"]),
    ("rushed_lowering", ["lowering", "bouncing"]),
    ("no_glute_squeeze", ["glutes", "lower back"]),
    ("momentum", ["snaps", "too heavy"]),
    ("ribs_flared", ["rib cage", "cranking"]),
    ("deep_rounding", ["forward lean", "rounding"]),
    ("breath_holding", ["breath", "tempo"]),
    ("bounce", ["rebound"]),
    ("head_not_neutral", ["chin", "head"]),
    ("load_too_heavy", ["yank", "neutral"]),
    ("pad_misadjusted", ["pad", "hips cannot"]),
    ("shoulders_rounded", ["torso pad", "shoulders"]),
    ("hips_unstable", ["support pads"]),
    ("core_relaxed", ["brace"]),
    ("no_settle", ["still moving"]),
    ("training_through_pain", ["pain"]),
]

#: FAQ id -> key terms of the question topic (source B asks six questions).
FAQ_TOPICS = {
    "muscles_worked": ["muscles", "erector spinae", "glutes and hamstrings"],
    "lower_back_strength": ["lower-back strength", "endurance", "balance"],
    "lean_back_at_top": ["lean back", "neutral", "compression"],
    "how_heavy": ["load", "jerk", "too heavy"],
    "beginners": ["beginners", "light", "small, controlled reps"],
    "vs_45_degree": ["45-degree", "bodyweight and gravity", "fixed path"],
}

#: Equipment id -> key terms of its recommended use (source B lists five items).
EQUIPMENT_TOPICS = {
    "back_extension_machine": ["back extension machine", "posterior chain", "gym"],
    "hyperextension_bench_45": ["45-degree hyperextension bench", "bodyweight", "glute"],
    "roman_chair": ["adjustable roman chair", "side bends", "accessory"],
    "weight_plate": ["weight plate", "bodyweight reps"],
    "exercise_mat": ["thick exercise mat", "warm-ups", "mobility", "floor"],
}

#: goal id -> (sets, reps, key terms of the load) as source B gives them.
GOAL_TOPICS = {
    "endurance": ((2, 3), (12, 20), ["light to moderate"]),
    "strength": ((3, 4), (8, 12), ["controlled", "brief pause at the top"]),
    "hypertrophy": ((3, 4), (10, 15), ["2 to 3 seconds"]),
    "warm_up": ((1, 2), (10, 12), ["light load", "deadlifts", "rows", "hip-hinge"]),
    "technique": ((2, 2), (8, 10), ["smooth tempo", "neutral spine"]),
}


def test_guide_has_every_section_of_the_sources(guide: dict[str, Any]) -> None:
    for part in (
        "overview",
        "setup",
        "execution",
        "breathing",
        "tips",
        "mistakes",
        "goals",
        "progression",
        "faq",
        "equipment",
        "safety",
        "variants",
    ):
        assert guide[part], part


def test_quick_overview_facts(guide: dict[str, Any]) -> None:
    ov = guide["overview"]
    assert ov["body_part"] == "Lower back"
    assert ov["primary_muscle"] == "Erector spinae"
    assert ov["equipment"] == "Lever back extension machine"
    assert ov["difficulty"] == "Beginner to intermediate"


@pytest.mark.parametrize(
    "muscle", ["hamstrings", "glutes", "core stabilizers", "deep spinal stabilizers"]
)
def test_every_secondary_muscle_is_listed(guide: dict[str, Any], muscle: str) -> None:
    assert muscle in [m.lower() for m in guide["overview"]["secondary_muscles"]]


@pytest.mark.parametrize(
    "benefit",
    ["posterior chain", "stronger", "endurance", "stable", "posture", "pain", "balance"],
)
def test_every_benefit_is_listed(guide: dict[str, Any], benefit: str) -> None:
    assert benefit in text_of(guide["overview"]["benefits"])


def test_movement_character_is_described(guide: dict[str, Any]) -> None:
    text = text_of(guide["overview"]["movement_quality"])
    assert all(t in text for t in ("deliberate", "hips", "spine stays long", "rebound"))


@pytest.mark.parametrize(("part", "step_id", "terms"), STEP_TOPICS)
def test_every_step_topic_is_covered(
    guide: dict[str, Any], part: str, step_id: str, terms: list[str]
) -> None:
    steps = {s["id"]: s for s in guide[part]}
    text = text_of(steps[step_id])
    missing = [t for t in terms if t not in text]
    assert not missing, f"{part}.{step_id} lacks {missing}"


@pytest.mark.parametrize(("tip_id", "terms"), TIP_TOPICS)
def test_every_tip_topic_is_covered(guide: dict[str, Any], tip_id: str, terms: list[str]) -> None:
    tips = {t["id"]: t for t in guide["tips"]}
    missing = [t for t in terms if t not in text_of(tips[tip_id])]
    assert not missing, f"tip {tip_id} lacks {missing}"


@pytest.mark.parametrize(("mistake_id", "terms"), MISTAKE_TOPICS)
def test_every_mistake_topic_is_covered(
    guide: dict[str, Any], mistake_id: str, terms: list[str]
) -> None:
    missing = [t for t in terms if t not in text_of(guide["mistakes"][mistake_id])]
    assert not missing, f"mistake {mistake_id} lacks {missing}"


def test_breathing_pattern(guide: dict[str, Any]) -> None:
    b = guide["breathing"]
    assert "exhale" in b["lift"].lower()
    assert "inhale" in b["lower"].lower()
    assert "breath" in b["caution"].lower()


@pytest.mark.parametrize(("faq_id", "terms"), FAQ_TOPICS.items())
def test_every_faq_question_is_answered(
    guide: dict[str, Any], faq_id: str, terms: list[str]
) -> None:
    entries = {q["id"]: q for q in guide["faq"]}
    missing = [t for t in terms if t not in text_of(entries[faq_id])]
    assert not missing, f"faq {faq_id} lacks {missing}"


def test_faq_has_exactly_the_six_questions_in_order(guide: dict[str, Any]) -> None:
    assert ids_of(guide["faq"]) == list(FAQ_TOPICS)


@pytest.mark.parametrize(("equipment_id", "terms"), EQUIPMENT_TOPICS.items())
def test_every_equipment_item_with_when_to_choose_it(
    guide: dict[str, Any], equipment_id: str, terms: list[str]
) -> None:
    items = {e["id"]: e for e in guide["equipment"]}
    item = items[equipment_id]
    missing = [t for t in terms if t not in text_of(item)]
    assert not missing, f"equipment {equipment_id} lacks {missing}"
    assert set(item["choose_when"]) == {"space", "level", "stability"}


@pytest.mark.parametrize(("goal_id", "numbers"), GOAL_TOPICS.items())
def test_every_goal_with_its_numbers(
    guide: dict[str, Any], goal_id: str, numbers: tuple[Any, ...]
) -> None:
    sets, reps, terms = numbers
    goal = guide["goals"][goal_id]
    assert (goal["sets"]["min"], goal["sets"]["max"]) == sets
    assert (goal["reps"]["min"], goal["reps"]["max"]) == reps
    missing = [t for t in terms if t not in text_of(goal)]
    assert not missing, f"goal {goal_id} lacks {missing}"


def test_progression_rule_of_the_sources(guide: dict[str, Any]) -> None:
    rules = text_of(guide["progression"])
    for term in ("control", "tempo", "range", "smooth", "smallest", "pain"):
        assert term in rules


@pytest.mark.parametrize(
    ("safety_id", "term"),
    [("stop_on_pain", "pain"), ("start_light", "perfect form"), ("listen_to_body", "range")],
)
def test_safety_rules(guide: dict[str, Any], safety_id: str, term: str) -> None:
    rules = {r["id"]: r for r in guide["safety"]}
    assert term in text_of(rules[safety_id])


def test_variants_name_their_origin(guide: dict[str, Any]) -> None:
    sources = {vid: v["source"] for vid, v in guide["variants"].items()}
    assert sources == {
        "seated_lever_machine": "seed_001",
        "prone_lever_machine": "seed_000",
        "45_degree_bench": "project",
        "roman_chair": "project",
    }
