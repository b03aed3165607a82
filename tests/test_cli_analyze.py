"""``extensor analyze`` and ``extensor demo``: table, cues, verdict, --quiet, --json, --report."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor.cli import app
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

runner = CliRunner()
CLEAN = RepSpec()
#: Reps 5-6 go past neutral, reps 6 also rushes the lowering.
FAULTY = [CLEAN] * 4 + [RepSpec(top_deg=20.0), RepSpec(top_deg=20.0, lower_s=1.0)]


pytestmark = pytest.mark.usefixtures("isolated_settings")


def keypoint_csv(path: Path, specs: Sequence[RepSpec]) -> Path:
    kp = synthetic_set(list(specs), noise_deg=0.3, keypoints=True, seed=5).keypoints
    assert kp is not None
    return write_extensor_csv(kp, path)


@pytest.fixture
def faulty_csv(tmp_path: Path) -> Path:
    return keypoint_csv(tmp_path / "set.csv", FAULTY)


def test_analyze_prints_table_cues_and_verdict(faulty_csv: Path) -> None:
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--goal", "hypertrophy"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "6 reps (6 full), goal hypertrophy" in out
    assert re.search(r"^\s+5 .*past\s+past neutral", out, re.M), out
    assert "1. Finish tall and straight, then stop. safety" in out
    assert "Reps 5-6 leaned" in out
    assert "2. Lower slower than you lift. tempo" in out
    assert "Next set: Too heavy: go lighter" in out
    assert "✓" in out  # what went well


def test_analyze_quiet_prints_only_the_cues(faulty_csv: Path) -> None:
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [line[:3] for line in lines] == ["1. ", "2. "]
    assert lines[0].startswith("1. Reps 5-6 leaned")
    assert lines[0].endswith("Finish tall and straight, then stop.")
    assert "Next set" not in result.stdout


def test_analyze_quiet_on_a_clean_set_says_there_is_nothing_to_change(tmp_path: Path) -> None:
    path = keypoint_csv(tmp_path / "clean.csv", [CLEAN] * 5)
    result = runner.invoke(app, ["analyze", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No cues: every rep was clean."


def test_analyze_json_to_stdout_parses_and_holds_the_coaching(faulty_csv: Path) -> None:
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--json", "-"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metrics"]["rep_count"] == 6
    coaching = data["coaching"]
    assert coaching["schema"] == "extensor.coaching/3"
    assert [c["mistake"] for c in coaching["cues"]] == ["past_neutral", "rushed_lowering"]
    assert coaching["cues"][0]["reps"] == [5, 6]
    assert coaching["verdict"]["decision"] == "too_heavy"


def test_analyze_json_to_a_file(faulty_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "res" / "set.json"
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["coaching"]["rep_count"] == 6


def test_analyze_report_writes_the_report_and_its_guide(faulty_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Report written to {out}" in result.stdout.replace("\n", "")
    text = out.read_text(encoding="utf-8")
    assert text.count('class="fault-marker"') == 3
    assert (tmp_path / "out-guide.html").is_file()


def test_goal_changes_the_target_the_cue_quotes(tmp_path: Path) -> None:
    path = keypoint_csv(tmp_path / "quick.csv", [RepSpec(lower_s=1.0)] * 4)
    targets = {}
    for goal in ("hypertrophy", "endurance"):
        result = runner.invoke(app, ["analyze", str(path), "--goal", goal, "--json", "-"])
        assert result.exit_code == 0, result.output
        (cue,) = json.loads(result.stdout)["coaching"]["cues"]
        targets[goal] = (cue["measured"]["target"], cue["evidence"])
    assert targets["hypertrophy"][0] == 2.5
    assert targets["endurance"][0] == 2.0
    assert "hypertrophy target is 2.5 s" in targets["hypertrophy"][1]
    assert "endurance target is 2 s" in targets["endurance"][1]


def test_missing_file_exits_1_with_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error:")
    assert "nope.csv" in lines[0]


def test_empty_file_exits_1_with_one_line_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(empty)])
    assert result.exit_code == 1
    assert result.stdout == ""
    error = result.stderr.strip()
    assert error.startswith("error:")
    assert "empty" in error
    assert len(error.splitlines()) == 1


def test_unwritable_report_path_exits_1_with_one_line_error(
    faulty_csv: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(
        app, ["analyze", str(faulty_csv), "--quiet", "--report", str(blocker / "r.html")]
    )
    assert result.exit_code == 1
    error = result.stderr.strip()
    assert error.startswith("error:")
    assert "cannot write the report" in error
    assert len(error.splitlines()) == 1


def test_demo_writes_the_example_report_and_prints_its_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = tmp_path / "example-report.html"
    assert report.is_file()
    assert (tmp_path / "example-report-guide.html").is_file()
    assert str(report) in result.stdout.replace("\n", "")
    assert "Next set: Too heavy: go lighter" in result.stdout
    data = json.loads((tmp_path / "example-analysis.json").read_text(encoding="utf-8"))
    assert [c["mistake"] for c in data["coaching"]["cues"]] == ["past_neutral", "rushed_lowering"]


def test_unwritable_json_path_exits_1_with_one_line_error(faulty_csv: Path, tmp_path: Path) -> None:
    """A --json path under a plain file cannot be created: one error line, exit 1, no traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--json", str(blocker / "r.json")])
    assert result.exit_code == 1
    error = result.stderr.strip()
    assert error.startswith("error: cannot write the JSON result")
    assert len(error.splitlines()) == 1


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    """Reports, JSON and the example CSV are readable by others (0666 less the umask), not 0600."""
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("example-set.csv", "example-analysis.json", "example-report.html"):
        mode = (tmp_path / name).stat().st_mode & 0o777
        assert mode & 0o044 == 0o044, (name, oct(mode))


def test_save_stores_the_analysed_set_with_its_reps(faulty_csv: Path, tmp_path: Path) -> None:
    """--save --load puts the set and its 6 analysed reps in the log; history shows them."""
    db = str(tmp_path / "log.db")
    result = runner.invoke(
        app, ["analyze", str(faulty_csv), "--save", "--load", "40kg", "--db", db]
    )
    assert result.exit_code == 0, result.output
    from extensor.store import Store, load_history, resolve_db_url

    with Store(resolve_db_url(db=db)) as store:
        history = load_history(store)
    sets = [s for session in history for s in session.sets]
    assert len(sets) == 1
    assert sets[0].reps == 6
    assert sets[0].load == 40.0


def test_save_without_load_is_a_one_line_usage_error(faulty_csv: Path) -> None:
    """--save needs to know the load: exit 1 and say so."""
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--save"])
    assert result.exit_code == 1
    assert "--save needs --load" in result.stderr


def test_goal_falls_back_to_the_stored_profile(faulty_csv: Path, tmp_path: Path) -> None:
    """With no --goal, analyze judges the set for the profile's goal."""
    db = str(tmp_path / "log.db")
    made = runner.invoke(app, ["profile", "--goal", "strength", "--db", db])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["analyze", str(faulty_csv), "--db", db])
    assert result.exit_code == 0, result.output
    assert "goal strength" in result.stdout
