"""The moment of the contest for an act, read from the rows, and judged by ``workflows.lifecycle``.

Operations that are not transitions of a state machine (inviting a juror, scoring, recording a
conflict…) ask ``require`` before they change anything; transitions ask the same table through
their facts.
"""

from __future__ import annotations

from datetime import datetime

from app.models import Edition, Region
from workflows.lifecycle import Act, Moment, refusal
from workflows.refusals import Refused
from workflows.states import NationalStage, RegionStage


def edition_moment(edition: Edition, now: datetime) -> Moment:
    return Moment.at(now, edition.contest, NationalStage(edition.national_stage))


def region_moment(region: Region, now: datetime) -> Moment:
    return Moment.at(now, region.edition.contest, NationalStage(region.edition.national_stage),
                     RegionStage(region.stage))


def require(act: Act, moment: Moment, edition: Edition) -> None:
    """Raise Refused with the French reason when ``act`` is not possible at ``moment``."""
    if reason := refusal(act, moment, edition.contest):
        raise Refused([reason])
