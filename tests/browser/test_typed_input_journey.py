"""What a candidate types is never lost: a refused step shows it again with why, a refused submission
leads by links to the missing fields, and two tabs editing the same step show both versions instead
of losing either."""

from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.models import Candidature
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import on_step, sign_in
from workflows.dossier import STEPS
from workflows.states import Role

SUMMARY = "Des usagers et des soignants écrivent ensemble le livret de sortie."
DESCRIPTION = "Depuis 2016, la commission des usagers et l’équipe de chirurgie…\nDeuxième ligne."


def open_new_dossier(page, live_server: str, email: str) -> None:
    sign_in(page, live_server, email)
    page.get_by_label("Région (agence régionale de santé)").select_option(label="Hauts-de-France")
    page.get_by_role("button", name="Créer un dossier").click()
    expect(page.get_by_text("Votre dossier est créé.")).to_be_visible()


def go_on(page, to: int) -> None:
    """Press « Enregistrer et continuer » until step ``to``."""
    while f"/etape/{to}" not in page.url:
        page.get_by_role("button", name="Enregistrer et continuer").click()
        expect(page.get_by_text("Votre dossier est enregistré.")).to_be_visible()


def test_typed_text_survives_a_refused_step_and_a_refused_submission(page, shot, live_server, edition, make_user,
                                                                     settle):
    email = make_user(Role.CANDIDATE).email
    settle()
    open_new_dossier(page, live_server, email)
    page.get_by_label("Nom de la structure ou du candidat", exact=True).fill("CH de Lens")
    page.get_by_label("Adresse électronique de contact", exact=True).fill("pas-une-adresse")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("alert")).to_contain_text("rien n’a été enregistré")
    expect(page.locator("#contact_email-error")).to_have_text("Adresse électronique invalide.")
    expect(page.get_by_label("Nom de la structure ou du candidat", exact=True)).to_have_value("CH de Lens")
    shot("etape-refusee")
    assert_accessible(page)  # the refusal's message, tied to its field
    page.get_by_label("Adresse électronique de contact", exact=True).fill("jeanne.martin@example.org")

    go_on(page, 3)
    page.get_by_label("Titre du projet", exact=True).fill("Patients traceurs de leur sortie")
    page.get_by_label("Résumé du projet", exact=True).fill(SUMMARY)
    go_on(page, len(STEPS))
    page.get_by_role("button", name="Enregistrer et déposer ma candidature").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Votre brouillon est enregistré, mais il ne peut pas encore être déposé")
    shot("depot-refuse")
    assert_accessible(page)

    # Each missing item of the refusal leads to its field, on its step, ready to be typed in.
    refusal.get_by_role("link", name="Élément manquant : la description du projet.").click()
    expect(page.get_by_label("Description du projet", exact=True)).to_be_focused()
    expect(page.locator("label[for=description]")).to_be_in_viewport()  # not scrolled off above the field
    expect(page.get_by_label("Résumé du projet", exact=True)).to_have_value(SUMMARY)
    page.keyboard.type(DESCRIPTION)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Votre dossier est enregistré.")).to_be_visible()
    page.get_by_role("button", name="Étape précédente").click()
    on_step(page, 3)  # the reload must not interrupt that navigation
    page.reload()
    shot("apres-rechargement")

    expect(page.get_by_label("Titre du projet", exact=True)).to_have_value("Patients traceurs de leur sortie")
    expect(page.get_by_label("Résumé du projet", exact=True)).to_have_value(SUMMARY)
    expect(page.get_by_label("Description du projet", exact=True)).to_have_value(DESCRIPTION)
    settle()
    candidature = db.session.scalars(db.select(Candidature)).one()
    assert (candidature.state, candidature.structure_name, candidature.summary) == ("draft", "CH de Lens", SUMMARY)
    assert candidature.description.splitlines() == DESCRIPTION.splitlines()  # the browser sends CRLF


def test_two_tabs_show_both_versions_and_saving_again_keeps_the_typed_one(page, shot, live_server, edition,
                                                                          make_user, settle):
    email = make_user(Role.CANDIDATE).email
    settle()
    open_new_dossier(page, live_server, email)
    go_on(page, 3)
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    other_tab.get_by_label("Titre du projet", exact=True).fill("Titre de l’autre onglet")
    other_tab.get_by_role("button", name="Enregistrer et continuer").click()
    expect(other_tab.get_by_text("Votre dossier est enregistré.")).to_be_visible()

    page.get_by_label("Titre du projet", exact=True).fill("Titre de ce premier onglet")
    page.get_by_label("Résumé du projet", exact=True).fill(SUMMARY)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce dossier a été modifié entre-temps")
    expect(page.get_by_label("Titre du projet", exact=True)).to_have_value("Titre de ce premier onglet")
    expect(page.locator("#title-stored")).to_have_text("Version enregistrée : Titre de l’autre onglet")
    shot("conflit")
    assert_accessible(page)

    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Votre dossier est enregistré.")).to_be_visible()
    page.get_by_role("button", name="Étape précédente").click()

    expect(page.get_by_label("Titre du projet", exact=True)).to_have_value("Titre de ce premier onglet")
    expect(page.get_by_label("Résumé du projet", exact=True)).to_have_value(SUMMARY)
    settle()
    assert db.session.scalar(db.select(Candidature.title)) == "Titre de ce premier onglet"
