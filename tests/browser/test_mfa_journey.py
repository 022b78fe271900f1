"""An organiser enrols their authenticator at first sign-in, signs out, and signs in with a code."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.extensions import db
from app.mfa.codes import code_at, step_at
from app.models import AuditEntry, Region, User
from tests.browser.helpers import type_code_if_asked
from tests.conftest import PASSWORD
from workflows.states import Role


def test_organiser_enrols_by_reading_the_key_then_signs_in_with_a_code(page, shot, live_server, edition, make_user,
                                                                       settle, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF", second_factor=False)
    email, region_id = organiser.email, db.session.scalar(db.select(Region.id).filter_by(code="HDF"))
    settle()

    page.goto(f"{live_server}/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    qr = page.locator("img.concours-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # drawn: the policy let the data: SVG in
    shot("activation")
    page.goto(f"{live_server}/ars/{region_id}")  # no staff page before the enrolment
    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()

    secret = page.locator("#cle-secrete").inner_text().replace(" ", "")  # typed by hand, as without a camera
    page.get_by_label("Code à 6 chiffres affiché par l’application").fill(code_at(secret, step_at(clock())))
    page.get_by_role("button", name="Activer", exact=True).click()
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    recovery = page.locator(".concours-recovery-codes code").all_inner_texts()
    assert len(recovery) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in recovery)
    page.get_by_role("link", name="J’ai noté mes codes").click()
    expect(page.get_by_text("Activée", exact=True)).to_be_visible()
    expect(page.get_by_text("Il vous reste 10 codes de secours.")).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto(f"{live_server}/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Double authentification")).to_be_visible()
    shot("code")
    type_code_if_asked(page, email, secret)  # the next step's code: the enrolment used this one

    expect(page.get_by_role("heading", name="Tableau de bord : Hauts-de-France")).to_be_visible()
    settle()
    user = db.session.scalar(db.select(User).filter_by(email=email))
    assert (user.mfa_secret, user.mfa_last_step) == (secret, step_at(clock()) + 1)
    assert db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action.startswith("user."))
                              .order_by(AuditEntry.id)).all()[1:] == [
        "user.login", "user.mfa_enrol", "user.logout", "user.login"]
