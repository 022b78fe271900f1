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
# What the tests keep for people to look at (screenshots): test-artifacts/, or where TEST_ARTIFACTS says.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
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


# Every page reports what the Content-Security-Policy refused: the event carries inline code and
# sources, the console also what no event reports (a header the browser could not read).
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => window.reportCspViolation(
  `${event.violatedDirective} refused ${event.blockedURI} in ${event.documentURI}`));
"""
POLICY_MESSAGES = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@pytest.fixture
def csp_violations():
    """What the browser refused under the app's policies during the test: a journey ends with none."""
    violations: list[str] = []
    yield violations
    assert violations == [], "the pages broke their own security policy"


@pytest.fixture
def new_context(browser, csp_violations):
    """``new_context(**options)``: a browser context (French by default) whose pages are watched for
    policy violations, closed at the end of the test."""
    contexts = []

    def report(text: str) -> None:
        csp_violations.append(text)

    def read_console(message) -> None:
        if any(words in message.text for words in POLICY_MESSAGES):
            report(f"console: {message.text}")

    def open_context(**options):
        context = browser.new_context(**({"locale": "fr-FR"} | options))
        context.expose_function("reportCspViolation", report)
        context.add_init_script(CSP_WATCH)
        context.on("console", read_console)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A fresh browser context per test."""
    return new_context(accept_downloads=True).new_page()


@pytest.fixture
def shot(page, request):
    """``shot(name)`` keeps a numbered full-page screenshot (of ``target``, default the page) as an artefact."""
    folder = ARTIFACTS / "browser" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    steps = iter(range(1, 100))

    def take(name: str, target=None) -> None:
        # caret="initial": Playwright would otherwise hide carets with a style attribute on every
        # input, which the design system's header then copies as HTML into its mobile menu while
        # the full-page shot resizes the window: an inline style the policy rightly refuses.
        (target or page).screenshot(path=str(folder / f"{next(steps):02d}-{name}.png"), full_page=True,
                                    caret="initial")

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
