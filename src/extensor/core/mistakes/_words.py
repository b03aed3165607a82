"""Words for evidence sentences: rep lists and measured values in their unit's precision.

>>> format_reps([3, 4, 5, 6])
'reps 3-6'
>>> format_reps([1, 3, 5])
'reps 1, 3 and 5'
>>> format_reps([2])
'rep 2'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extensor.core._results import Fault

__all__ = ["by_unit", "format_reps", "limit_text", "measured_text", "reps_of"]


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


def reps_of(faults: Sequence[Fault]) -> str:
    """The reps of ``faults`` in words (``this set`` when none names a rep)."""
    reps = [f.rep for f in faults if f.rep is not None]
    return format_reps(reps) if reps else "this set"


def _num(value: float, unit: str) -> str:
    """One value in the unit's usual precision."""
    if unit == "fraction":
        return f"{value:.0%}"
    if unit == "s":
        return f"{value:.1f}"
    return f"{value:.0f}"


def _with_unit(text: str, unit: str) -> str:
    names = {"deg": " degrees", "s": " s", "deg/s": " deg/s", "fraction": ""}
    return text + names.get(unit, f" {unit}")


def measured_text(faults: Sequence[Fault]) -> str:
    """``18 degrees`` when every measured value rounds the same, else ``18 to 20 degrees``."""
    unit = faults[0].unit
    values = [f.measured for f in faults]
    lo, hi = _num(min(values), unit), _num(max(values), unit)
    return _with_unit(lo if lo == hi else f"{lo} to {hi}", unit)


def limit_text(faults: Sequence[Fault]) -> str:
    """The first fault's threshold with its unit."""
    unit = faults[0].unit
    return _with_unit(_num(faults[0].threshold, unit), unit)


def by_unit(faults: Sequence[Fault]) -> dict[str, list[Fault]]:
    """Faults grouped by unit, in first-seen order."""
    out: dict[str, list[Fault]] = {}
    for f in faults:
        out.setdefault(f.unit, []).append(f)
    return out
