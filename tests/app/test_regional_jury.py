"""The regional organiser's jury: invitations, removals, recorded conflicts, reminders and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit import record
from app.extensions import db
from app.jury.juries import Jury
from app.jury.operations import detect_conflicts
from app.models import ConflictDeclaration, RoleMembership, Scoresheet, User, UserToken
from tests.app.jury_helpers import expected_regional
from tests.app.regional_helpers import (  # noqa: F401  (fixtures)
    audit_rows, dossier, organiser, page, post_at_once, region, submitted_sheet)
from workflows.states import Role

NEW_PASSWORD = "une phrase de passe du jury"


def jury_url() -> str:
    return f"/ars/{region('HDF').id}/jury"


def invite(client, email="claire.petit@example.org", name="Claire Petit", identifier=""):
    return client.form(f"{jury_url()}/inviter", {"email": email, "name": name, "organisation_identifier": identifier},
                       page=jury_url())


def memberships(email: str) -> list[tuple[str, str]]:
    return [(m.role, m.region.code if m.region else None) for m in db.session.scalars(
        db.select(RoleMembership).join(User).where(User.email == email).order_by(RoleMembership.id))]


def test_invitation_link_sets_the_password_and_the_juror_signs_in(app, client, organiser, smtp_server):
    response = invite(client, identifier="620 100 057")

    assert response.status_code == 302
    juror = db.session.scalar(db.select(User).filter_by(email="claire.petit@example.org"))
    assert (juror.password_hash, juror.display_name, juror.organisation_identifier) == (None, "Claire Petit",
                                                                                        "620100057")
    assert memberships(juror.email) == [("regional_juror", "HDF")]
    [email] = smtp_server.to(juror.email)
    assert email.message["Subject"] == "Invitation au jury régional — Hauts-de-France"
    link = email.link(app.config["BASE_URL"])
    browser = app.test_client()

    answer = browser.form(link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    signed_in = browser.form("/connexion", {"email": juror.email, "password": NEW_PASSWORD})

    assert answer.status_code == 302
    assert signed_in.status_code == 302
    db.session.refresh(juror)
    assert juror.email_verified_at is not None
    assert [row[0] for row in audit_rows("jury.invite", "jury.accept_invitation")] == [
        "jury.invite", "jury.accept_invitation"]


def test_used_invitation_link_is_refused(app, client, organiser, smtp_server):
    invite(client)
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    browser = app.test_client()
    browser.form(link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})

    response = browser.get(link)

    assert response.status_code == 404
    assert "Ce lien n’est pas valable" in page(response)


def test_expired_invitation_link_is_refused(app, client, organiser, smtp_server, clock):
    invite(client)
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    clock.advance(timedelta(days=7))

    response = app.test_client().get(link)

    assert response.status_code == 404
    assert db.session.scalar(db.select(User.password_hash).filter_by(email="claire.petit@example.org")) is None


def test_invitation_link_is_valid_until_the_seventh_day(app, client, organiser, smtp_server, clock):
    invite(client)
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    clock.advance(timedelta(days=7, seconds=-1))

    assert app.test_client().get(link).status_code == 200


def test_inviting_again_sends_a_new_link_and_revokes_the_old_one(app, client, organiser, smtp_server):
    invite(client)
    invite(client)

    first, second = (m.link(app.config["BASE_URL"]) for m in smtp_server.messages)
    browser = app.test_client()

    assert (browser.get(first).status_code, browser.get(second).status_code) == (404, 200)
    assert memberships("claire.petit@example.org") == [("regional_juror", "HDF")]


def test_invitation_refuses_a_short_password_and_keeps_the_link(app, client, organiser, smtp_server):
    invite(client)
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    browser = app.test_client()

    response = browser.form(link, {"password": "court", "confirmation": "court"})

    assert response.status_code == 200
    assert "Le mot de passe doit compter au moins 12 caractères." in page(response)
    assert db.session.scalar(db.select(UserToken.used_at)) is None


def test_inviting_an_existing_account_adds_the_membership_and_sends_a_notice(client, organiser, make_user,
                                                                             smtp_server):
    someone = make_user(Role.CANDIDATE, email="deja@example.org")

    invite(client, email="Deja@Example.org")

    assert memberships(someone.email) == [("candidate", None), ("regional_juror", "HDF")]
    [email] = smtp_server.to(someone.email)
    assert email.message["Subject"] == "Vous faites partie du jury régional — Hauts-de-France"
    assert db.session.scalar(db.select(db.func.count(UserToken.id))) == 0
    assert [row[0] for row in audit_rows("jury.add")] == ["jury.add"]


def test_a_juror_of_another_region_cannot_be_invited(client, organiser, make_user):
    elsewhere = make_user(Role.REGIONAL_JUROR, region="IDF", email="idf@example.org")

    response = invite(client, email=elsewhere.email)

    assert response.status_code == 422
    assert ("idf@example.org fait déjà partie du jury régional (Île-de-France) : un juré ne siège que dans une "
            "région.") in page(response)
    assert memberships(elsewhere.email) == [("regional_juror", "IDF")]


def test_invalid_organisation_identifier_is_refused_with_the_typed_values(client, organiser):
    response = invite(client, identifier="12345")

    assert response.status_code == 422
    text = page(response)
    assert "Identifiant invalide : attendu un numéro FINESS" in text
    assert 'value="claire.petit@example.org"' in text
    assert db.session.scalar(db.select(db.func.count(User.id)).filter_by(email="claire.petit@example.org")) == 0


def remove(client, juror, page: str | None = None):
    """Confirm the removal on its own page (or post from ``page``, as a page left open would)."""
    url = f"{jury_url()}/{juror.id}/retirer"
    return client.form(url, page=page or url)


def test_removal_page_says_what_will_happen_and_changes_nothing(client, organiser, make_user, dossier, clock):
    juror = make_user(Role.REGIONAL_JUROR)
    db.session.add(Scoresheet(candidature_id=dossier("regional_jury").id, juror_id=juror.id, stage="regional",
                              status="draft", updated_at=clock()))
    db.session.commit()
    assert f'href="{jury_url()}/{juror.id}/retirer"' in page(client.get(jury_url()))

    text = page(client.get(f"{jury_url()}/{juror.id}/retirer"))

    assert "Son brouillon de grille sera supprimé." in text
    assert "Aucun courriel ne lui est envoyé : à vous de prévenir cette personne si besoin." in text
    assert "Les dossiers qui lui étaient confiés ne l’attendront plus" in text  # whoever the juror is, no « il »
    assert memberships(juror.email) == [("regional_juror", "HDF")]
    assert db.session.scalar(db.select(db.func.count(Scoresheet.id))) == 1


def test_removal_page_says_why_a_juror_who_scored_stays(client, organiser, make_user, dossier, clock):
    juror = make_user(Role.REGIONAL_JUROR)
    submitted_sheet(juror, dossier("regional_jury"), clock())

    text = page(client.get(f"{jury_url()}/{juror.id}/retirer"))

    assert "ce juré ne peut plus être retiré du jury." in text
    assert ">Retirer du jury</button>" not in text
    assert f'/jury/{juror.id}/retirer"' not in page(client.get(jury_url()))  # no link to a removal that cannot be
    client.get("/langue/en")
    assert "this juror can no longer be removed from the jury." in page(client.get(f"{jury_url()}/{juror.id}/retirer"))


def test_remove_juror_before_any_submitted_scoresheet(client, organiser, make_user, dossier, clock):
    juror = make_user(Role.REGIONAL_JUROR)
    candidature = dossier("regional_jury")
    db.session.add(Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage="regional", status="draft",
                              updated_at=clock()))
    db.session.commit()

    response = remove(client, juror)

    assert response.status_code == 302
    assert memberships(juror.email) == []
    assert db.session.scalar(db.select(db.func.count(Scoresheet.id))) == 0
    assert [row[0] for row in audit_rows("jury.remove")] == ["jury.remove"]


def test_remove_juror_is_refused_after_a_submitted_scoresheet(client, organiser, make_user, dossier, clock):
    juror = make_user(Role.REGIONAL_JUROR)
    submitted_sheet(juror, dossier("regional_jury"), clock())

    remove(client, juror, page=jury_url())  # the jury page, open since before the sheet came in

    assert (f"{juror.email} a déjà remis une grille d’évaluation dans la région : ce juré ne peut plus être "
            "retiré du jury.") in page(client.get(jury_url()))
    assert memberships(juror.email) == [("regional_juror", "HDF")]
    assert audit_rows("jury.remove") == []


def test_removing_a_juror_of_another_region_is_404(client, organiser, make_user):
    elsewhere = make_user(Role.REGIONAL_JUROR, region="IDF")

    assert remove(client, elsewhere).status_code == 404


def record_conflict(client, juror, candidature, reason="Son conjoint dirige l’établissement.", number=None):
    """The organiser names the dossier by its receipt number, as the list of dossiers shows it."""
    return client.form(f"{jury_url()}/conflits", {
        "juror": str(juror.id), "candidature": candidature.receipt_number if number is None else number,
        "reason": reason}, page=jury_url())


def declarations() -> list[tuple]:
    return [(d.juror_id, d.candidature_id, d.has_conflict, d.reason, d.source) for d in db.session.scalars(
        db.select(ConflictDeclaration).order_by(ConflictDeclaration.id))]


def test_organiser_conflict_excludes_the_dossier_from_the_jurors_work(client, organiser, make_user, dossier):
    juror, candidature = make_user(Role.REGIONAL_JUROR), dossier("regional_jury")

    response = record_conflict(client, juror, candidature)

    assert response.status_code == 302
    assert declarations() == [(juror.id, candidature.id, True, "Son conjoint dirige l’établissement.", "organiser")]
    assert expected_regional(region("HDF")) == {candidature.id: set()}
    assert audit_rows("conflict.record") == [
        ("conflict.record", candidature.id, None, None, "Son conjoint dirige l’établissement.")]


def test_jury_page_lists_the_conflicts_declared_in_the_region(client, organiser, make_user, dossier):
    juror, candidature = make_user(Role.REGIONAL_JUROR), dossier("regional_jury")
    record_conflict(client, juror, candidature)

    page = client.get(jury_url()).get_data(as_text=True)

    assert "Son conjoint dirige l’établissement." in page
    assert candidature.title in page


def test_organiser_conflict_replaces_the_jurors_no_conflict_declaration(client, organiser, make_user, dossier,
                                                                       clock):
    juror, candidature = make_user(Role.REGIONAL_JUROR), dossier("regional_jury")
    db.session.add(ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage="regional",
                                       has_conflict=False, source="juror", declared_at=clock()))
    db.session.commit()

    record_conflict(client, juror, candidature)

    assert declarations() == [(juror.id, candidature.id, True, "Son conjoint dirige l’établissement.", "organiser")]


def test_organiser_conflict_is_refused_once_the_juror_scored_the_dossier(client, organiser, make_user, dossier,
                                                                        clock):
    juror, candidature = make_user(Role.REGIONAL_JUROR), dossier("regional_jury")
    submitted_sheet(juror, candidature, clock())

    response = record_conflict(client, juror, candidature)

    assert response.status_code == 422
    assert (f"{juror.email} a déjà remis sa grille pour ce dossier : le conflit ne peut plus être "
            "enregistré.") in page(response)
    assert declarations() == []


@pytest.mark.parametrize("typed", [
    lambda number: f"  {number.lower()} ",  # pasted with spaces around, in lower case
    lambda number: number.replace("-", " "),  # read aloud in groups
    lambda number: number.replace("-", "").lower(),  # typed without separators
])
def test_organiser_conflict_finds_the_dossier_as_typed(client, organiser, make_user, dossier, typed):
    juror, candidature = make_user(Role.REGIONAL_JUROR), dossier("regional_jury")

    response = record_conflict(client, juror, candidature, number=typed(candidature.receipt_number))

    assert response.status_code == 302
    assert declarations() == [(juror.id, candidature.id, True, "Son conjoint dirige l’établissement.", "organiser")]


@pytest.mark.parametrize("elsewhere", ["IDF", "not_selected", "unknown"])
def test_organiser_conflict_on_a_number_not_before_the_regions_jury_is_refused_and_kept(
        client, organiser, make_user, dossier, elsewhere):
    juror = make_user(Role.REGIONAL_JUROR)
    number = {"IDF": lambda: dossier("regional_jury", region="IDF").receipt_number,
              "not_selected": lambda: dossier("regional_not_selected").receipt_number,
              "unknown": lambda: "AAAA-BBBB-CCCC-DDDD"}[elsewhere]()

    response = record_conflict(client, juror, None, number=number)

    assert response.status_code == 422
    assert (f"Aucun dossier soumis au jury de la région ne porte le numéro « {number} » : recopiez le numéro "
            "de récépissé de la liste des dossiers déposés.") in page(response)
    assert f'value="{number}"' in response.get_data(as_text=True)
    assert declarations() == []


def test_organiser_conflict_needs_a_reason(client, organiser, make_user, dossier):
    juror, candidature = make_user(Role.REGIONAL_JUROR), dossier("regional_jury")

    response = record_conflict(client, juror, candidature, reason=" ")

    assert response.status_code == 422
    assert "Indiquez la raison du conflit d’intérêts." in page(response)
    assert declarations() == []


def test_reminders_email_exactly_the_jurors_with_pending_work(client, organiser, make_user, dossier, smtp_server,
                                                              clock):
    first, second = dossier("regional_jury"), dossier("regional_jury")
    first.region.stage = "jury_open"
    done, idle, conflicted = (make_user(Role.REGIONAL_JUROR, email=f"{name}@example.org")
                              for name in ("fini", "oisif", "conflit"))
    make_user(Role.REGIONAL_JUROR, region="IDF", email="ailleurs@example.org")
    for candidature in (first, second):
        submitted_sheet(done, candidature, clock())
    submitted_sheet(conflicted, second, clock())
    db.session.add(ConflictDeclaration(candidature_id=first.id, juror_id=conflicted.id, stage="regional",
                                       has_conflict=True, reason="Salarié.", source="juror", declared_at=clock()))
    db.session.commit()

    client.form(f"{jury_url()}/relancer", page=jury_url())
    clock.advance(timedelta(minutes=1))
    client.form(f"{jury_url()}/relancer", page=jury_url())

    assert [m.envelope_to for m in smtp_server.messages] == [["oisif@example.org"], ["oisif@example.org"]]
    assert smtp_server.messages[0].message["Subject"] == "Jury régional — 2 dossiers à évaluer"
    assert "Il vous reste 2 dossiers à évaluer pour le jury régional (Hauts-de-France)." in smtp_server.messages[0].body
    assert [row[0] for row in audit_rows("jury.remind")] == ["jury.remind", "jury.remind"]


def test_audit_trail_lists_the_regions_entries_newest_first_in_paris_time(client, organiser, clock, edition):
    hdf, idf = region("HDF"), region("IDF")
    for minute in range(55):
        record(f"test.action{minute}", actor=organiser, role=Role.REGIONAL_ORGANISER.value,
               at=clock() + timedelta(minutes=minute), region_id=hdf.id, reason=f"motif {minute}")
    record("test.elsewhere", actor=None, role=None, at=clock(), region_id=idf.id)
    db.session.commit()

    first, second = (page(client.get(f"/ars/{hdf.id}/journal?page={n}")) for n in (1, 2))

    assert first.count("test.action") == 50 and second.count("test.action") == 5
    assert first.index("test.action54") < first.index("test.action53")
    assert "01/10/2017 10:54:00" in first  # 08:54 UTC, 10:54 in Paris (summer time)
    assert organiser.email in first and "organisateur régional (ARS)" in first and "motif 54" in first
    assert "Page 1 sur 2" in first
    assert "test.elsewhere" not in first + second


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.REGIONAL_JUROR])
def test_candidate_or_juror_cannot_invite(client, make_user, login, edition, role):
    login(make_user(role, region="HDF" if role.is_regional else None, email="x@example.org"))

    response = client.form(f"{jury_url()}/inviter", {"email": "y@example.org", "name": "Y"}, page="/")

    assert response.status_code == 403
    assert db.session.scalar(db.select(User.id).filter_by(email="y@example.org")) is None


def test_two_organisers_inviting_the_same_address_at_once_make_one_account(app, client, organiser, smtp_server):
    statuses = post_at_once(app, client, jury_url(), f"{jury_url()}/inviter",
                            {"email": "claire.petit@example.org", "name": "Claire Petit"})

    assert 302 in statuses and set(statuses) <= {302, 422}  # the loser is told to reload, or re-sends the link
    assert memberships("claire.petit@example.org") == [("regional_juror", "HDF")]
    live = db.session.scalar(db.select(db.func.count(UserToken.id)).where(UserToken.used_at.is_(None)))
    assert live == 1


def automatic_conflict(make_user, dossier, clock):
    juror = make_user(Role.REGIONAL_JUROR)
    juror.organisation_identifier = "620100057"
    candidature = dossier("regional_jury", identifier="620100057", structure_name="CH de Lens")
    candidature.region.stage = "jury_open"
    [found] = detect_conflicts(juror, [candidature], clock(), Jury.of_region(candidature.region))
    db.session.commit()
    return juror, candidature, found


def lift_url(declaration) -> str:
    return f"/ars/{region('HDF').id}/jury/conflits/{declaration.id}/lever"


def test_lifting_an_automatic_conflict_gives_the_dossier_back_for_good(client, organiser, make_user, dossier,
                                                                      clock):
    juror, candidature, found = automatic_conflict(make_user, dossier, clock)

    response = client.form(lift_url(found), {"reason": "Même groupe hospitalier, autre établissement."},
                           page=jury_url())
    detect_conflicts(juror, [candidature], clock(), Jury.of_region(candidature.region))  # the juror opens the list again
    db.session.commit()

    assert response.status_code == 302
    assert declarations() == [(juror.id, candidature.id, False, "Même groupe hospitalier, autre établissement.",
                               "organiser")]
    assert expected_regional(region("HDF")) == {candidature.id: {juror.id}}
    assert audit_rows("conflict.lift") == [
        ("conflict.lift", candidature.id, None, None, "Même groupe hospitalier, autre établissement.")]


def test_a_jurors_own_conflict_cannot_be_lifted(client, organiser, make_user, dossier, clock):
    juror, candidature = make_user(Role.REGIONAL_JUROR), dossier("regional_jury")
    db.session.add(ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage="regional",
                                       has_conflict=True, reason="Je suis bénévole dans l’association.",
                                       source="juror", declared_at=clock()))
    db.session.commit()
    declaration = db.session.scalars(db.select(ConflictDeclaration)).one()

    response = client.form(lift_url(declaration), {"reason": "Erreur."}, page=jury_url())

    assert "ne peut pas être levé" in page(client.get(response.headers["Location"]))
    assert declarations() == [(juror.id, candidature.id, True, "Je suis bénévole dans l’association.", "juror")]


def test_lifting_a_conflict_of_another_region_is_not_found(client, organiser, make_user, dossier, clock):
    juror = make_user(Role.REGIONAL_JUROR, region="IDF")
    juror.organisation_identifier = "620100057"
    candidature = dossier("regional_jury", region="IDF", identifier="620100057")
    candidature.region.stage = "jury_open"
    [found] = detect_conflicts(juror, [candidature], clock(), Jury.of_region(candidature.region))
    db.session.commit()

    response = client.form(lift_url(found), {"reason": "Erreur."}, page=jury_url())

    assert response.status_code == 404
    assert declarations()[0][2] is True
