"""Races: several clients acting at the same instant, each in its own thread, like separate browsers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from app.extensions import db
from tests.conftest import sign_in

Result = TypeVar("Result")


def signed_in_client(app, user):
    client = app.test_client()
    response = sign_in(client, user.email)
    assert response.status_code == 302
    return client


def copy_of(app, client):
    """A client of its own carrying ``client``'s session cookie (logins are throttled)."""
    cookie = client.get_cookie("session")
    copy = app.test_client()
    copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return copy


def at_once(app, calls: list[Callable[[], Result]]) -> list[Result]:
    """Run ``calls`` together behind a barrier, each in its own thread and app context; results in order."""
    db.session.commit()  # the test's own transaction must not hold SQLite's lock during the race
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable[[], Result]) -> None:
        with app.app_context():
            barrier.wait(10)
            results[index] = call()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
