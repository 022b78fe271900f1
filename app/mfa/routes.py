"""The second factor's pages: the code after the password, enrolment, and the account's settings."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.access import public, roles_required
from app.auth import pending, throttle
from app.auth.operations import sign_in
from app.auth.throttle import throttled
from app.clock import now
from app.database import writes
from app.endings import refusals
from app.i18n import safe_next
from app.mfa.codes import ISSUER, grouped, provisioning_uri, qr_data_uri
from app.mfa.forms import EnrolmentForm, SecondFactorForm
from app.mfa.operations import (
    check_second_factor,
    confirm_enrolment,
    enrolment_secret,
    recovery_codes_left,
    regenerate_recovery_codes,
    turn_off,
)
from app.workspaces import workspace_url
from workflows.states import Role

bp = Blueprint("mfa", __name__)
OFFERED_ROLES = tuple(role for role in Role if role.offers_second_factor)

# The name the authenticator app shows, as it shows it in every language (marked French for screen readers).
ISSUER_SHOWN = Markup('<span lang="fr">%s</span>') % ISSUER


def secret_page(template: str, status: int = 200, **context):
    """A page showing a secret or recovery codes: kept out of every cache, the browser's included."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/connexion/code", methods=["GET", "POST"])
@public
@throttled(throttle.SECOND_FACTOR_FAILURES, failures_only=True, per_account=throttle.account_key)
def code():
    """The second step of signing in: nobody is signed in until the code is right."""
    if current_user.is_authenticated:
        return redirect(workspace_url(current_user))
    user = pending.pending_user(now=now())
    if user is None:
        pending.forget()
        flash(_("Votre connexion a expiré : saisissez de nouveau votre adresse et votre mot de passe."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if check_second_factor(user, form.code.data, now=now()):
            target = pending.next_url()  # read before sign_in clears the session
            sign_in(user, now=now())
            flash(_("Vous êtes connecté."), "success")
            return redirect(safe_next(target, workspace_url(user)))
        throttle.record_failed_attempt()
        form.code.errors = [_("Code incorrect ou déjà utilisé. Saisissez le code affiché en ce moment par "
                              "votre application, ou un code de secours.")]
    return render_template("mfa/code.html", form=form, issuer=ISSUER_SHOWN)


@bp.route("/compte/double-authentification/activation", methods=["GET", "POST"])
@roles_required(*OFFERED_ROLES, before_second_factor=True)
@writes  # the first visit makes the secret to enrol
def enrol():
    user = current_user._get_current_object()
    if user.second_factor_enrolled:
        return redirect(url_for(".settings"))
    form = EnrolmentForm()
    status = 200
    if form.validate_on_submit():
        with refusals() as refused:
            codes = confirm_enrolment(user, form.code.data, now=now())
        if not refused:
            flash(_("La double authentification est activée."), "success")
            return secret_page("mfa/recovery_codes.html", codes=codes)
        refused.place_on(form)
        status = 422
    secret = enrolment_secret(user)
    return secret_page("mfa/enrol.html", status, form=form, required=user.second_factor_required, secret=grouped(secret),
                       qr=qr_data_uri(provisioning_uri(secret, user.email)))


@bp.get("/compte/double-authentification")
@roles_required(*OFFERED_ROLES)
def settings():
    return _settings_page()


def _settings_page(status: int = 200, **forms):
    user = current_user._get_current_object()
    forms = {"regenerate_form": SecondFactorForm(prefix="nouveaux"),
             "turn_off_form": SecondFactorForm(prefix="desactivation")} | forms
    return render_template("mfa/settings.html", enrolled=user.second_factor_enrolled, required=user.second_factor_required,
                           codes_left=recovery_codes_left(user) if user.second_factor_enrolled else 0,
                           **forms), status


@bp.post("/compte/double-authentification/codes-de-secours")
@roles_required(*OFFERED_ROLES)
@throttled(throttle.SECOND_FACTOR_FAILURES, failures_only=True, per_account=throttle.account_key)
def regenerate():
    form = SecondFactorForm(prefix="nouveaux")
    if form.validate_on_submit():
        with refusals() as refused:
            codes = regenerate_recovery_codes(current_user._get_current_object(), form.code.data, now=now())
        if not refused:
            flash(_("Vos nouveaux codes de secours remplacent les anciens."), "success")
            return secret_page("mfa/recovery_codes.html", codes=codes)
        _refused(refused, form)
    return _settings_page(422, regenerate_form=form)


@bp.post("/compte/double-authentification/desactivation")
@roles_required(*OFFERED_ROLES)
@throttled(throttle.SECOND_FACTOR_FAILURES, failures_only=True, per_account=throttle.account_key)
def disable():
    form = SecondFactorForm(prefix="desactivation")
    if form.validate_on_submit():
        with refusals() as refused:
            turn_off(current_user._get_current_object(), form.code.data, now=now())
        if not refused:
            flash(_("La double authentification est désactivée : votre mot de passe suffit pour vous connecter."),
                  "success")
            return redirect(url_for(".settings"))
        _refused(refused, form)
    return _settings_page(422, turn_off_form=form)


def _refused(refused, form) -> None:
    """Show why beside the field (or above the page); a wrong code counts against the throttle."""
    if refused.problems:
        throttle.record_failed_attempt()
    for reason in refused.place_on(form):
        flash(reason, "error")
