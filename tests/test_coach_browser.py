"""The report renders in a real browser: headless Chromium, driven by its command line.

Skipped when no ``chromium`` is installed (``scripts/install-system-deps`` installs it).
The screenshot is kept in the test's temporary folder; set ``EXTENSOR_SCREENSHOT_DIR``
to copy it somewhere to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from _browser import ARGS, CHROMIUM, requires_chromium
from extensor._analysis import run_analysis
from extensor._example import example_set
from extensor.coach import coach_set, write_report
from extensor.knowledge import load_exercise

pytestmark = requires_chromium
WINDOW = (1280, 2400)
#: Seconds the browser may take for one page.
BROWSER_TIMEOUT_S = 90
#: A blank page's screenshot is a few KB; a drawn report is far larger.
MIN_SCREENSHOT_BYTES = 60_000


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", *ARGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, check=False
    )


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ex = load_exercise()
    kp = example_set().keypoints
    assert kp is not None
    run = run_analysis(kp, goal="hypertrophy", variant="45_degree_bench", exercise=ex)
    folder = tmp_path_factory.mktemp("report")
    files = write_report(
        folder / "example-report.html",
        run.result,
        coach_set(run.result, exercise=ex),
        exercise=ex,
        motion=run.motion,
    )
    return files.report


def test_browser_dom_has_the_plot_the_markers_and_the_rep_table(
    report_file: Path, tmp_path: Path
) -> None:
    done = chromium(tmp_path / "profile", "--dump-dom", report_file.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert '<svg class="angle-plot"' in dom
    assert len(re.findall(r'class="fault-marker"', dom)) == 5
    assert len(re.findall(r'<tr class="rep-row', dom)) == 8
    assert '<svg class="tempo-bars"' in dom
    assert "Finish tall and straight, then stop." in dom


def test_browser_screenshot_of_the_report_is_drawn(report_file: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = chromium(
        tmp_path / "profile",
        f"--screenshot={shot}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        report_file.as_uri(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == WINDOW
    assert len(data) > MIN_SCREENSHOT_BYTES
    keep = os.environ.get("EXTENSOR_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "report.png")
