"""Broken copies of the data file fail to load with a message naming the file and the field.

Each test writes a modified copy of the shipped TOML to ``tmp_path`` and checks the one
line of :class:`KnowledgeBaseError`: it must start with the file path and name the field.
Edits address a table by its header and a key inside it, so tuning a value or rewording a
text in the data file does not break these tests.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from extensor._errors import KnowledgeBaseError
from extensor.knowledge import load_exercise

ORIGINAL = (
    files("extensor.knowledge")
    .joinpath("data", "lever_back_extension.toml")
    .read_text(encoding="utf-8")
)


def _table_span(text: str, header: str, nth: int = 0) -> tuple[int, int]:
    """Start and end offsets of the ``nth`` table whose header line is ``header``."""
    starts = [m.start() for m in re.finditer(rf"^{re.escape(header)}\n", text, flags=re.M)]
    assert len(starts) > nth, f"no table {header!r} number {nth}"
    start = starts[nth]
    following = re.search(r"^\[", text[start + len(header) :], flags=re.M)
    end = len(text) if following is None else start + len(header) + following.start()
    return start, end


def set_key(header: str, key: str, line: str | None, *, nth: int = 0) -> str:
    """The data text with ``key = ...`` in table ``header`` replaced by ``line`` (None: removed)."""
    start, end = _table_span(ORIGINAL, header, nth)
    table = ORIGINAL[start:end]
    pattern = rf"^{re.escape(key)} = .*\n"
    assert re.search(pattern, table, flags=re.M), f"{key!r} not in {header!r}"
    table = re.sub(pattern, "" if line is None else line + "\n", table, count=1, flags=re.M)
    return ORIGINAL[:start] + table + ORIGINAL[end:]


def drop_table(header: str) -> str:
    start, end = _table_span(ORIGINAL, header)
    return ORIGINAL[:start] + ORIGINAL[end:]


def load_error(tmp_path: Path, text: str) -> str:
    """Write ``text`` as a data file, load it, and return the error message."""
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_exercise(path=path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert info.value.source == str(path)
    return message


def test_unmodified_copy_loads(tmp_path: Path) -> None:
    path = tmp_path / "copy.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    assert load_exercise(path=path).id == "lever_back_extension"


def test_missing_field_names_its_path(tmp_path: Path) -> None:
    text = set_key("[mistakes.rushed_lowering]", "cue", None)
    assert "mistakes.rushed_lowering.cue: required field is missing" in load_error(tmp_path, text)


def test_wrong_unit_lists_the_allowed_units(tmp_path: Path) -> None:
    header = "[mistakes.bounce.detection.params.max_bottom_dwell_s]"
    message = load_error(tmp_path, set_key(header, "unit", 'unit = "sec"'))
    assert (
        "mistakes.bounce.detection.params.max_bottom_dwell_s.unit: "
        "must be one of deg, s, deg/s, fraction, percent, ratio, Hz, count, px, got 'sec'"
    ) in message


def test_allowed_but_wrong_unit_for_a_required_parameter_is_refused(tmp_path: Path) -> None:
    header = "[mistakes.momentum.detection.params.max_lift_velocity_dps]"
    message = load_error(tmp_path, set_key(header, "unit", 'unit = "s"'))
    assert "mistakes.momentum.detection.params.max_lift_velocity_dps.unit" in message
    assert "must be 'deg/s'" in message


def test_tip_referencing_an_unknown_mistake_is_refused(tmp_path: Path) -> None:
    text = set_key("[[tips]]", "related_mistakes", 'related_mistakes = ["ribs_flaring"]', nth=5)
    message = load_error(tmp_path, text)
    assert "tips[5].related_mistakes[0]: unknown mistake 'ribs_flaring'" in message
    assert "ribs_flared" in message  # the known ids are listed


def test_unknown_guide_section_lists_the_sections(tmp_path: Path) -> None:
    text = set_key("[mistakes.bounce]", "guide_section", 'guide_section = "tempo"')
    message = load_error(tmp_path, text)
    assert "mistakes.bounce.guide_section: must be one of overview, variants, setup" in message
    assert "got 'tempo'" in message


def test_unknown_related_step_is_refused(tmp_path: Path) -> None:
    text = set_key("[mistakes.shoulders_rounded]", "related_steps", 'related_steps = ["chest"]')
    message = load_error(tmp_path, text)
    assert "mistakes.shoulders_rounded.related_steps[0]: unknown step 'chest'" in message


def test_duplicate_step_id_is_refused(tmp_path: Path) -> None:
    text = set_key("[[execution]]", "id", 'id = "lift_smoothly"', nth=2)
    message = load_error(tmp_path, text)
    assert "execution[2].id: duplicate id 'lift_smoothly' (already used at execution[1])" in message


def test_step_id_shared_between_setup_and_execution_is_refused(tmp_path: Path) -> None:
    text = set_key("[[execution]]", "id", 'id = "adjust_pads"', nth=0)
    message = load_error(tmp_path, text)
    assert "execution[0].id: duplicate id 'adjust_pads' (already used at setup[0])" in message


def test_duplicate_mistake_table_is_a_toml_error_naming_the_line(tmp_path: Path) -> None:
    text = ORIGINAL.replace("[mistakes.core_relaxed]\n", "[mistakes.ribs_flared]\n", 1)
    message = load_error(tmp_path, text)
    assert "not valid TOML" in message
    assert "line" in message


def test_sets_min_above_max_is_refused(tmp_path: Path) -> None:
    text = set_key("[goals.strength]", "sets", "sets = { min = 5, max = 4 }")
    message = load_error(tmp_path, text)
    assert "goals.strength.sets: min must be <= max, got min=5, max=4" in message


def test_unknown_category_lists_the_categories(tmp_path: Path) -> None:
    text = set_key("[mistakes.ribs_flared]", "category", 'category = "posture"')
    message = load_error(tmp_path, text)
    assert "mistakes.ribs_flared.category: must be one of safety, tempo, range, position" in message


def test_observable_mistake_without_detection_is_refused(tmp_path: Path) -> None:
    text = drop_table("[mistakes.no_settle.detection.params.min_bottom_settle_s]")
    start, end = _table_span(text, "[mistakes.no_settle.detection.params.confidence_scale]")
    message = load_error(tmp_path, text[:start] + text[end:])
    assert "mistakes.no_settle.detection: required because observable_from is" in message


def test_unobservable_mistake_with_detection_is_refused(tmp_path: Path) -> None:
    extra = (
        "\n[mistakes.ribs_flared.detection.params.rib_angle_deg]\n"
        'value = 5.0\nunit = "deg"\nreason = "made up"\n'
    )
    message = load_error(tmp_path, ORIGINAL + extra)
    assert "mistakes.ribs_flared.detection: must be absent when observable_from is empty" in message


def test_missing_analysis_parameter_is_refused(tmp_path: Path) -> None:
    text = drop_table("[analysis.smoothing_window_s]")
    message = load_error(tmp_path, text)
    assert "analysis.smoothing_window_s: required parameter is missing" in message


def test_fraction_above_one_is_refused(tmp_path: Path) -> None:
    text = set_key("[analysis.hold_band_fraction]", "value", "value = 12.0")
    message = load_error(tmp_path, text)
    assert "analysis.hold_band_fraction: value must be between 0 and 1" in message


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    text = set_key("[overview]", "body_part", 'body_part = "Lower back"\ncolour = "red"')
    assert "overview.colour: unknown field" in load_error(tmp_path, text)


def test_step_naming_an_unknown_variant_is_refused(tmp_path: Path) -> None:
    text = set_key("[[setup]]", "variants", 'variants = ["seated_machine"]', nth=1)
    message = load_error(tmp_path, text)
    assert "setup[1].variants[0]: unknown variant 'seated_machine'" in message


def test_missing_file_is_reported_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(KnowledgeBaseError, match="exercise data file not found") as info:
        load_exercise(path=missing)
    assert str(info.value).startswith(f"{missing}: ")


def test_wrong_value_type_shows_what_was_found(tmp_path: Path) -> None:
    header = "[mistakes.momentum.detection.params.min_lift_duration_s]"
    message = load_error(tmp_path, set_key(header, "value", 'value = "fast"'))
    field = "mistakes.momentum.detection.params.min_lift_duration_s.value"
    assert f"{field}: must be a valid number" in message
    assert "got 'fast'" in message


def test_unknown_detection_parameter_names_file_and_field(tmp_path: Path) -> None:
    """A parameter the mistake's plug-in does not declare fails loading, naming the field."""
    header = "[mistakes.no_settle.detection.params.min_bottom_settle_s]"
    start, end = _table_span(ORIGINAL, header)
    extra = ORIGINAL[start:end].replace("min_bottom_settle_s]", "min_bottom_rest_s]")
    message = load_error(tmp_path, ORIGINAL[:end] + extra + ORIGINAL[end:])
    assert (
        "mistakes.no_settle.detection.params.min_bottom_rest_s: unknown parameter; the "
        "detector reads min_bottom_settle_s, confidence_scale"
    ) in message


def test_observable_from_an_input_the_detector_cannot_use_is_refused(tmp_path: Path) -> None:
    """The head check works from video only: claiming the IMU shows it fails loading."""
    text = set_key(
        "[mistakes.head_not_neutral]", "observable_from", 'observable_from = ["video", "imu"]'
    )
    message = load_error(tmp_path, text)
    assert (
        "mistakes.head_not_neutral.observable_from: the detector cannot see it from 'imu'"
        in message
    )


def test_schema_version_1_file_says_how_to_upgrade(tmp_path: Path) -> None:
    """A custom file of the old layout fails with the version and where the upgrade is described."""
    text = ORIGINAL.replace("schema_version = 2", "schema_version = 1", 1)
    message = load_error(tmp_path, text)
    assert "schema_version must be 2, got 1" in message
    assert "docs/new-mistake.md" in message
