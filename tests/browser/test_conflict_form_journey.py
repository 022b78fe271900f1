"""The ARS of Auvergne-Rhône-Alpes records a juror's conflict of interest by the dossier's receipt number,
as its list of dossiers shows it: a number of another region is refused, the form keeps what was typed
(demo, jury-regional)."""

from __future__ import annotations

from playwright.sync_api import expect

from app.demo import cast as demo_cast
from app.extensions import db
from app.models import Candidature, ConflictDeclaration
from tests.browser.accessibility import assert_accessible
from tests.browser.test_role_journeys import build_stage, region_id, sign_in, user_id

ARS_ARA = demo_cast.email("ars.ara")
THIRD = demo_cast.email("jure3.ara")  # a seat of the demo's ARA jury that has not started


def test_ars_records_a_conflict_by_the_dossiers_receipt_number(page, shot, live_server, app, clock, settle):
    build_stage(app, clock, "jury-regional")
    ara, elsewhere, juror = region_id("ARA"), region_id("HDF"), user_id(THIRD)
    number, title = db.session.execute(db.select(Candidature.receipt_number, Candidature.title)
                                       .where(Candidature.region_id == ara, Candidature.state == "regional_jury")
                                       .order_by(Candidature.id)).first()
    foreign = db.session.scalar(db.select(Candidature.receipt_number).where(
        Candidature.region_id == elsewhere, Candidature.receipt_number.is_not(None)))
    settle()

    sign_in(page, live_server, ARS_ARA)
    page.get_by_role("link", name="Jury régional", exact=True).click()
    page.locator("#juror").select_option(value=str(juror))
    page.get_by_label("Numéro de récépissé du dossier").fill(foreign)
    page.get_by_label("Raison du conflit d’intérêts").fill("Son conjoint dirige l’établissement.")
    page.get_by_role("button", name="Enregistrer le conflit").click()
    expect(page.get_by_text(f"Aucun dossier soumis au jury de la région ne porte le numéro « {foreign} »")) \
        .to_be_visible()
    expect(page.get_by_label("Numéro de récépissé du dossier")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Raison du conflit d’intérêts")).to_have_value("Son conjoint dirige l’établissement.")
    shot("numero-refuse")
    assert_accessible(page)

    page.get_by_label("Numéro de récépissé du dossier").fill(f" {number.lower()} ")
    page.get_by_role("button", name="Enregistrer le conflit").click()
    expect(page.get_by_text("Le conflit d’intérêts est enregistré")).to_be_visible()
    expect(page.get_by_role("cell", name=title, exact=True)).to_be_visible()
    shot("conflit-enregistre")
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(ConflictDeclaration.id)).where(
        ConflictDeclaration.source == "organiser")) == 1
