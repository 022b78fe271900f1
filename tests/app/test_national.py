"""National organiser: access, overview of the regions, opening the national jury, reopening a region, jury."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import AuditEntry, User
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import audit, fresh, region, shortlist, states  # noqa: F401  (fixture)
from tests.conftest import BEFORE_DEADLINE, PASSWORD
from tests.smtp import smtp_server  # noqa: F401
from workflows.states import Role

PAGES = ["/national", "/national/selection", "/national/jury", "/national/classement", "/national/publication"]


@pytest.mark.parametrize("role", [Role.REGIONAL_ORGANISER, Role.REGIONAL_JUROR, Role.CANDIDATE, Role.NATIONAL_JUROR])
def test_national_pages_refused_to_other_roles(client, login, make_user, shortlist, role):
    login(make_user(role))

    statuses = [client.get(url).status_code for url in PAGES]
    statuses.append(client.get(f"/national/laureat/{shortlist.alpha.id}").status_code)

    assert statuses == [403] * (len(PAGES) + 1)


def test_national_pages_ask_anonymous_visitors_to_sign_in(client, shortlist):
    assert [client.get(url).status_code for url in PAGES] == [302] * len(PAGES)


def test_overview_counts_candidatures_drafts_and_picks_per_region(client, login, shortlist):
    hdf = region(shortlist.edition, "HDF")
    hdf.stage = "jury_open"
    db.session.commit()
    login(shortlist.organiser)

    text = page_text(client.get("/national"))

    assert "Hauts-de-France en cours jury régional ouvert 3 1 2 Île-de-France" in text  # picks: no excuse; the definition's order
    assert "Île-de-France réglée sélection régionale close 2 0 1 Rouvrir Île-de-France" in text
    assert "Régions ni closes ni excusées : Hauts-de-France." in text


def test_open_national_jury_refused_while_a_region_is_neither_closed_nor_excused(client, login, shortlist):
    region(shortlist.edition, "HDF").stage = "jury_open"
    db.session.commit()
    login(shortlist.organiser)

    response = client.form("/national/ouvrir-jury", {}, page="/national")

    assert response.status_code == 422
    assert ("Des régions n’ont ni clôturé leur sélection ni été excusées (Hauts-de-France) : clôturez-les ou "
            "excusez-les avec un motif écrit.") in page_text(response)
    assert fresh(shortlist.edition).national_stage == "regional"
    assert audit("edition.open_national_jury") == []


def test_open_national_jury_refused_before_the_deadline(client, login, shortlist, clock):
    login(shortlist.organiser)
    clock.set(BEFORE_DEADLINE)  # after signing in: the organiser's authenticator was enrolled after the deadline

    response = client.form("/national/ouvrir-jury", {}, page="/national")

    assert response.status_code == 422
    assert ("L’ouverture du jury national n’est possible qu’après la date limite de dépôt (dimanche 15 octobre "
            "2017 à minuit, heure de Paris).") in page_text(response)
    assert fresh(shortlist.edition).national_stage == "regional"


def test_open_national_jury_when_every_region_is_closed(client, login, shortlist):
    login(shortlist.organiser)

    response = client.form("/national/ouvrir-jury", {}, page="/national")

    assert response.status_code == 302
    assert fresh(shortlist.edition).national_stage == "national_jury"
    assert audit("edition.open_national_jury") == [(None, None, "regional", "national_jury", None)]
    assert "Le jury national est ouvert." in page_text(client.get("/national"))


def test_reopen_region_puts_candidatures_not_selected_back_before_its_jury(client, login, shortlist):
    hdf = region(shortlist.edition, "HDF")
    hdf.closing_reason = "Clôture hâtive."
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    login(shortlist.organiser)

    response = client.form(f"/national/regions/{hdf.id}/rouvrir", {"reason": "Un juré n’a pas été entendu."})

    assert response.status_code == 302
    assert (region(shortlist.edition, "HDF").stage, region(shortlist.edition, "HDF").closing_reason) == ("jury_open", None)
    assert states(shortlist.delta, shortlist.alpha) == ["regional_jury", "national_shortlist"]
    assert audit("region.reopen_region") == [(None, hdf.id, "closed", "jury_open", "Un juré n’a pas été entendu.")]
    assert audit("candidature.reopen_region") == [
        (shortlist.delta.id, hdf.id, "regional_not_selected", "regional_jury", "Un juré n’a pas été entendu.")]


def test_reopen_region_requires_a_reason(client, login, shortlist):
    hdf = region(shortlist.edition, "HDF")
    login(shortlist.organiser)

    response = client.form(f"/national/regions/{hdf.id}/rouvrir", {"reason": ""})

    assert response.status_code == 422
    assert "Indiquez le motif de cette décision." in page_text(response)
    assert region(shortlist.edition, "HDF").stage == "closed"


def test_reopen_region_refused_once_the_winner_is_declared(client, login, shortlist):
    shortlist.edition.national_stage = "winner_declared"
    db.session.commit()
    hdf = region(shortlist.edition, "HDF")
    login(shortlist.organiser)

    response = client.form(f"/national/regions/{hdf.id}/rouvrir", {"reason": "Trop tard ?"})

    assert response.status_code == 422
    assert ("Le lauréat national est désigné : la réouverture d’une sélection régionale n’est plus possible."
            in page_text(response))
    assert (region(shortlist.edition, "HDF").stage, states(shortlist.delta)) == ("closed", ["regional_not_selected"])
    assert "Rouvrir" not in page_text(client.get("/national"))


def test_invited_national_juror_sets_a_password_and_reaches_the_national_jury(app, client, login, shortlist,
                                                                             smtp_server):
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    login(shortlist.organiser)

    response = client.form("/national/jury/inviter", {"email": "Nadia@Example.org", "name": "Nadia Juré"},
                           page="/national/jury")

    assert response.status_code == 302
    [message] = smtp_server.to("nadia@example.org")
    assert message.message["Subject"] == "Invitation au jury national — Semaine de la sécurité des patients 2017"
    juror = db.session.scalar(db.select(User).filter_by(email="nadia@example.org"))
    assert [(m.role, m.region_id) for m in juror.memberships] == [("national_juror", None)]
    assert "Nadia Juré <nadia@example.org> invitation en attente 0 / 3" in page_text(client.get("/national/jury"))
    invitee = app.test_client()
    link = message.link(app.config["BASE_URL"])
    assert invitee.form(link, {"password": PASSWORD, "confirmation": PASSWORD}).status_code == 302
    assert invitee.form("/connexion", {"email": "nadia@example.org", "password": PASSWORD}).status_code == 302
    assert f"/jury/national/{shortlist.alpha.id}/declaration" in invitee.get("/jury/national").get_data(as_text=True)
    accepted = db.session.scalars(db.select(AuditEntry).filter_by(action="jury.accept_invitation")).one()
    assert (accepted.actor_role, accepted.region_id) == ("national_juror", None)


def test_inviting_a_sitting_national_juror_again_is_refused(client, login, make_user, shortlist):
    juror = make_user(Role.NATIONAL_JUROR, email="sitting@example.org")
    login(shortlist.organiser)

    response = client.form("/national/jury/inviter", {"email": juror.email, "name": "Déjà là"}, page="/national/jury")

    assert response.status_code == 422
    assert "sitting@example.org fait déjà partie du jury national." in page_text(response)
    assert audit("jury.invite") == []
