"""The progression engine on scripted histories: each test's docstring states the rule."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from extensor._errors import KnowledgeBaseError
from extensor.knowledge import load_exercise
from extensor.progression import (
    Profile,
    Recommendation,
    Rules,
    SessionSummary,
    SetSummary,
    load_rules,
    pick_focus,
    recommend,
    reduce_load,
)

EXERCISE = load_exercise()
RULES = load_rules(exercise=EXERCISE)
VARIANT = "seated_lever_machine"
#: hypertrophy: 3-4 sets of 10-15 reps
PROFILE = Profile(level="intermediate", goal="hypertrophy", variant=VARIANT, increment=2.5)
START = date(2024, 5, 1)


def analysed(load: float, reps: int, *, clean: int | None = None, faults: Sequence[str] = (),
             pain: bool = False, unit: str = "kg", variant: str = VARIANT) -> SetSummary:  # fmt: skip
    """An analysed set: ``clean`` defaults to every rep."""
    return SetSummary(
        load=load,
        unit="lb" if unit == "lb" else "kg",
        reps=reps,
        variant=variant,
        clean_reps=reps if clean is None else clean,
        faults=tuple(faults),
        pain=pain,
        source="video",
    )


def session(day: int, *sets: SetSummary) -> SessionSummary:
    return SessionSummary(day=START + timedelta(days=day), sets=sets)


def advise(history: Sequence[SessionSummary], *, today: int | None = None,
           profile: Profile = PROFILE, rules: Rules = RULES) -> Recommendation:  # fmt: skip
    last = max((s.day for s in history), default=START)
    when = last + timedelta(days=2) if today is None else START + timedelta(days=today)
    return recommend(history, profile, rules, EXERCISE, today=when)


def clean_session(day: int, load: float = 40, reps: int = 15, sets: int = 3) -> SessionSummary:
    return session(day, *(analysed(load, reps) for _ in range(sets)))


# -- the four main rules ------------------------------------------------------------------


def test_every_rep_clean_at_top_of_range_adds_the_smallest_increment() -> None:
    """Rule 3: all reps clean and every set at the top of the range -> load + increment,
    back to the bottom of the rep range."""
    rec = advise([clean_session(0, reps=12), clean_session(2, reps=15)])
    assert rec.rule_id == "add_load"
    assert rec.action == "add_increment"
    assert rec.load == pytest.approx(42.5)
    assert rec.previous_load == pytest.approx(40)
    assert (rec.sets, rec.target_reps) == (3, 10)
    assert "Add 2.5 kg" in rec.message
    assert rec.knowledge_rule == "add_load"


def test_increment_comes_from_the_profile() -> None:
    """The step added is the machine's smallest increment stored in the profile."""
    profile = Profile(goal="hypertrophy", variant=VARIANT, increment=1.25)
    rec = advise([clean_session(0)], profile=profile)
    assert rec.load == pytest.approx(41.25)


def test_clean_but_below_the_top_keeps_the_load_and_asks_for_one_more_clean_rep() -> None:
    """Rule 4: clean but not at the top of the range -> same load, more clean reps."""
    rec = advise([clean_session(0, reps=12)])
    assert rec.rule_id == "more_clean_reps"
    assert rec.action == "add_reps"
    assert rec.load == pytest.approx(40)
    assert rec.target_reps == 13


def test_one_set_short_of_the_top_blocks_the_increase() -> None:
    """Rule 3 needs EVERY working set at the top of the range."""
    rec = advise([session(0, analysed(40, 15), analysed(40, 15), analysed(40, 13))])
    assert rec.rule_id == "more_clean_reps"
    assert rec.load == pytest.approx(40)


def test_a_single_unclean_rep_blocks_the_increase_and_names_the_fault() -> None:
    """Rule 2: any fault in the last session -> keep the load and fix it."""
    rec = advise([session(0, analysed(40, 15), analysed(40, 15, clean=14, faults=["bounce"]))])
    assert rec.rule_id == "fix_one_fault"
    assert rec.action == "fix_fault"
    assert rec.load == pytest.approx(40)
    assert rec.focus == "bounce"
    assert EXERCISE.mistake("bounce").title in rec.message
    assert "Fixed means" in rec.message


def detectable(category: str) -> list[str]:
    """Mistake ids of ``category`` that the analysis can flag, in file order."""
    return [m.id for m in EXERCISE.mistakes.values() if m.category == category and m.detection]


def test_the_one_fault_to_fix_follows_category_priority_not_frequency() -> None:
    """Rule 2 names ONE fault: by the category order of the rules file (safety, tempo, range,
    position...), even when a lower-priority fault was seen more often."""
    ranked = [c for c in RULES.fault_priority if detectable(c)]
    assert len(ranked) >= 3
    for higher, lower in itertools.pairwise(ranked):
        high, low = detectable(higher)[0], detectable(lower)[0]
        faults = [low] * 8 + [high] * 2
        rec = advise([session(0, analysed(40, 12, clean=2, faults=faults))])
        assert rec.focus == high, (higher, lower)


def test_within_a_category_the_most_frequent_fault_wins() -> None:
    """Rule 2 tie-break: same category -> the fault seen most often."""
    category = next(c for c in RULES.fault_priority if len(detectable(c)) >= 2)
    first, second = detectable(category)[:2]
    faults = [first] + [second] * 3
    assert advise([session(0, analysed(40, 12, clean=8, faults=faults))]).focus == second


def test_fixed_text_quotes_the_thresholds_of_the_exercise_file() -> None:
    """What "fixed" looks like is filled from the detection parameters and the goal tempo."""
    rec = advise([session(0, analysed(40, 12, clean=10, faults=["no_top_pause"] * 2))])
    assert rec.rule_id == "fix_one_fault"
    assert f"{EXERCISE.goal('hypertrophy').tempo.top_s:g} s" in rec.message
    rec = advise([session(0, analysed(40, 12, clean=10, faults=["partial_range"] * 2))])
    shortfall = EXERCISE.param("partial_range", "max_top_shortfall_deg")
    assert f"within {shortfall:g} degrees" in rec.message


def test_a_sign_of_too_much_load_reduces_it() -> None:
    """A mistake with a `load_too_heavy_sign` (a swung lift) in the last session: the
    rule load_too_heavy takes a tenth off, in whole load steps, and names the sign."""
    rec = advise([session(0, analysed(40, 12, clean=10, faults=["momentum", "momentum"]))])
    assert (rec.rule_id, rec.action, rec.decision) == ("load_too_heavy", "reduce_load", "too_heavy")
    assert rec.load == pytest.approx(35.0)  # 10% of 40 is 4 kg: two 2.5 kg steps
    assert rec.focus == "momentum"
    assert EXERCISE.mistake("load_too_heavy").cue in rec.message


# -- pain ---------------------------------------------------------------------------------


def test_pain_stops_the_exercise_with_regressions_and_a_referral() -> None:
    """Rule 1: pain in the last session -> stop, list regressions (less range, lighter load,
    the 45-degree bench with body weight) and seeing a professional if it persists."""
    rec = advise([clean_session(0), session(2, analysed(40, 15), analysed(40, 6, pain=True))])
    assert rec.rule_id == "pain"
    assert rec.action == "stop"
    assert rec.load is None
    text = " ".join(rec.details).lower()
    assert "range" in text
    assert "20 kg" in text  # the lighter load: half of 40 kg on the 2.5 kg grid
    assert "45-degree bench with body weight" in text
    assert "physiotherapist" in text
    assert rec.knowledge_rule == "pain_stops"


def test_pain_wins_over_a_perfect_session() -> None:
    """Rule 1 comes before everything: a clean top-of-range set with pain still stops."""
    rec = advise([session(0, analysed(40, 15), analysed(40, 15), analysed(40, 15, pain=True))])
    assert rec.action == "stop"


def test_pain_in_consecutive_sessions_sends_to_a_professional() -> None:
    """Pain in the last 2 sessions in a row -> stop and see a professional now."""
    history = [session(0, analysed(40, 12, pain=True)), session(3, analysed(30, 10, pain=True))]
    rec = advise(history)
    assert rec.rule_id == "pain_persists"
    assert "physiotherapist or a doctor" in rec.message


def test_a_pain_free_session_after_pain_resumes_progression() -> None:
    """Only the last session's pain stops the exercise; a later pain-free session clears it."""
    history = [session(0, analysed(40, 12, pain=True)), session(3, analysed(20, 12))]
    rec = advise(history)
    assert rec.action != "stop"
    assert rec.load == pytest.approx(20)


def test_pain_on_another_variant_still_stops() -> None:
    """Pain counts whatever the variant; load progression looks only at the profile's."""
    other = analysed(0, 10, pain=True, variant="45_degree_bench")
    rec = advise([clean_session(0), session(2, other)])
    assert rec.action == "stop"


# -- stalls and breaks --------------------------------------------------------------------


def test_three_sessions_without_progress_trigger_a_deload() -> None:
    """Deload after `sessions` (3) sessions at the same load without more clean reps than
    the best one: load minus 10%, in whole increments."""
    history = [
        session(0, *(analysed(40, 12) for _ in range(3))),  # best: 36 clean reps
        session(2, *(analysed(40, 12, clean=11, faults=["bounce"]) for _ in range(3))),
        session(4, *(analysed(40, 12) for _ in range(3))),  # equal, not more
        session(6, *(analysed(40, 11) for _ in range(3))),
    ]
    rec = advise(history)
    assert rec.rule_id == "deload_after_stall"
    assert rec.load == pytest.approx(35)  # 40 - ceil(4 / 2.5) * 2.5
    assert rec.evidence["stalled_sessions"] == 3


def test_two_stalled_sessions_are_not_yet_a_stall() -> None:
    """One session fewer than the limit -> no deload yet."""
    history = [clean_session(0, reps=12), clean_session(2, reps=12), clean_session(4, reps=12)]
    rec = advise(history)
    assert rec.rule_id == "more_clean_reps"
    assert rec.evidence["stalled_sessions"] == 2


def test_a_new_best_resets_the_stall_count() -> None:
    """Progress (more clean reps at the same load) starts the count again."""
    history = [
        clean_session(0, reps=12),
        clean_session(2, reps=12),
        clean_session(4, reps=12),
        clean_session(6, reps=13),
    ]
    assert advise(history).rule_id == "more_clean_reps"


def test_a_load_change_starts_a_new_run() -> None:
    """Sessions at an earlier load do not count toward a stall at the new load."""
    history = [clean_session(0, 37.5, 12), clean_session(2, 37.5, 12), clean_session(4, 40, 12)]
    assert advise(history).evidence["stalled_sessions"] == 0


def test_clean_at_the_top_is_never_called_a_stall() -> None:
    """A lifter who stays clean at the top without adding load is told to add load."""
    history = [clean_session(d) for d in (0, 2, 4, 6, 8)]
    assert advise(history).rule_id == "add_load"


def test_returning_after_a_break_reduces_the_load() -> None:
    """More than `days` (14) days since the last session -> load minus 20%, whole increments."""
    rec = advise([clean_session(0)], today=20)
    assert rec.rule_id == "return_after_break"
    assert rec.load == pytest.approx(30)  # 40 - ceil(8 / 2.5) * 2.5
    assert "20 days" in rec.message
    assert rec.target_reps == 10


def test_exactly_the_break_limit_is_not_a_break() -> None:
    """The break condition is strictly more than `days` days."""
    assert advise([clean_session(0)], today=14).rule_id == "add_load"


# -- the rest -----------------------------------------------------------------------------


def test_no_history_says_start_light() -> None:
    """Nothing logged on the variant -> start light with the goal's lowest numbers."""
    rec = advise([], today=0)
    assert rec.rule_id == "no_history"
    assert rec.load is None
    assert (rec.sets, rec.target_reps) == (4, 10)  # intermediate: middle of 3-4, rounded
    assert EXERCISE.plan.start_load.split(":")[0] in rec.message


def test_sessions_on_other_variants_are_ignored_for_load() -> None:
    """Load progression uses the profile's variant only."""
    other = session(0, *(analysed(0, 15, variant="45_degree_bench") for _ in range(3)))
    assert advise([other]).rule_id == "no_history"
    rec = advise([clean_session(0, 40, 12), session(2, analysed(0, 15, variant="roman_chair"))])
    assert rec.load == pytest.approx(40)


def test_manual_sets_count_as_clean_as_the_rules_file_says() -> None:
    """Sets typed in by hand (quality unknown) pass the gate when
    quality.unrated_sets_count_as_clean is true, and block it when false."""
    manual = SetSummary(load=40, unit="kg", reps=15, variant=VARIANT)
    history = [session(0, manual, manual, manual)]
    assert advise(history).rule_id == "add_load"
    strict = RULES.model_copy(
        update={"quality": RULES.quality.model_copy(update={"unrated_sets_count_as_clean": False})}
    )
    assert advise(history, rules=strict).rule_id == "more_clean_reps"


def test_a_self_reported_fault_on_a_manual_set_counts() -> None:
    """A fault named with `log --fault` blocks the increase like an analysed one."""
    manual = SetSummary(load=40, unit="kg", reps=15, variant=VARIANT, faults=("momentum",))
    assert advise([session(0, manual)]).focus == "momentum"


def test_loads_in_pounds_are_converted_to_the_profile_unit() -> None:
    """A set logged in lb is compared in the profile's unit (kg here)."""
    rec = advise([session(0, *(analysed(88.1849, 15, unit="lb") for _ in range(3)))])
    assert rec.previous_load == pytest.approx(40, abs=0.01)
    assert rec.unit == "kg"


def test_goals_that_do_not_progress_load_never_add_load() -> None:
    """Warm-up and technique goals keep the load even when every rep is clean at the top."""
    profile = Profile(goal="warm_up", variant=VARIANT, increment=2.5)
    rec = advise([clean_session(0, 20, 12, 2)], profile=profile)
    assert rec.rule_id == "goal_keeps_load"
    assert EXERCISE.goal("warm_up").load_note in rec.message
    assert rec.load == pytest.approx(20)
    assert rec.target_reps == 12


def test_history_order_and_future_sessions_do_not_matter() -> None:
    """The engine sorts by day and ignores sessions after `today` (it is pure)."""
    history = [clean_session(2, reps=15), clean_session(0, reps=12)]
    assert advise(history).to_dict() == advise(list(reversed(history))).to_dict()
    future = [*history, session(30, analysed(40, 5, pain=True))]
    assert advise(future, today=4).rule_id == "add_load"


def test_an_unknown_profile_goal_is_a_knowledge_base_error() -> None:
    """The profile must name a goal and variant of the exercise."""
    with pytest.raises(KnowledgeBaseError, match="unknown goal 'nap'"):
        advise([], profile=Profile(goal="nap"), today=0)


def test_reduce_load_stays_on_the_machine_grid() -> None:
    """Reductions subtract whole increments, at least one, never below zero."""
    assert reduce_load(40, fraction=0.1, increment=2.5) == pytest.approx(35)
    assert reduce_load(40, fraction=0.05, increment=5) == pytest.approx(35)
    assert reduce_load(5, fraction=0.9, increment=2.5) == 0
    assert reduce_load(0, fraction=0.5, increment=2.5) == 0


def test_pick_focus_puts_unknown_ids_last() -> None:
    priority = RULES.fault_priority
    assert pick_focus(["made_up", "no_settle"], exercise=EXERCISE, priority=priority) == "no_settle"
    assert pick_focus([], exercise=EXERCISE, priority=priority) is None


def test_recommendation_json_has_plain_types() -> None:
    import json

    rec = advise([clean_session(0)])
    data = json.loads(json.dumps(rec.to_dict()))
    assert data["rule"] == "add_load"
    assert data["load"] == 42.5
    assert data["as_of"] == (START + timedelta(days=2)).isoformat()
