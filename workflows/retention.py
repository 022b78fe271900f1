"""When an edition's personal data may no longer be kept.

Invariant: the retention runs from the publication of the results, for the definition's
``data.retention_months``, month by month in the contest's local time (the 31st becomes the
month's last day), so « 24 months after 15 November 2017 at 11:00 » is 15 November 2019 at 11:00
in Paris whatever the summer time. Nothing here reads the clock.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from workflows.definition import Contest


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months, the day clamped to the target month's length."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def retention_end(published_at: datetime, contest: Contest) -> datetime:
    """The first instant at which the edition's personal data is no longer kept."""
    local = published_at.astimezone(contest.tz)
    return add_months(local.replace(tzinfo=None), contest.data.retention_months).replace(tzinfo=contest.tz)
