"""Ranking of aggregated candidatures.

Invariants: the order is total mean descending, then each criterion mean descending in the
declared tie-break order; rows equal on all of these share one rank (competition ranking
1, 2, 2, 4) and are flagged `tie`, never separated silently. Among tied rows the candidature
id fixes the display order only. The result is a permutation of the input, whatever its order.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from math import lcm

from scoring.marks import Aggregate, Criteria, Summary


@dataclass(frozen=True)
class RankedRow:
    rank: int
    candidature: str
    aggregate: Aggregate
    tie: bool
    # Criterion that put this row's rank below the rank just above it although both had the
    # same total mean; None when the totals differ or for the first rank.
    tie_broken_by: str | None


@dataclass(frozen=True)
class Standing:
    """A candidature's place in a ranking, without its figures (those of the rows shown are built apart)."""

    rank: int
    candidature: str
    tie: bool
    tie_broken_by: str | None

    def row(self, aggregate: Aggregate) -> RankedRow:
        return RankedRow(self.rank, self.candidature, aggregate, self.tie, self.tie_broken_by)


def rank(aggregates: Mapping[str, Aggregate], criteria: Criteria) -> list[RankedRow]:
    """Rows in rank order, exact ties sharing a rank and flagged, tie-breaks named."""
    keys = [key for key, _ in criteria]
    by_candidature = {agg.candidature: agg for agg in aggregates.values()}
    return [standing.row(by_candidature[standing.candidature])
            for standing in _standings(_merits(by_candidature.values(), keys), keys)]


def standings(summaries: Iterable[Summary], criteria: Criteria) -> list[Standing]:
    """``rank``'s order, ranks, ties and tie-breaks over these summaries' aggregates, from their integer
    sums alone: a region's thousands of candidatures are ranked without building their exact means.

    Each mean is a sum over the candidature's number of sheets; scaled by the least common multiple
    of those numbers it is the integer sum × (multiple ÷ count), which orders and groups exactly as the
    means do (the same argument as ``_merits``; ``tests/unit/test_scoring_properties.py`` checks it)."""
    keys = [key for key, _ in criteria]
    listed = list(summaries)
    unit = lcm(*{summary.totals.count for summary in listed})
    merit = {summary.candidature: tuple(value * (unit // summary.totals.count) for value in
                                        (summary.totals.total, *(summary.criterion_sums[key] for key in keys)))
             for summary in listed}
    return _standings(merit, keys)


def _standings(merit: Mapping[str, tuple[int, ...]], keys: list[str]) -> list[Standing]:
    """Candidatures by merit descending then id; equal merits share a rank (competition ranking)."""
    # By id, then by merit descending: the sort is stable (even reversed), so equal merits keep the id order.
    ordered = sorted(sorted(merit), key=merit.__getitem__, reverse=True)
    result: list[Standing] = []
    above = None
    for value, group in groupby(ordered, key=lambda candidature: merit[candidature]):
        tied = list(group)
        position, broken_by = len(result) + 1, _separating_criterion(above, value, keys)
        result.extend(Standing(position, candidature, len(tied) > 1, broken_by) for candidature in tied)
        above = value
    return result


def _merits(aggregates: Iterable[Aggregate], keys: list[str]) -> dict[str, tuple[int, ...]]:
    """Each candidature's total mean then criterion means, as integers in one common unit.

    The means are fractions whose denominators divide the number of sheets; scaled by the least
    common multiple of every denominator they are exact integers, which compare and group exactly as
    the fractions do, at a fraction of the cost (a region's ranking holds thousands of them)."""
    means = {agg.candidature: (agg.total_mean, *(agg.criterion_means[key] for key in keys)) for agg in aggregates}
    unit = lcm(*{value.denominator for values in means.values() for value in values})
    return {candidature: tuple(value.numerator * (unit // value.denominator) for value in values)
            for candidature, values in means.items()}


def _separating_criterion(
    above: tuple[int, ...] | None, row: tuple[int, ...], keys: list[str]
) -> str | None:
    if above is None or above[0] != row[0]:
        return None
    return next(key for key, a, b in zip(keys, above[1:], row[1:]) if a != b)
