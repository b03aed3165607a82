"""Cues for one analysed set: which faults to talk about, in what order, and in what words.

Every cue is the knowledge base's own cue for a mistake, preceded by the evidence: the
reps that showed it and the measured value against the limit or the goal's target.
Cues are ranked safety first, then tempo, then range and position (:func:`cue_order`);
:func:`set_cues` returns all of them in that order and :data:`MAX_CUES` is how many a
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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extensor.core._results import Fault, SetAnalysis
from extensor.knowledge import CATEGORIES, Exercise, Goal

__all__ = [
    "MAX_CUES",
    "TEMPO_MISTAKES",
    "TIERS",
    "Cue",
    "cue_order",
    "format_reps",
    "set_cues",
    "went_well",
]

#: How many cues a lifter is given for one set. More than three things to change at
#: once is more than anyone can think about during the next set.
MAX_CUES = 3

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


#: Mistakes that mean a rep left the goal's tempo.
TEMPO_MISTAKES = frozenset({"momentum", "bounce", "rushed_lowering", "no_top_pause", "no_settle"})
#: Mistakes that mean a rep did not finish at neutral.
TOP_MISTAKES = frozenset({"past_neutral", "partial_range"})
#: Mistakes that mean the trunk was thrown or rebounded.
CONTROL_MISTAKES = frozenset({"momentum", "bounce"})


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
    #: ``"clear"``, or ``"possible"`` when every fault behind it is below the data file's
    #: ``min_cue_confidence``: shown beside the cues, never as one of them.
    level: str = "clear"

    @property
    def possible(self) -> bool:
        return self.level == "possible"

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
            "level": self.level,
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


def format_reps(numbers: Iterable[int]) -> str:
    """Rep numbers as a lifter reads them: ``rep 2``, ``reps 3-6``, ``reps 1-3, 5 and 7``.

    >>> format_reps([7, 5, 1, 2, 3])
    'reps 1-3, 5 and 7'
    >>> format_reps([])
    'no rep'
    """
    nums = sorted(set(numbers))
    if not nums:
        return "no rep"
    runs: list[tuple[int, int]] = []
    for n in nums:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    word = "rep" if len(nums) == 1 else "reps"
    if len(parts) == 1:
        return f"{word} {parts[0]}"
    return f"{word} {', '.join(parts[:-1])} and {parts[-1]}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _num(value: float, unit: str) -> str:
    """One value in the unit's usual precision."""
    if unit == "fraction":
        return f"{value:.0%}"
    if unit == "s":
        return f"{value:.1f}"
    return f"{value:.0f}"


def _values(values: Sequence[float], unit: str) -> str:
    """``18`` when every value rounds the same, else ``18 to 20`` (no unit)."""
    lo, hi = _num(min(values), unit), _num(max(values), unit)
    return lo if lo == hi else f"{lo} to {hi}"


def _with_unit(text: str, unit: str) -> str:
    names = {"deg": " degrees", "s": " s", "deg/s": " deg/s", "fraction": ""}
    return text + names.get(unit, f" {unit}")


# -- evidence, one phrase per mistake --------------------------------------------------------

_Phrase = Callable[[str, Sequence[Fault], Goal], str]


def _measured(faults: Sequence[Fault]) -> str:
    unit = faults[0].unit
    return _with_unit(_values([f.measured for f in faults], unit), unit)


def _limit(faults: Sequence[Fault]) -> str:
    unit = faults[0].unit
    return _with_unit(_num(faults[0].threshold, unit), unit)


def _past_neutral(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    return f"{reps} leaned {_measured(faults)} past neutral at the top (limit: {_limit(faults)})"


def _momentum(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    if faults[0].unit == "deg/s":
        return f"{reps} shot up at {_measured(faults)} at peak speed (limit: {_limit(faults)})"
    return (
        f"{reps} snapped up in {_measured(faults)}; the {goal.name.lower()} "
        f"target is {goal.tempo.lift_s:g} s"
    )


def _bounce(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    return (
        f"{reps} rebounded after {_measured(faults)} at the bottom; the "
        f"{goal.name.lower()} target is a {goal.tempo.bottom_s:g} s pause"
    )


def _rushed_lowering(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    return (
        f"{reps} lowered in {_measured(faults)}; the {goal.name.lower()} "
        f"target is {goal.tempo.lower_s:g} s"
    )


def _no_top_pause(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    return (
        f"{reps} held the top for {_measured(faults)}; the {goal.name.lower()} "
        f"target is {goal.tempo.top_s:g} s"
    )


def _no_settle(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    return (
        f"{reps} rested {_measured(faults)} at the bottom before the next lift; the "
        f"{goal.name.lower()} target is {goal.tempo.bottom_s:g} s"
    )


def _partial_range(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    by_unit = _by_unit(faults)
    parts = []
    if "deg" in by_unit:
        group = by_unit["deg"]
        parts.append(f"stopped {_measured(group)} short of neutral (limit: {_limit(group)})")
    if "fraction" in by_unit:
        group = by_unit["fraction"]
        parts.append(
            f"covered only {_measured(group)} of the set's best range "
            f"(at least {_limit(group)} expected)"
        )
    return f"{reps} " + " and ".join(parts)


def _deep_rounding(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    return f"{reps} went {_measured(faults)} below neutral at the bottom (limit: {_limit(faults)})"


def _head_not_neutral(reps: str, faults: Sequence[Fault], goal: Goal) -> str:
    return (
        f"{reps} turned the head {_measured(faults)} away from the trunk line "
        f"(limit: {_limit(faults)})"
    )


_PHRASES: dict[str, _Phrase] = {
    "past_neutral": _past_neutral,
    "momentum": _momentum,
    "bounce": _bounce,
    "rushed_lowering": _rushed_lowering,
    "no_top_pause": _no_top_pause,
    "no_settle": _no_settle,
    "partial_range": _partial_range,
    "deep_rounding": _deep_rounding,
    "head_not_neutral": _head_not_neutral,
}

#: Mistake id -> the goal's tempo field its cue quotes as the target.
_TEMPO_TARGET: dict[str, str] = {
    "rushed_lowering": "lower_s",
    "no_top_pause": "top_s",
    "no_settle": "bottom_s",
    "bounce": "bottom_s",
}


def _by_unit(faults: Sequence[Fault]) -> dict[str, list[Fault]]:
    out: dict[str, list[Fault]] = {}
    for f in faults:
        out.setdefault(f.unit, []).append(f)
    return out


def _evidence(mistake: str, title: str, faults: Sequence[Fault], goal: Goal) -> str:
    reps = [f.rep for f in faults if f.rep is not None]
    who = format_reps(reps) if reps else "this set"
    phrase = _PHRASES.get(mistake)
    if phrase is None:
        return f"{who}: {title.lower()}, measured {_measured(faults)} against {_limit(faults)}"
    if mistake == "momentum" and len(_by_unit(faults)) > 1:
        groups = _by_unit(faults)
        return "; ".join(
            _momentum(format_reps([f.rep for f in g if f.rep is not None]), g, goal)
            for g in groups.values()
        )
    return phrase(who, faults, goal)


# -- building cues --------------------------------------------------------------------------


def _rank(exercise: Exercise, mistake: str, first_rep: float) -> tuple[int, int, float]:
    order = list(cue_order(exercise))
    tier = TIERS.index(_tier(exercise, mistake))
    return (tier, order.index(mistake) if mistake in order else len(order), first_rep)


def _tier(exercise: Exercise, mistake: str) -> str:
    return exercise.mistakes[mistake].category if mistake in exercise.mistakes else "position"


def set_cues(result: SetAnalysis, /, *, exercise: Exercise, goal: Goal) -> tuple[Cue, ...]:
    """One cue per mistake seen in ``result``, most urgent first (see :func:`cue_order`).

    Show the first :data:`MAX_CUES` to the lifter; the rest are for the full report.
    Faults of mistakes the knowledge base does not know are skipped. A mistake whose
    faults are all ``possible`` gives a ``possible`` cue, sorted after every clear one.
    """
    grouped: dict[str, list[Fault]] = {}
    for f in result.faults:
        if f.id in exercise.mistakes:
            grouped.setdefault(f.id, []).append(f)
    cues = []
    for mistake, faults in grouped.items():
        faults.sort(key=lambda f: (f.rep if f.rep is not None else 0, f.time))
        m = exercise.mistake(mistake)
        target_field = _TEMPO_TARGET.get(mistake)
        if mistake == "momentum" and faults[0].unit == "s":
            target_field = "lift_s"
        level = "clear" if any(f.level == "clear" for f in faults) else "possible"
        evidence = _cap(_evidence(mistake, m.title, faults, goal))
        cues.append(
            Cue(
                mistake=mistake,
                title=m.title,
                tier=_tier(exercise, mistake),
                reps=tuple(sorted({f.rep for f in faults if f.rep is not None})),
                evidence=evidence if level == "clear" else f"Possibly: {evidence}",
                cue=m.cue,
                why_it_matters=m.why_it_matters,
                values=tuple(f.measured for f in faults),
                unit=faults[0].unit,
                limit=faults[0].threshold,
                target=None if target_field is None else getattr(goal.tempo, target_field),
                guide_section=m.guide_section,
                guide_section_title=exercise.section(m.guide_section).title,
                level=level,
            )
        )
    first = {c.mistake: min(c.reps, default=0) for c in cues}
    return tuple(
        sorted(cues, key=lambda c: (c.possible, _rank(exercise, c.mistake, first[c.mistake])))
    )


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
    finished at neutral, reps on the goal's tempo, and a set with no swing or bounce.
    """
    reps = [r for r in result.reps if r.complete and r.reliable]
    if not reps:
        return ()
    total = len(reps)
    faulty: dict[int, set[str]] = {}
    for f in result.faults:
        if f.rep is not None:
            faulty.setdefault(f.rep, set()).add(f.id)
    out: list[str] = []
    if not any(faulty.get(r.number) for r in reps):
        out.append(f"All {total} reps were clean." if total > 1 else "The rep was clean.")

    if result.neutral_known and _judged(result, exercise, TOP_MISTAKES):
        tops = [r for r in reps if not faulty.get(r.number, set()) & TOP_MISTAKES]
        devs = [abs(r.top_deviation_deg) for r in tops if r.top_deviation_deg is not None]
        if tops and devs:
            who = _reps_phrase([r.number for r in tops], total)
            worst = f"{max(devs):.0f}"
            where = "on the line" if worst == "0" else f"within {worst} degrees of the line"
            out.append(f"{_cap(who)} finished at neutral, {where}.")

    if _judged(result, exercise, TEMPO_MISTAKES - {"no_top_pause"}):
        on_tempo = [r for r in reps if not faulty.get(r.number, set()) & TEMPO_MISTAKES]
        if on_tempo:
            who = _reps_phrase([r.number for r in on_tempo], total)
            out.append(f"{_cap(who)} kept the {goal.name.lower()} tempo of {goal.tempo}.")

    if _judged(result, exercise, CONTROL_MISTAKES) and not any(
        f.id in CONTROL_MISTAKES for f in result.faults
    ):
        out.append("No rep was swung up or bounced out of the bottom.")
    return tuple(out)
