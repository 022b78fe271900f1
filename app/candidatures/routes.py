from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
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
from app.listing import PAGE_SIZE
from app.main.countdown import deadline_context
from app.messages.forms import MessageWriteForm
from app.messages.threads import ThreadView, awaiting_answer_from
from app.messages.writing import write_from_page
from app.models import Candidature, Region
from app.candidatures.receipt_pdf import receipt_pdf
from app.receipts import receipt_time
from app.transitions.candidate import submit_candidature, withdraw_candidature
from workflows.dossier import STEPS, edit_blockers, missing_fields, step_of
from workflows.lifecycle import Act, Moment, refusal
from workflows.machine import missing_item_reason
from workflows.messages import Side
from workflows.states import Role, State

bp = Blueprint("candidatures", __name__, url_prefix="/candidatures")
candidate_only = roles_required(Role.CANDIDATE)
# What a step's page and a save read besides the dossier's row, loaded in the statement that finds it.
DOSSIER_READS = (db.joinedload(Candidature.edition), db.joinedload(Candidature.region),
                 db.joinedload(Candidature.partners))


@bp.get("")
@candidate_only
def index():
    # A page at a time: one account may hold many dossiers (an organisation sending a project per service).
    candidatures = db.paginate(db.select(Candidature).filter_by(owner_id=current_user.id).order_by(Candidature.id),
                               per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
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
    return redirect(url_for(".step", candidature_id=candidature.id, number=1))


@bp.get("/<int:candidature_id>")
@candidate_only
def edit(candidature_id: int):
    """The dossier was once one page: its address (a bookmark, an email's link) leads to the first step."""
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    return redirect(url_for(".step", candidature_id=candidature.id, number=1))


@bp.post("/<int:candidature_id>")
@candidate_only
def save_whole(candidature_id: int):
    """A tab still open on the former one-page form: its every field saved at once, as a step is."""
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned, DOSSIER_READS)
    return _post(candidature, None)


@bp.route("/<int:candidature_id>/etape/<int:number>", methods=["GET", "POST"])
@candidate_only
def step(candidature_id: int, number: int):
    """One step of the dossier: its fields, saved by each of its buttons before going on."""
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned, DOSSIER_READS)
    if not 1 <= number <= len(STEPS):
        abort(404)
    if request.method == "GET":
        return _render(candidature, _stored_form(candidature, number), number)
    return _post(candidature, number)


@bp.app_template_global()
def review_url(candidature, **anchor) -> str:
    """The last step: the dossier reviewed and submitted, its attachments and its messages."""
    return url_for("candidatures.step", candidature_id=candidature.id, number=len(STEPS), **anchor)


def _post(candidature, number):
    """Save the posted step (None: a whole form), or show it again when its CSRF token is refused."""
    contest = candidature.edition.contest
    form = dossier_form_class(contest, _keys(number))()
    set_choices(form, contest)
    if form.validate_on_submit():
        return _save(candidature, form, contest, number)
    return _render(candidature, form, number)


def _stored_form(candidature, number):
    """The form of step ``number`` showing the stored dossier."""
    contest = candidature.edition.contest
    form = dossier_form_class(contest, _keys(number))(formdata=None, data=form_data(
        candidature.dossier(), contest, candidature.version))
    set_choices(form, contest)
    return form


def _keys(number) -> tuple[str, ...] | None:
    """The dossier keys of step ``number`` (None: the whole form, every key)."""
    return STEPS[number - 1].keys if number else None


def _field_url(candidature, field: str) -> str:
    """The address of a dossier field: its step's page, scrolled to it (and focused, by dossier-steps.js)."""
    return url_for(".step", candidature_id=candidature.id, number=step_of(field), _anchor=field)


def _render(candidature, form, number, reasons=(), status=200, stored=None, typed=None,
            message_form=None, message_reasons=(), lead=None):
    """Step ``number`` of the dossier (None: every field, for a refused save of the former one-page form).

    ``typed``: the dossier a refused save held, whose missing items its reasons may name; ``lead``: the
    sentence that introduces the list of reasons (not one of them)."""
    contest = candidature.edition.contest
    last = number == len(STEPS)
    # The missing items are listed on the last step, the thread is shown there only: not read for the others.
    missing = missing_fields(candidature.dossier(), contest) if last or reasons else []
    # A refusal names each missing item of the dossier it refused: each such reason links to its field too.
    named = {*missing, *(missing_fields(typed, contest) if typed else ())} if reasons else ()
    reason_links = {str(missing_item_reason(label)): _field_url(candidature, field) for field, label in named}
    return render_template(
        "candidatures/step.html",
        candidature=candidature,
        contest=contest,
        form=form,
        steps=STEPS,
        number=number,
        step=STEPS[number - 1] if number else None,
        action=url_for(".step", candidature_id=candidature.id, number=number) if number else None,
        reasons=reasons,
        lead=lead,
        reason_links=reason_links,
        stored=stored or {},
        read_only=bool(edit_blockers(State(candidature.state), now(), contest)),
        missing=[(label, _field_url(candidature, field)) for field, label in missing] if last else [],
        state_label=state_shown_to_candidate(candidature),
        **(dict(thread=ThreadView.of(candidature, current_user, Side.CANDIDATE, now()),
                message_form=message_form or MessageWriteForm.for_contest(contest), message_reasons=message_reasons,
                message_action=url_for(".write_message", candidature_id=candidature.id)) if last else {}),
        **deadline_context(contest, now()),
    ), status


def _refused(candidature, form, number, reasons, status, stored=None, typed=None, lead=None):
    """Show what was typed again, on top of the stored version: the next « Enregistrer » is accepted."""
    form.version.data = str(candidature.version)
    return _render(candidature, form, number, reasons, status, stored, typed, lead=lead)


def _save(candidature, form, contest, number):
    """Save what the step holds (every field: ``number`` None) over the stored dossier, then go where the
    button said: the next or previous step, the same one, or the submission."""
    typed = dossier_from_form(form, contest)  # the step's keys only: its form has no other field
    dossier = candidature.dossier() | typed
    version = int(form.version.data) if (form.version.data or "").isdigit() else 0
    with refusals() as refused:
        save_dossier(candidature, dossier, actor=current_user, now=now(), version=version)
    if refused.stale:
        differences = stored_differences(form, candidature.dossier(), contest)
        return _refused(candidature, form, number, [_(
            "Ce dossier a été modifié entre-temps (dans un autre onglet ou par une autre personne) : "
            "vos saisies, affichées ci-dessous, n’ont pas été enregistrées. Sous chaque champ qui diffère, "
            "la version enregistrée est indiquée. Pour garder vos saisies, appuyez de nouveau sur "
            "« Enregistrer » : elles remplaceront la version enregistrée. Pour garder la version enregistrée, "
            "rechargez la page.")], status=409, stored=differences)
    if refused.problems:
        return _refused(candidature, form, number, refused.place_on(form), status=422,
                        lead=_("Certaines informations ne sont pas valides : rien n’a été enregistré."))
    if refused:
        return _refused(candidature, form, number, refused.reasons, status=422, typed=dossier)
    action = request.form.get("action")
    if action == "submit":
        return _submit(candidature, form, number)
    flash(_("Votre dossier est enregistré."), "success")
    target = len(STEPS) if number is None else number + {"next": 1, "previous": -1}.get(action, 0)
    return redirect(url_for(".step", candidature_id=candidature.id, number=min(max(target, 1), len(STEPS))))


def _submit(candidature, form, number):
    """Submit the draft just saved; refused, the page shows what was typed (saved) at its new version."""
    if candidature.state == State.SUBMITTED.value:  # a second click on the same button
        flash(_("Votre candidature est déposée."), "success")
        return redirect(review_url(candidature))
    with refusals(keep_before=True) as refused:
        submit_candidature(candidature, actor=current_user, now=now())
    if refused:
        return _refused(candidature, form, number, refused.reasons, status=422,
                        lead=_("Votre brouillon est enregistré, mais il ne peut pas encore être déposé :"))
    flash(_("Votre candidature est déposée. Récépissé n° %(number)s.", number=candidature.receipt_number), "success")
    return redirect(review_url(candidature))


@bp.post("/<int:candidature_id>/messages")
@candidate_only
def write_message(candidature_id: int):
    """Write to the ARS of the dossier's region; refused, the page shows the text again with why."""
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    return write_from_page(
        candidature, side=Side.CANDIDATE, sent=_("Votre message est envoyé ; l’ARS est prévenue par courriel."),
        thread_url=review_url(candidature, _anchor="messages"),
        page=lambda **refused: _render(candidature, _stored_form(candidature, len(STEPS)), len(STEPS), status=422,
                                       **refused))


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
    return redirect(review_url(candidature))


@bp.get("/<int:candidature_id>/recepisse.pdf")
@candidate_only
def receipt(candidature_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    if candidature.receipt_number is None or candidature.state == State.DRAFT.value:
        flash(_("Le récépissé est disponible une fois la candidature déposée."), "error")
        return redirect(review_url(candidature))
    response = make_response(receipt_pdf(candidature, candidature.dossier(), receipt_time(candidature)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="recepisse-{candidature.receipt_number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
