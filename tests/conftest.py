"""Fixtures shared by several test files."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

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
