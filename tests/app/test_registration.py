"""Registration, the verification link, and the same answer for known and unknown addresses."""

from __future__ import annotations

import threading
from datetime import timedelta

from app.auth.tokens import token_hash
from app.extensions import db
from app.models import AuditEntry, OutboxEmail, User, UserToken
from tests.conftest import PASSWORD, csrf_token
from tests.smtp import free_port
from workflows.states import Role

SENT = "Si l’adresse est valide, un message vient de vous être envoyé."
NEW_PASSWORD = "un mot de passe à retenir ✓"


def register(client, email: str, password: str = NEW_PASSWORD, confirmation: str | None = None):
    return client.form("/inscription", {"email": email, "password": password,
                                        "confirmation": password if confirmation is None else confirmation})


def audit_actions() -> list[str]:
    return db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).filter_by(email=email))


def test_register_creates_an_unverified_candidate_and_emails_a_link(app, client, clock, smtp_server):
    response = register(client, "Nouvelle.Candidate@Example.org")

    assert (response.status_code, response.headers["Location"]) == (302, "/connexion")
    assert SENT in client.get("/connexion").get_data(as_text=True)
    user = user_by_email("nouvelle.candidate@example.org")
    assert (user.roles, user.email_verified_at, user.active) == ({Role.CANDIDATE}, None, True)
    assert audit_actions() == ["user.create"]
    [received] = smtp_server.messages
    assert received.envelope_to == ["nouvelle.candidate@example.org"]
    assert received.message["Subject"] == "Confirmez votre adresse électronique"
    token = db.session.scalar(db.select(UserToken).filter_by(user_id=user.id))
    assert (token.purpose, token.expires_at - token.created_at, token.used_at) == (
        "verify_email", timedelta(hours=48), None)
    raw = received.link(app.config["BASE_URL"]).rpartition("/")[2]
    assert token.token_hash == token_hash(raw) != raw


def test_register_then_verification_link_marks_the_address_verified(app, client, clock, smtp_server):
    register(client, "candidate@example.org")
    link = smtp_server.messages[0].link(app.config["BASE_URL"])

    page = client.get(link)
    response = client.form(link)

    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert (response.status_code, response.headers["Location"]) == (302, "/connexion")
    assert "Votre adresse électronique est confirmée." in client.get("/connexion").get_data(as_text=True)
    assert user_by_email("candidate@example.org").email_verified_at == clock()
    assert audit_actions() == ["user.create", "user.verify_email"]


def test_register_new_account_can_sign_in_before_verifying(app, client, clock, smtp_server):
    register(client, "candidate@example.org")

    response = client.form("/connexion", {"email": "candidate@example.org", "password": NEW_PASSWORD})

    assert (response.status_code, response.headers["Location"]) == (302, "/candidatures")
    assert user_by_email("candidate@example.org").email_verified_at is None


def test_verification_link_used_twice_is_refused_the_second_time(app, client, clock, smtp_server):
    register(client, "candidate@example.org")
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    client.form(link)
    clock.advance(timedelta(minutes=1))

    response = client.get(link)

    assert response.status_code == 404
    assert "Ce lien n’est pas valable" in response.get_data(as_text=True)
    assert user_by_email("candidate@example.org").email_verified_at == clock() - timedelta(minutes=1)
    assert audit_actions() == ["user.create", "user.verify_email"]


def test_verification_link_after_48_hours_is_refused(app, client, clock, smtp_server):
    register(client, "candidate@example.org")
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    clock.advance(timedelta(hours=48))

    response = client.get(link)

    assert response.status_code == 404
    assert "Il a expiré, a déjà servi ou est incomplet." in response.get_data(as_text=True)
    assert user_by_email("candidate@example.org").email_verified_at is None


def test_verification_link_expiring_between_page_and_button_changes_nothing(app, client, clock, smtp_server):
    register(client, "candidate@example.org")
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    page = client.get(link)
    clock.advance(timedelta(hours=48))

    response = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})

    assert response.status_code == 404
    assert user_by_email("candidate@example.org").email_verified_at is None


def test_verification_link_unknown_or_of_another_purpose_is_refused(app, client, smtp_server):
    register(client, "candidate@example.org")
    link = smtp_server.messages[0].link(app.config["BASE_URL"])
    reset_path = link.replace("/verification/", "/mot-de-passe/nouveau/")

    assert client.get("/verification/not-a-token").status_code == 404
    assert client.get(reset_path).status_code == 404


def test_register_known_address_gets_the_same_answer_and_an_already_registered_email(
        app, client, clock, make_user, smtp_server):
    existing = make_user(Role.CANDIDATE, email="deja@example.org")
    password_hash = existing.password_hash

    known = register(client, "DEJA@example.org")
    unknown = register(client, "inconnue@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/connexion"
    assert user_by_email("deja@example.org").password_hash == password_hash
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2
    [notice] = smtp_server.to("deja@example.org")
    assert notice.message["Subject"] == "Vous avez déjà un compte"
    assert notice.link(app.config["BASE_URL"]) == "/connexion"
    assert "/mot-de-passe/oubli" in notice.body


def test_register_known_address_twice_within_the_hour_sends_one_notice(app, client, clock, make_user, smtp_server):
    make_user(Role.CANDIDATE, email="deja@example.org")

    register(client, "deja@example.org")
    register(client, "deja@example.org")

    assert [m.message["Subject"] for m in smtp_server.to("deja@example.org")] == ["Vous avez déjà un compte"]


def test_register_password_rules_are_length_only(app, client, smtp_server):
    short = register(client, "a@example.org", "é" * 11)
    long = register(client, "b@example.org", "x" * 129)
    mismatch = register(client, "c@example.org", NEW_PASSWORD, "autre chose encore")
    unicode_only = register(client, "d@example.org", "密码密码密码密码密码密码")
    spaces = register(client, "e@example.org", " " * 12)

    assert "Le mot de passe doit compter au moins 12 caractères." in short.get_data(as_text=True)
    assert "Le mot de passe doit compter au plus 128 caractères." in long.get_data(as_text=True)
    assert "Les deux mots de passe ne correspondent pas." in mismatch.get_data(as_text=True)
    assert (short.status_code, long.status_code, mismatch.status_code) == (200, 200, 200)
    assert (unicode_only.status_code, spaces.status_code) == (302, 302)
    assert sorted(db.session.scalars(db.select(User.email))) == ["d@example.org", "e@example.org"]


def test_register_with_smtp_down_keeps_the_link_in_the_outbox(app, client, smtp_server):
    app.config["SMTP_PORT"] = free_port()

    response = register(client, "candidate@example.org")

    assert (response.status_code, response.headers["Location"]) == (302, "/connexion")
    email = db.session.scalar(db.select(OutboxEmail))
    assert (email.recipient, email.subject, email.attempts, email.sent_at) == (
        "candidate@example.org", "Confirmez votre adresse électronique", 1, None)
    assert email.last_error.startswith("ConnectionRefusedError")
    assert user_by_email("candidate@example.org") is not None


def test_register_without_csrf_token_creates_nothing(app, client, smtp_server):
    response = client.post("/inscription", data={"email": "a@example.org", "password": PASSWORD,
                                                 "confirmation": PASSWORD})

    assert response.status_code == 400
    assert db.session.scalar(db.select(User.id)) is None
    assert smtp_server.messages == []


def test_register_page_when_signed_in_goes_home(app, client, make_user, login):
    login(make_user(Role.CANDIDATE))

    response = client.get("/inscription")

    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_register_double_click_creates_one_account(app, client, smtp_server):
    barrier = threading.Barrier(2)
    statuses = []

    def submit() -> None:
        with app.app_context():
            browser = app.test_client()
            token = csrf_token(browser.get("/inscription").get_data(as_text=True))
            barrier.wait(5)
            response = browser.post("/inscription", data={"csrf_token": token, "email": "vite@example.org",
                                                          "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
            statuses.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == [(302, "/connexion")] * 2
    assert db.session.scalars(db.select(User.email)).all() == ["vite@example.org"]
    assert audit_actions() == ["user.create"]
