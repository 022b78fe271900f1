"""Personal data: a person downloads their own (the whole account, or one dossier); a national organiser, or
the administrator, finds an account by its address and anonymises it on request. Each leaves an audit row."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from app import policy
from app.access import roles_required, signed_in
from app.accounts import normalise_email
from app.audit import record
from app.auth.forms import ConfirmForm
from app.clock import now
from app.database import writes
from app.downloads import download
from app.endings import attempt
from app.extensions import db
from app.models import Attachment, Candidature, User
from app.privacy.archive import personal_archive
from app.privacy.erasure import anonymise_person, erasure_blockers, owned_by
from workflows.states import Role

bp = Blueprint("privacy", __name__, url_prefix="/donnees-personnelles")
ERASERS = (Role.NATIONAL_ORGANISER, Role.ADMIN)


class AccountSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search: it changes nothing

    email = EmailField(_l("Adresse électronique du compte"),
                       validators=[DataRequired(_l("Indiquez l’adresse électronique du compte.")),
                                   Email(_l("Adresse électronique invalide.")), Length(max=254)])


def _archive_response(candidatures: list[Candidature], name: str, *, account: bool, candidature=None):
    moment = now()
    content = personal_archive(current_user, candidatures, now=moment, account=account)
    # Committed when the request ends, before the file leaves (as every download of personal data).
    record("user.export_data", actor=current_user, role=Role.CANDIDATE.value if candidature else None, at=moment,
           candidature=candidature, data={"candidatures": [c.id for c in candidatures]})
    return download(content, name, "application/zip")


@bp.get("/mes-donnees.zip")
@signed_in
@writes  # the audit row of the download
def my_data():
    return _archive_response(owned_by(current_user), "mes-donnees.zip", account=True)


@bp.get("/dossiers/<int:candidature_id>.zip")
@roles_required(Role.CANDIDATE)
@writes  # the audit row of the download
def dossier_data(candidature_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    return _archive_response([candidature], f"dossier-{candidature.id}.zip", account=False, candidature=candidature)


def _acting_role() -> Role:
    return Role.NATIONAL_ORGANISER if current_user.has_role(Role.NATIONAL_ORGANISER) else Role.ADMIN


@bp.get("/effacement")
@roles_required(*ERASERS)
def erasure():
    """Find an account by its address; show what anonymising it does, or why it is refused now."""
    if not policy.erases_personal_data():
        abort(404)
    form = AccountSearchForm(formdata=request.args if "email" in request.args else None)
    person = None
    if "email" in request.args and form.validate():
        person = db.session.scalar(db.select(User).filter_by(email=normalise_email(form.email.data)))
        if person is None:
            form.email.errors.append(_("Aucun compte n’a cette adresse."))
    summary = _summary(person) if person else None
    return render_template("privacy/erasure.html", form=form, person=person, summary=summary,
                           reasons=erasure_blockers(person, actor=current_user, now=now()) if person else [],
                           confirm=ConfirmForm(), national_nav=current_user.has_role(Role.NATIONAL_ORGANISER))


def _summary(person: User) -> dict:
    candidatures = owned_by(person)
    files = db.session.scalar(db.select(db.func.count(Attachment.id)).where(
        Attachment.candidature_id.in_([c.id for c in candidatures]))) if candidatures else 0
    return {"candidatures": candidatures, "files": files,
            "roles": sorted({Role(m.role).label for m in person.memberships})}


@bp.post("/effacement/<int:user_id>")
@roles_required(*ERASERS)
def erase(user_id: int):
    person = policy.get_or_404(User, user_id, lambda _row: policy.erases_personal_data())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    email = person.email
    refused = attempt(lambda: anonymise_person(person, actor=current_user, role=_acting_role(), now=now()),
                      _("Le compte de %(email)s est anonymisé : son nom, son adresse, son mot de passe, les coordonnées "
                        "et les pièces jointes de ses dossiers sont effacés.", email=email))
    return redirect(url_for(".erasure", **({"email": email} if refused else {})), 303)
