"""Next-session advice and the profile: the one implementation behind ``extensor next``,
``extensor profile`` and the web app's next-session and profile pages.

>>> import tempfile, pathlib
>>> from datetime import date
>>> from extensor._config import load_settings
>>> from extensor.knowledge import load_exercise
>>> from extensor.store import Store
>>> with tempfile.TemporaryDirectory() as tmp, Store(pathlib.Path(tmp) / "log.db") as store:
...     rec, profile = next_session(store, load_settings(), load_exercise(), today=date(2024, 1, 1))
>>> rec.rule_id, profile.goal
('no_history', 'hypertrophy')
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from extensor._config import Settings
from extensor._errors import ConfigError
from extensor.knowledge import Exercise
from extensor.progression import (
    Profile,
    Recommendation,
    Rules,
    convert,
    format_load,
    load_rules,
    parse_load,
    recommend,
)
from extensor.store import (
    Store,
    current_profile,
    load_history,
    record_recommendation,
    save_profile,
)

__all__ = ["ProfileChange", "change_profile", "next_session", "with_goal"]


def with_goal(profile: Profile, goal: str | None, exercise: Exercise) -> Profile:
    """``profile`` with ``goal`` instead of its own (validated), or unchanged for None."""
    if goal is None:
        return profile
    return Profile(
        level=profile.level,
        goal=exercise.goal(goal).id,
        variant=profile.variant,
        increment=profile.increment,
        unit=profile.unit,
    )


def next_session(
    store: Store,
    settings: Settings,
    exercise: Exercise,
    *,
    goal: str | None = None,
    today: date | None = None,
    rules: Rules | None = None,
    record: bool = False,
) -> tuple[Recommendation, Profile]:
    """The progression rules' advice for the next session, and the profile it was for.

    ``goal`` overrides the profile's for this advice. ``record`` stores the advice in the
    log (``extensor next`` does; a web page view must not change the log).
    """
    day = today or date.today()
    the_rules = rules or load_rules(exercise=exercise)
    profile, _ = current_profile(store, settings, the_rules)
    profile = with_goal(profile, goal, exercise)
    rec = recommend(load_history(store, until=day), profile, the_rules, exercise, today=day)
    if record:
        record_recommendation(store, rec)
    return rec, profile


class ProfileChange:
    """The outcome of :func:`change_profile`: the new profile and notes for the lifter."""

    __slots__ = ("notes", "profile")

    def __init__(self, profile: Profile, notes: tuple[str, ...]) -> None:
        self.profile = profile
        self.notes = notes


def change_profile(
    store: Store,
    exercise: Exercise,
    rules: Rules,
    current: Profile,
    *,
    level: str | None = None,
    goal: str | None = None,
    variant: str | None = None,
    increment: str | None = None,
    unit: Literal["kg", "lb"] | None = None,
) -> ProfileChange:
    """Validate and store a change of the profile; ``None`` keeps a field.

    A new unit without a new ``increment`` resets the load step to the rules' default for
    that unit; an ``increment`` in the other unit (``5lb`` for a kg profile) is converted.
    """
    notes: list[str] = []
    new_unit: Literal["kg", "lb"] = current.unit if unit is None else unit
    step = current.increment
    if new_unit != current.unit and increment is None:
        step = rules.default_increment(new_unit)
        notes.append(
            f"unit changed to {new_unit}: load step reset to {format_load(step, new_unit)}"
        )
    if increment is not None:
        value, step_unit = parse_load(increment, default_unit=new_unit)
        if value <= 0:
            raise ConfigError(f"the load step must be above 0, got {increment!r}")
        step = round(convert(value, step_unit, new_unit), 4)
        if step_unit != new_unit:
            notes.append(f"{increment} is {format_load(step, new_unit)} in your unit")
    profile = Profile(
        level=exercise.level(level).id if level else current.level,
        goal=exercise.goal(goal).id if goal else current.goal,
        variant=exercise.variant(variant).id if variant else current.variant,
        increment=step,
        unit=new_unit,
    )
    save_profile(store, profile)
    return ProfileChange(profile, tuple(notes))
