"""The national organiser's hand on the national jury: removing a juror, conflicts of interest, reminders."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import AuditEntry, ConflictDeclaration, RoleMembership, Scoresheet
from app.jury.juries import Jury
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import fresh, sheet, shortlist  # noqa: F401  (fixture)
from workflows.refusals import Refused
from workflows.states import Role

JURY = "/national/jury"
REASON = "Elle a conseillé l’équipe du projet Alpha."


@pytest.fixture
def sitting(shortlist, login, make_user):
    """The national jury is open, with one juror; the national organiser is signed in."""
    shortlist.edition.national_stage = "national_jury"
    juror = make_user(Role.NATIONAL_JUROR, email="nadia@example.org")
    db.session.commit()
    login(shortlist.organiser)
    return juror


def remove(client, juror):
    return client.form(f"{JURY}/{juror.id}/retirer", page=JURY)


def record_conflict(client, juror, candidature, reason=REASON):
    return client.form(f"{JURY}/conflits", {"juror": str(juror.id), "candidature": str(candidature.id),
                                            "reason": reason}, page=JURY)


def lift(client, declaration_id, reason="Homonymie : ce n’est pas la même personne."):
    return client.form(f"{JURY}/conflits/{declaration_id}/lever", {"reason": reason}, page=JURY)


def declarations() -> list[tuple]:
    db.session.expire_all()
    return [(d.juror_id, d.candidature_id, d.stage, d.has_conflict, d.reason, d.source)
            for d in db.session.scalars(db.select(ConflictDeclaration).order_by(ConflictDeclaration.id))]


def expected_of(edition, juror) -> int:
    return next(row.expected for row in Jury.national(fresh(edition)).progress() if row.juror.id == juror.id)


def roles_of(juror) -> list[str]:
    return db.session.scalars(db.select(RoleMembership.role).filter_by(user_id=juror.id)).all()


def test_removing_a_national_juror_deletes_their_drafts(client, shortlist, sitting, clock):
    db.session.add(Scoresheet(candidature_id=shortlist.alpha.id, juror_id=sitting.id, stage="national",
                              status="draft", updated_at=clock()))
    db.session.commit()

    response = remove(client, sitting)

    assert response.status_code == 302
    assert "nadia@example.org ne fait plus partie du jury national." in page_text(client.get(JURY))
    assert roles_of(sitting) == []
    assert db.session.scalar(db.select(db.func.count(Scoresheet.id)).filter_by(stage="national")) == 0
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="jury.remove")).one()
    assert (entry.actor_role, entry.edition_id, entry.data["stage"], entry.data["draft_scoresheets_deleted"]) == (
        "national_organiser", shortlist.edition.id, "national", 1)


def test_a_national_juror_who_scored_stays(client, shortlist, sitting, clock):
    sheet(shortlist.alpha, sitting, [4, 4, 4, 4], "national", clock())
    db.session.commit()

    remove(client, sitting)

    assert ("nadia@example.org a déjà remis une grille d’évaluation au jury national : ce juré ne peut plus "
            "être retiré du jury.") in page_text(client.get(JURY))
    assert roles_of(sitting) == ["national_juror"]


def test_regional_scoresheets_do_not_keep_a_juror_on_the_national_jury(client, shortlist, sitting, clock):
    sitting.memberships.append(RoleMembership(role="regional_juror", region_id=shortlist.alpha.region_id,
                                              created_at=clock()))
    sheet(shortlist.alpha, sitting, [4, 4, 4, 4], "regional", clock())
    db.session.commit()
    sheets = db.session.scalar(db.select(db.func.count(Scoresheet.id)))

    assert remove(client, sitting).status_code == 302
    assert roles_of(sitting) == ["regional_juror"]
    assert db.session.scalar(db.select(db.func.count(Scoresheet.id))) == sheets  # the regional ones all stay


def test_removing_someone_who_is_not_a_national_juror_is_404(client, shortlist, sitting):
    assert remove(client, shortlist.regional_jurors["HDF"][0]).status_code == 404


def test_recorded_conflict_takes_the_dossier_out_of_the_jurors_work(client, shortlist, sitting):
    assert expected_of(shortlist.edition, sitting) == 3

    response = record_conflict(client, sitting, shortlist.alpha)

    assert response.status_code == 302
    assert declarations() == [(sitting.id, shortlist.alpha.id, "national", True, REASON, "organiser")]
    assert expected_of(shortlist.edition, sitting) == 2
    page = page_text(client.get(JURY))
    assert f"nadia@example.org Alpha {REASON} l’organisateur" in page
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="conflict.record")).one()
    assert (entry.candidature_id, entry.actor_role, entry.data["stage"]) == (
        shortlist.alpha.id, "national_organiser", "national")


def test_a_conflict_on_a_dossier_off_the_shortlist_is_404(client, shortlist, sitting):
    assert record_conflict(client, sitting, shortlist.delta).status_code == 404
    assert declarations() == []


def test_the_operation_refuses_a_dossier_or_juror_of_another_jury(shortlist, sitting, clock):
    """Whatever the form offers, the operation itself keeps to the national jury's jurors and picks."""
    panel = Jury.national(shortlist.edition)
    regional_juror = shortlist.regional_jurors["HDF"][0]

    for juror, candidature in ((sitting, shortlist.delta), (regional_juror, shortlist.alpha)):
        with pytest.raises(Refused, match="ne relève pas de ce jury"):
            panel.record_conflict(juror, candidature, actor=shortlist.organiser, now=clock(), reason=REASON)
    assert declarations() == []


def test_a_conflict_needs_a_reason(client, shortlist, sitting):
    response = record_conflict(client, sitting, shortlist.alpha, reason="  ")

    assert response.status_code == 422
    assert "Indiquez la raison du conflit d’intérêts." in page_text(response)
    assert declarations() == []


def test_lifting_an_automatic_conflict_gives_the_dossier_back(client, shortlist, sitting, clock):
    detected = ConflictDeclaration(candidature_id=shortlist.beta.id, juror_id=sitting.id, stage="national",
                                   has_conflict=True, reason="Même FINESS.", source="automatic",
                                   declared_at=clock())
    db.session.add(detected)
    db.session.commit()
    assert expected_of(shortlist.edition, sitting) == 2

    lift(client, detected.id)

    assert declarations() == [(sitting.id, shortlist.beta.id, "national", False,
                               "Homonymie : ce n’est pas la même personne.", "organiser")]
    assert expected_of(shortlist.edition, sitting) == 3


def test_a_regional_conflict_cannot_be_lifted_from_the_national_page(client, shortlist, sitting, clock):
    regional = ConflictDeclaration(candidature_id=shortlist.alpha.id, juror_id=shortlist.regional_jurors["HDF"][0].id,
                                   stage="regional", has_conflict=True, reason="Salariée.", source="organiser",
                                   declared_at=clock())
    db.session.add(regional)
    db.session.commit()

    assert lift(client, regional.id).status_code == 404
    assert declarations()[0][3] is True


def test_conflicts_no_longer_change_once_the_winner_is_declared(client, shortlist, sitting):
    shortlist.edition.national_stage = "winner_declared"
    db.session.commit()

    response = record_conflict(client, sitting, shortlist.alpha)

    assert response.status_code == 422
    assert ("Le lauréat national est désigné : l’enregistrement ou la levée d’un conflit d’intérêts au jury "
            "national n’est plus possible.") in page_text(response)
    assert declarations() == []


def test_reminders_email_the_national_jurors_with_pending_work(client, shortlist, sitting, make_user, clock,
                                                               smtp_server):
    done = make_user(Role.NATIONAL_JUROR, email="fini@example.org")
    for pick in shortlist.picks:
        sheet(pick, done, [3, 3, 3, 3], "national", clock())
    db.session.commit()

    client.form(f"{JURY}/relancer", page=JURY)

    [message] = smtp_server.messages
    assert (message.envelope_to, message.message["Subject"]) == (["nadia@example.org"],
                                                                  "Jury national — 3 dossiers à évaluer")
    assert "Il vous reste 3 dossiers à évaluer pour le jury national.\n" in message.body
    assert "1 juré relancé par courriel." in page_text(client.get(JURY))
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="jury.remind")).one()
    assert (entry.actor_role, entry.data) == ("national_organiser", {"stage": "national", "jurors": [sitting.id]})


@pytest.mark.parametrize("role", [Role.REGIONAL_ORGANISER, Role.NATIONAL_JUROR])
def test_only_national_organisers_run_the_national_jury(client, login, make_user, shortlist, role):
    juror = make_user(Role.NATIONAL_JUROR, email="nadia@example.org")
    login(make_user(role, region="HDF" if role.is_regional else None))

    statuses = [remove(client, juror).status_code, record_conflict(client, juror, shortlist.alpha).status_code,
                client.form(f"{JURY}/relancer", page=JURY).status_code]

    assert statuses == [403, 403, 403]
    assert (roles_of(juror), declarations()) == (["national_juror"], [])
