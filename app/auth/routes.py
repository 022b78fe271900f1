from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.access import public, signing_out
from app.auth import pending, throttle
from app.auth.forms import ConfirmForm, LoginForm, PasswordForgotForm, PasswordResetForm, RegistrationForm
from app.auth.operations import (
    authenticate,
    register_candidate,
    request_password_reset,
    reset_password as reset_password_operation,
    sign_in,
    sign_out,
    verify_email as verify_email_operation,
)
from app.auth.throttle import throttled
from app.auth.tokens import Purpose, find_token
from app.clock import now
from app.database import end_transaction, one_by_id
from app.endings import refusals
from app.extensions import db, login_manager
from app.headers import keep_url_out_of_referer
from app.i18n import safe_next
from app.workspaces import workspace_url
from app.models import User
from app.passwords import hash_password

bp = Blueprint("auth", __name__)


def email_sent_message() -> str:
    """The one answer to every email typed, known or not."""
    return _("Si l’adresse est valide, un message vient de vous être envoyé.")


def invalid_link_page(template: str):
    """A token page for a link that expired, was used or never existed: 404, nothing changed."""
    return render_template(template, form=None), 404


# Its roles in the same statement: every request asks them (app.access).
USER_READS = (db.joinedload(User.memberships),)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Find the user of a session cookie; a cookie from before a logout no longer matches."""
    identifier, _sep, token = user_id.partition(":")
    if not identifier.isdigit():
        return None
    user = one_by_id(User, int(identifier), USER_READS)
    return user if user and token and user.session_token == token else None


@bp.route("/connexion", methods=["GET", "POST"])
@public
@throttled(throttle.LOGIN_FAILURES, failures_only=True)
def login():
    if current_user.is_authenticated:
        return redirect(workspace_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user and user.second_factor_enrolled:
            pending.begin(user, next_url=request.args.get("next"), now=now())
            return redirect(url_for("mfa.code"))
        if user:
            sign_in(user, now=now())
            flash(_("Vous êtes connecté."), "success")
            if user.must_enrol_second_factor:
                return redirect(url_for("mfa.enrol"))
            return redirect(safe_next(request.args.get("next"), workspace_url(user)))
        throttle.record_failed_attempt()
        flash(_("Adresse électronique ou mot de passe incorrect."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/deconnexion")
@signing_out
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        sign_out(current_user._get_current_object(), now=now())
        flash(_("Vous êtes déconnecté."), "success")
    return redirect(url_for("main.home"))


@bp.route("/inscription", methods=["GET", "POST"])
@public
@throttled(throttle.REGISTER)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        password_hash = hash_password(form.password.data)  # before any transaction: see app.passwords
        # The same address registered at the same instant (a double click) gets the same answer.
        with refusals():
            register_candidate(form.email.data, password_hash, now=now())
        flash(email_sent_message(), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/verification/<token>", methods=["GET", "POST"])
@public
@throttled(throttle.TOKEN_LINK)
def verify_email(token: str):
    """GET shows a button, POST verifies: mail scanners that prefetch links change nothing."""
    keep_url_out_of_referer()
    found = find_token(token, Purpose.VERIFY_EMAIL, now=now())
    if found is None:
        return invalid_link_page("auth/verify.html")
    form = ConfirmForm()
    if form.validate_on_submit():
        if not verify_email_operation(found, now=now()):
            return invalid_link_page("auth/verify.html")
        flash(_("Votre adresse électronique est confirmée."), "success")
        return redirect(url_for("main.home" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/verify.html", form=form)


@bp.route("/mot-de-passe/oubli", methods=["GET", "POST"])
@public
@throttled(throttle.FORGOT_PASSWORD)
def forgot_password():
    form = PasswordForgotForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data, now=now())
        flash(email_sent_message(), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
@public
@throttled(throttle.TOKEN_LINK)
def reset_password(token: str):
    keep_url_out_of_referer()
    found = find_token(token, Purpose.RESET_PASSWORD, now=now())
    if found is None:
        return invalid_link_page("auth/reset.html")
    form = PasswordResetForm()
    if form.validate_on_submit():
        end_transaction()  # the token was read; the password is hashed with no transaction open
        if not reset_password_operation(found, hash_password(form.password.data), now=now()):
            return invalid_link_page("auth/reset.html")
        logout_user()  # whoever was signed in here, every session of that account has ended
        flash(_("Votre mot de passe a été modifié. Connectez-vous avec votre nouveau mot de passe."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
