"""The Ray engine on a local Ray instance gives the local engine's table."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

import extensor
from extensor.batch import TIMING_COLUMNS, BatchOptions, run_batch
from test_batch import make_folder

# The suite turns warnings into errors. Ray 2.60 raises no Python warning on this path (init,
# tasks, shutdown; its token-authentication notice is a log line, not a warning), so nothing is
# filtered here: a warning a future Ray adds fails this test and must be filtered by name.
ray = pytest.importorskip("ray")
SRC = str(Path(extensor.__file__).resolve().parents[1])


@pytest.fixture(scope="session")
def local_ray() -> Iterator[None]:
    """One local Ray for the session: 2 CPUs, no dashboard, workers import this extensor."""
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        ignore_reinit_error=True,
        runtime_env={"env_vars": {"PYTHONPATH": SRC}},
    )
    yield
    ray.shutdown()


def _table(out: Path) -> list[dict[str, str]]:
    with (out / "table.csv").open(encoding="utf-8", newline="") as f:
        return [{k: v for k, v in r.items() if k not in TIMING_COLUMNS} for r in csv.DictReader(f)]


def test_ray_gives_the_same_table_as_the_local_engine(local_ray: None, tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "study")
    local = run_batch(folder, tmp_path / "local",
                      BatchOptions(goal="hypertrophy", variant="45_degree_bench", workers=2))  # fmt: skip
    remote = run_batch(folder, tmp_path / "ray",
                       BatchOptions(goal="hypertrophy", variant="45_degree_bench", engine="ray"))  # fmt: skip
    assert (local.analysed, remote.analysed, remote.failed) == (7, 7, 2)
    assert _table(tmp_path / "ray") == _table(tmp_path / "local")
    again = run_batch(folder, tmp_path / "ray",
                      BatchOptions(goal="hypertrophy", variant="45_degree_bench", engine="ray"))  # fmt: skip
    assert again.analysed == 0
    assert again.reused == 7
