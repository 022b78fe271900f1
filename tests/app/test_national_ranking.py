"""National ranking: regional and national marks side by side, advisory normalisation that never decides."""

from __future__ import annotations

from app.extensions import db
from app.models import ConflictDeclaration
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import sheet, shortlist  # noqa: F401  (fixture)
from workflows.states import Role


def declare_conflict(candidature, juror, at) -> None:
    """The national juror's own declaration of a conflict of interest, committed."""
    db.session.add(ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage="national",
                                       has_conflict=True, reason="Ancien collègue.", source="juror", declared_at=at))
    db.session.commit()


def test_national_ranking_shows_regional_and_national_marks_side_by_side(client, login, make_user, shortlist, clock):
    shortlist.edition.national_stage = "national_jury"
    first, second = make_user(Role.NATIONAL_JUROR), make_user(Role.NATIONAL_JUROR)
    sheet(shortlist.alpha, first, [3, 3, 3, 3], "national", clock())
    sheet(shortlist.gamma, first, [5, 5, 5, 5], "national", clock())
    sheet(shortlist.gamma, second, [4, 4, 4, 4], "national", clock())
    declare_conflict(shortlist.alpha, second, clock())
    login(shortlist.organiser)

    text = page_text(client.get("/national/classement"))

    assert ("1 Gamma Structure Gamma — Île-de-France 2,00 2,00 2,00 2,00 8,00 4,50 4,50 4,50 4,50 18,00 2 / 2 — note bas "
            "2 Alpha Structure Alpha — Hauts-de-France 5,00 5,00 5,00 5,00 20,00 3,00 3,00 3,00 3,00 12,00 1 / 1 1,41 "
            "dans la moyenne "
            "— Beta Structure Beta — Hauts-de-France 5,00 5,00 4,00 4,00 18,00 — — — — — 0 / 2 -0,71 dans la moyenne "
            ) in text
    assert "Désigner lauréat" not in text  # Beta's two sheets are missing
    assert "Hauts-de-France 6 18,67 1,52 — Île-de-France 1 8,00 -9,14 note bas" in text
    assert "La normalisation est indicative : elle ne décide jamais" in text
    assert "Toutes les grilles attendues du jury national ne sont pas reçues." in text


def test_national_ranking_offers_the_decision_once_every_national_sheet_is_in(client, login, make_user, shortlist,
                                                                             clock):
    shortlist.edition.national_stage = "national_jury"
    juror = make_user(Role.NATIONAL_JUROR)
    for pick, mark in zip(shortlist.picks, (3, 4, 5), strict=True):
        sheet(pick, juror, [mark] * 4, "national", clock())
    db.session.commit()
    login(shortlist.organiser)

    text = page_text(client.get("/national/classement"))

    assert text.count("Désigner lauréat") == 3


def test_national_ranking_offers_no_decision_before_the_national_jury_sits(client, login, shortlist):
    login(shortlist.organiser)

    text = page_text(client.get("/national/classement"))

    assert "Désigner lauréat" not in text
    assert "Alpha Structure Alpha — Hauts-de-France 5,00 5,00 5,00 5,00 20,00" in text


def test_national_jury_page_shows_each_national_jurors_progress_and_conflicts(client, login, make_user, shortlist,
                                                                              clock):
    juror = make_user(Role.NATIONAL_JUROR, email="nina@example.org", display_name="Nina")
    sheet(shortlist.gamma, juror, [4, 4, 4, 4], "national", clock())
    declare_conflict(shortlist.alpha, juror, clock())
    login(shortlist.organiser)

    text = page_text(client.get("/national/jury"))

    assert "Nina <nina@example.org> 1 / 2" in text
    assert "nina@example.org Alpha Ancien collègue." in text
