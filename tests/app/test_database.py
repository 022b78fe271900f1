"""Engine settings and the datetime column type, on the dialect the suite runs on."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.database import takes_write_lock, writes
from app.extensions import db
from app.models import Edition, Region, User, UTCDateTime

PARIS = ZoneInfo("Europe/Paris")


def utc_datetime_columns() -> dict[tuple[str, str], str]:
    return {
        (table.name, column.name): "timestamp with time zone"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, UTCDateTime)
    }


def test_database_connection_settings_match_the_dialect(app):
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            }
        assert (pragmas["foreign_keys"], pragmas["journal_mode"]) == (1, "wal")
        assert pragmas["busy_timeout"] > 0
    else:
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND data_type LIKE 'timestamp%'"
            )).all()
        assert {(table, column): kind for table, column, kind in rows} == utc_datetime_columns()
        assert ("audit_log", "at") in utc_datetime_columns()


def test_database_dangling_foreign_key_refused(app, clock):
    db.session.add(Region(edition_id=999, code="HDF", name="Hauts-de-France"))

    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Region)) == 0


def test_datetime_read_back_aware_in_utc(app):
    paris_evening = datetime(2017, 10, 15, 23, 30, tzinfo=PARIS)
    db.session.add(User(email="paris@example.org", created_at=paris_evening))
    db.session.commit()
    db.session.expire_all()

    created_at = db.session.scalar(sa.select(User.created_at).filter_by(email="paris@example.org"))

    assert created_at == datetime(2017, 10, 15, 21, 30, tzinfo=UTC)
    assert created_at.tzinfo is UTC


def test_datetime_naive_refused_on_flush(app):
    db.session.add(User(email="naive@example.org", created_at=datetime(2017, 10, 15, 23, 30)))

    with pytest.raises(sa.exc.StatementError) as refused:
        db.session.flush()
    db.session.rollback()

    assert isinstance(refused.value.orig, ValueError)
    assert str(refused.value.orig) == "naive datetime refused: pass an aware datetime"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_page_view_reads_while_another_connection_holds_a_write_transaction(client, edition):
    # Outside a request a connection writes (on SQLite: BEGIN IMMEDIATE, the database's write lock).
    with db.engine.connect() as writer:
        writer.execute(sa.update(Edition).values(title="Titre pas encore validé"))

        response = client.get("/")

        writer.rollback()
    assert response.status_code == 200
    assert edition.title in response.get_data(as_text=True)
    assert "Titre pas encore validé" not in response.get_data(as_text=True)


def test_write_lock_is_taken_by_unsafe_methods_marked_views_and_outside_requests(app):
    app.add_url_rule("/lecture", "reads", lambda: "")
    app.add_url_rule("/ecriture", "writes", writes(lambda: ""))

    with app.test_request_context("/lecture", method="GET"):
        plain_get = takes_write_lock()
    with app.test_request_context("/lecture", method="POST"):
        post = takes_write_lock()
    with app.test_request_context("/ecriture", method="GET"):
        marked_get = takes_write_lock()

    assert (plain_get, post, marked_get, takes_write_lock()) == (False, True, True, True)


def test_page_view_that_writes_without_the_mark_fails_on_sqlite(app, clock):
    with app.test_request_context("/", method="GET"):
        db.session.add(User(email="lecture@example.org", created_at=clock()))
        if db.engine.dialect.name == "sqlite":
            with pytest.raises(sa.exc.OperationalError, match="readonly"):
                db.session.flush()
        else:  # PostgreSQL reads and writes without a database-wide lock: nothing to mark
            db.session.flush()
        db.session.rollback()
