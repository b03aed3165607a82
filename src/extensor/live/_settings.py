"""Live mode's settings, read from the exercise data file.

>>> from extensor.knowledge import load_exercise
>>> s = live_settings(load_exercise(), variant="45_degree_bench")
>>> s.still_s, s.phrases["past_neutral"]
(0.1, 'Stop at straight.')
"""

from __future__ import annotations

from extensor.coach import TIERS, cue_order
from extensor.knowledge import Exercise
from extensor.live._engine import LiveSettings

__all__ = ["live_settings"]


def live_settings(exercise: Exercise, /, *, variant: str) -> LiveSettings:
    """Every number and phrase live mode uses, from ``exercise`` (no literal in code)."""
    a = exercise.analysis_param
    # the coach's cue order (ranked mistakes first, safety first), then the unranked by tier
    ranked = list(cue_order(exercise))
    rank = {
        m.id: (0, ranked.index(m.id), 0) if m.id in ranked else (1, TIERS.index(m.category), 0)
        for m in exercise.mistakes.values()
    }
    return LiveSettings(
        warmup_s=a("live_warmup_s"),
        set_rest_s=a("set_rest_s"),
        idle_timeout_s=a("live_idle_timeout_s"),
        still_speed_dps=a("motion_speed_dps"),  # visible motion, as offline
        still_s=a("live_still_s"),
        speed_window_s=a("velocity_window_s"),
        neutral_reference=exercise.variant(variant).neutral_reference,
        min_confidence=a("min_keypoint_confidence"),
        face_line_offset_deg=a("face_line_offset_deg"),
        cue_rank=rank,
        phrases={m.id: m.spoken for m in exercise.mistakes.values() if m.spoken},
        cues={m.id: m.cue for m in exercise.mistakes.values()},
        min_cue_confidence=a("min_cue_confidence"),
    )
