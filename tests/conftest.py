"""Fixtures shared by several test files."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: The real recordings (clips, sensors) beside the repository, absent from a user's clone.
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
SHARED_SKIP = f"the real recordings are not in this clone ({SHARED_DIR} is absent)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every test marked ``shared`` when ``../shared`` is absent: the one place that
    decides, so a test file never repeats its own guard."""
    if SHARED_DIR.is_dir():
        return
    skip = pytest.mark.skip(reason=SHARED_SKIP)
    for item in items:
        if item.get_closest_marker("shared") is not None:
            item.add_marker(skip)


#: A PostgreSQL server for the store tests (``eval "$(scripts/start-postgres)"`` sets it).
PG_URL = os.environ.get("EXTENSOR_TEST_PG_URL")
PG_SKIP = 'EXTENSOR_TEST_PG_URL is not set; start a server with: eval "$(scripts/start-postgres)"'


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty training-log database URL on each backend (PostgreSQL: its own schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from extensor.store import resolve_db_url

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(resolve_db_url(db=PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(resolve_db_url(db=PG_URL)).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


#: The real recordings (``../shared`` next to the checkout; ``EXTENSOR_SHARED`` overrides).
SHARED_DIR = Path(os.environ.get("EXTENSOR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CLIPS_DIR = SHARED_DIR / "clips"


@pytest.fixture(scope="session")
def real_pose() -> Any:
    """``real_pose(name)``: the keypoints (with 3D world landmarks) of clip ``name`` in
    ``../shared/clips``, read as ``extensor analyze`` reads it, pose run once per session."""
    if not CLIPS_DIR.is_dir():
        pytest.skip(f"the real recordings are not here ({CLIPS_DIR} is absent)")
    pytest.importorskip("mediapipe", reason="the video extra (mediapipe) is not installed")
    from extensor.video import VideoAdapter

    cache: dict[str, Any] = {}

    def read(name: str) -> Any:
        if name not in cache:
            cache[name] = VideoAdapter().read(CLIPS_DIR / name)
        return cache[name]

    return read


@pytest.fixture
def isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Own config file and data directory (so its own training log); no EXTENSOR_*
    variable of the user leaks into the commands. Returns ``tmp_path``."""
    monkeypatch.setenv("EXTENSOR_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("EXTENSOR_DATA_DIR", str(tmp_path / "data"))
    for name in ("GOAL", "LEVEL", "EXERCISE", "VARIANT", "DB"):
        monkeypatch.delenv(f"EXTENSOR_{name}", raising=False)
    return tmp_path
