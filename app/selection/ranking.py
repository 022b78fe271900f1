"""The regional ranking: database rows in, ``scoring``'s pure results out, one line per candidature.

Organisers read it without scoring; jurors never reach it (the routes allow organisers only).
Candidatures the jury has not scored yet come last, unranked; a sheet outside the expected
(juror, candidature) pairs (a conflict declared after scoring) is left out of every figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.extensions import db
from app.jury.workload import (
    REGIONAL, REGIONAL_RANKED_STATES, expected_pairs, expected_sheets, regional_candidatures, regional_jurors,
)
from app.models import Candidature, ConflictDeclaration, Region, RegionalPick, User
from scoring import Progress, RankedRow, aggregate, completeness, display, normalised_means, rank
from workflows.definition import Contest, Criterion

# Everything the regional jury judged: still before it, picked, or settled since (the minutes
# printed after the closing still show the whole ranking).


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
    lines: list[RankingLine]
    complete: bool

    @property
    def picks(self) -> list[RegionalPick]:
        return sorted((line.pick for line in self.lines if line.pick), key=lambda pick: pick.slot)


def weighted_criteria(contest: Contest) -> list[tuple[str, int]]:
    """(key, weight) pairs in tie-break order, as ``scoring`` reads them."""
    return [(key, contest.criterion(key).weight) for key in contest.tie_break]


def region_ranking(region: Region) -> RegionRanking:
    """Means, totals, ranks, flags and received/expected sheets of every candidature the jury judged."""
    contest = region.edition.contest
    candidatures = regional_candidatures(region.id, REGIONAL_RANKED_STATES)
    pairs = expected_pairs([c.id for c in candidatures], [juror.id for juror in regional_jurors(region.id)])
    sheets = expected_sheets(pairs)
    expected = {str(c): {str(j) for j in jurors} for c, jurors in pairs.items()}
    criteria = weighted_criteria(contest)
    rows = rank(aggregate(sheets, criteria, threshold=contest.disagreement_threshold), criteria)
    progress = completeness(expected, sheets)
    normalised = normalised_means(sheets, criteria)
    picks = {pick.candidature_id: pick
             for pick in db.session.scalars(db.select(RegionalPick).filter_by(region_id=region.id))}
    by_id = {str(c.id): c for c in candidatures}
    row_of = {row.candidature: row for row in rows}
    order = [row.candidature for row in rows] + [key for key in by_id if key not in row_of]
    lines = [
        RankingLine(by_id[key], row_of.get(key), progress.by_candidature[key], normalised.get(key),
                    picks.get(int(key)))
        for key in order
    ]
    return RegionRanking(tuple(contest.criterion(key) for key in contest.tie_break), lines, progress.complete)


def column(contest: Contest, key: str) -> str:
    """The short heading of a criterion (C1, C2…), numbered in tie-break order."""
    return f"C{contest.tie_break.index(key) + 1}"


def line_flags(line: RankingLine, contest: Contest) -> list[str]:
    """The warnings an organiser must read before deciding: ties, how a tie was broken, disagreement."""
    if line.row is None:
        return []
    flags = []
    if line.row.tie:
        flags.append("Ex aequo : égalité parfaite, non départagée")
    if line.row.tie_broken_by:
        criterion = column(contest, line.row.tie_broken_by)
        flags.append(f"Même total que le rang précédent, départagée par le critère {criterion}")
    if line.row.aggregate.disagreement:
        flags.append(f"Désaccord du jury (écart de {display(line.row.aggregate.spread_range)} points)")
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
