"""Scoresheets, weighted totals and per-candidature aggregates.

Invariants: every mark is an integer and every sheet carries exactly the declared criteria;
weights are positive integers and criterion keys are unique; a juror sends at most one sheet
per candidature; means, totals, variances and ranges are exact Fractions, and only the
standard deviation (a square root) is a Decimal. A candidature without any sheet has no
aggregate: counting what is missing is `completeness`'s job, not a zero mark.
"""

import statistics
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


def aggregate(
    sheets: Iterable[Scoresheet], criteria: Criteria, *, threshold: Fraction | int
) -> dict[str, Aggregate]:
    """Means and spread per candidature; `disagreement` when the range exceeds `threshold`."""
    by_candidature: dict[str, list[Scoresheet]] = defaultdict(list)
    for sheet in unique_sheets(sheets):
        by_candidature[sheet.candidature].append(sheet)
    result = {}
    for candidature in sorted(by_candidature):
        group = by_candidature[candidature]
        totals = [weighted_total(sheet.marks, criteria) for sheet in group]
        variance = statistics.pvariance(totals)
        spread = max(totals) - min(totals)
        result[candidature] = Aggregate(
            candidature=candidature,
            count=len(group),
            criterion_means={
                key: statistics.mean(Fraction(sheet.marks[key]) for sheet in group)
                for key, _ in criteria
            },
            total_mean=statistics.mean(totals),
            spread_variance=variance,
            spread_stdev=sqrt(variance),
            spread_range=spread,
            disagreement=spread > threshold,
        )
    return result


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
