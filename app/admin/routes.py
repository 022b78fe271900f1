"""Administration: the staff account of an address, and resetting a lost second factor."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.access import roles_required
from app.accounts import normalise_email
from app.admin.forms import AccountSearchForm
from app.auth.forms import ConfirmForm
from app.clock import now
from app.endings import attempt
from app.extensions import db
from app.mfa.operations import reset
from app.models import User
from workflows.states import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    form = AccountSearchForm(request.args)
    account, searched = None, "email" in request.args
    if searched and form.validate():
        found = db.session.scalar(db.select(User).filter_by(email=normalise_email(form.email.data)))
        account = found if found is not None and policy.staff_account(found) else None
    return render_template("admin/index.html", form=form, searched=searched, account=account,
                           enrolled=account is not None and account.second_factor_enrolled)


@bp.route("/comptes/<int:user_id>/double-authentification", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def reset_mfa(user_id: int):
    """GET asks for confirmation, POST resets."""
    account = policy.get_or_404(User, user_id, policy.staff_account)
    form = ConfirmForm()
    if form.validate_on_submit():
        attempt(lambda: reset(account, actor=current_user._get_current_object(), now=now()),
                _("La double authentification de %(email)s est réinitialisée : ses sessions sont fermées ; "
                  "à sa prochaine connexion, son mot de passe suffira puis, si son rôle l’exige, "
                  "il activera un nouvel appareil.", email=account.email))
        return redirect(url_for(".index", email=account.email))
    return render_template("admin/reset_mfa.html", form=form, account=account)
