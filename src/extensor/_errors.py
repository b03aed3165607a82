"""The exception tree of extensor.

Every error extensor raises on purpose is a subclass of :class:`ExtensorError`::

    ExtensorError
    ├── KnowledgeBaseError      an exercise data file is missing, malformed or inconsistent
    ├── ConfigError             a settings file, environment variable or flag is invalid
    ├── InputError              a recording cannot be read or makes no sense
    │   ├── InputFormatError    wrong type, delimiter, columns, non-numeric values, bad timestamps
    │   └── EmptyInputError     no samples, a single frame, or nothing usable after cleaning
    ├── AnalysisError           the recording was read but cannot be analysed (no movement, ...)
    ├── StoreError              the training log cannot be opened, read or written
    └── MissingExtraError       an optional dependency is not installed (also an ImportError)

Messages follow one pattern: what was expected, what was found, and where
(``"<file>: column 'time' must be strictly increasing, got 1.20 after 1.25 at row 7"``).

>>> try:
...     raise InputFormatError("no time column", source="set.csv")
... except InputError as err:
...     print(err)
set.csv: no time column
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AnalysisError",
    "ConfigError",
    "EmptyInputError",
    "ExtensorError",
    "InputError",
    "InputFormatError",
    "KnowledgeBaseError",
    "MissingExtraError",
    "StoreError",
]


class ExtensorError(Exception):
    """Base class of every error extensor raises on purpose.

    ``source`` names the file (or other origin) the problem was found in; it is
    prefixed to the message so a one-line CLI error always says where to look.
    """

    def __init__(self, message: str, *, source: str | Path | None = None) -> None:
        self.message = message
        self.source = None if source is None else str(source)
        super().__init__(f"{self.source}: {message}" if self.source else message)


class KnowledgeBaseError(ExtensorError):
    """An exercise data file is missing, malformed or inconsistent."""


class ConfigError(ExtensorError):
    """A settings file, environment variable or command-line flag is invalid."""


class InputError(ExtensorError):
    """A recording (video, keypoints, encoder, IMU) cannot be read or makes no sense."""


class InputFormatError(InputError):
    """The input's format is wrong: type, delimiter, columns, values or timestamps."""


class EmptyInputError(InputError):
    """The input holds no usable samples (empty, a single frame, all low confidence)."""


class AnalysisError(ExtensorError):
    """The recording was read but cannot be analysed (for example: no movement at all)."""


class StoreError(ExtensorError):
    """The training log cannot be opened, read or written (the database said why)."""


class MissingExtraError(ExtensorError, ImportError):
    """An optional dependency is missing; the message names the extra to install.

    >>> print(MissingExtraError.for_extra("video", "mediapipe"))
    this needs the optional dependency 'mediapipe': pip install 'extensor[video]'
    """

    @classmethod
    def for_extra(cls, extra: str, module: str) -> MissingExtraError:
        return cls(
            f"this needs the optional dependency '{module}': pip install 'extensor[{extra}]'"
        )
