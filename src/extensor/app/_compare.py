"""Two sets side by side: the one comparison behind ``extensor compare``, the web app's
``/compare`` page and ``/api/compare``.

A side is an analysis document (``analyze --json``, a web job's ``analysis.json``) or a
logged set (:func:`extensor.store.logged_set`). Loads in kg and lb are compared in one unit.

>>> a = {"reps": 10, "clean_reps": 8, "load": 40.0, "unit": "kg", "rep_list": [], "faults": []}
>>> b = {"reps": 12, "clean_reps": 12, "load": 90.0, "unit": "lb", "rep_list": [], "faults": []}
>>> c = compare_sets(side_from_logged(a, label="May"), side_from_logged(b, label="June"))
>>> [(r.label, r.a, r.b, r.change) for r in c.rows if r.key in ("load", "clean")]
[('load', '40 kg', '40.82 kg', '+0.82 kg'), ('clean reps', '8 of 10', '12 of 12', '+20%')]
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from extensor._errors import InputError
from extensor.progression import convert, format_load

__all__ = [
    "Comparison",
    "ComparisonRow",
    "SetSide",
    "compare_sets",
    "side_from_analysis",
    "side_from_file",
    "side_from_logged",
]

#: The mistake whose reps are counted as "past neutral".
PAST_NEUTRAL = "past_neutral"


@dataclass(frozen=True, slots=True)
class SetSide:
    """What a comparison reads from one set; None = not known for this set."""

    label: str
    reps: int
    clean_reps: int | None
    load: float | None = None
    unit: str | None = None
    day: str | None = None
    lift_s: float | None = None
    top_hold_s: float | None = None
    lower_s: float | None = None
    mean_range_deg: float | None = None
    past_neutral_reps: int | None = None
    velocity_loss_pct: float | None = None
    smoothness_ldlj: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One line: the measure, both sides as text and the change from A to B."""

    key: str
    label: str
    a: str
    b: str
    change: str


@dataclass(frozen=True, slots=True)
class Comparison:
    a: SetSide
    b: SetSide
    unit: str | None
    rows: tuple[ComparisonRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "unit": self.unit,
            "rows": [asdict(r) for r in self.rows],
        }


def _mean(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.fmean(got) if got else None


def _past_neutral(rep_list: Sequence[Mapping[str, Any]], faults: Sequence[Mapping[str, Any]],
                  judged: bool) -> int | None:  # fmt: skip
    if not judged:
        return None
    return len({f.get("rep") for f in faults if f.get("id") == PAST_NEUTRAL})


def _side(label: str, rep_list: Sequence[Mapping[str, Any]], faults: Sequence[Mapping[str, Any]],
          *, reps: int, clean: int | None, judged: bool, **extra: Any) -> SetSide:  # fmt: skip
    full = [r for r in rep_list if r.get("complete", True)]
    return SetSide(
        label=label, reps=reps, clean_reps=clean,
        lift_s=_mean([r.get("lift_s") for r in full]),
        top_hold_s=_mean([r.get("top_hold_s") for r in full]),
        lower_s=_mean([r.get("lower_s") for r in full]),
        past_neutral_reps=_past_neutral(rep_list, faults, judged),
        smoothness_ldlj=_mean([r.get("smoothness_ldlj") for r in full]),
        **extra,
    )  # fmt: skip


def side_from_analysis(doc: Mapping[str, Any], *, label: str) -> SetSide:
    """A side from an analysis document (``analyze --json``)."""
    try:
        rep_list = list(doc["reps"])
        faults = list(doc["faults"])
        metrics = dict(doc["metrics"])
    except (KeyError, TypeError):
        raise InputError(f"{label}: not an extensor analysis document") from None
    faulty = {f.get("rep") for f in faults if f.get("rep") is not None}
    complete = [r for r in rep_list if r.get("complete", True)]
    judged = bool(doc.get("neutral_known")) and PAST_NEUTRAL not in doc.get("not_observable", [])
    return _side(
        label, rep_list, faults, reps=len(complete),
        clean=sum(1 for r in complete if r.get("number") not in faulty), judged=judged,
        mean_range_deg=metrics.get("mean_range_deg"),
        velocity_loss_pct=metrics.get("velocity_loss_pct"),
    )  # fmt: skip


def side_from_logged(doc: Mapping[str, Any], *, label: str) -> SetSide:
    """A side from a logged set (:func:`extensor.store.logged_set`)."""
    rep_list = list(doc.get("rep_list", []))
    judged = any(r.get("top_deviation_deg") is not None for r in rep_list)
    return _side(
        label, rep_list, list(doc.get("faults", [])), reps=int(doc["reps"]),
        clean=doc.get("clean_reps"), judged=judged, load=doc.get("load"), unit=doc.get("unit"),
        day=doc.get("day"), mean_range_deg=doc.get("mean_range_deg"),
        velocity_loss_pct=doc.get("velocity_loss_pct"),
    )  # fmt: skip


def side_from_file(path: Path) -> SetSide:
    """A side from an analysis JSON file; a file that is not one raises InputError."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror}") from None
    except ValueError:
        raise InputError(f"{path}: not JSON (an `extensor analyze --json` file?)") from None
    if not isinstance(doc, dict):
        raise InputError(f"{path}: not an extensor analysis document")
    return side_from_analysis(doc, label=path.name)


def _num(value: float | None, unit: str, spec: str = ".1f") -> str:
    return "-" if value is None else f"{value:{spec}} {unit}".strip()


def _delta(a: float | None, b: float | None, unit: str, spec: str = "+.1f") -> str:
    return "" if a is None or b is None else f"{b - a:{spec}} {unit}".strip()


def _clean(side: SetSide) -> str:
    return "-" if side.clean_reps is None else f"{side.clean_reps} of {side.reps}"


def _share(side: SetSide) -> float | None:
    if side.clean_reps is None or side.reps == 0:
        return None
    return side.clean_reps / side.reps


def compare_sets(a: SetSide, b: SetSide, *, unit: str | None = None) -> Comparison:
    """The rows of the comparison of ``a`` with ``b``. Both loads are shown in ``unit``
    (default: A's unit, else B's); a side without a load shows "-"."""
    the_unit = unit or a.unit or b.unit
    loads = [
        None if s.load is None or s.unit is None or the_unit is None
        else round(convert(s.load, s.unit, the_unit), 2)
        for s in (a, b)
    ]  # fmt: skip
    sa, sb = _share(a), _share(b)
    rows = [
        ComparisonRow(
            "load", "load",
            "-" if loads[0] is None else format_load(loads[0], the_unit or "kg"),
            "-" if loads[1] is None else format_load(loads[1], the_unit or "kg"),
            _delta(loads[0], loads[1], the_unit or "", "+.2g"),
        ),
        ComparisonRow("reps", "reps", str(a.reps), str(b.reps), f"{b.reps - a.reps:+d}"),
        ComparisonRow(
            "clean", "clean reps", _clean(a), _clean(b),
            "" if sa is None or sb is None else f"{(sb - sa) * 100:+.0f}%",
        ),
        ComparisonRow(
            "past_neutral", "past neutral (reps)",
            "not judged" if a.past_neutral_reps is None else str(a.past_neutral_reps),
            "not judged" if b.past_neutral_reps is None else str(b.past_neutral_reps),
            "" if a.past_neutral_reps is None or b.past_neutral_reps is None
            else f"{b.past_neutral_reps - a.past_neutral_reps:+d}",
        ),
        ComparisonRow("range", "range", _num(a.mean_range_deg, "deg", ".0f"),
                      _num(b.mean_range_deg, "deg", ".0f"),
                      _delta(a.mean_range_deg, b.mean_range_deg, "deg", "+.0f")),
        ComparisonRow("lift", "tempo: lift", _num(a.lift_s, "s"), _num(b.lift_s, "s"),
                      _delta(a.lift_s, b.lift_s, "s")),
        ComparisonRow("top_hold", "tempo: top hold", _num(a.top_hold_s, "s"),
                      _num(b.top_hold_s, "s"), _delta(a.top_hold_s, b.top_hold_s, "s")),
        ComparisonRow("lower", "tempo: lowering", _num(a.lower_s, "s"), _num(b.lower_s, "s"),
                      _delta(a.lower_s, b.lower_s, "s")),
        ComparisonRow("velocity_loss", "velocity loss", _num(a.velocity_loss_pct, "%", ".0f"),
                      _num(b.velocity_loss_pct, "%", ".0f"),
                      _delta(a.velocity_loss_pct, b.velocity_loss_pct, "%", "+.0f")),
        ComparisonRow("smoothness", "smoothness (LDLJ)", _num(a.smoothness_ldlj, "", ".1f"),
                      _num(b.smoothness_ldlj, "", ".1f"),
                      _delta(a.smoothness_ldlj, b.smoothness_ldlj, "", "+.1f")),
    ]  # fmt: skip
    return Comparison(a=a, b=b, unit=the_unit, rows=tuple(rows))
