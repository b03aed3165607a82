"""The live coach: the same reps and per-rep faults as the offline analysis, as each rep ends."""

from __future__ import annotations

import itertools

import pytest

from extensor._analysis import analysis_params, run_analysis
from extensor.core import RepSpec, synthetic_set
from extensor.knowledge import load_exercise
from extensor.live import (
    LiveCoach,
    LiveFrame,
    LiveSession,
    RecordingSpeaker,
    live_differences,
    live_settings,
)

GOAL, VARIANT = "hypertrophy", "45_degree_bench"


def _frames_and_pose(keypoints):  # type: ignore[no-untyped-def]
    """A fake pose backend: frame k 'shows' row k of a synthetic keypoint series."""
    names = [n for n in keypoints.data if keypoints.data[n].ndim == 2]
    rows = []
    for k in range(keypoints.time.size):
        rows.append({n: tuple(float(v) for v in keypoints.data[n][k]) for n in names})
    frames = [LiveFrame(k, float(t), None, 0.0) for k, t in enumerate(keypoints.time)]
    return frames, (lambda f: rows[f.index])


@pytest.fixture(scope="module")
def exercise():  # type: ignore[no-untyped-def]
    return load_exercise()


def _session(exercise, clock):  # type: ignore[no-untyped-def]
    params = analysis_params(exercise, variant=VARIANT, goal=GOAL)
    coach = LiveCoach(params=params, settings=live_settings(exercise, variant=VARIANT))
    return coach


def test_each_rep_is_judged_as_it_ends_with_the_offline_faults(exercise) -> None:  # type: ignore[no-untyped-def]
    """Rep 2 (fast lowering, past neutral) and rep 3 (head raised) are flagged live, at the
    end of their own lowering, with the faults the full analysis finds."""
    specs = [RepSpec(), RepSpec(lower_s=1.0, top_deg=15.0), RepSpec(head_deg=40.0), RepSpec()]
    s = synthetic_set(specs, noise_deg=0.2, seed=3, keypoints=True)
    offline = run_analysis(s.keypoints, goal=GOAL, variant=VARIANT, exercise=exercise).result
    frames, pose = _frames_and_pose(s.keypoints)
    ticks = itertools.count()
    speaker = RecordingSpeaker()
    session = LiveSession(coach=_session(exercise, None), pose=pose, speaker=speaker,
                          clock=lambda: next(ticks) * 1e-3)  # fmt: skip
    for f in frames:
        session.process(f)
    reps = [e for e in session.events if e["type"] == "rep"]
    assert [e["rep"] for e in reps] == [1, 2, 3, 4]
    live_faults = {(e["rep"], e["id"]) for e in session.events if e["type"] == "fault"}
    assert live_faults == {(f.rep, f.id) for f in offline.faults}
    for e in reps:
        truth = offline.reps[e["rep"] - 1]
        # the rep is reported within 0.3 s of the end of its lowering (recording time)
        assert 0.0 <= e["time"] - truth.lower_end <= 0.3 or e["ended_at"] == pytest.approx(
            truth.lower_end, abs=0.1
        )
    cues = [e for e in session.events if e["type"] == "cue"]
    assert [(c["rep"], c["mistake"]) for c in cues] == [
        (2, "past_neutral"),
        (3, "head_not_neutral"),
    ]
    assert speaker.phrases == ["Stop at straight.", "Neck long."]
    assert live_differences(session.events, offline) == []
