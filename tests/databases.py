"""Test databases: a fresh, migrated database for every test, on SQLite or PostgreSQL.

``DATABASE_URL`` pointing at a PostgreSQL server makes the suite create its own database there
(and drop it at the end); otherwise it runs on SQLite files. A PostgreSQL server that cannot be
reached is an error, never a reason to skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from app.audit_chain import GENESIS
from app.models.audit import HEAD_ID
from config import normalise_database_url


def server_url() -> URL | None:
    """The PostgreSQL server named by DATABASE_URL, or None for SQLite."""
    raw = os.environ.get("DATABASE_URL", "")
    if not raw:
        return None
    url = make_url(normalise_database_url(raw))
    if url.get_backend_name() != "postgresql":
        raise RuntimeError(f"DATABASE_URL: only PostgreSQL or nothing (SQLite) is supported, got {url.drivername}")
    return url


def render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@contextmanager
def postgresql_database(server: URL, prefix: str = "concours_test") -> Iterator[str]:
    """Create a uniquely named database on the server, yield its URL, drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield render(server.set(database=name))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def copy_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def truncate_all(url: str, table_names: list[str]) -> None:
    """Empty every table between tests.

    The audit log refuses TRUNCATE (migration 0007): nobody may empty it. Here, and only here, the
    trigger is switched off inside this transaction and on again before it commits. The chain's
    head goes back to where an empty log starts (migration 0009).
    """
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate")
        connection.exec_driver_sql(
            "TRUNCATE " + ", ".join(f'"{name}"' for name in table_names) + " RESTART IDENTITY CASCADE"
        )
        connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate")
        connection.execute(sa.text("INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (:id, 0, :hash)"),
                           {"id": HEAD_ID, "hash": GENESIS})
    engine.dispose()
