"""The key of a result: what was analysed, how, and by which extensor.

A key is the SHA-256 of the recording's content (a folder: every file's relative name
and content), the analysis options, extensor's version and the exercise data file's
content. The same key means the same result, so a rerun skips it; a changed file, a
changed option, a new extensor or an edited exercise file gives a new key.

>>> import tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "set.csv"
>>> _ = f.write_text("time,angle\\n0,1\\n")
>>> a = result_key(f, {"goal": "strength"})
>>> a == result_key(f, {"goal": "strength"}), a == result_key(f, {"goal": "endurance"})
(True, False)
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from extensor import __version__
from extensor.knowledge import exercise_text

__all__ = ["content_hash", "exercise_hash", "result_key"]

_CHUNK = 1 << 20


def _file_digest(path: Path, h: Any) -> None:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)


def content_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's files (relative names and bytes, sorted)."""
    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir():
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames.sort()
            for name in sorted(filenames):
                file = Path(dirpath) / name
                h.update(file.relative_to(p).as_posix().encode() + b"\0")
                _file_digest(file, h)
                h.update(b"\0")
    else:
        _file_digest(p, h)
    return h.hexdigest()


@functools.lru_cache(maxsize=8)
def exercise_hash(name: str) -> str:
    """SHA-256 of the packaged exercise data file ``name``."""
    return hashlib.sha256(exercise_text(name).encode("utf-8")).hexdigest()


def result_key(path: str | Path, options: dict[str, Any], *, exercise: str | None = None) -> str:
    """The key of analysing ``path`` with ``options`` (plain JSON values)."""
    from extensor._config import Settings

    name = exercise or Settings().exercise
    payload = json.dumps(
        {
            "content": content_hash(path),
            "options": options,
            "extensor": __version__,
            "exercise": exercise_hash(name),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
