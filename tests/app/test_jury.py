"""The juror's list, scoping to their region, and conflict-of-interest declarations."""

from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.models import AuditEntry, ConflictDeclaration
from tests import factories
from tests.app.jury_helpers import DOSSIER, PDF, declare_free, expected_regional, jury, post_sheet, marks_form, urls  # noqa: F401  (fixture)
from tests.app.test_attachments_concurrency import signed_in_copy
from tests.conftest import csrf_token

PAGES = ("declaration", "scoresheet", "attachments", "download")


def declarations() -> list[tuple]:
    return [(d.juror_id, d.candidature_id, d.stage, d.has_conflict, d.reason, d.source)
            for d in db.session.scalars(db.select(ConflictDeclaration).order_by(ConflictDeclaration.id))]


def actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action.like("conflict.%"))
                                   .order_by(AuditEntry.id)))


def test_list_shows_own_region_only(client, login, jury):
    login(jury.juror)

    page = client.get("/jury").get_data(as_text=True)

    assert f"/jury/regional/{jury.dossier.id}/declaration" in page
    assert f"/jury/regional/{jury.elsewhere.id}/" not in page


def test_candidature_not_before_jury_answers_404(client, login, jury, edition, clock):
    submitted = factories.candidature(edition, jury.dossier.owner, at=clock(), state="submitted", **DOSSIER)
    db.session.add(submitted)
    db.session.commit()
    login(jury.juror)

    assert client.get(f"/jury/regional/{submitted.id}/declaration").status_code == 404
    assert f"/jury/regional/{submitted.id}/" not in client.get("/jury").get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_other_region_candidature_answers_404(client, login, jury, page):
    login(jury.juror)

    response = client.get(urls(jury.elsewhere)[page])

    assert response.status_code == 404


def test_other_region_declaration_post_answers_404(client, login, jury):
    login(jury.juror)

    response = client.form(urls(jury.elsewhere)["declaration"], {"choice": "none"}, page="/jury")

    assert response.status_code == 404
    assert declarations() == []


def test_dossier_before_declaration_leads_to_declaration(client, login, jury):
    login(jury.juror)

    response = client.get(urls(jury.dossier)["scoresheet"])

    assert response.status_code == 302
    assert response.headers["Location"] == urls(jury.dossier)["declaration"]
    assert client.get(urls(jury.dossier)["download"]).status_code == 404


def test_declaration_page_shows_no_content(client, login, jury):
    login(jury.juror)

    page = client.get(urls(jury.dossier)["declaration"]).get_data(as_text=True)

    assert "Centre hospitalier de Lens" in page
    assert "Je n’ai aucun lien d’intérêt avec ce projet" in page
    assert "livret de sortie" not in page
    assert "Réponse du candidat" not in page


def test_declaring_no_conflict_opens_dossier_and_attachments(client, login, jury):
    login(jury.juror)

    response = declare_free(client, jury.dossier)

    assert response.headers["Location"] == urls(jury.dossier)["scoresheet"]
    assert declarations() == [(jury.juror.id, jury.dossier.id, "regional", False, None, "juror")]
    assert actions() == ["conflict.declare"]
    page = client.get(urls(jury.dossier)["scoresheet"]).get_data(as_text=True)
    assert "Réponse du candidat au critère originalite." in page
    assert "programme.pdf" in page
    assert client.get(urls(jury.dossier)["download"]).data == PDF


def test_declaring_conflict_without_reason_is_refused(client, login, jury):
    login(jury.juror)

    response = client.form(urls(jury.dossier)["declaration"], {"choice": "conflict", "reason": "  "})

    assert response.status_code == 422
    assert "Indiquez la nature de votre lien d’intérêt avec ce projet." in response.get_data(as_text=True)
    assert declarations() == []


def test_declaration_without_choice_is_refused(client, login, jury):
    login(jury.juror)

    response = client.form(urls(jury.dossier)["declaration"], {"reason": "rien"})

    assert response.status_code == 422
    assert "Choisissez l’une des deux déclarations." in response.get_data(as_text=True)
    assert declarations() == []


@pytest.mark.parametrize("page", PAGES[1:])
def test_conflicted_juror_gets_404_for_content(client, login, jury, page):
    login(jury.juror)
    client.form(urls(jury.dossier)["declaration"], {"choice": "conflict", "reason": "J’y ai travaillé."})

    response = client.get(urls(jury.dossier)[page])

    assert response.status_code == 404


def test_conflict_removes_candidature_from_expected_work(client, login, jury):
    login(jury.juror)

    response = client.form(urls(jury.dossier)["declaration"], {"choice": "conflict", "reason": "J’y ai travaillé."})

    assert response.headers["Location"] == "/jury"
    assert declarations() == [(jury.juror.id, jury.dossier.id, "regional", True, "J’y ai travaillé.", "juror")]
    assert expected_regional(jury.hdf) == {jury.dossier.id: {jury.colleague.id}}
    page = client.get("/jury").get_data(as_text=True)
    assert "Fiches rendues : 0 sur 0 attendues." in page
    assert f"/jury/regional/{jury.dossier.id}/fiche" not in page


def test_conflict_is_detected_on_identifier_match(client, login, jury):
    jury.juror.organisation_identifier = "620 100 057"
    db.session.commit()
    login(jury.juror)

    client.get("/jury")

    reason = "L’identifiant de votre organisation (620100057) est celui de la structure candidate « Centre hospitalier de Lens »."
    assert declarations() == [(jury.juror.id, jury.dossier.id, "regional", True, reason, "automatic")]
    assert actions() == ["conflict.detect"]
    assert client.get(urls(jury.dossier)["scoresheet"]).status_code == 404
    assert client.get(urls(jury.dossier)["download"]).status_code == 404


def test_detected_conflict_cannot_be_lifted_by_juror(client, login, jury):
    jury.juror.organisation_identifier = "620100057"
    db.session.commit()
    login(jury.juror)
    client.get(urls(jury.dossier)["declaration"])

    response = client.form(urls(jury.dossier)["declaration"], {"choice": "none"}, page="/jury")

    assert response.status_code == 422
    assert "seul l’organisateur peut le lever" in response.get_data(as_text=True)
    assert [d[3:] for d in declarations()] == [(True, declarations()[0][4], "automatic")]


def test_declaration_is_locked_after_submission(client, login, jury):
    login(jury.juror)
    declare_free(client, jury.dossier)
    post_sheet(client, jury.dossier, marks_form(3, action="submit"))

    response = client.form(urls(jury.dossier)["declaration"], {"choice": "conflict", "reason": "Finalement oui."},
                           page="/jury")

    assert response.status_code == 422
    assert "votre déclaration ne peut plus être modifiée" in response.get_data(as_text=True)
    assert declarations() == [(jury.juror.id, jury.dossier.id, "regional", False, None, "juror")]


def test_declaration_refused_once_region_is_closed(client, login, jury):
    login(jury.juror)
    jury.hdf.stage = "closed"
    db.session.commit()

    response = client.form(urls(jury.dossier)["declaration"], {"choice": "none"}, page="/jury")

    assert response.status_code == 422
    assert ("Le travail du jury régional (déclarations d’intérêts, notation) n’est pas possible quand la région "
            "est à l’étape « sélection régionale close »." in response.get_data(as_text=True))
    assert declarations() == []


def test_parallel_first_visits_record_one_automatic_conflict(app, client, login, jury):
    jury.juror.organisation_identifier = "620100057"
    db.session.commit()
    login(jury.juror)
    racers = [signed_in_copy(app, client) for _ in range(5)]
    barrier = threading.Barrier(len(racers))
    statuses: list[int] = []

    def visit(racer) -> None:
        with app.app_context():
            barrier.wait()
            statuses.append(racer.get("/jury").status_code)

    threads = [threading.Thread(target=visit, args=(racer,)) for racer in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 5
    assert [d[3:] for d in declarations()] == [(True, declarations()[0][4], "automatic")]
    assert actions() == ["conflict.detect"]


def test_parallel_declarations_leave_one_row(app, client, login, jury):
    login(jury.juror)
    url = urls(jury.dossier)["declaration"]
    racers = [signed_in_copy(app, client) for _ in range(5)]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer in racers]
    barrier = threading.Barrier(len(racers))
    statuses: list[int] = []

    def declare(racer, token: str) -> None:
        with app.app_context():
            barrier.wait()
            statuses.append(racer.post(url, data={"csrf_token": token, "choice": "none"}).status_code)

    threads = [threading.Thread(target=declare, args=pair) for pair in zip(racers, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(statuses) <= {302, 422} and 302 in statuses
    assert len(actions()) == statuses.count(302)
    assert declarations() == [(jury.juror.id, jury.dossier.id, "regional", False, None, "juror")]


@pytest.mark.parametrize("page", ["declaration", "scoresheet"])
def test_a_juror_never_judges_their_own_dossier(client, login, jury, edition, clock, page):
    """A candidate invited to their region's jury: their own dossier is neither listed, judged nor expected
    (its attachments stay theirs, on the candidate's pages)."""
    own = factories.candidature(edition, jury.juror, at=clock(), state="regional_jury", **DOSSIER)
    db.session.add(own)
    db.session.commit()
    login(jury.juror)

    response = client.get(urls(own)[page])

    assert response.status_code == 404
    assert f"/jury/regional/{own.id}/" not in client.get("/jury").get_data(as_text=True)
    assert expected_regional(jury.hdf)[own.id] == {jury.colleague.id}


def test_list_offers_no_declaration_once_the_jury_has_finished(client, login, jury):
    jury.hdf.stage = "closed"
    db.session.commit()
    login(jury.juror)

    page = client.get("/jury").get_data(as_text=True)

    assert urls(jury.dossier)["declaration"] not in page
    assert ("Le travail du jury régional (déclarations d’intérêts, notation) n’est pas possible quand la région est "
            "à l’étape « sélection régionale close ».") in page
