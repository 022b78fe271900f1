"""State changes of a candidature: each checks the machine, changes the row, writes the audit log.

Operations flush but never commit: the request handler (or command) commits once.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from app.audit import record
from app.candidatures.receipts import queue_receipt_email
from app.extensions import db
from app.jury.workload import missing_regional
from app.models import Candidature, Edition, Partner, Region, RegionalPick, User
from app.moments import require
from workflows.dossier import FIELDS, MAPPINGS, dossier_problems, edit_blockers, missing_items
from workflows.identifiers import normalise
from workflows.lifecycle import Act, Moment
from workflows.machine import CANDIDATURE, Facts, RegionFacts, dossier_complete
from workflows.refusals import Invalid, Refused, Stale
from workflows.states import NationalStage, RegionStage, Role, State

DOSSIER_FIELDS = FIELDS + MAPPINGS


def dossier_of(candidature: Candidature) -> dict:
    """The dossier as a plain mapping, as ``workflows.dossier`` reads it."""
    dossier = {field: getattr(candidature, field) for field in DOSSIER_FIELDS}
    dossier["partners"] = [
        {"side": p.side, "name": p.name, "organisation": p.organisation, "role": p.role}
        for p in candidature.partners
    ]
    return dossier


def facts_for(candidature: Candidature, now: datetime, reason: str = "") -> Facts:
    """Everything the state machine needs to judge a transition of this candidature."""
    edition = candidature.edition
    picks = db.session.scalar(
        db.select(db.func.count(RegionalPick.id)).filter_by(region_id=candidature.region_id)
    )
    winners = db.session.scalar(
        db.select(db.func.count(Candidature.id)).filter_by(edition_id=edition.id, state=State.WINNER.value)
    )
    return Facts(
        state=State(candidature.state),
        now=now,
        region_stage=RegionStage(candidature.region.stage),
        national_stage=NationalStage(edition.national_stage),
        missing_items=missing_items(dossier_of(candidature), edition.contest),
        reason=reason,
        region_picks=picks,
        scoresheets_missing=missing_regional(candidature.region),
        winner_declared=bool(winners),
    )


def region_facts(region: Region, now: datetime, reason: str = "") -> RegionFacts:
    """Everything the region's machine needs to judge a transition."""
    picks = db.session.scalar(db.select(db.func.count(RegionalPick.id)).filter_by(region_id=region.id))
    return RegionFacts(stage=RegionStage(region.stage), now=now,
                       national_stage=NationalStage(region.edition.national_stage), picks=picks, reason=reason,
                       scoresheets_missing=missing_regional(region))


def fire(candidature: Candidature, name: str, *, actor: User | None, role: Role, now: datetime,
         reason: str = "", data: dict | None = None) -> State:
    """Check ``name`` against the machine, move the candidature and log it (raises Refused)."""
    target = CANDIDATURE.check(name, facts_for(candidature, now, reason), role, candidature.edition.contest)
    # Logged before the state changes: reading the actor may autoflush, and a half-made change
    # (a state without the columns that go with it) would break the table's CHECK constraints.
    record(f"candidature.{name}", actor=actor, role=role.value, at=now, candidature=candidature,
           from_state=candidature.state, to_state=target.value, reason=reason.strip() or None, data=data)
    candidature.state = target.value
    candidature.updated_at = now
    return target


def new_receipt_number() -> str:
    """80 random bits in groups of four (e.g. ``K3QF-7ZLA-P2MD-X9RT``): unguessable, easy to read."""
    code = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


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
    """Store the typed dossier; returns the changes ``{field: [before, after]}`` written to the audit log.

    Refuses after the deadline or once submitted to the jury, and a submitted dossier left incomplete
    (Refused), when the page was based on an older version and its content differs
    (Stale), and invalid values (Invalid). Editing a submitted dossier re-issues its receipt.
    """
    contest = candidature.edition.contest
    if reasons := edit_blockers(State(candidature.state), now, contest):
        raise Refused(reasons)
    if dossier.get("identifier"):
        dossier = {**dossier, "identifier": normalise(dossier["identifier"])}
    before = dossier_of(candidature)
    changes = {field: [before.get(field), value] for field, value in dossier.items() if before.get(field) != value}
    if not changes:
        return {}
    if version != candidature.version:
        raise Stale()
    if problems := dossier_problems(dossier, contest):
        raise Invalid(problems)
    if candidature.state == State.SUBMITTED.value and (missing := missing_items(dossier, contest)):
        # A submitted dossier stays complete: the jury must never receive one that lacks an item.
        raise Refused(["Ce dossier est déposé : il doit rester complet. Rien n’a été enregistré.",
                                 *dossier_complete(Facts(state=State.SUBMITTED, now=now, missing_items=missing),
                                                   contest)])
    _apply(candidature, dossier)
    candidature.updated_at = now
    reissue = candidature.state == State.SUBMITTED.value
    if reissue:
        candidature.receipt_issued_at = now
    db.session.flush()  # bumps the version; a concurrent save fails here with StaleDataError
    record("candidature.edit", actor=actor, role=Role.CANDIDATE.value, at=now, candidature=candidature,
           data={"changes": changes, "receipt_reissued": reissue})
    if reissue:
        queue_receipt_email(candidature, now, reissued=True)
    return changes


def _apply(candidature: Candidature, dossier: dict) -> None:
    for field in DOSSIER_FIELDS:
        setattr(candidature, field, dossier.get(field))
    candidature.partners = [
        Partner(position=index, **{key: partner.get(key) or "" for key in ("side", "name", "organisation", "role")})
        for index, partner in enumerate(dossier.get("partners") or ())
    ]


def submit_candidature(candidature: Candidature, *, actor: User, now: datetime) -> None:
    """Submit a complete draft before the deadline, issue its receipt and queue the confirmation."""
    candidature.receipt_number = candidature.receipt_number or new_receipt_number()
    candidature.submitted_at = now
    candidature.receipt_issued_at = now
    fire(candidature, "submit", actor=actor, role=Role.CANDIDATE, now=now,
         data={"receipt_number": candidature.receipt_number})
    db.session.flush()
    queue_receipt_email(candidature, now, reissued=False)


def withdraw_candidature(candidature: Candidature, *, actor: User, now: datetime) -> None:
    """Withdraw a draft or a submitted dossier before the deadline."""
    fire(candidature, "withdraw", actor=actor, role=Role.CANDIDATE, now=now)
    db.session.flush()


# Why an organiser may set a dossier aside: stored key -> French label.
INADMISSIBILITY_REASONS = {
    "categorie": "Catégorie de candidat non éligible",
    "commercial": "Projet à visée commerciale",
    "incomplet": "Dossier incomplet",
    "hors_champ": "Projet hors du champ du concours",
    "doublon": "Doublon d’un autre dossier",
}


def declare_inadmissible(candidature: Candidature, *, actor: User, now: datetime, code: str, reason: str) -> None:
    """Set a candidature aside with a listed reason and a text (regional organiser)."""
    if code not in INADMISSIBILITY_REASONS:
        raise Refused(["Choisissez un motif d’irrecevabilité dans la liste."])
    candidature.inadmissibility_code = code  # set first: the CHECK wants them with the state
    candidature.inadmissibility_reason = reason.strip()
    fire(candidature, "declare_inadmissible", actor=actor, role=Role.REGIONAL_ORGANISER, now=now, reason=reason,
         data={"code": code})
    db.session.flush()


def enter_regional_jury(candidature: Candidature, *, actor: User, now: datetime) -> None:
    """Put a submitted dossier before the regional jury, frozen as it is now."""
    fire(candidature, "open_regional_jury", actor=actor, role=Role.REGIONAL_ORGANISER, now=now)
    candidature.frozen_at = now


def requalify_candidature(candidature: Candidature, *, actor: User, now: datetime, reason: str) -> None:
    """Undo an inadmissibility with a written reason; back before the jury if it already sits."""
    fire(candidature, "requalify", actor=actor, role=Role.REGIONAL_ORGANISER, now=now, reason=reason,
         data={"code": candidature.inadmissibility_code})
    candidature.inadmissibility_code = candidature.inadmissibility_reason = None
    if candidature.region.stage == RegionStage.JURY_OPEN.value:
        enter_regional_jury(candidature, actor=actor, now=now)
    db.session.flush()
