"""Configuration classes; every setting comes from the environment, with safe defaults.

With no environment at all the app runs on a SQLite file in ``instance/`` (the embedded default).
Production refuses to start without a strong ``SECRET_KEY`` or without ``REDIS_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))
DEFAULT_CONTEST_FILE = BASE_DIR / "workflows" / "contests" / "ssp-2017.toml"

# Words copied from tutorials and examples: a production key must not be one of them, repeated.
KNOWN_WEAK_WORDS = ("dev", "secret", "changeme", "change-me", "development", "test", "key", "password")
# Keys published in documentation (Flask's tutorial shows this one).
PUBLISHED_KEYS = frozenset({"192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf"})
MIN_SECRET_KEY_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12  # a random key of 32 characters has many more; "a" * 32 has one


class ConfigError(RuntimeError):
    """Raised at start-up when a setting would make the app unsafe or unusable."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_count(name: str, default: int = 0) -> int:
    """A whole number of at least 0 from the environment; anything else stops the start."""
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"{name} doit être un nombre entier positif ou nul : {raw!r} n’en est pas un.")
    return value


def development_secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """A random key generated once and kept in ``instance/`` so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _is_repeated_word(key: str) -> bool:
    lowered = key.lower()
    return any(lowered == word * (len(lowered) // len(word)) for word in KNOWN_WEAK_WORDS)


def check_secret_key(key: str | None) -> str:
    """Refuse a missing, short, published, repetitive or well-known secret key."""
    if not key:
        raise ConfigError("SECRET_KEY est obligatoire en production.")
    if (len(key) < MIN_SECRET_KEY_LENGTH or key in PUBLISHED_KEYS or _is_repeated_word(key)
            or len(set(key)) < MIN_DISTINCT_CHARACTERS):
        raise ConfigError(
            f"SECRET_KEY est trop faible : au moins {MIN_SECRET_KEY_LENGTH} caractères aléatoires."
        )
    return key


def check_rate_limit_storage(uri: str | None) -> str:
    """Refuse a limiter kept in each worker's memory: every worker would count on its own."""
    if not uri or uri.startswith("memory://"):
        raise ConfigError(
            "REDIS_URL est obligatoire en production : sans lui, chaque processus du serveur compte les "
            "tentatives de connexion de son côté (par exemple REDIS_URL=redis://127.0.0.1:6379/0)."
        )
    return uri


def sqlite_url(instance_dir: Path = INSTANCE_DIR) -> str:
    return f"sqlite:///{instance_dir / 'concours.db'}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common ``postgres://`` forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SQLALCHEMY_DATABASE_URI = normalise_database_url(_env("DATABASE_URL") or sqlite_url())
    # A connection the database server dropped (a restart) is replaced before a request uses it.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite: how long a writer waits for the write lock before the request fails with « réessayez ».
    SQLITE_BUSY_TIMEOUT = 10
    SECRET_KEY = _env("SECRET_KEY")
    CONTEST_FILE = _env("CONTEST_FILE", str(DEFAULT_CONTEST_FILE))
    UPLOAD_DIR = _env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    SMTP_HOST = _env("SMTP_HOST", "localhost")
    SMTP_PORT = int(_env("SMTP_PORT", "25"))
    SMTP_TIMEOUT = int(_env("SMTP_TIMEOUT", "10"))
    SMTP_STARTTLS = _env("SMTP_STARTTLS", "") == "1"
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    MAIL_FROM = _env("MAIL_FROM", "Concours SSP <no-reply@concours.invalid>")
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "memory://")
    # Jobs (app.tasks): Huey's queue on the same Redis when there is one, else a SQLite file of its
    # own (the app's database keeps its write lock for requests).
    TASKS_REDIS_URL = _env("REDIS_URL")
    TASKS_SQLITE_FILE = _env("TASKS_SQLITE_FILE", str(INSTANCE_DIR / "tasks.db"))
    TASKS_IMMEDIATE = False
    # Files prepared by jobs (the shortlist archive, a large book), kept a day for who asked.
    EXPORT_DIR = _env("EXPORT_DIR", str(INSTANCE_DIR / "exports"))
    # The anonymous pages' cache (app.page_cache): shared by the workers through Redis when there is one.
    CACHE_TYPE = "RedisCache" if _env("REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = _env("REDIS_URL")
    CACHE_KEY_PREFIX = "concours:"
    RATELIMIT_HEADERS_ENABLED = True
    # Reverse proxies whose X-Forwarded-For is trusted (read by prepare); 0 keeps the socket address.
    TRUSTED_PROXIES = 0
    # One upload per request: a file plus the form fields. The per-file limit comes from the contest;
    # a definition allowing larger files than this is refused at load (app.editions).
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(32 * 1024 * 1024)))
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    WTF_CSRF_TIME_LIMIT = None  # candidates fill long dossiers; the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Argon2id's cost (app.passwords): tests lower it to run fast; every other environment keeps OWASP's minimum.
    PASSWORD_HASH_PROFILE = "default"
    # Strict-Transport-Security (app.headers): production only, a development server runs on http.
    HSTS = False

    @classmethod
    def prepare(cls) -> None:
        """Hook run by create_app before the app reads the settings: refuse a bad one there."""
        cls.TRUSTED_PROXIES = env_count("TRUSTED_PROXIES")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False  # the demo must not expose the Werkzeug debugger on a shared machine

    @classmethod
    def prepare(cls) -> None:
        super().prepare()
        if not cls.SECRET_KEY:
            cls.SECRET_KEY = development_secret_key()


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = secrets.token_urlsafe(48)
    RATELIMIT_STORAGE_URI = "memory://"
    # Jobs run at once, in the thread that enqueues them; the job tests use a queue and a real worker.
    TASKS_REDIS_URL = None
    TASKS_IMMEDIATE = True
    CACHE_TYPE = "SimpleCache"
    PASSWORD_HASH_PROFILE = "fast"
    # Every request reaching a route with an id must ask app.policy (a forgotten check fails the test).
    CHECK_POLICY = True
    # Nothing listens there: a test that does not start its own SMTP server can never send mail.
    SMTP_HOST, SMTP_PORT = "127.0.0.1", 1


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True

    @classmethod
    def prepare(cls) -> None:
        super().prepare()
        cls.SECRET_KEY = check_secret_key(cls.SECRET_KEY)
        cls.RATELIMIT_STORAGE_URI = check_rate_limit_storage(cls.RATELIMIT_STORAGE_URI)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by ``CONCOURS_ENV`` (development by default)."""
    name = _env("CONCOURS_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"CONCOURS_ENV inconnu : {name!r} ({', '.join(CONFIGS)})") from None
