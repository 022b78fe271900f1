"""Personal data: a person downloads exactly their own; an organiser anonymises an account on request, refused
while the contest needs it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Attachment, Candidature, Partner, User
from tests.app.attachment_helpers import JPEG, PDF, page_text
from tests.app.dossier_helpers import review_url
from tests.app.national_helpers import shortlist  # noqa: F401  (fixture)
from tests.app.privacy_helpers import apply, archive, audit_rows, upload_dir_files
from tests.conftest import PASSWORD, sign_in
from tests.smtp import smtp_server  # noqa: F401  (fixture)
from workflows.states import Role

ERASURE = "/donnees-personnelles/effacement"


@pytest.fixture
def alice(app, make_user, edition, smtp_server):
    return apply(app, make_user, edition, name="Alice", file=("Bilan Alice.pdf", PDF), contact_name="Alice Durand",
                 contact_email="alice.durand@example.org")


@pytest.fixture
def bob(app, make_user, edition, smtp_server):
    return apply(app, make_user, edition, name="Bob", file=("Photo Bob.jpg", JPEG), contact_name="Bob Lefort",
                 contact_email="bob.lefort@example.org")


# -- download --------------------------------------------------------------------------------------

def test_my_data_holds_my_account_dossier_files_and_receipt_and_nothing_of_another_candidate(alice, bob, clock):
    data, entries = archive(alice.client.get("/donnees-personnelles/mes-donnees.zip"))

    folder = f"dossier-{alice.candidature.id}"
    receipt = f"{folder}/recepisse-{alice.candidature.receipt_number}.pdf"
    assert sorted(entries) == sorted(["donnees.json", f"{folder}/Bilan Alice.pdf", receipt])
    assert entries[f"{folder}/Bilan Alice.pdf"] == PDF
    assert entries[receipt].startswith(b"%PDF")
    assert (data["account"]["id"], data["account"]["email"]) == (alice.user.id, "alice@example.org")
    assert "password_hash" not in data["account"] and "session_token" not in data["account"]
    [dossier] = data["candidatures"]
    assert (dossier["id"], dossier["title"], dossier["contact_name"], dossier["state_shown"]) == (
        alice.candidature.id, "Projet Alice", "Alice Durand", "déposée")
    assert [p["name"] for p in dossier["partners"]] == ["Association des patients du Pas-de-Calais", "Dr Claire Petit"]
    assert dossier["attachments"][0]["file"] == f"{folder}/Bilan Alice.pdf"
    assert {"candidature.create", "attachment.add", "candidature.edit", "candidature.submit", "user.login",
            "user.create"} <= {row["action"] for row in data["log"]}
    text = json.dumps(data, ensure_ascii=False)
    assert [word for word in ("Bob", "bob", str(bob.candidature.receipt_number)) if word in text] == []
    [logged] = audit_rows("user.export_data")
    assert (logged.actor_id, logged.candidature_id, logged.data) == (
        alice.user.id, None, {"candidatures": [alice.candidature.id]})


def test_dossier_data_holds_that_dossier_only_and_is_refused_for_another_candidates(alice, bob):
    refused = alice.client.get(f"/donnees-personnelles/dossiers/{bob.candidature.id}.zip")
    data, entries = archive(alice.client.get(f"/donnees-personnelles/dossiers/{alice.candidature.id}.zip"))

    assert refused.status_code == 404
    assert [c["id"] for c in data["candidatures"]] == [alice.candidature.id]
    assert "account" not in data
    assert {row["candidature_id"] for row in data["log"]} == {alice.candidature.id}
    assert not any(content == JPEG for content in entries.values())
    assert [(row.actor_id, row.candidature_id) for row in audit_rows("user.export_data")] == [
        (alice.user.id, alice.candidature.id)]


def test_the_lists_link_to_the_downloads(alice):
    listing = alice.client.get("/candidatures").get_data(as_text=True)
    dossier = alice.client.get(review_url(alice.candidature)).get_data(as_text=True)
    personal = alice.client.get("/donnees-personnelles").get_data(as_text=True)

    assert 'href="/donnees-personnelles/mes-donnees.zip"' in listing
    assert f'href="/donnees-personnelles/dossiers/{alice.candidature.id}.zip"' in dossier
    assert 'href="/donnees-personnelles/mes-donnees.zip"' in personal
    assert "puis 24 mois (durée fixée par le règlement de l’édition en cours)" in page_text(
        alice.client.get("/donnees-personnelles"))


def test_data_download_needs_a_signed_in_person(client, alice):
    response = client.get("/donnees-personnelles/mes-donnees.zip")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    assert audit_rows("user.export_data") == []


def test_archive_tells_no_result_before_publication(app, shortlist):
    shortlist.alpha.receipt_issued_at = shortlist.alpha.submitted_at  # as a real submission sets it
    db.session.commit()
    client = app.test_client()
    sign_in(client, "alpha@example.org")

    data, _entries = archive(client.get("/donnees-personnelles/mes-donnees.zip"))

    [dossier] = data["candidatures"]
    assert dossier["state_shown"] == "en cours d’examen"
    assert "national_shortlist" not in json.dumps(data)


def test_juror_downloads_their_own_sheets(app, shortlist):
    juror = shortlist.regional_jurors["HDF"][0]
    client = app.test_client()
    sign_in(client, juror.email)

    data, entries = archive(client.get("/donnees-personnelles/mes-donnees.zip"))

    assert list(entries) == ["donnees.json"]
    assert data["candidatures"] == []
    assert [role["role"] for role in data["account"]["roles"]] == ["regional_juror"]
    sheets = data["jury"]["scoresheets"]
    assert sorted(sheet["candidature_id"] for sheet in sheets) == sorted(
        c.id for c in (shortlist.alpha, shortlist.beta, shortlist.delta))
    assert [m["value"] for m in sheets[0]["marks"]] == [5, 5, 5, 5]


# -- erasure on request ----------------------------------------------------------------------------

def published(edition, clock, *settled) -> None:
    """The edition's results are out; each settled candidature was not picked by its region."""
    edition.national_stage, edition.published_at = "published", clock()
    for candidature in settled:
        candidature.state = "regional_not_selected"
    db.session.commit()


@pytest.fixture
def organiser(app, make_user, edition):
    user = make_user(Role.NATIONAL_ORGANISER)
    client = app.test_client()
    sign_in(client, user.email)
    return client


def test_erasure_anonymises_the_account_and_its_dossiers(app, alice, bob, organiser, clock, make_user):
    published(alice.candidature.edition, clock, alice.candidature, bob.candidature)
    stored = alice.candidature.attachments[0].stored_name
    page = organiser.get(f"{ERASURE}?email=ALICE@example.org")

    response = organiser.form(f"{ERASURE}/{alice.user.id}", page=f"{ERASURE}?email=alice@example.org")

    assert "Ce que fait l’effacement" in page_text(page)
    assert response.status_code == 303
    after = page_text(organiser.get(response.headers["Location"]))
    assert "Le compte de alice@example.org est anonymisé" in after and "Vue d’ensemble" in after
    db.session.expire_all()
    user, dossier = db.session.get(User, alice.user.id), db.session.get(Candidature, alice.candidature.id)
    assert (user.email, user.display_name, user.password_hash, user.active, user.anonymised_at) == (
        f"anonyme-{user.id}@anonyme.invalid", "", None, False, clock())
    assert (dossier.contact_name, dossier.contact_email, dossier.contact_phone, dossier.contact_function) == (
        None, None, None, None)
    assert [p.name for p in db.session.scalars(db.select(Partner).filter_by(candidature_id=dossier.id))] == ["", ""]
    assert (dossier.title, dossier.identifier, dossier.anonymised_at) == ("Projet Alice", "620100057", clock())
    assert db.session.scalars(db.select(Attachment).filter_by(candidature_id=dossier.id)).all() == []
    assert stored not in upload_dir_files(app)
    assert bob.candidature.attachments[0].stored_name in upload_dir_files(app)  # another's file stays
    assert alice.client.get("/candidatures").status_code == 302  # the signed-in session has ended
    assert alice.client.form("/connexion", {"email": "alice@example.org", "password": PASSWORD}).status_code != 302
    [row] = audit_rows("user.anonymise")
    assert (row.actor_role, row.data) == ("national_organiser", {
        "user_id": user.id, "cause": "request", "candidatures": [dossier.id], "files_deleted": 1})
    assert "alice" not in json.dumps(row.data).lower()


def test_erasure_refused_while_the_dossier_is_under_examination_changes_nothing(app, alice, organiser):
    stored = alice.candidature.attachments[0].stored_name
    page = organiser.get(f"{ERASURE}?email=alice@example.org")

    response = organiser.form(f"{ERASURE}/{alice.user.id}", page=f"{ERASURE}?email=alice@example.org")

    reason = ("La candidature « Projet Alice » (Semaine de la sécurité des patients 2017) est en cours d’examen : "
              "ses données sont nécessaires au concours jusqu’à la publication des résultats.")
    assert reason in page_text(page)
    assert "Anonymiser ce compte" not in page_text(page)
    assert response.status_code == 303
    assert reason in page_text(organiser.get(response.headers["Location"]))
    db.session.expire_all()
    user, dossier = db.session.get(User, alice.user.id), db.session.get(Candidature, alice.candidature.id)
    assert (user.email, user.active, user.anonymised_at, dossier.contact_name) == (
        "alice@example.org", True, None, "Alice Durand")
    assert stored in upload_dir_files(app)
    assert audit_rows("user.anonymise") == []


def test_erasure_refused_for_a_juror_of_a_running_edition(organiser, make_user):
    juror = make_user(Role.REGIONAL_JUROR, email="jure@example.org")

    page = page_text(organiser.get(f"{ERASURE}?email=jure@example.org"))

    assert ("La personne est juré régional dans « Semaine de la sécurité des patients 2017 », dont les résultats "
            "ne sont pas publiés") in page
    assert db.session.get(User, juror.id).anonymised_at is None


def test_erasure_refused_for_a_published_winner_within_the_retention(app, shortlist, clock):
    edition = shortlist.edition
    shortlist.alpha.state = "winner"
    published(edition, clock)
    client = app.test_client()
    sign_in(client, shortlist.organiser.email)

    response = client.form(f"{ERASURE}/{shortlist.alpha.owner_id}", page=ERASURE)

    assert ("La candidature « Alpha » (Semaine de la sécurité des patients 2017) a été désignée lauréate : ses "
            "données sont conservées jusqu’au 15 novembre 2019") in page_text(
        client.get(response.headers["Location"]))
    assert db.session.get(User, shortlist.alpha.owner_id).anonymised_at is None


def test_erasure_of_a_candidate_not_picked_is_possible_once_results_are_published(app, shortlist, clock):
    published(shortlist.edition, clock)
    client = app.test_client()
    sign_in(client, shortlist.organiser.email)

    response = client.form(f"{ERASURE}/{shortlist.delta.owner_id}", page=ERASURE)

    assert response.status_code == 303
    assert db.session.get(User, shortlist.delta.owner_id).anonymised_at == clock()


def test_erasure_pages_are_for_national_organisers(app, alice, make_user, client, login):
    regional = make_user(Role.REGIONAL_ORGANISER)
    login(regional)

    assert client.get(ERASURE).status_code == 403
    assert alice.client.get(ERASURE).status_code == 403
    assert alice.client.form(f"{ERASURE}/{alice.user.id}", page="/candidatures").status_code == 403
    assert db.session.get(User, alice.user.id).anonymised_at is None


def test_erasure_page_says_when_no_account_has_the_address(organiser):
    page = page_text(organiser.get(f"{ERASURE}?email=personne@example.org"))

    assert "Aucun compte n’a cette adresse." in page


def test_administrator_reaches_the_erasure_page_from_the_personal_data_page(app, make_user, alice):
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    sign_in(client, admin.email)

    personal = client.get("/donnees-personnelles").get_data(as_text=True)
    page = page_text(client.get(f"{ERASURE}?email=alice@example.org"))

    assert f'href="{ERASURE}"' in personal
    assert f'href="{ERASURE}"' not in alice.client.get("/donnees-personnelles").get_data(as_text=True)
    assert "est en cours d’examen" in page


def test_edit_diffs_keep_the_names_of_personal_fields_only(alice, clock):
    from tests.app.test_dossier import complete_form, post_dossier

    clock.advance(timedelta(hours=1))
    post_dossier(alice.client, alice.candidature, complete_form(title="Projet Alice 2", contact_name="A. Durand",
                                                                contact_email="alice.durand@example.org"))

    [*_, edit] = audit_rows("candidature.edit")
    assert edit.data == {"changes": {"title": ["Projet Alice", "Projet Alice 2"]}, "receipt_reissued": True,
                         "personal_fields": ["contact_name"]}


def test_an_organisers_data_never_holds_their_authenticator_key_nor_password(app, edition, make_user):
    organiser = make_user(Role.REGIONAL_ORGANISER)  # enrolled: organisers must use a second factor
    client = app.test_client()
    sign_in(client, organiser.email)
    secret, password_hash = organiser.mfa_secret, organiser.password_hash

    response = client.get("/donnees-personnelles/mes-donnees.zip")

    data, _entries = archive(response)
    assert secret and data["account"]["mfa_enrolled_at"] is not None
    assert secret not in json.dumps(data) and password_hash not in json.dumps(data)
    assert not {"mfa_secret", "mfa_last_step", "password_hash", "session_token"} & set(data["account"])
