"""The ARS enters a dossier received by email; its sender takes it over by the emailed link."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import policy
from app.access import public, roles_required
from app.auth import throttle
from app.auth.forms import ConfirmForm, PasswordResetForm
from app.auth.throttle import throttled
from app.auth.tokens import Purpose, find_token
from app.candidatures.forms import dossier_from_form, set_choices
from app.clock import now
from app.database import end_transaction
from app.emailed.forms import entry_form_class, received_at
from app.emailed.operations import enter_emailed_dossier, new_entry_key, resend_take_over, \
    take_over as take_over_operation
from app.endings import attempt, refusals
from app.headers import keep_url_out_of_referer
from app.models import Region
from app.moments import region_moment
from app.passwords import hash_password
from app.regional.access import DOSSIER_CHANGED, organised_region, organisers, region_candidature
from workflows.lifecycle import Act, refusal
from workflows.states import Role

bp = Blueprint("emailed", __name__)


@bp.route("/ars/<int:region_id>/dossier-recu-par-courriel", methods=["GET", "POST"])
@roles_required(Role.REGIONAL_ORGANISER)
def enter(region_id: int):
    """The candidate's form, with the sender and the arrival time; refused, it shows what was typed again."""
    region = policy.get_or_404(Region, region_id, policy.organised)
    contest = region.edition.contest
    form = entry_form_class(contest)()
    set_choices(form, contest)
    reasons, status = [], 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            with refusals() as refused:
                entry = enter_emailed_dossier(region, dossier_from_form(form, contest),
                                              sender=form.sender_email.data, received_at=received_at(form, contest),
                                              entry_key=form.entry_key.data, actor=current_user, now=now())
            if not refused:
                candidature = entry.candidature
                if entry.new:
                    flash(_("Le dossier est déposé pour %(email)s. Récépissé n° %(number)s ; un lien lui est "
                            "envoyé pour le reprendre.", email=candidature.owner.email,
                            number=candidature.receipt_number), "success")
                else:
                    flash(_("Ce formulaire avait déjà été envoyé : le dossier est enregistré une seule fois "
                            "(récépissé n° %(number)s), rien d’autre n’a été créé.",
                            number=candidature.receipt_number), "info")
                return redirect(url_for("regional.candidature", region_id=region.id, candidature_id=candidature.id))
            reasons = [_("Le dossier n’a pas été enregistré."), *refused.place_on(form)]
        else:
            reasons = [_("Certaines informations manquent ou ne sont pas valides : le dossier n’a pas été "
                         "enregistré."), *map(str, form.entry_key.errors)]
            if form.entry_key.errors:  # a form without its key (altered, or older than it): shown with a new one
                form.entry_key.data = new_entry_key()
    return render_template("emailed/enter.html", region=region, contest=contest, form=form, reasons=reasons,
                           closed=refusal(Act.ENTER_EMAILED_DOSSIER, region_moment(region, now()), contest),
                           stored={}, read_only=False), status


@bp.post("/ars/<int:region_id>/candidatures/<int:candidature_id>/renvoyer-invitation")
@organisers
def resend_invitation(region_id: int, candidature_id: int):
    """A new take-over link for the sender, from the dossier's page (the ConfirmForm's CSRF token)."""
    region = organised_region(region_id)
    found = region_candidature(region, candidature_id)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: resend_take_over(found, actor=current_user, now=now()),
                _("Un nouveau lien pour reprendre le dossier est envoyé à %(email)s ; les liens précédents ne "
                  "fonctionnent plus.", email=found.owner.email), str(DOSSIER_CHANGED))
    return redirect(url_for("regional.candidature", region_id=region.id, candidature_id=found.id))


@bp.route("/candidatures/reprise/<token>", methods=["GET", "POST"])
@public
@throttled(throttle.TOKEN_LINK)
def take_over(token: str):
    """A new account chooses its password; an existing one signs in with the address, then confirms."""
    keep_url_out_of_referer()
    found = find_token(token, Purpose.TAKE_OVER, now=now())
    if found is None:
        return render_template("emailed/take_over.html", form=None), 404
    owner = found.user
    if owner.password_hash is None:
        form = PasswordResetForm()
        if form.validate_on_submit():
            end_transaction()  # the token was read; the password is hashed with no transaction open
            if take_over_operation(found, now=now(), password_hash=hash_password(form.password.data)) is None:
                return render_template("emailed/take_over.html", form=None), 404
            flash(_("Votre compte est ouvert et le dossier est à vous. Connectez-vous pour le consulter."), "success")
            return redirect(url_for("auth.login", next=url_for("candidatures.index")))
        return render_template("emailed/take_over.html", form=form, email=owner.email, new_account=True)
    if not current_user.is_authenticated or current_user.id != owner.id:
        return render_template("emailed/take_over.html", form=None, email=owner.email, sign_in=True,
                               signed_in_as=current_user.email if current_user.is_authenticated else None)
    form = ConfirmForm()
    if form.validate_on_submit():
        if take_over_operation(found, now=now()) is None:
            return render_template("emailed/take_over.html", form=None), 404
        flash(_("Le dossier est à vous : vous le retrouvez dans vos candidatures."), "success")
        return redirect(url_for("candidatures.index"))
    return render_template("emailed/take_over.html", form=form, email=owner.email)
