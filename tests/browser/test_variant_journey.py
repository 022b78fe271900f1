"""A variant edition in Chromium: the candidate reads its rules on the home page, answers its five
criteria and attaches its two files; a juror marks on its 1–10 scale; the ARS picks a third project."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.jury.juries import Jury
from app.jury.operations import declare_conflict, save_scoresheet
from app.models import Candidature, RegionalPick, Scoresheet
from tests import factories
from tests.app.test_variant_edition import CRITERIA, DEADLINE, MARKS, dossier_form
from tests.browser.helpers import fill_steps, sign_in, tick
from workflows.states import Role

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def attach(page, name: str) -> None:
    page.locator('input[type="file"]').last.set_input_files({"name": name, "mimeType": "application/pdf",
                                                             "buffer": PDF})
    page.get_by_role("button", name="Ajouter la pièce jointe").click()


def test_variant_edition_journey(browser, page, shot, live_server, settle, variant_edition, make_user, clock):
    hdf = next(region for region in variant_edition.regions if region.code == "HDF")
    candidate, ars = make_user(Role.CANDIDATE), make_user(Role.REGIONAL_ORGANISER, region="HDF")
    alice, bruno = make_user(Role.REGIONAL_JUROR, region="HDF"), make_user(Role.REGIONAL_JUROR, region="HDF")
    others = {title: factories.candidature(variant_edition, make_user(Role.CANDIDATE), at=clock(), state="submitted",
                                           title=title, structure_name=f"Structure {title}") for title in "QRS"}
    db.session.add_all(others.values())
    emails = candidate.email, ars.email, alice.email
    region_id = hdf.id
    settle()

    # The candidate: the variant's rules on the home page, its criteria in the dossier, two files at most.
    sign_in(page, live_server, emails[0])
    page.goto(live_server + "/")
    expect(page.get_by_text("« Faire des patients les acteurs de leur propre sécurité »")).to_be_visible()
    expect(page.get_by_text("lundi 29 octobre 2018 à 12 h", exact=False).first).to_be_visible()
    shot("accueil")
    page.goto(live_server + "/candidatures")
    page.get_by_label("Région (agence régionale de santé)").select_option(label="Hauts-de-France")
    page.get_by_role("button", name="Créer un dossier").click()
    fill_steps(page, dossier_form())
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Votre dossier est enregistré.")).to_be_visible()
    page.get_by_role("link", name="Les critères du concours").click()
    expect(page.get_by_text("Évaluation des effets du projet").first).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Gérer les pièces jointes").click()
    attach(page, "bilan.pdf")
    attach(page, "affiche.pdf")
    expect(page.get_by_text("2 sur 2 pièces jointes.")).to_be_visible()
    expect(page.get_by_text("2 pièces jointes maximum : remplacez ou supprimez un fichier")).to_be_visible()
    shot("deux-pieces-jointes")
    page.locator("main a.fr-icon-arrow-left-line").click()  # back to the dossier's last step
    page.get_by_role("button", name="Enregistrer et déposer ma candidature").click()
    expect(page.get_by_text("Votre candidature est déposée. Récépissé n°")).to_be_visible()

    # After the deadline the ARS opens the jury; Bruno's sheets and Alice's on Q, R and S are in.
    clock.set(DEADLINE + timedelta(days=1))
    ars_page = browser.new_context(locale="fr-FR").new_page()
    sign_in(ars_page, live_server, emails[1])
    ars_page.goto(f"{live_server}/ars/{region_id}")
    ars_page.get_by_role("button", name="Ouvrir le jury régional").click()
    expect(ars_page.get_by_text("Le jury régional est ouvert")).to_be_visible()
    settle()
    mine = db.session.scalars(db.select(Candidature).filter_by(owner_id=candidate.id)).one()
    jury = Jury.of_region(hdf)
    for juror, dossiers in ((bruno, [*others.values(), mine]), (alice, others.values())):
        for dossier in dossiers:
            declare_conflict(dossier, juror, has_conflict=False, reason="", now=clock(), jury=jury)
            save_scoresheet(dossier, juror, dict(zip(CRITERIA, MARKS[dossier.title], strict=True)), {}, "",
                            submit=True, now=clock(), jury=jury)
    mine_id = mine.id
    settle()

    # Alice marks the candidate's dossier on the variant's scale: five criteria, 1 to 10.
    juror_page = browser.new_context(locale="fr-FR").new_page()
    sign_in(juror_page, live_server, emails[2])
    juror_page.goto(f"{live_server}/jury/regional/{mine_id}/declaration")
    tick(juror_page, juror_page.locator('input[name="choice"][value="none"]'))
    with juror_page.expect_navigation():  # before the next goto, which would cancel it
        juror_page.get_by_role("button", name="Enregistrer ma déclaration").click()
    juror_page.goto(f"{live_server}/jury/regional/{mine_id}/fiche")
    expect(juror_page.locator('input[name="mark_evaluation"]')).to_have_count(10)
    for criterion, mark in zip(CRITERIA, MARKS["P"], strict=True):
        tick(juror_page, juror_page.locator(f'input[name="mark_{criterion}"][value="{mark}"]'))
    shot("fiche-sur-dix", juror_page)
    juror_page.get_by_role("button", name="Rendre ma fiche").click()
    expect(juror_page.get_by_text("rendue", exact=True)).to_be_visible()

    # The ARS picks three projects, as the variant allows.
    ars_page.goto(f"{live_server}/ars/{region_id}/classement")
    for _ in range(3):
        ars_page.get_by_role("link", name="Retenir", exact=True).first.click()
        ars_page.get_by_label("Avis de l’ARS").fill("Un projet à faire connaître.")
        ars_page.get_by_role("button", name="Retenir cette candidature").click()
    expect(ars_page.get_by_role("button", name="Ne plus retenir")).to_have_count(3)
    shot("trois-projets-retenus", ars_page)

    settle()
    assert db.session.scalar(db.select(db.func.count()).select_from(Scoresheet).filter_by(status="submitted")) == 8
    picked = {pick.candidature.title for pick in db.session.scalars(db.select(RegionalPick))}
    assert picked == {"R", "Q", "P"}
