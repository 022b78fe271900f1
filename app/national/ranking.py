"""The national ranking: per pick, the regional marks, the national marks and advisory indicators.

The national order is the national jury's marks (``scoring.rank``), nothing else. The regional
means, the normalised z-scores and the leniency of each regional jury (``scoring.jury_bias``)
are shown beside it to help reading marks given by different juries: they never decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.jury.workload import Work, dossier_work, juror_work, sheet_totals, shortlist, summaries, totals_per, \
    weighted_criteria
from app.models import Candidature, Edition, RegionalPick
from scoring import Aggregate, JuryBias, Progress, RankedRow, aggregate_summaries, group_bias, mean_zscores, rank
from workflows.definition import Criterion


@dataclass(frozen=True)
class PickLine:
    pick: RegionalPick
    candidature: Candidature
    regional: Aggregate | None  # the regional jury's means
    normalised: Decimal | None  # advisory: mean z-score of the regional jurors' totals
    bias: JuryBias | None  # advisory: how the region's jury marks against all regional juries
    national: RankedRow | None  # None until a national sheet is received
    progress: Progress  # national sheets received / expected


@dataclass(frozen=True)
class NationalRanking:
    criteria: tuple[Criterion, ...]  # in the declared tie-break order
    lines: list[PickLine]
    biases: list[JuryBias]  # one per region whose jury handed in sheets (group: its name), by name
    complete: bool  # every expected national sheet received


def national_ranking(edition: Edition) -> NationalRanking:
    """Every pick of the edition with its regional and national figures, in national rank order.

    A fixed number of queries: every regional jury's sheets are summed by the database at once.
    """
    contest = edition.contest
    criteria = weighted_criteria(contest)
    threshold = contest.disagreement_threshold
    picks = shortlist(edition)
    ids = [pick.candidature_id for pick in picks]
    regions = Work.all_regions(edition)
    regional = aggregate_summaries(summaries(regions.within(ids), criteria).values(), threshold=threshold)
    jurors = juror_work(regions)  # every regional juror's totals, read once for the z-scores and the juries' bias
    normalised = mean_zscores(sheet_totals(regions.within(ids), criteria), totals_per(jurors, "juror_id"))
    names = {str(region.id): region.name for region in edition.regions}
    # House choice: a jury is flagged when its mean total strays from the pooled mean by more than the
    # disagreement threshold of the definition, the gap that already flags jurors who disagree.
    by_region = {names[key]: totals for key, totals in totals_per(jurors, "region_id").items()}
    biases = group_bias(by_region, threshold) if by_region else {}
    dossiers = dossier_work(Work.national(edition), criteria)  # the shortlist: a few rows, ranked exactly
    national = {row.candidature: row for row in rank(aggregate_summaries(
        [item.summary for item in dossiers.values() if item.summary is not None], threshold=threshold), criteria)}
    progress = {key: item.progress for key, item in dossiers.items()}
    lines = [
        PickLine(pick, pick.candidature, regional.get(key), normalised.get(key),
                 biases.get(pick.candidature.region.name), national.get(key),
                 progress.get(pick.candidature_id, Progress(0, 0)))
        for pick in picks for key in [str(pick.candidature_id)]
    ]
    unranked = len(lines) + 1
    lines.sort(key=lambda line: (line.national.rank if line.national else unranked, line.candidature.region_id))
    return NationalRanking(tuple(contest.criterion(key) for key in contest.tie_break), lines,
                           [biases[name] for name in sorted(biases)],
                           all(p.received == p.expected for p in progress.values()))
