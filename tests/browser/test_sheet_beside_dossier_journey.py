"""A juror reads the dossier with the scoresheet beside it (stacked on a phone), and what they type is
saved as a draft by itself (static/js/autosave.js): after a reload it is still there, and so is what a
refused « Rendre ma fiche » showed again once the juror leaves the page."""

from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.models import Scoresheet
from tests.app.selection_helpers import hdf, jurors, make_candidature, owner  # noqa: F401  (fixtures)
from tests.browser.helpers import sign_in, tick

TYPED = "Les usagers ont co-écrit le livret de sortie, version après version."
HANDED_IN = "Moins d’erreurs de traitement au retour à domicile."


def boxes(page) -> tuple[dict, dict]:
    return page.locator("#dossier").bounding_box(), page.locator("#fiche").bounding_box()


def test_juror_scores_beside_the_dossier_and_the_draft_saves_itself(new_context, shot, live_server, settle, hdf,
                                                                     jurors, make_candidature):
    alice = jurors[0]
    make_candidature("Patients traceurs")
    email, juror_id = alice.email, alice.id
    settle()
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()

    sign_in(page, live_server, email)
    page.get_by_role("link", name="Déclarer mes liens d’intérêt").click()
    tick(page, page.locator('input[name="choice"][value="none"]'))
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    page.get_by_role("link", name="Retour à la liste").click()
    page.get_by_role("link", name="Lire le dossier et le noter").click()

    dossier, sheet = boxes(page)
    assert sheet["x"] >= dossier["x"] + dossier["width"]  # beside it, to its right…
    assert sheet["y"] < dossier["y"] + dossier["height"]  # …at the same height
    expect(page.get_by_role("link", name="Le dossier complet (PDF)")).to_be_visible()
    tick(page, page.locator('input[name="mark_partenariat"][value="4"]'))
    page.locator("#justification_partenariat").fill(TYPED)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Brouillon enregistré à")
    expect(page.get_by_role("heading", name="Fiche de notation")).to_contain_text("brouillon")
    shot("fiche-a-cote-du-dossier", page)

    # Handed in incomplete: refused, the page shows what was typed and saves it as a draft at once
    # (before, it was lost on leaving the page: the script took the refused page for the stored sheet).
    tick(page, page.locator('input[name="mark_securite"][value="3"]'))
    page.locator("#justification_securite").fill(HANDED_IN)
    page.get_by_role("button", name="Rendre ma fiche").click()
    expect(page.get_by_text("Donnez une note à ce critère pour rendre votre fiche.").first).to_be_visible()
    expect(page.locator("#justification_securite")).to_have_value(HANDED_IN)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Brouillon enregistré à")

    page.reload()
    expect(page.locator("#justification_partenariat")).to_have_value(TYPED)
    expect(page.locator("#justification_securite")).to_have_value(HANDED_IN)
    expect(page.locator('input[name="mark_partenariat"][value="4"]')).to_be_checked()
    expect(page.locator('input[name="mark_securite"][value="3"]')).to_be_checked()

    page.set_viewport_size({"width": 375, "height": 812})
    dossier, sheet = boxes(page)
    assert sheet["y"] >= dossier["y"] + dossier["height"]  # a phone: the sheet after the dossier
    page.get_by_role("link", name="Aller à la fiche de notation").click()
    expect(page.get_by_role("heading", name="Fiche de notation")).to_be_in_viewport()
    shot("fiche-sous-le-dossier", page)

    sheets = [(s.status, sorted((m.criterion, m.value, m.justification) for m in s.marks))
              for s in db.session.scalars(db.select(Scoresheet).filter_by(juror_id=juror_id))]
    assert sheets == [("draft", [("partenariat", 4, TYPED), ("securite", 3, HANDED_IN)])]
