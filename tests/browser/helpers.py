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
