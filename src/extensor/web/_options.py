"""Options of the web app that the general settings do not cover, with their defaults.

The exercise, goal, variant, data directory and training log come from
:class:`extensor._config.Settings`, as for the command line; :class:`WebOptions` holds
what only the server needs. Both are frozen: the app factory copies them onto
``app.state`` and nothing changes them afterwards.

>>> WebOptions().multi_user, WebOptions().workers
(False, 1)
>>> WebOptions(max_video_mb=50).max_video_bytes
52428800
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_MAX_FILE_MB",
    "DEFAULT_MAX_QUEUED_JOBS",
    "DEFAULT_MAX_VIDEO_MB",
    "DEFAULT_PORT",
    "DEFAULT_SESSION_DAYS",
    "DEFAULT_WORKERS",
    "MB",
    "WebOptions",
]

#: Loopback only: the app is meant for the lifter's own machine unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
#: The usual port of a local development web server.
DEFAULT_PORT = 8000
#: Bytes in one megabyte as the size options count it (MiB).
MB = 1024 * 1024
#: A phone clip of one set (30-60 s, 1080p) is 30-150 MB; 200 leaves room without
#: letting one upload fill a small disk.
DEFAULT_MAX_VIDEO_MB = 200
#: Keypoint, encoder and IMU files of one set are a few MB at most (a 10-minute 100 Hz
#: IMU CSV is about 6 MB); anything far larger is not a recording of one set.
DEFAULT_MAX_FILE_MB = 20
#: Analyses run one at a time by default: pose estimation already uses both cores of a
#: small laptop, and a second analysis would only slow the first one down.
DEFAULT_WORKERS = 1
#: Jobs waiting for a worker before new uploads are refused (503); one coach with a
#: squad uploads far fewer at once, so a full queue means something is wrong.
DEFAULT_MAX_QUEUED_JOBS = 100
#: How long a login lasts (multi-user mode): two weeks keeps a coach's laptop signed in
#: between weekly sessions without keeping stale logins forever.
DEFAULT_SESSION_DAYS = 14


class WebOptions(BaseModel):
    """What ``extensor serve`` can tune; every field has a safe default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    multi_user: bool = False
    """Accounts with passwords, each lifter seeing only their own data."""
    max_video_mb: float = Field(default=DEFAULT_MAX_VIDEO_MB, gt=0)
    """Largest video upload, in MB (MiB)."""
    max_file_mb: float = Field(default=DEFAULT_MAX_FILE_MB, gt=0)
    """Largest keypoint or sensor upload, in MB (MiB)."""
    workers: int = Field(default=DEFAULT_WORKERS, ge=1, le=16)
    """Analyses that run at the same time (separate processes)."""
    max_queued_jobs: int = Field(default=DEFAULT_MAX_QUEUED_JOBS, ge=1)
    """Analyses that may wait for a worker; more uploads get 503 until the queue drains."""
    worker_kind: str = Field(default="process", pattern="^(process|thread)$")
    """``process`` (the default: a crash or a leak stays in the worker) or ``thread``."""
    keep_uploads: bool = False
    """Keep each uploaded recording after its analysis (default: delete it)."""
    session_days: int = Field(default=DEFAULT_SESSION_DAYS, ge=1)
    """Lifetime of a login, in days."""
    secure_cookies: bool = False
    """Mark cookies ``Secure`` (behind HTTPS: ``--https`` or a proxy)."""
    require_pairing: bool = False
    """Other machines need a paired device (a one-time QR token); loopback never does."""

    @property
    def max_video_bytes(self) -> int:
        return int(self.max_video_mb * MB)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)
