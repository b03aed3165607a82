"""extensor: offline coaching for the Lever Back Extension.

The public surface is exactly :data:`__all__`: :func:`analyze` for one set (a recording's
path or a :class:`TimeSeries`), its result types, :func:`load_exercise` and the errors.
Everything else lives in the subpackages (``extensor.core``, ``extensor.io``, ...);
modules whose names start with ``_`` are private.

>>> import extensor
>>> from extensor.core import RepSpec, synthetic_set
>>> s = synthetic_set([RepSpec()] * 4, noise_deg=0.2, seed=3)
>>> result = extensor.analyze(s.motion, goal="hypertrophy", variant="45_degree_bench")
>>> result.metrics.rep_count, [f.id for f in result.faults]
(4, [])

Errors (all raise from :class:`ExtensorError`; the tree is drawn in ``extensor._errors``).
"""

from extensor._analysis import analyze
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
from extensor._plugins import register_plugins
from extensor._version import __version__
from extensor.core import Fault, Notice, Rep, SetAnalysis, SetMetrics, TimeSeries
from extensor.knowledge import Exercise, load_exercise

register_plugins()

__all__ = [
    "AnalysisError",
    "ConfigError",
    "EmptyInputError",
    "Exercise",
    "ExtensorError",
    "Fault",
    "InputError",
    "InputFormatError",
    "KnowledgeBaseError",
    "MissingExtraError",
    "Notice",
    "Rep",
    "SetAnalysis",
    "SetMetrics",
    "StoreError",
    "TimeSeries",
    "__version__",
    "analyze",
    "load_exercise",
]
