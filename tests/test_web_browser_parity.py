"""In a real browser (headless Debian Chromium, never Playwright's download): an encoder
CSV uploaded with its angle zero has past neutral judged, and two logged sets compare.

Screenshots go to the test's temporary folder; ``EXTENSOR_SCREENSHOT_DIR`` keeps them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from extensor.core._synthetic import RepSpec, synthetic_set

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (the dev extra)")

from _browser import chromium_page, keep_screenshots, requires_chromium  # noqa: E402
from extensor.web._testing import LocalServer  # noqa: E402

pytestmark = requires_chromium
ANALYSIS_TIMEOUT_MS = 60_000
#: The encoder reads 30 deg at neutral; reps 5-6 go 15 deg past it.
ZERO_DEG = 30.0
SPECS = [RepSpec()] * 4 + [RepSpec(top_deg=15.0)] * 2


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def encoder_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    m = synthetic_set(SPECS, noise_deg=0.1, seed=3).motion
    angle = np.asarray(m.data["extension"]) + ZERO_DEG
    path = tmp_path_factory.mktemp("enc") / "lever-encoder.csv"
    rows = [f"{t:.4f},{a:.4f}" for t, a in zip(m.time, angle, strict=True)]
    path.write_text("time,angle_deg\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("data")) as running:
        yield running


@pytest.fixture(scope="module")
def page(shots: Path) -> Iterator[Any]:
    with chromium_page() as tab:
        yield tab
    keep_screenshots(shots)


def _upload(page: Any, server: LocalServer, path: Path, load: str) -> str:
    page.goto(server.url + "/analyse")
    page.click("#recording-options summary")
    page.fill("#angle_zero", str(ZERO_DEG))
    page.click("text=Also add this set to my training log")
    page.fill("input[name=load]", load)
    page.fill("input[name=day]", "2024-05-01")
    page.set_input_files("#file", str(path))
    page.click("#upload-button")
    page.wait_for_url("**/jobs/*")
    try:
        page.wait_for_selector("#report-link", timeout=ANALYSIS_TIMEOUT_MS)
    except sync_api.TimeoutError:
        raise AssertionError(
            f"no result after {ANALYSIS_TIMEOUT_MS} ms:\n{page.inner_text('main')}\n{server.log()}"
        ) from None
    return str(page.url)


def test_encoder_upload_with_angle_zero_judges_past_neutral(
    page: Any, server: LocalServer, encoder_file: Path, shots: Path
) -> None:
    """The form's angle zero reaches the encoder reader: reps 5-6 are flagged past neutral,
    and the numbers (velocity loss, smoothness) are on the page."""
    _upload(page, server, encoder_file, "40kg")
    assert "6 reps" in page.inner_text("#job-title")
    text = page.inner_text("#job")
    assert "Reps 5-6" in text, text
    assert "past neutral" in text.lower() or "neutral line" in text.lower(), text
    assert "%" in page.inner_text("#velocity-loss") or "not measured" in page.inner_text(
        "#velocity-loss"
    )
    assert "-" in page.inner_text("#smoothness")
    page.screenshot(path=str(shots / "web-encoder-past-neutral.png"), full_page=True)
    assert not page.console_errors, page.console_errors


def test_compare_two_logged_sets(
    page: Any, server: LocalServer, encoder_file: Path, shots: Path
) -> None:
    """A second set at 95 lb, then the comparison page: loads in kg, past neutral per set."""
    _upload(page, server, encoder_file, "95lb")
    page.click("#compare-link")
    page.wait_for_load_state()
    options = page.locator("select[name=a] option").all_inner_texts()
    logged = [o for o in options if o.startswith("logged set")]
    assert len(logged) == 2, options
    page.select_option("select[name=a]", label=logged[1])
    page.select_option("select[name=b]", label=logged[0])
    page.click("#compare-form button")
    page.wait_for_selector("#comparison")
    table = page.inner_text("#comparison")
    assert "40 kg" in table
    assert "43.09 kg" in table
    assert page.inner_text("tr[data-key=past_neutral]").split()[-2:] == ["2", "+0"]
    page.screenshot(path=str(shots / "web-compare.png"), full_page=True)
    assert not page.console_errors, page.console_errors
