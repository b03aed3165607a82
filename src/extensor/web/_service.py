"""What the pages and the API both compute: choices, guide, plan, history, next session.

The next-session advice is the application service's :func:`extensor.app.next_session`
(the one ``extensor next`` calls), re-exported here for the routes.

Pure of HTTP: every function takes plain values (and an open training-log store) and
returns plain values, so the API returns them as JSON and the pages render them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from extensor._config import Settings
from extensor._errors import ConfigError
from extensor.app import next_session
from extensor.knowledge import Exercise, Plan, make_plan, render_guide
from extensor.progression import (
    Profile,
    format_load,
    load_rules,
    parse_load,
    personal_bests,
)

__all__ = [
    "choices",
    "guide_body",
    "history_data",
    "log_by_hand",
    "next_session",
    "plan_for",
    "profile_for",
    "save_profile_from",
]

#: Most sessions one history request returns (a year and a half of four a week).
MAX_HISTORY = 300

_BODY = re.compile(r"<header>.*</main>", re.DOTALL)


def choices(exercise: Exercise) -> dict[str, list[dict[str, str]]]:
    """Variants, goals and levels as ``{"id", "name"}`` lists, in data-file order."""
    return {
        "variants": [{"id": v.id, "name": v.name} for v in exercise.variants.values()],
        "goals": [{"id": g.id, "name": g.name} for g in exercise.goals.values()],
        "levels": [{"id": lv.id, "name": lv.name} for lv in exercise.levels.values()],
    }


def guide_body(exercise: Exercise, *, variant: str | None) -> str:
    """The guide's HTML (header, section menu and sections) without its page shell and
    inline style, for embedding in the app's own page. Every text in it is escaped by
    :func:`extensor.knowledge.render_guide`."""
    page = render_guide(exercise, variant=variant, fmt="html")
    found = _BODY.search(page)
    return found.group(0) if found else ""


def plan_for(exercise: Exercise, *, goal: str, level: str, weeks: int) -> Plan:
    return make_plan(exercise, goal, level=level, weeks=weeks)


def profile_for(store: Any, settings: Settings) -> tuple[Profile, bool]:
    """The stored profile, or one made from the settings (flag: whether it was stored)."""
    from extensor.store import current_profile

    return current_profile(store, settings, load_rules())


def save_profile_from(
    store: Any,
    exercise: Exercise,
    settings: Settings,
    *,
    level: str,
    goal: str,
    variant: str,
    increment: str,
    unit: str,
) -> Profile:
    """Validate and store a profile typed into the form or sent to the API, through the
    one profile change the CLI's ``extensor profile`` makes (:func:`extensor.app.change_profile`)."""
    from extensor.app import change_profile

    if unit not in ("kg", "lb"):
        raise ConfigError(f"unit must be kg or lb, got {unit!r}")
    current, _ = profile_for(store, settings)
    change = change_profile(
        store, exercise, load_rules(), current, level=level, goal=goal, variant=variant,
        increment=increment, unit="lb" if unit == "lb" else "kg",
    )  # fmt: skip
    return change.profile


def history_data(store: Any, settings: Settings, *, last: int) -> dict[str, Any]:
    """The last ``last`` sessions, all-time personal bests and the profile's unit."""
    from extensor.store import load_history

    profile, _ = profile_for(store, settings)
    everything = load_history(store)
    shown = everything[-max(1, min(last, MAX_HISTORY)) :]
    return {
        "unit": profile.unit,
        "sessions": [s.to_dict(profile.unit) for s in shown],
        "total_sessions": len(everything),
        "personal_bests": personal_bests(everything, unit=profile.unit).to_dict(),
        "_summaries": shown,
    }


def log_by_hand(
    store: Any,
    exercise: Exercise,
    settings: Settings,
    *,
    load: str,
    reps: int,
    sets: int,
    day: date | None,
    rpe: float | None,
    pain: bool,
    note: str | None,
    variant: str | None,
) -> dict[str, Any]:
    """Log sets typed in by hand (what ``extensor log`` does)."""
    from extensor.store import log_sets

    profile, _ = profile_for(store, settings)
    when = day or date.today()
    if when > date.today():
        raise ConfigError(f"the date must not be in the future, got {when.isoformat()}")
    value, unit = parse_load(load, default_unit=profile.unit)
    the_variant = exercise.variant(variant).id if variant else profile.variant
    done = log_sets(
        store, day=when, load=value, unit=unit, reps=reps, sets=sets, variant=the_variant,
        goal=profile.goal, rpe=rpe, pain=pain, note=note or None,
    )  # fmt: skip
    return {
        "day": done.day.isoformat(),
        "set_ids": list(done.set_ids),
        "load": format_load(value, unit),
        "reps": reps,
        "sets": sets,
        "variant": the_variant,
    }
