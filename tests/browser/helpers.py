"""Steps shared by the browser journeys."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from app.extensions import db
from tests.conftest import PASSWORD, TOTP_SECRET, authenticator_code
from workflows.dossier import STEPS


def sign_in(page, base_url: str, email: str, password: str = PASSWORD, secret: str = TOTP_SECRET) -> None:
    page.goto(base_url + "/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    type_code_if_asked(page, email, secret)


def type_code_if_asked(page, email: str, secret: str = TOTP_SECRET) -> None:
    """After the password: the code of the account's authenticator (pyotp at the clock's time), when
    the page asks for it, as the person would read it on their phone."""
    if urlsplit(page.url).path != "/connexion/code":
        return
    code = authenticator_code(email, secret)
    db.session.commit()  # the read ends here: the server's transactions must not wait for it
    page.locator("#code").fill(code)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()


def tick(page, control) -> None:
    """Click the label of a checkbox or radio button: DSFR draws the label over the input."""
    page.locator(f'label[for="{control.get_attribute("id")}"]').click()


def fill(page, values: dict) -> None:
    """Type each form value as a person would: tick boxes and radios, pick options, type text."""
    for name, value in values.items():
        control = page.locator(f'[name="{name}"]')
        if name.startswith("attestation_"):
            tick(page, control)
        elif isinstance(value, list) or control.first.get_attribute("type") == "radio":
            for choice in value if isinstance(value, list) else [value]:
                tick(page, page.locator(f'[name="{name}"][value="{choice}"]'))
        elif control.evaluate("node => node.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def fill_steps(page, values: dict) -> None:
    """From the dossier's step on screen, type ``values`` step by step: each field on the step that shows
    it, then « Enregistrer et continuer »; it ends on the last step, its fields typed but not saved."""
    while True:
        fill(page, {name: value for name, value in values.items() if page.locator(f'[name="{name}"]').count()})
        button = page.get_by_role("button", name="Enregistrer et continuer")
        if not button.count():
            return
        with page.expect_navigation():
            button.click()


def on_step(page, number: int) -> None:
    """Wait until the dossier's step ``number`` is the page shown (a step button navigates)."""
    expect(page.locator(".fr-stepper__state")).to_have_text(f"Étape {number} sur {len(STEPS)}")
    assert re.search(rf"/etape/{number}(#|$)", page.url)
