"""Real-browser fixtures: Debian's Chromium driven by Playwright (``live_server`` serves the app).

Browsers cannot be downloaded here: Playwright launches /usr/bin/chromium (installed by
``make test``). A missing browser fails the tests, it never skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from app.extensions import db

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# Without these, Chromium tries to reach Google's services, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test`, which installs Debian's chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test."""
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def shot(page, request):
    """``shot(name)`` keeps a numbered full-page screenshot (of ``target``, default the page) as an artefact."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    steps = iter(range(1, 100))

    def take(name: str, target=None) -> None:
        (target or page).screenshot(path=str(folder / f"{next(steps):02d}-{name}.png"), full_page=True)

    return take


@pytest.fixture
def settle():
    """End the test's own transaction before the browser acts (SQLite serialises transactions).

    Read what the test needs before calling it: touching a row afterwards reloads it and opens
    a new transaction that would make the server wait.
    """

    def settle_() -> None:
        db.session.commit()

    return settle_
