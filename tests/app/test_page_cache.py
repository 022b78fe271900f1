"""The anonymous home page from the cache: no query and no rendering the second time in a minute."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import template_rendered
from sqlalchemy import event

from app.extensions import db
from tests.conftest import PARIS
from workflows.states import Role


@contextmanager
def counting(app):
    """Count the SQL statements run and the templates rendered inside the block."""
    counts = {"queries": 0, "renders": 0}

    def query(*_args, **_kwargs):
        counts["queries"] += 1

    def rendered(*_args, **_kwargs):
        counts["renders"] += 1

    event.listen(db.engine, "before_cursor_execute", query)
    template_rendered.connect(rendered, app)
    try:
        yield counts
    finally:
        event.remove(db.engine, "before_cursor_execute", query)
        template_rendered.disconnect(rendered, app)


def test_second_anonymous_home_runs_no_query_and_renders_nothing(app, client, edition):
    first = client.get("/")

    with counting(app) as counts:
        second = client.get("/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_data() == first.get_data()
    assert counts == {"queries": 0, "renders": 0}


def test_home_cache_key_changes_with_the_minute(app, client, edition, clock):
    clock.set(datetime(2017, 10, 15, 23, 57, 5, tzinfo=PARIS))
    client.get("/")
    clock.set(datetime(2017, 10, 15, 23, 57, 59, tzinfo=PARIS))

    with counting(app) as same_minute:
        same = client.get("/").get_data(as_text=True)
    clock.advance(timedelta(seconds=1))
    with counting(app) as next_minute:
        later = client.get("/").get_data(as_text=True)

    assert same_minute["renders"] == 0 and next_minute["renders"] > 0
    assert "Il reste 3 minutes." in same
    assert "data-now=\"2017-10-15T23:57:00+02:00\"" in same
    assert "Il reste 2 minutes." in later


def test_home_cache_keeps_each_language(client, edition):
    french = client.get("/").get_data(as_text=True)
    client.get("/langue/en")

    english = client.get("/").get_data(as_text=True)

    assert '<html lang="fr"' in french
    assert '<html lang="en"' in english


def test_signed_in_home_is_rendered_every_time_with_its_csrf_token(app, client, edition, make_user, login):
    client.get("/")
    login(make_user(Role.CANDIDATE))

    with counting(app) as counts:
        page = client.get("/").get_data(as_text=True)

    assert counts["renders"] > 0
    assert 'name="csrf_token"' in page
    client.form("/deconnexion", page="/")
    assert 'name="csrf_token"' not in client.get("/").get_data(as_text=True)


def test_flashed_message_is_shown_and_never_cached(app, client, edition, make_user, login):
    login(make_user(Role.CANDIDATE))
    client.form("/deconnexion", page="/")

    flashed = client.get("/").get_data(as_text=True)
    again = client.get("/").get_data(as_text=True)

    assert "Vous êtes déconnecté." in flashed
    assert "Vous êtes déconnecté." not in again
