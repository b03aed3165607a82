"""Batch analysis: a folder or a manifest of recordings, on this machine or a Ray cluster.

``extensor batch INPUT --out DIR`` (``docs/scale.md``). Every recording is one task
(:func:`analyse_one`, the document ``extensor analyze --json`` writes); results are keyed
by content, options, extensor's version and the exercise file, written as they finish,
and gathered into one table (a row per set and per rep) and a summary.
"""

from extensor.batch._keys import content_hash, result_key
from extensor.batch._manifest import MANIFEST_COLUMNS, Entry, iter_entries
from extensor.batch._run import BatchOptions, BatchRun, run_batch
from extensor.batch._save import SaveCounts, save_batch, set_result_key
from extensor.batch._table import TABLE_COLUMNS, TIMING_COLUMNS
from extensor.batch._task import TaskOptions, analyse_one
from extensor.batch._walk import RECORDING_SUFFIXES, iter_recordings

__all__ = [
    "MANIFEST_COLUMNS",
    "RECORDING_SUFFIXES",
    "TABLE_COLUMNS",
    "TIMING_COLUMNS",
    "BatchOptions",
    "BatchRun",
    "Entry",
    "SaveCounts",
    "TaskOptions",
    "analyse_one",
    "content_hash",
    "iter_entries",
    "iter_recordings",
    "result_key",
    "run_batch",
    "save_batch",
    "set_result_key",
]
