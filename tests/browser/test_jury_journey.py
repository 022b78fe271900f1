"""A juror declares no conflict and scores a candidature; the ARS organiser selects it with an opinion."""

from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.models import RegionalPick, Scoresheet
from tests.app.selection_helpers import hdf, jurors, make_candidature, organiser, owner, score  # noqa: F401
from tests.browser.helpers import sign_in, tick

MARKS = {"partenariat": "5", "securite": "4", "reproductibilite": "4", "originalite": "3"}
OPINION = "Un partenariat exemplaire, à diffuser dans toute la région."


def test_juror_scores_and_organiser_selects_with_an_opinion(new_context, page, shot, live_server, settle, hdf,
                                                             organiser, jurors, make_candidature, score):
    alice, bruno = jurors
    candidature = make_candidature("Patients traceurs")
    score(candidature, bruno, [4, 4, 3, 3])  # the other juror has already scored
    alice_email, organiser_email, candidature_id, region_id = alice.email, organiser.email, candidature.id, hdf.id
    settle()

    sign_in(page, live_server, alice_email)
    page.get_by_role("link", name="Déclarer mes liens d’intérêt").click()
    tick(page, page.locator('input[name="choice"][value="none"]'))
    with page.expect_navigation():  # before the next goto, which would cancel it
        page.get_by_role("button", name="Enregistrer ma déclaration").click()
    page.goto(f"{live_server}/jury")
    page.get_by_role("link", name="Lire le dossier et le noter").click()
    for criterion, mark in MARKS.items():
        tick(page, page.locator(f'input[name="mark_{criterion}"][value="{mark}"]'))
    shot("fiche-remplie")
    page.get_by_role("button", name="Rendre ma fiche").click()
    expect(page.get_by_text("rendue", exact=True)).to_be_visible()
    # The other jurors' marks fit a phone's width: a criterion's wording wraps (DSFR keeps cells on one line).
    page.set_viewport_size({"width": 375, "height": 812})
    others = page.get_by_role("region", name="Notes par critère")
    assert others.evaluate("box => box.scrollWidth <= box.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 720})

    organiser_page = new_context().new_page()
    sign_in(organiser_page, live_server, organiser_email)
    organiser_page.goto(f"{live_server}/ars/{region_id}/classement")
    organiser_page.get_by_role("link", name="Retenir", exact=True).click()
    organiser_page.get_by_label("Avis de l’ARS").fill(OPINION)
    organiser_page.get_by_role("button", name="Retenir cette candidature").click()
    expect(organiser_page.get_by_role("button", name="Ne plus retenir")).to_be_visible()
    shot("classement-apres-selection", organiser_page)

    settle()
    sheet = db.session.scalars(db.select(Scoresheet).filter_by(juror_id=alice.id)).one()
    assert (sheet.status, {m.criterion: m.value for m in sheet.marks}) == (
        "submitted", {key: int(value) for key, value in MARKS.items()})
    pick = db.session.scalars(db.select(RegionalPick)).one()
    assert (pick.candidature_id, pick.opinion) == (candidature_id, OPINION)
