"""Scoresheets: drafts, submission, bad marks, closing, stale versions, races, and independent judgment."""

from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.jury.workload import Work, summaries, weighted_criteria
from app.models import AuditEntry, Mark, Scoresheet
from scoring import Scoresheet as Sheet, weighted_total
from scoring.marks import summarise
from tests.app.jury_helpers import (  # noqa: F401  (fixture)
    CRITERIA, declare_free, jury, marks_form, post_sheet, submitted_by, urls,
)
from tests.app.test_attachments_concurrency import signed_in_copy
from tests.conftest import csrf_token

OTHERS_COMMENT = "Avis-du-collègue-9c4e : partenariat exemplaire"


def sheets() -> list[tuple]:
    return [(s.juror_id, s.candidature_id, s.stage, s.status, s.overall_comment,
             sorted((m.criterion, m.value, m.justification) for m in s.marks))
            for s in db.session.scalars(db.select(Scoresheet).order_by(Scoresheet.id))]


def sheet_actions() -> list[tuple[str, dict]]:
    return [(a.action, a.data) for a in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action.like("scoresheet.%")).order_by(AuditEntry.id))]


@pytest.fixture
def declared(client, login, jury):
    login(jury.juror)
    declare_free(client, jury.dossier)
    return jury


def test_scoresheet_shows_level_descriptors(client, declared):
    page = client.get(urls(declared.dossier)["scoresheet"]).get_data(as_text=True)

    assert "3 — Satisfaisant" in page
    assert "0 — Non démontré : le dossier ne permet pas d’apprécier ce critère" in page
    assert page.count('type="radio"') == 4 * 6


def test_scoresheet_draft_keeps_partial_marks(client, declared):
    response = post_sheet(client, declared.dossier, marks_form({"partenariat": 4, "securite": None},
                                                                comment="À relire."))

    assert response.status_code == 302
    assert sheets() == [(declared.juror.id, declared.dossier.id, "regional", "draft", "À relire.",
                         [("partenariat", 4, "")])]
    assert sheet_actions() == [("scoresheet.save", {"stage": "regional", "status": "draft",
                                                    "marks": {"partenariat": 4, "securite": None,
                                                              "reproductibilite": None, "originalite": None}})]


def test_scoresheet_submit_stores_every_mark(client, declared):
    response = post_sheet(client, declared.dossier, marks_form(5, action="submit", justification="Solide."))

    assert response.status_code == 302
    assert sheets() == [(declared.juror.id, declared.dossier.id, "regional", "submitted", "",
                         sorted((key, 5, "Solide.") for key in CRITERIA))]
    assert [action for action, _data in sheet_actions()] == ["scoresheet.submit"]
    assert "Votre fiche de notation est rendue." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_scoresheet_edit_after_submission_stays_submitted(client, declared):
    post_sheet(client, declared.dossier, marks_form(5, action="submit"))

    response = post_sheet(client, declared.dossier, marks_form(2, action="save"))

    assert response.status_code == 302
    assert sheets()[0][3:] == ("submitted", "", sorted((key, 2, "") for key in CRITERIA))
    assert [action for action, _data in sheet_actions()] == ["scoresheet.submit", "scoresheet.save"]


@pytest.mark.parametrize(("marks", "action", "message"), [
    ({"partenariat": 9}, "save", "La note doit être comprise entre 0 et 5."),
    ({"partenariat": -1}, "save", "La note doit être comprise entre 0 et 5."),
    ({"partenariat": "trois"}, "save", "La note doit être un nombre entier de 0 à 5."),
    ({"partenariat": "2.5"}, "save", "La note doit être un nombre entier de 0 à 5."),
    ({"partenariat": 3, "securite": 3, "reproductibilite": 3}, "submit",
     "Donnez une note à ce critère pour rendre votre fiche."),
    ({"partenariat": 3, "inconnu": 3}, "save", "Critère inconnu : inconnu."),
])
def test_scoresheet_bad_marks_are_refused_and_nothing_stored(client, declared, marks, action, message):
    data = marks_form(marks, action=action, comment="Mon commentaire tapé") | {"justification_securite": "Ma raison tapée"}

    response = post_sheet(client, declared.dossier, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Certaines notes ne sont pas valides : rien n’a été enregistré." in page
    assert "Mon commentaire tapé" in page and "Ma raison tapée" in page
    assert sheets() == []
    assert sheet_actions() == []


def test_scoresheet_keeps_valid_marks_typed_on_refusal(client, declared):
    response = post_sheet(client, declared.dossier, marks_form({"partenariat": 4, "securite": 9}))

    assert '<input checked id="mark_partenariat-4" name="mark_partenariat" type="radio" value="4">' in \
        response.get_data(as_text=True)


def test_scoresheet_edit_after_close_is_refused(client, declared):
    post_sheet(client, declared.dossier, marks_form(5, action="submit"))
    declared.hdf.stage = "closed"
    db.session.commit()

    response = post_sheet(client, declared.dossier, marks_form(1, action="submit"))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Le travail du jury régional (déclarations d’intérêts, notation) n’est pas possible quand la "
                      "région est à l’étape « sélection régionale close ».") == 1
    assert '<input checked id="mark_partenariat-5"' in page and '<input checked id="mark_partenariat-1"' not in page
    assert sheets()[0][3:] == ("submitted", "", sorted((key, 5, "") for key in CRITERIA))


def test_scoresheet_with_stale_version_is_refused(client, declared):
    post_sheet(client, declared.dossier, marks_form(3, action="save"))
    post_sheet(client, declared.dossier, marks_form(4, action="save"))

    response = post_sheet(client, declared.dossier, marks_form(1, comment="Saisie d’un vieil onglet"), version="1")

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Votre fiche a été modifiée entre-temps" in page
    assert "Saisie d’un vieil onglet" in page
    assert sheets()[0][3:] == ("draft", "", sorted((key, 4, "") for key in CRITERIA))


def test_scoresheet_needs_no_conflict_declaration(client, login, jury):
    login(jury.juror)

    response = client.get(urls(jury.dossier)["scoresheet"])

    assert response.headers["Location"] == urls(jury.dossier)["declaration"]


def test_parallel_first_saves_give_one_sheet(app, client, declared):
    url = urls(declared.dossier)["scoresheet"]
    racers = [signed_in_copy(app, client) for _ in range(5)]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer in racers]
    barrier = threading.Barrier(len(racers))
    statuses: list[int] = []

    def race(racer, token: str, mark: int) -> None:
        with app.app_context():
            barrier.wait()
            data = {"csrf_token": token, "version": "0"} | marks_form(mark)
            statuses.append(racer.post(url, data=data).status_code)

    threads = [threading.Thread(target=race, args=(racer, token, n)) for n, (racer, token) in enumerate(zip(racers, tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] + [409] * 4
    assert len(sheets()) == 1
    assert db.session.scalar(db.select(db.func.count(Mark.id))) == 4
    assert len(sheet_actions()) == 1


# Independent judgment: every page a juror reaches, before and after their own submission.
@pytest.fixture
def colleague_submitted(declared, clock):
    submitted_by(declared.colleague, declared.dossier, 5, OTHERS_COMMENT, clock())
    return declared


def test_others_comment_hidden_until_own_submission(client, colleague_submitted):
    url = urls(colleague_submitted.dossier)["scoresheet"]
    post_sheet(client, colleague_submitted.dossier, marks_form(1))  # a draft is not enough
    before = client.get(url).get_data(as_text=True)

    post_sheet(client, colleague_submitted.dossier, marks_form(1, action="submit"))

    after = client.get(url).get_data(as_text=True)
    assert OTHERS_COMMENT not in before and "Moyenne du jury" not in before
    assert "vous seront montrées une fois votre fiche rendue" in before
    assert OTHERS_COMMENT in after
    assert "vous seront montrées" not in after  # the hint leads to them instead
    assert '<a href="#avis-des-jures">L’avis des autres jurés suit le dossier.</a>' in after
    assert 'id="avis-des-jures"' in after
    assert f"<strong>Juré 1 :</strong> {OTHERS_COMMENT}" in after
    client.get("/langue/en")
    assert f"<strong>Juror 1:</strong> {OTHERS_COMMENT}" in client.get(url).get_data(as_text=True)
    assert "Moyenne du jury : 12,00." in after  # totals 4 and 20


def test_jury_mean_hidden_in_list_until_own_submission(client, colleague_submitted):
    post_sheet(client, colleague_submitted.dossier, marks_form(1))
    before = client.get("/jury").get_data(as_text=True)

    post_sheet(client, colleague_submitted.dossier, marks_form(1, action="submit"))

    after = client.get("/jury").get_data(as_text=True)
    assert "20,00" not in before and "12,00" not in before and OTHERS_COMMENT not in before
    assert "12,00" in after and OTHERS_COMMENT not in after


def figures() -> tuple:
    sheet = db.session.scalar(db.select(Scoresheet))
    db.session.refresh(sheet)
    return sheet.status, sheet.total, sheet.criterion_marks


def test_a_sheet_stores_the_figures_scoring_computes_from_its_marks_as_they_change(client, declared):
    criteria = weighted_criteria(declared.dossier.edition.contest)
    draft = {"partenariat": 4, "securite": 2, "reproductibilite": None, "originalite": 1}
    post_sheet(client, declared.dossier, marks_form(draft))
    assert figures() == ("draft", None, None)  # a draft counts for nothing

    marks = {"partenariat": 4, "securite": 2, "reproductibilite": 3, "originalite": 1}
    post_sheet(client, declared.dossier, marks_form(marks, action="submit"))
    assert figures() == ("submitted", int(weighted_total(marks, criteria)), marks)

    changed = marks | {"securite": 5, "originalite": 0}
    post_sheet(client, declared.dossier, marks_form(changed, action="submit"))
    assert figures() == ("submitted", int(weighted_total(changed, criteria)), changed)
    assert summaries(Work.regional(declared.hdf), criteria) == summarise(
        [Sheet(str(declared.juror.id), str(declared.dossier.id), changed)], criteria)
