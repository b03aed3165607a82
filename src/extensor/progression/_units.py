"""Load units: parsing ``"40kg"``-style quantities, converting kg and lb, rounding to a step.

>>> parse_load("42.5kg", default_unit="lb")
(42.5, 'kg')
>>> parse_load("90", default_unit="lb")
(90.0, 'lb')
>>> parse_load("bw", default_unit="kg")
(0.0, 'kg')
>>> round(convert(100, "lb", "kg"), 3)
45.359
>>> format_load(42.5, "kg"), format_load(0, "kg")
('42.5 kg', 'bodyweight')
"""

from __future__ import annotations

import math
import re
from typing import Literal, get_args

from extensor._errors import ConfigError

__all__ = [
    "LB_IN_KG",
    "LOAD_UNITS",
    "LoadUnit",
    "convert",
    "format_load",
    "parse_load",
    "parse_unit",
]

LoadUnit = Literal["kg", "lb"]

#: The units a load can be logged in.
LOAD_UNITS: tuple[str, ...] = get_args(LoadUnit)

#: One pound in kilograms (exact, by the 1959 international definition).
LB_IN_KG = 0.45359237

#: Largest load accepted anywhere, in kg: far above any lever machine's stack, so a typo
#: such as ``400kg`` for ``40kg`` is caught instead of stored.
MAX_LOAD_KG = 500.0

_UNIT_ALIASES: dict[str, LoadUnit] = {
    "kg": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "lb": "lb",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
}
_BODYWEIGHT = {"bw", "bodyweight", "body weight"}
_QUANTITY = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([a-zA-Z]*)\s*$")


def parse_unit(text: str) -> LoadUnit:
    """``"kg"``, ``"lbs"``, ``"pounds"``... as ``"kg"`` or ``"lb"``.

    >>> parse_unit("LBS")
    'lb'
    """
    unit = _UNIT_ALIASES.get(text.strip().lower())
    if unit is None:
        raise ConfigError(f"unit must be kg or lb, got {text!r}")
    return unit


def parse_load(text: str, *, default_unit: LoadUnit) -> tuple[float, LoadUnit]:
    """A load such as ``"40kg"``, ``"88 lb"``, ``"40"`` (``default_unit``) or ``"bw"`` (0).

    Raises ConfigError naming what was expected when the text is not a load.
    """
    raw = text.strip().lower()
    if raw in _BODYWEIGHT:
        return 0.0, default_unit
    match = _QUANTITY.match(raw)
    if match is None:
        raise ConfigError(
            f"load must be a number with an optional unit (40kg, 88lb, 40, bw), got {text!r}"
        )
    value = float(match.group(1).replace(",", "."))
    unit = parse_unit(match.group(2)) if match.group(2) else default_unit
    if convert(value, unit, "kg") > MAX_LOAD_KG:
        raise ConfigError(f"load must be at most {MAX_LOAD_KG:g} kg, got {text!r}")
    return value, unit


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (kg or lb)."""
    if from_unit == to_unit:
        return float(value)
    if (from_unit, to_unit) == ("lb", "kg"):
        return value * LB_IN_KG
    if (from_unit, to_unit) == ("kg", "lb"):
        return value / LB_IN_KG
    raise ConfigError(f"unit must be kg or lb, got {from_unit!r} -> {to_unit!r}")


def format_load(value: float | None, unit: str) -> str:
    """``"42.5 kg"``; 0 is ``"bodyweight"``; None is ``"-"``."""
    if value is None or not math.isfinite(value):
        return "-"
    if abs(value) < 1e-9:
        return "bodyweight"
    return f"{round(value, 2):g} {unit}"
