"""Cues: order, count, wording, praise and goal awareness (extensor.coach)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

import extensor.coach as coach
from extensor._analysis import run_analysis
from extensor.coach import Coaching, coach_set, cue_order, format_reps
from extensor.core._results import SetAnalysis
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.knowledge import Exercise, load_exercise

CLEAN = RepSpec()
VARIANT = "45_degree_bench"


@pytest.fixture(scope="module")
def exercise() -> Exercise:
    return load_exercise()


def analyse(specs: Sequence[RepSpec], goal: str = "hypertrophy") -> SetAnalysis:
    s = synthetic_set(list(specs), noise_deg=0.2, seed=1)
    return run_analysis(s.motion, goal=goal, variant=VARIANT).result


def coaching_for(
    specs: Sequence[RepSpec], exercise: Exercise, goal: str = "hypertrophy"
) -> Coaching:
    return coach_set(analyse(specs, goal), exercise=exercise)


def test_public_surface_is_pinned() -> None:
    assert sorted(coach.__all__) == sorted(
        [
            "COACHING_SCHEMA", "DECISIONS", "KEY_FRAME_PHASES", "KEY_FRAME_WIDTH_PX",
            "NUMBER_HELP", "set_numbers",
            "PHASE_LABELS", "TIERS", "Coaching", "Cue", "Decision", "KeyFrame", "LoadVerdict",
            "ReportFiles", "coach_set", "cue_order", "format_reps", "guide_path_for", "judge_load",
            "judged_by_verdict", "key_frames", "max_cues", "overlay_from_run", "phase_labels",
            "recommend_for_set", "render_report", "set_cues", "set_summary", "too_heavy_signs",
            "verdict_from", "went_well", "write_report",
        ]
    )  # fmt: skip
    for name in coach.__all__:
        assert hasattr(coach, name), name


@pytest.mark.parametrize(
    ("reps", "text"),
    [
        ([2], "rep 2"),
        ([3, 4, 5, 6], "reps 3-6"),
        ([1, 3, 5], "reps 1, 3 and 5"),
        ([5, 1, 3], "reps 1, 3 and 5"),
        ([1, 2, 3, 5, 7, 8], "reps 1-3, 5 and 7-8"),
        ([4, 4, 5], "reps 4-5"),
        ([], "no rep"),
    ],
)
def test_rep_numbers_are_written_as_a_lifter_reads_them(reps: list[int], text: str) -> None:
    assert format_reps(reps) == text


def test_safety_comes_before_tempo_before_range(exercise: Exercise) -> None:
    """past_neutral (rep 2), rushed_lowering (rep 4), partial_range (rep 6): safety first."""
    specs = [
        CLEAN,
        RepSpec(top_deg=20.0),
        CLEAN,
        RepSpec(lower_s=1.0),
        CLEAN,
        RepSpec(top_deg=-30.0),
    ]
    c = coaching_for(specs, exercise)
    assert [cue.mistake for cue in c.cues] == ["past_neutral", "rushed_lowering", "partial_range"]
    assert [cue.tier for cue in c.cues] == ["safety", "tempo", "range"]
    assert [cue.reps for cue in c.cues] == [(2,), (4,), (6,)]


def test_cue_order_from_the_data_file_lists_safety_then_tempo_then_range(
    exercise: Exercise,
) -> None:
    """The order comes from each mistake's category and cue_rank in the exercise data file."""
    order = cue_order(exercise)
    tiers = list(order.values())
    assert tiers == sorted(tiers, key=coach.TIERS.index)
    assert list(order)[:3] == ["past_neutral", "momentum", "bounce"]
    assert list(order)[3:6] == ["rushed_lowering", "no_top_pause", "no_settle"]


def test_at_most_three_cues_and_the_rest_kept_in_order(exercise: Exercise) -> None:
    specs = [
        CLEAN, RepSpec(top_deg=20.0), RepSpec(lift_s=0.35), RepSpec(lower_s=1.0),
        RepSpec(top_s=0.1), RepSpec(top_deg=-30.0),
    ]  # fmt: skip
    c = coaching_for(specs, exercise)
    assert exercise.analysis_param("max_cues") == 3  # the data file's limit
    assert len(c.cues) == 3
    assert [x.mistake for x in c.cues] == ["past_neutral", "momentum", "rushed_lowering"]
    # the rest in cue order: tempo (the 0.1 s pause, still for about 0.5 s of its slow
    # approach, against a 0.7 s limit) before range
    assert [(x.mistake, x.level) for x in c.also_seen] == [
        ("no_top_pause", "clear"),
        ("partial_range", "clear"),
    ]


def test_each_cue_is_the_knowledge_base_cue_with_reps_and_measured_value(
    exercise: Exercise,
) -> None:
    specs = [CLEAN] * 2 + [RepSpec(top_deg=18.0)] * 4
    c = coaching_for(specs, exercise)
    (cue,) = c.cues
    assert cue.cue == exercise.mistake("past_neutral").cue
    assert cue.text.endswith(cue.cue)
    assert cue.text.startswith("Reps 3-6 leaned ")
    measured = [round(v) for v in cue.values]
    assert all(abs(v - 18) <= 1 for v in measured)
    assert re.search(r"1[789]( to 1[89])? degrees past neutral", cue.evidence), cue.evidence
    assert "limit: 10 degrees" in cue.evidence  # the data file's tolerance
    assert cue.limit == exercise.param("past_neutral", "past_neutral_tolerance_deg")


def test_cue_links_to_the_guide_section_that_explains_it(exercise: Exercise) -> None:
    c = coaching_for([CLEAN, RepSpec(lower_s=1.0)], exercise)
    (cue,) = c.cues
    mistake = exercise.mistake("rushed_lowering")
    assert cue.guide_section == mistake.guide_section
    assert cue.guide_section_title == exercise.section(mistake.guide_section).title
    assert cue.guide_anchor == "mistake-rushed_lowering"


def test_tempo_cue_quotes_the_goal_target_and_the_measured_time(exercise: Exercise) -> None:
    c = coaching_for([CLEAN] * 3 + [RepSpec(lower_s=1.0)] * 2, exercise)
    (cue,) = c.cues
    assert cue.mistake == "rushed_lowering"
    assert cue.target == exercise.goal("hypertrophy").tempo.lower_s
    assert "the hypertrophy target is 2.5 s" in cue.evidence
    assert re.match(r"Reps 4-5 lowered in 0\.\d s", cue.evidence), cue.evidence


def test_clean_set_gets_praise_and_no_cue(exercise: Exercise) -> None:
    c = coaching_for([CLEAN] * 6, exercise)
    assert c.cues == ()
    assert c.also_seen == ()
    assert c.clean_rep_count == 6
    assert c.went_well[0] == "All 6 reps were clean."
    joined = " ".join(c.went_well)
    assert "Every rep finished at neutral" in joined
    assert "Every rep kept the hypertrophy tempo of 1.5/1/2.5/0.5 s" in joined


def test_praise_names_the_reps_that_went_well_in_a_faulty_set(exercise: Exercise) -> None:
    specs = [CLEAN] * 4 + [RepSpec(lower_s=1.0)] * 2
    c = coaching_for(specs, exercise)
    assert not any(s.startswith("All ") for s in c.went_well)
    assert "Reps 1-4 kept the hypertrophy tempo of 1.5/1/2.5/0.5 s." in c.went_well
    assert any(s.startswith("Every rep finished at neutral") for s in c.went_well)


def test_same_set_judged_for_two_goals_quotes_each_goals_target(exercise: Exercise) -> None:
    specs = [RepSpec(lower_s=1.2)] * 6
    hyp = coaching_for(specs, exercise, "hypertrophy")
    end = coaching_for(specs, exercise, "endurance")
    assert [c.mistake for c in hyp.cues] == [c.mistake for c in end.cues] == ["rushed_lowering"]
    assert hyp.cues[0].target == 2.5
    assert end.cues[0].target == exercise.goal("endurance").tempo.lower_s == 2.0
    assert "the hypertrophy target is 2.5 s" in hyp.cues[0].text
    assert "the lower-back endurance target is 2 s" in end.cues[0].text


def test_a_lowering_too_quick_for_hypertrophy_is_fine_for_endurance(exercise: Exercise) -> None:
    """A 1.5 s lowering is under the hypertrophy limit (0.65 x 2.5 s = 1.63 s) and over the
    endurance one (0.65 x 2.0 s = 1.3 s)."""
    specs = [RepSpec(lower_s=1.5)] * 6
    assert [c.mistake for c in coaching_for(specs, exercise, "hypertrophy").cues] == [
        "rushed_lowering"
    ]
    assert coaching_for(specs, exercise, "endurance").cues == ()


def test_coaching_json_layout(exercise: Exercise) -> None:
    c = coaching_for([CLEAN, RepSpec(top_deg=20.0)], exercise)
    data = c.to_dict()
    assert data["schema"] == coach.COACHING_SCHEMA
    assert set(data) == {
        "schema", "goal", "rep_count", "clean_rep_count", "cues", "also_seen", "went_well",
        "verdict", "withheld",
    }  # fmt: skip
    assert data["withheld"] is None
    assert data["cues"][0]["level"] == "clear"
    cue = data["cues"][0]
    assert cue["mistake"] == "past_neutral"
    assert cue["reps"] == [2]
    assert cue["measured"]["unit"] == "deg"
    assert cue["guide"] == {
        "section": "execution",
        "section_title": exercise.section("execution").title,
        "anchor": "mistake-past_neutral",
    }
    assert data["goal"]["tempo"]["lower_s"] == 2.5
    assert data["verdict"]["decision"] == "too_heavy"


def test_no_reps_means_no_cue_no_praise(exercise: Exercise) -> None:
    still = RepSpec(lift_s=1.0, top_s=1.0, lower_s=1.0, bottom_s=1.0, bottom_deg=-1.0, top_deg=0.0)
    c = coaching_for([still], exercise)
    assert c.cues == ()
    assert c.went_well == ()
    assert c.verdict.decision == "keep"
