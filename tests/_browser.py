"""Headless Chromium for the browser tests: where it is, the flags every test runs it
with, and one page that records its console errors.

The system's Chromium is used (``scripts/install-system-deps`` installs it), never
Playwright's own download. ``EXTENSOR_SCREENSHOT_DIR`` keeps a test's screenshots.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
#: Marks a test (or a module's ``pytestmark``) as needing Chromium.
requires_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/install-system-deps installs it)"
)
#: A quiet, offline browser: no sandbox (root in CI), no GPU, no network of its own.
ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip
VIEWPORT = {"width": 1100, "height": 900}


@contextmanager
def chromium_page(
    *, extra_args: Sequence[str] = (), viewport: dict[str, int] | None = None
) -> Iterator[Any]:
    """A new page in headless Chromium; ``page.console_errors`` lists the console's errors."""
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra_args])
        context = browser.new_context(viewport=viewport or VIEWPORT)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors
        try:
            yield page
        finally:
            context.close()
            browser.close()


def keep_screenshots(folder: Path) -> None:
    """Copy the ``*.png`` of ``folder`` to ``EXTENSOR_SCREENSHOT_DIR`` when it is set."""
    keep = os.environ.get("EXTENSOR_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in folder.glob("*.png"):
            shutil.copy(shot, Path(keep) / shot.name)
