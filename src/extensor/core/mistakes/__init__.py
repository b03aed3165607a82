"""Detectable mistakes as plug-ins: one module per mistake, one registry.

>>> from extensor.core.mistakes import MISTAKES
>>> sorted(MISTAKES.in_group("control")) == sorted(m.id for m in MISTAKES if "control" in m.groups)
True
"""

from extensor.core.mistakes._base import ALL_INPUTS, Mistake, MistakeCase, confidence
from extensor.core.mistakes._registry import MISTAKES, MistakeRegistry, mistake
from extensor.core.mistakes._words import format_reps, limit_text, measured_text, reps_of

__all__ = [
    "ALL_INPUTS",
    "MISTAKES",
    "Mistake",
    "MistakeCase",
    "MistakeRegistry",
    "confidence",
    "format_reps",
    "limit_text",
    "measured_text",
    "mistake",
    "reps_of",
]
