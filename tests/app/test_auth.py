"""Signing in and out, sessions, and who may reach what."""

from __future__ import annotations

from app.extensions import db
from app.models import AuditEntry, Region
from app.passwords import hash_password
from tests.conftest import PASSWORD, sign_in
from workflows.states import Role


def audit_actions() -> list[str]:
    return db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_login_with_right_password_signs_in_and_logs(client, edition, make_user):
    user = make_user(Role.CANDIDATE)

    response = client.form("/connexion", {"email": user.email.upper(), "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/candidatures"
    assert "user.login" in audit_actions()
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{user.session_token}"


def test_login_wrong_password_and_unknown_email_get_the_same_answer(client, edition, make_user):
    user = make_user(Role.CANDIDATE)

    wrong = client.form("/connexion", {"email": user.email, "password": "not the password!"})
    unknown = client.form("/connexion", {"email": "nobody@example.org", "password": "not the password!"})

    message = "Adresse électronique ou mot de passe incorrect."
    assert wrong.status_code == unknown.status_code == 200
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_without_csrf_token_is_refused(client, edition, make_user):
    user = make_user(Role.CANDIDATE)

    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)


def test_login_renews_the_session(client, edition, make_user):
    user = make_user(Role.CANDIDATE)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    client.form("/connexion", {"email": user.email, "password": PASSWORD})

    with client.session_transaction() as session:
        assert "planted" not in session


def test_login_next_parameter_cannot_redirect_elsewhere(client, edition, make_user):
    user = make_user(Role.CANDIDATE)

    response = client.form("/connexion?next=https://evil.example/", {"email": user.email, "password": PASSWORD},
                           page="/connexion")

    assert response.headers["Location"] == "/candidatures"


def test_logout_makes_a_replayed_cookie_useless(app, client, edition, make_user, login):
    organiser = make_user(Role.REGIONAL_ORGANISER, region="HDF")
    region_id = db.session.scalar(db.select(Region.id).filter_by(code="HDF"))
    login(organiser)
    stolen = client.get_cookie("session").value
    assert client.get(f"/ars/{region_id}").status_code == 200

    client.form("/deconnexion", page="/")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get(f"/ars/{region_id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")
    assert audit_actions()[-1] == "user.logout"


def test_logout_needs_csrf_token(client, edition, make_user, login):
    login(make_user(Role.CANDIDATE))

    response = client.post("/deconnexion")

    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" in session


def test_anonymous_user_is_sent_to_login(client, edition):
    region_id = db.session.scalar(db.select(Region.id).filter_by(code="HDF"))

    response = client.get(f"/ars/{region_id}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/connexion?next=%2Fars%2F{region_id}"


def test_wrong_role_gets_403(client, edition, make_user, login):
    region_id = db.session.scalar(db.select(Region.id).filter_by(code="HDF"))
    login(make_user(Role.CANDIDATE))

    response = client.get(f"/ars/{region_id}")

    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)


def test_other_region_object_gets_404(client, edition, make_user, login):
    idf = db.session.scalar(db.select(Region.id).filter_by(code="IDF"))
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))

    response = client.get(f"/ars/{idf}")

    assert response.status_code == 404


def test_own_region_dashboard_counts_candidatures_by_state(client, edition, make_user, login):
    hdf = db.session.scalar(db.select(Region.id).filter_by(code="HDF"))
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))

    page = client.get(f"/ars/{hdf}").get_data(as_text=True)

    assert "Hauts-de-France" in page
    assert "non déposés" in page


def test_inactive_account_cannot_sign_in(client, edition, make_user):
    user = make_user(Role.CANDIDATE)
    user.active = False
    db.session.commit()

    client.form("/connexion", {"email": user.email, "password": PASSWORD})

    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_leads_organiser_to_the_region_dashboard(client, edition, make_user):
    organiser = make_user(Role.REGIONAL_ORGANISER, region="IDF")
    idf = db.session.scalar(db.select(Region.id).filter_by(code="IDF"))

    response = sign_in(client, organiser.email)

    assert response.headers["Location"] == f"/ars/{idf}"


def test_login_leads_juror_to_the_jury_list(client, edition, make_user):
    juror = make_user(Role.REGIONAL_JUROR, region="HDF")

    response = client.form("/connexion", {"email": juror.email, "password": PASSWORD})

    assert response.headers["Location"] == "/jury"


def test_login_leads_national_organiser_to_the_overview(client, edition, make_user):
    organiser = make_user(Role.NATIONAL_ORGANISER)

    response = sign_in(client, organiser.email)

    assert response.headers["Location"] == "/national"


def test_login_leads_national_juror_to_the_national_jury(client, edition, make_user):
    juror = make_user(Role.NATIONAL_JUROR)

    response = client.form("/connexion", {"email": juror.email, "password": PASSWORD})

    assert response.headers["Location"] == "/jury/national"


def test_password_typed_decomposed_matches_the_composed_one(client, edition, make_user):
    user = make_user(Role.CANDIDATE)
    user.password_hash = hash_password("mot de passe d\u00e9j\u00e0 \u00e9crit")  # é and à composed
    db.session.commit()

    response = client.form("/connexion", {"email": user.email, "password": "mot de passe de\u0301ja\u0300 e\u0301crit"})

    assert response.status_code == 302


def test_signing_out_keeps_the_language_the_browser_chose(client, edition, make_user, login):
    login(make_user(Role.CANDIDATE))
    client.get("/langue/en")

    client.form("/deconnexion", page="/candidatures")
    home = client.get("/").get_data(as_text=True)

    assert 'lang="en"' in home.split(">", 2)[1]
    assert "You are signed out." in home
