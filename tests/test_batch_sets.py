"""extensor batch on a recording of several sets: one result, row and logged set per set."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from extensor.app import SESSION_SCHEMA
from extensor.batch import BatchOptions, run_batch, set_result_key
from extensor.cli import app
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

OPTIONS = BatchOptions(goal="hypertrophy", variant="45_degree_bench", workers=1)
STUDY_ARGS = ["--workers", "1", "--goal", "hypertrophy", "--variant", "45_degree_bench"]


def _write(path: Path, specs: list[RepSpec], seed: int) -> None:
    kp = synthetic_set(specs, noise_deg=0.3, keypoints=True, seed=seed).keypoints
    assert kp is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_extensor_csv(kp, path)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``two.csv`` (tests/test_cli_sets.py's recording): 5 reps, a 40 s rest, 4 reps, the
    second set's 3rd rep past neutral; ``one.csv``: 3 reps."""
    root = tmp_path_factory.mktemp("study")
    specs = [RepSpec()] * 4 + [RepSpec(bottom_s=40.0)] + [RepSpec()] * 2 + [RepSpec(top_deg=20.0)]
    _write(root / "two.csv", [*specs, RepSpec()], seed=5)
    _write(root / "one.csv", [RepSpec()] * 3, seed=1)
    return root


def _rows(out: Path, kind: str = "set") -> list[dict[str, str]]:
    with (out / "table.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["row"] == kind]


def test_a_two_set_file_gives_two_set_rows(study: Path, tmp_path: Path) -> None:
    run_batch(study, tmp_path / "out", OPTIONS)
    rows = _rows(tmp_path / "out")
    got = [(Path(r["source"]).name, r["set"], r["sets"], r["reps"]) for r in rows]
    assert got == [
        ("one.csv", "1", "1", "3"),
        ("two.csv", "1", "2", "5"),
        ("two.csv", "2", "2", "4"),
    ]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (summary["recordings"], summary["sets"], summary["reps"]) == (2, 3, 12)
    assert summary["faults"].get("past_neutral") == 1


def test_rep_rows_carry_their_set(study: Path, tmp_path: Path) -> None:
    run_batch(study, tmp_path / "out", OPTIONS)
    reps = [(Path(r["source"]).name, r["set"], r["sets"], r["rep"], r["faults"])
            for r in _rows(tmp_path / "out", "rep")]  # fmt: skip
    assert [(s, n, of, rep) for s, n, of, rep, _ in reps] == (
        [("one.csv", "1", "1", str(i)) for i in (1, 2, 3)]
        + [("two.csv", "1", "2", str(i)) for i in range(1, 6)]
        + [("two.csv", "2", "2", str(i)) for i in range(1, 5)]
    )
    past = [(s, n, rep) for s, n, _, rep, faults in reps if "past_neutral" in faults.split(";")]
    assert past == [("two.csv", "2", "3")]


def test_the_stored_result_is_the_session_document(study: Path, tmp_path: Path) -> None:
    run_batch(study, tmp_path / "out", OPTIONS)
    records = {
        Path(d["source"]).name: d
        for d in (json.loads(p.read_text()) for p in (tmp_path / "out" / "results").glob("*.json"))
    }
    session = records["two.csv"]["analysis"]
    assert session["schema"] == SESSION_SCHEMA
    assert session["set_count"] == 2
    assert [s["metrics"]["rep_count"] for s in session["sets"]] == [5, 4]
    assert records["one.csv"]["analysis"]["schema"] != SESSION_SCHEMA
    assert records["one.csv"]["analysis"]["metrics"]["rep_count"] == 3


def test_whole_keeps_one_set_per_file_and_is_in_the_key(study: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(study, out, OPTIONS)
    whole = BatchOptions(goal="hypertrophy", variant="45_degree_bench", workers=1, whole=True)
    again = run_batch(study, out, whole)
    assert (again.analysed, again.reused) == (2, 0)  # not the split results of the first run
    rows = _rows(out)
    assert [(Path(r["source"]).name, r["set"], r["sets"], r["reps"]) for r in rows] == [
        ("one.csv", "1", "1", "3"), ("two.csv", "1", "1", "9"),
    ]  # fmt: skip
    back = run_batch(study, out, OPTIONS)
    assert (back.analysed, back.reused) == (0, 2)
    assert [r["reps"] for r in _rows(out)] == ["3", "5", "4"]


def test_cli_whole_flag(study: Path, tmp_path: Path) -> None:
    args = ["batch", str(study), "--out", str(tmp_path / "out"), "--json", *STUDY_ARGS]
    split = CliRunner().invoke(app, args)
    whole = CliRunner().invoke(app, [*args, "--whole"])
    assert split.exit_code == 0, split.output
    assert whole.exit_code == 0, whole.output
    assert (json.loads(split.stdout)["sets"], json.loads(whole.stdout)["sets"]) == (3, 2)


def test_report_writes_each_sets_report_and_keeps_the_sets(study: Path, tmp_path: Path) -> None:
    """With --report the analysis is the one without: a later run without --report reuses
    it and still sees two sets (a report once forced one set under the same key)."""
    out = tmp_path / "out"
    first = run_batch(study, out, BatchOptions(**_base(), report=True))
    assert first.failed == 0
    reports = out / "reports"
    assert sorted(p.name for p in reports.glob("*.html") if "guide" not in p.name) == [
        "one.csv.html", "two.csv.html", "two.csv.set2.html",
    ]  # fmt: skip
    assert [r["reps"] for r in _rows(out)] == ["3", "5", "4"]
    plain = run_batch(study, out, OPTIONS)
    assert (plain.analysed, plain.reused) == (0, 2)
    assert [r["reps"] for r in _rows(out)] == ["3", "5", "4"]
    (reports / "two.csv.set2.html").unlink()
    redo = run_batch(study, out, BatchOptions(**_base(), report=True))
    assert (redo.analysed, redo.reused) == (1, 1)
    assert (reports / "two.csv.set2.html").exists()


def _base() -> dict[str, object]:
    return {"goal": "hypertrophy", "variant": "45_degree_bench", "workers": 1}


@pytest.mark.usefixtures("isolated_settings")
def test_save_logs_each_set_once_in_order(study: Path, tmp_path: Path) -> None:
    from extensor.store import Store, load_history
    from extensor.store._models import SetRow

    db = tmp_path / "log.db"
    args = ["batch", str(study), "--out", str(tmp_path / "out"), "--save", "--load", "40kg",
            "--db", str(db), *STUDY_ARGS]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 sets saved, 0 already there" in first.stdout
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 sets saved, 3 already there" in again.stdout
    records = {
        Path(d["source"]).name: d["key"]
        for d in (json.loads(p.read_text()) for p in (tmp_path / "out" / "results").glob("*.json"))
    }
    with Store(db) as store:
        reps = [x.reps for s in load_history(store) for x in s.sets]
        with store.read() as session:
            keys = list(session.scalars(select(SetRow.result_key).order_by(SetRow.id)))
    assert reps == [3, 5, 4]  # input order, and the two sets of two.csv in order
    assert keys == [
        records["one.csv"],
        set_result_key(records["two.csv"], 1, 2),
        set_result_key(records["two.csv"], 2, 2),
    ]
    assert all(len(k) == 64 for k in keys)  # sets.result_key is String(64)


@pytest.mark.usefixtures("isolated_settings")
def test_sets_without_a_load_are_counted_each(study: Path, tmp_path: Path) -> None:
    args = ["batch", str(study), "--out", str(tmp_path / "out"), "--save",
            "--db", str(tmp_path / "log.db"), *STUDY_ARGS]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "0 sets saved, 0 already there, 3 without a load (not saved)" in result.stdout
