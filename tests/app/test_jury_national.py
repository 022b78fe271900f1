"""The same juror pages serve the national jury (stage "national"), kept apart from the regional one."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import ConflictDeclaration, Scoresheet
from tests import factories
from tests.app.jury_helpers import CRITERIA, DOSSIER, declare_free, jury, marks_form, post_sheet, urls  # noqa: F401
from workflows.states import Role


@pytest.fixture
def shortlisted(edition, make_user, clock):
    owner = make_user(Role.CANDIDATE)
    pick = factories.candidature(edition, owner, at=clock(), state="national_shortlist", **DOSSIER)
    db.session.add(pick)
    edition.national_stage = "national_jury"
    db.session.commit()
    return pick


def test_national_juror_declares_and_scores_at_national_stage(client, login, make_user, shortlisted):
    juror = make_user(Role.NATIONAL_JUROR)
    login(juror)
    assert f"/jury/national/{shortlisted.id}/declaration" in client.get("/jury/national").get_data(as_text=True)

    declare_free(client, shortlisted, "national")
    response = post_sheet(client, shortlisted, marks_form(4, action="submit"), stage="national")

    assert response.status_code == 302
    assert [(d.stage, d.has_conflict) for d in db.session.scalars(db.select(ConflictDeclaration))] == [
        ("national", False)]
    assert [(s.stage, s.status, sorted(m.value for m in s.marks)) for s in db.session.scalars(db.select(Scoresheet))] == [
        ("national", "submitted", [4] * len(CRITERIA))]


def test_national_jury_closed_refuses_scoresheet_edits(client, login, make_user, edition, shortlisted):
    juror = make_user(Role.NATIONAL_JUROR)
    login(juror)
    declare_free(client, shortlisted, "national")
    edition.national_stage = "winner_declared"
    db.session.commit()

    response = post_sheet(client, shortlisted, marks_form(4, action="submit"), stage="national")

    assert response.status_code == 422
    assert ("Le lauréat national est désigné : le travail du jury national (déclarations d’intérêts, notation) "
            "n’est plus possible." in response.get_data(as_text=True))
    assert db.session.scalars(db.select(Scoresheet)).all() == []


def test_national_juror_sees_nothing_before_national_jury_opens(client, login, make_user, edition, shortlisted):
    edition.national_stage = "regional"
    db.session.commit()
    login(make_user(Role.NATIONAL_JUROR))

    assert f"/jury/national/{shortlisted.id}/" not in client.get("/jury/national").get_data(as_text=True)
    assert client.get(urls(shortlisted, "national")["declaration"]).status_code == 404


def test_regional_juror_gets_404_on_national_pages(client, login, jury, shortlisted):
    login(jury.juror)

    assert client.get("/jury/national").status_code == 404
    assert client.get(urls(shortlisted, "national")["declaration"]).status_code == 404


def test_national_juror_gets_404_on_regional_pages(client, login, make_user, jury):
    login(make_user(Role.NATIONAL_JUROR))

    assert client.get("/jury").status_code == 404
    assert client.get(urls(jury.dossier)["declaration"]).status_code == 404

