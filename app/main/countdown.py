"""The time left before the deadline, in words, rendered on the server (works without JS)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import ngettext
from flask_babel import gettext as _


def countdown_text(now: datetime, deadline: datetime) -> str:
    """« Il reste 3 jours et 4 heures », or the closing notice once the deadline has passed."""
    left = deadline - now
    if left.total_seconds() <= 0:
        return _("Le dépôt des candidatures est clos.")
    days, seconds = left.days, left.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if days:
        return _("Il reste %(days)s et %(hours)s.", days=ngettext("%(num)d jour", "%(num)d jours", days),
                 hours=ngettext("%(num)d heure", "%(num)d heures", hours))
    if hours:
        return _("Il reste %(hours)s et %(minutes)s.", hours=ngettext("%(num)d heure", "%(num)d heures", hours),
                 minutes=ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return _("Il reste %(minutes)s.", minutes=ngettext("%(num)d minute", "%(num)d minutes", minutes))


def last_day(now: datetime, deadline: datetime) -> bool:
    """True during the 24 hours before the deadline, when candidates get a warning."""
    return 0 < (deadline - now).total_seconds() <= 24 * 3600


def deadline_context(contest, now: datetime) -> dict:
    """What ``main/_deadline.html`` shows: the deadline, the time left, the last-day warning."""
    deadline = contest.calendar.submission_deadline
    return {
        "countdown": countdown_text(now, deadline),
        "last_day": last_day(now, deadline),
        "deadline_iso": deadline.isoformat(),
        "now": now,
    }
