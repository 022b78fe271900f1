from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import signed_in
from app.attachments.forms import AttachmentUploadForm
from app.attachments.operations import add_attachment, attachment_blockers, delete_attachment, receive_upload, \
    replace_attachment
from app.auth.forms import ConfirmForm
from app.clock import now
from app.database import end_transaction
from app.endings import refusals
from app.extensions import db
from app.i18n import translated
from app.models import Attachment, Candidature
from app import policy
from app.uploads import storage
from app.uploads.inspection import accepted_formats, megabytes
from app.uploads.names import DOWNLOAD_HEADERS, content_disposition
from workflows.states import Role

bp = Blueprint("attachments", __name__, url_prefix="/candidatures/<int:candidature_id>/pieces-jointes")
# An upload reads its edition's rules next: in the same statement.
UPLOAD_READS = (db.joinedload(Candidature.edition),)



@bp.get("/")
@signed_in
def index(candidature_id: int):
    return _render(policy.get_or_404(Candidature, candidature_id, policy.viewable), AttachmentUploadForm())


@bp.post("/")
@signed_in
def upload(candidature_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.attaches, UPLOAD_READS)
    form = AttachmentUploadForm()
    if not form.validate_on_submit():
        return _render(candidature, form)
    # Held here, the edition stays in the session (whose map holds rows weakly) when the refresh below
    # forgets the dossier's link to it: it is not read again.
    edition = candidature.edition
    rules = edition.contest.attachments
    # The body was written to disk and hashed as it arrived (the CSRF check parsed it, before the view);
    # it is synced and inspected with no transaction open, then the operation runs in a new one on the
    # dossier as it is now.
    end_transaction()
    with refusals() as refused, receive_upload(form.file.data, rules) as upload:
        db.session.refresh(candidature)
        add_attachment(candidature, upload, actor=current_user, now=now(), role=_adding_role(candidature))
    if refused:
        form.file.errors = refused.reasons
        return _render(candidature, form)
    flash(_("La pièce jointe est enregistrée."), "success")
    return redirect(url_for(".index", candidature_id=candidature.id))


@bp.post("/remplacer/<int:attachment_id>")
@signed_in
def replace(candidature_id: int, attachment_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    _attachment(candidature, attachment_id)
    form = AttachmentUploadForm()
    if not form.validate_on_submit():
        flash(" ".join(map(translated, form.file.errors)), "error")
        return redirect(url_for(".index", candidature_id=candidature.id))
    rules = candidature.edition.contest.attachments
    end_transaction()  # as for an upload: receive and inspect with no transaction open

    def replace_in_slot() -> None:
        with receive_upload(form.file.data, rules) as upload:
            db.session.refresh(candidature)
            attachment = _attachment(candidature, attachment_id, for_update=True)
            replace_attachment(attachment, upload, seen=request.form.get("sha256"), actor=current_user, now=now())

    return _change(candidature, replace_in_slot, _("La pièce jointe est remplacée."))


@bp.post("/supprimer/<int:attachment_id>")
@signed_in
def delete(candidature_id: int, attachment_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.owned)
    attachment = _attachment(candidature, attachment_id, for_update=True)
    # The ConfirmForm's CSRF token is checked by CSRFProtect before the view runs.
    return _change(candidature, lambda: delete_attachment(attachment, seen=request.form.get("sha256"),
                                                          actor=current_user, now=now()),
                   _("La pièce jointe est supprimée."))


@bp.get("/telecharger/<int:attachment_id>")
@signed_in
def download(candidature_id: int, attachment_id: int):
    attachment = _attachment(policy.get_or_404(Candidature, candidature_id, policy.viewable), attachment_id)
    response = send_file(storage.path_of(attachment.stored_name), mimetype=attachment.mime_type, etag=False)
    response.headers["Content-Disposition"] = content_disposition(attachment.display_name)
    response.headers.update(DOWNLOAD_HEADERS)
    return response


def _adding_role(candidature: Candidature) -> Role:
    """The candidate adds to their dossier; the ARS, the pieces of a dossier it entered (``policy.attaches``)."""
    return Role.CANDIDATE if policy.owned(candidature) else Role.REGIONAL_ORGANISER


def _attachment(candidature: Candidature, attachment_id: int, *, for_update: bool = False) -> Attachment:
    """One of the candidature's attachments (row-locked for a change), else 404."""
    query = db.select(Attachment).filter_by(id=attachment_id, candidature_id=candidature.id)
    if for_update:  # locked, and read again: the row as it is now, not as loaded earlier in the request
        query = query.with_for_update().execution_options(populate_existing=True)
    return policy.one_or_404(db.session.scalar(query))


def _change(candidature: Candidature, operation: Callable[[], None], success: str):
    """Run a replace or delete and come back to the list with the outcome."""
    with refusals() as refused:
        operation()
    refused.flash()
    if not refused:
        flash(success, "success")
    return redirect(url_for(".index", candidature_id=candidature.id))


def _render(candidature: Candidature, form: AttachmentUploadForm):
    rules = candidature.edition.contest.attachments
    form.file.description = _("Formats acceptés : %(formats)s. Taille maximale : %(size)s Mo par fichier.",
                              formats=accepted_formats(rules), size=megabytes(rules.max_bytes))
    is_owner, adds = policy.owned(candidature), policy.attaches(candidature)
    return render_template(
        "attachments/list.html",
        candidature=candidature,
        rules=rules,
        form=form,
        confirm=ConfirmForm(),
        blockers=attachment_blockers(candidature, now(), _adding_role(candidature)) if adds else [],
        is_owner=is_owner,
        adds=adds,
        size_label=size_label,
    )


def size_label(size: int) -> str:
    if size >= 100 * 1024:
        return _("%(size)s Mo", size=megabytes(size))
    return _("%(size)s Ko", size=max(1, round(size / 1024)))
