"""One conformance suite over every registered mistake plug-in.

Each plug-in is checked on the same three promises: a clean synthetic set raises none
of it; its own synthetic case (built beside it) makes it fire on exactly the reps built
to show it; and an input without what it needs lists it as not observable. A plug-in is
covered the moment it is added to ``extensor.core.MISTAKES``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from extensor._analysis import analysis_params, run_analysis
from extensor._errors import AnalysisError, KnowledgeBaseError
from extensor.core import MISTAKES, Mistake, mistake
from extensor.core._analyze import INPUT_SOURCES, analyze_motion, observable_mistakes
from extensor.core._synthetic import RepSpec, make_rep, synthetic_set
from extensor.knowledge import load_exercise

EXERCISE = load_exercise()
PLUGINS = list(MISTAKES)
IDS = [m.id for m in PLUGINS]


def _analyse(plugin: Mistake, specs: tuple[RepSpec, ...], *, keypoints: bool):
    case = plugin.case()
    s = synthetic_set(list(specs), noise_deg=0.3, seed=7, keypoints=keypoints)
    ts = s.keypoints if keypoints else s.motion
    return run_analysis(ts, goal=case.goal, variant=case.variant, exercise=EXERCISE).result


@pytest.mark.parametrize("plugin", PLUGINS, ids=IDS)
@pytest.mark.parametrize("keypoints", [False, True], ids=["motion", "keypoints"])
def test_clean_set_raises_nothing(plugin: Mistake, keypoints: bool) -> None:
    """Six reps on the default tempo and range: no fault of this mistake (nor any other)."""
    result = _analyse(plugin, (RepSpec(),) * 6, keypoints=keypoints)
    assert plugin.id not in result.not_observable
    assert result.faults == ()


@pytest.mark.parametrize("plugin", PLUGINS, ids=IDS)
@pytest.mark.parametrize("keypoints", [False, True], ids=["motion", "keypoints"])
def test_built_case_fires_on_exactly_the_built_reps(plugin: Mistake, keypoints: bool) -> None:
    """The plug-in's own synthetic case: all its reps are found, and the mistake sits on exactly
    the reps built to show it, each with a confidence of at least one half."""
    case = plugin.case()
    result = _analyse(plugin, case.specs, keypoints=keypoints)
    assert result.metrics.rep_count == len(case.specs)
    assert set(result.reps_with(plugin.id)) == set(case.reps)
    assert all(0.5 <= f.confidence <= 1.0 for f in result.faults_of(plugin.id))


def _needs_cases(plugin: Mistake) -> list[dict[str, object]]:
    """Inputs that lack one thing the plug-in needs (each alone)."""
    full = {"input_kind": "synthetic", "neutral_known": True, "has_head": True}
    out = []
    if plugin.needs_neutral:
        out.append({**full, "neutral_known": False})
    if plugin.needs_head:
        out.append({**full, "has_head": False})
    for kind, sources in INPUT_SOURCES.items():
        if not set(sources) & set(plugin.inputs):
            out.append({**full, "input_kind": kind})
    out.append({**full, "input_kind": "no_such_input"})
    out.append({**full, "judgeable": False})
    return out


@pytest.mark.parametrize("plugin", PLUGINS, ids=IDS)
def test_without_its_needs_it_is_not_observable(plugin: Mistake) -> None:
    """With everything it needs it is judged; take away any one need and it is listed blind."""
    params = analysis_params(EXERCISE, variant="45_degree_bench", goal="hypertrophy")
    judged, _ = observable_mistakes(
        params, input_kind="synthetic", neutral_known=True, has_head=True
    )
    assert plugin.id in judged
    for lacking in _needs_cases(plugin):
        judged, blind = observable_mistakes(params, **lacking)  # type: ignore[arg-type]
        assert plugin.id in blind, lacking
        assert plugin.id not in judged, lacking


@pytest.mark.parametrize("plugin", PLUGINS, ids=IDS)
def test_without_neutral_or_head_the_analysis_lists_it_blind(plugin: Mistake) -> None:
    """End to end: a motion series with no neutral and no head channel reports the neutral and
    head mistakes not observable and raises none of them."""
    case = plugin.case()
    s = synthetic_set(list(case.specs), noise_deg=0.3, seed=7)
    motion = s.motion.copy(info={**s.motion.info, "neutral_known": False})
    motion = motion.copy(
        data={"extension": motion.channel("extension")}, units={"extension": "deg"}
    )
    params = analysis_params(EXERCISE, variant=case.variant, goal=case.goal)
    result = analyze_motion(motion, params=params)
    if plugin.needs_neutral or plugin.needs_head:
        assert plugin.id in result.not_observable
        assert result.faults_of(plugin.id) == []


@pytest.mark.parametrize("plugin", PLUGINS, ids=IDS)
def test_declarations_match_the_data_file(plugin: Mistake) -> None:
    """Every declared parameter is in the data file with its unit; groups, cells and tempo
    fields name things that exist."""
    entry = EXERCISE.mistake(plugin.id)
    assert entry.detection is not None
    assert {n: p.unit for n, p in entry.detection.params.items()} == dict(plugin.params)
    assert set(entry.observable_from) <= set(plugin.inputs)
    assert plugin.tempo_field in (None, "lift_s", "top_s", "lower_s", "bottom_s")
    assert all(s in MISTAKES for s in plugin.supersedes)


@pytest.mark.parametrize("plugin", PLUGINS, ids=IDS)
def test_detect_refuses_missing_parameters(plugin: Mistake) -> None:
    """The template method checks the parameters before the plug-in runs."""
    params = analysis_params(EXERCISE, variant="45_degree_bench", goal="hypertrophy")
    stripped = {k: v for k, v in params.faults.items() if k != plugin.id}
    with pytest.raises(KnowledgeBaseError, match=f"detection parameter {plugin.id}\\."):
        plugin.detect([make_rep()], replace(params, faults=stripped))


def test_detect_refuses_a_fault_of_another_id() -> None:
    """A plug-in that returns someone else's fault is stopped by the base class."""
    params = analysis_params(EXERCISE, variant="45_degree_bench", goal="hypertrophy")
    real = PLUGINS[0]

    class Liar(type(real)):  # type: ignore[misc]
        def _detect(self, reps, params, values):  # type: ignore[no-untyped-def]
            return [replace_id(f) for f in real._detect(reps, params, values)]

    def replace_id(f):  # type: ignore[no-untyped-def]
        return replace(f, id="someone_else")

    built = real.case()
    s = synthetic_set(list(built.specs), noise_deg=0.0, seed=1)
    reps = analyze_motion(s.motion, params=params).reps
    with pytest.raises(AnalysisError, match="must return its own faults"):
        Liar().detect(reps, params)


def test_unknown_id_names_the_registered_ones() -> None:
    with pytest.raises(KnowledgeBaseError, match="no detectable mistake 'nap'; registered: "):
        mistake("nap")


def test_a_superseded_fault_is_dropped_on_the_same_rep_only() -> None:
    """Where a superseding mistake fired, the superseded one is not reported on that rep."""
    for plugin in PLUGINS:
        for other in plugin.supersedes:
            case = plugin.case()
            s = synthetic_set(list(case.specs), noise_deg=0.3, seed=7)
            result = analyze_motion(
                s.motion, params=analysis_params(EXERCISE, variant=case.variant, goal=case.goal)
            )
            assert not set(result.reps_with(plugin.id)) & set(result.reps_with(other))
