"""Dossiers received by email: the ARS enters them on the sender's behalf, who takes them over."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEntry, Candidature, User, UserToken
from tests import factories
from tests.app.attachment_helpers import PDF, rows, upload, upload_url
from tests.app.dossier_helpers import step_url
from tests.app.regional_helpers import AFTER_DEADLINE, DEADLINE, organiser, page, region  # noqa: F401
from tests.app.test_dossier import complete_form
from tests.concurrency import at_once, copy_of
from tests.conftest import PARIS, PASSWORD, csrf_token, sign_in
from workflows.dossier import STEPS
from workflows.states import Role

SENDER = "Porteuse.Projet@Example.org"
RECEIVED = datetime(2017, 10, 15, 22, 30, tzinfo=PARIS)  # half an hour before the deadline, Paris time
SUBJECT = "Votre dossier reçu par courriel"


def entry_url(code: str = "HDF") -> str:
    return f"/ars/{region(code).id}/dossier-recu-par-courriel"


def entry_form(client, code: str = "HDF") -> dict[str, str]:
    """The hidden fields of one rendering of the entry form (CSRF token, one-time entry key), as a browser
    keeps them."""
    html = client.get(entry_url(code)).get_data(as_text=True)
    return {"csrf_token": csrf_token(html), **dict(re.findall(r'name="(entry_key)" type="hidden" value="([^"]*)"', html))}


def enter(client, received: str = "2017-10-15T22:30", sender: str = SENDER, code: str = "HDF", form=None,
          **overrides):
    """Send the entry form: a new rendering of it, or ``form`` (the hidden fields of one read earlier)."""
    return client.post(entry_url(code), data={**(form or entry_form(client, code)), "sender_email": sender,
                                              "received_at": received, **complete_form(**overrides)})


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


def test_the_same_form_sent_twice_enters_one_dossier(client, clock, organiser, smtp_server):
    clock.set(AFTER_DEADLINE)
    form = entry_form(client)

    first = enter(client, form=form)
    second = enter(client, form=form)  # a double click, or the form sent again from the browser's history

    [candidature] = entered()
    assert (first.status_code, second.status_code) == (302, 302)
    assert first.headers["Location"] == second.headers["Location"] == \
        f"/ars/{region('HDF').id}/candidatures/{candidature.id}"
    assert f"Ce formulaire avait déjà été envoyé : le dossier est enregistré une seule fois (récépissé n° " \
           f"{candidature.receipt_number}), rien d’autre n’a été créé." in page(client.get(second.headers["Location"]))
    assert len(audit("candidature.enter_emailed_dossier")) == 1
    assert len(smtp_server.to(SENDER.lower())) == 1


def test_a_double_click_sends_two_requests_at_once_and_enters_one_dossier(app, client, clock, organiser,
                                                                        smtp_server):
    clock.set(AFTER_DEADLINE)
    form = entry_form(client)
    browsers = [copy_of(app, client), copy_of(app, client)]

    responses = at_once(app, [lambda browser=browser: enter(browser, form=form) for browser in browsers])

    [candidature] = entered()
    assert [response.status_code for response in responses] == [302, 302]
    assert {response.headers["Location"] for response in responses} == {
        f"/ars/{region('HDF').id}/candidatures/{candidature.id}"}
    assert len(audit("candidature.enter_emailed_dossier")) == 1
    assert len(smtp_server.to(SENDER.lower())) == 1


def test_a_form_with_a_blank_entry_key_is_refused_and_shown_with_a_new_one(client, clock, organiser):
    clock.set(AFTER_DEADLINE)

    response = enter(client, form={**entry_form(client), "entry_key": ""})

    assert response.status_code == 422
    assert "Ce formulaire a expiré : rechargez la page." in page(response)
    assert re.search(r'name="entry_key" type="hidden" value="[\w-]{22}"', response.get_data(as_text=True))
    assert entered() == []


def test_the_database_refuses_two_dossiers_with_one_entry_key(edition, make_user, clock):
    owner = make_user(Role.CANDIDATE)
    db.session.add_all(factories.candidature(edition, owner, at=clock(), state="submitted", entry_key="k" * 22)
                       for _ in range(2))

    with pytest.raises(IntegrityError):
        db.session.commit()


def dossier_url(candidature) -> str:
    return f"/ars/{candidature.region_id}/candidatures/{candidature.id}"


def resend(client, candidature):
    return client.form(f"{dossier_url(candidature)}/renvoyer-invitation", page=dossier_url(candidature))


def take_over_links(app, smtp_server, recipient: str) -> list[str]:
    return [m.link(app.config["BASE_URL"]) for m in smtp_server.to(recipient) if m.message["Subject"].startswith(SUBJECT)]


def test_ars_resends_the_invitation_and_only_the_new_link_works(app, client, clock, organiser, smtp_server):
    clock.set(AFTER_DEADLINE)
    enter(client)
    [candidature] = entered()
    assert "Renvoyer l’invitation" in page(client.get(dossier_url(candidature)))

    response = resend(client, candidature)

    old, new = take_over_links(app, smtp_server, SENDER.lower())
    candidate = app.test_client()
    assert response.headers["Location"] == dossier_url(candidature)
    assert f"Un nouveau lien pour reprendre le dossier est envoyé à {SENDER.lower()} ; les liens précédents ne " \
           "fonctionnent plus." in page(client.get(dossier_url(candidature)))
    assert audit("candidature.resend_take_over") == [
        ("candidature.resend_take_over", organiser.id, {"sender_email": SENDER.lower()})]
    assert old != new
    assert candidate.get(old).status_code == 404
    opened = candidate.form(new, {"password": "un mot de passe assez long", "confirmation": "un mot de passe assez long"})
    assert opened.status_code == 302
    assert entered()[0].taken_over_at == clock()


def test_no_invitation_is_resent_once_the_dossier_is_taken_over(app, client, clock, organiser, smtp_server):
    clock.set(AFTER_DEADLINE)
    enter(client)
    [candidature] = entered()
    [link] = take_over_links(app, smtp_server, SENDER.lower())
    app.test_client().form(link, {"password": "un mot de passe assez long", "confirmation": "un mot de passe assez long"})

    token = csrf_token(client.get(dossier_url(candidature)).get_data(as_text=True))
    response = client.post(f"{dossier_url(candidature)}/renvoyer-invitation", data={"csrf_token": token})

    shown = page(client.get(response.headers["Location"]))
    assert "Le candidat a déjà repris ce dossier : il n’y a plus d’invitation à renvoyer." in shown
    assert "Renvoyer l’invitation" not in shown
    assert len(take_over_links(app, smtp_server, SENDER.lower())) == 1
    assert audit("candidature.resend_take_over") == []


def test_only_the_ars_of_the_region_resends_the_invitation(app, client, clock, organiser, make_user, smtp_server):
    clock.set(AFTER_DEADLINE)
    enter(client)
    [candidature] = entered()
    other = app.test_client()
    sign_in(other, make_user(Role.REGIONAL_ORGANISER, region="IDF").email)
    token = csrf_token(other.get(f"/ars/{region('IDF').id}").get_data(as_text=True))

    response = other.post(f"{dossier_url(candidature)}/renvoyer-invitation", data={"csrf_token": token})

    assert response.status_code == 404
    assert len(take_over_links(app, smtp_server, SENDER.lower())) == 1
    assert audit("candidature.resend_take_over") == []


def test_ars_attaches_the_pieces_received_by_email_within_the_limit_checked_by_content(
        app, client, clock, organiser):
    clock.set(AFTER_DEADLINE)
    enter(client)
    [candidature] = entered()
    assert f"/candidatures/{candidature.id}/pieces-jointes/" in page(client.get(dossier_url(candidature)))

    hostile = upload(client, candidature, "piece.pdf", b"<html><script>alert(1)</script>")
    added = [upload(client, candidature, f"piece-{number}.pdf", PDF) for number in range(1, 5)]

    assert hostile.status_code == 200 and "Ce type de fichier n’est pas accepté." in page(hostile)
    assert [response.status_code for response in added] == [302, 302, 302, 200]
    assert "3 pièces jointes maximum" in page(added[-1])
    assert [(row.display_name, row.uploaded_by_id) for row in rows()] == [
        (f"piece-{number}.pdf", organiser.id) for number in range(1, 4)]
    assert db.session.execute(db.select(AuditEntry.actor_id, AuditEntry.actor_role).filter_by(
        action="attachment.add")).all() == [(organiser.id, "regional_organiser")] * 3


@pytest.mark.parametrize("moment", ["taken_over", "jury_open"])
def test_ars_no_longer_attaches_once_taken_over_or_the_jury_open(app, client, clock, organiser, smtp_server, moment):
    clock.set(AFTER_DEADLINE)
    enter(client)
    [candidature] = entered()
    if moment == "taken_over":
        [link] = take_over_links(app, smtp_server, SENDER.lower())
        app.test_client().form(link, {"password": "un mot de passe assez long",
                                      "confirmation": "un mot de passe assez long"})
    else:
        client.form(f"/ars/{region('HDF').id}/ouvrir-jury", page=f"/ars/{region('HDF').id}")
    token = csrf_token(client.get(upload_url(candidature)).get_data(as_text=True))

    response = client.post(upload_url(candidature), data={"csrf_token": token, "file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")

    expected = {"taken_over": "Le candidat a repris ce dossier : c’est à lui d’en joindre les pièces.",
                "jury_open": "n’est pas possible quand la région est à l’étape"}[moment]
    assert expected in page(response)
    assert rows() == []


def test_ars_attaches_only_to_dossiers_it_entered_in_its_region(app, client, clock, organiser, make_user, edition):
    clock.set(AFTER_DEADLINE)
    enter(client)
    [entered_one] = entered()
    submitted = factories.candidature(edition, make_user(Role.CANDIDATE), at=clock(), state="submitted")
    db.session.add(submitted)
    db.session.commit()
    other = app.test_client()
    sign_in(other, make_user(Role.REGIONAL_ORGANISER, region="IDF").email)

    mine = upload(client, submitted, "a.pdf", PDF)
    theirs = upload(other, entered_one, "a.pdf", PDF)

    assert (mine.status_code, theirs.status_code) == (404, 404)
    assert rows() == []
