"""Writing files so that a reader never sees half of one.

Everything extensor writes (reports, JSON results, keypoint CSVs, annotated videos) goes
through :func:`atomic_path`: the data goes to a temporary file in the destination folder,
which replaces the destination only once it is complete; on any error the temporary file
is removed and the destination is left as it was. The new file gets the usual permissions
(0666 less the umask), not the 0600 of a bare temporary file.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "hello").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extensor._errors import ExtensorError

__all__ = ["atomic_path", "atomic_write", "json_safe", "strict_json"]


def _umask() -> int:
    """The process umask, read without changing it (Linux), else the common 022."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it becomes ``path``, else it is removed.

    The temporary name keeps the destination's suffix, so writers that choose a format by
    extension (OpenCV's VideoWriter) still work. The data is flushed to disk before the
    rename. A file-system error becomes an :class:`ExtensorError` naming the file.
    """
    dest = Path(path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(
            dir=dest.parent, prefix=f".{dest.stem}.", suffix=f".tmp{dest.suffix}"
        )
        os.close(fd)
    except OSError as err:
        raise ExtensorError(f"cannot be written: {err.strerror or err}", source=dest) from None
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, dest)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise ExtensorError(f"cannot be written: {err.strerror or err}", source=dest) from None
        raise


def atomic_write(path: str | Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text or bytes) to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding=encoding, newline="\n")
    return Path(path)


def json_safe(data: Any) -> Any:
    """``data`` with every non-finite float (NaN, +-inf) replaced by ``None``.

    The JSON documents promise ``null`` for a number that has no value
    (``docs/analysis-schema.md``); Python's ``json`` would write ``NaN`` or ``Infinity``,
    which is not JSON.

    >>> json_safe({"a": [1.0, float("inf")], "b": (float("nan"), "x")})
    {'a': [1.0, None], 'b': [None, 'x']}
    """
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: json_safe(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [json_safe(v) for v in data]
    if hasattr(data, "item") and hasattr(data, "dtype"):  # a numpy scalar
        return json_safe(data.item())
    return data


def strict_json(data: Any, *, indent: int | None = 2, default: Any = None) -> str:
    """Strict JSON text of ``data`` (non-finite numbers as ``null``; never ``NaN`` tokens).

    ``allow_nan=False`` makes a non-finite number that slipped past :func:`json_safe`
    (through ``default``) fail loudly instead of writing invalid JSON.

    >>> strict_json({"v": float("-inf")}, indent=None)
    '{"v": null}'
    """
    return json.dumps(
        json_safe(data), indent=indent, ensure_ascii=False, allow_nan=False, default=default
    )
