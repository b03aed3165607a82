"""Cues for one analysed set: which faults to talk about, in what order, and in what words.

Every cue is the knowledge base's own cue for a mistake, preceded by the evidence: the
reps that showed it and the measured value against the limit or the goal's target.
Cues are ranked safety first, then tempo, then range and position (:func:`cue_order`);
:func:`set_cues` returns all of them in that order and :func:`max_cues` (the data file's
``max_cues``) is how many a
lifter is shown at once. :func:`went_well` says what the set did right.

Pure functions: no I/O, the exercise and the goal arrive as arguments.

>>> format_reps([3, 4, 5, 6])
'reps 3-6'
>>> format_reps([1, 3, 5])
'reps 1, 3 and 5'
>>> format_reps([2])
'rep 2'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extensor.core import (
    MISTAKES,
    Fault,
    SetAnalysis,
    format_reps,
    limit_text,
    measured_text,
    reps_of,
)
from extensor.knowledge import CATEGORIES, Exercise, Goal

__all__ = [
    "TEMPO_MISTAKES",
    "TIERS",
    "Cue",
    "cue_order",
    "format_reps",
    "max_cues",
    "set_cues",
    "went_well",
]


def max_cues(exercise: Exercise, /) -> int:
    """How many cues a lifter is shown at once, from the exercise data file.

    >>> from extensor.knowledge import load_exercise
    >>> max_cues(load_exercise())
    3
    """
    return int(exercise.analysis_param("max_cues"))


#: Priority tiers, most urgent first: the knowledge base's categories in their own order
#: (safety, tempo, range, position, breathing).
TIERS: tuple[str, ...] = CATEGORIES


def cue_order(exercise: Exercise, /) -> dict[str, str]:
    """Mistake id -> tier for the ranked mistakes, in cue order (``cue_rank`` in the data file).

    Mistakes without a rank follow, ordered by their category.
    """
    ranked = sorted(
        (m for m in exercise.mistakes.values() if m.cue_rank is not None),
        key=lambda m: (TIERS.index(m.category), m.cue_rank or 0),
    )
    return {m.id: m.category for m in ranked}


#: Mistakes that mean a rep left the goal's tempo (registry group ``tempo``).
TEMPO_MISTAKES = MISTAKES.in_group("tempo")
#: Mistakes that mean a rep did not finish at neutral (registry group ``top``).
TOP_MISTAKES = MISTAKES.in_group("top")
#: Mistakes that mean the trunk was thrown or rebounded (registry group ``control``).
CONTROL_MISTAKES = MISTAKES.in_group("control")


@dataclass(frozen=True, slots=True)
class Cue:
    """One thing to change, with its evidence and where the guide explains it.

    ``text`` is what a lifter reads: the evidence sentence, then the knowledge base's
    cue. ``values`` are the measured values (one per fault, rep order) in ``unit``;
    ``limit`` is the detection threshold from the data file and ``target`` the goal's
    target for that phase (tempo mistakes only).
    """

    mistake: str
    title: str
    tier: str
    reps: tuple[int, ...]
    evidence: str
    cue: str
    why_it_matters: str
    values: tuple[float, ...]
    unit: str
    limit: float | None
    target: float | None
    guide_section: str
    guide_section_title: str

    @property
    def text(self) -> str:
        """Evidence and cue in one line."""
        return f"{self.evidence}. {self.cue}"

    @property
    def guide_anchor(self) -> str:
        """The HTML anchor of this mistake in the rendered guide."""
        return f"mistake-{self.mistake}"

    @property
    def reps_text(self) -> str:
        return format_reps(self.reps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mistake": self.mistake,
            "title": self.title,
            "tier": self.tier,
            "reps": list(self.reps),
            "reps_text": self.reps_text,
            "evidence": self.evidence,
            "cue": self.cue,
            "text": self.text,
            "why_it_matters": self.why_it_matters,
            "measured": {
                "values": list(self.values),
                "unit": self.unit,
                "limit": self.limit,
                "target": self.target,
            },
            "guide": {
                "section": self.guide_section,
                "section_title": self.guide_section_title,
                "anchor": self.guide_anchor,
            },
        }


# -- words ------------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _evidence(mistake: str, title: str, faults: Sequence[Fault], goal: Goal) -> str:
    """The plug-in's evidence sentence; a generic one for a mistake no plug-in detects."""
    who = reps_of(faults)
    plugin = MISTAKES.get(mistake)
    if plugin is None:
        return (
            f"{who}: {title.lower()}, measured {measured_text(faults)} against {limit_text(faults)}"
        )
    t = goal.tempo
    targets = {"lift_s": t.lift_s, "top_s": t.top_s, "lower_s": t.lower_s, "bottom_s": t.bottom_s}
    return plugin.evidence(who, faults, goal=goal.name.lower(), targets=targets)


# -- building cues --------------------------------------------------------------------------


def _rank(exercise: Exercise, mistake: str, first_rep: float) -> tuple[int, int, float]:
    order = list(cue_order(exercise))
    tier = TIERS.index(_tier(exercise, mistake))
    return (tier, order.index(mistake) if mistake in order else len(order), first_rep)


def _tier(exercise: Exercise, mistake: str) -> str:
    return exercise.mistakes[mistake].category if mistake in exercise.mistakes else "position"


def set_cues(result: SetAnalysis, /, *, exercise: Exercise, goal: Goal) -> tuple[Cue, ...]:
    """One cue per mistake seen in ``result``, most urgent first (see :func:`cue_order`).

    Show the first :func:`max_cues` to the lifter; the rest are for the full report.
    Faults of mistakes the knowledge base does not know are skipped.
    """
    grouped: dict[str, list[Fault]] = {}
    for f in result.faults:
        if f.id in exercise.mistakes:
            grouped.setdefault(f.id, []).append(f)
    cues = []
    for mistake, faults in grouped.items():
        faults.sort(key=lambda f: (f.rep if f.rep is not None else 0, f.time))
        m = exercise.mistake(mistake)
        plugin = MISTAKES.get(mistake)
        target_field = None if plugin is None else plugin.target_field(faults[0].unit)
        cues.append(
            Cue(
                mistake=mistake,
                title=m.title,
                tier=_tier(exercise, mistake),
                reps=tuple(sorted({f.rep for f in faults if f.rep is not None})),
                evidence=_cap(_evidence(mistake, m.title, faults, goal)),
                cue=m.cue,
                why_it_matters=m.why_it_matters,
                values=tuple(f.measured for f in faults),
                unit=faults[0].unit,
                limit=faults[0].threshold,
                target=None if target_field is None else getattr(goal.tempo, target_field),
                guide_section=m.guide_section,
                guide_section_title=exercise.section(m.guide_section).title,
            )
        )
    first = {c.mistake: min(c.reps, default=0) for c in cues}
    return tuple(sorted(cues, key=lambda c: _rank(exercise, c.mistake, first[c.mistake])))


# -- what went well -------------------------------------------------------------------------


def _judged(result: SetAnalysis, exercise: Exercise, mistakes: Iterable[str]) -> bool:
    """True when the analysis could see every one of ``mistakes`` in this input."""
    blind = set(result.not_observable)
    return all(m in exercise.mistakes and m not in blind for m in mistakes)


def _reps_phrase(reps: Sequence[int], total: int) -> str:
    if len(reps) == total:
        return "every rep" if total > 1 else "the rep"
    return format_reps(reps)


def went_well(result: SetAnalysis, /, *, exercise: Exercise, goal: Goal) -> tuple[str, ...]:
    """Short sentences about what the set did right (empty when nothing can be said).

    Only claims what the analysis could judge from this input: clean reps, reps that
    finished at neutral, reps on the goal's tempo, and a set with no swing or rebound.
    """
    reps = [r for r in result.reps if r.complete]
    if not reps:
        return ()
    total = len(reps)
    faulty: dict[int, set[str]] = {}
    for f in result.faults:
        if f.rep is not None:
            faulty.setdefault(f.rep, set()).add(f.id)
    out: list[str] = []
    if len(result.clean_reps) == total:
        out.append(f"All {total} reps were clean." if total > 1 else "The rep was clean.")

    if result.neutral_known and _judged(result, exercise, TOP_MISTAKES):
        tops = [r for r in reps if not faulty.get(r.number, set()) & TOP_MISTAKES]
        devs = [abs(r.top_deviation_deg) for r in tops if r.top_deviation_deg is not None]
        if tops and devs:
            who = _reps_phrase([r.number for r in tops], total)
            worst = f"{max(devs):.0f}"
            where = "on the line" if worst == "0" else f"within {worst} degrees of the line"
            out.append(f"{_cap(who)} finished at neutral, {where}.")

    if _judged(result, exercise, MISTAKES.in_group("tempo", goal_optional=False)):
        on_tempo = [r for r in reps if not faulty.get(r.number, set()) & TEMPO_MISTAKES]
        if on_tempo:
            who = _reps_phrase([r.number for r in on_tempo], total)
            out.append(f"{_cap(who)} kept the {goal.name.lower()} tempo of {goal.tempo}.")

    if _judged(result, exercise, CONTROL_MISTAKES) and not any(
        f.id in CONTROL_MISTAKES for f in result.faults
    ):
        out.append("No rep was swung up or bounced out of the bottom.")
    return tuple(out)
