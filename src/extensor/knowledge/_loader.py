"""Find, read and validate exercise data files.

The data files ship inside the package (``extensor/knowledge/data/<name>.toml``) and are
found with :mod:`importlib.resources`. Parsed files are cached by their text, so an edited
file is re-validated while repeated loads of the same file are free.

>>> "lever_back_extension" in list_exercises()
True
>>> load_exercise("squat")
Traceback (most recent call last):
...
extensor._errors.KnowledgeBaseError: unknown exercise 'squat'; available: lever_back_extension
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extensor._errors import KnowledgeBaseError
from extensor.knowledge._schema import Exercise

__all__ = ["DEFAULT_EXERCISE", "format_validation_error", "list_exercises", "load_exercise"]

#: The exercise loaded when no name is given (extensor coaches exactly one).
DEFAULT_EXERCISE = "lever_back_extension"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_MAX_INPUT_REPR = 60


def _data_dir() -> Traversable:
    return files("extensor.knowledge").joinpath("data")


def list_exercises() -> list[str]:
    """Names of the exercises whose data files ship with extensor, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _data_dir().iterdir()
        if entry.is_file() and entry.name.endswith(".toml")
    )


def load_exercise(name: str = DEFAULT_EXERCISE, *, path: Path | None = None) -> Exercise:
    """Load and validate an exercise: the packaged file ``name``, or the file at ``path``.

    Every problem raises :class:`~extensor._errors.KnowledgeBaseError` whose message names
    the file, the field path and what is wrong, for example
    ``"<file>: mistakes.<id>.detection.params.<name>.unit: must be one of
    deg, s, deg/s, fraction, percent, ratio, Hz, count, px, got 'sec'"``.
    """
    if path is not None:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KnowledgeBaseError("exercise data file not found", source=source) from None
        except (OSError, UnicodeDecodeError) as err:
            raise KnowledgeBaseError(
                f"cannot read exercise data file: {err}", source=source
            ) from None
    else:
        available = list_exercises()
        if not _NAME.match(name) or name not in available:
            raise KnowledgeBaseError(
                f"unknown exercise {name!r}; available: {', '.join(available) or 'none'}"
            )
        resource = _data_dir().joinpath(f"{name}.toml")
        source = str(resource)
        text = resource.read_text(encoding="utf-8")
    return _parse(text, source)


@lru_cache(maxsize=16)
def _parse(text: str, source: str) -> Exercise:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise KnowledgeBaseError(f"not valid TOML: {err}", source=source) from None
    try:
        exercise = Exercise.model_validate(data)
    except ValidationError as err:
        raise KnowledgeBaseError(format_validation_error(err), source=source) from None
    exercise._source = source
    return exercise


def format_validation_error(err: ValidationError) -> str:
    """One line for the first problem of ``err``: ``"<field path>: <problem>"``.

    >>> from extensor.knowledge._schema import Param
    >>> try:
    ...     Param(value=1.0, unit="sec", reason="why")
    ... except ValidationError as err:
    ...     print(format_validation_error(err))
    unit: must be one of deg, s, deg/s, fraction, percent, ratio, Hz, count, px, got 'sec'
    """
    errors = err.errors()
    first = errors[0]
    line = _describe(first)
    path = _format_loc(first["loc"])
    if path:
        line = f"{path}: {line}"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more problems)"
    return line


def _format_loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe(error: Any) -> str:
    kind = error["type"]
    got = _short_repr(error.get("input"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not part of the schema; check the spelling)"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        return f"must be one of {', '.join(choices)}, got {got}"
    message = str(error["msg"])
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    message = re.sub(r"^\w+ should ", "must ", message)
    return f"{message}, got {got}"


def _short_repr(value: Any) -> str:
    text = repr(value)
    if len(text) > _MAX_INPUT_REPR:
        text = text[: _MAX_INPUT_REPR - 3] + "..."
    return text
