"""The knowledge base's public surface, the shipped data file and its lookups."""

from __future__ import annotations

import tomllib
from importlib.resources import files

import pytest

import extensor.knowledge as kb
from extensor._errors import KnowledgeBaseError
from extensor.knowledge import (
    REQUIRED_ANALYSIS_PARAMS,
    REQUIRED_DETECTION_PARAMS,
    Exercise,
    list_exercises,
    load_exercise,
)

#: The bundled exercise data file, read directly as the truth the accessors must return.
DATA_FILE = files("extensor.knowledge") / "data" / "lever_back_extension.toml"

EXPECTED_ALL = {
    "CATEGORIES",
    "DEFAULT_EXERCISE",
    "GUIDE_FORMATS",
    "LEVEL_IDS",
    "MAX_WEEKS",
    "OBSERVABLE_SOURCES",
    "REQUIRED_ANALYSIS_PARAMS",
    "REQUIRED_DETECTION_PARAMS",
    "SECTION_IDS",
    "UNITS",
    "Breathing",
    "Camera",
    "Detection",
    "Equipment",
    "Exercise",
    "FaqEntry",
    "Goal",
    "GuideFormat",
    "IntRange",
    "Level",
    "Load",
    "LoadChange",
    "Mistake",
    "Overview",
    "Param",
    "Plan",
    "PlanRules",
    "PlanWeek",
    "ProgressionRule",
    "SafetyRule",
    "SectionText",
    "StartDeviation",
    "Step",
    "Tempo",
    "Tip",
    "Variant",
    "format_validation_error",
    "guide_data",
    "list_exercises",
    "load_exercise",
    "make_plan",
    "render_guide",
}

#: Detection thresholds the analysis reads by name: (mistake, parameter, unit). The values
#: are tuned against real recordings, so only their names, units and sanity are pinned here.
DETECTION_PARAMS = [
    (mistake, name, unit)
    for mistake, params in REQUIRED_DETECTION_PARAMS.items()
    for name, unit in params.items()
]


@pytest.fixture(scope="module")
def ex() -> Exercise:
    return load_exercise()


def test_public_surface_is_exactly_all() -> None:
    """The subpackage exports exactly the pinned names, and each one exists."""
    assert set(kb.__all__) == EXPECTED_ALL
    assert all(hasattr(kb, name) for name in kb.__all__)


def test_data_file_ships_as_package_resource() -> None:
    """The TOML lives inside the package, so hatch puts it in the wheel."""
    resource = files("extensor.knowledge").joinpath("data", "lever_back_extension.toml")
    assert resource.is_file()
    assert 'id = "lever_back_extension"' in resource.read_text(encoding="utf-8")


def test_list_exercises_names_the_one_exercise() -> None:
    assert list_exercises() == ["lever_back_extension"]


def test_load_exercise_remembers_its_source_file(ex: Exercise) -> None:
    assert ex.source is not None
    assert ex.source.endswith("lever_back_extension.toml")


def test_loading_twice_returns_the_cached_object(ex: Exercise) -> None:
    assert load_exercise() is ex


def test_unknown_exercise_name_lists_the_available_ones() -> None:
    with pytest.raises(KnowledgeBaseError, match="available: lever_back_extension"):
        load_exercise("../../etc/passwd")


def test_detection_params_cover_the_agreed_names() -> None:
    """The names the analysis was written against (the brief's list) are all required."""
    assert {m: sorted(p) for m, p in REQUIRED_DETECTION_PARAMS.items()} == {
        "past_neutral": ["confidence_scale", "past_neutral_tolerance_deg"],
        "momentum": [
            "duration_confidence_scale",
            "max_lift_velocity_dps",
            "min_lift_duration_s",
            "speed_confidence_scale",
        ],
        "bounce": ["confidence_scale", "max_bottom_dwell_s", "min_reversal_speed_dps"],
        "rushed_lowering": ["confidence_scale", "min_lower_fraction"],
        "no_top_pause": ["confidence_scale", "min_top_hold_fraction"],
        "partial_range": [
            "max_top_shortfall_deg",
            "min_range_fraction",
            "range_confidence_scale",
            "reference_range_percentile",
            "shortfall_confidence_scale",
        ],
        "no_settle": ["confidence_scale", "min_bottom_settle_s"],
        "head_not_neutral": ["confidence_scale", "max_head_deviation_deg"],
        "deep_rounding": ["confidence_scale", "extra_depth_tolerance_deg"],
    }


@pytest.mark.parametrize(("mistake", "name", "unit"), DETECTION_PARAMS)
def test_detection_parameter_has_a_sane_value_unit_and_reason(
    ex: Exercise, mistake: str, name: str, unit: str
) -> None:
    value = ex.param(mistake, name)
    detection = ex.mistake(mistake).detection
    assert detection is not None
    assert detection.params[name].unit == unit
    assert value > 0
    if unit == "fraction":
        assert value <= 1
    assert detection.params[name].reason


def test_detection_values_match_the_table(ex: Exercise) -> None:
    """Exactly the parameters the analysis reads, no more and no fewer."""
    values = ex.detection_values()
    assert {m: set(p) for m, p in values.items()} == {
        m: set(p) for m, p in REQUIRED_DETECTION_PARAMS.items()
    }
    raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    dwell = raw["mistakes"]["bounce"]["detection"]["params"]["max_bottom_dwell_s"]["value"]
    assert (
        values["bounce"]["max_bottom_dwell_s"] == ex.param("bounce", "max_bottom_dwell_s") == dwell
    )


@pytest.mark.parametrize(("name", "unit"), REQUIRED_ANALYSIS_PARAMS.items())
def test_analysis_parameter_has_a_sane_value_unit_and_reason(
    ex: Exercise, name: str, unit: str
) -> None:
    assert ex.analysis_param(name) > 0
    assert ex.analysis[name].unit == unit
    assert ex.analysis[name].reason


def test_analysis_table_holds_exactly_the_required_names(ex: Exercise) -> None:
    assert set(ex.analysis_values()) == set(REQUIRED_ANALYSIS_PARAMS)
    """The accessor returns what the bundled TOML file says (read here with tomllib)."""
    raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert ex.analysis_param("min_sample_rate_hz") == raw["analysis"]["min_sample_rate_hz"]["value"]
    assert ex.analysis_param("min_sample_rate_hz") == 10.0


def test_unknown_parameter_error_lists_the_known_names(ex: Exercise) -> None:
    with pytest.raises(KnowledgeBaseError, match="max_bottom_dwell_s, min_reversal_speed_dps"):
        ex.param("bounce", "max_dwell")
    with pytest.raises(KnowledgeBaseError, match="min_sample_rate_hz"):
        ex.analysis_param("sample_rate")


def test_param_of_an_unobservable_mistake_says_it_has_none(ex: Exercise) -> None:
    with pytest.raises(KnowledgeBaseError, match="not observable"):
        ex.param("ribs_flared", "anything")


@pytest.mark.parametrize(
    ("lookup", "bad"),
    [("variant", "leg_press"), ("mistake", "slouching"), ("goal", "nap"), ("level", "elite")],
)
def test_unknown_id_lookups_raise_with_the_valid_choices(
    ex: Exercise, lookup: str, bad: str
) -> None:
    with pytest.raises(KnowledgeBaseError, match=f"unknown {lookup} '{bad}'.*choose one of"):
        getattr(ex, lookup)(bad)


def test_the_four_variants_exist_with_their_geometry(ex: Exercise) -> None:
    assert list(ex.variants) == [
        "seated_lever_machine",
        "prone_lever_machine",
        "45_degree_bench",
        "roman_chair",
    ]
    seated = ex.variant("seated_lever_machine")
    assert seated.neutral_reference == "trunk_vertical"
    assert (seated.start_deviation_deg.typical, seated.start_deviation_deg.max) == (25, 45)
    assert seated.source == "seed_001"
    for vid in ("prone_lever_machine", "45_degree_bench", "roman_chair"):
        v = ex.variant(vid)
        assert v.neutral_reference == "trunk_in_line_with_thigh"
        assert (v.start_deviation_deg.typical, v.start_deviation_deg.max) == (70, 95)
        assert v.camera.view == "side"
    assert ex.variant("prone_lever_machine").source == "seed_000"
    assert ex.variant("45_degree_bench").load.kind == "bodyweight_plus_plate"
    assert ex.variant("seated_lever_machine").load.kind == "machine_stack"


def test_required_mistake_ids_exist_with_category_and_cue(ex: Exercise) -> None:
    required = {
        "past_neutral",
        "momentum",
        "bounce",
        "rushed_lowering",
        "no_top_pause",
        "partial_range",
        "no_settle",
        "head_not_neutral",
        "deep_rounding",
        "ribs_flared",
        "breath_holding",
        "no_glute_squeeze",
    }
    assert required <= set(ex.mistakes)
    for mistake in ex.mistakes.values():
        assert 0 < len(mistake.cue) <= 60


@pytest.mark.parametrize("mistake", ["ribs_flared", "breath_holding", "no_glute_squeeze"])
def test_body_feel_mistakes_are_not_observable(ex: Exercise, mistake: str) -> None:
    m = ex.mistake(mistake)
    assert m.observable_from == ()
    assert m.detection is None


def test_head_position_is_only_observable_from_video(ex: Exercise) -> None:
    assert ex.mistake("head_not_neutral").observable_from == ("video",)


def test_every_mistake_points_to_an_existing_guide_section(ex: Exercise) -> None:
    for mistake in ex.mistakes.values():
        assert ex.section(mistake.guide_section).title


def test_step_lookup_covers_setup_and_execution(ex: Exercise) -> None:
    assert ex.step("hips_past_edge").variants == (
        "prone_lever_machine",
        "45_degree_bench",
        "roman_chair",
    )
    assert ex.step("reach_neutral").phase == "top"


def test_all_three_levels_exist_in_order(ex: Exercise) -> None:
    assert list(ex.levels) == ["beginner", "intermediate", "advanced"]
    assert ex.level("beginner").sets_position == 0.0
    assert "45_degree_bench" in ex.level("beginner").recommended_variants


def test_progression_rules_are_ordered_data_with_pain_first(ex: Exercise) -> None:
    ids = [rule.id for rule in ex.progression]
    assert ids[0] == "pain_stops"
    assert ids.index("quality_first") < ids.index("add_load")


def test_models_are_frozen(ex: Exercise) -> None:
    with pytest.raises(ValueError, match="frozen"):
        ex.goal("strength").requires_top_pause = False  # type: ignore[misc]
