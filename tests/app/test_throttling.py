"""Rate limits on login, registration and password reset: per client address and per email typed.

Sign-in counts failed attempts only (10 per account and 50 per address in 15 minutes); successful
sign-ins never count. A forged ``X-Forwarded-For`` only counts behind declared proxies
(TRUSTED_PROXIES); limits live in a shared store (Redis) so that every worker counts the same attempts.
"""

from __future__ import annotations

import pytest
import redis

from app.access import public
from app.client_address import client_address
from app.extensions import db
from tests.conftest import PASSWORD, Client, make_app
from workflows.states import Role

TOO_MANY = "Vous avez fait trop de tentatives."
REDIS_URL = "redis://127.0.0.1:6379/15"
ACCOUNT_FAILURES, ADDRESS_FAILURES = 10, 50


def attempt_login(client, email: str, *, password: str = "not the password!", address: str = "127.0.0.1",
                  forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.form("/connexion", {"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": address}, headers=headers)
    if response.status_code == 429:
        assert TOO_MANY in response.get_data(as_text=True)
    return response.status_code


def worker(database_url, tmp_path, clock, **overrides):
    """Another instance of the app, as a second server process would create it."""
    other = make_app(database_url, tmp_path, CLOCK=clock, **overrides)
    other.test_client_class = Client
    return other


def close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_login_twenty_accounts_signing_in_from_one_address_all_succeed(app, edition, make_user):
    users = [make_user(Role.REGIONAL_JUROR, region="HDF") for _ in range(20)]

    statuses = [attempt_login(app.test_client(), user.email, password=PASSWORD) for user in users]

    assert statuses == [302] * 20


def test_login_successes_leave_the_address_its_whole_failure_allowance(app, edition, make_user):
    user = make_user(Role.REGIONAL_JUROR, region="HDF")
    signed_in = [attempt_login(app.test_client(), user.email, password=PASSWORD) for _ in range(ADDRESS_FAILURES)]

    failures = [attempt_login(app.test_client(), f"user{n}@example.org") for n in range(ADDRESS_FAILURES + 1)]

    assert signed_in == [302] * ADDRESS_FAILURES
    assert failures == [200] * ADDRESS_FAILURES + [429]


def test_login_after_ten_failures_on_an_account_refuses_even_the_right_password_from_elsewhere(
        client, edition, make_user):
    user = make_user(Role.REGIONAL_JUROR, region="HDF")
    failures = [attempt_login(client, user.email, address="192.0.2.1") for _ in range(ACCOUNT_FAILURES)]

    right_password = client.form("/connexion", {"email": user.email, "password": PASSWORD},
                                 environ_base={"REMOTE_ADDR": "198.51.100.5"})
    other_account = attempt_login(client, "autre@example.org", address="192.0.2.1")

    assert failures == [200] * ACCOUNT_FAILURES
    assert right_password.status_code == 429
    assert TOO_MANY in right_password.get_data(as_text=True)
    assert client.get("/connexion").status_code == 200  # still signed out: the form, not a redirect
    assert other_account == 200


def test_login_throttled_account_answers_like_an_unknown_one(client, edition, make_user):
    user = make_user(Role.REGIONAL_JUROR, region="HDF")
    answers = {}
    for email, password in ((user.email, PASSWORD), ("personne@example.org", "n'importe quoi !")):
        for n in range(ACCOUNT_FAILURES):
            attempt_login(client, email, address=f"192.0.2.{n}")
        response = client.form("/connexion", {"email": email, "password": password},
                               environ_base={"REMOTE_ADDR": "198.51.100.5"})
        answers[email] = (response.status_code, response.get_data(as_text=True))

    assert answers[user.email][0] == answers["personne@example.org"][0] == 429
    assert answers[user.email][1] == answers["personne@example.org"][1]


def test_login_failures_spread_over_many_accounts_hit_the_address_limit(client, edition, make_user):
    user = make_user(Role.REGIONAL_JUROR, region="HDF")
    failures = [attempt_login(client, f"user{n}@example.org", address="192.0.2.7") for n in range(ADDRESS_FAILURES)]

    same_address = attempt_login(client, user.email, password=PASSWORD, address="192.0.2.7")
    other_address = attempt_login(client, user.email, password=PASSWORD, address="192.0.2.8")

    assert failures == [200] * ADDRESS_FAILURES
    assert (same_address, other_address) == (429, 302)


def test_login_forged_forwarded_for_does_not_reset_the_address_limit(client):
    statuses = [attempt_login(client, f"user{n}@example.org", forwarded_for=f"203.0.113.{n}")
                for n in range(ADDRESS_FAILURES + 1)]

    assert statuses == [200] * ADDRESS_FAILURES + [429]


def test_login_eleventh_failure_on_one_email_from_many_addresses_is_refused(client):
    statuses = [attempt_login(client, "cible@example.org", address=f"192.0.2.{n}") for n in range(ACCOUNT_FAILURES + 1)]
    other_email = attempt_login(client, "autre@example.org", address="192.0.2.99")

    assert statuses == [200] * ACCOUNT_FAILURES + [429]
    assert other_email == 200


def test_login_email_limit_ignores_case_and_spaces(client):
    emails = ["cible@example.org", "CIBLE@example.org", "Cible@Example.org"] * 4
    failures = [attempt_login(client, email, address=f"192.0.2.{n}")
                for n, email in enumerate(emails[:ACCOUNT_FAILURES])]

    # Spaces make the form invalid (not an attempt, not counted) but the throttled account is still refused.
    spaced = attempt_login(client, " Cible@Example.org ", address="192.0.2.99")

    assert failures == [200] * ACCOUNT_FAILURES
    assert spaced == 429


@pytest.mark.parametrize(("trusted_proxies", "expected"), [
    (None, "192.0.2.50"), ("0", "192.0.2.50"), ("1", "198.51.100.7"), ("2", "10.9.9.9"),
])
def test_trusted_proxies_from_environment_choose_the_rate_limited_address(
        monkeypatch, database_url, tmp_path, clock, trusted_proxies, expected):
    if trusted_proxies is None:
        monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXIES", trusted_proxies)
    app = worker(database_url, tmp_path, clock)
    app.add_url_rule("/adresse-vue", "seen_address", public(lambda: client_address()))

    with app.app_context():
        seen = app.test_client().get("/adresse-vue", environ_base={"REMOTE_ADDR": "192.0.2.50"},
                                     headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.7"})
    close(app)

    assert (seen.status_code, seen.get_data(as_text=True)) == (200, expected)


def test_login_behind_one_trusted_proxy_limits_the_forwarded_client(monkeypatch, database_url, tmp_path, clock):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    behind_proxy = worker(database_url, tmp_path, clock)
    with behind_proxy.app_context():
        client = behind_proxy.test_client()
        # The proxy appends the real client to whatever the client sent; only that last entry counts.
        same_client = [attempt_login(client, f"user{n}@example.org", forwarded_for=f"10.9.9.{n}, 198.51.100.7")
                       for n in range(ADDRESS_FAILURES + 1)]
        other_client = attempt_login(client, "user99@example.org", forwarded_for="198.51.100.8")
    close(behind_proxy)

    assert same_client == [200] * ADDRESS_FAILURES + [429]
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
        statuses = [attempt_login(first.test_client(), "cible@example.org") for _ in range(ACCOUNT_FAILURES)]
    # Created after the first worker's attempts: the process-wide limiter opens a new storage
    # connection, as a second server process would (memory:// then starts from zero).
    second = worker(database_url, tmp_path, clock, RATELIMIT_STORAGE_URI=storage)
    with second.app_context():
        status = attempt_login(second.test_client(), "cible@example.org")
    for app in (first, second):
        close(app)

    assert statuses == [200] * ACCOUNT_FAILURES
    assert status == second_worker_status
    assert (redis_db15.dbsize() > 0) == (storage == REDIS_URL)
