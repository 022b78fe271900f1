"""Every page passes axe (no critical or serious violation of WCAG 2.1 A/AA) on a computer and a phone.

At each demo stage, each demo login signs in in Chromium; the pages it reaches by links from its
landing page are listed by the crawl of tests/app/test_crawl.py (run with the browser's session),
then each page is shown at 1280 and at 375 pixels wide, checked by axe and photographed: the
screenshots are kept in test-artifacts/screenshots/ (or under TEST_ARTIFACTS) for people to look at.
Each page (an endpoint) is checked where it first appears, and all again once the results are out,
when every table is full.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from app.demo import build, cast
from tests.app.test_crawl import LATER, NOW, SEARCHES, STAGE_DAYS, VISITORS, crawl
from tests.browser.accessibility import HEIGHT, WIDTHS, axe_version, blocking
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import type_code_if_asked

SCREENSHOTS = ARTIFACTS / "screenshots"
FULL = list(STAGE_DAYS)[-1]  # the stage where every page has all its rows


def test_every_page_has_no_serious_accessibility_problem_on_a_computer_and_a_phone(new_context, live_server, app,
                                                                                     clock, settle):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []

    def check(page, name: str) -> None:
        """axe at each width, with a full-page screenshot named after ``name``."""
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            problems.extend(f"{name} at {width} px: {problem}" for problem in blocking(page))
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True, caret="initial")

    def sign_in(page, account: str, stage: str, checked: set[str]) -> str:
        """Sign ``account`` in through the forms (the second factor's page checked too); its landing page."""
        email = cast.email(account)
        page.goto(live_server + "/connexion")
        page.locator("#email").fill(email)
        page.locator("#password").fill(cast.PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        if urlsplit(page.url).path == "/connexion/code" and "mfa.code" not in checked:
            checked.add("mfa.code")
            check(page, f"{stage}-{account}-mfa.code")
        type_code_if_asked(page, email, cast.TOTP_SECRET)
        return urlsplit(page.url).path

    def walk(stage: str, accounts, checked: set[str]) -> None:
        settle()
        for account in accounts:
            page = new_context(viewport={"width": WIDTHS[0], "height": HEIGHT}).new_page()
            start = sign_in(page, account, stage, checked) if account else "/"
            client = app.test_client()  # the crawl, as the person the browser signed in
            for cookie in page.context.cookies():
                client.set_cookie(cookie["name"], cookie["value"])
            for begin in [start, *SEARCHES.get(account, [])]:
                for endpoint, url in crawl(app, client, begin).pages.items():
                    if endpoint not in checked:
                        checked.add(endpoint)
                        settle()
                        page.goto(live_server + url)
                        check(page, f"{stage}-{account or 'public'}-{endpoint}")
            page.context.close()

    checked: set[str] = set()
    for stage, day in STAGE_DAYS.items():
        clock.set(NOW + timedelta(days=day))
        build(stage, clock())
        if stage == FULL:
            checked = set()
        walk(stage, VISITORS, checked)
        if stage in LATER:
            later, accounts = LATER[stage]
            clock.advance(timedelta(hours=2))
            later(clock)
            walk(stage, accounts, checked)

    assert not problems, "axe finds critical or serious problems:\n" + "\n".join(problems)


def test_the_accessibility_statement_describes_the_checks_these_tests_run(client):
    statement = client.get("/accessibilite").get_data(as_text=True)

    assert "non conforme" in statement and "aucun audit de conformité" in statement
    assert f"axe-core {axe_version()}" in statement
    assert all(f"{width} pixels" in statement for width in WIDTHS)
