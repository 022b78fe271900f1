"""Steps shared by the browser journeys."""

from __future__ import annotations

from tests.conftest import PASSWORD


def sign_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Se connecter").click()


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
