"""Rate limits on login, registration and password reset: per client address and per email typed.

A forged ``X-Forwarded-For`` only counts behind declared proxies (TRUSTED_PROXIES); limits live
in a shared store (Redis) so that every worker counts the same attempts.
"""

from __future__ import annotations

import pytest
import redis

from app.extensions import db
from tests.conftest import Client, make_app

TOO_MANY = "Vous avez fait trop de tentatives."
REDIS_URL = "redis://127.0.0.1:6379/15"


def attempt_login(client, email: str, *, address: str = "127.0.0.1", forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.form("/connexion", {"email": email, "password": "not the password!"},
                           environ_base={"REMOTE_ADDR": address}, headers=headers)
    if response.status_code == 429:
        assert TOO_MANY in response.get_data(as_text=True)
    return response.status_code


def worker(database_url, tmp_path, clock, **overrides):
    """Another instance of the app, as a second server process would create it."""
    other = make_app(database_url, tmp_path, CLOCK=clock, **overrides)
    other.test_client_class = Client
    return other


def test_login_eleventh_attempt_in_a_minute_from_one_address_is_refused(client):
    statuses = [attempt_login(client, f"user{n}@example.org") for n in range(11)]

    assert statuses == [200] * 10 + [429]


def test_login_forged_forwarded_for_does_not_reset_the_address_limit(client):
    statuses = [attempt_login(client, f"user{n}@example.org", forwarded_for=f"203.0.113.{n}") for n in range(11)]

    assert statuses == [200] * 10 + [429]


def test_login_sixth_attempt_on_one_email_from_many_addresses_is_refused(client):
    statuses = [attempt_login(client, "cible@example.org", address=f"192.0.2.{n}") for n in range(6)]
    other_email = attempt_login(client, "autre@example.org", address="192.0.2.99")

    assert statuses == [200] * 5 + [429]
    assert other_email == 200


def test_login_email_limit_ignores_case_and_spaces(client):
    statuses = [attempt_login(client, email, address=f"192.0.2.{n}")
                for n, email in enumerate(["cible@example.org", "CIBLE@example.org", " Cible@Example.org "] * 2)]

    assert statuses == [200] * 5 + [429]


def test_login_behind_one_trusted_proxy_limits_the_forwarded_client(database_url, tmp_path, clock):
    behind_proxy = worker(database_url, tmp_path, clock, TRUSTED_PROXIES=1)
    with behind_proxy.app_context():
        client = behind_proxy.test_client()
        # The proxy appends the real client to whatever the client sent; only that last entry counts.
        same_client = [attempt_login(client, f"user{n}@example.org", forwarded_for=f"10.9.9.{n}, 198.51.100.7")
                       for n in range(11)]
        other_client = attempt_login(client, "user99@example.org", forwarded_for="198.51.100.8")
        db.session.remove()
        db.engine.dispose()

    assert same_client == [200] * 10 + [429]
    assert other_client == 200


def test_register_fourth_attempt_on_one_email_is_refused_and_sends_nothing(client, smtp_server):
    password = "une phrase de passe assez longue"
    statuses = [
        client.form("/inscription", {"email": "cible@example.org", "password": password, "confirmation": password},
                    environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code
        for n in range(4)
    ]

    assert statuses == [302, 302, 302, 429]
    assert [m.message["Subject"] for m in smtp_server.messages] == [
        "Confirmez votre adresse électronique", "Vous avez déjà un compte"]


def test_forgot_password_fourth_attempt_on_one_email_is_refused(client, make_user, smtp_server):
    user = make_user()
    statuses = [client.form("/mot-de-passe/oubli", {"email": user.email},
                            environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code for n in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert len(smtp_server.to(user.email)) == 3


@pytest.fixture
def redis_db15():
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    yield store
    store.flushdb()
    store.close()


@pytest.mark.parametrize(("storage", "second_worker_status"), [(REDIS_URL, 429), ("memory://", 200)])
def test_login_limit_is_shared_by_workers_only_with_a_shared_store(
        database_url, tmp_path, clock, redis_db15, storage, second_worker_status):
    first = worker(database_url, tmp_path, clock, RATELIMIT_STORAGE_URI=storage)
    with first.app_context():
        statuses = [attempt_login(first.test_client(), f"user{n}@example.org") for n in range(10)]
    # Created after the first worker's attempts: the process-wide limiter opens a new storage
    # connection, as a second server process would (memory:// then starts from zero).
    second = worker(database_url, tmp_path, clock, RATELIMIT_STORAGE_URI=storage)
    with second.app_context():
        status = attempt_login(second.test_client(), "user10@example.org")
    for app in (first, second):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    assert statuses == [200] * 10
    assert status == second_worker_status
    assert (redis_db15.dbsize() > 0) == (storage == REDIS_URL)
