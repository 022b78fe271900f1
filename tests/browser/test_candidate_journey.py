"""A new candidate registers, fills the dossier step by step (following the links of the missing
items), attaches three files (a fourth is refused), submits and downloads the receipt: in Debian's
Chromium, against the real server and SMTP, on a computer and on a phone (375 px)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.extensions import db
from app.models import Candidature
from tests.app.test_dossier import complete_form
from tests.browser.accessibility import HEIGHT, assert_accessible
from tests.browser.helpers import fill, fill_steps, on_step, sign_in
from workflows.dossier import STEPS, dossier_key

EMAIL = "claire.dupont@example.org"
PASSWORD = "une phrase de passe sûre"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def fill_step(page, number: int) -> None:
    """Type the fields of step ``number`` as a person would, from the same values as the app tests."""
    fill(page, {name: value for name, value in complete_form().items()
                if dossier_key(name) in STEPS[number - 1].keys})


def fill_dossier(page) -> None:
    """From the first step, type the whole dossier step by step; it ends on the last step, not yet saved."""
    fill_steps(page, complete_form())


def attach(page, name: str, content: bytes, mime: str) -> None:
    page.locator('input[type="file"]').last.set_input_files({"name": name, "mimeType": mime, "buffer": content})
    page.get_by_role("button", name="Ajouter la pièce jointe").click()


@pytest.mark.parametrize("width", [1280, 375])
def test_candidate_registers_fills_attaches_submits_and_downloads_receipt(page, shot, live_server, edition,
                                                                            smtp_server, app, settle, width):
    page.set_viewport_size({"width": width, "height": HEIGHT})
    settle()
    page.goto(live_server + "/connexion")
    page.get_by_role("link", name="Créer un compte").click()
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirmation").fill(PASSWORD)
    shot("inscription")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Si l’adresse est valide")).to_be_visible()

    link = smtp_server.wait_for(EMAIL)[0].link(app.config["BASE_URL"])
    page.goto(live_server + link)
    with page.expect_navigation():  # before the next goto, which would cancel it
        page.get_by_role("button", name="Confirmer mon adresse").click()
    sign_in(page, live_server, EMAIL, PASSWORD)

    expect(page.get_by_role("heading", name="Mes candidatures")).to_be_visible()
    page.get_by_label("Région (agence régionale de santé)").select_option(label="Hauts-de-France")
    page.get_by_role("button", name="Créer un dossier").click()
    for number in range(1, len(STEPS)):
        on_step(page, number)
        fill_step(page, number)
        shot(f"etape-{number}")
        assert_accessible(page)
        page.get_by_role("button", name="Enregistrer et continuer").click()
        expect(page.get_by_text("Votre dossier est enregistré.")).to_be_visible()
    on_step(page, len(STEPS))
    page.get_by_role("button", name="Étape précédente").click()  # back, and forth: what was typed is there
    on_step(page, len(STEPS) - 1)
    expect(page.locator('[name="answer_securite"]')).to_have_value(complete_form()["answer_securite"])
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # The last step lists what is missing, each item a link to its field, which takes the focus.
    missing = page.locator(".fr-callout", has_text="Pour déposer votre candidature, il manque")
    expect(missing.get_by_role("link")).to_have_count(2)
    missing.get_by_role("link").first.click()
    expect(page.locator("#attestation_non_commercial")).to_be_focused()
    shot("etape-depot")
    assert_accessible(page)
    fill_step(page, len(STEPS))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Votre dossier est enregistré.")).to_be_visible()
    expect(page.get_by_text("Pour déposer votre candidature, il manque")).to_have_count(0)

    page.get_by_role("link", name="Gérer les pièces jointes").click()
    attach(page, "Bilan 2017 – évaluation.pdf", PDF, "application/pdf")
    attach(page, "affiche.png", PNG, "image/png")
    second_tab = page.context.new_page()  # opened while a slot is still free
    second_tab.goto(page.url)
    attach(page, "article de presse.pdf", PDF, "application/pdf")
    expect(page.get_by_text("3 sur 3 pièces jointes.")).to_be_visible()
    expect(page.get_by_text("3 pièces jointes maximum : remplacez ou supprimez un fichier")).to_be_visible()
    shot("pieces-jointes")
    attach(second_tab, "quatrième.pdf", PDF, "application/pdf")
    expect(second_tab.get_by_role("alert")).to_contain_text("3 pièces jointes maximum")
    shot("quatrieme-refusee", second_tab)

    page.get_by_role("link", name=complete_form()["title"], exact=True).click()  # back to the last step
    on_step(page, len(STEPS))
    page.get_by_role("button", name="Enregistrer et déposer ma candidature").click()
    expect(page.get_by_text("Votre candidature est déposée. Récépissé n°")).to_be_visible()
    shot("deposee")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le récépissé (PDF)").click()

    settle()
    candidature = db.session.scalars(db.select(Candidature)).one()
    receipt = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert candidature.state == "submitted"
    assert [a.display_name for a in candidature.attachments] == [
        "Bilan 2017 – évaluation.pdf", "affiche.png", "article de presse.pdf"]
    assert candidature.receipt_number in receipt
    assert "Bilan 2017 – évaluation.pdf" in receipt or "Bilan 2017" in receipt
    number = candidature.receipt_number
    settle()  # on SQLite the read above would keep the sender of the receipt waiting
    assert smtp_server.wait_for(EMAIL, subject=f"Récépissé de dépôt — {number}")
