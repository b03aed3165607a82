"""Configuration from one typed source: defaults < TOML file < environment < flags.

The TOML file is ``$EXTENSOR_CONFIG`` or ``<user config dir>/extensor/config.toml``;
environment variables are ``EXTENSOR_<FIELD>`` (for example ``EXTENSOR_GOAL=strength``).
Nothing module-level is ever mutated: :func:`load_settings` returns a new object.

>>> s = load_settings(env={}, config_path=None, goal="strength")
>>> s.goal, s.variant
('strength', '45_degree_bench')
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extensor._errors import ConfigError
from extensor.io import DEFAULT_MAX_INPUT_BYTES

__all__ = ["DEFAULT_CONFIG_PATH", "Settings", "load_settings"]

#: Where the settings file is looked for when ``EXTENSOR_CONFIG`` is not set.
DEFAULT_CONFIG_PATH = Path(platformdirs.user_config_dir("extensor")) / "config.toml"


class Settings(BaseModel):
    """Every user-tunable setting, with its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise: str = "lever_back_extension"
    variant: str = "45_degree_bench"
    goal: str = "hypertrophy"
    level: str = "beginner"
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("extensor")))
    db: str | None = None
    #: bytes: the largest text input (keypoint, encoder, IMU file; a zip member) read;
    #: the default admits an hour of 60 Hz keypoints (see ``DEFAULT_MAX_INPUT_BYTES``).
    max_input_bytes: int = Field(default=DEFAULT_MAX_INPUT_BYTES, gt=0)


_FIELDS = tuple(Settings.model_fields)


def load_settings(
    *,
    env: Mapping[str, str] | None = None,
    config_path: Path | str | None = "default",
    **flags: Any,
) -> Settings:
    """Merge defaults, the TOML file, ``EXTENSOR_*`` variables and non-None ``flags``."""
    environ = os.environ if env is None else env
    values: dict[str, Any] = {}
    path: Path | None
    if config_path == "default":
        path = (
            Path(environ["EXTENSOR_CONFIG"])
            if "EXTENSOR_CONFIG" in environ
            else DEFAULT_CONFIG_PATH
        )
    else:
        path = None if config_path is None else Path(config_path)
    if path is not None and path.exists():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"settings file is not valid TOML: {err}", source=path) from None
    for name in _FIELDS:
        key = f"EXTENSOR_{name.upper()}"
        if key in environ:
            values[name] = environ[key]
    values.update({k: v for k, v in flags.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"setting {field!r}: {first['msg']}", source=path) from None
