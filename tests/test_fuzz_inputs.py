"""Property-based fuzzing of the public analysis API over mutated recordings (issue 12).

Hypothesis mutates valid keypoint, encoder and IMU files (``bench/fuzz_inputs.py``
holds the mutations and the longer run); whatever comes in, only extensor's own errors
escape, the JSON document is strict, no rep holds a non-finite number, and pure noise
gives no rep. Bounded (60 examples each) so it runs in seconds.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import extensor
from extensor import ExtensorError

BENCH = Path(__file__).resolve().parents[1] / "bench" / "fuzz_inputs.py"


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_inputs", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_inputs"] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load_bench()
KINDS = ("keypoints", "encoder", "imu")
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return fuzz.seed_files(tmp_path_factory.mktemp("seeds"))  # type: ignore[no-any-return]


def test_seeds_are_valid_sets(seeds: dict[str, Path]) -> None:
    """The unmutated seeds are real sets: 4 reps each, so a mutation starts from truth."""
    goal = {"goal": "hypertrophy", "variant": "45_degree_bench"}
    counts = {k: extensor.analyze(p, **goal).metrics.rep_count for k, p in seeds.items()}
    assert counts == dict.fromkeys(KINDS, 4)


@FUZZ
@given(kind=st.sampled_from(KINDS), data=st.data())
def test_mutated_inputs_give_a_typed_error_or_an_honest_result(
    seeds: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, kind: str, data: st.DataObject
) -> None:
    text = seeds[kind].read_text()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        text = fuzz.mutate(
            text,
            lambda n: data.draw(st.integers(0, max(n, 1) - 1)),
            lambda items: data.draw(st.sampled_from(items)),
        )
    path = tmp_path_factory.mktemp("case") / seeds[kind].name
    path.write_text(text, encoding="utf-8")
    try:
        outcome = fuzz.run_case(path, noise_only=False)
    except ExtensorError:  # pragma: no cover - run_case catches these
        outcome = "error"
    assert outcome in ("error", "zero", "reps")


@FUZZ
@given(kind=st.sampled_from(KINDS), seed=st.integers(0, 10**6))
def test_pure_noise_gives_no_rep(
    seeds: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, kind: str, seed: int
) -> None:
    scale = {"keypoints": 300.0, "encoder": 30.0, "imu": 5.0}[kind]
    path = tmp_path_factory.mktemp("noise") / seeds[kind].name
    path.write_text(fuzz.noise(seeds[kind].read_text(), seed, scale=scale), encoding="utf-8")
    assert fuzz.run_case(path, noise_only=True) in ("error", "zero")


def test_run_case_refuses_non_strict_json() -> None:
    """The JSON check in run_case fails loudly on a NaN token (it would pass a lax parser)."""
    with pytest.raises(ValueError, match="non-strict JSON token NaN"):
        json.loads('{"a": NaN}', parse_constant=fuzz._refuse_constant)
