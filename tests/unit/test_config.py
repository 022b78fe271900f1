"""Configuration: a production start refuses weak secrets; URLs and cookies are set safely."""

from __future__ import annotations

import gc
import secrets
import stat
from pathlib import Path

import pytest
from gunicorn.app.base import Application

import config
from app import create_app
from config import ConfigError, DevelopmentConfig, ProductionConfig, TestingConfig

TOO_WEAK = "SECRET_KEY est trop faible : au moins 32 caractères aléatoires."
NO_REDIS = ("REDIS_URL est obligatoire en production : sans lui, chaque processus du serveur compte les "
            "tentatives de connexion de son côté (par exemple REDIS_URL=redis://127.0.0.1:6379/0).")
REDIS = "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize("key", [None, ""])
def test_production_prepare_missing_secret_key_refused(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)

    with pytest.raises(ConfigError) as refused:
        ProductionConfig.prepare()

    assert str(refused.value) == "SECRET_KEY est obligatoire en production."


@pytest.mark.parametrize("key", ["a" * 31, "Jq3v-N8xT0pLr5ZkW2yHc7UeB4mDs9A"])
def test_production_prepare_short_secret_key_refused(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)

    with pytest.raises(ConfigError) as refused:
        ProductionConfig.prepare()

    assert str(refused.value) == TOO_WEAK


@pytest.mark.parametrize(
    "key",
    [
        "changeme" * 4,
        "CHANGEME" * 5,
        "secret" * 6,
        "development" * 3,
        "a" * 32,
        "abcabcabcabcabcabcabcabcabcabcabcabc",
        "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",  # Flask's tutorial key
    ],
)
def test_production_prepare_long_but_well_known_secret_key_refused(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)

    with pytest.raises(ConfigError) as refused:
        ProductionConfig.prepare()

    assert str(refused.value) == TOO_WEAK


def test_production_prepare_random_secret_key_accepted(monkeypatch):
    key = secrets.token_urlsafe(36)
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", REDIS)

    ProductionConfig.prepare()

    assert (len(key), ProductionConfig.SECRET_KEY) == (48, key)


def test_create_app_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)

    with pytest.raises(ConfigError) as refused:
        create_app(ProductionConfig, overrides={"UPLOAD_DIR": str(tmp_path / "uploads")})

    assert str(refused.value) == "SECRET_KEY est obligatoire en production."
    assert not (tmp_path / "uploads").exists()


@pytest.mark.parametrize("storage", [None, "", "memory://"])
def test_create_app_production_with_an_in_memory_rate_limiter_refuses_to_start(monkeypatch, tmp_path, storage):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secrets.token_urlsafe(36))
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", storage)

    with pytest.raises(ConfigError) as refused:
        create_app(ProductionConfig, overrides={"UPLOAD_DIR": str(tmp_path / "uploads")})

    assert str(refused.value) == NO_REDIS
    assert not (tmp_path / "uploads").exists()


def test_create_app_production_counts_attempts_in_redis(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secrets.token_urlsafe(36))
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", REDIS)

    app = create_app(ProductionConfig, overrides={
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    })

    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS


def test_development_secret_key_generated_once_and_kept(tmp_path):
    instance = tmp_path / "instance"

    first = config.development_secret_key(instance)
    second = config.development_secret_key(instance)

    assert first == second
    assert (instance / "secret_key").read_text() == first
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    assert config.check_secret_key(first) == first


def test_development_secret_key_differs_per_instance(tmp_path):
    assert config.development_secret_key(tmp_path / "a") != config.development_secret_key(tmp_path / "b")


def test_development_prepare_keeps_a_configured_key(monkeypatch):
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", "k" * 40)

    DevelopmentConfig.prepare()

    assert DevelopmentConfig.SECRET_KEY == "k" * 40


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db.example:5432/concours", "postgresql+psycopg://u:p@db.example:5432/concours"),
        ("postgresql://u:p@db.example:5432/concours", "postgresql+psycopg://u:p@db.example:5432/concours"),
        ("postgresql+psycopg://u@db/concours", "postgresql+psycopg://u@db/concours"),
        ("sqlite:////srv/concours/instance/concours.db", "sqlite:////srv/concours/instance/concours.db"),
    ],
)
def test_normalise_database_url_uses_psycopg3(url, expected):
    assert config.normalise_database_url(url) == expected


def test_production_cookies_secure_httponly_lax():
    cookies = {
        name: getattr(ProductionConfig, name)
        for name in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                     "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SAMESITE")
    }

    assert cookies == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
    }


def test_create_app_production_applies_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secrets.token_urlsafe(36))
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", REDIS)

    app = create_app(ProductionConfig, overrides={
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    })

    assert (app.config["SESSION_COOKIE_SECURE"], app.config["SESSION_COOKIE_HTTPONLY"],
            app.config["SESSION_COOKIE_SAMESITE"], app.config["PREFERRED_URL_SCHEME"]) == (True, True, "Lax", "https")
    assert app.debug is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [("development", DevelopmentConfig), ("testing", TestingConfig), ("production", ProductionConfig)],
)
def test_config_from_env_known_name_selects_class(monkeypatch, name, expected):
    monkeypatch.setenv("CONCOURS_ENV", name)

    assert config.config_from_env() is expected


def test_config_from_env_unset_defaults_to_development(monkeypatch):
    monkeypatch.delenv("CONCOURS_ENV", raising=False)

    assert config.config_from_env() is DevelopmentConfig


def test_config_from_env_unknown_name_refused(monkeypatch):
    monkeypatch.setenv("CONCOURS_ENV", "staging")

    with pytest.raises(ConfigError) as refused:
        config.config_from_env()

    assert str(refused.value) == "CONCOURS_ENV inconnu : 'staging' (development, testing, production)"


@pytest.mark.parametrize(("value", "expected"), [(None, 0), ("", 0), ("0", 0), ("1", 1), ("2", 2)])
def test_trusted_proxies_read_from_environment(monkeypatch, value, expected):
    monkeypatch.setattr(TestingConfig, "TRUSTED_PROXIES", 0)  # prepare sets it; restored after the test
    if value is None:
        monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXIES", value)

    TestingConfig.prepare()

    assert TestingConfig.TRUSTED_PROXIES == expected


@pytest.mark.parametrize("value", ["deux", "1.5", "-1", "oui"])
def test_trusted_proxies_not_a_count_refuses_to_start(monkeypatch, tmp_path, value):
    monkeypatch.setattr(TestingConfig, "TRUSTED_PROXIES", 0)
    monkeypatch.setenv("TRUSTED_PROXIES", value)

    with pytest.raises(ConfigError) as refused:
        create_app(TestingConfig, overrides={"UPLOAD_DIR": str(tmp_path / "uploads")})

    assert str(refused.value) == f"TRUSTED_PROXIES doit être un nombre entier positif ou nul : {value!r} n’en est pas un."


def test_trusted_proxies_read_in_production(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secrets.token_urlsafe(36))
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", REDIS)
    monkeypatch.setattr(ProductionConfig, "TRUSTED_PROXIES", 0)
    monkeypatch.setenv("TRUSTED_PROXIES", "1")

    ProductionConfig.prepare()

    assert ProductionConfig.TRUSTED_PROXIES == 1


class Gunicorn(Application):
    """Gunicorn's reading of the settings file it finds where it starts (the project's root)."""

    def load_config(self):
        self.load_config_from_file(str(Path(config.BASE_DIR) / "gunicorn.conf.py"))

    def load(self):
        raise AssertionError("the app is not loaded here")


def test_gunicorn_worker_freezes_the_app_it_loaded():
    """The hook is a setting gunicorn knows (it ignores a misspelt name), and it freezes what is alive."""
    hook = Gunicorn().cfg.post_worker_init
    try:
        hook(None)

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
