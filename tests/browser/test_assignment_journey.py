"""The ARS of Auvergne-Rhône-Alpes assigns its dossiers (2 jurors each) from the jury page, adjusts
two of them by hand, and a juror then sees only the dossier given to them (demo, jury-regional)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.demo import cast as demo_cast
from app.extensions import db
from app.jury.workload import regional_candidatures
from app.models import Candidature, JuryAssignment, Scoresheet, User
from tests.browser.helpers import tick
from tests.browser.test_role_journeys import build_stage, region_id, sign_in, user_id

ARS_ARA = demo_cast.email("ars.ara")
# Seats of the demo's ARA jury: the first has scored both dossiers, the second one (and begun the
# other), the third not started.
FIRST, SECOND, THIRD = (demo_cast.email(f"jure{seat}.ara") for seat in ("", "2", "3"))


def assigned(region: int) -> set[tuple[int, int]]:
    """(juror, dossier) of the region's assignment."""
    db.session.expire_all()
    return set(db.session.execute(db.select(JuryAssignment.juror_id, JuryAssignment.candidature_id)
                                  .join(Candidature).where(Candidature.region_id == region)))


def test_ars_assigns_the_dossiers_adjusts_two_and_a_juror_sees_only_theirs(page, new_context, shot, live_server,
                                                                           app, clock, settle):
    build_stage(app, clock, "jury-regional")
    ara = region_id("ARA")
    first, second = dossiers = [(c.id, c.title) for c in regional_candidatures(ara)]
    jurors = {email: user_id(email) for email in (FIRST, SECOND, THIRD)}
    # Jurors as the assignment page names them.
    name = {email: db.session.scalar(db.select(User.display_name).where(User.email == email)) or email
            for email in jurors}.__getitem__
    settle()

    sign_in(page, live_server, ARS_ARA)
    page.get_by_role("link", name="Jury régional", exact=True).click()
    page.get_by_role("link", name="Répartition des dossiers").click()
    expect(page.get_by_text("Aucune répartition : chaque juré de la région note chaque dossier.")).to_be_visible()
    page.get_by_label("Nombre de jurés par dossier").fill("2")
    page.get_by_role("button", name="Voir la proposition").click()
    expect(page.get_by_role("heading", name="Proposition : 2 jurés par dossier")).to_be_visible()
    shot("proposition")
    page.get_by_role("button", name="Appliquer cette répartition").click()
    expect(page.get_by_text("La répartition est appliquée : 4 attributions.")).to_be_visible()
    # The jurors who began sheets keep their dossiers: the third juror gets none.
    assert assigned(ara) == {(jurors[email], dossier) for email in (FIRST, SECOND) for dossier, _ in dossiers}
    settle()

    page.locator(f'form[action$="/{first[0]}/{jurors[THIRD]}/ajouter"]') \
        .get_by_role("button", name=re.compile(rf"^Ajouter .* pour « {re.escape(first[1])} »$")).click()
    expect(page.get_by_text(f"« {first[1]} » est attribué à {name(THIRD)}.")).to_be_visible()
    removal = page.locator(f'form[action$="/{second[0]}/{jurors[SECOND]}/retirer"]')
    removal.get_by_role("button").click()
    expect(page.get_by_text(f"{SECOND} a commencé sa grille pour ce dossier")).to_be_visible()
    removal = page.locator(f'form[action$="/{second[0]}/{jurors[SECOND]}/retirer"]')
    tick(page, removal.locator('input[name="drop_draft"]'))
    removal.get_by_role("button").click()
    expect(page.get_by_text(f"{name(SECOND)} ne note plus « {second[1]} ».")).to_be_visible()
    expect(page.get_by_text("1 dossier a moins de jurés que demandé :")).to_be_visible()
    shot("repartition-ajustee")
    # On a phone the dossier × juror table scrolls inside its own container: the page keeps the
    # screen's width (the header, the menu and the text are not pushed off to the side).
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot("repartition-telephone")
    assert assigned(ara) == {(jurors[FIRST], first[0]), (jurors[FIRST], second[0]), (jurors[SECOND], first[0]),
                             (jurors[THIRD], first[0])}
    assert db.session.scalar(db.select(Scoresheet).filter_by(juror_id=jurors[SECOND], candidature_id=second[0])) \
        is None
    settle()

    juror_page = new_context().new_page()
    sign_in(juror_page, live_server, THIRD)
    expect(juror_page.get_by_role("heading", name="Mes candidatures à évaluer")).to_be_visible()
    expect(juror_page.get_by_text(first[1])).to_be_visible()
    expect(juror_page.get_by_text(second[1])).to_have_count(0)
    shot("liste-du-jure", juror_page)
