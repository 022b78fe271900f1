"""Who is expected to score what, and what has been scored: the juries' work as queries.

Expected work at a stage: every juror of the stage (a region's jurors, or the national jurors)
times every candidature before that jury, less the pairs with a declared conflict and the
juror's own dossiers. The completeness gates, the progress bars, the rankings and the reminders
all read these functions (through ``app.jury.juries.Jury`` for the pages and operations).
"""

from __future__ import annotations

from app.extensions import db
from app.models import Candidature, ConflictDeclaration, Edition, Region, RegionalPick, RoleMembership, Scoresheet, User
from scoring import Scoresheet as Sheet
from workflows.states import Role, State

REGIONAL, NATIONAL = "regional", "national"  # the stage column of sheets and declarations
# Candidatures the regional jury scores (a pick stays scored; it moved on from regional_jury).
REGIONAL_JURY_STATES = (State.REGIONAL_JURY.value, State.NATIONAL_SHORTLIST.value)
# Every candidature the regional jury scored, whatever happened to it since: rankings show them all.
REGIONAL_RANKED_STATES = (*REGIONAL_JURY_STATES, State.REGIONAL_NOT_SELECTED.value, State.WINNER.value,
                          State.NATIONAL_NOT_SELECTED.value)


def regional_jurors(region_id: int) -> list[User]:
    return db.session.scalars(
        db.select(User).join(RoleMembership)
        .where(RoleMembership.region_id == region_id, RoleMembership.role == Role.REGIONAL_JUROR.value)
        .order_by(User.email)
    ).all()


def national_jurors(edition_id: int) -> list[User]:
    return db.session.scalars(
        db.select(User).join(RoleMembership)
        .where(RoleMembership.edition_id == edition_id, RoleMembership.role == Role.NATIONAL_JUROR.value)
        .order_by(User.email)
    ).all()


def shortlist(edition: Edition) -> list[RegionalPick]:
    """The regional picks of the edition (the national shortlist, settled or not), by region and slot."""
    return db.session.scalars(
        db.select(RegionalPick).join(Candidature).where(Candidature.edition_id == edition.id)
        .order_by(RegionalPick.region_id, RegionalPick.slot)
    ).all()


def regional_candidatures(region_id: int, states=REGIONAL_JURY_STATES) -> list[Candidature]:
    return db.session.scalars(
        db.select(Candidature)
        .where(Candidature.region_id == region_id, Candidature.state.in_(states))
        .order_by(Candidature.id)
    ).all()


def conflicted_pairs(candidature_ids: list[int], stage: str = REGIONAL) -> set[tuple[int, int]]:
    """(juror, candidature) pairs with a declared conflict of interest."""
    rows = db.session.execute(
        db.select(ConflictDeclaration.juror_id, ConflictDeclaration.candidature_id).where(
            ConflictDeclaration.candidature_id.in_(candidature_ids),
            ConflictDeclaration.stage == stage,
            ConflictDeclaration.has_conflict.is_(True),
        )
    ).all()
    return {(juror, candidature) for juror, candidature in rows}


def expected_pairs(candidature_ids: list[int], juror_ids: list[int], stage: str = REGIONAL) -> dict[int, set[int]]:
    """candidature id -> ids of the jurors expected to score it: every juror but the conflicted ones
    and the candidate themselves (a juror never judges a dossier they own)."""
    conflicts = conflicted_pairs(candidature_ids, stage)
    owners = dict(db.session.execute(
        db.select(Candidature.id, Candidature.owner_id).where(Candidature.id.in_(candidature_ids))).all())
    return {c: {j for j in juror_ids if (j, c) not in conflicts and owners.get(c) != j} for c in candidature_ids}


def expected_regional(region: Region, states=REGIONAL_JURY_STATES) -> dict[int, set[int]]:
    """The expected pairs of the region's jury, over its candidatures in ``states``."""
    return expected_pairs([c.id for c in regional_candidatures(region.id, states)],
                          [juror.id for juror in regional_jurors(region.id)])


def submitted_sheets(candidature_ids: list[int], stage: str = REGIONAL) -> list[Sheet]:
    """Submitted scoresheets as plain values for ``scoring`` (ids as strings)."""
    sheets = db.session.scalars(
        db.select(Scoresheet).where(
            Scoresheet.candidature_id.in_(candidature_ids), Scoresheet.stage == stage,
            Scoresheet.status == "submitted",
        )
    ).all()
    return [
        Sheet(juror=str(s.juror_id), candidature=str(s.candidature_id), marks={m.criterion: m.value for m in s.marks})
        for s in sheets
    ]


def expected_sheets(expected: dict[int, set[int]], stage: str = REGIONAL) -> list[Sheet]:
    """The submitted sheets of expected pairs only: a conflict declared after scoring drops its sheet."""
    return [s for s in submitted_sheets(list(expected), stage) if int(s.juror) in expected[int(s.candidature)]]


def missing_regional(region: Region) -> int:
    """Expected regional scoresheets not yet submitted in the region."""
    expected = expected_regional(region)
    return sum(len(jurors) for jurors in expected.values()) - len(expected_sheets(expected))


def national_work(candidature_ids: list[int]) -> tuple[dict[str, set[str]], list[Sheet]]:
    """Expected national (juror, candidature) pairs, as strings for ``scoring``, and the submitted sheets
    among them."""
    # The national jurors of the candidatures' edition, in the same query.
    jurors = db.session.scalars(db.select(RoleMembership.user_id).where(
        RoleMembership.role == Role.NATIONAL_JUROR.value,
        RoleMembership.edition_id.in_(db.select(Candidature.edition_id).where(Candidature.id.in_(candidature_ids))),
    ).order_by(RoleMembership.user_id)).all()
    pairs = expected_pairs(candidature_ids, jurors, NATIONAL)
    expected = {str(c): {str(j) for j in jurors} for c, jurors in pairs.items()}
    return expected, expected_sheets(pairs, NATIONAL)
