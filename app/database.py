"""Engine settings that the defaults get wrong for us, and which transactions take SQLite's write lock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import Select, bindparam, event, select
from sqlalchemy.engine import Engine

from app.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes(view: Callable) -> Callable:
    """Mark a GET view that writes (an audit row, a state it records): its transactions take the
    write lock up front like a POST's. Without the mark, its write fails on SQLite (read-only)."""
    view.writes = True
    return view


def reads_from_now_on() -> None:
    """The request has committed its writes; what it still runs (a streamed export's queries, after the
    response has begun) only reads, so it holds no write lock while the client downloads."""
    g.reads_only = True


@contextmanager
def reading_only(reads_only: bool = True) -> Iterator[None]:
    """Transactions begun inside, outside a request too (a command), only read: on SQLite a deferred
    BEGIN, whose WAL snapshot is taken at the first read and kept to the end, with no write lock.
    ``reading_only(False)`` inside it: a transaction that writes (a job's progress, on a connection of
    its own, while its reading transaction goes on)."""
    previous = g.get("reads_only", False)
    g.reads_only = reads_only
    try:
        yield
    finally:
        g.reads_only = previous


def takes_write_lock() -> bool:
    """POST, PUT, DELETE, views marked ``writes`` and everything outside a request (CLI, jobs); not what
    a request runs after ``reads_from_now_on``, nor what runs inside ``reading_only``."""
    if has_app_context() and g.get("reads_only"):
        return False
    if not has_request_context():
        return True
    if request.method not in SAFE_METHODS:
        return True
    return getattr(current_app.view_functions.get(request.endpoint), "writes", False)


def configure_engine_events(engine: Engine) -> None:
    """SQLite: enforce foreign keys, WAL for concurrent readers, wait instead of failing on locks
    (``SQLITE_BUSY_TIMEOUT`` seconds, then the request fails with « réessayez »: app.errors)."""
    if engine.dialect.name != "sqlite":
        return
    config = current_app.config  # read at each new connection: a test shortens the wait

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # pysqlite's own transaction handling defers BEGIN to the first write, which lets two
        # transactions read the same state and then both write; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(float(config['SQLITE_BUSY_TIMEOUT']) * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection) -> None:
        # A writing transaction takes the write lock up front (IMMEDIATE): writers are serialised,
        # so a check (quota, free slot, one winner) and the write that follows it cannot
        # interleave. A page view reads a WAL snapshot (deferred BEGIN) and never waits on a
        # writer; it is read-only (query_only), so a GET that writes without ``writes`` fails in
        # every test rather than in a race (upgrading a stale snapshot to write is SQLITE_BUSY).
        # Production runs on PostgreSQL with row locks.
        if takes_write_lock():
            connection.exec_driver_sql("PRAGMA query_only=0")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("PRAGMA query_only=1")
            connection.exec_driver_sql("BEGIN")


def one_by_id(model: type, ident: int, options: tuple = ()):
    """The ``model`` row with id ``ident`` (None if there is none), with the rows ``options`` load in the
    same statement. ``options``: a tuple built once, at import, since the statement is kept per model and
    options: a statement made anew (what ``Session.get`` does) has its cache key computed again on each
    call, about 60–80 µs for the signed-in user's or a dossier's, on every request that reads them."""
    return db.session.execute(_by_id(model, options), {"ident": ident}).unique().scalar_one_or_none()


@lru_cache(maxsize=32)
def _by_id(model: type, options: tuple) -> Select:
    return select(model).options(*options).where(model.id == bindparam("ident"))


def insert(table):
    """An ``INSERT`` of the engine's own dialect, which can say ``ON CONFLICT … DO NOTHING`` (PostgreSQL, SQLite)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert(table)


def end_transaction() -> None:
    """Commit what the session holds and give its connection back, before slow work that needs no
    database (Argon2, receiving and inspecting an upload): no lock waits on it. The next query
    opens a fresh transaction. What was loaded stays loaded (the signed-in user, the edition's
    rules): the caller refreshes the rows its decision depends on."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
