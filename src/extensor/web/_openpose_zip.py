"""An OpenPose upload: a zip of the per-frame ``*_keypoints.json`` files, unpacked safely
into the job folder (member count and size caps, no paths: every member is written flat
under a name made from its own base name) and then read by the OpenPose folder adapter.

>>> import io, zipfile, tempfile, pathlib
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as z:
...     z.writestr("run/clip_000000000000_keypoints.json", '{"people": []}')
>>> with tempfile.TemporaryDirectory() as tmp:
...     src = pathlib.Path(tmp) / "up.zip"; _ = src.write_bytes(buf.getvalue())
...     folder = unpack_openpose_zip(src, pathlib.Path(tmp) / "frames")
...     sorted(p.name for p in folder.iterdir())
['clip_000000000000_keypoints.json']
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

__all__ = [
    "MAX_FRAMES",
    "MAX_FRAME_BYTES",
    "OpenPoseZipError",
    "is_openpose_zip",
    "unpack_openpose_zip",
]

#: Most frame files in one upload: 20 minutes at 60 frames/s.
MAX_FRAMES = 72_000
#: Largest single frame file (bytes): a frame with many people is a few tens of kB.
MAX_FRAME_BYTES = 2 * 2**20
#: Largest unpacked total (bytes).
MAX_TOTAL_BYTES = 512 * 2**20
_FRAME_NAME = re.compile(r"[A-Za-z0-9_.-]{1,200}_keypoints\.json")


class OpenPoseZipError(ValueError):
    """The zip is not a clean set of OpenPose frames, or exceeds a cap (message for people)."""


def _frames(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        i for i in archive.infolist()
        if not i.is_dir() and not PurePosixPath(i.filename).name.startswith(".")
        and "__MACOSX" not in i.filename
    ]  # fmt: skip


def is_openpose_zip(path: Path) -> bool:
    """Whether every file member is named like an OpenPose frame (``*_keypoints.json``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _frames(archive)
    except (zipfile.BadZipFile, OSError):
        return False
    return bool(members) and all(
        _FRAME_NAME.fullmatch(PurePosixPath(i.filename).name) for i in members
    )


def unpack_openpose_zip(path: Path, dest: Path) -> Path:
    """Unpack the frames of ``path`` flat into ``dest`` (created); returns ``dest``.
    Raises :class:`OpenPoseZipError` over a cap, for a duplicate name or a bad member."""
    with zipfile.ZipFile(path) as archive:
        members = _frames(archive)
        if len(members) > MAX_FRAMES:
            raise OpenPoseZipError(f"the zip holds more than {MAX_FRAMES} frames")
        if sum(i.file_size for i in members) > MAX_TOTAL_BYTES:
            raise OpenPoseZipError(f"the frames add up to more than {MAX_TOTAL_BYTES // 2**20} MB")
        dest.mkdir(parents=True, exist_ok=False)
        seen: set[str] = set()
        for info in members:
            name = PurePosixPath(info.filename).name
            if not _FRAME_NAME.fullmatch(name) or name in seen:
                raise OpenPoseZipError(f"unexpected or repeated member {name!r} in the zip")
            if info.file_size > MAX_FRAME_BYTES:
                raise OpenPoseZipError(f"frame {name} is larger than {MAX_FRAME_BYTES // 2**20} MB")
            seen.add(name)
            with archive.open(info) as src, (dest / name).open("wb") as out:
                data = src.read(MAX_FRAME_BYTES + 1)
                if len(data) > MAX_FRAME_BYTES:
                    raise OpenPoseZipError(f"frame {name} is larger than its header says")
                out.write(data)
    return dest
