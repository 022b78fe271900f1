"""Argon2id at OWASP's minimum, old hashes upgraded at sign-in, and no transaction open while hashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app import passwords
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD
from tests.app.test_password_reset import ask_reset, choose_password, reset_link
from workflows.states import Role


class ObservedHasher(PasswordHasher):
    """argon2-cffi's hasher, noting for each call whether the request's session held a transaction."""

    def __init__(self, calls: list[tuple[str, bool]]):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)  # the "fast" test profile
        self.calls = calls

    def hash(self, password, *, salt=None):
        self.calls.append(("hash", db.session().in_transaction()))
        return super().hash(password, salt=salt)

    def verify(self, hash, password):
        self.calls.append(("verify", db.session().in_transaction()))
        return super().verify(hash, password)


@pytest.fixture
def hashing(monkeypatch) -> list[tuple[str, bool]]:
    calls: list[tuple[str, bool]] = []
    monkeypatch.setitem(passwords._HASHERS, "fast", ObservedHasher(calls))
    return calls


def stored_hash(user: User) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


def test_default_profile_is_owasp_minimum_argon2id():
    hasher = passwords._HASHERS["default"]

    assert (hasher.type.name, hasher.memory_cost, hasher.time_cost, hasher.parallelism) == ("ID", 19456, 2, 1)


def test_sign_in_upgrades_a_hash_made_with_older_parameters(client, edition, make_user):
    user = make_user(Role.CANDIDATE)
    user.password_hash = PasswordHasher(time_cost=3, memory_cost=2048, parallelism=2).hash(PASSWORD)
    db.session.commit()

    response = client.form("/connexion", {"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    upgraded = stored_hash(user)
    assert upgraded.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert passwords._HASHERS["fast"].verify(upgraded, PASSWORD)


def test_sign_in_keeps_a_current_hash(client, edition, make_user):
    user = make_user(Role.CANDIDATE)
    before = stored_hash(user)

    client.form("/connexion", {"email": user.email, "password": PASSWORD})

    assert stored_hash(user) == before


def test_failed_sign_in_leaves_an_old_hash_alone(client, edition, make_user):
    user = make_user(Role.CANDIDATE)
    user.password_hash = old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    db.session.commit()

    client.form("/connexion", {"email": user.email, "password": "pas le bon mot de passe"})

    assert stored_hash(user) == old
    with pytest.raises((VerificationError, InvalidHashError)):
        PasswordHasher().verify(old, "pas le bon mot de passe")


def test_sign_in_verifies_and_rehashes_with_no_transaction_open(client, edition, make_user, hashing):
    user = make_user(Role.CANDIDATE)
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    db.session.commit()
    hashing.clear()

    response = client.form("/connexion", {"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert hashing == [("verify", False), ("hash", False)]


def test_registration_hashes_with_no_transaction_open(client, edition, hashing, smtp_server):
    client.form("/inscription", {"email": "nouvelle@example.org", "password": PASSWORD, "confirmation": PASSWORD})

    assert hashing == [("hash", False)]
    assert db.session.scalar(db.select(User.email)) == "nouvelle@example.org"


def test_password_reset_hashes_with_no_transaction_open(app, client, make_user, hashing, smtp_server):
    user = make_user(Role.CANDIDATE)
    ask_reset(client, user.email)
    hashing.clear()

    response = choose_password(client, reset_link(app, smtp_server, user.email))

    assert response.status_code == 302
    assert hashing == [("hash", False)]
