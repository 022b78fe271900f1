"""The regional organiser's (ARS) pages: dashboard, admissibility, jury composition, audit trail.

National organisers read every region's pages; only the region's own organisers act in it.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app import policy
from app.access import public
from app.auth import throttle
from app.auth.forms import ConfirmForm, PasswordResetForm
from app.auth.throttle import throttled
from app.auth.tokens import Purpose, find_token
from app.clock import now
from app.database import end_transaction, writes
from app.duplicates import flags_in_region, flags_of
from app.endings import attempt
from app.extensions import db
from app.headers import keep_url_out_of_referer
from app.jury.juries import Jury, accept_invitation as accept_invitation_operation
from app.jury.removal import removal_page
from app.journal.view import Journal
from app.messages.forms import MessageWriteForm
from app.messages.threads import ThreadView, awaiting_answer_from
from app.messages.writing import write_from_page
from app.jury.workload import REGIONAL_JURY_STATES, juror_work, missing_among
from app.listing import PAGE_SIZE
from app.search import HANDED_IN, DossierFilter
from app.models import AuditEntry, Candidature, Region
from app.moments import region_moment
from app.passwords import hash_password
from app.regional.access import DOSSIER_CHANGED, ORGANISER, acting_role, organised_region, organisers, read_region, \
    readers, region_candidature
from app.regional.forms import ConflictLiftForm, InadmissibilityForm, JurorInviteForm, RegionalConflictForm, \
    RequalifyForm
from app.transitions.engine import candidature_facts, region_facts
from app.transitions.regional import declare_inadmissible as declare_inadmissible_operation, open_regional_jury, \
    requalify
from workflows.dossier import INADMISSIBILITY_REASONS
from workflows.lifecycle import Act, refusal
from workflows.machine import CANDIDATURE, REGION
from workflows.messages import Side
from workflows.states import State

bp = Blueprint("regional", __name__, url_prefix="/ars")
# Dossiers on which the organiser may record a conflict: those the jury scores or will score.
CONFLICT_STATES = (State.SUBMITTED.value, *REGIONAL_JURY_STATES)
# What a person is told when their page was stale (translated when the view passes them on).
STALE_PAGE = _l("La région a changé d’étape entre-temps : rechargez la page.")
JUST_INVITED = _l("Cette personne vient d’être invitée : rechargez la page.")
JUST_DECLARED = _l("Une déclaration vient d’être enregistrée pour ce juré et ce dossier : rechargez la page.")
# The acts a dossier's page offers. Their guards read the dossier alone: the region's counts (every
# juror's sheets over thousands of dossiers, ``shared_facts``) are read only if one of them comes to need them.
DOSSIER_PAGE_ACTS = ("declare_inadmissible", "requalify")


@bp.get("/<int:region_id>")
@readers
def dashboard(region_id: int):
    region = read_region(region_id)
    counts = dict(db.session.execute(
        db.select(Candidature.state, db.func.count(Candidature.id))
        .where(Candidature.region_id == region.id).group_by(Candidature.state)
    ).all())
    filters = DossierFilter.from_request(region.edition.contest, HANDED_IN)
    candidatures = db.paginate(
        db.select(Candidature).where(Candidature.region_id == region.id, Candidature.state != State.DRAFT.value,
                                     *filters.conditions())
        .order_by(Candidature.id), per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    jury = Jury.of_region(region)
    work = juror_work(jury.work())  # the jurors' progress and the region's missing sheets, read once
    facts = region_facts(region, now(), scoresheets_missing=missing_among(work, REGIONAL_JURY_STATES))
    return render_template(
        "regional/dashboard.html", region=region, counts=[(state, counts.get(state.value, 0)) for state in State],
        candidatures=candidatures, filters=filters, states=HANDED_IN, progress=jury.progress(work), form=ConfirmForm(),
        awaited=awaiting_answer_from(Side.ARS, Candidature.region_id == region.id),
        flags=flags_in_region(region),
        available=REGION.offered(facts, acting_role(region), region.edition.contest),
        may_enter=acting_role(region) == ORGANISER and not refusal(
            Act.ENTER_EMAILED_DOSSIER, region_moment(region, now()), region.edition.contest),
    )


@bp.post("/<int:region_id>/ouvrir-jury")
@organisers
def open_jury(region_id: int):
    region = organised_region(region_id)
    if ConfirmForm().validate_on_submit():
        # A candidature may change meanwhile (withdrawn at the last second): the page is stale.
        attempt(lambda: open_regional_jury(region, actor=current_user, now=now()),
                lambda moved: ngettext("Le jury régional est ouvert : %(num)s dossier lui est soumis.",
                                       "Le jury régional est ouvert : %(num)s dossiers lui sont soumis.", len(moved)),
                str(STALE_PAGE))
    return redirect(url_for(".dashboard", region_id=region.id))


@bp.get("/<int:region_id>/candidatures/<int:candidature_id>")
@readers
def candidature(region_id: int, candidature_id: int, inadmissible_form=None, requalify_form=None, message_form=None,
                message_reasons=(), status=200):
    region = read_region(region_id)
    found = region_candidature(region, candidature_id)
    writer = Side.ARS if acting_role(region) == ORGANISER else None  # national organisers read the thread
    facts = candidature_facts(found, now(), counts=any(CANDIDATURE.reads_counts(act) for act in DOSSIER_PAGE_ACTS))
    return render_template(
        "regional/candidature.html", region=region, candidature=found, contest=region.edition.contest,
        reasons=INADMISSIBILITY_REASONS, flags=flags_of(found),
        available=[act for act in DOSSIER_PAGE_ACTS if not CANDIDATURE.offered_blockers(
            act, facts, acting_role(region), region.edition.contest)],
        inadmissible_form=inadmissible_form or InadmissibilityForm(formdata=None),
        requalify_form=requalify_form or RequalifyForm(formdata=None),
        thread=ThreadView.of(found, current_user, writer, now()), message_reasons=message_reasons,
        message_form=message_form or MessageWriteForm.for_contest(region.edition.contest),
        message_action=url_for(".write_message", region_id=region.id, candidature_id=found.id),
        entry_pending=found.awaiting_take_over and acting_role(region) == ORGANISER, confirm=ConfirmForm(),
    ), status


@bp.get("/<int:region_id>/candidatures/<int:candidature_id>/meme-projet/<int:other_id>")
@readers
def other_summary(region_id: int, candidature_id: int, other_id: int):
    """The summary of a dossier of another region that may be the same project: readable only through
    that match, and only its summary (no contact, no attachment)."""
    region = read_region(region_id)
    found = region_candidature(region, candidature_id)
    other = policy.get_or_404(Candidature, other_id, policy.flagged_with(found))
    return render_template("regional/other_summary.html", region=region, candidature=found, other=other,
                           contest=region.edition.contest)


def _decide(region_id: int, candidature_id: int, form, decide, success: str, form_name: str):
    """Validate a decision form, apply it, or show the page again with what was typed."""
    region = organised_region(region_id)
    found = region_candidature(region, candidature_id)
    if form.validate_on_submit() and not attempt(lambda: decide(found, form), success, str(DOSSIER_CHANGED)):
        return redirect(url_for(".candidature", region_id=region.id, candidature_id=found.id))
    return candidature(region_id, candidature_id, status=422, **{form_name: form})


@bp.post("/<int:region_id>/candidatures/<int:candidature_id>/irrecevable")
@organisers
def declare_inadmissible(region_id: int, candidature_id: int):
    return _decide(region_id, candidature_id, InadmissibilityForm(),
                   lambda found, form: declare_inadmissible_operation(found, actor=current_user, now=now(),
                                                                      code=form.code.data, reason=form.reason.data),
                   _("La candidature est déclarée irrecevable ; le candidat est prévenu par courriel."),
                   "inadmissible_form")


@bp.post("/<int:region_id>/candidatures/<int:candidature_id>/requalifier")
@organisers
def requalify_candidature(region_id: int, candidature_id: int):
    return _decide(region_id, candidature_id, RequalifyForm(),
                   lambda found, form: requalify(found, actor=current_user, now=now(), reason=form.reason.data),
                   _("La candidature est de nouveau recevable ; le candidat est prévenu par courriel."),
                   "requalify_form")


@bp.post("/<int:region_id>/candidatures/<int:candidature_id>/messages")
@organisers
def write_message(region_id: int, candidature_id: int):
    """Write to the dossier's candidate; refused, the page shows the text again with why."""
    region = organised_region(region_id)
    found = region_candidature(region, candidature_id)
    return write_from_page(
        found, side=Side.ARS, sent=_("Votre message est envoyé ; le candidat est prévenu par courriel."),
        thread_url=url_for(".candidature", region_id=region.id, candidature_id=found.id, _anchor="messages"),
        page=lambda **refused: candidature(region_id, candidature_id, status=422, **refused))


def _conflict_form(region: Region, formdata=None) -> RegionalConflictForm:
    return RegionalConflictForm.within(Jury.of_region(region).jurors(), db.and_(
        Candidature.region_id == region.id, Candidature.state.in_(CONFLICT_STATES)), formdata)


@bp.get("/<int:region_id>/jury")
@readers
def jury(region_id: int, invite_form=None, conflict_form=None, status=200):
    region = read_region(region_id)
    regional_jury = Jury.of_region(region)
    may_act = acting_role(region) == ORGANISER
    return render_template(
        "regional/jury.html", region=region, progress=regional_jury.progress(), conflicts=regional_jury.conflicts(),
        can={act: allowed and may_act for act, allowed in regional_jury.possible(now()).items()}, form=ConfirmForm(),
        invite_form=invite_form or JurorInviteForm(formdata=None),
        conflict_form=conflict_form or _conflict_form(region),
    ), status


@bp.post("/<int:region_id>/jury/inviter")
@organisers
def invite(region_id: int):
    region = organised_region(region_id)
    form = JurorInviteForm()
    # The same address may be invited twice at the same moment: the second is told to reload.
    if form.validate_on_submit() and not attempt(
            lambda: Jury.of_region(region).invite(actor=current_user, now=now(), email=form.email.data,
                                                  name=form.name.data,
                                                  organisation_identifier=form.organisation_identifier.data),
            lambda user: _("%(email)s fait partie du jury ; un courriel lui est envoyé.", email=user.email),
            str(JUST_INVITED)):
        return redirect(url_for(".jury", region_id=region.id))
    return jury(region_id, invite_form=form, status=422)


@bp.route("/<int:region_id>/jury/<int:user_id>/retirer", methods=["GET", "POST"])
@organisers
def remove(region_id: int, user_id: int):
    regional_jury = Jury.of_region(organised_region(region_id))
    membership = policy.one_or_404(regional_jury.membership(user_id))
    back = url_for(".jury", region_id=region_id)
    if request.method == "GET":
        return removal_page(regional_jury, membership, back)
    if ConfirmForm().validate_on_submit():
        email = membership.user.email
        attempt(lambda: regional_jury.remove_juror(membership, actor=current_user, now=now()),
                _("%(email)s ne fait plus partie du jury.", email=email))
    return redirect(back)


@bp.post("/<int:region_id>/jury/conflits")
@organisers
def conflicts(region_id: int):
    region = organised_region(region_id)
    form = _conflict_form(region, request.form)
    if form.names_a_stranger():
        abort(404)
    if form.validate_on_submit():
        juror, found = form.chosen()
        # The juror may declare at the same moment: the organiser is told to reload.
        if not attempt(lambda: Jury.of_region(region).record_conflict(juror, found, actor=current_user, now=now(),
                                                                       reason=form.reason.data),
                       _("Le conflit d’intérêts est enregistré : ce dossier est retiré du travail du juré."),
                       str(JUST_DECLARED)):
            return redirect(url_for(".jury", region_id=region.id))
    return jury(region_id, conflict_form=form, status=422)


@bp.post("/<int:region_id>/jury/conflits/<int:declaration_id>/lever")
@organisers
def lift(region_id: int, declaration_id: int):
    regional_jury = Jury.of_region(organised_region(region_id))
    declaration = policy.one_or_404(regional_jury.declaration(declaration_id))
    form = ConflictLiftForm()
    if form.validate_on_submit():
        attempt(lambda: regional_jury.lift_conflict(declaration, actor=current_user, now=now(), reason=form.reason.data),
                _("Le conflit d’intérêts est levé : le juré peut lire et noter ce dossier."))
    else:
        flash(_("Indiquez pourquoi le conflit d’intérêts est levé."), "error")
    return redirect(url_for(".jury", region_id=region_id))


@bp.post("/<int:region_id>/jury/relancer")
@organisers
def remind(region_id: int):
    region = organised_region(region_id)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: Jury.of_region(region).remind(actor=current_user, now=now()),
                lambda reminded: ngettext("%(num)s juré relancé par courriel.", "%(num)s jurés relancés par courriel.",
                                          len(reminded)))
    return redirect(url_for(".jury", region_id=region.id))


def _journal(region: Region) -> Journal:
    return Journal(AuditEntry.region_id == region.id, region.edition.contest.tz)


@bp.get("/<int:region_id>/journal")
@readers
def audit_trail(region_id: int):
    region = read_region(region_id)
    return _journal(region).page("regional.audit_trail", "regional.audit_trail_csv", "regional/_nav.html",
                                 _("Journal des actions : %(region)s", region=region.name), {"region_id": region.id},
                                 region=region)


@bp.get("/<int:region_id>/journal.csv")
@readers
@writes  # the audit row of the download
def audit_trail_csv(region_id: int):
    region = read_region(region_id)
    return _journal(region).csv(f"journal-{region.code}.csv", role=acting_role(region),
                                edition_id=region.edition_id, region_id=region.id)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@throttled(throttle.TOKEN_LINK)
def accept_invitation(token: str):
    """An invited juror chooses their password; the link is single-use and valid seven days."""
    keep_url_out_of_referer()
    found = find_token(token, Purpose.INVITATION, now=now())
    if found is None:
        return render_template("regional/invitation.html", form=None), 404
    form = PasswordResetForm()
    if form.validate_on_submit():
        end_transaction()  # the token was read; the password is hashed with no transaction open
        if not accept_invitation_operation(found, hash_password(form.password.data), now=now()):
            return render_template("regional/invitation.html", form=None), 404
        flash(_("Votre mot de passe est enregistré. Connectez-vous pour accéder au jury."), "success")
        return redirect(url_for("auth.login"))
    return render_template("regional/invitation.html", form=form, email=found.user.email)
