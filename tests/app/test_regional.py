"""The regional organiser: dashboard, scoping, admissibility decisions and the opening of the jury."""

from __future__ import annotations

import pytest

from app.transitions.regional import declare_inadmissible
from app.extensions import db
from app.models import Candidature, ConflictDeclaration, Region
from tests.app.regional_helpers import (  # noqa: F401  (fixtures)
    AFTER_DEADLINE, audit_rows, dossier, organiser, page, post_at_once, region, submitted_sheet)
from workflows.refusals import Refused
from workflows.states import Role

TOO_EARLY = ("L’ouverture du jury régional n’est possible qu’après la date limite de dépôt "
             "(dimanche 15 octobre 2017 à minuit, heure de Paris).")


def test_dashboard_counts_states_with_drafts_as_not_submitted_and_jury_progress(client, organiser, dossier,
                                                                                make_user, clock):
    dossier("draft"), dossier("draft"), dossier("submitted"), dossier("draft", region="IDF")
    scored, _waiting = dossier("regional_jury"), dossier("regional_jury")
    juror = make_user(Role.REGIONAL_JUROR, region="HDF", display_name="Alice Juré")
    submitted_sheet(juror, scored, clock())

    text = page(client.get(f"/ars/{region('HDF').id}"))

    assert "<td>non déposés</td><td>2</td>" in text
    assert "<td>déposée</td><td>1</td>" in text
    assert "<td>en examen par le jury régional</td><td>2</td>" in text
    assert "Étape régionale : dépôt des candidatures" in text
    assert '<progress value="1" max="2" aria-hidden="true"></progress>' in text
    assert "1 / 2" in text
    assert "Ouvrir le jury régional" not in text  # before the deadline the machine offers nothing


def test_dashboard_offers_open_jury_after_the_deadline(client, organiser, clock):
    clock.set(AFTER_DEADLINE)

    text = page(client.get(f"/ars/{region('HDF').id}"))

    assert "Ouvrir le jury régional" in text


def test_dashboard_offers_closing_once_the_jury_sits_with_every_sheet_in(client, organiser, clock):
    clock.set(AFTER_DEADLINE)
    db.session.execute(db.update(Region).filter_by(code="HDF").values(stage="jury_open"))

    text = page(client.get(f"/ars/{region('HDF').id}"))

    assert "Clôturer la sélection régionale" in text
    assert "Ouvrir le jury régional" not in text


def test_national_organiser_reads_any_region_without_action_buttons(client, make_user, login, edition, clock):
    login(make_user(Role.NATIONAL_ORGANISER))
    clock.set(AFTER_DEADLINE)

    response = client.get(f"/ars/{region('IDF').id}")

    assert response.status_code == 200
    assert "Ouvrir le jury régional" not in page(response)


def region_b_urls(dossier, make_user) -> tuple[list[str], list[str]]:
    """Pages and actions of IDF, a region the HDF organiser does not organise."""
    idf = region("IDF").id
    candidature = dossier("submitted", region="IDF")
    juror = make_user(Role.REGIONAL_JUROR, region="IDF")
    pages = [f"/ars/{idf}", f"/ars/{idf}/candidatures/{candidature.id}", f"/ars/{idf}/journal", f"/ars/{idf}/jury"]
    actions = [f"/ars/{idf}/ouvrir-jury", f"/ars/{idf}/candidatures/{candidature.id}/irrecevable",
               f"/ars/{idf}/candidatures/{candidature.id}/requalifier", f"/ars/{idf}/jury/inviter",
               f"/ars/{idf}/jury/{juror.id}/retirer", f"/ars/{idf}/jury/conflits", f"/ars/{idf}/jury/relancer"]
    return pages, actions


def test_organiser_of_another_region_gets_404_everywhere(client, organiser, dossier, make_user, clock):
    pages, actions = region_b_urls(dossier, make_user)
    own_page = f"/ars/{region('HDF').id}/jury"
    clock.set(AFTER_DEADLINE)

    statuses = [client.get(url).status_code for url in pages]
    statuses += [client.form(url, {"email": "x@example.org", "name": "X", "code": "doublon", "reason": "Motif.",
                                   "juror": "1", "candidature": "1"}, page=own_page).status_code
                 for url in actions]

    assert statuses == [404] * (len(pages) + len(actions))
    assert db.session.scalar(db.select(Region.stage).filter_by(code="IDF")) == "submissions"


def test_organiser_gets_404_for_another_regions_dossier_through_their_own_region(client, organiser, dossier):
    elsewhere = dossier("submitted", region="IDF")

    response = client.get(f"/ars/{region('HDF').id}/candidatures/{elsewhere.id}")

    assert response.status_code == 404


def test_organiser_gets_404_for_a_draft(client, organiser, dossier):
    draft = dossier("draft")

    assert client.get(f"/ars/{region('HDF').id}/candidatures/{draft.id}").status_code == 404


def test_conflict_on_another_regions_juror_is_404_and_dossier_refused(client, organiser, dossier, make_user):
    hdf = region("HDF").id
    own, foreign = dossier("regional_jury"), dossier("regional_jury", region="IDF")
    own_juror, foreign_juror = make_user(Role.REGIONAL_JUROR), make_user(Role.REGIONAL_JUROR, region="IDF")
    url = f"/ars/{hdf}/jury/conflits"

    statuses = [
        client.form(url, {"juror": str(own_juror.id), "candidature": foreign.receipt_number,
                          "reason": "Lien."}).status_code,
        client.form(url, {"juror": str(foreign_juror.id), "candidature": own.receipt_number,
                          "reason": "Lien."}).status_code,
    ]

    assert statuses == [422, 404]
    assert db.session.scalar(db.select(db.func.count(ConflictDeclaration.id))) == 0


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.REGIONAL_JUROR])
def test_candidate_or_juror_gets_403_on_organiser_pages(client, make_user, login, edition, dossier, role):
    login(make_user(role, region="HDF" if role.is_regional else None))
    hdf, candidature = region("HDF").id, dossier("submitted")

    statuses = [client.get(url).status_code for url in (
        f"/ars/{hdf}", f"/ars/{hdf}/candidatures/{candidature.id}", f"/ars/{hdf}/jury", f"/ars/{hdf}/journal")]

    assert statuses == [403] * 4


def inadmissible_url(candidature) -> str:
    return f"/ars/{candidature.region_id}/candidatures/{candidature.id}/irrecevable"


@pytest.mark.parametrize("data, message", [
    ({"reason": "Le projet est porté par un laboratoire."}, "Choisissez un motif dans la liste."),
    ({"code": "pas_dans_la_liste", "reason": "Autre."}, None),
    ({"code": "commercial", "reason": "  "}, "Précisez le motif d’irrecevabilité."),
])
def test_inadmissible_needs_a_listed_reason_and_a_text(client, organiser, dossier, data, message):
    candidature = dossier("submitted")

    response = client.form(inadmissible_url(candidature), data, page=f"/ars/{candidature.region_id}"
                                                                        f"/candidatures/{candidature.id}")

    assert response.status_code == 422
    if message:
        assert message in page(response)
    db.session.refresh(candidature)
    assert (candidature.state, candidature.inadmissibility_code) == ("submitted", None)
    assert audit_rows("candidature.declare_inadmissible") == []


def test_declare_inadmissible_operation_refuses_an_unlisted_code(app, organiser, dossier, clock):
    candidature = dossier("submitted")

    with pytest.raises(Refused) as refused:
        declare_inadmissible(candidature, actor=organiser, now=clock(), code="autre", reason="Motif.")

    assert refused.value.reasons == ["Choisissez un motif d’irrecevabilité dans la liste."]


def test_inadmissible_emails_the_candidate_with_the_reason(client, organiser, dossier, smtp_server, clock):
    candidature = dossier("submitted")
    url = f"/ars/{candidature.region_id}/candidatures/{candidature.id}"

    client.form(inadmissible_url(candidature),
                {"code": "commercial", "reason": "Le projet vend une application payante."}, page=url)

    assert "La candidature est déclarée irrecevable" in page(client.get(url))
    db.session.refresh(candidature)
    assert (candidature.state, candidature.inadmissibility_code, candidature.inadmissibility_reason) == (
        "inadmissible", "commercial", "Le projet vend une application payante.")
    assert audit_rows("candidature.declare_inadmissible") == [
        ("candidature.declare_inadmissible", candidature.id, "submitted", "inadmissible",
         "Le projet vend une application payante.")]
    [email] = smtp_server.to(candidature.owner.email)
    assert email.message["Subject"] == "Votre candidature est irrecevable"
    assert "Motif : Projet à visée commerciale." in email.body
    assert "Précisions : Le projet vend une application payante." in email.body


def requalify(client, candidature, reason="Le dossier complet était arrivé à temps."):
    url = f"/ars/{candidature.region_id}/candidatures/{candidature.id}"
    return client.form(f"{url}/requalifier", {"reason": reason}, page=url)


def test_requalify_restores_a_submitted_dossier_and_tells_the_candidate(client, organiser, dossier, smtp_server):
    candidature = dossier("inadmissible", inadmissibility_code="incomplet", inadmissibility_reason="Vide.")

    response = requalify(client, candidature)

    assert response.status_code == 302
    db.session.refresh(candidature)
    assert (candidature.state, candidature.inadmissibility_code, candidature.inadmissibility_reason) == (
        "submitted", None, None)
    assert audit_rows("candidature.requalify") == [
        ("candidature.requalify", candidature.id, "inadmissible", "submitted",
         "Le dossier complet était arrivé à temps.")]
    [email] = smtp_server.to(candidature.owner.email)
    assert email.message["Subject"] == "Votre candidature est de nouveau recevable"


def test_requalify_needs_a_reason(client, organiser, dossier):
    candidature = dossier("inadmissible", inadmissibility_code="doublon", inadmissibility_reason="Doublon.")

    response = requalify(client, candidature, reason="")

    assert response.status_code == 422
    assert "Indiquez pourquoi la candidature redevient recevable." in page(response)
    db.session.refresh(candidature)
    assert candidature.state == "inadmissible"


def test_requalify_while_the_jury_sits_puts_the_dossier_back_before_it(client, organiser, dossier, clock):
    clock.set(AFTER_DEADLINE)
    db.session.execute(db.update(Region).filter_by(code="HDF").values(stage="jury_open"))
    candidature = dossier("inadmissible", inadmissibility_code="doublon", inadmissibility_reason="Doublon.")

    requalify(client, candidature)

    db.session.refresh(candidature)
    assert (candidature.state, candidature.frozen_at) == ("regional_jury", AFTER_DEADLINE)
    assert audit_rows("candidature.requalify", "candidature.open_regional_jury") == [
        ("candidature.requalify", candidature.id, "inadmissible", "submitted",
         "Le dossier complet était arrivé à temps."),
        ("candidature.open_regional_jury", candidature.id, "submitted", "regional_jury", None)]


def open_jury(client, region_id: int):
    """Click the button, then read the dashboard it leads back to."""
    client.form(f"/ars/{region_id}/ouvrir-jury", page=f"/ars/{region_id}")
    return client.get(f"/ars/{region_id}")


def test_open_jury_before_the_deadline_is_refused_with_the_machines_message(client, organiser, dossier):
    candidature = dossier("submitted")

    response = open_jury(client, region("HDF").id)

    assert TOO_EARLY in page(response)
    assert region("HDF").stage == "submissions"
    db.session.refresh(candidature)
    assert (candidature.state, candidature.frozen_at) == ("submitted", None)
    assert audit_rows("region.open_regional_jury", "candidature.open_regional_jury") == []


def test_open_jury_after_the_deadline_freezes_every_submitted_dossier_of_the_region(client, organiser, dossier,
                                                                                     clock):
    first, second = dossier("submitted"), dossier("submitted")
    others = [dossier("draft"), dossier("withdrawn"), dossier("submitted", region="IDF")]
    clock.set(AFTER_DEADLINE)

    response = open_jury(client, region("HDF").id)

    assert "Le jury régional est ouvert : 2 dossiers lui sont soumis." in page(response)
    hdf = region("HDF")
    assert hdf.stage == "jury_open"
    states = dict(db.session.execute(db.select(Candidature.id, Candidature.state)).all())
    frozen = dict(db.session.execute(db.select(Candidature.id, Candidature.frozen_at)).all())
    assert [states[c.id] for c in (first, second, *others)] == [
        "regional_jury", "regional_jury", "draft", "withdrawn", "submitted"]
    assert [frozen[c.id] for c in (first, second, *others)] == [AFTER_DEADLINE, AFTER_DEADLINE, None, None, None]
    assert audit_rows("region.open_regional_jury", "candidature.open_regional_jury") == [
        ("region.open_regional_jury", None, "submissions", "jury_open", None),
        ("candidature.open_regional_jury", first.id, "submitted", "regional_jury", None),
        ("candidature.open_regional_jury", second.id, "submitted", "regional_jury", None)]


def test_two_organisers_opening_the_jury_at_once_open_it_once(app, client, organiser, dossier, clock):
    candidature = dossier("submitted")
    clock.set(AFTER_DEADLINE)
    hdf = region("HDF").id
    statuses = post_at_once(app, client, f"/ars/{hdf}", f"/ars/{hdf}/ouvrir-jury", {})

    assert statuses == [302, 302]
    assert [row[0] for row in audit_rows("region.open_regional_jury", "candidature.open_regional_jury")] == [
        "region.open_regional_jury", "candidature.open_regional_jury"]
    db.session.refresh(candidature)
    assert candidature.state == "regional_jury"


def test_inadmissibility_text_longer_than_the_definitions_limit_is_refused(client, organiser, dossier):
    candidature = dossier("submitted")
    url = f"/ars/{candidature.region_id}/candidatures/{candidature.id}"

    response = client.form(inadmissible_url(candidature), {"code": "doublon", "reason": "x" * 2001}, page=url)

    assert response.status_code == 422
    assert "Le texte ne doit pas dépasser 2000 caractères (2001 saisis)." in page(response)
    db.session.refresh(candidature)
    assert candidature.state == "submitted"


def test_opening_the_jury_emails_each_juror_in_their_language(client, organiser, dossier, make_user, smtp_server,
                                                                clock):
    dossier("submitted"), dossier("submitted"), dossier("submitted", region="IDF")
    french, english = make_user(Role.REGIONAL_JUROR), make_user(Role.REGIONAL_JUROR)
    english.preferred_locale = "en"
    db.session.commit()
    elsewhere = make_user(Role.REGIONAL_JUROR, region="IDF")
    clock.set(AFTER_DEADLINE)

    open_jury(client, region("HDF").id)

    [to_french] = smtp_server.to(french.email)
    [to_english] = smtp_server.to(english.email)
    assert to_french.message["Subject"] == "Le jury régional est ouvert — Hauts-de-France"
    assert "2 dossiers vous attendent." in to_french.body
    assert "2 applications are waiting for you." in to_english.body
    assert smtp_server.to(elsewhere.email) == []
