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
    "LOGIN_BACKOFF_BASE_S",
    "LOGIN_BACKOFF_MAX_S",
    "LOGIN_FREE_FAILURES",
    "LOGIN_SHARED_FREE_FAILURES",
    "LOGIN_WINDOW_S",
    "MAX_BODY_BYTES",
    "MAX_IMAGE_SIDE_PX",
    "MAX_NEUTRAL_HOLD_S",
    "MAX_PASSWORD_CHECKS",
    "MAX_SENSOR_NAME_CHARS",
    "MAX_SET_NUMBER",
    "MB",
    "PASSWORD_CHECK_WAIT_S",
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

#: Largest side of the video frame an ``image_size`` upload field may give (px): 16K video
#: is 15360 px wide, so a larger number is a typing mistake, not a camera.
MAX_IMAGE_SIDE_PX = 16_384
#: Longest still hold at neutral an IMU upload may declare (``neutral_hold_s``, s): the
#: hold before a set lasts a few seconds, so a minute is far beyond any real one.
MAX_NEUTRAL_HOLD_S = 60.0
#: Longest IMU unit name (``sensor``): unit names are short column prefixes (trunk, u4).
MAX_SENSOR_NAME_CHARS = 64
#: Highest set number the ``set`` field accepts: one recording of a session holds a
#: handful of sets; the pipeline then checks the number against the sets found.
MAX_SET_NUMBER = 99
#: Largest request body outside the upload routes (JSON and forms): a hand-logged set
#: with its 500-character note is under 1 KB, an account form under 2 KB, so 64 KiB is
#: far beyond any real request and still too small to cost memory.
MAX_BODY_BYTES = 64 * 1024
#: Wrong logins a client may make for one account before it has to wait: enough for a
#: few typos, far too few to guess a 10-character password.
LOGIN_FREE_FAILURES = 5
#: Wrong logins one client may make over all names (unknown names included), and one
#: account may receive from all clients, before back-off: a coach's laptop with a squad
#: mistyping their passwords stays under it; a spray of guesses does not.
LOGIN_SHARED_FREE_FAILURES = 20
#: First wait after the free failures, doubled with each further failure (s).
LOGIN_BACKOFF_BASE_S = 1.0
#: Longest wait (s). A back-off, never a lock: however many guesses an attacker sends,
#: the owner can log in again at most this long after the last one.
LOGIN_BACKOFF_MAX_S = 60.0
#: Failures older than this are forgotten (s).
LOGIN_WINDOW_S = 900.0
#: Argon2 checks that may run at once: each takes 64 MiB and a core for ~50 ms, so two
#: keep a flood of logins from eating the memory of a small machine.
MAX_PASSWORD_CHECKS = 2
#: How long a login waits for a free password check before the server says it is busy (s).
PASSWORD_CHECK_WAIT_S = 5.0


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
    bind_host: str = DEFAULT_HOST
    """The address the server listens on; it decides which ``Host`` headers are accepted
    (loopback names, or this machine's own addresses when bound to another interface)."""
    allowed_hosts: tuple[str, ...] = ()
    """More host names accepted in the ``Host`` header (``--allowed-host``), e.g. the
    machine's name on the local network; ``*.example`` allows every sub-domain."""
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1024)
    """Largest JSON or form body outside the upload routes."""
    login_free_failures: int = Field(default=LOGIN_FREE_FAILURES, ge=1)
    """Wrong logins per client and account before back-off."""
    login_shared_free_failures: int = Field(default=LOGIN_SHARED_FREE_FAILURES, ge=1)
    """Wrong logins per client (all names) and per account (all clients) before back-off."""
    login_backoff_base_s: float = Field(default=LOGIN_BACKOFF_BASE_S, gt=0)
    """First back-off wait, doubled with each further failure."""
    login_backoff_max_s: float = Field(default=LOGIN_BACKOFF_MAX_S, gt=0)
    """Longest back-off wait."""
    max_password_checks: int = Field(default=MAX_PASSWORD_CHECKS, ge=1)
    """Argon2 checks running at once."""
    require_pairing: bool = False
    """Other machines need a paired device (a one-time QR token); loopback never does."""

    @property
    def max_video_bytes(self) -> int:
        return int(self.max_video_mb * MB)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)
