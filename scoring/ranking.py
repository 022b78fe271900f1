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

from scoring.marks import Aggregate, Criteria


@dataclass(frozen=True)
class RankedRow:
    rank: int
    candidature: str
    aggregate: Aggregate
    tie: bool
    # Criterion that put this row's rank below the rank just above it although both had the
    # same total mean; None when the totals differ or for the first rank.
    tie_broken_by: str | None


def rank(aggregates: Mapping[str, Aggregate], criteria: Criteria) -> list[RankedRow]:
    """Rows in rank order, exact ties sharing a rank and flagged, tie-breaks named."""
    keys = [key for key, _ in criteria]
    merit = _merits(aggregates.values(), keys)
    ordered = sorted(aggregates.values(), key=lambda agg: (tuple(-value for value in merit[agg.candidature]),
                                                           agg.candidature))
    rows: list[RankedRow] = []
    above = None
    for value, group in groupby(ordered, key=lambda agg: merit[agg.candidature]):
        tied = list(group)
        position, broken_by = len(rows) + 1, _separating_criterion(above, value, keys)
        rows.extend(
            RankedRow(position, agg.candidature, agg, len(tied) > 1, broken_by) for agg in tied
        )
        above = value
    return rows


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
