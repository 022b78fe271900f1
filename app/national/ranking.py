"""The national ranking: per pick, the regional marks, the national marks and advisory indicators.

The national order is the national jury's marks (``scoring.rank``), nothing else. The regional
means, the normalised z-scores and the leniency of each regional jury (``scoring.jury_bias``)
are shown beside it to help reading marks given by different juries: they never decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.jury.workload import REGIONAL_RANKED_STATES, expected_regional, expected_sheets, national_work, shortlist
from app.models import Candidature, Edition, Region, RegionalPick
from app.selection.ranking import weighted_criteria
from scoring import Aggregate, JuryBias, Progress, RankedRow, Scoresheet, aggregate, completeness, jury_bias, \
    normalised_means, rank
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


def regional_sheets(region: Region) -> list[Scoresheet]:
    """The submitted regional sheets of the region's jury that count (see app.jury.workload)."""
    return expected_sheets(expected_regional(region, REGIONAL_RANKED_STATES))


def national_ranking(edition: Edition) -> NationalRanking:
    """Every pick of the edition with its regional and national figures, in national rank order."""
    contest = edition.contest
    criteria = weighted_criteria(contest)
    picks = shortlist(edition)
    by_region = {region.name: sheets for region in edition.regions if (sheets := regional_sheets(region))}
    everything = [sheet for sheets in by_region.values() for sheet in sheets]
    regional = aggregate(everything, criteria, threshold=contest.disagreement_threshold)
    normalised = normalised_means(everything, criteria)
    # House choice: a jury is flagged when its mean total strays from the pooled mean by more than the
    # disagreement threshold of the definition, the gap that already flags jurors who disagree.
    biases = jury_bias(by_region, criteria, contest.disagreement_threshold) if by_region else {}
    expected, sheets = national_work([pick.candidature_id for pick in picks])
    national = {row.candidature: row
                for row in rank(aggregate(sheets, criteria, threshold=contest.disagreement_threshold), criteria)}
    progress = completeness(expected, sheets)
    lines = [
        PickLine(pick, pick.candidature, regional.get(key), normalised.get(key),
                 biases.get(pick.candidature.region.name), national.get(key), progress.by_candidature[key])
        for pick in picks for key in [str(pick.candidature_id)]
    ]
    unranked = len(lines) + 1
    lines.sort(key=lambda line: (line.national.rank if line.national else unranked, line.candidature.region.name))
    return NationalRanking(tuple(contest.criterion(key) for key in contest.tie_break), lines,
                           [biases[name] for name in sorted(biases)], progress.complete)
