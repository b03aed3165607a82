"""The rep-quality trend (clean-rep share per session) in ``history``, its plot and the
history page: the same numbers from ``extensor.app.quality_trend``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor._config import Settings
from extensor.app import LogEntry, analyze_and_coach
from extensor.cli import app
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.store import Store, resolve_db_url

CLEAN = RepSpec()
PAST = RepSpec(top_deg=20.0)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two analysed sessions: 4 of 6 reps clean on 1 May, 6 of 6 on 8 May."""
    monkeypatch.setenv("EXTENSOR_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("EXTENSOR_DATA_DIR", str(tmp_path / "data"))
    for name in ("GOAL", "LEVEL", "EXERCISE", "VARIANT", "DB"):
        monkeypatch.delenv(f"EXTENSOR_{name}", raising=False)
    url = resolve_db_url(Settings(data_dir=tmp_path / "data"))
    with Store(url) as store:
        for day, specs in ((date(2024, 5, 1), [CLEAN] * 4 + [PAST] * 2),
                           (date(2024, 5, 8), [CLEAN] * 6)):  # fmt: skip
            kp = synthetic_set(specs, noise_deg=0.3, keypoints=True, seed=5).keypoints
            assert kp is not None
            analyze_and_coach(kp, goal="hypertrophy", variant="45_degree_bench", store=store,
                              log=LogEntry(load=40.0, unit="kg", day=day))  # fmt: skip
    return tmp_path / "data"


def test_history_prints_and_exports_the_quality_trend(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["history", "--json"])
    assert out.exit_code == 0, out.output
    trend = json.loads(out.stdout)["quality_trend"]
    assert trend["sessions"] == 2
    assert trend["first"] == pytest.approx(4 / 6)
    assert trend["last"] == pytest.approx(1.0)
    assert trend["slope_points_per_session"] == pytest.approx(100 / 3)
    text = runner.invoke(app, ["history"]).stdout
    assert "Rep quality: clean reps 67% -> 100% over 2 rated sessions (+33.3 points a" in text
    svg = tmp_path / "h.svg"
    assert runner.invoke(app, ["history", "--plot", str(svg)]).exit_code == 0
    assert "trend +33.3 points a session" in svg.read_text(encoding="utf-8")


def test_history_page_shows_the_quality_trend(data_dir: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from extensor.web import WebOptions, create_app

    with TestClient(
        create_app(Settings(data_dir=data_dir), WebOptions()), base_url="http://127.0.0.1:8000"
    ) as c:
        page = c.get("/history").text
    assert '<p id="quality-trend">Rep quality: clean reps 67% -&gt; 100% over 2 rated' in page
