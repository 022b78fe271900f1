"""Pure scoring of the contest: totals, aggregates, ranking, completeness, advisory indicators.

No web framework, no database, no clock, no I/O: the app passes plain values in.
"""

from scoring.advisory import JuryBias, group_bias, jury_bias, mean_zscores, normalised_means, zscores
from scoring.arithmetic import display
from scoring.marks import Aggregate, Criteria, Scoresheet, Summary, Totals, aggregate, aggregate_summaries, weighted_total
from scoring.progress import Completeness, Progress, completeness
from scoring.ranking import RankedRow, Standing, rank, standings

__all__ = [
    "Aggregate",
    "Completeness",
    "Criteria",
    "JuryBias",
    "Progress",
    "RankedRow",
    "Scoresheet",
    "Standing",
    "Summary",
    "Totals",
    "aggregate",
    "aggregate_summaries",
    "completeness",
    "display",
    "group_bias",
    "jury_bias",
    "mean_zscores",
    "normalised_means",
    "rank",
    "standings",
    "weighted_total",
    "zscores",
]
