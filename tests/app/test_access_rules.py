"""Deny by default: every route declares who may use it."""

from __future__ import annotations

from flask import Blueprint

from app.access import rule_for


def undeclared_endpoints(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule_for(rule.endpoint) is None)


def test_every_route_declares_an_access_rule(app):
    assert undeclared_endpoints(app) == []


def test_route_inventory_detects_a_route_without_rule(app):
    stray = Blueprint("stray", __name__)
    stray.add_url_rule("/stray", "forgotten", lambda: "secret")
    app.register_blueprint(stray)

    assert undeclared_endpoints(app) == ["stray.forgotten"]


def test_route_without_rule_is_refused_at_request_time(app, client):
    stray = Blueprint("stray", __name__)
    stray.add_url_rule("/stray", "forgotten", lambda: "secret")
    app.register_blueprint(stray)

    response = client.get("/stray")

    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
