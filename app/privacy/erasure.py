"""Anonymising a person: on request (a national organiser or the administrator) or when the retention ends.

One operation does both (``anonymise_person``, ``anonymise_candidature``); each refuses, with French
reasons, while a running contest still needs the data (``erasure_blockers``). Nothing is deleted but
the attachments (rows and files) and the person's tokens and emails: the account and the dossier
stay, under their ids, because the append-only audit log, the jury's sheets and the published
results refer to them. What the log itself keeps is said on the personal-data page: ids, not names,
but the values of older dossier edits (before ``PERSONAL_FIELDS`` were left out of the diffs), the
names of attachments and the juror addresses written by jury invitations.

Operations flush but never commit: the request (or the command) commits once, and the files go
only after that commit (``app.uploads.storage``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.audit import record
from app.extensions import db
from app.i18n import day
from app.models import Candidature, Edition, Message, OutboxEmail, RegionalPick, User, UserToken
from app.models.users import new_session_token
from app.uploads import storage
from workflows.texts import _l
from workflows.identifiers import FORMATS
from workflows.refusals import Refused
from workflows.retention import retention_end
from workflows.states import NationalStage, Role, State

CONTACT_FIELDS = ("contact_name", "contact_function", "contact_email", "contact_phone")
# A candidature that never reached the jury: the contest does not need it.
NEVER_JUDGED = (State.DRAFT.value, State.WITHDRAWN.value)
PLACEHOLDER_DOMAIN = "anonyme.invalid"  # .invalid: reserved, never delivered (RFC 2606)


def placeholder_email(user: User) -> str:
    return f"anonyme-{user.id}@{PLACEHOLDER_DOMAIN}"


def published(edition: Edition) -> bool:
    return edition.stage == NationalStage.PUBLISHED


def kept_until(edition: Edition) -> datetime | None:
    """When the edition's retention ends; None before its results are published."""
    return retention_end(edition.published_at, edition.contest) if published(edition) else None


def _picked(candidature_ids: list[int]) -> set[int]:
    return set(db.session.scalars(db.select(RegionalPick.candidature_id)
                                  .where(RegionalPick.candidature_id.in_(candidature_ids)))) if candidature_ids else set()


def candidature_blockers(candidatures: list[Candidature], now: datetime) -> list[str]:
    """Why these dossiers must be kept now: under examination, or picked and still within the retention."""
    picked = _picked([c.id for c in candidatures])
    reasons = []
    for candidature in candidatures:
        edition, title = candidature.edition, candidature.title or f"n° {candidature.id}"
        if candidature.anonymised_at is not None:
            continue
        if not published(edition) and candidature.state not in NEVER_JUDGED:
            reasons.append(_l("La candidature « %(title)s » (%(contest)s) est en cours d’examen : ses données sont "
                              "nécessaires au concours jusqu’à la publication des résultats.",
                              title=title, contest=edition.contest.name))
        elif published(edition) and candidature.id in picked and now < kept_until(edition):
            what = (_l("désignée lauréate") if candidature.state == State.WINNER.value
                    else _l("retenue par sa région"))
            reasons.append(_l(
                "La candidature « %(title)s » (%(contest)s) a été %(what)s : ses données sont conservées jusqu’au "
                "%(day)s, durée fixée par le règlement du concours (%(months)s mois après la publication des "
                "résultats).", title=title, contest=edition.contest.name, what=what,
                day=day(kept_until(edition).astimezone(edition.contest.tz).date()),
                months=edition.contest.data.retention_months))
    return reasons


def erasure_blockers(user: User, *, actor: User | None, now: datetime) -> list[str]:
    """Why ``user`` cannot be anonymised now (empty: they can), in French."""
    if user.anonymised_at is not None:
        return [_l("Ce compte est déjà anonymisé.")]
    if actor is not None and actor.id == user.id:
        return [_l("Vous ne pouvez pas anonymiser votre propre compte : demandez-le à un autre organisateur "
                   "national.")]
    reasons = candidature_blockers(owned_by(user), now)
    running = sorted({(m.edition.contest.name, Role(m.role).label) for m in user.memberships
                      if m.edition is not None and not published(m.edition)})
    reasons += [_l("La personne est %(role)s dans « %(contest)s », dont les résultats ne sont pas publiés : ses "
                   "actes (déclarations d’intérêts, fiches de notation, décisions) doivent rester attribuables "
                   "jusque-là.", role=role, contest=name)
                for name, role in running]
    return reasons


def owned_by(user: User) -> list[Candidature]:
    return db.session.scalars(db.select(Candidature).filter_by(owner_id=user.id).order_by(Candidature.id)).all()


def anonymise_candidature(candidature: Candidature, *, now: datetime) -> int:
    """Blank the dossier's personal fields and drop its attachments (files after the commit) and its messages
    with the ARS; returns how many files go. The project (title, structure, answers) stays: the results and
    the jury's sheets read it."""
    for field in CONTACT_FIELDS:
        setattr(candidature, field, None)
    candidature.sender_email = None  # the address a dossier entered by the ARS came from
    if candidature.identifier and FORMATS["rpps"][0].fullmatch(candidature.identifier):
        candidature.identifier = None  # a health professional's own number, unlike a FINESS or a SIRET
    for partner in candidature.partners:
        partner.name = ""
    files = [attachment.stored_name for attachment in candidature.attachments]
    candidature.attachments = []
    for stored_name in files:
        storage.remove_after_commit(stored_name)
    db.session.execute(db.delete(OutboxEmail).where(OutboxEmail.candidature_id == candidature.id))
    db.session.execute(db.delete(Message).where(Message.candidature_id == candidature.id))
    candidature.anonymised_at = now
    return len(files)


def _anonymise_account(user: User, *, now: datetime) -> None:
    """Replace name and address, drop the password, the tokens and the emails; close the account."""
    db.session.execute(db.delete(OutboxEmail).where(OutboxEmail.recipient == user.email))
    db.session.execute(db.delete(UserToken).where(UserToken.user_id == user.id))
    user.email = placeholder_email(user)
    user.display_name = ""
    user.password_hash = None
    user.organisation_identifier = None
    user.preferred_locale = None
    user.email_verified_at = None
    user.active = False
    user.session_token = new_session_token()  # every signed-in session ends
    user.anonymised_at = now


@dataclass(frozen=True)
class Erasure:
    candidatures: list[int]
    files: int


def anonymise_person(user: User, *, actor: User | None, role: Role | None, now: datetime,
                     cause: str = "request") -> Erasure:
    """Anonymise the account and every dossier it owns, refused while the contest needs them; one audit
    row (ids and counts, nothing of what was erased). The caller commits."""
    if reasons := erasure_blockers(user, actor=actor, now=now):
        raise Refused(reasons)
    pending = [c for c in owned_by(user) if c.anonymised_at is None]
    files = sum(anonymise_candidature(candidature, now=now) for candidature in pending)
    _anonymise_account(user, now=now)
    erasure = Erasure([c.id for c in pending], files)
    record("user.anonymise", actor=actor, role=role.value if role else None, at=now,
           data={"user_id": user.id, "cause": cause, "candidatures": erasure.candidatures, "files_deleted": files})
    db.session.flush()
    return erasure
