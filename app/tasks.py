"""Jobs: what must not run inside a request (SMTP, the shortlist archive, a large book) runs in a worker.

The task runner is Huey: on Redis (``REDIS_URL``) in production, on a SQLite file in ``instance/``
by default; ``huey_consumer app.worker.huey`` runs the jobs (see the README).

Invariants:
- ``create_app`` builds the app's Huey from its settings (``init_app``) and registers every function
  declared with ``@job``; a job runs inside an app context of that app and gets plain arguments
  (ids, keys): it reads its rows itself, as they are when it runs;
- a job is enqueued only once the transaction that asked for it has committed (``after_commit``):
  it never reads data that could still roll back, and a rolled-back transaction enqueues nothing;
- one job per function and commit, with every item the transaction gave it (a request's emails
  share one job and one SMTP connection);
- a job declared with a ``schedule`` (a Huey ``crontab``) is periodic: the consumer runs it, with no
  argument, whenever the schedule matches;
- ``TASKS_IMMEDIATE`` runs each job at once in the enqueuing thread (Huey's immediate mode, used by
  the tests that are not about jobs); the queued mode is what every other set-up runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

PENDING = "tasks_after_commit"  # session.info key: {function: [items]} asked by the transaction under way
_declared: list[tuple[Callable, Callable[[datetime], bool] | None, dict[str, Any]]] = []


def job(schedule: Callable[[datetime], bool] | None = None, **settings) -> Callable[[Callable], Callable]:
    """Declare a job (Huey settings such as ``retries``, ``retry_delay``); enqueue it with ``after_commit``,
    or give it a ``schedule`` for the consumer to run it periodically."""

    def declare(function: Callable) -> Callable:
        _declared.append((function, schedule, settings))
        return function

    return declare


def make_huey(config) -> Huey:
    options = {"name": "concours", "results": False, "immediate": bool(config.get("TASKS_IMMEDIATE"))}
    if config.get("TASKS_REDIS_URL"):
        return RedisHuey(url=config["TASKS_REDIS_URL"], **options)
    Path(config["TASKS_SQLITE_FILE"]).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(filename=config["TASKS_SQLITE_FILE"], **options)


def init_app(app: Flask) -> None:
    """Give the app its Huey (``app.extensions["huey"]``) with every declared job registered."""
    from app import mail  # noqa: F401  (the modules that declare jobs)
    from app.exports import jobs  # noqa: F401

    huey = make_huey(app.config)
    app.extensions["huey"] = huey
    app.extensions["jobs"] = {
        function: (huey.periodic_task(schedule, **settings) if schedule else huey.task(**settings))(
            _in_app_context(app, function))
        for function, schedule, settings in _declared
    }


def _in_app_context(app: Flask, function: Callable) -> Callable:
    @functools.wraps(function)  # Huey names the task after the function's module and name
    def run(*args):
        with app.app_context():
            return function(*args)

    return run


def after_commit(function: Callable, item: Any) -> None:
    """Enqueue ``function([items])`` once the current transaction has committed."""
    items = db.session.info.setdefault(PENDING, {}).setdefault(function, [])
    if item not in items:
        items.append(item)


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    """Never raises: the transaction has committed; what could not be enqueued is logged (the outbox's
    emails then wait for ``flask outbox send``)."""
    if session.in_nested_transaction():  # a savepoint released: nothing is durable yet
        return
    for function, items in session.info.pop(PENDING, {}).items():
        try:
            current_app.extensions["jobs"][function](items)
        except Exception:
            current_app.logger.exception("tasks: %s could not be enqueued", function.__name__)


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction) -> None:
    """A transaction that rolled back asked for nothing (a commit has emptied the list already)."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
