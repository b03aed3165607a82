"""Comparing two sets: ``extensor compare`` (files and logged sets), the app function."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor._errors import InputError
from extensor.app import compare_sets, side_from_analysis, side_from_file
from extensor.cli import app
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

runner = CliRunner()
CLEAN = RepSpec()
PAST = RepSpec(top_deg=20.0)


@pytest.fixture(autouse=True)
def isolated(isolated_settings: Path) -> Path:
    """Own settings and data directory (``isolated_settings``)."""
    return isolated_settings


def analysed(tmp: Path, name: str, specs: Sequence[RepSpec], *args: str) -> Path:
    kp = synthetic_set(list(specs), noise_deg=0.3, keypoints=True, seed=5).keypoints
    assert kp is not None
    csv = write_extensor_csv(kp, tmp / f"{name}.csv")
    out = tmp / f"{name}.json"
    result = runner.invoke(app, ["analyze", str(csv), "--json", str(out), "--quiet", *args])
    assert result.exit_code == 0, result.output
    return out


def test_compare_two_analysis_files_counts_past_neutral_and_clean_reps(tmp_path: Path) -> None:
    """A: 4 clean + 2 past neutral; B: 6 clean. The comparison shows both and the change."""
    a = analysed(tmp_path, "a", [CLEAN] * 4 + [PAST] * 2)
    b = analysed(tmp_path, "b", [CLEAN] * 6)
    result = runner.invoke(app, ["compare", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.stdout)["rows"]}
    assert (rows["past_neutral"]["a"], rows["past_neutral"]["b"]) == ("2", "0")
    assert (rows["clean"]["a"], rows["clean"]["b"], rows["clean"]["change"]) == (
        "4 of 6", "6 of 6", "+33%",
    )  # fmt: skip
    assert rows["load"]["a"] == "-"
    reps = json.loads(a.read_text(encoding="utf-8"))["reps"]
    mean_lift = sum(r["lift_s"] for r in reps) / len(reps)
    assert float(rows["lift"]["a"].split()[0]) == pytest.approx(mean_lift, abs=0.05)
    text = runner.invoke(app, ["compare", str(a), str(b)]).stdout
    assert "past neutral (reps)" in text
    assert "tempo: lowering" in text


def test_compare_logged_sets_converts_lb_to_kg(tmp_path: Path) -> None:
    """Set 1 at 40 kg and set 2 at 100 lb compare in kg: 100 lb = 45.36 kg."""
    for load in ("40kg", "100lb"):
        done = runner.invoke(app, ["log", "--load", load, "--reps", "10", "--date", "2024-05-01"])
        assert done.exit_code == 0, done.output
    result = runner.invoke(app, ["compare", "--set", "1", "--set", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {r["key"]: r for r in data["rows"]}
    assert data["unit"] == "kg"
    assert (rows["load"]["a"], rows["load"]["b"]) == ("40 kg", "45.36 kg")
    assert rows["clean"]["a"] == "-"
    lb = runner.invoke(app, ["compare", "--set", "1", "--set", "2", "--unit", "lb", "--json"])
    assert json.loads(lb.stdout)["rows"][0]["a"] == "88.18 lb"


def test_compare_needs_two_sets_and_names_a_missing_one(tmp_path: Path) -> None:
    one = runner.invoke(app, ["compare", "--set", "1"])
    assert one.exit_code == 1
    assert "compare needs two sets" in one.output
    no_log = runner.invoke(app, ["compare", "--set", "1", "--set", "9"])
    assert no_log.exit_code == 1
    assert "there is no training log yet" in no_log.output
    assert runner.invoke(app, ["log", "--load", "40kg", "--reps", "10"]).exit_code == 0
    missing = runner.invoke(app, ["compare", "--set", "1", "--set", "9"])
    assert missing.exit_code == 1
    assert "no set 9 in the training log" in missing.output


def test_a_file_that_is_not_an_analysis_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.json: not an extensor analysis document"):
        side_from_file(bad)


def test_past_neutral_is_not_judged_without_neutral() -> None:
    """An analysis that does not know neutral says "not judged", never 0."""
    doc = {"reps": [], "faults": [], "metrics": {}, "neutral_known": False}
    side = side_from_analysis(doc, label="imu")
    row = {r.key: r for r in compare_sets(side, side).rows}["past_neutral"]
    assert row.a == "not judged"
