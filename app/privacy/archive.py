"""A person's own data as a ZIP: ``donnees.json`` (account, dossiers, jury work, log), the attachments'
files and the receipts.

What it holds is what the person may already read, nothing of anyone else's:
- the dossier's every column, but its state as the candidate reads it (« en cours d’examen » until the
  results are published: the export must not tell a result early), without the optimistic-lock version;
- the account's columns but its secrets (password hash, session token);
- each dossier's thread with the ARS as the candidate reads it on its page (who wrote for which side,
  when, the text), without the ARS authors' accounts;
- the log rows the person wrote, in full; the rows others wrote about their dossiers that the candidate
  is told of (inadmissibility, requalification, and every state change once the results are
  published), without their author nor data; the rows about their account (creation, role, jury
  invitation), without author nor data. The jury's conflicts and sheets about a dossier are the
  jurors' own data and stay out; a juror's own declarations and sheets are in their export.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import and_, or_

from app.candidatures.display import state_shown_to_candidate
from app.candidatures.receipt_pdf import receipt_pdf
from app.exports.archive import Folder
from app.extensions import db
from app.journal.labels import label_of
from app.messages.threads import thread
from app.models import AuditEntry, Candidature, ConflictDeclaration, Scoresheet, User
from app.receipts import receipt_time
from app.uploads import storage
from workflows.states import NationalStage, State

# An account is given by a list of what may be shown, never by what to hide: a secret column added
# later (a second factor's key, a token) stays out without anyone remembering to hide it.
ACCOUNT_FIELDS = ("id", "email", "display_name", "organisation_identifier", "email_verified_at", "active",
                  "preferred_locale", "created_at", "mfa_enrolled_at", "anonymised_at")
HIDDEN = {"candidatures": {"version", "state"}}
# What a candidate is told of others' acts on their dossier before the results are published.
TOLD_BEFORE_RESULTS = ("candidature.declare_inadmissible", "candidature.requalify")


def _columns(row) -> dict:
    table = row.__table__
    return {column.name: getattr(row, column.key) for column in table.columns if column.name not in HIDDEN.get(
        table.name, ())}


def _account(user: User) -> dict:
    return {name: getattr(user, name) for name in ACCOUNT_FIELDS} | {"roles": [
        {"role": m.role, "region": m.region.name if m.region else None,
         "edition": m.edition.slug if m.edition else None} for m in user.memberships]}


def _dossier(candidature: Candidature, folder: str, files: Folder) -> tuple[dict, list[tuple[str, str]]]:
    """The dossier's data and the (stored name, path in the archive) of its attachments."""
    placed = [(a, f"{folder}/{files.name(a.display_name)}") for a in candidature.attachments]
    data = _columns(candidature) | {
        "edition": candidature.edition.slug,
        "region": candidature.region.name,
        "state_shown": state_shown_to_candidate(candidature),
        "partners": [{"side": p.side, "name": p.name, "organisation": p.organisation, "role": p.role}
                     for p in candidature.partners],
        "attachments": [{"slot": a.slot, "display_name": a.display_name, "mime_type": a.mime_type, "size": a.size,
                         "sha256": a.sha256, "uploaded_at": a.uploaded_at, "file": path} for a, path in placed],
        "messages": [{"side": m.side, "sent_at": m.sent_at, "body": m.body} for m in thread(candidature)],
    }
    return data, [(a.stored_name, path) for a, path in placed]


def _jury_work(user: User) -> dict:
    declarations = db.session.scalars(db.select(ConflictDeclaration).filter_by(juror_id=user.id)
                                      .order_by(ConflictDeclaration.id)).all()
    sheets = db.session.scalars(db.select(Scoresheet).filter_by(juror_id=user.id).order_by(Scoresheet.id)).all()
    return {
        "declarations": [_columns(declaration) for declaration in declarations],
        "scoresheets": [_columns(sheet) | {"marks": [{"criterion": m.criterion, "value": m.value,
                                                     "justification": m.justification} for m in sheet.marks]}
                        for sheet in sheets],
    }


def _told(candidatures: list[Candidature]):
    """Others' rows about these dossiers that their candidate is told of."""
    published = [c.id for c in candidatures if c.edition.stage == NationalStage.PUBLISHED]
    return and_(AuditEntry.candidature_id.in_([c.id for c in candidatures]),
                or_(AuditEntry.action.in_(TOLD_BEFORE_RESULTS),
                    and_(AuditEntry.candidature_id.in_(published), AuditEntry.action.like("candidature.%"))))


def _log(user: User, candidatures: list[Candidature], *, account: bool) -> list[dict]:
    """The rows described in the module's docstring: the whole account's, or only about ``candidatures``."""
    own = AuditEntry.actor_id == user.id
    if not account:
        own = and_(own, AuditEntry.candidature_id.in_([c.id for c in candidatures]))
    about = [_told(candidatures)]
    if account:
        about.append(AuditEntry.data["user_id"].as_integer() == user.id)
    rows = db.session.scalars(db.select(AuditEntry).where(or_(own, *about)).order_by(AuditEntry.id)).all()
    return [{"at": row.at, "action": row.action, "label": label_of(row.action, row.data),
             "candidature_id": row.candidature_id, "from_state": row.from_state, "to_state": row.to_state,
             "reason": row.reason, **({"role": row.actor_role, "data": row.data} if row.actor_id == user.id else {})}
            for row in rows]


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def personal_archive(user: User, candidatures: list[Candidature], *, now: datetime, account: bool) -> BinaryIO:
    """The ZIP, in a temporary file open at its start: the whole account's data when ``account``, else
    only ``candidatures`` (one dossier downloaded from its page)."""
    root, files_to_add, dossiers = Folder(), [], []
    for candidature in candidatures:
        folder = root.name(f"dossier-{candidature.id}", folder=True)
        files = Folder()
        data, attached = _dossier(candidature, folder, files)
        if candidature.receipt_number and candidature.state != State.DRAFT.value:
            data["receipt_file"] = f"{folder}/{files.name(f'recepisse-{candidature.receipt_number}.pdf')}"
        dossiers.append((candidature, data))
        files_to_add += attached
    content = {"exported_at": now, "candidatures": [data for _candidature, data in dossiers],
               "log": _log(user, candidatures, account=account)}
    if account:
        content = {"account": _account(user), **content, "jury": _jury_work(user)}
    out = tempfile.TemporaryFile()  # on disk, removed once sent
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(root.name("donnees.json"),
                         json.dumps(content, ensure_ascii=False, indent=2, default=_json_value))
        for stored_name, path in files_to_add:
            archive.write(storage.path_of(stored_name), path)
        for candidature, data in dossiers:
            if "receipt_file" in data:
                archive.writestr(data["receipt_file"],
                                 receipt_pdf(candidature, candidature.dossier(), receipt_time(candidature)))
    out.seek(0)
    return out
