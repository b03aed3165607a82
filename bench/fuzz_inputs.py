"""Fuzz the public analysis API with mutated keypoint, IMU and encoder files (issue 12).

Each case writes a valid seed recording (a synthetic set of 4 reps: an extensor keypoint
CSV, an encoder CSV, a generic IMU CSV), mutates it (absurd or non-finite cells,
confidences out of range, truncation, deleted or duplicated rows, constant columns,
binary garbage, scaled columns), and runs it through ``analyze_and_coach`` and its strict
JSON writer. It counts what came out:

* a typed error (an :class:`extensor.ExtensorError`), an honest 0-rep result, a result
  with reps whose numbers are all finite;
* tracebacks (any other exception) and made-up reps (a rep with a non-finite number, or
  reps counted in a signal with no rep in it) must stay 0.

Peak memory is the largest traced allocation (``tracemalloc``) of one case.

Run: ``PYTHONPATH=src python bench/fuzz_inputs.py --cases 3000 --seed 1``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import random
import tempfile
import time
import traceback
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from extensor import ExtensorError
from extensor._files import strict_json
from extensor.app import analyze_and_coach
from extensor.core import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

GOAL = {"goal": "hypertrophy", "variant": "45_degree_bench"}
#: Cell values a mutation writes: absurd, non-finite, out of range, not a number.
BAD_CELLS = (
    "1e308",
    "-1e308",
    "1e200",
    "inf",
    "-inf",
    "nan",
    "",
    "7.5",
    "-3",
    "abc",
    "0",
    "1e-300",
)


def seed_files(folder: Path) -> dict[str, Path]:
    """Valid recordings of one 4-rep synthetic set: keypoints, encoder, IMU."""
    s = synthetic_set([RepSpec()] * 4, noise_deg=0.3, keypoints=True, seed=5)
    assert s.keypoints is not None
    kp = write_extensor_csv(s.keypoints, folder / "seed.kp.csv")
    t, angle = s.motion.time, s.motion.channel("extension")
    enc = folder / "seed.enc.csv"
    enc.write_text(
        "time,angle_deg\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(t, angle, strict=True))
    )
    theta = np.radians(angle)
    g = 9.80665
    acc = np.column_stack([g * np.sin(theta), np.zeros_like(theta), g * np.cos(theta)])
    gyr = np.column_stack([np.zeros_like(theta), -np.gradient(theta, t), np.zeros_like(theta)])
    rows = np.column_stack([t, acc, gyr])
    imu = folder / "seed.imu.csv"
    imu.write_text(
        "time,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n"
        + "".join(",".join(f"{v:.6g}" for v in row) + "\n" for row in rows)
    )
    return {"keypoints": kp, "encoder": enc, "imu": imu}


def _lines(text: str) -> tuple[list[str], int]:
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("time"))
    return lines, header + 1


def mutate(text: str, choose: Callable[[int], int], pick: Callable[[tuple[str, ...]], str]) -> str:
    """One mutation of a delimited recording; ``choose(n)`` picks 0..n-1, ``pick`` an item."""
    try:
        lines, first = _lines(text)
    except StopIteration:  # the header is gone (an earlier truncation): cut further
        return text[: len(text) // 2]
    n_rows = len(lines) - first
    if n_rows <= 0:
        return text + "1,2\n"
    kind = choose(9)
    row = first + choose(n_rows)
    cells = lines[row].split(",")
    col = choose(len(cells))
    if kind == 0:  # one bad cell
        cells[col] = pick(BAD_CELLS)
        lines[row] = ",".join(cells)
    elif kind == 1:  # a whole column set to one bad or constant value
        value = pick(BAD_CELLS)
        for i in range(first, len(lines)):
            parts = lines[i].split(",")
            if col < len(parts):
                parts[col] = value
            lines[i] = ",".join(parts)
    elif kind == 2:  # truncated at a byte
        return text[: choose(len(text) + 1)]
    elif kind == 3:  # a row deleted
        del lines[row]
    elif kind == 4:  # a row duplicated (a repeated timestamp)
        lines.insert(row, lines[row])
    elif kind == 5:  # garbage bytes in the middle
        cut = choose(len(text) + 1)
        return text[:cut] + "\x00\xff garbage \x01" + text[cut:]
    elif kind == 6:  # a column scaled by a large factor
        factor = 10.0 ** (choose(12) * 30 - 150)
        for i in range(first, len(lines)):
            parts = lines[i].split(",")
            with contextlib.suppress(ValueError, IndexError):
                parts[col] = repr(float(parts[col]) * factor)
            lines[i] = ",".join(parts)
    elif kind == 7:  # a block of rows removed (a long gap)
        del lines[row : row + choose(n_rows)]
    else:  # several bad cells
        for _ in range(1 + choose(20)):
            r = first + choose(n_rows)
            parts = lines[r].split(",")
            parts[choose(len(parts))] = pick(BAD_CELLS)
            lines[r] = ",".join(parts)
    return "\n".join(lines) + "\n"


def noise(text: str, seed: int, *, scale: float) -> str:
    """Every value but the time replaced by Gaussian noise of sd ``scale``: no rep in it.

    Keypoint confidences stay within [0, 1] so that the file is valid, only meaningless.
    """
    lines, first = _lines(text)
    header = lines[first - 1].split(",")
    conf = np.array([name.endswith("_conf") for name in header[1:]])
    rng = np.random.default_rng(seed)
    for i in range(first, len(lines)):
        parts = lines[i].split(",")
        values = np.where(conf, rng.uniform(0.5, 1.0, conf.size), rng.normal(0, scale, conf.size))
        lines[i] = ",".join([parts[0], *(f"{v:.4f}" for v in values)])
    return "\n".join(lines) + "\n"


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"non-strict JSON token {token}")


def _rep_numbers(rep: dict[str, Any]) -> list[float]:
    return [v for v in rep.values() if isinstance(v, float)]


def run_case(path: Path, *, noise_only: bool) -> str:
    """'error', 'zero' or 'reps'; raises AssertionError for a made-up rep or bad JSON."""
    try:
        done = analyze_and_coach(path, **GOAL)
    except ExtensorError:
        return "error"
    doc = json.loads(strict_json(done.to_dict()), parse_constant=_refuse_constant)
    for rep in done.result.reps:
        bad = [
            f"{name}={value}"
            for name, value in ((f.name, getattr(rep, f.name)) for f in dataclasses.fields(rep))
            if isinstance(value, float) and not math.isfinite(value)
        ]
        if bad:
            raise AssertionError(f"rep {rep.number} has non-finite numbers: {bad}")
    if noise_only and doc["reps"]:
        raise AssertionError(f"{len(doc['reps'])} reps counted in pure noise")
    return "reps" if doc["reps"] else "zero"


def _keep(path: Path, folder: Path | None) -> None:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / path.name).write_bytes(path.read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="copy every failing input into this folder")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    counts = dict.fromkeys(("tried", "error", "zero", "reps", "traceback", "made_up"), 0)
    worst = (0, "")
    failures: list[str] = []
    started = time.perf_counter()
    warnings.simplefilter("error")  # a numpy RuntimeWarning counts as a traceback
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeds = seed_files(folder)
        for k in range(args.cases):
            kind = rnd.choice(sorted(seeds))
            text = seeds[kind].read_text()
            noise_only = rnd.random() < 0.15
            if noise_only:
                scale = {"keypoints": 300.0, "encoder": 30.0, "imu": 5.0}[kind]
                text = noise(text, rnd.randrange(10**6), scale=scale)
            else:
                for _ in range(rnd.randint(1, 3)):
                    text = mutate(text, lambda n: rnd.randrange(max(n, 1)), rnd.choice)
            path = folder / f"case{k}{seeds[kind].suffix}"
            path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
            tracemalloc.start()
            try:
                counts[run_case(path, noise_only=noise_only)] += 1
            except AssertionError as err:
                _keep(path, args.keep)
                counts["made_up"] += 1
                failures.append(f"{kind} case {k}: {err}")
            except Exception as err:  # noqa: BLE001 - counting what escapes is the point
                _keep(path, args.keep)
                counts["traceback"] += 1
                where = traceback.extract_tb(err.__traceback__)[-1]
                failures.append(
                    f"{kind} case {k}: {type(err).__name__}: {err}"
                    f" ({Path(where.filename).name}:{where.lineno})"
                )
            finally:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            counts["tried"] += 1
            if peak > worst[0]:
                worst = (peak, f"{kind} case {k}")
            path.unlink()
    elapsed = time.perf_counter() - started
    print(
        f"inputs tried {counts['tried']}, typed errors {counts['error']}, honest 0-rep results"
        f" {counts['zero']}, results with reps {counts['reps']}, tracebacks {counts['traceback']},"
        f" made-up reps {counts['made_up']}; peak memory of the worst case"
        f" {worst[0] / 2**20:.1f} MiB ({worst[1]}); {elapsed:.0f} s"
    )
    for line in failures[:20]:
        print("  ", line)


if __name__ == "__main__":
    main()
