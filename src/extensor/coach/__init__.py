"""Coaching on top of the analysis: cues a lifter acts on, a load verdict, and a report.

:func:`coach_set` turns a :class:`~extensor.core._results.SetAnalysis` into at most
:func:`max_cues` cues (the data file's ``max_cues``) (safety first, then tempo, then range and position; each the
knowledge base's own cue with the reps and the measured value against the limit or the
goal's target), a few words on what went well, and a :class:`LoadVerdict` for the next
set. :func:`render_report` / :func:`write_report` make the self-contained HTML report.
The coaching is pure; only :func:`write_report` touches the disk.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> from extensor._analysis import run_analysis
>>> from extensor.knowledge import load_exercise
>>> s = synthetic_set([RepSpec()] * 15, noise_deg=0.0, keypoints=True)
>>> run = run_analysis(s.keypoints, goal="hypertrophy", variant="45_degree_bench")
>>> coaching = coach_set(run.result, exercise=load_exercise())
>>> coaching.cues, coaching.verdict.decision
((), 'may_go_up')
>>> coaching.went_well[0]
'All 15 reps were clean.'
"""

from extensor.coach._coaching import COACHING_SCHEMA, Coaching, coach_set
from extensor.coach._cues import (
    TIERS,
    Cue,
    cue_order,
    format_reps,
    max_cues,
    set_cues,
    went_well,
)
from extensor.coach._numbers import NUMBER_HELP, set_numbers
from extensor.coach._report import (
    KEY_FRAME_PHASES,
    KEY_FRAME_WIDTH_PX,
    KeyFrame,
    ReportFiles,
    guide_path_for,
    render_report,
    write_report,
)
from extensor.coach._verdict import (
    DECISIONS,
    Decision,
    LoadVerdict,
    judge_load,
    judged_by_verdict,
    recommend_for_set,
    set_summary,
    too_heavy_signs,
    verdict_from,
)
from extensor.coach._video_frames import PHASE_LABELS, key_frames, overlay_from_run, phase_labels

__all__ = [
    "COACHING_SCHEMA",
    "DECISIONS",
    "KEY_FRAME_PHASES",
    "KEY_FRAME_WIDTH_PX",
    "NUMBER_HELP",
    "PHASE_LABELS",
    "TIERS",
    "Coaching",
    "Cue",
    "Decision",
    "KeyFrame",
    "LoadVerdict",
    "ReportFiles",
    "coach_set",
    "cue_order",
    "format_reps",
    "guide_path_for",
    "judge_load",
    "judged_by_verdict",
    "key_frames",
    "max_cues",
    "overlay_from_run",
    "phase_labels",
    "recommend_for_set",
    "render_report",
    "set_cues",
    "set_numbers",
    "set_summary",
    "too_heavy_signs",
    "verdict_from",
    "went_well",
    "write_report",
]
