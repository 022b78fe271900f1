"""Shared fixtures: a migrated database per test, the app with a fixed clock, factories, login."""

from __future__ import annotations

import contextvars
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_migrate
import pytest
from hypothesis import settings
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app import create_app
from app.clock import FixedClock
from app.extensions import db
from config import TestingConfig
from tests.databases import copy_sqlite, postgresql_database, server_url, truncate_all
from tests.jobs import queue, worker  # noqa: F401  (jobs run for real: a queue and a consumer)
from tests.smtp import smtp_server  # noqa: F401  (a real SMTP server, shared by every test module)

# Property tests judge results, never speed: no per-example deadline (Hypothesis' 200 ms default
# fails at random when the two cores of CI are busy).
settings.register_profile("concours", deadline=None)
settings.load_profile("concours")
PARIS = ZoneInfo("Europe/Paris")
ROOT = Path(__file__).resolve().parent.parent
CONTEST_FILE = ROOT / "workflows" / "contests" / "ssp-2017.toml"
# Another edition's rules, from its file alone: 5 criteria, 1–10 scale, 1–3 picks, 2 attachments.
VARIANT_FILE = ROOT / "tests" / "contests" / "ssp-variante.toml"
# A quiet Sunday two weeks before the 2017 deadline.
BEFORE_DEADLINE = datetime(2017, 10, 1, 10, 0, tzinfo=PARIS).astimezone(UTC)
PASSWORD = "correct horse battery staple"
# The authenticator app of the staff accounts the tests enrol (``make_user`` enrols those whose role
# requires a second factor, ``enrol_second_factor`` any other).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_app(database_url: str, tmp_path: Path, **overrides):
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": str(tmp_path / "uploads"),
                "EXPORT_DIR": str(tmp_path / "exports")}
    settings.update(overrides)
    return create_app(TestingConfig, overrides=settings)


def migrate_to_head(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database migrated once per session: a template file (SQLite) or a server database."""
    scratch = tmp_path_factory.mktemp("template")
    server = server_url()
    if server is None:
        url = f"sqlite:///{scratch / 'template.db'}"
        migrate_to_head(url, scratch)
        yield "sqlite", scratch / "template.db"
    else:
        with postgresql_database(server) as url:
            migrate_to_head(url, scratch)
            yield "postgresql", url


@pytest.fixture
def database_url(migrated_database, tmp_path):
    kind, where = migrated_database
    if kind == "sqlite":
        yield copy_sqlite(where, tmp_path / "concours.db")
    else:
        yield where
        truncate_all(where, [table.name for table in db.metadata.sorted_tables])


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(BEFORE_DEADLINE)


class Client(FlaskClient):
    """A test client whose requests run like a server's: in a fresh context, after the test's
    own transaction has ended (on SQLite an open transaction would hold the write lock)."""

    def open(self, *args, **kwargs):
        db.session.commit()
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if response.is_streamed:  # a server reads a streamed body in the request's context: so does the test
            response.response = _read_in(context, response.response)
        return response

    def form(self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        """POST ``data`` with the CSRF token read from ``page`` (default: ``url``), as a browser would."""
        token = csrf_token(self.get(page or url).get_data(as_text=True))
        return self.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def _read_in(context: contextvars.Context, body):
    chunks = iter(body)
    try:
        while True:
            try:
                chunk = context.run(next, chunks)
            except StopIteration:
                return
            yield chunk
    finally:
        if hasattr(body, "close"):
            context.run(body.close)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def app(database_url, tmp_path, clock):
    app = make_app(database_url, tmp_path, CLOCK=clock)
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def edition(app, clock):
    """The 2017 edition, loaded from its definition file."""
    from app.editions import load_edition

    edition, _created = load_edition(CONTEST_FILE.read_text(encoding="utf-8"), source=CONTEST_FILE.name, now=clock())
    db.session.commit()
    return edition


@pytest.fixture
def variant_edition(app, clock):
    """The variant edition (``VARIANT_FILE``), loaded alone."""
    from app.editions import load_edition

    edition, _created = load_edition(VARIANT_FILE.read_text(encoding="utf-8"), source=VARIANT_FILE.name, now=clock())
    db.session.commit()
    return edition


@pytest.fixture
def make_user(app, clock):
    """Factory: ``make_user(role, region="HDF")`` creates a verified account with PASSWORD."""
    from app.accounts import create_user
    from app.passwords import hash_password
    from workflows.states import Role

    counter = iter(range(1, 10_000))

    def make(role=Role.CANDIDATE, region: str | None = None, email: str | None = None,
             second_factor: bool | None = None, **kwargs):
        """``second_factor``: enrolled or not; by default, when the role requires it."""
        role = Role(role)
        if role.is_regional and region is None:
            region = "HDF"
        user = create_user(
            email=email or f"{role.value}.{next(counter)}@example.org",
            password_hash=hash_password(PASSWORD),
            role=role,
            region_code=region,
            now=clock(),
            verified=True,
            **kwargs,
        )
        if user.second_factor_required if second_factor is None else second_factor:
            enrol_second_factor(user)
        db.session.commit()
        return user

    return make


def enrol_second_factor(user, secret: str = TOTP_SECRET) -> list[str]:
    """Enrol ``user``'s authenticator as its page does, with the previous step's code (still accepted),
    which leaves the current one for signing in; returns the recovery codes. The caller commits."""
    from app.clock import now
    from app.mfa.codes import code_at, step_at
    from app.mfa.operations import confirm_enrolment

    user.mfa_secret = secret  # what the enrolment page would have made and shown
    return confirm_enrolment(user, code_at(secret, step_at(now()) - 1), now=now())


def authenticator_code(email: str, secret: str = TOTP_SECRET) -> str:
    """The code the app shows at the clock's time; once that one is used, the next step's, as a person
    would wait for the next code (a code is never accepted twice)."""
    from app.accounts import normalise_email
    from app.clock import now
    from app.mfa.codes import code_at, step_at
    from app.models import User

    last = db.session.scalar(db.select(User.mfa_last_step).filter_by(email=normalise_email(email)))
    step = step_at(now())
    return code_at(secret, step if last is None or last < step else last + 1)


def sign_in(client, email: str, password: str = PASSWORD, secret: str = TOTP_SECRET):
    """Sign ``client`` in through the real forms: the password, then the code when it is asked for."""
    response = client.form("/connexion", {"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"] == "/connexion/code":
        response = client.form("/connexion/code", {"code": authenticator_code(email, secret)})
    return response


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in through the real forms (the code too, when asked)."""

    def login_(user, password: str = PASSWORD):
        response = sign_in(client, user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return login_


@pytest.fixture
def live_server(app):
    """The test's app served by a real HTTP server in a thread; yields its base URL."""
    db.session.commit()  # the server's transactions must not wait for the test's
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
