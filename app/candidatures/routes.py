from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.access import roles_required
from app.auth.forms import ConfirmForm
from app.candidatures.forms import (
    CandidatureCreateForm,
    dossier_form_class,
    dossier_from_form,
    form_data,
    set_choices,
    stored_differences,
)
from app.candidatures.operations import create_candidature, save_dossier
from app.candidatures.display import state_shown_to_candidate
from app import policy
from app.clock import now
from app.editions import current_edition
from app.endings import refusals
from app.extensions import db
from app.main.countdown import deadline_context
from app.messages.forms import MessageWriteForm
from app.messages.threads import ThreadView, awaiting_answer_from
from app.messages.writing import write_from_page
from app.models import Candidature, Region
from app.candidatures.receipt_pdf import receipt_pdf
from app.receipts import receipt_time
from app.transitions.candidate import submit_candidature, withdraw_candidature
from workflows.dossier import edit_blockers, missing_items
from workflows.lifecycle import Act, Moment, refusal
from workflows.messages import Side
from workflows.states import Role, State

bp = Blueprint("candidatures", __name__, url_prefix="/candidatures")
candidate_only = roles_required(Role.CANDIDATE)


@bp.get("")
@candidate_only
def index():
    candidatures = db.session.scalars(
        db.select(Candidature).filter_by(owner_id=current_user.id).order_by(Candidature.id)
    ).all()
    edition = current_edition()
    closed = (refusal(Act.EDIT_DOSSIER, Moment.at(now(), edition.contest), edition.contest) if edition
              else _("Aucune édition du concours n’est ouverte."))
    return render_template("candidatures/index.html", candidatures=candidatures, create_form=_create_form(),
                           closed=closed, state_label=state_shown_to_candidate,
                           awaited=awaiting_answer_from(Side.CANDIDATE, Candidature.owner_id == current_user.id))


def _create_form() -> CandidatureCreateForm:
    form = CandidatureCreateForm()
    edition = current_edition()
    # No region chosen for the candidate: a dossier created in the wrong region cannot be moved.
    form.region.choices = [SelectChoice("", _("— Choisissez la région de votre projet —")), *(
        SelectChoice(str(r.id), r.name) for r in (edition.regions if edition else ()))]
    return form


@bp.post("/nouvelle")
@candidate_only
def create():
    form, edition = _create_form(), current_edition()
    region = db.session.get(Region, int(form.region.data)) if (form.region.data or "").isdigit() else None
    if not form.validate_on_submit() or edition is None or region is None or region.edition_id != edition.id:
        flash(_("Choisissez la région de votre projet."), "error")
        return redirect(url_for(".index"))
    with refusals() as refused:
        candidature = create_candidature(owner=current_user, edition=edition, region=region, now=now())
    if refused:
        refused.flash()
        return redirect(url_for(".index"))
    flash(_("Votre dossier est créé. Vous pouvez l’enregistrer à tout moment avant la date limite."), "success")
    return redirect(url_for(".edit", candidature_id=candidature.id))


@bp.route("/<int:candidature_id>", methods=["GET", "POST"])
@candidate_only
def edit(candidature_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    contest = candidature.edition.contest
    form_class = dossier_form_class(contest)
    if request.method == "GET":
        form = _stored_form(candidature)
    else:
        form = form_class()
        set_choices(form, contest)
    if request.method == "POST" and form.validate_on_submit():
        return _save(candidature, form, contest)
    return _render(candidature, form)


def _stored_form(candidature):
    """The dossier form showing the stored dossier."""
    contest = candidature.edition.contest
    form = dossier_form_class(contest)(formdata=None, data=form_data(candidature.dossier(), contest,
                                                                     candidature.version))
    set_choices(form, contest)
    return form


def _render(candidature, form, reasons=(), status=200, stored=None, message_form=None, message_reasons=()):
    contest = candidature.edition.contest
    return render_template(
        "candidatures/edit.html",
        candidature=candidature,
        contest=contest,
        form=form,
        reasons=reasons,
        stored=stored or {},
        read_only=bool(edit_blockers(State(candidature.state), now(), contest)),
        missing=missing_items(candidature.dossier(), contest),
        state_label=state_shown_to_candidate(candidature),
        thread=ThreadView.of(candidature, current_user, Side.CANDIDATE, now()),
        message_form=message_form or MessageWriteForm.for_contest(contest), message_reasons=message_reasons,
        message_action=url_for(".write_message", candidature_id=candidature.id),
        **deadline_context(contest, now()),
    ), status


def _refused(candidature, form, reasons, status, stored=None):
    """Show what was typed again, on top of the stored version: the next « Enregistrer » is accepted."""
    form.version.data = str(candidature.version)
    return _render(candidature, form, reasons, status, stored)


def _save(candidature, form, contest):
    """Save what was typed; then submit if asked. A refused submission keeps the saved draft."""
    typed = dossier_from_form(form, contest)
    version = int(form.version.data) if (form.version.data or "").isdigit() else 0
    with refusals() as refused:
        save_dossier(candidature, typed, actor=current_user, now=now(), version=version)
    if refused.stale:
        return _refused(candidature, form, [_(
            "Ce dossier a été modifié entre-temps (dans un autre onglet ou par une autre personne) : "
            "vos saisies, affichées ci-dessous, n’ont pas été enregistrées. Sous chaque champ qui diffère, "
            "la version enregistrée est indiquée. Pour garder vos saisies, appuyez de nouveau sur "
            "« Enregistrer » : elles remplaceront la version enregistrée. Pour garder la version enregistrée, "
            "rechargez la page.")], status=409, stored=stored_differences(form, candidature.dossier(), contest))
    if refused.problems:
        return _refused(candidature, form, [_("Certaines informations ne sont pas valides : rien n’a été enregistré."),
                                            *refused.place_on(form)], status=422)
    if refused:
        return _refused(candidature, form, refused.reasons, status=422)
    if request.form.get("action") == "submit":
        return _submit(candidature, form)
    flash(_("Votre dossier est enregistré."), "success")
    return redirect(url_for(".edit", candidature_id=candidature.id))


def _submit(candidature, form):
    """Submit the draft just saved; refused, the page shows what was typed (saved) at its new version."""
    if candidature.state == State.SUBMITTED.value:  # a second click on the same button
        flash(_("Votre candidature est déposée."), "success")
        return redirect(url_for(".edit", candidature_id=candidature.id))
    with refusals(keep_before=True) as refused:
        submit_candidature(candidature, actor=current_user, now=now())
    if refused:
        reasons = [_("Votre brouillon est enregistré, mais il ne peut pas encore être déposé :"), *refused.reasons]
        return _refused(candidature, form, reasons, status=422)
    flash(_("Votre candidature est déposée. Récépissé n° %(number)s.", number=candidature.receipt_number), "success")
    return redirect(url_for(".edit", candidature_id=candidature.id))


@bp.post("/<int:candidature_id>/messages")
@candidate_only
def write_message(candidature_id: int):
    """Write to the ARS of the dossier's region; refused, the page shows the text again with why."""
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    return write_from_page(
        candidature, side=Side.CANDIDATE, sent=_("Votre message est envoyé ; l’ARS est prévenue par courriel."),
        thread_url=url_for(".edit", candidature_id=candidature.id, _anchor="messages"),
        page=lambda **refused: _render(candidature, _stored_form(candidature), status=422, **refused))


@bp.route("/<int:candidature_id>/retirer", methods=["GET", "POST"])
@candidate_only
def withdraw(candidature_id: int):
    """Withdrawal is final: a confirmation page first, then the POST."""
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    form = ConfirmForm()
    if request.method == "GET":
        return render_template("candidatures/withdraw.html", candidature=candidature, form=form)
    if form.validate_on_submit():
        with refusals() as refused:
            withdraw_candidature(candidature, actor=current_user, now=now())
        refused.flash()
        if not refused:
            flash(_("Votre candidature est retirée."), "success")
    return redirect(url_for(".edit", candidature_id=candidature.id))


@bp.get("/<int:candidature_id>/recepisse.pdf")
@candidate_only
def receipt(candidature_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    if candidature.receipt_number is None or candidature.state == State.DRAFT.value:
        flash(_("Le récépissé est disponible une fois la candidature déposée."), "error")
        return redirect(url_for(".edit", candidature_id=candidature.id))
    response = make_response(receipt_pdf(candidature, candidature.dossier(), receipt_time(candidature)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="recepisse-{candidature.receipt_number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
