"""Engine settings that the defaults get wrong for us."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine_events(engine: Engine) -> None:
    """SQLite: enforce foreign keys, WAL for concurrent readers, wait instead of failing on locks."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # pysqlite's own transaction handling defers BEGIN to the first write, which lets two
        # transactions read the same state and then both write; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:
        # IMMEDIATE takes the write lock up front: transactions are serialised, so a check
        # (quota, free slot, one winner) and the write that follows it cannot interleave.
        # The price is throughput, which the embedded default does not need; production runs
        # on PostgreSQL with row locks.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def end_transaction() -> None:
    """Commit what the session holds and give its connection back, before slow work that needs no
    database (Argon2, receiving and inspecting an upload): no lock waits on it. The next query
    opens a fresh transaction, which re-reads the rows it uses."""
    from app.extensions import db

    db.session.commit()
