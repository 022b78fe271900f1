"""The database out of reach: a PostgreSQL restart between two requests or in the middle of one, SQLite's
write lock held by another writer beyond the busy timeout. The request in flight answers a plain French
« réessayez » page and writes nothing; the next request succeeds."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.extensions import db
from app.models import AuditEntry, OutboxEmail
from tests.app.attachment_helpers import page_text
from tests.app.dossier_helpers import review_url
from tests.app.test_dossier import candidate, complete_form, draft, post_dossier, reload  # noqa: F401  (fixtures)

# What a fault page must never show: a traceback, SQL, the driver or the database file.
LEAKS = ("Traceback", "sqlalchemy", "psycopg", "sqlite", "SELECT", "INSERT", "UPDATE", "email_outbox", ".py")


def dossier_trace(candidature) -> tuple:
    """What a submission changes: the dossier's state and version, its audit rows, the outbox."""
    candidature = reload(candidature)
    actions = db.session.scalars(db.select(AuditEntry.action).filter_by(candidature_id=candidature.id)
                                 .order_by(AuditEntry.id)).all()
    return candidature.state, candidature.version, candidature.title, actions, db.session.scalars(
        db.select(OutboxEmail.recipient)).all()


def submission(client, candidature) -> tuple[str, dict]:
    """The dossier's address and a complete form submitting it, as its page gives them."""
    url = f"/candidatures/{candidature.id}"
    page = client.get(review_url(candidature)).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|version)" type="hidden" value="([^"]+)"', page))
    return url, {**fields, "action": "submit", **complete_form()}


@contextmanager
def postgresql_admin() -> Iterator[sa.Connection]:
    """A connection of its own to the test database, outside the app's pool: the operator's."""
    engine = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def restart_postgresql() -> int:
    """What the pool sees after a server restart: every server connection to the database is gone."""
    with postgresql_admin() as admin:
        return len(admin.execute(sa.text(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())


@contextmanager
def postgresql_dies_at(statement_start: str) -> Iterator[None]:
    """The server drops the request's connection when it is about to run ``statement_start``..."""
    fired = []

    def terminate(connection, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith(statement_start) and not fired:
            fired.append(statement)
            with postgresql_admin() as admin:
                admin.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"),
                              {"pid": connection.connection.dbapi_connection.info.backend_pid})

    event.listen(db.engine, "before_cursor_execute", terminate)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", terminate)
    assert fired, f"no {statement_start} ran"


@contextmanager
def sqlite_locked_by_another_writer(app) -> Iterator[None]:
    """Another process's transaction holds SQLite's write lock for longer than the busy timeout."""
    db.session.commit()
    app.config["SQLITE_BUSY_TIMEOUT"] = 0.2  # the real wait, shortened (production: 10 s)
    db.engine.dispose()  # the pool's connections take the new timeout
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@contextmanager
def database_fault_during_a_request(app) -> Iterator[None]:
    if db.engine.dialect.name == "postgresql":
        # Mid-way: the dossier is saved and its audit rows written when the connection drops.
        with postgresql_dies_at("INSERT INTO email_outbox"):
            yield
    else:
        with sqlite_locked_by_another_writer(app):
            yield


def test_database_fault_during_a_submission_shows_retry_page_and_writes_nothing(app, client, draft):
    before = dossier_trace(draft)
    url, form = submission(client, draft)  # the page is open in the browser before the fault

    with database_fault_during_a_request(app):
        response = client.post(url, data=form)

    text = page_text(response)
    assert response.status_code == 503
    assert "Service momentanément indisponible" in text
    assert "Votre demande n’a pas abouti et rien n’a été modifié. Réessayez dans quelques instants" in text
    assert [leak for leak in LEAKS if leak in response.get_data(as_text=True)] == []
    assert dossier_trace(draft) == before == ("draft", 1, None, ["candidature.create"], [])

    again = post_dossier(client, draft, complete_form(), action="submit")

    assert again.status_code == 302
    state, _version, title, actions, emails = dossier_trace(draft)
    assert (state, title, actions[-1], emails) == ("submitted", "Patients traceurs de leur sortie",
                                                   "candidature.submit", [draft.owner.email])


@pytest.mark.parametrize("page", ["/candidatures", "/"])
def test_database_restarted_between_two_requests_the_next_one_succeeds(app, client, draft, page):
    assert client.get(page).status_code == 200
    if db.engine.dialect.name == "postgresql":
        assert restart_postgresql() >= 1  # at least the pooled connection the last request used
    else:
        # SQLite has no server to restart: the file is rewritten under the pool by another process
        # (VACUUM, a checkpoint that empties the WAL), as during a maintenance.
        maintenance = sqlite3.connect(db.engine.url.database, isolation_level=None)
        maintenance.execute("VACUUM")
        maintenance.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        maintenance.close()

    assert client.get(page).status_code == 200
    assert post_dossier(client, draft, complete_form(), action="submit").status_code == 302
    assert dossier_trace(draft)[0] == "submitted"
