"""Files only their owner may read: the web app's accounts and sessions, each lifter's
training log, the reports.

New files are created 0600 and folders 0700; :func:`tighten_tree` brings what an
older version left (0644, 0755) down to the same at start-up. Everything is POSIX
permission bits; on a system without them the calls change nothing.

>>> import tempfile, pathlib, stat
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "web"
>>> db = private_file(private_dir(folder) / "web.db")
>>> oct(stat.S_IMODE(db.stat().st_mode)), oct(stat.S_IMODE(folder.stat().st_mode))
('0o600', '0o700')
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "private_dir", "private_file", "tighten_tree"]

#: Owner may read and write; nobody else anything.
PRIVATE_FILE_MODE = 0o600
#: Owner may list, enter and change; nobody else anything.
PRIVATE_DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700, or tighten it if it exists."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create an empty ``path`` as 0600 (without truncating one that exists), or tighten it.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so
    creating the database this way keeps those private too.
    """
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_FILE_MODE)
    return path


def tighten_tree(root: Path) -> int:
    """Make every folder under ``root`` (itself included) 0700 and every file 0600.

    Returns how many modes were changed. Symbolic links are left alone (never followed).
    """
    changed = 0
    root = Path(root)
    if not root.is_dir() or root.is_symlink():
        return changed
    for base, dirs, files in os.walk(root):
        entries = [(Path(base), PRIVATE_DIR_MODE)]
        entries += [(Path(base) / d, PRIVATE_DIR_MODE) for d in dirs]
        entries += [(Path(base) / f, PRIVATE_FILE_MODE) for f in files]
        for entry, mode in entries:
            with contextlib.suppress(OSError):
                info = entry.lstat()
                if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
                    continue
                os.chmod(entry, mode)
                changed += 1
        dirs[:] = [d for d in dirs if not (Path(base) / d).is_symlink()]
    return changed
