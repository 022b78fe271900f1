"""Advisory indicators: per-juror normalisation and jury leniency.

Invariants: nothing here changes a mark, a mean or a rank; these numbers only help organisers
and the national jury read the official results. A z-score uses the juror's population
standard deviation over the weighted totals they gave; it is None when that spread is zero,
which includes a juror with a single sheet. Z-scores are Decimals because they divide by a
square root; the deviation and the variance under it stay exact.

Like the aggregates, both indicators are computed from ``Totals`` (count, sum, sum of squares):
a juror's or a jury's totals come from one database query, and only the sheets of the
candidatures shown need their own weighted total.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from scoring.arithmetic import sqrt, to_decimal
from scoring.marks import Criteria, Scoresheet, Totals, unique_sheets, weighted_total

SheetTotal = tuple[str, str, int]
"""(juror, candidature, weighted total) of one sheet."""


@dataclass(frozen=True)
class JuryBias:
    group: str
    count: int
    mean_total: Fraction
    overall_mean: Fraction
    difference: Fraction  # mean_total - overall_mean
    flag: Literal["high", "low"] | None


def sheet_totals(sheets: Iterable[Scoresheet], criteria: Criteria) -> list[SheetTotal]:
    return [(sheet.juror, sheet.candidature, int(weighted_total(sheet.marks, criteria)))
            for sheet in unique_sheets(sheets)]


def group_totals(values: Iterable[tuple[str, int]]) -> dict[str, Totals]:
    """Totals of (group, weighted total) pairs, per group."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for group, total in values:
        grouped[group].append(total)
    return {group: Totals.of(totals) for group, totals in grouped.items()}


def zscore(total: int, juror: Totals) -> Decimal | None:
    """(total - juror's mean) / juror's stdev, or None without spread."""
    variance = juror.variance
    if not variance:
        return None
    # sign × sqrt(deviation² / variance): one square root of an exact Fraction.
    deviation = total - juror.mean
    root = sqrt(deviation**2 / variance)
    return -root if deviation < 0 else root


def mean_zscores(totals: Iterable[SheetTotal], jurors: Mapping[str, Totals]) -> dict[str, Decimal | None]:
    """Mean z-score per candidature of the given sheets; None unless every sheet has a z-score.

    ``jurors`` holds each juror's totals over all their sheets, of which ``totals`` may be a part.
    """
    by_candidature: dict[str, list[Decimal | None]] = defaultdict(list)
    for juror, candidature, total in totals:
        by_candidature[candidature].append(zscore(total, jurors[juror]))
    return {
        candidature: None if None in scores else to_decimal(sum(map(Fraction, scores)) / len(scores))
        for candidature, scores in sorted(by_candidature.items())
    }


def zscores(sheets: Iterable[Scoresheet], criteria: Criteria) -> dict[tuple[str, str], Decimal | None]:
    """Per (juror, candidature): the z-score of the sheet among the juror's own."""
    totals = sheet_totals(sheets, criteria)
    jurors = group_totals((juror, total) for juror, _, total in totals)
    return {(juror, candidature): zscore(total, jurors[juror]) for juror, candidature, total in sorted(totals)}


def normalised_means(sheets: Iterable[Scoresheet], criteria: Criteria) -> dict[str, Decimal | None]:
    """Mean z-score per candidature; None unless every one of its sheets has a z-score."""
    totals = sheet_totals(sheets, criteria)
    return mean_zscores(totals, group_totals((juror, total) for juror, _, total in totals))


def group_bias(groups: Mapping[str, Totals], threshold: Fraction | int) -> dict[str, JuryBias]:
    """Each group's mean total against the pooled mean of all sheets, flagged past `threshold`."""
    for group, totals in groups.items():
        if not totals.count:
            raise ValueError(f"Le groupe {group} n'a aucune fiche de notation")
    overall = Fraction(sum(t.total for t in groups.values()), sum(t.count for t in groups.values()))
    result = {}
    for group, totals in sorted(groups.items()):
        difference = totals.mean - overall
        flag = "high" if difference > threshold else "low" if -difference > threshold else None
        result[group] = JuryBias(group, totals.count, totals.mean, overall, difference, flag)
    return result


def jury_bias(
    groups: Mapping[str, Sequence[Scoresheet]], criteria: Criteria, threshold: Fraction | int
) -> dict[str, JuryBias]:
    """``group_bias`` of the groups' sheets."""
    return group_bias({group: Totals.of([total for _, _, total in sheet_totals(sheets, criteria)])
                       for group, sheets in groups.items()}, threshold)
