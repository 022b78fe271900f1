"""Pure scoring of the contest: totals, aggregates, ranking, completeness, advisory indicators.

No web framework, no database, no clock, no I/O: the app passes plain values in.
"""

from scoring.advisory import JuryBias, jury_bias, normalised_means, zscores
from scoring.arithmetic import display
from scoring.marks import Aggregate, Criteria, Scoresheet, aggregate, weighted_total
from scoring.progress import Completeness, Progress, completeness
from scoring.ranking import RankedRow, rank

__all__ = [
    "Aggregate",
    "Completeness",
    "Criteria",
    "JuryBias",
    "Progress",
    "RankedRow",
    "Scoresheet",
    "aggregate",
    "completeness",
    "display",
    "jury_bias",
    "normalised_means",
    "rank",
    "weighted_total",
    "zscores",
]
