"""extensor: offline coaching for the Lever Back Extension."""

from extensor._errors import (
    AnalysisError,
    ConfigError,
    EmptyInputError,
    ExtensorError,
    InputError,
    InputFormatError,
    KnowledgeBaseError,
    MissingExtraError,
    StoreError,
)

__version__ = "0.1.0"

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
    "__version__",
]
