"""Dossiers received by email: the ARS enters them on the sender's behalf, who takes them over."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEntry, Candidature, User, UserToken
from tests.app.dossier_helpers import step_url
from tests.app.regional_helpers import AFTER_DEADLINE, DEADLINE, organiser, page, region  # noqa: F401
from tests.app.test_dossier import complete_form
from tests.conftest import PARIS, PASSWORD
from workflows.dossier import STEPS
from workflows.states import Role

SENDER = "Porteuse.Projet@Example.org"
RECEIVED = datetime(2017, 10, 15, 22, 30, tzinfo=PARIS)  # half an hour before the deadline, Paris time
SUBJECT = "Votre dossier reçu par courriel"


def entry_url(code: str = "HDF") -> str:
    return f"/ars/{region(code).id}/dossier-recu-par-courriel"


def enter(client, received: str = "2017-10-15T22:30", sender: str = SENDER, code: str = "HDF", **overrides):
    return client.form(entry_url(code), {"sender_email": sender, "received_at": received,
                                         **complete_form(**overrides)})


def entered() -> list[Candidature]:
    db.session.expire_all()
    return db.session.scalars(db.select(Candidature).order_by(Candidature.id)).all()


def audit(*actions: str) -> list[tuple]:
    return db.session.execute(db.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.data)
                              .where(AuditEntry.action.in_(actions)).order_by(AuditEntry.id)).all()


def take_over_link(app, smtp_server, recipient: str) -> str:
    [message] = [m for m in smtp_server.to(recipient) if m.message["Subject"].startswith(SUBJECT)]
    return message.link(app.config["BASE_URL"])


def test_ars_enters_after_the_deadline_a_dossier_received_before_it(app, client, clock, organiser, smtp_server):
    clock.set(AFTER_DEADLINE)

    response = enter(client)

    [candidature] = entered()
    owner = candidature.owner
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ars/{region('HDF').id}/candidatures/{candidature.id}"
    assert (candidature.state, candidature.submitted_at, candidature.received_at, candidature.receipt_issued_at) == (
        "submitted", RECEIVED, RECEIVED, AFTER_DEADLINE)
    assert (candidature.entered_by_id, candidature.sender_email, candidature.taken_over_at) == (
        organiser.id, "porteuse.projet@example.org", None)
    assert (candidature.title, candidature.region.code) == ("Patients traceurs de leur sortie", "HDF")
    assert (owner.email, owner.password_hash, owner.roles) == ("porteuse.projet@example.org", None, {Role.CANDIDATE})
    assert audit("candidature.enter_emailed_dossier") == [
        ("candidature.enter_emailed_dossier", organiser.id,
         {"sender_email": "porteuse.projet@example.org", "received_at": "2017-10-15T20:30:00+00:00", "owner_id": owner.id,
          "receipt_number": candidature.receipt_number})]
    shown = page(client.get(response.headers["Location"]))
    assert "Saisi par l’ARS" in shown and "en attente de reprise par le candidat" in shown.lower()
    assert "15/10/2017 22:30" in shown
    dashboard = page(client.get(f"/ars/{region('HDF').id}"))
    assert "saisi par l’ARS" in dashboard and "en attente de reprise" in dashboard
    link = take_over_link(app, smtp_server, owner.email)
    assert link.startswith("/candidatures/reprise/")
    [message] = smtp_server.to(owner.email)
    assert candidature.receipt_number in message.body
    assert "15/10/2017 à 22:30:00" in message.body


@pytest.mark.parametrize(("received", "reason"), [
    ("2017-10-16T00:00", "Le courriel a été reçu après la date limite de dépôt"),
    ("2017-10-18T10:00", "ne peut pas être dans le futur"),
])
def test_receipt_time_at_the_deadline_or_in_the_future_is_refused_keeping_what_was_typed(
        client, clock, organiser, smtp_server, received, reason):
    clock.set(DEADLINE + timedelta(days=1))

    response = enter(client, received=received, title="Un titre tapé par l’ARS")

    shown = page(response)
    assert response.status_code == 422
    assert reason in shown
    assert "Un titre tapé par l’ARS" in shown and SENDER in shown and received in shown
    assert entered() == []
    assert db.session.scalar(db.select(User).filter_by(email=SENDER.lower())) is None
    assert audit("candidature.enter_emailed_dossier", "user.create") == [
        ("user.create", None, {"user_id": organiser.id, "role": "regional_organiser"})]
    assert smtp_server.to(SENDER.lower()) == []


def test_incomplete_dossier_is_refused_with_what_is_missing(client, organiser):
    response = enter(client, summary="")

    assert response.status_code == 422
    assert "Élément manquant" in page(response)
    assert entered() == []


def test_ars_cannot_enter_a_dossier_for_another_region(client, organiser):
    assert client.get(entry_url("IDF")).status_code == 404
    assert enter(client, code="IDF").status_code in (400, 404)
    assert entered() == []


def test_entry_closes_once_the_regional_jury_is_open(client, clock, organiser):
    clock.set(AFTER_DEADLINE)
    client.form(f"/ars/{region('HDF').id}/ouvrir-jury", page=f"/ars/{region('HDF').id}")

    response = enter(client)

    assert response.status_code == 422
    assert "n’est pas possible quand la région est à l’étape" in page(response)
    assert entered() == []
    assert "Saisir un dossier reçu par courriel" not in page(client.get(f"/ars/{region('HDF').id}"))


def test_new_account_takes_over_by_the_link_then_reads_its_dossier(app, client, clock, organiser, smtp_server):
    enter(client, received="2017-09-30T09:00")  # the day before the clock's
    link = take_over_link(app, smtp_server, SENDER.lower())
    candidate = app.test_client()

    opened = candidate.form(link, {"password": "un mot de passe assez long", "confirmation": "un mot de passe assez long"})
    reused = candidate.get(link)
    signed_in = candidate.form("/connexion?next=/candidatures",
                               {"email": SENDER, "password": "un mot de passe assez long"})

    [candidature] = entered()
    assert opened.status_code == 302 and reused.status_code == 404 and signed_in.status_code == 302
    assert candidature.taken_over_at == clock()
    assert candidature.owner.email_verified_at == clock()
    assert audit("candidature.take_over") == [
        ("candidature.take_over", candidature.owner_id, {"account_opened": True})]
    moved = candidate.get(f"/candidatures/{candidature.id}")  # the address the email gave
    mine = page(candidate.get(moved.headers["Location"]))
    assert moved.headers["Location"] == step_url(candidature, 1)
    assert "saisi pour vous par l’agence régionale de santé" in mine and "Enregistrer" in mine  # before the deadline
    assert "en attente de reprise" not in page(client.get(f"/ars/{region('HDF').id}"))


def test_existing_account_signs_in_then_takes_over(app, client, clock, organiser, make_user, smtp_server):
    holder = make_user(Role.CANDIDATE, email="porteur@example.org")
    enter(client, received="2017-09-30T09:00", sender="porteur@example.org")
    link = take_over_link(app, smtp_server, holder.email)
    candidate = app.test_client()

    before = page(candidate.get(link))
    candidate.form("/connexion", {"email": holder.email, "password": PASSWORD})
    confirmed = candidate.form(link)

    [candidature] = entered()
    assert "connectez-vous avec cette adresse" in before
    assert (confirmed.status_code, candidature.owner_id, candidature.taken_over_at) == (302, holder.id, clock())
    assert db.session.scalar(db.select(UserToken.used_at).filter_by(purpose="take_over")) == clock()


def test_after_the_deadline_the_taken_over_dossier_stays_frozen(app, client, clock, organiser, smtp_server):
    clock.set(AFTER_DEADLINE)
    enter(client)
    link = take_over_link(app, smtp_server, SENDER.lower())
    candidate = app.test_client()
    candidate.form(link, {"password": "un mot de passe assez long", "confirmation": "un mot de passe assez long"})
    candidate.form("/connexion", {"email": SENDER, "password": "un mot de passe assez long"})

    [candidature] = entered()
    for number in range(1, len(STEPS) + 1):
        shown = page(candidate.get(step_url(candidature, number)))
        assert "Ce dossier n’est plus modifiable." in shown and 'value="next"' not in shown and 'value="save"' not in shown
    refused = candidate.form(step_url(candidature, 1), {"version": str(candidature.version), "action": "next",
                                                         "structure_name": "Changé après la date limite"})
    assert refused.status_code == 422 and entered()[0].structure_name != "Changé après la date limite"


def test_dossier_pdf_says_it_was_entered_by_the_ars(client, clock, organiser):
    clock.set(AFTER_DEADLINE)
    enter(client)
    [candidature] = entered()

    response = client.get(f"/exports/candidatures/{candidature.id}/dossier.pdf")

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert response.status_code == 200
    assert "saisi par l’ARS, reçu par courriel le 15/10/2017 à 22:30 (heure de Paris)" in " ".join(text.split())
