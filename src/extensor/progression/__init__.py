"""Quality-gated progression: rules as data, applied by one pure function.

The rules live in ``extensor/progression/data/progression.toml`` (validated by
:class:`Rules`); :func:`recommend` reads a history of :class:`SessionSummary` objects and
a :class:`Profile`, and returns a :class:`Recommendation` naming the rule that decided.

>>> from datetime import date
>>> from extensor.knowledge import load_exercise
>>> rec = recommend([], Profile(), load_rules(), load_exercise(), today=date(2024, 1, 1))
>>> rec.rule_id, rec.load
('no_history', None)
"""

from extensor.progression._engine import Recommendation, pick_focus, recommend, reduce_load
from extensor.progression._rules import (
    ACTION_DECISIONS,
    ACTION_PARAMS,
    ACTIONS,
    CONDITION_PARAMS,
    CONDITIONS,
    FIXED_FIELDS,
    SET_FIELDS,
    TEMPLATE_FIELDS,
    Decision,
    Rule,
    RuleParam,
    Rules,
    load_rules,
)
from extensor.progression._summary import (
    SET_SOURCES,
    Best,
    PersonalBests,
    Profile,
    SessionSummary,
    SetSource,
    SetSummary,
    personal_bests,
)
from extensor.progression._units import (
    LB_IN_KG,
    LOAD_UNITS,
    MAX_LOAD_KG,
    LoadUnit,
    convert,
    format_load,
    parse_load,
    parse_unit,
)

__all__ = [
    "ACTIONS",
    "ACTION_DECISIONS",
    "ACTION_PARAMS",
    "CONDITIONS",
    "CONDITION_PARAMS",
    "FIXED_FIELDS",
    "LB_IN_KG",
    "LOAD_UNITS",
    "MAX_LOAD_KG",
    "SET_FIELDS",
    "SET_SOURCES",
    "TEMPLATE_FIELDS",
    "Best",
    "Decision",
    "LoadUnit",
    "PersonalBests",
    "Profile",
    "Recommendation",
    "Rule",
    "RuleParam",
    "Rules",
    "SessionSummary",
    "SetSource",
    "SetSummary",
    "convert",
    "format_load",
    "load_rules",
    "parse_load",
    "parse_unit",
    "personal_bests",
    "pick_focus",
    "recommend",
    "reduce_load",
]
