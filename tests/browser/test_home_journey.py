"""A visitor reads the rules in French, switches to English, and an organiser signs in and out."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.extensions import db
from app.models import Region
from tests.browser.helpers import type_code_if_asked
from tests.conftest import PASSWORD
from workflows.states import Role


def test_visitor_reads_rules_and_switches_language(page, shot, live_server, edition):
    page.goto(live_server + "/")

    expect(page.locator("h1")).to_have_text("Semaine de la sécurité des patients 2017")
    expect(page.get_by_text("Avant le dimanche 15 octobre 2017 à minuit, heure de Paris.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Il reste 14\s+jours et 14\s+heures\."))).to_be_visible()
    shot("accueil")
    page.locator('a[hreflang="en"]:visible').click()

    expect(page.get_by_role("heading", name="Who may apply?")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    shot("home-en")


def test_countdown_follows_the_minutes_without_reloading(page, live_server, edition):
    page.clock.install()  # the browser's timers run only when the test says so
    page.goto(live_server + "/")
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"Il reste 14\s+jours et 14\s+heures\."))

    page.clock.run_for(60_000)

    expect(countdown).to_have_text(re.compile(r"Il reste 14\s+jours et 13\s+heures\."))


def test_organiser_signs_in_sees_region_then_signs_out(page, shot, live_server, edition, make_user, settle):
    email = make_user(Role.REGIONAL_ORGANISER, region="HDF").email
    region_id = db.session.scalar(db.select(Region.id).filter_by(code="HDF"))
    settle()

    page.goto(f"{live_server}/ars/{region_id}")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    type_code_if_asked(page, email)  # then back to the page asked for

    expect(page.get_by_role("heading", name="Tableau de bord : Hauts-de-France")).to_be_visible()
    shot("tableau-de-bord")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto(f"{live_server}/ars/{region_id}")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


INJECT_INLINE_SCRIPT = """() => new Promise((refused) => {
  document.addEventListener("securitypolicyviolation", (event) => refused(event.violatedDirective), {once: true});
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.body.append(script);
})"""


def test_policy_refuses_an_injected_script_and_the_watch_reports_it(page, live_server, edition, csp_violations):
    page.goto(live_server + "/")
    # The design system's scripts, served by the app, run under the policy: they mark the page.
    expect(page.locator("html")).to_have_attribute("data-fr-js", "true")

    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        directive = page.evaluate(INJECT_INLINE_SCRIPT)

    assert (directive, page.evaluate("window.injected")) == ("script-src-elem", None)
    event, console = sorted(csp_violations, reverse=True)
    assert event == f"script-src-elem refused inline in {live_server}/"
    assert console.startswith("console: Executing inline script violates the following Content Security Policy")
    csp_violations.clear()  # expected here; any other journey ending with one fails
