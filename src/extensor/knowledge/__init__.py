"""The exercise knowledge base: validated data, guide rendering and training plans.

Everything extensor knows about its exercise lives in one TOML data file per exercise
(``extensor/knowledge/data/<name>.toml``), validated at load time by pydantic models:
overview, variants with their geometry, setup and execution steps, breathing, tips,
mistakes with detection thresholds, analysis parameters, goals, levels, progression
rules, equipment, FAQ and safety rules.

>>> ex = load_exercise()
>>> ex.name, ex.overview.primary_muscle
('Lever Back Extension', 'Erector spinae')
>>> ex.mistake("ribs_flared").observable_from
()
>>> ex.analysis["min_rep_range_deg"].unit
'deg'
>>> plan = make_plan(ex, "hypertrophy", weeks=2)
>>> [(w.sets, w.reps, w.tempo.lower_s) for w in plan.weeks]
[(3, 10, 2.5), (3, 12, 2.5)]
>>> "id=\\"mistake-ribs_flared\\"" in render_guide(ex, fmt="html")
True
"""

from extensor.knowledge._loader import (
    DEFAULT_EXERCISE,
    format_validation_error,
    list_exercises,
    load_exercise,
)
from extensor.knowledge._plan import MAX_WEEKS, LoadChange, Plan, PlanWeek, make_plan
from extensor.knowledge._render import GUIDE_FORMATS, GuideFormat, guide_data, render_guide
from extensor.knowledge._schema import (
    CATEGORIES,
    LEVEL_IDS,
    OBSERVABLE_SOURCES,
    REQUIRED_ANALYSIS_PARAMS,
    REQUIRED_DETECTION_PARAMS,
    SECTION_IDS,
    UNITS,
    Breathing,
    Camera,
    Detection,
    Equipment,
    Exercise,
    FaqEntry,
    Goal,
    IntRange,
    Level,
    Load,
    Mistake,
    Overview,
    Param,
    PlanRules,
    ProgressionRule,
    SafetyRule,
    SectionText,
    StartDeviation,
    Step,
    Tempo,
    Tip,
    Variant,
)

__all__ = [
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
]
