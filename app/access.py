"""Deny by default: every endpoint declares who may use it, checked before the view runs.

A view without a declared rule answers 403 and a test walks ``app.url_map`` to refuse such
routes before they ship. A signed-in account whose role requires a second factor it has not
enrolled reaches only the views declared ``before_second_factor`` (enrolling it, signing out) and
the public ones: every other page sends it to the enrolment (``app.mfa``). Per-object scoping (a juror sees only their region) is done by the
queries in each blueprint, which answer 404 for objects out of scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from app.extensions import login_manager
from workflows.states import Role


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[Role] = frozenset()  # empty: any signed-in user
    before_second_factor: bool = False  # open to an account that has yet to enrol its required second factor

    def describe(self) -> str:
        if self.public:
            return "public"
        return "signed-in: " + (", ".join(sorted(self.roles)) or "any role")


def _declare(rule: AccessRule) -> Callable:
    def decorator(view: Callable) -> Callable:
        view.access_rule = rule
        return view

    return decorator


public = _declare(AccessRule(public=True))
signed_in = _declare(AccessRule())
signing_out = _declare(AccessRule(before_second_factor=True))


def roles_required(*roles: Role, before_second_factor: bool = False) -> Callable:
    return _declare(AccessRule(roles=frozenset(roles), before_second_factor=before_second_factor))


def rule_for(endpoint: str) -> AccessRule | None:
    return getattr(current_app.view_functions.get(endpoint), "access_rule", None)


def enforce_access():
    """before_request hook: unknown endpoints fall through to 404, undeclared ones get 403."""
    if request.endpoint is None:
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route without access rule refused: %s", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not rule.before_second_factor and current_user.must_enrol_second_factor:
        return redirect(url_for("mfa.enrol"))
    if rule.roles and not any(current_user.has_role(role) for role in rule.roles):
        abort(403)
    return None
