"""Password reset: the same answer for every address, a hashed single-use link valid one hour."""

from __future__ import annotations

import threading
from datetime import timedelta

from app.extensions import db
from app.models import AuditEntry, User, UserToken
from tests.conftest import PASSWORD, csrf_token
from workflows.states import Role

SENT = "Si l’adresse est valide, un message vient de vous être envoyé."
NEW_PASSWORD = "une toute nouvelle phrase secrète"


def ask_reset(client, email: str):
    return client.form("/mot-de-passe/oubli", {"email": email})


def choose_password(client, link: str, password: str = NEW_PASSWORD, confirmation: str | None = None):
    return client.form(link, {"password": password, "confirmation": password if confirmation is None else confirmation})


def reset_link(app, smtp_server, recipient: str) -> str:
    resets = [m for m in smtp_server.to(recipient) if m.message["Subject"] == "Réinitialisation de votre mot de passe"]
    return resets[-1].link(app.config["BASE_URL"])


def audit_rows() -> list[tuple]:
    return db.session.execute(db.select(AuditEntry.action, AuditEntry.actor_id).order_by(AuditEntry.id)).all()


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def signs_in(app, email: str, password: str) -> bool:
    response = app.test_client().form("/connexion", {"email": email, "password": password})
    return response.status_code == 302


def test_forgot_password_known_and_unknown_get_the_same_answer(app, client, make_user, smtp_server):
    user = make_user(Role.CANDIDATE)

    known = ask_reset(client, user.email.upper())
    unknown = ask_reset(client, "personne@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/connexion"
    assert SENT in client.get("/connexion").get_data(as_text=True)
    assert [m.envelope_to for m in smtp_server.messages] == [[user.email]]
    token = db.session.scalar(db.select(UserToken))
    assert (token.user_id, token.purpose, token.expires_at - token.created_at) == (
        user.id, "reset_password", timedelta(hours=1))


def test_reset_link_sets_the_new_password_and_ends_every_session(app, client, clock, make_user, login, smtp_server):
    user = make_user(Role.CANDIDATE)
    session_token = user.session_token
    other_browser = app.test_client()
    other_browser.form("/connexion", {"email": user.email, "password": PASSWORD})
    ask_reset(client, user.email)
    link = reset_link(app, smtp_server, user.email)

    page = client.get(link)
    response = choose_password(client, link)

    assert (page.status_code, page.headers["Referrer-Policy"]) == (200, "no-referrer")
    assert (response.status_code, response.headers["Location"]) == (302, "/connexion")
    assert "Votre mot de passe a été modifié." in client.get("/connexion").get_data(as_text=True)
    assert signs_in(app, user.email, NEW_PASSWORD) is True
    assert signs_in(app, user.email, PASSWORD) is False
    assert "Se déconnecter" not in other_browser.get("/").get_data(as_text=True)
    assert fresh(user).session_token != session_token
    assert db.session.scalar(db.select(UserToken.used_at)) == clock()
    assert audit_rows()[-3:-1] == [("user.password_reset_request", None), ("user.password_reset", user.id)]
    assert [m.message["Subject"] for m in smtp_server.to(user.email)] == [
        "Réinitialisation de votre mot de passe", "Votre mot de passe a été modifié"]


def test_reset_link_also_verifies_the_address(app, client, clock, smtp_server):
    client.form("/inscription", {"email": "new@example.org", "password": PASSWORD, "confirmation": PASSWORD})
    ask_reset(client, "new@example.org")

    choose_password(client, reset_link(app, smtp_server, "new@example.org"))

    assert db.session.scalar(db.select(User.email_verified_at)) == clock()


def test_reset_link_used_twice_is_refused_and_changes_nothing(app, client, make_user, smtp_server):
    user = make_user(Role.CANDIDATE)
    ask_reset(client, user.email)
    link = reset_link(app, smtp_server, user.email)
    choose_password(client, link)
    password_hash = fresh(user).password_hash

    page = client.get(link)
    again = client.form(link, {"password": "encore une autre phrase", "confirmation": "encore une autre phrase"},
                        page="/mot-de-passe/oubli")

    assert page.status_code == again.status_code == 404
    assert "Ce lien n’est pas valable" in page.get_data(as_text=True)
    assert fresh(user).password_hash == password_hash


def test_reset_link_after_one_hour_is_refused_and_changes_nothing(app, client, clock, make_user, smtp_server):
    user = make_user(Role.CANDIDATE)
    before = (user.password_hash, user.session_token)
    ask_reset(client, user.email)
    link = reset_link(app, smtp_server, user.email)
    page = client.get(link)
    clock.advance(timedelta(hours=1))

    response = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                       "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})

    assert response.status_code == 404
    assert "Il a expiré, a déjà servi ou est incomplet." in response.get_data(as_text=True)
    assert (fresh(user).password_hash, fresh(user).session_token) == before
    assert [action for action, _actor in audit_rows()][-1] == "user.password_reset_request"


def test_reset_unknown_token_is_refused(app, client):
    response = client.get("/mot-de-passe/nouveau/" + "A" * 43)

    assert response.status_code == 404
    assert "Demander un nouveau lien" in response.get_data(as_text=True)


def test_reset_newer_link_revokes_the_older_one(app, client, clock, make_user, smtp_server):
    user = make_user(Role.CANDIDATE)
    ask_reset(client, user.email)
    clock.advance(timedelta(minutes=2))
    ask_reset(client, user.email)
    older, newer = [m.link(app.config["BASE_URL"]) for m in smtp_server.to(user.email)]

    assert client.get(older).status_code == 404
    assert client.get(newer).status_code == 200


def test_reset_new_password_too_short_or_mismatched_is_refused_on_the_form(app, client, make_user, smtp_server):
    user = make_user(Role.CANDIDATE)
    password_hash = user.password_hash
    ask_reset(client, user.email)
    link = reset_link(app, smtp_server, user.email)

    short = choose_password(client, link, "trop court")
    mismatch = choose_password(client, link, NEW_PASSWORD, NEW_PASSWORD + "!")

    assert "Le mot de passe doit compter au moins 12 caractères." in short.get_data(as_text=True)
    assert "Les deux mots de passe ne correspondent pas." in mismatch.get_data(as_text=True)
    assert (short.status_code, mismatch.status_code) == (200, 200)
    assert fresh(user).password_hash == password_hash
    assert db.session.scalar(db.select(UserToken.used_at)) is None


def test_forgot_password_for_a_deactivated_account_sends_nothing(app, client, make_user, smtp_server):
    user = make_user(Role.CANDIDATE)
    user.active = False
    db.session.commit()

    response = ask_reset(client, user.email)

    assert response.status_code == 302
    assert smtp_server.messages == []
    assert db.session.scalar(db.select(UserToken.id)) is None


def test_reset_link_used_by_two_racing_requests_changes_the_password_once(app, client, make_user, smtp_server):
    user = make_user(Role.CANDIDATE)
    ask_reset(client, user.email)
    link = reset_link(app, smtp_server, user.email)
    barrier = threading.Barrier(2)
    statuses = []

    def submit(password: str) -> None:
        with app.app_context():
            browser = app.test_client()
            token = csrf_token(browser.get(link).get_data(as_text=True))
            barrier.wait(5)
            response = browser.post(link, data={"csrf_token": token, "password": password, "confirmation": password})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(f"phrase secrète numéro {n}",)) for n in (1, 2)]
    db.session.commit()  # on SQLite even a read holds the write lock (BEGIN IMMEDIATE)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(statuses) == [302, 404]
    assert [action for action, _actor in audit_rows()].count("user.password_reset") == 1
