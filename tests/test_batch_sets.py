"""extensor batch on a recording of several sets: one result, row and logged set per set."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor.app import SESSION_SCHEMA
from extensor.batch import BatchOptions, run_batch
from extensor.cli import app
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

OPTIONS = BatchOptions(goal="hypertrophy", variant="45_degree_bench", workers=1)


def _write(path: Path, specs: list[RepSpec], seed: int) -> None:
    kp = synthetic_set(specs, noise_deg=0.3, keypoints=True, seed=seed).keypoints
    assert kp is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_extensor_csv(kp, path)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``two.csv``: 5 reps, a 40 s rest, 4 reps; ``one.csv``: 3 reps."""
    root = tmp_path_factory.mktemp("study")
    _write(root / "two.csv", [RepSpec()] * 4 + [RepSpec(bottom_s=40.0)] + [RepSpec()] * 4, seed=5)
    _write(root / "one.csv", [RepSpec()] * 3, seed=1)
    return root


def _set_rows(out: Path) -> list[dict[str, str]]:
    with (out / "table.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["row"] == "set"]


def test_a_two_set_file_gives_two_set_rows(study: Path, tmp_path: Path) -> None:
    run_batch(study, tmp_path / "out", OPTIONS)
    rows = _set_rows(tmp_path / "out")
    got = [(Path(r["source"]).name, r["set"], r["sets"], r["reps"]) for r in rows]
    assert got == [
        ("one.csv", "1", "1", "3"),
        ("two.csv", "1", "2", "5"),
        ("two.csv", "2", "2", "4"),
    ]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (summary["recordings"], summary["sets"], summary["reps"]) == (2, 3, 12)


def test_the_stored_result_is_the_session_document(study: Path, tmp_path: Path) -> None:
    run_batch(study, tmp_path / "out", OPTIONS)
    docs = [
        json.loads(p.read_text()) for p in sorted((tmp_path / "out" / "results").rglob("*.json"))
    ]
    analyses = [d.get("analysis", d) for d in docs]
    session = next(a for a in analyses if a.get("schema") == SESSION_SCHEMA)
    assert [s["metrics"]["rep_count"] for s in session["sets"]] == [5, 4]


def test_whole_keeps_one_set_per_file(study: Path, tmp_path: Path) -> None:
    run_batch(study, tmp_path / "out", BatchOptions(goal="hypertrophy", variant="45_degree_bench",
                                                    workers=1, whole=True))  # fmt: skip
    rows = _set_rows(tmp_path / "out")
    assert [(Path(r["source"]).name, r["sets"], r["reps"]) for r in rows] == [
        ("one.csv", "1", "3"), ("two.csv", "1", "9"),
    ]  # fmt: skip


def test_save_logs_each_set_once(study: Path, tmp_path: Path) -> None:
    from extensor.store import Store, load_history

    db = tmp_path / "log.db"
    args = ["batch", str(study), "--out", str(tmp_path / "out"), "--save", "--load", "40kg",
            "--db", str(db), "--workers", "1", "--goal", "hypertrophy",
            "--variant", "45_degree_bench"]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 sets saved, 0 already there" in first.stdout
    again = CliRunner().invoke(app, args)
    assert "0 sets saved, 3 already there" in again.stdout
    with Store(db) as store:
        reps = sorted(x.reps for s in load_history(store) for x in s.sets)
    assert reps == [3, 4, 5]
