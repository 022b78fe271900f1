"""The national organiser opens the national jury, declares the winner, publishes and downloads the book."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from app.extensions import db
from app.models import Candidature
from tests.app.national_helpers import shortlist  # noqa: F401
from tests.browser.helpers import sign_in

RATIONALE = "Le projet associe les usagers à chaque étape et se reproduit partout."


def test_national_organiser_declares_winner_publishes_and_downloads_the_book(page, shot, live_server, settle,
                                                                              shortlist, smtp_server):
    organiser_email, alpha_id = shortlist.organiser.email, shortlist.alpha.id
    alpha_owner = shortlist.alpha.owner.email
    settle()

    sign_in(page, live_server, organiser_email)
    with page.expect_navigation():  # before the next goto, which would cancel it
        page.get_by_role("button", name="Ouvrir le jury national").click()
    page.goto(f"{live_server}/national/classement")
    page.locator(f'a[href="/national/laureat/{alpha_id}"]').click()
    page.get_by_label("Motivation de la décision du jury national").fill(RATIONALE)
    with page.expect_navigation():
        page.get_by_role("button", name="Désigner le lauréat").click()
    page.goto(f"{live_server}/national/publication")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier les résultats").click()
    page.goto(f"{live_server}/resultats")
    expect(page.get_by_role("heading", name="Alpha", exact=True)).to_be_visible()
    shot("resultats-publies")
    page.goto(f"{live_server}/exports/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Livret de la sélection nationale (PDF)").click()

    # Before reading the database: on SQLite a read transaction would keep the sender waiting.
    assert smtp_server.wait_for(alpha_owner), "the winner was told by email"
    settle()
    book = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    states = dict(db.session.execute(db.select(Candidature.title, Candidature.state)).all())
    assert (states["Alpha"], states["Beta"], states["Gamma"]) == ("winner", "national_not_selected",
                                                                  "national_not_selected")
    assert all(title in book for title in ("Alpha", "Beta", "Gamma"))
