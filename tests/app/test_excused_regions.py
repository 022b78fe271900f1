"""A region that held no jury: the national organiser excuses it, its candidates are told the truth,
and nothing crosses the levels once the national stage has moved on."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Candidature
from tests import factories
from tests.app.attachment_helpers import page_text
from tests.app.national_helpers import audit, fresh, region, shortlist, states  # noqa: F401  (fixture)
from tests.conftest import sign_in
from tests.smtp import smtp_server  # noqa: F401
from workflows.states import Role

REASON = "L’ARS n’a pas pu réunir de jury cette année."


@pytest.fixture
def corse(shortlist, make_user, clock):
    """Corse never opened its jury: two submitted dossiers and a draft wait there."""
    cor = region(shortlist.edition, "COR")
    cor.stage = "submissions"
    made = []
    for name, state in (("Ajaccio", "submitted"), ("Bastia", "submitted"), ("Corte", "draft")):
        owner = make_user(Role.CANDIDATE, email=f"{name.lower()}@example.org")
        made.append(factories.candidature(shortlist.edition, owner, at=clock(), region="COR", state=state,
                                          title=f"Projet {name}"))
    db.session.add_all(made)
    db.session.commit()
    return cor, made


def decide(client, login, shortlist, cor, decision, reason=REASON):
    login(shortlist.organiser)
    return client.form(f"/national/regions/{cor.id}/{decision}", {"reason": reason})


def test_overview_offers_to_excuse_a_region_that_held_no_jury(client, login, shortlist, corse):
    login(shortlist.organiser)

    text = page_text(client.get("/national"))

    assert "Corse en cours dépôt des candidatures 2 1 0 Excuser Corse" in text
    assert "Régions ni closes ni excusées : Corse." in text
    assert "Ouvrir le jury national" not in text


def test_excusing_a_region_settles_its_dossiers_and_tells_each_candidate_the_truth(client, login, shortlist, corse,
                                                                                 smtp_server):
    cor, (ajaccio, bastia, corte) = corse

    response = decide(client, login, shortlist, cor, "excuser")

    assert response.status_code == 302
    assert (region(shortlist.edition, "COR").stage, region(shortlist.edition, "COR").closing_reason) == (
        "excused", REASON)
    assert states(ajaccio, bastia, corte) == ["region_excused", "region_excused", "draft"]
    assert audit("region.excuse_region") == [(None, cor.id, "submissions", "excused", REASON)]
    assert audit("candidature.excuse_region") == [
        (ajaccio.id, cor.id, "submitted", "region_excused", REASON),
        (bastia.id, cor.id, "submitted", "region_excused", REASON)]
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == ["ajaccio@example.org", "bastia@example.org"]
    body = smtp_server.to("ajaccio@example.org")[0].body
    assert "La région Corse n’a pas réuni de jury régional pour cette édition du concours" in body
    assert REASON in body
    assert "non retenu" not in body


def test_excuse_needs_a_written_reason(client, login, shortlist, corse):
    cor, _made = corse

    response = decide(client, login, shortlist, cor, "excuser", reason="  ")

    assert response.status_code == 422
    assert "Indiquez le motif de cette décision." in page_text(response)
    assert region(shortlist.edition, "COR").stage == "submissions"


def test_a_region_with_picks_closes_it_is_not_excused(client, login, shortlist):
    hdf = region(shortlist.edition, "HDF")
    hdf.stage = "jury_open"
    db.session.commit()

    response = decide(client, login, shortlist, hdf, "excuser")

    assert response.status_code == 422
    assert ("La région a déjà retenu des candidatures : son ARS clôture la sélection, la région n’est pas "
            "excusée.") in page_text(response)
    assert region(shortlist.edition, "HDF").stage == "jury_open"


def test_once_excused_the_national_jury_opens_and_publication_tells_the_truth(client, login, shortlist, corse,
                                                                             smtp_server):
    cor, (ajaccio, _bastia, _corte) = corse
    decide(client, login, shortlist, cor, "excuser")

    opened = client.form("/national/ouvrir-jury", {}, page="/national")
    client.form(f"/national/laureat/{shortlist.alpha.id}", {"rationale": "Projet exemplaire."})
    published = client.form("/national/publication", {})

    assert (opened.status_code, published.status_code, fresh(shortlist.edition).national_stage) == (
        302, 302, "published")
    [outcome] = smtp_server.to("ajaccio@example.org")[1:]
    assert "Votre région n’a pas réuni de jury régional cette année" in outcome.body
    assert "non retenu" not in outcome.body
    dashboard = page_text(client.get(f"/ars/{cor.id}"))
    assert "non examinée : pas de jury régional" in dashboard
    assert f"Région excusée par l’organisation nationale {REASON}" in dashboard


def test_reinstating_an_excused_region_gives_its_dossiers_back_to_its_jury(client, login, shortlist, corse,
                                                                           smtp_server):
    cor, (ajaccio, bastia, _corte) = corse
    decide(client, login, shortlist, cor, "excuser")

    response = client.form(f"/national/regions/{cor.id}/reintegrer", {"reason": "Le jury se réunira le 20."})

    assert response.status_code == 302
    assert (region(shortlist.edition, "COR").stage, states(ajaccio, bastia)) == (
        "submissions", ["submitted", "submitted"])
    assert "Votre candidature sera examinée" in [m.message["Subject"] for m in smtp_server.to("ajaccio@example.org")]


def test_no_reinstatement_once_the_national_jury_is_open(client, login, shortlist, corse):
    cor, (ajaccio, _bastia, _corte) = corse
    decide(client, login, shortlist, cor, "excuser")
    client.form("/national/ouvrir-jury", {}, page="/national")

    response = client.form(f"/national/regions/{cor.id}/reintegrer", {"reason": "Trop tard ?"})

    assert response.status_code == 422
    assert ("La réintégration d’une région excusée n’est plus possible : le concours est à l’étape « jury "
            "national ouvert ».") in page_text(response)
    assert states(ajaccio) == ["region_excused"]


def test_after_publication_a_region_that_never_held_a_jury_can_do_nothing(app, client, login, shortlist, corse,
                                                                         make_user):
    """The reported leak: an ARS opening its jury, picking and closing after the results were out."""
    cor, (ajaccio, _bastia, _corte) = corse
    decide(client, login, shortlist, cor, "excuser")
    client.form("/national/ouvrir-jury", {}, page="/national")
    client.form(f"/national/laureat/{shortlist.alpha.id}", {"rationale": "Projet exemplaire."})
    client.form("/national/publication", {})
    ars, client = make_user(Role.REGIONAL_ORGANISER, region="COR"), app.test_client()
    sign_in(client, ars.email)

    opened = client.form(f"/ars/{cor.id}/ouvrir-jury", {}, page=f"/ars/{cor.id}")
    refusal = page_text(client.get(f"/ars/{cor.id}"))
    picked = client.form(f"/ars/{cor.id}/selection/{ajaccio.id}", {"opinion": "Excellent."})
    closed = client.form(f"/ars/{cor.id}/cloture", {"reason": "Fin."})

    assert "Cette action n’est pas possible pour une région à l’étape « excusée : pas de jury régional »." in refusal
    assert (opened.status_code, picked.status_code, closed.status_code) == (302, 422, 422)
    assert (region(shortlist.edition, "COR").stage, states(ajaccio)) == ("excused", ["region_excused"])
    assert db.session.scalar(db.select(db.func.count(Candidature.id)).filter_by(state="winner")) == 1


def test_a_closed_region_acts_again_only_once_the_national_organiser_reopens_it(app, client, login, shortlist,
                                                                                make_user):
    hdf = region(shortlist.edition, "HDF")
    login(shortlist.organiser)
    client.form("/national/ouvrir-jury", {}, page="/national")
    ars, ars_client = make_user(Role.REGIONAL_ORGANISER, region="HDF"), app.test_client()
    sign_in(ars_client, ars.email)
    invite = {"email": "nouveau@example.org", "name": "Nouveau Juré"}

    offered_while_closed = "Inviter un juré" in page_text(ars_client.get(f"/ars/{hdf.id}/jury"))
    refused = ars_client.form(f"/ars/{hdf.id}/jury/inviter", invite, page=f"/ars/{hdf.id}/jury")
    client.form(f"/national/regions/{hdf.id}/rouvrir", {"reason": "Un juré n’a pas été entendu."})
    offered_once_reopened = "Inviter un juré" in page_text(ars_client.get(f"/ars/{hdf.id}/jury"))
    accepted = ars_client.form(f"/ars/{hdf.id}/jury/inviter", invite, page=f"/ars/{hdf.id}/jury")

    assert (offered_while_closed, offered_once_reopened) == (False, True)
    assert refused.status_code == 422
    assert ("L’invitation d’un juré régional n’est pas possible quand la région est à l’étape « sélection "
            "régionale close ».") in page_text(refused)
    assert accepted.status_code == 302
