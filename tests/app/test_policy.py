"""Every route that takes an id finds its row through ``app.policy``, which answers 404 out of scope."""

from __future__ import annotations

import pytest
from flask import g
from flask_login import login_user
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from app.access import public
from app.extensions import db
from app.models import RoleMembership
from app.policy import MAX_ID
from workflows.states import Role

# Values for the arguments that are not ids (the URL's choices).
CHOICES = {"stage": "regional", "decision": "excuser", "fmt": "csv", "kind": "candidatures", "code": "fr"}


def id_routes(app):
    for rule in app.url_map.iter_rules():
        ids = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if ids:
            yield rule, ids


def test_every_route_taking_an_id_asks_the_policy_first(app, edition, make_user, clock):
    """Called with an id that does not exist by someone who holds every role: each route must ask
    the policy (and so answer 404), none may look the row up by itself."""
    everyone = make_user(Role.NATIONAL_ORGANISER)
    region = edition.regions[0]
    for role in (Role.REGIONAL_ORGANISER, Role.REGIONAL_JUROR):
        everyone.memberships.append(RoleMembership(role=role.value, region=region, created_at=clock()))
    for role in (Role.CANDIDATE, Role.NATIONAL_JUROR):
        everyone.memberships.append(RoleMembership(role=role.value, edition=edition if role.is_edition_staff else None,
                                                   created_at=clock()))
    db.session.commit()
    routes = list(id_routes(app))
    not_asked = []
    for rule, ids in routes:
        values = {name: MAX_ID if name in ids else CHOICES[name] for name in rule.arguments}
        method = "GET" if "GET" in rule.methods else "POST"
        with app.test_request_context(method=method):
            login_user(everyone)
            with pytest.raises(NotFound):
                app.view_functions[rule.endpoint](**values)
            if not g.get("policy_asked"):
                not_asked.append(rule.endpoint)

    assert len(routes) > 30  # the url map was really read
    assert not_asked == []


def test_a_route_that_forgets_the_policy_fails_its_request(app, client):
    app.add_url_rule("/essai/<int:number>", "forgetful", public(lambda number: str(number)))

    with pytest.raises(AssertionError, match="forgetful reached rows by id without app.policy"):
        client.get("/essai/7")
