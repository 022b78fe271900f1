"""The staff's second factor: enrolment, the code after the password, recovery codes, throttling,
enforcement for organisers and the administrator, the administrator's reset (page and command).

Codes are computed with pyotp at the injected clock's time, as an authenticator app would."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.mfa.codes import code_at, step_at
from app.models import AuditEntry, MfaRecoveryCode, Region, User
from tests.app.attachment_helpers import page_text
from tests.conftest import PASSWORD, TOTP_SECRET, enrol_second_factor, sign_in
from workflows.states import Role

ENROL = "/compte/double-authentification/activation"
SETTINGS = "/compte/double-authentification"
WRONG_CODE = "Code incorrect ou déjà utilisé."
TOO_MANY = "Vous avez fait trop de tentatives."


def code(clock, offset: int = 0, secret: str = TOTP_SECRET) -> str:
    """The authenticator's code at the clock's time (``offset`` steps of 30 seconds later)."""
    return code_at(secret, step_at(clock()) + offset)


def password_step(client, user):
    return client.form("/connexion", {"email": user.email, "password": PASSWORD})


def code_step(client, typed: str):
    return client.form("/connexion/code", {"code": typed})


def actions(prefix: str = "user.mfa") -> list[tuple[str, int | None, dict]]:
    rows = db.session.execute(db.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.data)
                              .where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)).all()
    return [tuple(row) for row in rows]


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def region_id(code_: str) -> int:
    return db.session.scalar(db.select(Region.id).filter_by(code=code_))


def shown_secret(response) -> str:
    return re.search(r'id="cle-secrete">([A-Z2-7 ]+)<', response.get_data(as_text=True)).group(1).replace(" ", "")


def shown_recovery_codes(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.get_data(as_text=True))


# enrolment


def test_enrolment_shows_the_qr_code_and_key_then_enrols_with_a_right_code(client, edition, make_user, login, clock):
    juror = make_user(Role.REGIONAL_JUROR)
    login(juror)

    page = client.get(ENROL)
    secret = shown_secret(page)
    reloaded = shown_secret(client.get(ENROL))
    wrong = client.form(ENROL, {"code": "000000" if code(clock, secret=secret) != "000000" else "111111"})
    right = client.form(ENROL, {"code": code(clock, secret=secret)})

    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'src="data:image/svg+xml' in page.get_data(as_text=True)
    assert reloaded == secret  # a reload shows the key already scanned
    assert wrong.status_code == 422 and "Ce code ne correspond pas" in page_text(wrong)
    codes = shown_recovery_codes(right)
    assert (right.status_code, len(codes), len(set(codes))) == (200, 10, 10)
    assert "ils ne seront plus jamais affichés" in page_text(right)
    assert fresh(juror).mfa_enrolled_at == clock() and fresh(juror).mfa_secret == secret
    stored = db.session.scalars(db.select(MfaRecoveryCode.code_hash).filter_by(user_id=juror.id)).all()
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}  # hashes, not codes
    assert actions() == [("user.mfa_enrol", juror.id, {})]
    assert secret not in str(db.session.scalars(db.select(AuditEntry.data)).all())


def test_candidates_are_never_offered_a_second_factor(client, edition, make_user, login):
    login(make_user(Role.CANDIDATE))

    assert (client.get(SETTINGS).status_code, client.get(ENROL).status_code) == (403, 403)
    assert "Double authentification" not in client.get("/candidatures").get_data(as_text=True)


# enforcement


def test_organiser_without_second_factor_reaches_only_the_enrolment(client, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF", second_factor=False)
    hdf = region_id("HDF")

    signed = password_step(client, organiser)
    blocked = [client.get(url) for url in (f"/ars/{hdf}", f"/ars/{hdf}/jury", "/exports/", SETTINGS)]
    public = client.get("/resultats")

    assert signed.headers["Location"] == ENROL
    assert [(r.status_code, r.headers["Location"]) for r in blocked] == [(302, ENROL)] * 4
    assert public.status_code == 200
    assert "Votre rôle demande une double authentification" in page_text(client.get(ENROL))
    secret = fresh(organiser).mfa_secret
    client.form(ENROL, {"code": code(clock, secret=secret)})
    assert client.get(f"/ars/{hdf}").status_code == 200


@pytest.mark.parametrize("role", [Role.NATIONAL_ORGANISER, Role.ADMIN])
def test_national_organiser_and_admin_must_enrol_too(client, edition, make_user, role):
    user = make_user(role, second_factor=False)

    signed = password_step(client, user)

    assert signed.headers["Location"] == ENROL
    assert client.get("/national" if role == Role.NATIONAL_ORGANISER else "/admin/").headers["Location"] == ENROL


def test_signing_out_stays_possible_before_enrolment(client, edition, make_user):
    password_step(client, make_user(Role.REGIONAL_ORGANISER, second_factor=False))

    response = client.form("/deconnexion", page=ENROL)

    assert response.headers["Location"] == "/"
    assert client.get(ENROL).headers["Location"].startswith("/connexion")


# signing in with the code


def test_enrolled_organiser_is_signed_in_only_once_the_code_is_right(client, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    hdf = region_id("HDF")

    first = password_step(client, organiser)
    before_code = client.get(f"/ars/{hdf}")
    second = code_step(client, code(clock))

    assert first.headers["Location"] == "/connexion/code"
    assert before_code.headers["Location"].startswith("/connexion?next=")
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{organiser.id}:") and "mfa_pending" not in session
    assert second.headers["Location"] == f"/ars/{hdf}"
    assert client.get(f"/ars/{hdf}").status_code == 200
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(action="user.login")) == 1


def test_code_of_the_previous_and_next_step_is_accepted_not_two_steps_away(app, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER)
    results = []
    for offset in (2, -2, 1):
        client = app.test_client()
        password_step(client, organiser)
        results.append(code_step(client, code(clock, offset)).status_code)

    assert results == [200, 200, 302]


def test_wrong_code_signs_nobody_in(client, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER)
    password_step(client, organiser)
    wrong = "123456" if code(clock) != "123456" else "654321"

    response = code_step(client, wrong)

    assert response.status_code == 200
    assert "Code incorrect ou déjà utilisé" in page_text(response)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_code_is_accepted_once(app, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER)
    first, second = app.test_client(), app.test_client()
    password_step(first, organiser)
    password_step(second, organiser)
    typed = code(clock)

    accepted = code_step(first, typed)
    replayed = code_step(second, typed)
    next_code = code_step(second, code(clock, 1))

    assert (accepted.status_code, replayed.status_code, next_code.status_code) == (302, 200, 302)
    assert fresh(organiser).mfa_last_step == step_at(clock()) + 1


def test_waiting_too_long_between_password_and_code_starts_again(client, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER)
    password_step(client, organiser)
    clock.advance(timedelta(minutes=6))

    response = client.form("/connexion/code", {"code": code(clock)}, page="/connexion")

    assert response.headers["Location"] == "/connexion"
    with client.session_transaction() as session:
        assert "_user_id" not in session and "mfa_pending" not in session


def test_code_page_without_a_password_step_sends_to_the_sign_in(client, edition):
    assert client.get("/connexion/code").headers["Location"] == "/connexion"


# recovery codes


def test_recovery_code_signs_in_once(app, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER, second_factor=False)
    codes = enrol_second_factor(organiser)
    db.session.commit()
    first, again = app.test_client(), app.test_client()
    password_step(first, organiser)
    password_step(again, organiser)

    used = code_step(first, codes[3].upper().replace("-", " "))  # as read aloud or copied: case and spaces
    reused = code_step(again, codes[3])

    assert used.status_code == 302
    assert reused.status_code == 200 and "Code incorrect ou déjà utilisé" in page_text(reused)
    assert actions() == [("user.mfa_enrol", organiser.id, {}), ("user.mfa_recovery_use", organiser.id, {"left": 9})]
    assert "Il vous reste 9 codes de secours." in page_text(first.get(SETTINGS))


def test_new_recovery_codes_replace_the_old_ones(app, client, edition, make_user, login, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER, second_factor=False)
    old = enrol_second_factor(organiser)
    db.session.commit()
    login(organiser)

    refused = client.form(f"{SETTINGS}/codes-de-secours", {"nouveaux-code": "000000"}, page=SETTINGS)
    response = client.form(f"{SETTINGS}/codes-de-secours", {"nouveaux-code": code(clock, 1)}, page=SETTINGS)
    new = shown_recovery_codes(response)
    other = app.test_client()
    password_step(other, organiser)

    assert refused.status_code == 422 and WRONG_CODE in page_text(refused)
    assert len(new) == 10 and not set(new) & set(old)
    assert code_step(other, old[0]).status_code == 200
    assert code_step(other, new[0]).status_code == 302
    assert [action for action, _actor, _data in actions()] == [
        "user.mfa_enrol", "user.mfa_recovery_regenerate", "user.mfa_recovery_use"]


# throttling


def test_five_wrong_codes_then_even_the_right_one_is_refused(app, edition, make_user, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER)
    other = make_user(Role.REGIONAL_ORGANISER)
    client = app.test_client()
    password_step(client, organiser)
    wrong = "000000" if "000000" not in {code(clock, o) for o in (-1, 0, 1)} else "999999"

    failures = [code_step(client, wrong).status_code for _ in range(5)]
    right = code_step(client, code(clock))
    elsewhere = app.test_client()
    password_step(elsewhere, other)

    assert failures == [200] * 5
    assert right.status_code == 429 and TOO_MANY in page_text(right)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert code_step(elsewhere, code(clock)).status_code == 302  # another account is not held back


# jurors: offered, optional


def test_juror_signs_in_with_the_password_alone_until_they_enrol(client, edition, make_user):
    juror = make_user(Role.REGIONAL_JUROR)

    response = password_step(client, juror)

    assert response.headers["Location"] == "/jury"
    assert "Non activée" in page_text(client.get(SETTINGS))


def test_enrolled_juror_may_turn_it_off_with_a_code(app, client, edition, make_user, login, clock):
    juror = make_user(Role.REGIONAL_JUROR, second_factor=True)
    login(juror)

    response = client.form(f"{SETTINGS}/desactivation", {"desactivation-code": code(clock, 1)}, page=SETTINGS)

    assert response.headers["Location"] == SETTINGS
    assert (fresh(juror).mfa_secret, fresh(juror).mfa_enrolled_at) == (None, None)
    assert db.session.scalar(db.select(db.func.count(MfaRecoveryCode.id))) == 0
    assert actions()[-1] == ("user.mfa_disable", juror.id, {})
    assert password_step(app.test_client(), juror).headers["Location"] == "/jury"


def test_organiser_cannot_turn_it_off(client, edition, make_user, login, clock):
    organiser = make_user(Role.REGIONAL_ORGANISER)
    login(organiser)

    settings = client.get(SETTINGS)
    response = client.form(f"{SETTINGS}/desactivation", {"desactivation-code": code(clock, 1)}, page=SETTINGS)

    assert "elle ne peut pas être désactivée" in page_text(settings)
    assert response.status_code == 422
    assert "La double authentification est obligatoire pour votre rôle" in page_text(response)
    assert fresh(organiser).mfa_enrolled_at is not None


# the administrator's reset


def test_admin_lands_on_the_administration_and_finds_a_staff_account(client, edition, make_user, login):
    admin = make_user(Role.ADMIN)
    organiser = make_user(Role.REGIONAL_ORGANISER, email="ars.hdf@example.org")
    candidate = make_user(Role.CANDIDATE, email="porteur@example.org")

    landing = login(admin)
    found = client.get("/admin/", query_string={"email": "ARS.HDF@example.org"})
    not_staff = client.get("/admin/", query_string={"email": candidate.email})

    assert landing.headers["Location"] == "/admin/"
    assert f'href="/admin/comptes/{organiser.id}/double-authentification"' in found.get_data(as_text=True)
    assert "Double authentification : activée" in page_text(found)
    assert "Aucun compte de l’équipe" in page_text(not_staff)
    assert client.get(f"/admin/comptes/{candidate.id}/double-authentification").status_code == 404


def test_admin_resets_a_lost_device_after_confirmation(app, client, edition, make_user, login, clock):
    admin = make_user(Role.ADMIN)
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    their_browser = app.test_client()
    sign_in(their_browser, organiser.email)
    login(admin)
    url = f"/admin/comptes/{organiser.id}/double-authentification"

    confirmation = client.get(url)
    response = client.form(url, {})

    assert "Réinitialiser la double authentification" in page_text(confirmation)
    assert response.headers["Location"] == f"/admin/?email={organiser.email}"
    assert "est réinitialisée" in page_text(client.get(response.headers["Location"]))
    user = fresh(organiser)
    assert (user.mfa_secret, user.mfa_enrolled_at, user.mfa_last_step) == (None, None, None)
    assert actions("user.mfa_reset") == [("user.mfa_reset", admin.id, {"user_id": organiser.id})]
    assert their_browser.get(f"/ars/{region_id('HDF')}").headers["Location"].startswith("/connexion")
    assert password_step(app.test_client(), organiser).headers["Location"] == ENROL


def test_admin_cannot_reset_their_own_second_factor_on_the_web(client, edition, make_user, login):
    admin = make_user(Role.ADMIN)
    login(admin)

    response = client.form(f"/admin/comptes/{admin.id}/double-authentification", {})

    assert "Un administrateur ne réinitialise pas sa propre double authentification" in page_text(
        client.get(response.headers["Location"]))
    assert fresh(admin).mfa_enrolled_at is not None
    assert actions("user.mfa_reset") == []


def test_only_the_admin_reaches_the_administration(client, edition, make_user, login):
    organiser = make_user(Role.NATIONAL_ORGANISER)
    login(organiser)

    assert client.get("/admin/").status_code == 403
    assert client.form(f"/admin/comptes/{organiser.id}/double-authentification", {}, page="/").status_code == 403
    assert fresh(organiser).mfa_enrolled_at is not None


def test_reset_command_erases_the_second_factor_and_logs_it(app, edition, make_user):
    organiser = make_user(Role.NATIONAL_ORGANISER, email="dgos@example.org")
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["user", "reset-mfa", "DGOS@example.org"])
    unknown = app.test_cli_runner().invoke(args=["user", "reset-mfa", "personne@example.org"])
    again = app.test_cli_runner().invoke(args=["user", "reset-mfa", "dgos@example.org"])

    assert result.exit_code == 0 and "Double authentification réinitialisée : dgos@example.org" in result.output
    assert fresh(organiser).mfa_secret is None
    assert actions("user.mfa_reset") == [("user.mfa_reset", None, {"user_id": organiser.id})]
    assert (unknown.exit_code, unknown.output.strip()) == (1, "Aucun compte pour personne@example.org.")
    assert again.exit_code == 1 and "n’a pas de double authentification à réinitialiser" in again.output
