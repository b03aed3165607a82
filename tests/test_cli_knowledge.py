"""The ``guide``, ``plan`` and ``exercises`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor.cli import app

runner = CliRunner()

#: goal -> (sets min, sets max, reps min, reps max), as the source gives them.
SOURCE_NUMBERS = {
    "endurance": (2, 3, 12, 20),
    "strength": (3, 4, 8, 12),
    "hypertrophy": (3, 4, 10, 15),
    "warm_up": (1, 2, 10, 12),
    "technique": (2, 2, 8, 10),
}


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config file or EXTENSOR_* variable leaks into the commands."""
    monkeypatch.setenv("EXTENSOR_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("GOAL", "LEVEL", "EXERCISE", "VARIANT"):
        monkeypatch.delenv(f"EXTENSOR_{name}", raising=False)


@pytest.mark.parametrize("command", ["guide", "plan", "exercises"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_guide_text_renders_every_section_title() -> None:
    result = runner.invoke(app, ["guide"])
    assert result.exit_code == 0, result.output
    for title in ("Overview", "Variants", "Common mistakes", "Frequently asked questions"):
        assert title in result.stdout


def test_guide_markdown_for_one_section() -> None:
    result = runner.invoke(app, ["guide", "--section", "breathing", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "## Breathing" in result.stdout
    assert "## Overview" not in result.stdout


def test_guide_json_for_one_variant() -> None:
    result = runner.invoke(app, ["guide", "--variant", "roman_chair", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["variants"]) == ["roman_chair"]
    assert data["selected_variant"] == "roman_chair"


def test_guide_html_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "guide.html"
    result = runner.invoke(app, ["guide", "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert str(out.name) in result.stdout


def test_guide_text_written_to_a_file_is_plain(tmp_path: Path) -> None:
    out = tmp_path / "guide.txt"
    result = runner.invoke(app, ["guide", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("LEVER BACK EXTENSION\n====")
    assert "\x1b[" not in text


@pytest.mark.parametrize(
    ("args", "valid"),
    [
        (["guide", "--variant", "leg_press"], "seated_lever_machine, prone_lever_machine"),
        (["guide", "--section", "warmup"], "overview, variants, setup"),
        (["plan", "--goal", "power"], "endurance, strength, hypertrophy, warm_up, technique"),
        (["plan", "--goal", "strength", "--level", "pro"], "beginner, intermediate, advanced"),
    ],
)
def test_unknown_choice_exits_1_with_one_line_listing_valid_ones(
    args: list[str], valid: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: unknown ")
    assert valid in lines[0]


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["guide", "--format", "pdf"])
    assert result.exit_code == 2


@pytest.mark.parametrize(("goal", "numbers"), SOURCE_NUMBERS.items())
def test_plan_json_gives_the_source_numbers(goal: str, numbers: tuple[int, ...]) -> None:
    result = runner.invoke(app, ["plan", "--goal", goal, "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    smin, smax, rmin, rmax = numbers
    assert (plan["sets_range"]["min"], plan["sets_range"]["max"]) == (smin, smax)
    assert (plan["reps_range"]["min"], plan["reps_range"]["max"]) == (rmin, rmax)
    assert len(plan["weeks"]) == 4
    for week in plan["weeks"]:
        assert smin <= week["sets"] <= smax
        assert rmin <= week["reps"] <= rmax


def test_plan_table_shows_weeks_tempo_and_rest() -> None:
    result = runner.invoke(
        app, ["plan", "--goal", "hypertrophy", "--level", "intermediate", "--weeks", "5"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Hypertrophy" in out
    assert "1.5/1/2.5/0.5 s" in out
    assert "60-90 s" in out
    assert "4 x 10" in out  # a build week
    assert "3 x 10" in out  # the technique week
    assert "Clean-rep gate" in out


def test_plan_without_goal_uses_the_settings_goal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTENSOR_GOAL", "warm_up")
    result = runner.invoke(app, ["plan", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["goal"] == "warm_up"


def test_plan_goal_from_a_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('goal = "technique"\nlevel = "advanced"\n', encoding="utf-8")
    monkeypatch.setenv("EXTENSOR_CONFIG", str(config))
    result = runner.invoke(app, ["plan", "--json", "--weeks", "2"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert (plan["goal"], plan["level"], len(plan["weeks"])) == ("technique", "advanced", 2)


def test_plan_weeks_out_of_range_is_a_usage_error() -> None:
    result = runner.invoke(app, ["plan", "--goal", "strength", "--weeks", "0"])
    assert result.exit_code == 2


def test_exercises_lists_the_exercise() -> None:
    result = runner.invoke(app, ["exercises"])
    assert result.exit_code == 0, result.output
    assert "Lever Back Extension" in result.stdout
    assert "roman_chair" in result.stdout


def test_exercises_json() -> None:
    result = runner.invoke(app, ["exercises", "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert entry["id"] == "lever_back_extension"
    assert entry["goals"] == list(SOURCE_NUMBERS)
