"""Every slow step reports progress: the pipeline's stages, the web job's stage text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extensor.app import STAGES, analyze_and_coach
from extensor.core._synthetic import RepSpec, synthetic_set


def test_pipeline_announces_its_stages_in_order(tmp_path: Path) -> None:
    """A keypoint set with a report: reading, analysing, coaching, report (no video stages)."""
    kp = synthetic_set([RepSpec()] * 4, noise_deg=0.0, keypoints=True).keypoints
    assert kp is not None
    seen: list[str] = []
    analyze_and_coach(kp, goal="hypertrophy", variant="45_degree_bench",
                      report=tmp_path / "r.html",
                      progress=lambda stage, done, total: seen.append(stage))  # fmt: skip
    assert seen == ["reading", "analysing", "coaching", "report"]
    assert set(seen) <= set(STAGES)
    assert STAGES.index("annotating") < STAGES.index("key_frames") < STAGES.index("report")


class FakeDB:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    def update_job(self, job_id: str, **fields: Any) -> None:
        self.updates.append(fields)


def test_web_job_shows_the_annotating_and_key_frame_counts() -> None:
    """The job page's stage text names the step and counts its frames; progress grows."""
    pytest.importorskip("fastapi")
    from extensor.web._jobs import JobSpec, _progress

    spec = JobSpec(job_id="j", db_path="-", job_dir="-", input_path="-", input_type="video",
                   display_name="a.mp4", exercise="lever_back_extension", goal="hypertrophy",
                   variant="45_degree_bench")  # fmt: skip
    db = FakeDB()
    report = _progress(spec, db)  # type: ignore[arg-type]
    report("annotating", None, None)
    report("annotating", 100, 100)
    report("key_frames", None, None)
    report("key_frames", 4, 4)
    report("report", None, None)
    stages = [u["stage"] for u in db.updates]
    assert stages == [
        "writing the annotated video", "writing the annotated video: 100 of about 100",
        "drawing the key frames of the report", "drawing the key frames of the report: 4 of 4",
        "writing the report",
    ]  # fmt: skip
    values = [u["progress"] for u in db.updates]
    assert values == sorted(values)
    assert values[-1] < 1.0
