"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import flask_migrate
import pytest
import sqlalchemy as sa
import tomli_w
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.accounts import create_user
from app.audit import record
from app.audit_chain import GENESIS, row_hash
from app.editions import load_edition
from app.extensions import db
from app.journal.verification import verify_log
from app.models import AuditChainHead, AuditEntry, Scoresheet, UTCDateTime
from tests import factories
from tests.conftest import CONTEST_FILE, make_app
from tests.databases import postgresql_database, server_url
from workflows.states import Role


@pytest.fixture
def empty_database_url(tmp_path):
    server = server_url()
    if server is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        with postgresql_database(server, prefix="concours_migrations") as url:
            yield url


@pytest.fixture
def bare_app(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_upgrade_to_head_matches_models(bare_app):
    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)

    assert differences == []
    assert table_names() == set(db.metadata.tables)


def test_migrations_downgrade_to_base_removes_every_table(bare_app):
    flask_migrate.upgrade()

    flask_migrate.downgrade(revision="base")

    assert table_names() == set()


# Emptying the table: PostgreSQL's TRUNCATE; SQLite has none, an unconditional DELETE is its equivalent.
EMPTY_TABLE = {"postgresql": "TRUNCATE audit_log", "sqlite": "DELETE FROM audit_log"}


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'",
                                       "DELETE FROM audit_log WHERE action = 'user.login'", EMPTY_TABLE],
                         ids=["update", "delete", "empty"])
def test_audit_log_refuses_change_from_any_client(bare_app, statement):
    flask_migrate.upgrade()
    if isinstance(statement, dict):
        statement = statement[db.engine.dialect.name]
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO audit_log (at, action, data, prev_hash, hash) "
            "VALUES (CURRENT_TIMESTAMP, 'user.login', '{}', 'genesis', 'hash')"
        )

    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.exec_driver_sql(statement)

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT action FROM audit_log").scalars().all() == ["user.login"]


def test_migration_0003_copies_each_editions_slot_limits_from_its_definition(bare_app):
    flask_migrate.upgrade(revision="0002_excused_regions")
    data = tomllib.loads(CONTEST_FILE.read_text(encoding="utf-8"))
    data["attachments"]["max_count"], data["quota"]["max"] = 5, 4
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO editions (slug, title, definition_toml, submission_deadline, national_stage, created_at, "
            "updated_at) VALUES ('ssp-2018', 'Titre', :toml, CURRENT_TIMESTAMP, 'regional', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)"), {"toml": tomli_w.dumps(data)})

    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT max_attachments, max_picks FROM editions").all() == [(5, 4)]


def test_migration_0010_chains_the_rows_already_written_in_id_order(bare_app):
    flask_migrate.upgrade(revision="0009_staff_mfa")
    log = sa.table("audit_log", sa.column("at", UTCDateTime()), sa.column("action"), sa.column("reason"),
                   sa.column("data", sa.JSON()))
    moment = datetime(2017, 10, 1, 8, 0, 0, 250, tzinfo=UTC)
    with db.engine.begin() as connection:
        connection.execute(log.insert(), [
            {"at": moment, "action": "user.login", "reason": None, "data": {}},
            {"at": moment, "action": "user.logout", "reason": "Fin « normale »", "data": {"ids": [2, 1]}},
            {"at": moment, "action": "user.login", "reason": None, "data": {"user_id": 9}},
        ])

    flask_migrate.upgrade()
    record("user.logout", actor=None, role=None, at=moment, data={})  # the chain goes on after them
    db.session.commit()

    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    head = db.session.get(AuditChainHead, 1)
    assert [entry.id for entry in entries] == [1, 2, 3, 4]
    assert [entry.prev_hash for entry in entries] == [GENESIS] + [entry.hash for entry in entries[:-1]]
    assert [row_hash(entry.chained_fields(), entry.prev_hash) for entry in entries] == [e.hash for e in entries]
    assert (head.last_id, head.last_hash) == (4, entries[-1].hash)
    assert verify_log().gaps == []


def test_migration_0015_folds_the_search_text_of_the_dossiers_already_there(bare_app):
    from app.accounts import create_user
    from app.editions import load_edition
    from tests import factories
    from workflows.states import Role

    flask_migrate.upgrade()
    at = datetime(2017, 10, 1, 8, 0, tzinfo=UTC)
    edition, _created = load_edition(CONTEST_FILE.read_text(encoding="utf-8"), source=CONTEST_FILE.name, now=at)
    owner = create_user(email="candidat@example.org", password_hash=None, role=Role.CANDIDATE, now=at)
    db.session.add(factories.candidature(edition, owner, at=at, state="submitted", title="Sécurité à l’Hôpital",
                                         structure_name="Œuvre", receipt_number="SSP-XYZ"))
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(revision="0014_entry")

    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT search_text FROM candidatures").scalars().all() == [
            "securite a l'hopital\noeuvre\nssp xyz"]


def test_migration_0016_stores_each_submitted_sheets_figures_with_its_editions_weights(bare_app):
    flask_migrate.upgrade(revision="0015_search_text")  # the models of every other table are those of 0015
    data = tomllib.loads(CONTEST_FILE.read_text(encoding="utf-8"))
    for criterion, weight in zip(data["criteria"], (3, 1, 2, 1), strict=True):
        criterion["weight"] = weight
    moment = datetime(2017, 11, 2, 9, 0, tzinfo=UTC)
    edition, _ = load_edition(tomli_w.dumps(data), source="ssp-2017.toml", now=moment)
    owner = create_user(email="porteur@example.org", password_hash=None, role=Role.CANDIDATE, now=moment)
    juror = create_user(email="jure@example.org", password_hash=None, role=Role.REGIONAL_JUROR, region_code="HDF",
                        now=moment)
    candidature = factories.candidature(edition, owner, at=moment, state="regional_jury")
    db.session.add(candidature)
    db.session.flush()
    dossier, juror = candidature.id, juror.id
    db.session.commit()
    db.session.close()  # on SQLite, a session reading would hold off the writes below
    sheets = sa.table("scoresheets", sa.column("id"), sa.column("candidature_id"), sa.column("juror_id"),
                      sa.column("stage"), sa.column("status"), sa.column("overall_comment"),
                      sa.column("submitted_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()),
                      sa.column("version"))
    marks = sa.table("marks", sa.column("scoresheet_id"), sa.column("criterion"), sa.column("value"),
                     sa.column("justification"))
    submitted = {"partenariat": 4, "securite": 2, "reproductibilite": 3, "originalite": 1}
    with db.engine.begin() as connection:
        connection.execute(sheets.insert(), [
            {"id": 1, "candidature_id": dossier, "juror_id": juror, "stage": "regional",
             "status": "submitted", "overall_comment": "", "submitted_at": moment, "updated_at": moment, "version": 1},
            {"id": 2, "candidature_id": dossier, "juror_id": juror, "stage": "national", "status": "draft",
             "overall_comment": "", "submitted_at": None, "updated_at": moment, "version": 1}])
        connection.execute(marks.insert(), [
            {"scoresheet_id": 1, "criterion": key, "value": value, "justification": ""}
            for key, value in submitted.items()] + [
            {"scoresheet_id": 2, "criterion": "partenariat", "value": 5, "justification": ""}])

    flask_migrate.upgrade()

    stored = {sheet.id: (sheet.total, sheet.criterion_marks) for sheet in db.session.scalars(db.select(Scoresheet))}
    assert stored == {1: (4 * 3 + 2 * 1 + 3 * 2 + 1 * 1, submitted), 2: (None, None)}
