"""Scoresheets, weighted totals and per-candidature aggregates.

Invariants: every mark is an integer and every sheet carries exactly the declared criteria;
weights are positive integers and criterion keys are unique; a juror sends at most one sheet
per candidature; means, totals, variances and ranges are exact Fractions, and only the
standard deviation (a square root) is a Decimal. A candidature without any sheet has no
aggregate: counting what is missing is `completeness`'s job, not a zero mark.

Every aggregate is computed from a ``Summary`` (count, sums, sum of squares, extremes): integer
sufficient statistics that a database can add up in one query over any number of sheets, so the
app never has to load the sheets themselves to rank them. The figures stay exact.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.arithmetic import sqrt

Criteria = Sequence[tuple[str, int]]
"""(key, weight) pairs; their order is the declared tie-break order."""


@dataclass(frozen=True)
class Scoresheet:
    juror: str
    candidature: str
    marks: Mapping[str, int]


@dataclass(frozen=True)
class Aggregate:
    candidature: str
    count: int
    criterion_means: dict[str, Fraction]
    total_mean: Fraction
    spread_variance: Fraction
    spread_stdev: Decimal
    spread_range: Fraction
    disagreement: bool


def weighted_total(marks: Mapping[str, int], criteria: Criteria) -> Fraction:
    """Sum of weight × mark over the declared criteria; refuses missing or unknown criteria."""
    keys = [key for key, _ in criteria]
    duplicates = sorted(key for key, count in Counter(keys).items() if count > 1)
    if duplicates:
        raise ValueError(f"Critère déclaré deux fois : {', '.join(duplicates)}")
    for key, weight in criteria:
        if not isinstance(weight, int) or weight <= 0:
            raise ValueError(f"Poids invalide pour le critère {key} : {weight!r}")
    missing = [key for key in keys if key not in marks]
    if missing:
        raise ValueError(f"Note manquante pour le critère : {', '.join(missing)}")
    unknown = sorted(set(marks) - set(keys))
    if unknown:
        raise ValueError(f"Critère inconnu : {', '.join(unknown)}")
    for key in keys:
        if not isinstance(marks[key], int):
            raise ValueError(f"La note du critère {key} doit être un entier : {marks[key]!r}")
    return Fraction(sum(weight * marks[key] for key, weight in criteria))


@dataclass(frozen=True)
class Totals:
    """Count, sum and sum of squares of integer weighted totals: enough for their mean and variance."""

    count: int
    total: int
    squares: int

    @classmethod
    def of(cls, values: Sequence[int]) -> "Totals":
        return cls(len(values), sum(values), sum(value * value for value in values))

    @property
    def mean(self) -> Fraction:
        return Fraction(self.total, self.count)

    @property
    def variance(self) -> Fraction:
        """Population variance, exact: (n·Σx² − (Σx)²) / n²."""
        return Fraction(self.count * self.squares - self.total**2, self.count**2)


@dataclass(frozen=True)
class Summary:
    """The sufficient statistics of one candidature's sheets."""

    candidature: str
    criterion_sums: Mapping[str, int]
    totals: Totals
    lowest: int  # lowest weighted total
    highest: int


def summarise(sheets: Iterable[Scoresheet], criteria: Criteria) -> dict[str, Summary]:
    """The summary of each candidature's sheets (the database computes the same in SQL)."""
    by_candidature: dict[str, list[Scoresheet]] = defaultdict(list)
    for sheet in unique_sheets(sheets):
        by_candidature[sheet.candidature].append(sheet)
    result = {}
    for candidature, group in by_candidature.items():
        totals = [int(weighted_total(sheet.marks, criteria)) for sheet in group]
        result[candidature] = Summary(
            candidature,
            {key: sum(sheet.marks[key] for sheet in group) for key, _ in criteria},
            Totals.of(totals),
            min(totals), max(totals),
        )
    return result


def aggregate_summaries(summaries: Iterable[Summary], *, threshold: Fraction | int) -> dict[str, Aggregate]:
    """Means and spread per candidature; `disagreement` when the range exceeds `threshold`."""
    result = {}
    for summary in sorted(summaries, key=lambda summary: summary.candidature):
        totals, spread = summary.totals, Fraction(summary.highest - summary.lowest)
        result[summary.candidature] = Aggregate(
            candidature=summary.candidature,
            count=totals.count,
            criterion_means={key: Fraction(value, totals.count) for key, value in summary.criterion_sums.items()},
            total_mean=totals.mean,
            spread_variance=totals.variance,
            spread_stdev=sqrt(totals.variance),
            spread_range=spread,
            disagreement=spread > threshold,
        )
    return result


def aggregate(
    sheets: Iterable[Scoresheet], criteria: Criteria, *, threshold: Fraction | int
) -> dict[str, Aggregate]:
    """Means and spread per candidature of the given sheets."""
    return aggregate_summaries(summarise(sheets, criteria).values(), threshold=threshold)


def unique_sheets(sheets: Iterable[Scoresheet]) -> list[Scoresheet]:
    """The sheets as a list; refuses a second sheet from one juror for one candidature."""
    seen: set[tuple[str, str]] = set()
    result = []
    for sheet in sheets:
        pair = (sheet.juror, sheet.candidature)
        if pair in seen:
            raise ValueError(
                f"Le juré {sheet.juror} a rendu deux fiches "
                f"pour la candidature {sheet.candidature}"
            )
        seen.add(pair)
        result.append(sheet)
    return result
