"""extensor batch: the table against the synthetic truth, resume, kill -9, save, Ray, extras."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import extensor
from extensor._errors import MissingExtraError
from extensor.batch import TIMING_COLUMNS, BatchOptions, iter_recordings, run_batch
from extensor.cli import app
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

SRC = str(Path(extensor.__file__).resolve().parents[1])
GRAVITY = 9.80665
#: recording -> reps the synthetic truth holds (None: a damaged file, which must fail).
TRUTH: dict[str, int | None] = {
    "clinic/ana/set1.csv": 3,
    "clinic/ana/set2.csv": 5,
    "clinic/ben/set1.csv": 4,
    "encoder/lever.csv": 6,
    "imu/torso.csv": 4,
    "damaged/empty.csv": None,
    "damaged/garbled.csv": None,
}
OPTIONS = BatchOptions(goal="hypertrophy", variant="45_degree_bench", workers=2)


def _keypoints(path: Path, reps: int, seed: int) -> None:
    kp = synthetic_set([RepSpec()] * reps, noise_deg=0.3, keypoints=True, seed=seed).keypoints
    assert kp is not None
    write_extensor_csv(kp, path)


def _encoder(path: Path, reps: int) -> None:
    s = synthetic_set([RepSpec()] * reps, rate_hz=50.0, noise_deg=0.2, seed=3)
    with path.open("w", encoding="utf-8") as f:
        f.write("time,angle_deg\n")
        for t, a in zip(s.motion.time, s.motion.channel("extension") + 30.0, strict=True):
            f.write(f"{t:.4f},{a:.4f}\n")


def _imu(path: Path, reps: int) -> None:
    """A torso IMU turning about its y axis with the trunk angle (gravity + gyro)."""
    s = synthetic_set([RepSpec()] * reps, rate_hz=50.0, noise_deg=0.0, seed=2)
    t, th = s.motion.time, np.radians(s.motion.channel("extension"))
    zero = np.zeros_like(th)
    acc = np.column_stack([GRAVITY * np.sin(th), zero, GRAVITY * np.cos(th)])
    gyr = np.column_stack([zero, -np.gradient(th, t), zero])
    np.savetxt(path, np.column_stack([t, acc, gyr]), delimiter=",", fmt="%.6f",
               header="time,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z", comments="")  # fmt: skip


def make_folder(root: Path) -> Path:
    for name in TRUTH:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
    _keypoints(root / "clinic/ana/set1.csv", 3, seed=1)
    _keypoints(root / "clinic/ana/set2.csv", 5, seed=2)
    _keypoints(root / "clinic/ben/set1.csv", 4, seed=3)
    _encoder(root / "encoder/lever.csv", 6)
    _imu(root / "imu/torso.csv", 4)
    (root / "damaged/empty.csv").write_text("", encoding="utf-8")
    (root / "damaged/garbled.csv").write_text("hello,world\n1,2\n", encoding="utf-8")
    (root / "clinic/notes.md").write_text("not a recording", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_folder(tmp_path_factory.mktemp("study"))


@pytest.fixture(scope="module")
def clean_run(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    run_batch(folder, out, OPTIONS)
    return out


def _table(out: Path) -> list[dict[str, str]]:
    with (out / "table.csv").open(encoding="utf-8", newline="") as f:
        return [
            {k: v for k, v in row.items() if k not in TIMING_COLUMNS} for row in csv.DictReader(f)
        ]


def test_the_walk_finds_every_recording_in_name_order(folder: Path) -> None:
    found = [p.relative_to(folder).as_posix() for p in iter_recordings(folder)]
    assert found == sorted(TRUTH)


def test_the_table_has_the_synthetic_rep_counts_and_lists_the_damaged_files(
    clean_run: Path,
) -> None:
    rows = _table(clean_run)
    sets = {r["source"]: r for r in rows if r["row"] == "set"}
    assert list(sets) == sorted(TRUTH)
    for source, reps in TRUTH.items():
        if reps is None:
            assert sets[source]["status"] == "failed"
            continue
        assert sets[source]["status"] == "ok", sets[source]["error"]
        assert int(sets[source]["reps"]) == reps, source
        rep_rows = [r for r in rows if r["row"] == "rep" and r["source"] == source]
        assert [int(r["rep"]) for r in rep_rows] == list(range(1, reps + 1))
    assert "file is empty" in sets["damaged/empty.csv"]["error"]
    assert "input type must be recognisable" in sets["damaged/garbled.csv"]["error"]
    summary = json.loads((clean_run / "summary.json").read_text())
    assert summary["sets"] == 5
    assert summary["reps"] == 22
    assert summary["failed"] == 2
    assert {f["source"] for f in summary["failures"]} == {
        "damaged/empty.csv",
        "damaged/garbled.csv",
    }
    assert summary["analysed_now"] == 7


def test_each_result_is_the_analyze_json_document(clean_run: Path, folder: Path) -> None:
    """The stored analysis equals what `extensor analyze --json` writes for the same file."""
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(folder / "clinic/ana/set2.csv"),
            "--json",
            "-",
            "--goal",
            "hypertrophy",
            "--variant",
            "45_degree_bench",
        ],
    )
    assert result.exit_code == 0, result.output
    expected = json.loads(result.stdout)
    records = [json.loads(p.read_text()) for p in (clean_run / "results").glob("*.json")]
    (stored,) = [r for r in records if r["source"] == "clinic/ana/set2.csv"]
    assert stored["analysis"] == expected


def test_parquet_holds_the_same_rows_as_the_csv(clean_run: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(clean_run / "table.parquet")
    rows = _table(clean_run)
    assert table.num_rows == len(rows)
    assert table.column("source").to_pylist() == [r["source"] for r in rows]
    assert table.column("reps").to_pylist() == [int(r["reps"]) if r["reps"] else None for r in rows]


def test_a_rerun_analyses_nothing_and_a_changed_file_is_redone(
    folder: Path, tmp_path: Path
) -> None:
    study = shutil.copytree(folder, tmp_path / "study")
    out = tmp_path / "out"
    first = run_batch(study, out, OPTIONS)
    again = run_batch(study, out, OPTIONS)
    assert (first.analysed, again.analysed, again.reused) == (7, 0, 7)
    assert again.failed == 2
    _keypoints(study / "clinic/ana/set1.csv", 6, seed=9)
    changed = run_batch(study, out, OPTIONS)
    assert changed.analysed == 1
    sets = {r["source"]: r for r in _table(out) if r["row"] == "set"}
    assert sets["clinic/ana/set1.csv"]["reps"] == "6"


def test_the_cli_lists_failures_exits_1_and_a_rerun_does_nothing(
    folder: Path, tmp_path: Path
) -> None:
    args = ["batch", str(folder), "--out", str(tmp_path), "--workers", "2", "--goal",
            "hypertrophy", "--variant", "45_degree_bench"]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 1
    assert "7 recordings: 7 analysed now, 0 done before; 5 sets, 22 reps" in first.stdout
    assert "damaged/garbled.csv" in first.stderr
    assert "2 failed" in first.stderr
    second = CliRunner().invoke(app, [*args, "--json"])
    assert second.exit_code == 1
    summary = json.loads(second.stdout)
    assert (summary["analysed_now"], summary["done_before"], summary["failed"]) == (0, 7, 2)


def _records(out: Path) -> list[Path]:
    """The finished records (a killed write leaves a hidden temporary file, not a record)."""
    return [p for p in (out / "results").glob("*.json") if not p.name.startswith(".")]


#: Extra keypoint files in the kill test, so that a kill after two results is mid-way.
KILL_EXTRA = 6


def test_killing_the_batch_midway_loses_nothing_and_the_rerun_matches_a_clean_run(
    folder: Path, tmp_path: Path
) -> None:
    study = shutil.copytree(folder, tmp_path / "study")
    for k in range(KILL_EXTRA):
        _keypoints(study / f"more/set{k:02d}.csv", 3 + k % 4, seed=100 + k)
    total = len(TRUTH) + KILL_EXTRA
    clean = tmp_path / "clean"
    run_batch(study, clean, OPTIONS)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": SRC}
    cmd = [sys.executable, "-m", "extensor", "batch", str(study), "--out", str(out),
           "--workers", "1", "--goal", "hypertrophy", "--variant", "45_degree_bench"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_records(out)) < 2:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = _records(out)
    assert 2 <= len(finished) < total, "the batch must be killed mid-way"
    for path in finished:
        assert json.loads(path.read_text())["key"] == path.stem
    assert not (out / "table.csv").exists()
    resumed = run_batch(study, out, OPTIONS)
    assert resumed.reused == len(finished)
    assert resumed.analysed == total - len(finished)
    assert _table(out) == _table(clean)
    assert not [p for p in out.rglob(".*") if ".tmp" in p.name]


def test_save_stores_each_set_under_its_lifter_once(folder: Path, tmp_path: Path) -> None:
    from extensor.store import Store, list_lifters, load_history

    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "path,lifter,date,load\n"
        f"{folder / 'clinic/ana/set1.csv'},ana,2026-11-02,40kg\n"
        f"{folder / 'clinic/ana/set2.csv'},ana,2026-11-04,42.5kg\n"
        f"{folder / 'clinic/ben/set1.csv'},ben,2026-11-02,60lb\n"
        f"{folder / 'encoder/lever.csv'},,2026-11-03,\n",
        encoding="utf-8",
    )
    db = tmp_path / "log.db"
    args = ["batch", str(manifest), "--out", str(tmp_path / "out"), "--save", "--db", str(db),
            "--workers", "2", "--goal", "hypertrophy", "--variant", "45_degree_bench"]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 sets saved, 0 already there, 1 without a load" in first.stdout
    second = CliRunner().invoke(app, [*args, "--load", "30kg"])
    assert "1 sets saved, 3 already there" in second.stdout
    third = CliRunner().invoke(app, [*args, "--load", "30kg"])
    assert "0 sets saved, 4 already there" in third.stdout
    with Store(db) as store:
        assert list_lifters(store) == ["default", "ana", "ben"]
        ana = load_history(store, lifter="ana")
        assert [(s.day.isoformat(), [x.reps for x in s.sets]) for s in ana] == [
            ("2026-11-02", [3]), ("2026-11-04", [5]),
        ]  # fmt: skip
        assert [x.unit for s in load_history(store, lifter="ben") for x in s.sets] == ["lb"]
        default = load_history(store)
        assert [(x.reps, x.load) for s in default for x in s.sets] == [(6, 30.0)]
        assert store.check() == []


def test_missing_ray_names_the_scale_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from extensor.batch._engine_ray import import_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingExtraError, match=r"extensor\[scale\]"):
        import_ray()


def test_without_pyarrow_the_csv_is_written_and_parquet_is_a_missing_extra(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    one = tmp_path / "one"
    shutil.copytree(folder / "encoder", one)
    run = run_batch(one, tmp_path / "out", OPTIONS)
    assert [p.name for p in run.tables] == ["table.csv"]
    assert "pip install 'extensor[scale]'" in run.warnings[0]
    with pytest.raises(MissingExtraError, match="pyarrow"):
        run_batch(one, tmp_path / "out2", BatchOptions(goal="hypertrophy",
                  variant="45_degree_bench", table="parquet"))  # fmt: skip
