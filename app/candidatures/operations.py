"""A candidate's dossier: creating it and saving what was typed (its transitions: app.transitions).

Operations flush but never commit: the request (or the command) commits once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from app.audit import record
from app.extensions import db
from app.models import Candidature, Edition, Partner, Region, User
from app.receipts import queue_receipt_email
from app.moments import require
from workflows.dossier import FIELDS, MAPPINGS, PERSONAL_FIELDS, dossier_problems, edit_blockers, missing_items
from workflows.identifiers import normalise
from workflows.lifecycle import Act, Moment
from workflows.machine import Facts, dossier_complete
from workflows.refusals import Invalid, Refused, Stale
from workflows.states import Role, State

DOSSIER_FIELDS = FIELDS + MAPPINGS
PARTNER_KEYS = ("side", "name", "organisation", "role")


def create_candidature(*, owner: User, edition: Edition, region: Region, now: datetime) -> Candidature:
    """A new draft in ``region`` before the deadline; the caller commits."""
    require(Act.EDIT_DOSSIER, Moment.at(now, edition.contest), edition)
    candidature = Candidature(edition=edition, region=region, owner=owner, state=State.DRAFT.value,
                              created_at=now, updated_at=now)
    db.session.add(candidature)
    db.session.flush()
    record("candidature.create", actor=owner, role=Role.CANDIDATE.value, at=now, candidature=candidature,
           to_state=State.DRAFT.value)
    return candidature


def save_dossier(candidature: Candidature, dossier: dict, *, actor: User, now: datetime, version: int) -> dict:
    """Store the typed dossier; returns the changes ``{field: [before, after]}``, written to the audit log
    but for the personal fields, of which it keeps the names only.

    Refuses after the deadline or once submitted to the jury, and a submitted dossier left incomplete
    (Refused), when the page was based on an older version and its content differs
    (Stale), and invalid values (Invalid). Editing a submitted dossier re-issues its receipt.
    """
    contest = candidature.edition.contest
    if reasons := edit_blockers(State(candidature.state), now, contest):
        raise Refused(reasons)
    dossier = normalised(dossier)
    before = candidature.dossier()
    changes = {field: [before.get(field), value] for field, value in dossier.items() if before.get(field) != value}
    if not changes:
        return {}
    if version != candidature.version:
        raise Stale()
    refuse_invalid(dossier, contest)
    if candidature.state == State.SUBMITTED.value and (missing := missing_items(dossier, contest)):
        # A submitted dossier stays complete: the jury must never receive one that lacks an item.
        raise Refused([_l("Ce dossier est déposé : il doit rester complet. Rien n’a été enregistré."),
                                 *dossier_complete(Facts(state=State.SUBMITTED, now=now, missing_items=missing),
                                                   contest)])
    apply_dossier(candidature, dossier)
    candidature.updated_at = now
    reissue = candidature.state == State.SUBMITTED.value
    if reissue:
        candidature.receipt_issued_at = now
    db.session.flush()  # bumps the version; a concurrent save fails here with StaleDataError
    personal = [field for field in PERSONAL_FIELDS if field in changes]
    record("candidature.edit", actor=actor, role=Role.CANDIDATE.value, at=now, candidature=candidature,
           data={"changes": {field: change for field, change in changes.items() if field not in personal},
                 "receipt_reissued": reissue, **({"personal_fields": personal} if personal else {})})
    if reissue:
        queue_receipt_email(candidature, now, reissued=True)
    return changes


def normalised(dossier: dict) -> dict:
    """The typed dossier as it is stored: an identifier without its spaces."""
    if dossier.get("identifier"):
        return {**dossier, "identifier": normalise(dossier["identifier"])}
    return dossier


def refuse_invalid(dossier: dict, contest) -> None:
    """Invalid, field by field, for every value the dossier may not hold (complete or not)."""
    if problems := dossier_problems(dossier, contest):
        raise Invalid(problems)


def apply_dossier(candidature: Candidature, dossier: dict) -> None:
    """Write the typed dossier's fields and partners on the row."""
    for field in DOSSIER_FIELDS:
        setattr(candidature, field, dossier.get(field))
    rows = [{key: partner.get(key) or "" for key in PARTNER_KEYS} for partner in dossier.get("partners") or ()]
    # Unchanged partners stay as they are: a save that only edits the text deletes and inserts no row.
    if rows != [{key: getattr(partner, key) for key in PARTNER_KEYS} for partner in candidature.partners]:
        candidature.partners = [Partner(position=index, **row) for index, row in enumerate(rows)]
