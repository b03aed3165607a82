"""``extensor analyze`` on a recording of several sets: per-set output, --set, --whole, --save."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor.app import SESSION_SCHEMA
from extensor.cli import app
from extensor.core import SCHEMA_VERSION
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def two_sets(tmp_path: Path) -> Path:
    """5 reps, a 40 s rest, 4 reps (the second set's 3rd rep past neutral)."""
    specs = [RepSpec()] * 4 + [RepSpec(bottom_s=40.0)] + [RepSpec()] * 2 + [RepSpec(top_deg=20.0)]
    specs += [RepSpec()]
    kp = synthetic_set(specs, noise_deg=0.3, keypoints=True, seed=5).keypoints
    assert kp is not None
    return write_extensor_csv(kp, tmp_path / "session.csv")


def test_each_set_is_printed_and_the_json_holds_both(two_sets: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["analyze", str(two_sets), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Set 1 of 2" in result.output
    assert "Set 2 of 2" in result.output
    doc = json.loads(out.read_text())
    assert doc["schema"] == SESSION_SCHEMA
    assert doc["set_count"] == 2
    assert [s["schema"] for s in doc["sets"]] == [SCHEMA_VERSION] * 2
    assert [s["metrics"]["rep_count"] for s in doc["sets"]] == [5, 4]
    second = doc["sets"][1]
    assert {f["rep"] for f in second["faults"] if f["id"] == "past_neutral"} == {3}
    assert second["info"]["set"]["number"] == 2
    assert "coaching" in second


def test_set_keeps_one_set_with_its_plain_document(two_sets: Path) -> None:
    result = runner.invoke(app, ["analyze", str(two_sets), "--set", "2", "--json", "-"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == SCHEMA_VERSION
    assert doc["metrics"]["rep_count"] == 4
    assert doc["info"]["set"] == {**doc["info"]["set"], "number": 2, "of": 2}


def test_whole_analyses_the_recording_as_one_set(two_sets: Path) -> None:
    result = runner.invoke(app, ["analyze", str(two_sets), "--whole", "--json", "-"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["metrics"]["rep_count"] == 9
    assert "set" not in doc["info"]


def test_a_set_that_is_not_there_is_a_one_line_error(two_sets: Path) -> None:
    result = runner.invoke(app, ["analyze", str(two_sets), "--set", "3"])
    assert result.exit_code == 1
    assert "set must be between 1 and 2 (the sets this recording holds), got 3" in result.stderr


def test_set_and_whole_exclude_each_other(two_sets: Path) -> None:
    result = runner.invoke(app, ["analyze", str(two_sets), "--set", "1", "--whole"])
    assert result.exit_code == 1
    assert "--set and --whole exclude each other" in result.stderr


def test_a_report_of_several_sets_writes_one_per_set(two_sets: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    result = runner.invoke(app, ["analyze", str(two_sets), "--report", str(report)])
    assert result.exit_code == 0, result.output
    second = tmp_path / "r.set2.html"
    said = "".join(result.output.split())  # the console wraps long paths
    assert f"Reportwrittento{report}(" in said
    assert f"Reportwrittento{second}(" in said
    assert "<b>5</b><span>reps" in report.read_text()
    assert "<b>4</b><span>reps" in second.read_text()
    assert (tmp_path / "r.set2-guide.html").exists()


def test_an_annotated_video_or_pose_trace_of_several_sets_asks_for_one(
    two_sets: Path, tmp_path: Path
) -> None:
    trace = tmp_path / "trace.csv"
    result = runner.invoke(app, ["analyze", str(two_sets), "--keypoints", str(trace)])
    assert result.exit_code == 1
    assert "this recording holds 2 sets: --keypoints writes one set's files" in result.stderr
    assert not trace.exists()
    ok = runner.invoke(app, ["analyze", str(two_sets), "--set", "1", "--keypoints", str(trace)])
    assert ok.exit_code == 0, ok.output
    assert trace.exists()


def test_save_logs_every_set(two_sets: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "log.db")
    result = runner.invoke(app, ["analyze", str(two_sets), "--save", "--load", "40kg", "--db", db])
    assert result.exit_code == 0, result.output
    assert "Saved to the training log: 2 sets of 5, 4 reps at 40 kg" in result.output
    from extensor.store import Store, load_history, resolve_db_url

    with Store(resolve_db_url(db=db)) as store:
        sets = [s for session in load_history(store) for s in session.sets]
    assert [s.reps for s in sets] == [5, 4]


def _logged_reps(db: str) -> list[int]:
    from extensor.store import Store, load_history, resolve_db_url

    with Store(resolve_db_url(db=db)) as store:
        return [s.reps for session in load_history(store) for s in session.sets]


def test_saving_the_same_recording_again_stores_nothing_twice(
    two_sets: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "log.db")
    typed = ["log", "--load", "30kg", "--reps", "10", "--sets", "3", "--db", db]
    assert runner.invoke(app, typed).exit_code == 0  # row ids 1-3: not the set numbers
    args = ["analyze", str(two_sets), "--save", "--db", db]
    assert runner.invoke(app, [*args, "--load", "40kg"]).exit_code == 0
    again = runner.invoke(app, [*args, "--load", "45kg", "--set", "2"])
    assert again.exit_code == 0, again.output
    said = " ".join(again.output.split())
    assert "Already in the training log (set 2 of this recording, saved earlier" in said
    assert "Saved to the training log" not in said
    assert _logged_reps(db) == [10, 10, 10, 5, 4]


def test_a_save_whose_json_cannot_be_written_keeps_no_set(two_sets: Path, tmp_path: Path) -> None:
    """The JSON goes to a folder: the run fails, and neither set stays in the log."""
    db = str(tmp_path / "log.db")
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    result = runner.invoke(
        app,
        ["analyze", str(two_sets), "--save", "--load", "40kg", "--db", db, "--json", str(folder)],
    )
    assert result.exit_code != 0
    assert _logged_reps(db) == []
    assert runner.invoke(app, ["analyze", str(two_sets), "--save", "--load", "40kg", "--db", db]
                         ).exit_code == 0  # fmt: skip
    assert _logged_reps(db) == [5, 4]
