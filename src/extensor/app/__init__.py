"""The application layer: what every face of extensor (the CLI, the web app, later live
mode and batch) calls, written once below them.

- :func:`analyze_and_coach`: recording -> analysis -> coaching -> report, annotated
  video, key frames -> training log, with one progress callback.
- :func:`next_session`: the progression rules' advice for the next session.
- :func:`history_svg`: the one training-history chart.

The load verdict of a set and the next-session advice come from the same progression
rules (``extensor/progression/data/progression.toml``), so they always agree.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> s = synthetic_set([RepSpec()] * 12, noise_deg=0.0, keypoints=True)
>>> done = analyze_and_coach(s.keypoints, goal="hypertrophy", variant="45_degree_bench")
>>> done.coaching.verdict.headline
'Keep the load'
"""

from extensor.app._advice import ProfileChange, change_profile, next_session, with_goal
from extensor.app._charts import history_svg, write_history_chart
from extensor.app._compare import (
    Comparison,
    SetSide,
    compare_sets,
    side_from_analysis,
    side_from_file,
    side_from_logged,
)
from extensor.app._pipeline import (
    SESSION_SCHEMA,
    STAGES,
    CoachedSession,
    CoachedSet,
    LogEntry,
    OneSetFilesError,
    ProgressFn,
    analysis_document,
    analyze_and_coach,
    analyze_session,
    set_report_path,
)
from extensor.app._trend import QualityTrend, quality_trend

__all__ = [
    "SESSION_SCHEMA",
    "STAGES",
    "CoachedSession",
    "CoachedSet",
    "Comparison",
    "LogEntry",
    "OneSetFilesError",
    "ProfileChange",
    "ProgressFn",
    "QualityTrend",
    "SetSide",
    "analysis_document",
    "analyze_and_coach",
    "analyze_session",
    "change_profile",
    "compare_sets",
    "history_svg",
    "next_session",
    "quality_trend",
    "set_report_path",
    "side_from_analysis",
    "side_from_file",
    "side_from_logged",
    "with_goal",
    "write_history_chart",
]
