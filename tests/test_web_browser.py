"""The web app in a real browser: headless Chromium driven by Playwright against a real
Uvicorn server on 127.0.0.1.

Skipped when Chromium (``/usr/bin/chromium``; ``scripts/install-system-deps`` installs
it) or the ``playwright`` package is missing; Playwright's own browser download is never
used. Screenshots go to the test's temporary folder; set ``EXTENSOR_SCREENSHOT_DIR`` to
keep them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _browser import chromium_page, keep_screenshots, requires_chromium
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import write_extensor_csv
from extensor.web._testing import LocalServer

pytest.importorskip("fastapi", reason="needs the web extra: pip install 'extensor[web]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (the dev extra)")

pytestmark = requires_chromium
#: Milliseconds the browser waits for an analysis of a short keypoint file.
ANALYSIS_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def set_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five good reps, then two lowered in under a second: the page must show a tempo cue."""
    reps = [RepSpec()] * 5 + [RepSpec(lower_s=0.8)] * 2
    s = synthetic_set(reps, noise_deg=0.3, keypoints=True, seed=11)
    assert s.keypoints is not None
    return write_extensor_csv(s.keypoints, tmp_path_factory.mktemp("set") / "monday-set.csv")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("data")) as running:
        yield running


@pytest.fixture(scope="module")
def page(shots: Path) -> Iterator[Any]:
    with chromium_page() as tab:
        yield tab
    keep_screenshots(shots)


def test_upload_analyse_and_read_the_report(
    page: Any, server: LocalServer, set_file: Path, shots: Path
) -> None:
    """Upload a keypoint set through the form, watch it finish, read the cues, open the
    report and find its trunk-angle plot; the page survives a reload while it runs."""
    page.goto(server.url + "/analyse")
    page.select_option("select[name=goal]", "hypertrophy")
    page.click("summary")
    page.fill("input[name=load]", "20kg")
    page.set_input_files("#file", str(set_file))
    page.screenshot(path=str(shots / "web-upload.png"))
    page.click("#upload-button")
    page.wait_for_url("**/jobs/*")
    job_url = page.url
    page.reload()
    assert page.url == job_url
    try:
        page.wait_for_selector("#report-link", timeout=ANALYSIS_TIMEOUT_MS)
    except sync_api.TimeoutError:
        raise AssertionError(
            f"no report link after {ANALYSIS_TIMEOUT_MS} ms; page:\n{page.inner_text('main')}\n"
            f"server log:\n{server.log()}"
        ) from None
    assert "7 reps" in page.inner_text("#job-title")
    cues = page.inner_text("#cues")
    assert "Reps 6-7" in cues
    assert "hypertrophy target" in cues
    assert "Next set" in page.inner_text("#verdict")
    page.screenshot(path=str(shots / "web-job.png"), full_page=True)
    page.click("#report-link")
    page.wait_for_load_state()
    assert page.url.endswith("/report.html")
    assert page.locator("svg").count() >= 2
    assert "Reps 6-7" in page.inner_text("body")
    page.screenshot(path=str(shots / "web-report.png"))
    assert not page.console_errors, page.console_errors


def test_history_shows_the_logged_set_as_a_chart(
    page: Any, server: LocalServer, shots: Path
) -> None:
    """The set logged with the upload appears in the history table and chart."""
    page.goto(server.url + "/history")
    assert page.locator("#history-chart svg").count() == 1
    assert "20 kg" in page.inner_text("#history")
    page.fill("input[name=load]", "22.5kg")
    page.fill("input[name=reps]", "12")
    page.fill("input[name=day]", "2024-06-01")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    assert "2024-06-01" in page.inner_text("#history")
    page.screenshot(path=str(shots / "web-history.png"), full_page=True)


def test_guide_plan_and_next_pages(page: Any, server: LocalServer, shots: Path) -> None:
    """The guide follows the variant, the plan builder builds, the next page advises."""
    page.goto(server.url + "/guide?variant=roman_chair")
    assert "Roman chair" in page.inner_text("article.guide")
    page.goto(server.url + "/plan")
    page.select_option("select[name=goal]", "strength")
    page.fill("input[name=weeks]", "6")
    page.click("form.toolbar button")
    page.wait_for_load_state()
    assert page.locator("#plan tbody tr").count() == 6
    page.goto(server.url + "/next")
    assert page.locator("#advice h2").inner_text().strip()
    page.screenshot(path=str(shots / "web-next.png"), full_page=True)
    assert not page.console_errors, page.console_errors


def test_a_wrong_file_shows_a_clear_message(page: Any, server: LocalServer, tmp_path: Path) -> None:
    """A PNG named like a CSV is refused on the page with a readable reason."""
    fake = tmp_path / "set.csv"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    page.goto(server.url + "/analyse")
    page.set_input_files("#file", str(fake))
    page.click("#upload-button")
    page.wait_for_selector("#upload-error")
    assert "not supported" in page.inner_text("#upload-error")
