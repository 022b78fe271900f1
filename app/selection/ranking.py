"""The regional ranking: database rows in, ``scoring``'s pure results out, one line per candidature.

Organisers read it without scoring; jurors never reach it (the routes allow organisers only).
Candidatures the jury has not scored yet come last, unranked; a sheet outside the expected
(juror, candidature) pairs (a conflict declared after scoring) is left out of every figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.extensions import db
from app.i18n import number
from app.jury.workload import (
    REGIONAL, REGIONAL_JURY_STATES, REGIONAL_RANKED_STATES, Work, jury_work, missing_among, ranking, sheet_totals,
    totals_per, weighted_criteria,
)
from app.listing import ListPage, page_of
from app.models import Candidature, ConflictDeclaration, Region, RegionalPick, User
from scoring import Progress, RankedRow, mean_zscores
from workflows.definition import Contest, Criterion
from workflows.texts import _l


@dataclass(frozen=True)
class RankingLine:
    candidature: Candidature
    row: RankedRow | None  # None until a scoresheet is received
    progress: Progress
    normalised: Decimal | None  # advisory mean z-score
    pick: RegionalPick | None


@dataclass(frozen=True)
class RegionRanking:
    criteria: tuple[Criterion, ...]  # in the declared tie-break order
    lines: list[RankingLine]  # the lines of ``page``
    complete: bool  # every expected sheet received, over the whole ranking
    picks: list[RegionalPick]  # by slot
    page: ListPage[str]  # the candidature ids of the whole ranking, cut to the page shown
    missing: int  # expected sheets not yet submitted on the dossiers the jury still scores (the region's facts)


def region_picks(region: Region) -> list[RegionalPick]:
    """The region's picks by slot, with their candidatures."""
    return db.session.scalars(db.select(RegionalPick).filter_by(region_id=region.id)
                              .options(db.joinedload(RegionalPick.candidature)).order_by(RegionalPick.slot)).all()


def region_ranking(region: Region, page: int | None = None, conditions=()) -> RegionRanking:
    """Means, totals, ranks, flags and received/expected sheets of the candidatures the jury judged.

    Every candidature is ranked (in a fixed number of queries, see ``app.jury.workload``); the lines
    are built for ``page`` only, or for the whole ranking when ``page`` is None (the minutes). A search
    (``conditions``) keeps the lines it finds, each with its rank among all.
    """
    contest = region.edition.contest
    criteria = weighted_criteria(contest)
    work = Work.regional(region, REGIONAL_RANKED_STATES)
    dossiers, jurors = jury_work(work, criteria)  # every dossier's progress and sums, every juror's totals: once
    ranked = ranking(work, contest, dossiers)
    order = ranked.order
    if conditions:
        found = set(db.session.scalars(db.select(Candidature.id).where(Candidature.region_id == region.id,
                                                                       *conditions)))
        order = [key for key in order if int(key) in found]
    shown = page_of(order, page) if page else page_of(order, 1, max(len(order), 1))
    ids = [int(key) for key in shown.items]
    candidatures = {c.id: c for c in db.session.scalars(db.select(Candidature).where(Candidature.id.in_(ids)))}
    normalised = mean_zscores(sheet_totals(work.within(ids), criteria), totals_per(jurors, "juror_id"))
    picks = region_picks(region)
    picked = {pick.candidature_id: pick for pick in picks}
    lines = [RankingLine(candidatures[key], ranked.row(str(key)),
                         dossiers[key].progress if key in dossiers else Progress(0, 0),
                         normalised.get(str(key)), picked.get(key)) for key in ids]
    complete = all(item.progress.received == item.progress.expected for item in dossiers.values())
    return RegionRanking(tuple(contest.criterion(key) for key in contest.tie_break), lines, complete, picks, shown,
                         missing_among(dossiers.values(), REGIONAL_JURY_STATES))


def column(contest: Contest, key: str) -> str:
    """The short heading of a criterion (C1, C2…), numbered in tie-break order."""
    return f"C{contest.tie_break.index(key) + 1}"


def line_flags(line: RankingLine, contest: Contest) -> list[str]:
    """The warnings an organiser must read before deciding: ties, how a tie was broken, disagreement."""
    if line.row is None:
        return []
    flags = []
    if line.row.tie:
        flags.append(_l("Ex aequo : égalité parfaite, non départagée"))
    if line.row.tie_broken_by:
        criterion = column(contest, line.row.tie_broken_by)
        flags.append(_l("Même total que le rang précédent, départagée par le critère %(criterion)s", criterion=criterion))
    if line.row.aggregate.disagreement:
        flags.append(_l("Désaccord du jury (écart de %(spread)s points)", spread=number(line.row.aggregate.spread_range)))
    return flags


def declared_conflicts(region_id: int) -> list[tuple[User, Candidature, ConflictDeclaration]]:
    """Conflicts of interest declared on the region's candidatures at the regional stage."""
    return db.session.execute(
        db.select(User, Candidature, ConflictDeclaration)
        .join(ConflictDeclaration, ConflictDeclaration.juror_id == User.id)
        .join(Candidature, Candidature.id == ConflictDeclaration.candidature_id)
        .where(Candidature.region_id == region_id, ConflictDeclaration.stage == REGIONAL,
               ConflictDeclaration.has_conflict.is_(True))
        .order_by(Candidature.id, User.email)
    ).all()
