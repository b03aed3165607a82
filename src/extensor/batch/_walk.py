"""Finding the recordings under a folder, one at a time.

:func:`iter_recordings` walks a folder depth first in name order and yields each
recording as soon as it is found, so a folder of 10 000 files is never listed into
memory as a whole. A folder that ``extensor analyze`` reads as one recording (OpenPose
``*_keypoints.json`` frames, image frames of a video, phyphox exports: see
:func:`extensor.io.detect_input_type`) is yielded as one recording and not entered.
Other files are recordings when their suffix is one an adapter reads
(:data:`RECORDING_SUFFIXES`); hidden files and folders (``.name``) are skipped, and so
is the ``exclude`` folder (the batch's own output).

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> for name in ("b/set.csv", "a/set.csv", "notes.md", ".hidden.csv"):
...     (root / name).parent.mkdir(parents=True, exist_ok=True)
...     _ = (root / name).write_text("time,angle\\n0,1\\n")
>>> [p.relative_to(root).as_posix() for p in iter_recordings(root)]
['a/set.csv', 'b/set.csv']
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from extensor._errors import InputError
from extensor.io import VIDEO_SUFFIXES, detect_input_type

__all__ = ["RECORDING_SUFFIXES", "is_recording_folder", "iter_recordings"]

#: Suffixes of the files a batch hands to the adapters (video, CSV/TXT exports, JSON
#: keypoints, zipped phyphox exports). A damaged file with one of these fails in its task
#: with its reader's message; files with other suffixes (notes, images outside a frame
#: folder) are not recordings.
RECORDING_SUFFIXES: frozenset[str] = frozenset(
    {".csv", ".tsv", ".txt", ".json", ".zip", ".data", *VIDEO_SUFFIXES}
)


def is_recording_folder(path: Path) -> bool:
    """Whether ``analyze`` reads the folder ``path`` as one recording."""
    try:
        detect_input_type(path)
    except InputError:
        return False
    return True


def iter_recordings(root: str | Path, *, exclude: str | Path | None = None) -> Iterator[Path]:
    """Every recording under ``root`` (a folder), depth first, in name order."""
    top = Path(root)
    skip = Path(exclude).resolve() if exclude is not None else None
    if is_recording_folder(top):
        yield top
        return
    yield from _walk(top, skip)


def _walk(folder: Path, skip: Path | None) -> Iterator[Path]:
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if skip is not None and path.resolve() == skip:
                continue
            if is_recording_folder(path):
                yield path
            else:
                yield from _walk(path, skip)
        elif entry.is_file() and path.suffix.lower() in RECORDING_SUFFIXES:
            yield path
