"""What the training-log commands share: the ``--db`` option, opening the log, the profile.

Every command takes ``--db`` (a file path or a URL; default ``EXTENSOR_DB`` or the SQLite
file in the data directory). The profile's goal, variant and unit are the fall-back for
every command that needs them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from extensor._config import Settings, load_settings
from extensor._errors import ConfigError
from extensor.knowledge import Exercise
from extensor.progression import Profile, Rules
from extensor.store import Store, current_profile, get_profile, resolve_db_url

__all__ = [
    "DbOption",
    "UnitChoice",
    "check_choices",
    "open_log",
    "parse_day",
    "require_log",
    "resolve_profile",
    "stored_profile",
    "variant_name",
]

_DB_HELP = "Training log: a file path or a URL such as postgresql://user@host/db."
DbOption = Annotated[str | None, typer.Option("--db", help=_DB_HELP, show_default=False)]


class UnitChoice(StrEnum):
    kg = "kg"
    lb = "lb"


def open_log(db: str | None) -> tuple[Settings, str]:
    """The settings (with ``db``) and the URL of the training log they name. Nothing is
    created yet: a command validates its arguments first, then opens ``Store(url)``."""
    settings = load_settings(db=db)
    return settings, resolve_db_url(settings)


def stored_profile(db: str | None = None) -> Profile | None:
    """The lifter's stored profile, or None when there is no training log yet (none is created)."""
    url = resolve_db_url(load_settings(db=db))
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    with Store(url) as store:
        return get_profile(store)


def settings_for(*, goal: str | None, variant: str | None, db: str | None) -> Settings:
    """The settings of a command that takes ``--goal``/``--variant``: the flags, else the
    stored profile (when a training log exists; none is created), else the settings."""
    profile = stored_profile(db) if goal is None or variant is None else None
    return load_settings(
        variant=variant or (profile.variant if profile else None),
        goal=goal or (profile.goal if profile else None),
    )


def resolve_profile(store: Store, settings: Settings, rules: Rules) -> tuple[Profile, bool]:
    """The stored profile, or one built from the settings (:func:`extensor.store.current_profile`)."""
    return current_profile(store, settings, rules)


def parse_day(text: str | None, *, what: str = "--date") -> date:
    """``text`` as a date (YYYY-MM-DD); today for None."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{what} must be a date as YYYY-MM-DD, got {text!r}") from None


def variant_name(exercise: Exercise, variant: str) -> str:
    """The variant's display name (its id when the exercise does not know it)."""
    found = exercise.variants.get(variant)
    return found.name if found else variant


def check_choices(
    exercise: Exercise,
    *,
    goal: str | None = None,
    variant: str | None = None,
    level: str | None = None,
) -> None:
    """Validate the named choices before anything is opened or written (raises
    KnowledgeBaseError naming the closest valid id): a command with a bad argument must
    not create the training log."""
    if goal is not None:
        exercise.goal(goal)
    if variant is not None:
        exercise.variant(variant)
    if level is not None:
        exercise.level(level)


def require_log(url: str) -> None:
    """Refuse (ConfigError) to read a SQLite training log that does not exist yet, rather
    than create an empty one for a command that only reads."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise ConfigError(
            "there is no training log yet: log a set first (`extensor log` or "
            "`extensor analyze FILE --save --load 40kg`)"
        )
