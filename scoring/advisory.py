"""Advisory indicators: per-juror normalisation and jury leniency.

Invariants: nothing here changes a mark, a mean or a rank; these numbers only help organisers
and the national jury read the official results. A z-score uses the juror's population
standard deviation over the weighted totals they gave; it is None when that spread is zero,
which includes a juror with a single sheet. Z-scores are Decimals because they divide by a
square root; the deviation and the variance under it stay exact.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from scoring.arithmetic import sqrt, to_decimal
from scoring.marks import Criteria, Scoresheet, unique_sheets, weighted_total


@dataclass(frozen=True)
class JuryBias:
    group: str
    count: int
    mean_total: Fraction
    overall_mean: Fraction
    difference: Fraction  # mean_total - overall_mean
    flag: Literal["high", "low"] | None


def zscores(
    sheets: Iterable[Scoresheet], criteria: Criteria
) -> dict[tuple[str, str], Decimal | None]:
    """Per (juror, candidature): (total - juror's mean) / juror's stdev, or None without spread."""
    totals_by_juror: dict[str, dict[str, Fraction]] = defaultdict(dict)
    for sheet in unique_sheets(sheets):
        totals_by_juror[sheet.juror][sheet.candidature] = weighted_total(sheet.marks, criteria)
    result: dict[tuple[str, str], Decimal | None] = {}
    for juror, totals in sorted(totals_by_juror.items()):
        mean = statistics.mean(totals.values())
        variance = statistics.pvariance(totals.values())
        for candidature, total in sorted(totals.items()):
            result[(juror, candidature)] = _ratio(total - mean, variance) if variance else None
    return result


def normalised_means(
    sheets: Iterable[Scoresheet], criteria: Criteria
) -> dict[str, Decimal | None]:
    """Mean z-score per candidature; None unless every one of its sheets has a z-score."""
    by_candidature: dict[str, list[Decimal | None]] = defaultdict(list)
    for (_, candidature), score in zscores(sheets, criteria).items():
        by_candidature[candidature].append(score)
    return {
        candidature: None
        if None in scores
        else to_decimal(statistics.mean(Fraction(score) for score in scores))
        for candidature, scores in sorted(by_candidature.items())
    }


def jury_bias(
    groups: Mapping[str, Sequence[Scoresheet]], criteria: Criteria, threshold: Fraction | int
) -> dict[str, JuryBias]:
    """Each group's mean total against the pooled mean of all sheets, flagged past `threshold`."""
    totals = {}
    for group, sheets in sorted(groups.items()):
        if not sheets:
            raise ValueError(f"Le groupe {group} n'a aucune fiche de notation")
        totals[group] = [weighted_total(sheet.marks, criteria) for sheet in unique_sheets(sheets)]
    overall = statistics.mean(total for group_totals in totals.values() for total in group_totals)
    result = {}
    for group, group_totals in totals.items():
        mean = statistics.mean(group_totals)
        difference = mean - overall
        flag = "high" if difference > threshold else "low" if -difference > threshold else None
        result[group] = JuryBias(group, len(group_totals), mean, overall, difference, flag)
    return result


def _ratio(deviation: Fraction, variance: Fraction) -> Decimal:
    # sign × sqrt(deviation² / variance): one square root of an exact Fraction.
    root = sqrt(deviation**2 / variance)
    return -root if deviation < 0 else root
